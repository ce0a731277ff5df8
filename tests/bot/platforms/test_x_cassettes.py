"""The X connector against real api.twitter.com recordings (tweepy's cassettes, replayed by vcrpy)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import vcr

from bot.config import AccountSettings
from bot.domain import Platform, Visibility
from bot.errors import ConfigError
from bot.platforms.base import CursorState
from bot.platforms.budget import RequestBudget
from bot.platforms.x import XConnector

ENV = {
    "X_BEARER": "bearer-from-env",
    "X_CONSUMER_KEY": "ck",
    "X_CONSUMER_SECRET": "cs",
    "X_ACCESS_TOKEN": "at",
    "X_ACCESS_SECRET": "as",
}
CREDENTIALS = {
    "bearer_token": "X_BEARER",
    "consumer_key": "X_CONSUMER_KEY",
    "consumer_secret": "X_CONSUMER_SECRET",
    "access_token": "X_ACCESS_TOKEN",
    "access_token_secret": "X_ACCESS_SECRET",
}


def real_account(handle: str = "TweepyDev") -> AccountSettings:
    return AccountSettings(
        name="x-real", platform="x", handle=handle, base_url="https://api.twitter.com", credentials=CREDENTIALS
    )


@pytest.fixture
def real_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


def capture(connector: XConnector) -> list[requests.PreparedRequest]:
    """The requests the connector really sent (vcrpy answers them from the recording)."""
    sent: list[requests.PreparedRequest] = []
    connector.client.session.hooks["response"].append(lambda response, *a, **k: sent.append(response.request))
    return sent


@pytest.fixture
def tape(shared_dir: Path) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(shared_dir / "fixtures" / "cassettes" / "tweepy"),
        record_mode="none",
        decode_compressed_response=True,
        filter_headers=["authorization"],
        match_on=["method", "scheme", "host", "path"],  # our calls add query parameters the recordings lack
    )


@pytest.fixture
def connector(real_env: None) -> XConnector:
    return XConnector.from_settings(real_account(), budget=RequestBudget(account="x-real", platform="x"))


@pytest.fixture
def sent(connector: XConnector) -> list[requests.PreparedRequest]:
    return capture(connector)


def test_get_me_resolves_our_user_id_once(
    tape: vcr.VCR, connector: XConnector, sent: list[requests.PreparedRequest]
) -> None:
    with tape.use_cassette("test_client_get_me.yaml"):
        assert connector.user_id() == "1072250532645998596"
        assert connector.user_id() == "1072250532645998596"  # cached: the cassette holds one answer
    assert sent[0].headers.get("Authorization", "").startswith("OAuth ")  # user context, as X requires
    assert connector.budget.snapshot()["limit"] == 75


def test_user_id_is_taken_from_the_saved_cursor_without_a_request(connector: XConnector) -> None:
    assert connector.user_id(CursorState(extra={"user_id": "783214"})) == "783214"


@pytest.mark.parametrize(
    ("cassette", "count"),
    [("test_client_get_users_mentions.yaml", 10), ("test_asyncclient_get_users_mentions.yaml", 2)],
)
def test_recorded_mentions_become_mentions(
    tape: vcr.VCR, connector: XConnector, sent: list[requests.PreparedRequest], cassette: str, count: int
) -> None:
    cursor = CursorState(since_id="1500000000000000000", extra={"user_id": "783214"})
    with tape.use_cassette(cassette) as recording:
        page = next(iter(connector.fetch(cursor, backfill_since=None)))
        body: dict[str, Any] = json.loads(recording.responses[0]["body"]["string"])

    assert sent[0].headers["Authorization"] == "Bearer bearer-from-env"  # reads use the app's bearer token
    query = parse_qs(urlsplit(str(sent[0].url)).query)
    assert query["max_results"] == ["100"] and query["expansions"] == ["author_id"]
    assert query["since_id"] == ["1500000000000000000"]
    assert set(query["user.fields"][0].split(",")) == {"name", "username", "description"}
    fields = query["tweet.fields"][0].split(",")
    assert {"author_id", "conversation_id", "created_at", "referenced_tweets", "lang"} <= set(fields)

    assert len(page.mentions) == count == body["meta"]["result_count"]
    first = page.mentions[0]
    assert first.platform is Platform.X and first.account == "x-real"
    assert first.external_id == body["data"][0]["id"]
    assert first.text == body["data"][0]["text"]
    # The recording has no created_at: it is read from the snowflake id (October 2022).
    assert datetime(2022, 10, 1, tzinfo=UTC) < first.created_at < datetime(2022, 10, 31, tzinfo=UTC)
    # No author expansion in the recording: the author is unknown rather than invented.
    assert first.author.external_id == "" and first.author.handle == ""
    assert first.in_reply_to_id is None and first.conversation_key is None and not first.is_repost
    assert first.visibility is Visibility.PUBLIC and first.raw == body["data"][0]
    # The batch is not finished: since_id stays, the token and the batch's newest id are kept.
    assert page.cursor.since_id == "1500000000000000000"
    assert page.cursor.paging_token == body["meta"]["next_token"]
    assert page.cursor.paging_newest_id == body["meta"]["newest_id"]
    assert page.cursor.extra["user_id"] == "783214"
    assert page.budget is not None and page.budget.limit == 450


def test_recorded_create_tweet_returns_the_new_id(
    tape: vcr.VCR, connector: XConnector, sent: list[requests.PreparedRequest]
) -> None:
    with tape.use_cassette("test_client_create_and_delete_tweet.yaml"):
        new_id = connector.post_reply(
            text="Sorry to hear that - we're on it.", in_reply_to_id="1456012973835788200",
            visibility=Visibility.PUBLIC, author_handle="someone",
        )
    assert new_id == "1456012973835788293"
    body = json.loads(sent[0].body or b"")
    assert body == {
        "text": "Sorry to hear that - we're on it.",
        "reply": {"in_reply_to_tweet_id": "1456012973835788200"},
    }
    assert sent[0].headers.get("Authorization", "").startswith("OAuth ")
    assert connector.budget.snapshot()["remaining"] == 199


def test_recorded_get_me_warns_when_the_handle_is_not_ours(
    tape: vcr.VCR, real_env: None, caplog: pytest.LogCaptureFixture
) -> None:
    connector = XConnector.from_settings(real_account("parleytelecom"), budget=RequestBudget(account="x-real"))
    with caplog.at_level(logging.WARNING), tape.use_cassette("test_client_get_me.yaml"):
        connector.user_id()
    assert "@TweepyDev, not @parleytelecom" in caplog.text


def test_missing_secret_names_the_variable_not_the_value(monkeypatch: pytest.MonkeyPatch, real_env: None) -> None:
    monkeypatch.delenv("X_ACCESS_SECRET")
    with pytest.raises(ConfigError) as err:
        XConnector.from_settings(real_account(), budget=RequestBudget(account="x-real"))
    message = str(err.value)
    assert "X_ACCESS_SECRET" in message and "x-real" in message
    assert all(value not in message for value in ENV.values())


def test_credential_not_configured_at_all() -> None:
    account = AccountSettings(name="x-real", platform="x", handle="a", base_url="https://api.x.com")
    with pytest.raises(ConfigError, match=r"credentials\.consumer_key"):
        XConnector.from_settings(account, budget=RequestBudget(account="x-real"))


def test_bearer_token_is_optional_reads_then_use_user_context(
    monkeypatch: pytest.MonkeyPatch, real_env: None, tape: vcr.VCR
) -> None:
    monkeypatch.delenv("X_BEARER")
    connector = XConnector.from_settings(real_account(), budget=RequestBudget(account="x-real"))
    sent = capture(connector)
    with tape.use_cassette("test_client_get_users_mentions.yaml"):
        next(iter(connector.fetch(CursorState(since_id="1", extra={"user_id": "783214"}), backfill_since=None)))
    assert sent[0].headers.get("Authorization", "").startswith("OAuth ")
