"""The Mastodon connector against a real sandbox server on 127.0.0.1 (one per module)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import AccountSettings
from bot.domain import Visibility
from bot.errors import AuthFailed, ConfigError, RateLimited, Transient
from bot.platforms.base import CursorState, FetchedPage
from bot.platforms.budget import RequestBudget
from bot.platforms.mastodon import MastodonConnector
from bot.platforms.mastodon_sandbox import SANDBOX_TOKEN, MastodonSandbox

US = "parleytelecom"


def _connector(sandbox: MastodonSandbox, budget: RequestBudget | None = None, **options: object) -> MastodonConnector:
    return MastodonConnector(
        account=US,
        base_url=sandbox.base_url,
        access_token=str(options.pop("access_token", SANDBOX_TOKEN)),
        budget=budget or RequestBudget(account="mastodon-test", platform="mastodon"),
        **options,  # type: ignore[arg-type]
    )


def _resting_cursor(connector: MastodonConnector) -> CursorState:
    """Where a poller stands after catching up with everything already there."""
    pages = list(connector.fetch(CursorState(), backfill_since=None))
    return pages[-1].cursor if pages else CursorState(since_id="0")  # an empty account: all is new


def _post_mentions(sandbox: MastodonSandbox, count: int, *, prefix: str, **options: str) -> list[str]:
    return [
        sandbox.post_as(
            username=f"{prefix}{i}", display_name=f"Customer {i}", text=f"@{US} my line is down ({i})", **options
        )
        for i in range(count)
    ]


@pytest.fixture
def small_pages(mastodon_sandbox: MastodonSandbox) -> Iterator[MastodonConnector]:
    connector = _connector(mastodon_sandbox, page_limit=3, timeout=3)
    yield connector
    connector.close()


def test_pages_come_oldest_first_and_each_cursor_covers_its_page(
    mastodon_sandbox: MastodonSandbox, small_pages: MastodonConnector
) -> None:
    cursor = _resting_cursor(small_pages)
    posted = _post_mentions(mastodon_sandbox, 8, prefix="pager")
    pages = list(small_pages.fetch(cursor, backfill_since=None))
    assert [len(p.mentions) for p in pages] == [3, 3, 2]
    assert [m.external_id for p in pages for m in p.mentions] == posted
    for page in pages:
        newest_in_page = max(int(m.raw["id"]) for m in page.mentions)
        assert page.cursor.since_id == str(newest_in_page)
        assert page.budget is not None and page.budget.limit == 300
    # Nothing new: the next poll yields nothing.
    assert list(small_pages.fetch(pages[-1].cursor, backfill_since=None)) == []


def test_restart_mid_paging_loses_and_repeats_nothing(
    mastodon_sandbox: MastodonSandbox, small_pages: MastodonConnector
) -> None:
    cursor = _resting_cursor(small_pages)
    posted = _post_mentions(mastodon_sandbox, 7, prefix="restart")
    first: FetchedPage = next(iter(small_pages.fetch(cursor, backfill_since=None)))
    saved = first.cursor  # saved with the first page's mentions; then the process dies
    after_restart = _connector(mastodon_sandbox, page_limit=3)
    rest = [m.external_id for p in after_restart.fetch(saved, backfill_since=None) for m in p.mentions]
    seen = [m.external_id for m in first.mentions] + rest
    assert seen == posted
    assert len(set(seen)) == len(seen)


def test_cold_start_backfills_only_recent_mentions(mastodon_sandbox: MastodonSandbox) -> None:
    _post_mentions(mastodon_sandbox, 2, prefix="oldtimer")
    time.sleep(0.05)
    since = datetime.now(UTC)
    time.sleep(0.05)
    recent = _post_mentions(mastodon_sandbox, 2, prefix="recent")
    connector = _connector(mastodon_sandbox, page_limit=3)
    [page] = list(connector.fetch(CursorState(), backfill_since=since))
    assert [m.external_id for m in page.mentions] == recent
    assert page.cursor.since_id == str(max(int(m.raw["id"]) for m in page.mentions))
    assert list(connector.fetch(page.cursor, backfill_since=since)) == []


def test_429_becomes_rate_limited_with_the_announced_reset(mastodon_sandbox: MastodonSandbox) -> None:
    budget = RequestBudget(account="mastodon-test", platform="mastodon")
    connector = _connector(mastodon_sandbox, budget)
    cursor = _resting_cursor(connector)
    mastodon_sandbox.inject_fault(status=429, path_contains="/api/v1/notifications", reset_in_seconds=30)
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        list(connector.fetch(cursor, backfill_since=None))
    reset_at = caught.value.reset_at
    assert reset_at is not None
    assert before + timedelta(seconds=27) <= reset_at <= before + timedelta(seconds=33)
    # The budget now holds every request back until that reset, without asking the server.
    with pytest.raises(RateLimited) as again:
        budget.check("read")
    assert again.value.reset_at == reset_at


def test_503_is_transient_and_the_next_poll_recovers(mastodon_sandbox: MastodonSandbox) -> None:
    connector = _connector(mastodon_sandbox)
    cursor = _resting_cursor(connector)
    mastodon_sandbox.inject_fault(status=503, path_contains="/api/v1/notifications")
    with pytest.raises(Transient):
        list(connector.fetch(cursor, backfill_since=None))
    [posted] = _post_mentions(mastodon_sandbox, 1, prefix="recovered")
    assert [m.external_id for p in connector.fetch(cursor, backfill_since=None) for m in p.mentions] == [posted]


def test_timeout_is_transient(mastodon_sandbox: MastodonSandbox) -> None:
    cursor = _resting_cursor(_connector(mastodon_sandbox))
    impatient = _connector(mastodon_sandbox, timeout=0.5)
    impatient.char_limit()  # the instance document is read before the stall
    mastodon_sandbox.inject_fault(status=200, delay_seconds=2.0, path_contains="/api/v1/notifications")
    with pytest.raises(Transient, match="did not answer in time"):
        list(impatient.fetch(cursor, backfill_since=None))


def test_unreachable_server_is_transient(mastodon_budget: RequestBudget) -> None:
    connector = MastodonConnector(
        account=US, base_url="http://127.0.0.1:9", access_token="x", budget=mastodon_budget, timeout=1
    )
    with pytest.raises(Transient):
        list(connector.fetch(CursorState(since_id="1"), backfill_since=None))


def test_refused_token_is_auth_failed(mastodon_sandbox: MastodonSandbox) -> None:
    connector = _connector(mastodon_sandbox, access_token="not-a-valid-token")
    with pytest.raises(AuthFailed):
        list(connector.fetch(CursorState(since_id="1"), backfill_since=None))


@pytest.mark.parametrize(
    ("posted_as", "answered_as"),
    [("direct", "direct"), ("private", "private"), ("public", "unlisted"), ("unlisted", "unlisted")],
)
def test_reply_visibility_and_addressing(
    mastodon_sandbox: MastodonSandbox, mastodon_connector: MastodonConnector, posted_as: str, answered_as: str
) -> None:
    cursor = _resting_cursor(mastodon_connector)
    mastodon_sandbox.post_as(
        username=f"vis_{posted_as}", display_name="Vee", text=f"@{US} hello", visibility=posted_as
    )
    [page] = list(mastodon_connector.fetch(cursor, backfill_since=None))
    [mention] = page.mentions
    assert mention.visibility is Visibility(posted_as)
    reply_id = mastodon_connector.post_reply(
        text="Sorry about that, @someone_else can't help but we can.",
        in_reply_to_id=mention.external_id,
        visibility=mention.visibility,
        author_handle=mention.author.handle,
    )
    [reply] = mastodon_sandbox.replies_to(mention.external_id)
    assert reply["id"] == reply_id
    assert reply["visibility"] == answered_as
    assert reply["text"] == f"@vis_{posted_as} Sorry about that, someone_else can't help but we can."


def test_public_can_be_answered_publicly_when_configured(mastodon_sandbox: MastodonSandbox) -> None:
    connector = _connector(mastodon_sandbox, public_answered_as=Visibility.PUBLIC)
    status_id = mastodon_sandbox.post_as(username="loud", display_name="Loud", text=f"@{US} hi")
    connector.post_reply(text="Hello!", in_reply_to_id=status_id, visibility=Visibility.PUBLIC, author_handle="loud")
    assert [r["visibility"] for r in mastodon_sandbox.replies_to(status_id)] == ["public"]


def test_retrying_the_same_reply_does_not_post_twice(
    mastodon_sandbox: MastodonSandbox, mastodon_connector: MastodonConnector
) -> None:
    status_id = mastodon_sandbox.post_as(username="twice", display_name="Twice", text=f"@{US} hi")
    first = mastodon_connector.post_reply(
        text="On it.", in_reply_to_id=status_id, visibility=Visibility.PUBLIC, author_handle="twice"
    )
    second = mastodon_connector.post_reply(
        text="On it.", in_reply_to_id=status_id, visibility=Visibility.PUBLIC, author_handle="twice"
    )
    assert first == second
    assert len(mastodon_sandbox.replies_to(status_id)) == 1


def test_threads_reply_to_a_reply_finds_the_root(
    mastodon_sandbox: MastodonSandbox, mastodon_connector: MastodonConnector
) -> None:
    cursor = _resting_cursor(mastodon_connector)
    root = mastodon_sandbox.post_as(username="threader", display_name="T", text=f"@{US} my router blinks red")
    ours = mastodon_connector.post_reply(
        text="Sorry! What is your postcode?", in_reply_to_id=root, visibility=Visibility.PUBLIC,
        author_handle="threader",
    )
    follow_up = mastodon_sandbox.post_as(
        username="threader", display_name="T", text=f"@{US} it is AB1 2CD", in_reply_to_id=ours
    )
    mentions = [m for p in mastodon_connector.fetch(cursor, backfill_since=None) for m in p.mentions]
    assert [m.external_id for m in mentions] == [root, follow_up]
    assert mentions[1].in_reply_to_id == ours
    assert mastodon_connector.conversation_root(ours) == root
    assert mastodon_connector.conversation_root(follow_up) == root
    assert mastodon_connector.conversation_root(root) == root
    assert mastodon_connector.conversation_root("1") is None


def test_find_reply_reconciles_a_reply_already_posted(
    mastodon_sandbox: MastodonSandbox, mastodon_connector: MastodonConnector
) -> None:
    status_id = mastodon_sandbox.post_as(username="finder", display_name="F", text=f"@{US} bill too high")
    other = mastodon_sandbox.post_as(username="finder", display_name="F", text=f"@{US} second post")
    text = "Let's look at your bill together, @colleague will not be involved."
    assert mastodon_connector.find_reply(in_reply_to_id=status_id, text=text) is None
    posted = mastodon_connector.post_reply(
        text=text, in_reply_to_id=status_id, visibility=Visibility.PUBLIC, author_handle="finder"
    )
    assert mastodon_connector.find_reply(in_reply_to_id=status_id, text=text) == posted
    assert mastodon_connector.find_reply(in_reply_to_id=status_id, text="A different answer") is None
    assert mastodon_connector.find_reply(in_reply_to_id=other, text=text) is None
    assert mastodon_connector.find_reply(in_reply_to_id="1", text=text) is None
    # Someone else's reply with our words is not ours.
    mastodon_sandbox.post_as(username="mimic", display_name="M", text=f"@finder {text}", in_reply_to_id=other)
    assert mastodon_connector.find_reply(in_reply_to_id=other, text=text) is None


def test_bot_flag_is_set(mastodon_connector: MastodonConnector) -> None:
    assert mastodon_connector.ensure_bot_flag() is True
    assert mastodon_connector.verify_credentials()["bot"] is True


def test_bot_flag_refused_is_a_warning_once(
    mastodon_sandbox: MastodonSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    mastodon_sandbox.post_as(username="scoped", display_name="Scoped", text="just a post")
    token = mastodon_sandbox.client.token_for("scoped")
    connector = _connector(mastodon_sandbox, access_token=token)
    mastodon_sandbox.inject_fault(status=403, count=2, path_contains="update_credentials")
    with caplog.at_level(logging.WARNING, logger="bot.platforms.mastodon"):
        assert connector.ensure_bot_flag() is False
        assert connector.ensure_bot_flag() is False
    assert caplog.text.count("not marked as a bot") == 1
    assert token not in caplog.text


def test_char_limit_from_the_instance(mastodon_sandbox: MastodonSandbox, mastodon_connector: MastodonConnector) -> None:
    assert mastodon_connector.char_limit() == 500
    assert _connector(mastodon_sandbox, char_limit_override=280).char_limit() == 280


def test_budget_follows_the_rate_limit_headers(
    mastodon_connector: MastodonConnector, mastodon_budget: RequestBudget
) -> None:
    list(mastodon_connector.fetch(CursorState(), backfill_since=None))
    snapshot = mastodon_budget.snapshot()
    assert snapshot["limit"] == 300
    assert 0 < snapshot["remaining"] < 300
    assert datetime.fromisoformat(snapshot["reset_at"]) > datetime.now(UTC)


def test_gap_warning_once_for_a_stale_cursor(
    mastodon_connector: MastodonConnector, caplog: pytest.LogCaptureFixture
) -> None:
    stale = _resting_cursor(mastodon_connector)
    old = CursorState(since_id=stale.since_id, extra={"newest_at": "2020-01-01T00:00:00+00:00"})
    with caplog.at_level(logging.WARNING, logger="bot.platforms.mastodon"):
        list(mastodon_connector.fetch(old, backfill_since=None))
        list(mastodon_connector.fetch(old, backfill_since=None))
    assert caplog.text.count("may no longer serve every mention") == 1


def test_from_settings(mastodon_sandbox: MastodonSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    budget = RequestBudget(account="m", platform="mastodon")
    sandbox_account = AccountSettings(
        name="m-sandbox", platform="mastodon", handle="@parleytelecom", base_url=mastodon_sandbox.base_url,
        sandbox=True,
    )
    connector = MastodonConnector.from_settings(sandbox_account, budget=budget, timeout=2)
    assert (connector.account, connector.handle) == ("m-sandbox", US)
    assert connector.verify_credentials()["acct"] == US
    status_id = mastodon_sandbox.post_as(username="settled", display_name="S", text=f"@{US} hi")
    mentions = [m for p in connector.fetch(CursorState(since_id="0"), backfill_since=None) for m in p.mentions]
    assert {m.account for m in mentions} == {"m-sandbox"}  # Mention.account is the configured account name
    assert status_id in {m.external_id for m in mentions}

    real = AccountSettings(
        name="m-real", platform="mastodon", handle="parleytelecom", base_url=mastodon_sandbox.base_url,
        credentials={"access_token": "PARLEY_TEST_MASTODON_TOKEN"},
    )
    monkeypatch.delenv("PARLEY_TEST_MASTODON_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="PARLEY_TEST_MASTODON_TOKEN"):
        MastodonConnector.from_settings(real, budget=budget)
    no_credentials = real.model_copy(update={"credentials": {}})
    with pytest.raises(ConfigError, match="access_token"):
        MastodonConnector.from_settings(no_credentials, budget=budget)
    monkeypatch.setenv("PARLEY_TEST_MASTODON_TOKEN", SANDBOX_TOKEN)
    connector = MastodonConnector.from_settings(real, budget=budget)
    assert SANDBOX_TOKEN not in repr(connector)
    assert connector.verify_credentials()["acct"] == US
