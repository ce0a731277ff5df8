"""Fetch mentions for one account and store them with the cursor, page by page.

Fetching is kept apart from processing: this module only stores. Each page
and the cursor that covers it are committed in one transaction, so a crash
means re-fetching, and the unique key (platform, external id) makes that
harmless. Failures are logged once and recoveries are logged too.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text, update
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlmodel import col

from bot.config import AccountSettings
from bot.errors import AuthFailed, MalformedPayload, PlatformError, RateLimited, Transient
from bot.platforms.base import CursorState
from bot.runtime import Runtime
from bot.storage import session_scope
from bot.storage.engine import is_sqlite
from bot.storage.repo import audit, get_cursor, record_poll_outcome, save_mentions
from bot.storage.tables import PollCursorRow

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollResult:
    account: str
    outcome: str  # ok, skipped, paused, rate_limited, transient, auth_failed, malformed
    fetched: int = 0
    stored: int = 0
    pages: int = 0
    detail: str = ""
    retry_at: datetime | None = None


class _FailureLog:
    """Remembers the last outcome per account so each failure is logged once."""

    def __init__(self) -> None:
        self._last: dict[str, str] = {}
        self._lock = threading.Lock()

    def note(self, account: str, outcome: str, detail: str) -> None:
        with self._lock:
            previous = self._last.get(account, "ok")
            self._last[account] = outcome
        if outcome == "ok":
            if previous not in ("ok", "skipped"):
                logger.info("polling %s recovered (was %s)", account, previous)
            return
        if outcome != previous:
            level = logging.ERROR if outcome == "auth_failed" else logging.WARNING
            logger.log(level, "polling %s: %s: %s", account, outcome, detail)


FAILURES = _FailureLog()


def _lock_key(account: str) -> int:
    return zlib.crc32(f"parley-poll:{account}".encode()) & 0x7FFFFFFF


@contextmanager
def account_poll_lock(runtime: Runtime, account: str) -> Iterator[bool]:
    """On PostgreSQL, a session advisory lock so one worker polls an account at a time.

    The lock lives on its own connection: if the holder dies, the server
    drops the connection and the lock with it, and another worker takes over.
    """
    if is_sqlite(runtime.engine):
        yield True
        return
    conn: Connection = runtime.engine.connect()
    try:
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _lock_key(account)}).scalar())
        conn.commit()
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _lock_key(account)})
                conn.commit()
    finally:
        conn.close()


def poll_account(runtime: Runtime, account: AccountSettings) -> PollResult:
    """Fetch everything new for ``account`` and store it; never raises a PlatformError."""
    with account_poll_lock(runtime, account.name) as got_lock:
        if not got_lock:
            return PollResult(account.name, "skipped", detail="another worker is polling this account")
        return _poll_locked(runtime, account)


def _poll_locked(runtime: Runtime, account: AccountSettings) -> PollResult:
    with session_scope(runtime.engine) as session:
        cursor_row = get_cursor(session=session, account=account.name, platform=account.platform)
        if cursor_row.paused:
            return PollResult(account.name, "paused", detail=cursor_row.paused_reason or "paused")
        cursor = CursorState(
            since_id=cursor_row.since_id,
            paging_token=cursor_row.paging_token,
            paging_newest_id=cursor_row.paging_newest_id,
            extra=dict(cursor_row.extra or {}),
        )
    backfill_since = datetime.now(UTC) - timedelta(minutes=account.backfill_minutes)
    connector = runtime.connector(account)
    budget = runtime.budget(account)
    fetched = stored = pages = 0
    try:
        for page in connector.fetch(cursor, backfill_since=backfill_since):
            mentions = [dataclasses.replace(m, account=account.name) for m in page.mentions]
            with session_scope(runtime.engine) as session:
                new_rows = save_mentions(session=session, mentions=mentions)
                row = get_cursor(session=session, account=account.name, platform=account.platform)
                row.since_id = page.cursor.since_id
                row.paging_token = page.cursor.paging_token
                row.paging_newest_id = page.cursor.paging_newest_id
                row.extra = dict(page.cursor.extra)
                row.budget = budget.snapshot()
                session.add(row)
            pages += 1
            fetched += len(mentions)
            stored += len(new_rows)
    except PlatformError as exc:
        return _record_failure(runtime, account, exc, fetched=fetched, stored=stored, pages=pages)
    with session_scope(runtime.engine) as session:
        row = record_poll_outcome(
            session=session, account=account.name, platform=account.platform, outcome="ok", fetched=stored
        )
        row.budget = budget.snapshot()
    FAILURES.note(account.name, "ok", "")
    if stored:
        logger.info("polled %s: %d new mention(s) in %d page(s)", account.name, stored, pages)
    return PollResult(account.name, "ok", fetched=fetched, stored=stored, pages=pages)


def _record_failure(
    runtime: Runtime, account: AccountSettings, exc: PlatformError, *, fetched: int, stored: int, pages: int
) -> PollResult:
    retry_at: datetime | None = None
    if isinstance(exc, RateLimited):
        outcome, retry_at = "rate_limited", exc.reset_at
    elif isinstance(exc, AuthFailed):
        outcome = "auth_failed"
    elif isinstance(exc, MalformedPayload):
        outcome = "malformed"
    elif isinstance(exc, Transient):
        outcome = "transient"
    else:
        outcome = "error"
    detail = str(exc)
    with session_scope(runtime.engine) as session:
        row = record_poll_outcome(
            session=session, account=account.name, platform=account.platform, outcome=outcome, error=detail
        )
        row.budget = runtime.budget(account).snapshot()
        if outcome == "auth_failed":
            row.paused = True
            row.paused_reason = f"credentials refused: {detail}"
            audit(session=session, actor="scheduler", action="account_paused", subject=account.name,
                  detail=row.paused_reason)
    FAILURES.note(account.name, outcome, detail)
    return PollResult(account.name, outcome, fetched=fetched, stored=stored, pages=pages, detail=detail,
                      retry_at=retry_at)


def resume_account(engine: Engine, account_name: str, *, actor: str) -> bool:
    """Un-pause an account after an operator fixed its credentials; False if it was not paused.

    The un-pause is one conditional UPDATE, so when two people press "Resume"
    at once exactly one of them resumes it and is written to the audit log.
    The account's poll job keeps running while paused (it skips), so polling
    starts again on its next tick.
    """
    with session_scope(engine) as session:
        row = session.get(PollCursorRow, account_name)
        if row is None or not row.paused:
            return False
        reason = row.paused_reason or ""
        result = session.execute(
            update(PollCursorRow)
            .where(col(PollCursorRow.account) == account_name, col(PollCursorRow.paused).is_(True))
            .values(paused=False, paused_reason=None)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        if result.rowcount != 1:
            return False
        audit(session=session, actor=actor, action="account_resumed", subject=account_name,
              detail=f"was paused: {reason}" if reason else "")
    logger.info("polling %s resumed by %s", account_name, actor)
    return True
