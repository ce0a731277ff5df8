"""SIGKILL `parley run` in the middle of a poll and of a publish: nothing lost, nothing posted twice."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.platforms.x_sandbox import XSandbox
from bot.storage.engine import make_engine
from bot.storage.tables import DraftRow, MentionRow, OutboxRow
from tests.bot.processes import ParleyProcess, wait_until, write_config

ROOT = Path(__file__).resolve().parents[2]

POSTS = [
    "@parleytelecom my contract ends next month, what's the best renewal price you can do for me?",
    "@parleytelecom do you do full fibre at LS6 2AB? thinking of switching from BT",
    "@parleytelecom my broadband has been down since yesterday, please fix it",
    "@parleytelecom been with you 8 years and my deal is ending, loyal customer discount?",
    "@parleytelecom what broadband deals do you have for new customers in BS3 4QT?",
    "@parleytelecom charged twice this month, sort it out",
]

pytestmark = pytest.mark.slow


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[XSandbox]:
    with XSandbox(state_path=tmp_path / "x.sqlite3", our_username="parleytelecom") as box:
        yield box


def _count(engine: Engine, model: type, *where: object) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(model).where(*where)).one())  # type: ignore[arg-type]


def test_sigkill_during_poll_and_publish(tmp_path: Path, database_url: str, sandbox: XSandbox) -> None:
    config = write_config(
        tmp_path / "config.yaml",
        database_url=database_url,
        accounts=[{"name": "x-test", "platform": "x", "handle": "parleytelecom", "base_url": sandbox.base_url,
                   "sandbox": True, "poll_interval_seconds": 0.5}],
    )
    ids = [sandbox.post_as(username=f"person{i}", name=f"Person {i}", text=text) for i, text in enumerate(POSTS)]
    engine = make_engine(database_url)
    started: list[ParleyProcess] = []
    try:
        # 1. Killed while a poll is waiting for the network.
        sandbox.inject_fault(status=200, count=1, path_contains="mentions", delay_seconds=8)
        first = ParleyProcess(config, "run", "--no-console", cwd=ROOT)
        started.append(first)
        first.wait_for_log("scheduler started", timeout=120)
        time.sleep(2.0)  # the first poll starts at once and waits 8 s for the sandbox
        first.kill()
        assert _count(engine, MentionRow) == 0  # the page in flight was never half-stored

        # 2. Killed after the network accepted a reply but before Parley heard back: the worst case.
        sandbox.inject_fault(status=200, count=1, path_contains="/2/tweets", delay_after_seconds=8)
        second = ParleyProcess(config, "run", "--no-console", cwd=ROOT)
        started.append(second)
        wait_until(lambda: _count(engine, OutboxRow, OutboxRow.status == "in_flight") > 0, 120,
                   "an outbox item in flight", second)
        time.sleep(1.0)  # the sandbox has stored the reply and is holding back the answer
        second.kill()
        assert len(sandbox.all_our_replies()) == 1

        # 3. A clean run finishes the work.
        third = ParleyProcess(config, "run", "--no-console", cwd=ROOT)
        started.append(third)

        def settled() -> bool:
            return (
                _count(engine, MentionRow) == len(POSTS)
                and _count(engine, MentionRow, MentionRow.status == "new") == 0
                and _count(engine, OutboxRow) > 0
                and _count(engine, OutboxRow, OutboxRow.status.in_(["pending", "in_flight"])) == 0  # type: ignore[attr-defined]
            )

        wait_until(settled, 120, "all mentions processed and all replies sent", third)
        assert third.terminate() == 0, third.log()
        assert "scheduler stopped cleanly" in third.log()

        with Session(engine) as s:
            stored = list(s.exec(select(MentionRow.external_id)).all())
            auto = s.exec(select(func.count()).select_from(DraftRow).where(DraftRow.route == "auto")).one()
            sent = s.exec(select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "sent")).one()
            outbox = [(o.status, o.attempts, o.last_error) for o in s.exec(select(OutboxRow)).all()]
        assert sorted(stored) == sorted(ids)  # no mention lost, none stored twice
        replies = {tweet_id: sandbox.replies_to(tweet_id) for tweet_id in ids}
        assert all(len(r) <= 1 for r in replies.values()), replies  # no reply posted twice
        assert sum(len(r) for r in replies.values()) == sent == auto, (outbox, third.log())
    finally:
        for process in started:  # never leave a worker behind when an assertion fails
            if process.proc.poll() is None:
                process.kill()
        engine.dispose()
