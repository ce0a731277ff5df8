from __future__ import annotations

import threading

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.storage.repo import (
    claim_outbox_items,
    enqueue_reply,
    get_cursor,
    mark_sent,
    save_mentions,
)
from bot.storage.tables import DraftRow, MentionRow, OutboxRow, SentReplyRow
from tests.bot.factories import make_mention


def _draft_for(session: Session, mention: MentionRow) -> DraftRow:
    draft = DraftRow(mention_id=mention.id, text="Hi Maya, sorry about that!", status="approved", route="auto")
    session.add(draft)
    session.flush()
    return draft


def test_save_mentions_dedupes_and_upserts_authors(session: Session) -> None:
    first = save_mentions(session=session, mentions=[make_mention("1"), make_mention("2")])
    again = save_mentions(session=session, mentions=[make_mention("2"), make_mention("3", display_name="Maya")])
    session.commit()
    assert [m.external_id for m in first] == ["1", "2"]
    assert [m.external_id for m in again] == ["3"]
    rows = session.exec(select(MentionRow)).all()
    assert sorted(r.external_id for r in rows) == ["1", "2", "3"]
    assert len({r.author_id for r in rows}) == 1


def test_cursor_is_created_once(session: Session) -> None:
    a = get_cursor(session=session, account="x-sandbox", platform="x")
    a.since_id = "42"
    session.commit()
    assert get_cursor(session=session, account="x-sandbox", platform="x").since_id == "42"


def test_one_outbox_item_per_post(session: Session) -> None:
    (mention,) = save_mentions(session=session, mentions=[make_mention("10")])
    d1 = _draft_for(session, mention)
    item = enqueue_reply(session=session, draft=d1, mention=mention, author_handle="maya_k")
    d2 = DraftRow(mention_id=mention.id, text="second", status="approved", route="auto")
    # a second draft for the same post must not produce a second outbox item
    again = enqueue_reply(session=session, draft=d1, mention=mention, author_handle="maya_k")
    session.commit()
    assert again.id == item.id
    assert d1.status == "queued"
    assert d2.id is None
    assert len(session.exec(select(OutboxRow)).all()) == 1


def test_claim_then_mark_sent(session: Session) -> None:
    (mention,) = save_mentions(session=session, mentions=[make_mention("11")])
    draft = _draft_for(session, mention)
    enqueue_reply(session=session, draft=draft, mention=mention, author_handle="maya_k")
    session.commit()
    claimed = claim_outbox_items(session=session, worker="w1")
    session.commit()
    assert len(claimed) == 1 and claimed[0].status == "in_flight" and claimed[0].attempts == 1
    assert claim_outbox_items(session=session, worker="w2") == []
    mark_sent(session=session, item=claimed[0], platform_post_id="999")
    session.commit()
    sent = session.exec(select(SentReplyRow)).one()
    assert sent.platform_post_id == "999"
    assert session.get(DraftRow, draft.id).status == "sent"  # type: ignore[union-attr]


def test_concurrent_claims_never_share_an_item(engine: Engine) -> None:
    with Session(engine) as session:
        mentions = save_mentions(session=session, mentions=[make_mention(str(100 + i)) for i in range(20)])
        for m in mentions:
            enqueue_reply(session=session, draft=_draft_for(session, m), mention=m, author_handle="maya_k")
        session.commit()
    results: dict[str, list[int]] = {}

    def worker(name: str) -> None:
        got: list[int] = []
        for _ in range(10):
            with Session(engine) as s:
                items = claim_outbox_items(session=s, worker=name, limit=3)
                s.commit()
                got.extend(i.id for i in items if i.id is not None)
        results[name] = got

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for ids in results.values() for i in ids]
    assert len(everything) == len(set(everything)) == 20
