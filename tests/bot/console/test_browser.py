"""End to end in headless Chromium: the live guard check, approving, and two reviewers racing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from bot.config import Settings, parse_config
from bot.platforms.x_sandbox import XSandbox
from bot.publishing import publish_due
from bot.runtime import Runtime
from bot.storage.engine import make_engine, session_scope
from bot.storage.schema import import_all_tables
from bot.storage.tables import OutboxRow
from replies.compose import mastodon_length, x_weighted_length
from tests.bot.console.live import CHROMIUM, chromium, running_console, sign_in
from tests.bot.console.seeding import PASSWORD, Seeded, add_post, add_staff, seed_queue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install chromium)"),
]
LENGTH_SAMPLES = [
    "plain words", "日本語のテキスト", "thumbs 👍🏽 up", "family 👨‍👩‍👧 day", "see https://example.com/a?b=1 now",
    "café au lait", "@bob@example.social hello", "www.parley.example/help ok", "€ £ and — dashes",
    "flag 🇬🇧 and ❤️ heart", "parley.co.uk/deals and example.com", "한국어 and العربية",
]
ASKS_FOR_ACCOUNT = "Hi Tom, please DM us your account number and we'll check the renewal price."


@pytest.fixture
def live_engine(tmp_path: Path) -> Iterator[Engine]:
    import_all_tables()
    engine = make_engine(f"sqlite:///{tmp_path / 'console.db'}")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def outbox_count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(OutboxRow)).all())


def _settings(engine: Engine, x_base_url: str = "http://127.0.0.1:9") -> Settings:
    return parse_config({"database": {"url": engine.url.render_as_string(hide_password=False)}, "accounts": [
        {"name": "x-sandbox", "platform": "x", "handle": "parleytelecom", "base_url": x_base_url, "sandbox": True},
    ]})


def _seed(engine: Engine) -> Seeded:
    with session_scope(engine) as session:
        add_staff(session, name="sam")
        add_staff(session, name="ria")
        return seed_queue(session)


def test_a_refused_edit_shows_live_and_on_submit(
    browser: Browser, live_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_SECRET_KEY", "browser-test-session-key-1")
    seeded = _seed(live_engine)
    with running_console(_settings(live_engine), live_engine) as base_url:
        page = browser.new_page()
        sign_in(page, base_url, "sam", PASSWORD)
        page.goto(f"{base_url}/drafts/{seeded.drafts['renewal']}")
        status = page.locator("[data-guard-status]")
        expect(status).to_have_text("Passes the reply guard.")
        editor = page.get_by_label("Reply text")
        editor.fill(ASKS_FOR_ACCOUNT)
        expect(status).to_contain_text("account number")  # before submitting
        expect(editor).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#reply-count [data-count]")).to_have_text(str(len(ASKS_FOR_ACCOUNT)))
        for sample in LENGTH_SAMPLES:  # the live count agrees with the server's count
            for platform, count in (("x", x_weighted_length), ("mastodon", mastodon_length)):
                shown = page.evaluate("([t, p]) => window.parleyLength(t, p)", [sample, platform])
                assert shown == count(sample), (sample, platform)
        page.get_by_role("button", name="Approve and send").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Not sent.")
        expect(alert).to_contain_text("account number")
        expect(editor).to_have_value(ASKS_FOR_ACCOUNT)
    assert outbox_count(live_engine) == 0


def test_approving_in_the_browser_posts_one_reply_to_the_sandbox(
    browser: Browser, live_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two reviewers in two browsers approve the same draft: the sandbox gets exactly one reply."""
    monkeypatch.setenv("PARLEY_SECRET_KEY", "browser-test-session-key-2")
    with XSandbox(port=0, our_username="parleytelecom") as sandbox:
        text = "@parleytelecom my contract ends next month, what can you offer me to stay?"
        post_id = sandbox.post_as(username="tom_at_home", name="Tom Becker", text=text)
        with session_scope(live_engine) as session:
            add_staff(session, name="sam")
            add_staff(session, name="ria")
            _, draft = add_post(
                session, key="live", handle="tom_at_home", display_name="Tom Becker", text=text,
                external_id=post_id, intent="renewal", confidence=0.66, rule="fallback",
                reason="renewal at 0.66 is below the auto-send threshold: a person checks the draft.",
                draft="Hi Tom, thanks for staying with us! Reply here with your name and postcode to renew.",
            )
            draft_id = draft.id
        settings = _settings(live_engine, sandbox.base_url)
        with running_console(settings, live_engine) as base_url:
            first, second = browser.new_context(), browser.new_context()
            sam_page, ria_page = first.new_page(), second.new_page()
            sign_in(sam_page, base_url, "sam", PASSWORD)
            sign_in(ria_page, base_url, "ria", PASSWORD)
            for page in (sam_page, ria_page):
                page.goto(f"{base_url}/drafts/{draft_id}")
            sam_page.get_by_role("button", name="Approve and send").click()
            ria_page.get_by_role("button", name="Approve and send").click()
            expect(sam_page.get_by_role("status")).to_contain_text("Approved")
            expect(ria_page.get_by_role("alert")).to_contain_text("Already approved by sam")
            assert outbox_count(live_engine) == 1
            runtime = Runtime.from_settings(settings)
            try:
                result = publish_due(runtime=runtime)
                assert result.sent == 1, result
                publish_due(runtime=runtime)  # nothing left to post: still one reply
            finally:
                runtime.close()
            replies = sandbox.replies_to(post_id)
            assert len(replies) == 1
            assert "thanks for staying with us" in replies[0]["text"]
            ria_page.goto(f"{base_url}/drafts/{draft_id}")  # the second reviewer sees who handled it
            expect(ria_page.locator(".decided")).to_contain_text("By sam")
            expect(ria_page.locator(".decided")).to_contain_text(f"posted as {replies[0]['id']}")
            expect(ria_page.locator(".thread .reply")).to_contain_text("thanks for staying with us")
            first.close()
            second.close()
