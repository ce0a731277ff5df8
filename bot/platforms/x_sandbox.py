"""A local stand-in for X API v2, for the demo, the traffic generator and tests.

``XSandbox`` runs the server in a thread of this process; ``serve_x_sandbox``
runs it in the foreground of its own process (``parley sandbox``), so that it
can outlive a SIGKILLed Parley. Either way ``XSandboxClient`` drives it over
HTTP through the ``/_sandbox/`` admin routes, which is why the same calls
work against a sandbox started elsewhere.

Authentication: reads accept ``Authorization: Bearer parley-sandbox-token``
or any OAuth 1.0a header; ``/2/users/me`` and ``POST /2/tweets`` require
user context (an OAuth 1.0a header), as on the real X, which is what tweepy
sends for ``get_me`` and ``create_tweet`` by default.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import httpx

from bot.errors import ConfigError
from bot.platforms.sandbox_server import BackgroundServer, base_url_of, bind_loopback, serve_in_foreground
from bot.platforms.x_sandbox_app import SANDBOX_TOKEN, build_app
from bot.platforms.x_sandbox_store import SandboxStore

__all__ = ["SANDBOX_TOKEN", "XSandbox", "XSandboxClient", "serve_x_sandbox"]

logger = logging.getLogger(__name__)

PostKind = Literal["tweet", "retweet", "quote"]


class SandboxControls:
    """Plays other users and breaks the network, through the admin routes."""

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        raise NotImplementedError

    def post_as(
        self,
        *,
        username: str,
        name: str,
        bio: str = "",
        text: str,
        in_reply_to_id: str | None = None,
        is_bot: bool = False,
        kind: PostKind = "tweet",
        lang: str = "en",
        created_at: datetime | None = None,
    ) -> str:
        """Post as a simulated user; ``in_reply_to_id`` is the parent, or the retweeted/quoted tweet."""
        payload: dict[str, Any] = {
            "username": username, "name": name, "bio": bio, "text": text,
            "in_reply_to_id": in_reply_to_id, "is_bot": is_bot, "kind": kind, "lang": lang,
            "created_at": created_at.isoformat() if created_at else None,
        }
        return str(self._call("POST", "/_sandbox/posts", json=payload)["id"])

    def replies_to(self, tweet_id: str) -> list[dict[str, Any]]:
        """Replies our account posted to ``tweet_id``, oldest first."""
        result: list[dict[str, Any]] = self._call("GET", "/_sandbox/replies", params={"to": tweet_id})
        return result

    def all_our_replies(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/_sandbox/replies")
        return result

    def tweet(self, tweet_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/_sandbox/tweets/{tweet_id}")
        return result

    def inject_fault(
        self,
        *,
        status: int,
        count: int = 1,
        path_contains: str = "",
        reset_in_seconds: int = 2,
        delay_seconds: float = 0,
        body: str | None = None,
        delay_after_seconds: float = 0,
    ) -> None:
        """Make the next ``count`` X API requests (whose path contains ``path_contains``) fail.

        ``status=200`` with ``delay_seconds`` only slows the answer (to cause
        client timeouts); ``body`` replaces the response body verbatim (to
        send malformed payloads); ``delay_after_seconds`` carries the request out and
        then holds the answer back (the client cannot tell whether its post went through).
        """
        self._call("POST", "/_sandbox/faults", json={
            "status": status, "count": count, "path_contains": path_contains,
            "reset_in_seconds": reset_in_seconds, "delay_seconds": delay_seconds, "body": body,
            "delay_after_seconds": delay_after_seconds,
        })

    def reset(self) -> None:
        self._call("POST", "/_sandbox/reset")

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/_sandbox/health")
        return result


class XSandboxClient(SandboxControls):
    """The controls of a sandbox running anywhere (this process or another), over HTTP."""

    def __init__(self, base_url: str, *, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ConfigError(f"the X sandbox at {self.base_url} cannot be reached ({exc})") from None
        if response.status_code >= 400:
            raise ValueError(f"X sandbox {method} {path}: {response.status_code} {response.text}")
        return response.json()


class XSandbox(SandboxControls):
    """The sandbox server in a background thread of this process, with the same controls."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state_path: Path | None = None,
        our_username: str = "parleytelecom",
    ) -> None:
        self.host = host
        self.port = port
        self.state_path = state_path
        self.our_username = our_username
        self._server: BackgroundServer | None = None
        self._store: SandboxStore | None = None
        self._client: XSandboxClient | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the X sandbox is not started")
        return base_url_of(self.host, self._server.sock)

    @property
    def client(self) -> XSandboxClient:
        if self._client is None:
            raise RuntimeError("the X sandbox is not started")
        return self._client

    @property
    def our_user_id(self) -> str:
        if self._store is None:
            raise RuntimeError("the X sandbox is not started")
        return self._store.our_id

    def start(self) -> None:
        if self._server is not None:
            return
        sock = bind_loopback(self.host, self.port, what="X sandbox", key="sandbox.x_port")
        store = SandboxStore(state_path=self.state_path, our_username=self.our_username)
        server = BackgroundServer(build_app(store), sock, name="X sandbox", lifespan="off")
        try:
            server.start()
        except ConfigError:
            store.close()
            raise
        self._server, self._store = server, store
        self._client = XSandboxClient(self.base_url)
        logger.info("X sandbox listening on %s", self.base_url)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stop()
        if self._client is not None:
            self._client.close()
        if self._store is not None:
            self._store.close()
        self._server = self._client = self._store = None

    def __enter__(self) -> XSandbox:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client._call(method, path, **kwargs)


def serve_x_sandbox(
    host: str = "127.0.0.1",
    port: int = 8701,
    state_path: Path | None = None,
    our_username: str = "parleytelecom",
) -> None:
    """Serve in the foreground until interrupted (SIGINT/SIGTERM stop it cleanly)."""
    sock = bind_loopback(host, port, what="X sandbox", key="sandbox.x_port")
    store = SandboxStore(state_path=state_path, our_username=our_username)
    logger.info("X sandbox listening on %s", base_url_of(host, sock))
    try:
        serve_in_foreground(build_app(store), sock, lifespan="off")
    finally:
        store.close()
