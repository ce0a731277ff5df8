"""A local Mastodon for demos and tests: mastodon-mock behind uvicorn on a loopback port.

mastodon-mock (PyPI ``mastodon-mock``) is a stateful FastAPI implementation of
the Mastodon REST API on SQLite. This module adds what Parley needs on top of
it (see docs/platform-mastodon.md for the evaluation):

* our account, seeded with the fixed token ``SANDBOX_TOKEN`` so the connector
  needs no secret in sandbox mode;
* ``X-RateLimit-*`` headers on every API answer with an ISO-8601 reset, as a real
  Mastodon sends them (the mock's own opt-in limiter sends epoch seconds), and a
  real 429 when a token spends its window;
* a file-backed state that survives restarts (the mock's id counter restarts
  from the clock, so it is moved past the largest id already stored);
* helpers for simulated people (``post_as``) and for reading what Parley
  answered (``replies_to``), usable in-process or over HTTP from another process.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from starlette.middleware.base import RequestResponseEndpoint
from starlette.responses import Response

from bot.platforms.mastodon_sandbox_client import SANDBOX_TOKEN, MastodonSandboxClient, iso_reset
from bot.platforms.sandbox_server import BackgroundServer, base_url_of, bind_loopback, serve_in_foreground

logger = logging.getLogger(__name__)

__all__ = ["SANDBOX_TOKEN", "MastodonSandbox", "MastodonSandboxClient", "build_app", "serve_mastodon_sandbox"]

_EXEMPT_PREFIXES = ("/api/v1/_mock", "/health", "/avatars", "/headers", "/media", "/_ui")
_PARLEY_PREFIX = "/api/v1/_mock/parley"


def _bump_id_counter(app: FastAPI) -> None:
    """Keep new ids above every stored one after a restart on a state file.

    mastodon-mock starts its id counter at the current epoch milliseconds; a
    restart within moments of a busy run could otherwise hand out an id that
    is already taken.
    """
    from mastodon_mock import ids
    from mastodon_mock.db.models import Account, Notification, OAuthToken, Status, StatusMention

    largest = 0
    with app.state.session_factory() as session:
        for model in (Account, Status, Notification, OAuthToken, StatusMention):
            value = session.scalar(select(func.max(model.id)))
            largest = max(largest, int(value or 0))
    with ids._lock:
        current = next(ids._counter)
        ids._counter = itertools.count(max(current, largest + 1))


def _add_rate_limit_headers(app: FastAPI, *, limit: int, window_seconds: int) -> None:
    """Per-token fixed windows, announced the way Mastodon announces them."""
    buckets: dict[str, tuple[float, int]] = {}
    lock = threading.Lock()

    @app.middleware("http")
    async def _rate_limit(request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if path.startswith(_EXEMPT_PREFIXES) or not path.startswith(("/api/", "/oauth/")):
            return await call_next(request)
        auth = request.headers.get("authorization", "")
        key = auth.partition(" ")[2] or (request.client.host if request.client else "anonymous")
        now = time.time()
        with lock:
            start, count = buckets.get(key, (now, 0))
            if now - start >= window_seconds:
                start, count = now, 0
            count += 1
            buckets[key] = (start, count)
        reset_at = datetime.fromtimestamp(start + window_seconds, UTC)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - count)),
            "X-RateLimit-Reset": iso_reset(reset_at),
        }
        if count > limit:
            return JSONResponse(status_code=429, content={"error": "Too many requests"}, headers=headers)
        response = await call_next(request)
        for name, value in headers.items():
            if name not in response.headers:  # an injected 429 brings its own
                response.headers[name] = value
        return response


def _add_parley_routes(app: FastAPI, our_username: str) -> None:
    """Read-only views used by tests and the demo to see what Parley posted."""
    from mastodon_mock.db.models import Account, Status

    @app.get(f"{_PARLEY_PREFIX}/replies")
    def our_replies(in_reply_to_id: str | None = None) -> list[dict[str, Any]]:
        with app.state.session_factory() as session:
            ours = session.scalar(
                select(Account).where(Account.username == our_username, Account.domain.is_(None))
            )
            if ours is None:
                return []
            query = select(Status).where(Status.account_id == ours.id, Status.in_reply_to_id.is_not(None))
            if in_reply_to_id is not None:
                if not in_reply_to_id.isdigit():
                    return []
                query = query.where(Status.in_reply_to_id == int(in_reply_to_id))
            rows = session.scalars(query.order_by(Status.id)).all()
            return [
                {
                    "id": str(row.id),
                    "in_reply_to_id": str(row.in_reply_to_id),
                    "visibility": row.visibility,
                    "content": row.content,
                    "text": row.text,
                    "created_at": row.created_at.isoformat(),
                }
                for row in rows
            ]


def build_app(
    *,
    base_url: str,
    state_path: Path | None,
    our_username: str,
    rate_limit: int = 300,
    rate_window_seconds: int = 300,
) -> FastAPI:
    """The mastodon-mock app configured as Parley's sandbox."""
    from mastodon_mock.app import create_app
    from mastodon_mock.config import (
        DatabaseConfig,
        MastodonMockConfig,
        SeedAccount,
        SeedConfig,
        StreamingConfig,
    )

    scheme, _, netloc = base_url.partition("://")
    if state_path is not None:
        state_path.parent.mkdir(parents=True, exist_ok=True)
    config = MastodonMockConfig(
        domain=netloc,
        url_scheme="https" if scheme == "https" else "http",
        title="Parley sandbox",
        description="A local Mastodon for trying Parley without touching a real network.",
        database=DatabaseConfig(path=str(state_path) if state_path else ":memory:"),
        streaming=StreamingConfig(enabled=False),
        seed=SeedConfig(
            accounts=[
                SeedAccount(
                    username=our_username,
                    display_name="Parley Telecom",
                    note="<p>Customer care for Parley Telecom. Automated account, people read along.</p>",
                    access_token=SANDBOX_TOKEN,
                ),
            ]
        ),
    )
    app = create_app(config)
    _bump_id_counter(app)
    _add_parley_routes(app, our_username)
    _add_rate_limit_headers(app, limit=rate_limit, window_seconds=rate_window_seconds)
    return app


