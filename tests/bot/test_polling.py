"""The poll runner against the real X sandbox and connector: paging, restarts, errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.config import Settings, parse_config
from bot.platforms.base import CursorState, FetchedPage
from bot.platforms.x_sandbox import XSandbox
from bot.polling import poll_account
from bot.runtime import Runtime
from bot.storage.tables import MentionRow, PollCursorRow


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    with XSandbox(our_username="parleytelecom") as box:
        yield box


def _settings(sandbox: XSandbox, url: str) -> Settings:
    return parse_config({
        "database": {"url": url},
        "accounts": [{"name": "x-test", "platform": "x", "handle": "parleytelecom",
                      "base_url": sandbox.base_url, "sandbox": True, "backfill_minutes": 60}],
    })


@pytest.fixture
def runtime(sandbox: XSandbox, engine: Engine) -> Iterator[Runtime]:
    rt = Runtime(settings=_settings(sandbox, str(engine.url)), engine=engine)
    yield rt


def _count(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(MentionRow)).one())


def _ids(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return list(s.exec(select(MentionRow.external_id)).all())


def test_pages_through_everything_once(sandbox: XSandbox, runtime: Runtime, engine: Engine) -> None:
    for i in range(230):
        sandbox.post_as(username=f"person{i % 7}", name=f"Person {i % 7}", text=f"@parleytelecom question {i}")
    first = poll_account(runtime, runtime.settings.accounts[0])
    assert first.outcome == "ok" and first.stored == 230 and first.pages == 3
    again = poll_account(runtime, runtime.settings.accounts[0])
    assert again.outcome == "ok" and again.stored == 0
    sandbox.post_as(username="late", name="Late", text="@parleytelecom one more")
    assert poll_account(runtime, runtime.settings.accounts[0]).stored == 1
    ids = _ids(engine)
    assert len(ids) == len(set(ids)) == 231


class _FailAfterFirstPage:
    """Wraps the real connector: after its first page, the sandbox starts failing (a crash mid-paging)."""

    def __init__(self, real: object, sandbox: XSandbox) -> None:
        self.real, self.sandbox = real, sandbox

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def fetch(self, cursor: CursorState, *, backfill_since: datetime | None) -> Iterator[FetchedPage]:
        for index, page in enumerate(self.real.fetch(cursor, backfill_since=backfill_since)):  # type: ignore[attr-defined]
            if index == 0:
                self.sandbox.inject_fault(status=503, count=1, path_contains="mentions")
            yield page


def test_restart_in_the_middle_of_paging_loses_nothing(sandbox: XSandbox, runtime: Runtime, engine: Engine) -> None:
    account = runtime.settings.accounts[0]
    poll_account(runtime, account)  # cold start on an empty timeline
    for i in range(250):
        sandbox.post_as(username=f"p{i % 5}", name="P", text=f"@parleytelecom hello {i}")
    real = runtime.connector(account)
    runtime._connectors[account.name] = _FailAfterFirstPage(real, sandbox)  # type: ignore[assignment]
    broken = poll_account(runtime, account)
    assert broken.outcome == "transient" and broken.stored == 100
    with Session(engine) as s:
        cursor = s.get(PollCursorRow, account.name)
        assert cursor is not None and cursor.paging_token  # remembers where paging stopped
    runtime._connectors[account.name] = real
    resumed = poll_account(runtime, account)
    assert resumed.outcome == "ok"
    ids = _ids(engine)
    assert len(ids) == len(set(ids)) == 250
    with Session(engine) as s:
        cursor = s.get(PollCursorRow, account.name)
        assert cursor is not None and cursor.paging_token is None and cursor.since_id


def test_rate_limit_is_recorded_with_the_reset(sandbox: XSandbox, runtime: Runtime, engine: Engine) -> None:
    sandbox.inject_fault(status=429, count=5, path_contains="mentions", reset_in_seconds=30)
    result = poll_account(runtime, runtime.settings.accounts[0])
    assert result.outcome == "rate_limited" and result.retry_at is not None
    with Session(engine) as s:
        cursor = s.get(PollCursorRow, "x-test")
        assert cursor is not None and cursor.last_outcome == "rate_limited"
        assert cursor.budget.get("remaining") == 0


def test_auth_failure_pauses_the_account(sandbox: XSandbox, runtime: Runtime, engine: Engine) -> None:
    sandbox.inject_fault(status=401, count=5)
    assert poll_account(runtime, runtime.settings.accounts[0]).outcome == "auth_failed"
    assert poll_account(runtime, runtime.settings.accounts[0]).outcome == "paused"
    with Session(engine) as s:
        cursor = s.get(PollCursorRow, "x-test")
        assert cursor is not None and cursor.paused and "credentials" in (cursor.paused_reason or "")
