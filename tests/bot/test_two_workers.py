"""Two `parley run` workers share one database: on PostgreSQL they split the work and answer each
mention once; on SQLite the second one refuses to start and says why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from bot.platforms.x_sandbox import XSandbox
from bot.storage.engine import make_engine
from bot.storage.tables import DraftRow, MentionRow, OutboxRow
from tests.bot.processes import ParleyProcess, wait_until, write_config

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

TEXTS = [
    "@parleytelecom my deal ends soon, what's the renewal price for loyal customers like me?",
    "@parleytelecom can I get full fibre at M14 6HR? want to switch from Sky",
    "@parleytelecom how much is your broadband for new customers at CF10 1EP?",
    "@parleytelecom out of contract and the price went up, what can you offer to keep me?",
]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[XSandbox]:
    with XSandbox(state_path=tmp_path / "x.sqlite3", our_username="parleytelecom") as box:
        yield box


def test_two_workers(tmp_path: Path, database_url: str, sandbox: XSandbox) -> None:
    config = write_config(
        tmp_path / "config.yaml",
        database_url=database_url,
        accounts=[{"name": "x-test", "platform": "x", "handle": "parleytelecom", "base_url": sandbox.base_url,
                   "sandbox": True, "poll_interval_seconds": 1.0}],
    )
    if database_url.startswith("sqlite"):
        first = ParleyProcess(config, "run", "--no-console", cwd=ROOT)
        try:
            first.wait_for_log("scheduler started", timeout=120)
            second = ParleyProcess(config, "run", "--no-console", cwd=ROOT)
            assert second.proc.wait(timeout=120) == 2
            assert "only one worker may run" in second.log()
            assert "Traceback" not in second.log()
        finally:
            assert first.terminate() == 0
        return

    ids = [sandbox.post_as(username=f"p{i}", name=f"P {i}", text=f"{TEXTS[i % len(TEXTS)]} ({i})")
           for i in range(40)]
    workers = [ParleyProcess(config, "run", "--no-console", cwd=ROOT) for _ in range(2)]
    engine = make_engine(database_url)
    try:
        for w in workers:
            w.wait_for_log("scheduler started", timeout=120)

        def done() -> bool:
            with Session(engine) as s:
                stored = s.exec(select(func.count()).select_from(MentionRow)).one()
                new = s.exec(select(func.count()).select_from(MentionRow).where(MentionRow.status == "new")).one()
                open_items = s.exec(select(func.count()).select_from(OutboxRow).where(
                    OutboxRow.status.in_(["pending", "in_flight"]))).one()  # type: ignore[attr-defined]
            return bool(stored == len(ids) and new == 0 and open_items == 0)

        wait_until(done, 180, "both workers to finish the work", workers[0])
        for w in workers:
            assert w.terminate() == 0, w.log()
        with Session(engine) as s:
            auto = s.exec(select(func.count()).select_from(DraftRow).where(DraftRow.route == "auto")).one()
            outbox = [(o.status, o.claimed_by, o.last_error) for o in s.exec(select(OutboxRow)).all()]
        replies = [sandbox.replies_to(i) for i in ids]
        assert all(len(r) <= 1 for r in replies), replies
        assert sum(len(r) for r in replies) == auto > 0, outbox
        assert all(status == "sent" for status, _, _ in outbox), outbox
    finally:
        for w in workers:
            if w.proc.poll() is None:
                w.kill()
        engine.dispose()
