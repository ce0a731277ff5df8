"""Approve, reject, relabel, edit, claims and the no-double-reply promise."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.console import review
from bot.errors import ConflictError, PolicyViolation
from bot.storage.engine import session_scope
from bot.storage.tables import (
    AuditLogRow,
    DraftRow,
    OutboxRow,
    ReviewActionRow,
    TrainingLabelRow,
    utcnow,
)
from tests.bot.console.conftest import csrf_of
from tests.bot.console.seeding import Seeded

ASKS_FOR_ACCOUNT = "Hi Tom, could you DM us your account number so we can check your renewal price?"


def outbox_rows(engine: Engine, draft_id: int) -> list[OutboxRow]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxRow).where(OutboxRow.draft_id == draft_id)).all())


def test_approve_puts_the_edited_reply_in_the_outbox_once(sam: TestClient, engine: Engine, seeded: Seeded) -> None:
    draft_id = seeded.drafts["renewal"]
    edited = "@tom_at_home Hi Tom, thanks for staying! Fibre 80 is £25/month for you. Reply here with your name."
    response = sam.post(f"/drafts/{draft_id}/approve", data={"csrf_token": csrf_of(sam), "version": "1",
                                                              "text": edited}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/queue?notice=approved"
    [item] = outbox_rows(engine, draft_id)
    assert item.text == edited and item.in_reply_to_id == "m-renewal" and item.author_handle == "tom_at_home"
    with Session(engine) as session:
        draft = session.get(DraftRow, draft_id)
        assert draft is not None
        assert (draft.status, draft.reviewer, draft.version) == ("queued", "sam", 2)
        actions = [a.action for a in session.exec(select(ReviewActionRow).where(
            ReviewActionRow.draft_id == draft_id)).all()]
        assert actions == ["edit", "approve"]
        assert session.exec(select(AuditLogRow).where(AuditLogRow.action == "approve")).first() is not None
    assert "Approved: the reply is in the outbox" in sam.get("/queue?notice=approved").text
    again = sam.post(f"/drafts/{draft_id}/approve", data={"csrf_token": csrf_of(sam), "version": "1",
                                                           "text": edited})
    assert again.status_code == 409 and "Already approved by sam at" in again.text
    assert len(outbox_rows(engine, draft_id)) == 1


def test_guard_refuses_an_edit_that_asks_for_an_account_number(
    sam: TestClient, engine: Engine, seeded: Seeded
) -> None:
    draft_id = seeded.drafts["renewal"]
    page = sam.post(f"/drafts/{draft_id}/approve",
                    data={"csrf_token": csrf_of(sam), "version": "1", "text": ASKS_FOR_ACCOUNT})
    assert page.status_code == 422
    assert "Not sent." in page.text and "account number" in page.text
    assert ASKS_FOR_ACCOUNT.replace("'", "&#39;") in page.text  # the edit is kept for fixing
    assert outbox_rows(engine, draft_id) == []
    with Session(engine) as session:
        draft = session.get(DraftRow, draft_id)
        assert draft is not None and draft.status == "pending_review" and draft.version == 1
        refusal = session.exec(select(ReviewActionRow).where(ReviewActionRow.action == "guard_refused")).one()
        assert "account number" in refusal.detail
    check = sam.post("/api/guard/check", json={"text": ASKS_FOR_ACCOUNT, "draft_id": draft_id},
                     headers={"X-CSRF-Token": csrf_of(sam)})
    assert check.status_code == 200
    assert check.json()["allowed"] is False and any("account number" in r for r in check.json()["reasons"])
    clean = sam.post("/api/guard/check", json={"text": "@tom_at_home Reply here with your name?",
                                               "draft_id": draft_id}, headers={"X-CSRF-Token": csrf_of(sam)})
    assert clean.json() == {"allowed": True, "reasons": [], "length": 39, "limit": 280}


def test_too_long_reply_is_refused(sam: TestClient, seeded: Seeded) -> None:
    page = sam.post(f"/drafts/{seeded.drafts['renewal']}/approve",
                    data={"csrf_token": csrf_of(sam), "version": "1", "text": "Thanks! " * 40})
    assert page.status_code == 422 and "too long for x: 319 of 280 characters" in page.text


def test_reject_needs_a_reason_and_records_it(sam: TestClient, engine: Engine, seeded: Seeded) -> None:
    draft_id = seeded.drafts["question"]
    empty = sam.post(f"/drafts/{draft_id}/reject", data={"csrf_token": csrf_of(sam), "version": "1", "reason": " "})
    assert empty.status_code == 400 and "say why" in empty.text
    done = sam.post(f"/drafts/{draft_id}/reject", data={"csrf_token": csrf_of(sam), "version": "1",
                                                         "reason": "Answered by phone"}, follow_redirects=False)
    assert done.status_code == 303
    with Session(engine) as session:
        draft = session.get(DraftRow, draft_id)
        assert draft is not None and (draft.status, draft.reject_reason) == ("rejected", "Answered by phone")
    assert outbox_rows(engine, draft_id) == []
    assert "Rejected" in sam.get(f"/drafts/{draft_id}").text


def test_relabel_stores_training_data_and_moves_the_queue(sam: TestClient, engine: Engine, seeded: Seeded) -> None:
    draft_id = seeded.drafts["question"]
    response = sam.post(f"/drafts/{draft_id}/relabel", data={"csrf_token": csrf_of(sam), "intent": "new_customer"},
                        follow_redirects=False)
    assert response.status_code == 303
    with Session(engine) as session:
        label = session.exec(select(TrainingLabelRow)).one()
        assert (label.intent, label.labelled_by, label.mention_id) == ("new_customer", "sam",
                                                                         seeded.mentions["question"])
        assert "student discounts" in label.text
        action = session.exec(select(ReviewActionRow).where(ReviewActionRow.action == "relabel")).one()
        assert action.detail == "other → new_customer"
    counts = sam.get("/api/queue").json()["counts"]
    assert counts["new_customer"] == 2 and "other" not in counts
    bad = sam.post(f"/api/drafts/{draft_id}/relabel", json={"intent": "spam"}, headers={"X-CSRF-Token": csrf_of(sam)})
    assert bad.status_code == 400 and "unknown intent" in bad.json()["detail"]


def test_claims_block_others_until_they_expire(engine: Engine, seeded: Seeded) -> None:
    draft_id = seeded.drafts["renewal"]
    start = utcnow()
    with session_scope(engine) as session:
        review.claim(session=session, draft_id=draft_id, reviewer="sam", minutes=15, now=start)
    with pytest.raises(ConflictError, match="sam is working on this draft"), session_scope(engine) as session:
        review.claim(session=session, draft_id=draft_id, reviewer="ria", minutes=15, now=start + timedelta(minutes=5))
    with pytest.raises(ConflictError, match="sam is working"), session_scope(engine) as session:
        review.approve(session=session, draft_id=draft_id, reviewer="ria", version=1, text=None, limit=280,
                       now=start + timedelta(minutes=5))
    with session_scope(engine) as session:  # after expiry, ria takes over
        draft = review.claim(session=session, draft_id=draft_id, reviewer="ria", minutes=15,
                             now=start + timedelta(minutes=16))
        assert draft.claimed_by == "ria"
    with pytest.raises(ConflictError, match="only they can release"), session_scope(engine) as session:
        review.release(session=session, draft_id=draft_id, reviewer="sam")


def test_claim_and_release_from_the_page(client_for, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    sam, ria = client_for("sam"), client_for("ria")
    draft_id = seeded.drafts["newcomer"]
    assert sam.post(f"/drafts/{draft_id}/claim", data={"csrf_token": csrf_of(sam)},
                    follow_redirects=False).status_code == 303
    assert "sam is on it" in ria.get("/queue").text
    assert "sam is on it until" in ria.get(f"/drafts/{draft_id}").text
    refused = ria.post(f"/drafts/{draft_id}/approve", data={"csrf_token": csrf_of(ria), "version": "1",
                                                             "text": "Hi Maya!"})
    assert refused.status_code == 409 and "sam is working on this draft" in refused.text
    sam.post(f"/drafts/{draft_id}/release", data={"csrf_token": csrf_of(sam)})
    assert "sam is on it" not in ria.get("/queue").text


def test_stale_version_gets_a_clear_message(client_for, engine: Engine, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    sam, ria = client_for("sam"), client_for("ria")
    draft_id = seeded.drafts["newcomer"]
    saved = sam.post(f"/drafts/{draft_id}/save", data={"csrf_token": csrf_of(sam), "version": "1",
                                                        "text": "Hi Maya! Welcome aboard soon, we hope."},
                     follow_redirects=False)
    assert saved.status_code == 303
    stale = ria.post(f"/drafts/{draft_id}/approve", data={"csrf_token": csrf_of(ria), "version": "1",
                                                           "text": "Hi Maya!"})
    assert stale.status_code == 409
    assert "This draft was changed by sam at" in stale.text and "reload the page" in stale.text
    api = ria.post(f"/api/drafts/{draft_id}/approve", json={"version": 1}, headers={"X-CSRF-Token": csrf_of(ria)})
    assert api.status_code == 409 and "changed by sam" in api.json()["detail"]
    ok = ria.post(f"/api/drafts/{draft_id}/approve", json={"version": 2}, headers={"X-CSRF-Token": csrf_of(ria)})
    assert ok.status_code == 200 and ok.json()["status"] == "queued" and ok.json()["outbox_id"]
    assert len(outbox_rows(engine, draft_id)) == 1


def test_api_approve_refused_by_the_guard_says_why(sam: TestClient, engine: Engine, seeded: Seeded) -> None:
    draft_id = seeded.drafts["renewal"]
    response = sam.post(f"/api/drafts/{draft_id}/approve", json={"version": 1, "text": ASKS_FOR_ACCOUNT},
                        headers={"X-CSRF-Token": csrf_of(sam)})
    assert response.status_code == 422
    assert any("account number" in r for r in response.json()["reasons"])
    assert outbox_rows(engine, draft_id) == []


def test_two_reviewers_approving_at_once_post_one_reply(engine: Engine, seeded: Seeded) -> None:
    draft_id = seeded.drafts["renewal"]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def approve_as(name: str) -> None:
        barrier.wait()
        try:
            with session_scope(engine) as session:
                review.approve(session=session, draft_id=draft_id, reviewer=name, version=1, text=None, limit=280)
            outcomes[name] = "won"
        except ConflictError as exc:
            outcomes[name] = str(exc)

    threads = [threading.Thread(target=approve_as, args=(n,)) for n in ("sam", "ria")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    winners = [n for n, o in outcomes.items() if o == "won"]
    assert len(winners) == 1, outcomes
    loser = ({"sam", "ria"} - set(winners)).pop()
    assert outcomes[loser].startswith(f"Already approved by {winners[0]} at")
    assert len(outbox_rows(engine, draft_id)) == 1


def test_review_functions_raise_for_unusable_input(engine: Engine, seeded: Seeded) -> None:
    with pytest.raises(PolicyViolation), session_scope(engine) as session:
        review.approve(session=session, draft_id=seeded.drafts["renewal"], reviewer="sam", version=1,
                       text=ASKS_FOR_ACCOUNT, limit=280)
    with pytest.raises(review.ReviewInputError), session_scope(engine) as session:
        review.edit(session=session, draft_id=seeded.drafts["renewal"], reviewer="sam", version=1, text="  ")
