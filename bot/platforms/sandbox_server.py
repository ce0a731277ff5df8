"""Serving a sandbox app on a loopback socket, in a background thread or in the foreground.

Both sandboxes (X and Mastodon) bind their own socket first, so that port 0
works and the base URL is known before the server starts, and refuse any
address that is not loopback.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Literal

import uvicorn

from bot.errors import ConfigError

LOOPBACK_NAMES = {"localhost", "::1"}


def bind_loopback(host: str, port: int, *, what: str, key: str) -> socket.socket:
    """A listening socket on a loopback address (port 0: any free one), or a clear ConfigError."""
    if not (host.startswith("127.") or host in LOOPBACK_NAMES):
        raise ConfigError(f"the {what} only listens on a loopback address", key="sandbox.host")
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror})", key=key) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def base_url_of(host: str, sock: socket.socket) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{sock.getsockname()[1]}"


def _server(app: Any, lifespan: Literal["on", "off"]) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", server_header=False, access_log=False,
                                         lifespan=lifespan))


class BackgroundServer:
    """uvicorn serving ``app`` on ``sock`` from a daemon thread of this process."""

    def __init__(self, app: Any, sock: socket.socket, *, name: str, lifespan: Literal["on", "off"] = "on") -> None:
        self.sock = sock
        self.name = name
        self.server = _server(app, lifespan)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True, name=name)

    def start(self, *, timeout: float = 15) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ConfigError(f"the {self.name} did not start on {self.sock.getsockname()}")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        self.sock.close()


def serve_in_foreground(app: Any, sock: socket.socket, *, lifespan: Literal["on", "off"] = "on") -> None:
    """Serve until SIGINT/SIGTERM (uvicorn's own handlers stop it cleanly)."""
    try:
        _server(app, lifespan).run(sockets=[sock])
    finally:
        sock.close()
