"""The publisher against the X sandbox: posting once, the last guard check, a crash after posting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import bot.publishing
from bot.config import parse_config
from bot.platforms.x_sandbox import XSandbox
from bot.publishing import publish_due
from bot.runtime import Runtime
from bot.storage.repo import enqueue_reply, save_mentions
from bot.storage.tables import AuditLogRow, DraftRow, OutboxRow
from tests.bot.factories import make_mention


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    with XSandbox(our_username="parleytelecom") as box:
        yield box


@pytest.fixture
def runtime(sandbox: XSandbox, engine: Engine) -> Runtime:
    settings = parse_config({"database": {"url": str(engine.url)}, "scheduler": {"inflight_grace_seconds": 0},
                             "accounts": [
        {"name": "x-sandbox", "platform": "x", "handle": "parleytelecom", "base_url": sandbox.base_url,
         "sandbox": True}]})
    return Runtime(settings=settings, engine=engine)


def _queue(engine: Engine, sandbox: XSandbox, *, customer_text: str, reply: str) -> str:
    post_id = sandbox.post_as(username="maya_k", name="Maya", text=customer_text)
    with Session(engine) as s:
        (mention,) = save_mentions(session=s, mentions=[make_mention(post_id, text=customer_text)])
        draft = DraftRow(mention_id=mention.id, text=reply, status="approved", route="auto")
        s.add(draft)
        s.flush()
        enqueue_reply(session=s, draft=draft, mention=mention, author_handle="maya_k")
        s.commit()
    return post_id


def test_posts_once_in_the_thread(engine: Engine, sandbox: XSandbox, runtime: Runtime) -> None:
    post_id = _queue(engine, sandbox, customer_text="@parleytelecom fibre at LS6 2AB?",
                     reply="@maya_k Hi Maya, Full Fibre 500 is £40 a month at LS6 2AB.")
    assert publish_due(runtime=runtime).sent == 1
    assert publish_due(runtime=runtime).sent == 0
    (reply,) = sandbox.replies_to(post_id)
    assert reply["text"].startswith("@maya_k Hi Maya")


def test_the_guard_stops_a_reply_that_repeats_personal_data(
    engine: Engine, sandbox: XSandbox, runtime: Runtime
) -> None:
    post_id = _queue(engine, sandbox, customer_text="@parleytelecom line dead, call me on 07700 900123",
                     reply="@maya_k Sorry Maya, we'll ring 07700 900123 today.")
    result = publish_due(runtime=runtime)
    assert (result.sent, result.failed) == (0, 1)
    assert sandbox.replies_to(post_id) == []
    with Session(engine) as s:
        item = s.exec(select(OutboxRow)).one()
        assert item.status == "failed" and "phone number" in (item.last_error or "")
        assert s.exec(select(AuditLogRow).where(AuditLogRow.action == "guard_refused")).first() is not None


def test_a_crash_after_posting_is_reconciled_without_a_second_post(
    engine: Engine, sandbox: XSandbox, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_id = _queue(engine, sandbox, customer_text="@parleytelecom renewal price please?",
                     reply="@maya_k Hi Maya, your loyal price is £35 a month.")

    def crash(**_: object) -> None:
        raise KeyboardInterrupt("the process died between posting and marking sent")

    monkeypatch.setattr(bot.publishing, "mark_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        publish_due(runtime=runtime)
    monkeypatch.undo()
    with Session(engine) as s:
        assert s.exec(select(OutboxRow)).one().status == "in_flight"
    restarted = Runtime(settings=runtime.settings, engine=engine)  # a new worker id, as after a restart
    result = publish_due(runtime=restarted)
    assert (result.reconciled, result.sent) == (1, 0)
    assert len(sandbox.replies_to(post_id)) == 1
    with Session(engine) as s:
        assert s.exec(select(OutboxRow)).one().status == "sent"
