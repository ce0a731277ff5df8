"""The queue and conversation pages: order, filters, escaping, and friendly errors."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.console import review
from bot.storage.engine import session_scope
from bot.storage.repo import audit
from tests.bot.console.seeding import HOSTILE_BIO, HOSTILE_NAME, HOSTILE_TEXT, Seeded, add_sent_reply


def draft_ids_in(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'class="row-link" href="/drafts/(\d+)"', html)]


def test_queue_puts_priority_first_then_the_oldest(sam: TestClient, seeded: Seeded) -> None:
    order = draft_ids_in(sam.get("/queue").text)
    d = seeded.drafts
    # outage (priority 20), hostile (10), then by age: renewal (31 min), newcomer (12), question (3)
    assert order == [d["outage"], d["hostile"], d["renewal"], d["newcomer"], d["question"]]
    api = sam.get("/api/queue").json()
    assert [i["draft_id"] for i in api["items"]] == order
    assert api["counts"] == {"complaint": 2, "renewal": 1, "new_customer": 1, "other": 1}


def test_queue_filters_by_intent_platform_search_and_status(sam: TestClient, seeded: Seeded) -> None:
    d = seeded.drafts
    assert draft_ids_in(sam.get("/queue?intent=complaint").text) == [d["outage"], d["hostile"]]
    assert draft_ids_in(sam.get("/queue?platform=mastodon").text) == [d["newcomer"]]
    assert draft_ids_in(sam.get("/queue?q=@tom_at").text) == [d["renewal"]]
    assert draft_ids_in(sam.get("/queue?q=STUDENT").text) == [d["question"]]
    assert draft_ids_in(sam.get("/queue?q=100%25").text) == []
    assert draft_ids_in(sam.get("/queue?status=sent").text) == []
    assert len(draft_ids_in(sam.get("/queue?status=all").text)) == 5


def test_sla_timer_marks_overdue_items(sam: TestClient, seeded: Seeded) -> None:
    html = sam.get("/queue").text
    assert "1 past the 60-minute target" in html  # the outage post is 74 minutes old
    assert html.count('class="queue-item is-overdue') == 1
    assert "data-due=" in html


def test_hostile_text_is_escaped_everywhere(sam: TestClient, seeded: Seeded) -> None:
    queue = sam.get("/queue").text
    page = sam.get(f"/drafts/{seeded.drafts['hostile']}").text
    for html in (queue, page):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html
    assert "onerror" not in page.replace("&#34;&gt;&lt;img src=x onerror", "")
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    api = sam.get(f"/api/drafts/{seeded.drafts['hostile']}").json()
    assert api["draft"]["author_name"] == HOSTILE_NAME and api["draft"]["text"] == HOSTILE_TEXT
    assert HOSTILE_BIO not in page


def test_conversation_page_shows_thread_author_scores_and_highlighted_pii(sam: TestClient, seeded: Seeded) -> None:
    page = sam.get(f"/drafts/{seeded.drafts['outage']}")
    assert page.status_code == 200
    html = page.text
    assert "Priya Shah" in html and "@priya_codes" in html and "Working from home" in html
    assert '<mark class="pii" title="Personal data: phone">07700 900123<span class="tag">phone</span></mark>' in html
    assert '<mark class="entity" title="postcode">LS6 2AB' in html
    assert "pii-in-public" in html and "Customer posted personal data in public" in html
    assert 'data-limit="280"' in html and "Approve and send" in html
    assert "Passes the reply guard." in html


def test_thread_includes_earlier_posts_and_our_replies_in_order(
    sam: TestClient, engine: Engine, seeded: Seeded
) -> None:
    from datetime import timedelta

    from bot.storage.tables import ConversationRow, DraftRow, MentionRow
    from tests.bot.console.seeding import add_post

    with session_scope(engine) as session:
        first = session.get(MentionRow, seeded.mentions["renewal"])
        assert first is not None
        conversation = session.get(ConversationRow, first.conversation_id)
        draft = session.get(DraftRow, seeded.drafts["renewal"])
        assert draft is not None and conversation is not None
        add_sent_reply(session, draft=draft, mention=first, minutes_after=4)
        _, follow = add_post(
            session, key="renewal-2", handle="tom_at_home_2", text="@parleytelecom thanks, and what about TV?",
            draft="Hi Tom, we don't sell TV packages, sorry!", intent="other", minutes_ago=2,
            conversation=conversation,
        )
        follow_id = follow.id
        assert first.created_at + timedelta(minutes=4) < follow.created_at
    html = sam.get(f"/drafts/{follow_id}").text
    first_at, reply_at, second_at = (html.index(s) for s in (
        "what can you offer me to stay", "thanks for sticking with us", "and what about TV?"))
    assert first_at < reply_at < second_at
    assert "answering this" in html


def test_unknown_draft_is_a_friendly_404(sam: TestClient) -> None:
    for path in ("/drafts/999999", "/drafts/abc", "/nowhere"):
        page = sam.get(path)
        assert page.status_code == 404 and "Back to the queue" in page.text and "Traceback" not in page.text
    assert sam.get("/api/drafts/999999").json() == {"detail": "there is no draft 999999"}


def test_locked_database_is_a_friendly_503(
    sam: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(**_kwargs: object) -> object:
        raise OperationalError("UPDATE drafts", {}, Exception("database is locked"))

    monkeypatch.setattr(review, "approve", locked)
    from tests.bot.console.conftest import csrf_of

    page = sam.post(f"/drafts/{seeded.drafts['renewal']}/approve",
                    data={"csrf_token": csrf_of(sam), "version": "1", "text": "Hi Tom!"})
    assert page.status_code == 503 and "busy" in page.text and "Traceback" not in page.text


def test_bad_form_input_is_explained(sam: TestClient, seeded: Seeded) -> None:
    from tests.bot.console.conftest import csrf_of

    page = sam.post(f"/drafts/{seeded.drafts['renewal']}/approve",
                    data={"csrf_token": csrf_of(sam), "version": "not-a-number", "text": "hi"})
    assert page.status_code == 422 and "version" in page.text


def test_overview_sent_and_audit_pages_render(sam: TestClient, engine: Engine, seeded: Seeded) -> None:
    from bot.storage.tables import DraftRow, MentionRow

    with session_scope(engine) as session:
        mention = session.get(MentionRow, seeded.mentions["question"])
        draft = session.get(DraftRow, seeded.drafts["question"])
        assert mention is not None and draft is not None
        add_sent_reply(session, draft=draft, mention=mention, minutes_after=6, reviewer=None)
        audit(session=session, actor="sam", action="approve", subject=f"draft:{draft.id}", detail="<b>x</b>")
    overview = sam.get("/overview").text
    assert overview.count('<svg class="chart"') == 4 and "Median time to first reply" in overview
    assert "100%" in overview  # the one sent reply went out automatically
    sent = sam.get("/sent").text
    assert "student plan" in sent and "automatic" in sent
    audit_page = sam.get("/audit").text
    assert "&lt;b&gt;x&lt;/b&gt;" in audit_page and "<b>x</b>" not in audit_page


def test_pages_carry_a_strict_content_security_policy(sam: TestClient) -> None:
    headers = sam.get("/queue").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_conversation_page_shows_the_directory_match(sam: TestClient, engine: Engine, seeded: Seeded) -> None:
    from bot.storage.customers import CustomerRecord, upsert_customer

    with session_scope(engine) as session:
        upsert_customer(session=session, record=CustomerRecord(
            name="Tom Becker", address="4 Mill Lane, Leeds", postcode="LS6 2AB", handles=(("x", "tom_at_home"),),
            plan="fibre-80", contract_end=None,
        ))
    html = sam.get(f"/drafts/{seeded.drafts['renewal']}").text
    assert "In the customer directory:" in html and "Tom Becker" in html and "100% sure" in html
    api = sam.get(f"/api/drafts/{seeded.drafts['renewal']}").json()
    assert api["customer"]["name"] == "Tom Becker" and api["customer"]["confidence"] == 1.0
    assert "No match in the customer directory." in sam.get(f"/drafts/{seeded.drafts['question']}").text
