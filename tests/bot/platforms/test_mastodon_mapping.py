"""Reply etiquette and payload mapping, without a server."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from bot.domain import Visibility
from bot.errors import MalformedPayload
from bot.platforms.budget import RequestBudget
from bot.platforms.mastodon import MastodonConnector
from bot.platforms.mastodon_mapping import (
    comparable_reply_text,
    compose_reply_text,
    json_safe,
    mention_from_notification,
    reply_visibility,
    visibility_of,
)

V = Visibility


@pytest.mark.parametrize(
    ("original", "policy", "expected"),
    [
        (V.PUBLIC, V.UNLISTED, V.UNLISTED),
        (V.UNLISTED, V.UNLISTED, V.UNLISTED),
        (V.PRIVATE, V.UNLISTED, V.PRIVATE),
        (V.DIRECT, V.UNLISTED, V.DIRECT),
        (V.PUBLIC, V.PUBLIC, V.PUBLIC),
        (V.UNLISTED, V.PUBLIC, V.UNLISTED),
        (V.DIRECT, V.PUBLIC, V.DIRECT),
        (V.PUBLIC, V.PRIVATE, V.PRIVATE),
        (V.UNLISTED, V.PRIVATE, V.PRIVATE),
    ],
)
def test_reply_is_never_more_visible_than_the_post(original: V, policy: V, expected: V) -> None:
    assert reply_visibility(original, public_answered_as=policy) is expected


def test_unknown_visibility_counts_as_direct() -> None:
    assert visibility_of("local") is V.DIRECT
    assert visibility_of(None) is V.DIRECT
    assert visibility_of("limited") is V.PRIVATE


@pytest.mark.parametrize(
    ("text", "author", "expected"),
    [
        ("Sorry about that!", "alice", "@alice Sorry about that!"),
        ("@alice Sorry about that!", "alice", "@alice Sorry about that!"),
        ("@Alice Sorry", "alice", "@Alice Sorry"),
        ("Sorry about that!", "@bob@remote.example", "@bob@remote.example Sorry about that!"),
        ("Ask @carol or @dave@x.example", "alice", "@alice Ask carol or dave@x.example"),
        ("Thanks @alice!", "alice", "@alice Thanks @alice!"),
        ("Mail help@parley.example", "alice", "@alice Mail help@parley.example"),
        ("See https://x.example/@someone", "alice", "@alice See https://x.example/@someone"),
        ("@carol hi", "alice", "@alice carol hi"),
    ],
)
def test_reply_addresses_only_the_author(text: str, author: str, expected: str) -> None:
    assert compose_reply_text(text, author_handle=author) == expected


def test_reply_needs_an_author() -> None:
    with pytest.raises(ValueError):
        compose_reply_text("hi", author_handle="  ")


def test_comparable_text_ignores_the_address_line() -> None:
    posted = compose_reply_text("Ask  @carol\nplease", author_handle="alice")
    assert comparable_reply_text(posted) == comparable_reply_text("Ask @carol please")
    assert comparable_reply_text(posted) != comparable_reply_text("Something else")


def _notification(**status_changes: object) -> dict[str, object]:
    account = {"id": "7", "username": "alice", "acct": "alice@remote.example", "display_name": "Alice",
               "note": "<p>Fibre fan. <a href=\"https://remote.example/tags/nobot\" class=\"mention hashtag\">"
                       "#<span>nobot</span></a></p>", "bot": False}
    status = {"id": "101", "created_at": datetime(2026, 11, 1, 10, 0, tzinfo=UTC), "in_reply_to_id": 55,
              "visibility": "private", "language": "en", "content": "<p>@<span>parleytelecom</span> help</p>",
              "spoiler_text": "", "reblog": None, "account": account}
    status.update(status_changes)
    return {"id": "9", "type": "mention", "created_at": "2026-11-01T10:00:01.000Z", "account": account,
            "status": status}


def test_mention_mapping_from_a_parsed_notification() -> None:
    mention = mention_from_notification(_notification(), account="parleytelecom")
    assert mention.external_id == "101"
    assert mention.author.handle == "alice@remote.example"
    assert mention.author.bio == "Fibre fan. #nobot"
    assert mention.in_reply_to_id == "55"
    assert mention.visibility is V.PRIVATE
    assert mention.text == "@parleytelecom help"
    assert json.loads(json.dumps(mention.raw))["status"]["created_at"] == "2026-11-01T10:00:00+00:00"


def test_content_warning_is_part_of_the_text() -> None:
    mention = mention_from_notification(_notification(spoiler_text="billing"), account="parleytelecom")
    assert mention.text == "billing\n\n@parleytelecom help"


def test_boost_is_a_repost() -> None:
    mention = mention_from_notification(_notification(reblog={"id": "1"}), account="parleytelecom")
    assert mention.is_repost is True


@pytest.mark.parametrize(
    "broken",
    [
        {"id": "9", "type": "mention"},
        {"id": "9", "type": "mention", "status": None},
        {"id": "9", "type": "mention", "status": {"id": "1", "created_at": "yesterday", "account": {"id": "2"}}},
        {"id": "9", "type": "mention", "status": "text"},
    ],
)
def test_malformed_notifications_raise_malformed_payload(broken: dict[str, object]) -> None:
    with pytest.raises(MalformedPayload, match="notification 9"):
        mention_from_notification(broken, account="parleytelecom")


def test_connector_skips_malformed_items_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    connector = MastodonConnector(
        account="parleytelecom", base_url="http://127.0.0.1:9", access_token="t",
        budget=RequestBudget(account="m"),
    )
    with caplog.at_level(logging.WARNING):
        mentions = connector._mentions([{"id": "77", "type": "mention", "status": {}}, _notification()])
    assert [m.external_id for m in mentions] == ["101"]
    assert "notification 77" in caplog.text


def test_json_safe_handles_odd_values() -> None:
    value = json_safe({"when": datetime(2026, 1, 1, tzinfo=UTC), "items": (1, "a", None), 3: object})
    assert json.loads(json.dumps(value))["when"] == "2026-01-01T00:00:00+00:00"