class MastodonSandbox:
    """The sandbox served from a background thread of this process."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state_path: Path | None = None,
        our_username: str = "parleytelecom",
        rate_limit: int = 300,
        rate_window_seconds: int = 300,
    ) -> None:
        self.host = host
        self.port = port
        self.state_path = state_path
        self.our_username = our_username
        self.rate_limit = rate_limit
        self.rate_window_seconds = rate_window_seconds
        self._server: BackgroundServer | None = None
        self._base_url: str | None = None
        self._client: MastodonSandboxClient | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the Mastodon sandbox is not started")
        return self._base_url

    @property
    def client(self) -> MastodonSandboxClient:
        if self._client is None:
            raise RuntimeError("the Mastodon sandbox is not started")
        return self._client

    def start(self) -> None:
        if self._server is not None:
            return
        sock = bind_loopback(self.host, self.port, what="Mastodon sandbox", key="sandbox.mastodon_port")
        base_url = base_url_of(self.host, sock)
        app = build_app(
            base_url=base_url,
            state_path=self.state_path,
            our_username=self.our_username,
            rate_limit=self.rate_limit,
            rate_window_seconds=self.rate_window_seconds,
        )
        server = BackgroundServer(app, sock, name="Mastodon sandbox")
        server.start()
        self._server, self._base_url = server, base_url
        self._client = MastodonSandboxClient(base_url, our_username=self.our_username)
        logger.info("Mastodon sandbox listening on %s", base_url)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stop()
        if self._client is not None:
            self._client.close()
        self._server = self._client = None
        self._base_url = None

    def __enter__(self) -> MastodonSandbox:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # The same helpers as the HTTP client, for callers in this process.
    def post_as(
        self,
        *,
        username: str,
        display_name: str,
        note: str = "",
        text: str,
        in_reply_to_id: str | None = None,
        visibility: str = "public",
        bot: bool = False,
    ) -> str:
        return self.client.post_as(
            username=username,
            display_name=display_name,
            note=note,
            text=text,
            in_reply_to_id=in_reply_to_id,
            visibility=visibility,
            bot=bot,
        )

    def replies_to(self, status_id: str) -> list[dict[str, Any]]:
        return self.client.replies_to(status_id)

    def all_our_replies(self) -> list[dict[str, Any]]:
        return self.client.all_our_replies()

    def inject_fault(
        self,
        *,
        status: int,
        count: int = 1,
        path_contains: str = "",
        reset_in_seconds: int = 2,
        delay_seconds: float = 0,
    ) -> None:
        self.client.inject_fault(
            status=status,
            count=count,
            path_contains=path_contains,
            reset_in_seconds=reset_in_seconds,
            delay_seconds=delay_seconds,
        )

    def clear_faults(self) -> None:
        self.client.clear_faults()


def serve_mastodon_sandbox(
    host: str = "127.0.0.1",
    port: int = 8702,
    state_path: Path | None = None,
    our_username: str = "parleytelecom",
) -> None:
    """Serve the sandbox in the foreground until interrupted (for a process of its own)."""
    sock = bind_loopback(host, port, what="Mastodon sandbox", key="sandbox.mastodon_port")
    base_url = base_url_of(host, sock)
    app = build_app(base_url=base_url, state_path=state_path, our_username=our_username)
    logger.info("Mastodon sandbox listening on %s (state: %s)", base_url, state_path or "in memory")
    serve_in_foreground(app, sock)
