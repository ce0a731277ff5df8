"""The Mastodon connector against real Mastodon 4.6.4 answers (Mastodon.py's recordings).

The cassettes are read from ../shared (never copied). Requests must match the
recorded method, path, query and body, except ``limit``, which the recordings
did not send and the connector always does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.domain import Platform, Visibility
from bot.errors import PlatformError, RateLimited, Transient
from bot.platforms.base import CursorState
from bot.platforms.mastodon import MastodonConnector
from bot.platforms.mastodon_html import html_to_text
from bot.platforms.mastodon_mapping import mention_from_notification


def _query_ignoring_limit(recorded, sent) -> None:  # type: ignore[no-untyped-def]
    def without_limit(request) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
        return sorted((k, v) for k, v in request.query if k != "limit")

    assert without_limit(recorded) == without_limit(sent)


@pytest.fixture
def tape(mastodon_tape):  # type: ignore[no-untyped-def]
    mastodon_tape.register_matcher("query_without_limit", _query_ignoring_limit)
    mastodon_tape.match_on = ("method", "path", "query_without_limit", "body")
    return mastodon_tape


def test_cold_start_reads_the_recorded_mention(tape, recorded_mastodon: MastodonConnector) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette("test_notifications_mentions_only.yaml") as cassette:
        pages = list(
            recorded_mastodon.fetch(CursorState(), backfill_since=datetime(2026, 8, 1, tzinfo=UTC))
        )
    assert cassette.play_count == 1  # one page: the recorded ?types[]=mention request
    assert len(pages) == 1
    page = pages[0]
    assert page.cursor.since_id == "21"
    [mention] = page.mentions
    assert mention.platform is Platform.MASTODON
    assert mention.external_id == "117020577157693549"
    assert mention.account == "mastodonpy_test"
    assert mention.author.external_id == "117020565693913441"
    assert mention.author.handle == "admin"
    assert mention.author.bio == ""
    assert mention.author.is_bot is False
    # The real h-card mention markup reads as "@user".
    assert mention.text == "@mastodonpy_test hello!"
    assert mention.language == "en"
    assert mention.visibility is Visibility.PUBLIC
    assert mention.in_reply_to_id is None
    assert mention.is_repost is False
    assert mention.created_at == datetime(2026, 8, 1, 13, 51, 42, 823000, tzinfo=UTC)
    assert json.loads(json.dumps(mention.raw))["status"]["id"] == "117020577157693549"
    assert page.budget is not None and page.budget.limit == 300


def test_cold_start_without_backfill_only_records_the_newest_id(tape, recorded_mastodon) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette("test_notifications_mentions_only.yaml"):
        [page] = list(recorded_mastodon.fetch(CursorState(), backfill_since=None))
    assert page.mentions == []
    assert page.cursor.since_id == "21"


def test_backfill_window_excludes_older_mentions(tape, recorded_mastodon) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette("test_notifications_mentions_only.yaml"):
        [page] = list(recorded_mastodon.fetch(CursorState(), backfill_since=datetime(2026, 8, 2, tzinfo=UTC)))
    assert page.mentions == []
    assert page.cursor.since_id == "21"


def test_recorded_mention_with_a_broken_status_is_reported_not_raised(tape) -> None:  # type: ignore[no-untyped-def]
    import yaml

    path = tape.cassette_library_dir + "/test_notifications_mentions_only.yaml"
    with open(path, encoding="utf-8") as handle:
        recorded = yaml.safe_load(handle)
    body = next(
        i["response"]["body"]["string"]
        for i in recorded["interactions"]
        if i["request"]["uri"].endswith("types%5B%5D=mention")
    )
    notification = json.loads(body)[0]
    del notification["status"]["account"]["id"]
    del notification["account"]["id"]
    with pytest.raises(PlatformError, match="notification 21 is malformed"):
        mention_from_notification(notification, account="mastodonpy_test")


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private", "direct"])
def test_status_post_with_each_visibility(tape, recorded_mastodon, visibility: str) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette(f"test_status_post[None-{visibility}].yaml"):
        status = recorded_mastodon.post_status(text="Toot!", visibility=Visibility(visibility))
    assert status["visibility"] == visibility
    assert html_to_text(status["content"]) == "Toot!"


def test_status_post_without_visibility_gets_the_account_default(tape, recorded_mastodon) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette("test_status_post[None-None].yaml"):
        status = recorded_mastodon.post_status(text="Toot!", visibility=None)
    assert status["visibility"] == "unlisted"


def test_status_reply_carries_in_reply_to_and_the_mention(tape, recorded_mastodon) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette("test_status_reply.yaml"):
        status = recorded_mastodon.post_status(
            text="@mastodonpy_test_2 same!",
            visibility=Visibility.PUBLIC,
            in_reply_to_id="117020583245459824",
            spoiler_text="",
        )
    assert str(status["in_reply_to_id"]) == "117020583245459824"
    assert [m["acct"] for m in status["mentions"]] == ["mastodonpy_test_2"]
    assert html_to_text(status["content"]) == "@mastodonpy_test_2 same!"


def test_reply_response_account_bio_as_text(tape, recorded_mastodon) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette("test_id_hook_in_reply_to.yaml"):
        status = recorded_mastodon.post_status(
            text="Reply!", visibility=None, in_reply_to_id="117020574386452629"
        )
    assert str(status["in_reply_to_id"]) == "117020574386452629"
    assert html_to_text(status["account"]["note"]) == "I walk funny"


def test_empty_status_is_a_permanent_error_not_a_retry(tape, recorded_mastodon) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette("test_status_empty.yaml"), pytest.raises(PlatformError) as caught:
        recorded_mastodon.post_status(text="", visibility=None)
    assert not isinstance(caught.value, Transient | RateLimited)
    assert "422" in str(caught.value)


def test_verify_credentials(tape, recorded_mastodon) -> None:  # type: ignore[no-untyped-def]
    with tape.use_cassette("test_verify_credentials.yaml"):
        me = recorded_mastodon.verify_credentials()
        again = recorded_mastodon.verify_credentials()  # cached: one request
    assert me["acct"] == "mastodonpy_test"
    assert str(me["id"]) == "117020457910412882"
    assert me["bot"] is False
    assert again is me


def test_instance_gives_version_and_char_limit(tape, mastodon_budget) -> None:  # type: ignore[no-untyped-def]
    connector = MastodonConnector(
        account="mastodonpy_test",
        base_url="http://localhost:3000",
        access_token="replayed-token",
        budget=mastodon_budget,
    )
    with tape.use_cassette("test_instance.yaml") as cassette:
        assert connector.char_limit() == 500
        api = connector._client()  # built from the version the instance reported
    assert (api.mastodon_major, api.mastodon_minor, api.mastodon_patch) == (4, 6, 4)
    assert cassette.play_count == 1
