"""`parley run`: pollers, pipeline, publisher and console in one process until stopped.

SIGINT/SIGTERM stop the scheduler first (waiting for running jobs, each of
which writes in short transactions), then the console.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType

from bot.config import Settings
from bot.errors import ConfigError, ParleyError
from bot.locks import worker_lock
from bot.pipeline import Pipeline
from bot.publishing import reconcile_in_flight
from bot.runtime import Runtime
from bot.scheduler import ParleyScheduler
from bot.storage.schema import upgrade

logger = logging.getLogger(__name__)


class ConsoleServer:
    """uvicorn serving the review console in a background thread.

    The socket is bound first, so a port already in use stops start-up with a
    clear message instead of a console that silently never came up.
    """

    def __init__(self, runtime: Runtime, host: str, port: int) -> None:
        import uvicorn

        from bot.console.app import create_app

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind((host, port))
        except OSError as exc:
            self.sock.close()
            raise ConfigError(f"the review console cannot listen on {host}:{port} ({exc.strerror})",
                              key="console.port") from None
        self.sock.listen(128)
        config = uvicorn.Config(create_app(runtime.settings, runtime.engine), log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, name="console",
                                       daemon=True)
        self.host, self.port = host, self.sock.getsockname()[1]

    def start(self) -> None:
        self.thread.start()
        logger.info("review console on http://%s:%d/", self.host, self.port)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def prepare(runtime: Runtime) -> Pipeline:
    """Migrate the schema, load the model and templates, settle crashed sends, flag bot accounts."""
    upgrade(runtime.engine)
    pipeline = Pipeline(runtime)
    for account in runtime.settings.accounts:
        if not account.enabled:
            continue
        connector = runtime.connector(account)
        ensure = getattr(connector, "ensure_bot_flag", None)
        if callable(ensure):
            try:
                ensure()
            except ParleyError as exc:
                logger.warning("could not mark %s as a bot account: %s", account.name, exc)
    reconcile_in_flight(runtime)
    return pipeline


def run_service(
    settings: Settings,
    *,
    host: str,
    port: int,
    console: bool = True,
    on_started: Callable[[Runtime, ParleyScheduler], None] | None = None,
) -> None:
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s: shutting down cleanly", signal.Signals(signum).name)
        stop.set()

    with worker_lock(settings.database.url):
        runtime = Runtime.from_settings(settings)
        server = ConsoleServer(runtime, host, port) if console else None  # a busy port fails fast
        pipeline = prepare(runtime)
        scheduler = ParleyScheduler(runtime, pipeline)
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            scheduler.start()
            if server:
                server.start()
            if on_started:
                on_started(runtime, scheduler)
            while not stop.wait(0.5):
                pass
        finally:
            scheduler.shutdown()
            if server:
                server.stop()
            runtime.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logger.info("Parley stopped")
