"""The Accounts page, the paused-account banner, resuming (admins only, audited) and /api/accounts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import Settings, parse_config
from bot.console.accounts import budget_view
from bot.storage.engine import session_scope
from bot.storage.tables import AuditLogRow, PollCursorRow, utcnow
from tests.bot.console.conftest import csrf_of
from tests.bot.console.seeding import ACCOUNTS_CONFIG, PAUSED_REASON, Seeded, seed_accounts

X_SECRET = "xb-9f2c-never-show-this-bearer"
MASTODON_SECRET = "mt-41aa-never-show-this-token"


@pytest.fixture
def settings() -> Settings:
    return parse_config({"accounts": ACCOUNTS_CONFIG})


@pytest.fixture
def polled(seeded: Seeded, engine: Engine) -> Seeded:
    with session_scope(engine) as session:
        seed_accounts(session)
    return seeded


@pytest.fixture
def ada(client_for: Callable[[str], TestClient], polled: Seeded) -> TestClient:
    return client_for("ada")


def cursor(engine: Engine, account: str) -> PollCursorRow:
    with Session(engine) as session:
        row = session.get(PollCursorRow, account)
        assert row is not None
        return row


def resumed_audits(engine: Engine) -> list[AuditLogRow]:
    with Session(engine) as session:
        return list(session.exec(select(AuditLogRow).where(AuditLogRow.action == "account_resumed")).all())


def test_accounts_page_shows_outcomes_and_budgets(sam: TestClient, polled: Seeded) -> None:
    html = sam.get("/accounts").text
    cards = re.findall(r'<article class="card account tone-(\w+)"', html)
    assert cards == ["warn", "bad", "ok"]  # config order: rate limited, paused, fine
    assert "rate limited until" in html and "0 requests left until the reset" in html
    assert "0 / 180" in html and "6,412 / 10,000" in html  # X: requests left, reads against the monthly cap
    assert "287 / 300" in html and "431 / 450" in html
    assert "1861234567890123456" in html and "1,288" in html and "(3 last time)" in html
    assert "2 min ago" in html and "47 min ago" in html
    assert PAUSED_REASON in html and "sandbox" in html
    # a reviewer sees the pause, but no button to undo it
    assert "Resume polling" not in html and "An admin resumes polling" in html
    assert '<a href="/accounts" aria-current="page">Accounts</a>' in html


def test_queue_shows_the_paused_account_to_every_reviewer(sam: TestClient, ada: TestClient,
                                                          engine: Engine) -> None:
    for client in (sam, ada):
        html = client.get("/queue").text
        assert 'role="alert"' in html and "Polling is stopped for mastodon-care" in html
        assert "Credentials refused: 401 The access token is invalid. No new posts" in html
    assert "See Accounts" in sam.get("/queue").text
    assert "Resume on the Accounts page" in ada.get("/queue").text
    with session_scope(engine) as session:
        row = session.get(PollCursorRow, "mastodon-care")
        assert row is not None
        row.paused, row.paused_reason = False, None
    assert "Polling is stopped" not in sam.get("/queue").text


def test_admin_resumes_polling_once_and_it_is_audited(ada: TestClient, engine: Engine) -> None:
    html = ada.get("/accounts").text
    assert html.count("Resume polling") == 1 and 'action="/accounts/mastodon-care/resume"' in html
    response = ada.post("/accounts/mastodon-care/resume", data={"csrf_token": csrf_of(ada)},
                        follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/accounts?notice=resumed&account=mastodon-care"
    row = cursor(engine, "mastodon-care")
    assert (row.paused, row.paused_reason) == (False, None)
    assert row.since_id == "113512774402219872"  # the cursor is kept: polling resumes where it stopped
    [entry] = resumed_audits(engine)
    assert (entry.actor, entry.subject) == ("ada", "mastodon-care") and PAUSED_REASON in entry.detail
    page = ada.get(response.headers["location"]).text
    assert "Polling mastodon-care again" in page and "Polling is stopped" not in page
    assert "Polling is stopped" not in ada.get("/queue").text
    again = ada.post("/accounts/mastodon-care/resume", data={"csrf_token": csrf_of(ada)}, follow_redirects=False)
    assert again.headers["location"] == "/accounts?notice=not_paused&account=mastodon-care"
    assert len(resumed_audits(engine)) == 1  # nothing happened, nothing logged
    assert "account resumed" in ada.get("/audit").text


def test_reviewer_cannot_resume(sam: TestClient, polled: Seeded, engine: Engine) -> None:
    form = sam.post("/accounts/mastodon-care/resume", data={"csrf_token": csrf_of(sam)})
    assert form.status_code == 403 and "for admins" in form.text
    api = sam.post("/api/accounts/mastodon-care/resume", headers={"X-CSRF-Token": csrf_of(sam)})
    assert api.status_code == 403
    assert cursor(engine, "mastodon-care").paused is True and resumed_audits(engine) == []


def test_resume_needs_the_csrf_token(ada: TestClient, engine: Engine) -> None:
    assert ada.post("/accounts/mastodon-care/resume", data={}).status_code == 403
    assert ada.post("/accounts/mastodon-care/resume", data={"csrf_token": "forged"}).status_code == 403
    assert ada.post("/api/accounts/mastodon-care/resume").status_code == 403
    assert ada.post("/api/accounts/mastodon-care/resume", headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert cursor(engine, "mastodon-care").paused is True and resumed_audits(engine) == []


def test_unknown_account_is_a_404(ada: TestClient) -> None:
    page = ada.post("/accounts/nope/resume", data={"csrf_token": csrf_of(ada)})
    assert page.status_code == 404 and "no account &#39;nope&#39;" in page.text
    api = ada.post("/api/accounts/nope/resume", headers={"X-CSRF-Token": csrf_of(ada)})
    assert api.status_code == 404 and "nope" in api.json()["detail"]


def test_api_lists_accounts_and_resumes(sam: TestClient, ada: TestClient, engine: Engine) -> None:
    body = sam.get("/api/accounts").json()
    by_name = {a["name"]: a for a in body["accounts"]}
    assert [a["name"] for a in body["accounts"]] == ["x-care", "mastodon-care", "x-sandbox"]
    x = by_name["x-care"]
    assert x["last_outcome"] == "rate_limited" and x["rate_limited_until"] is not None
    assert x["budget"] == {"limit": 180, "remaining": 0, "reset_at": x["budget"]["reset_at"],
                           "reads_this_month": 6412, "monthly_read_cap": 10000}
    assert x["cursor"] == "1861234567890123456" and x["total_fetched"] == 6412 and x["paused"] is False
    masto = by_name["mastodon-care"]
    assert masto["last_outcome"] == "paused" and masto["paused_reason"] == PAUSED_REASON
    assert masto["rate_limited_until"] is None and masto["budget"]["remaining"] == 287
    assert by_name["x-sandbox"]["last_outcome"] == "ok" and by_name["x-sandbox"]["sandbox"] is True
    resumed = ada.post("/api/accounts/mastodon-care/resume", headers={"X-CSRF-Token": csrf_of(ada)})
    assert resumed.json() == {"account": "mastodon-care", "resumed": True, "paused": False}
    assert ada.post("/api/accounts/mastodon-care/resume",
                    headers={"X-CSRF-Token": csrf_of(ada)}).json()["resumed"] is False
    assert [e.actor for e in resumed_audits(engine)] == ["ada"]
    assert "/api/accounts" in sam.get("/openapi.json").json()["paths"]


def test_no_credential_value_is_ever_rendered(
    ada: TestClient, sam: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_X_CARE_BEARER", X_SECRET)
    monkeypatch.setenv("PARLEY_MASTODON_CARE_TOKEN", MASTODON_SECRET)
    with session_scope(engine) as session:  # a never-polled account and an error that quotes markup
        row = session.get(PollCursorRow, "x-sandbox")
        assert row is not None
        session.delete(row)
        x = session.get(PollCursorRow, "x-care")
        assert x is not None
        x.last_error = "<script>alert('x')</script> 503 from upstream"
    pages = [sam.get(p).text for p in ("/accounts", "/queue", "/api/accounts", "/openapi.json")]
    pages += [ada.get(p).text for p in ("/accounts", "/admin/settings")]
    for text in pages:
        assert X_SECRET not in text and MASTODON_SECRET not in text
    accounts = pages[0]
    assert "<script>alert('x')" not in accounts and "&lt;script&gt;" in accounts
    assert "not polled yet" in accounts and "PARLEY_X_CARE_BEARER" not in accounts


def test_budget_snapshot_is_read_defensively() -> None:
    now = utcnow()
    last_month = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    old = budget_view({"month": last_month, "reads_this_month": 9000, "monthly_read_cap": 10000},
                      configured_cap=None)
    assert old.reads_this_month == 0 and old.month_share == 0.0  # a new month starts from zero
    junk = budget_view({"limit": "lots", "remaining": None, "reset_at": "soon"}, configured_cap=500)
    assert (junk.limit, junk.remaining, junk.reset_at, junk.monthly_read_cap) == (None, None, None, 500)
    full = budget_view({"reads_this_month": 12000, "monthly_read_cap": 10000, "month": now.strftime("%Y-%m")},
                       configured_cap=None)
    assert full.month_percent == 100
