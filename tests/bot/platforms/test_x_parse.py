"""What Parley makes of one X API v2 tweet."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import MalformedPayload
from bot.platforms.x_parse import looks_automated, page_mentions, snowflake_time, tweet_to_mention, unescape_x_text


def test_unescape_undoes_exactly_what_x_escapes() -> None:
    assert unescape_x_text("a &amp; b &lt;3 &gt;") == "a & b <3 >"
    assert unescape_x_text("&amp;lt; stays literal") == "&lt; stays literal"
    assert unescape_x_text("&quot;untouched&quot;") == "&quot;untouched&quot;"


def test_snowflake_time_matches_a_recorded_tweet() -> None:
    # 1578516295611748353 was recorded on 2022-10-07 at about 22:43 UTC (the response's Date header).
    moment = snowflake_time("1578516295611748353")
    assert moment is not None
    assert datetime(2022, 10, 7, 22, 40, tzinfo=UTC) < moment < datetime(2022, 10, 7, 22, 44, tzinfo=UTC)
    assert snowflake_time("12") is None and snowflake_time("abc") is None


@pytest.mark.parametrize(
    ("username", "name", "bio", "expected"),
    [
        ("dealsbot3000", "Deals Bot", "Automated deal alerts", True),
        ("weather", "Weather", "I'm a bot posting forecasts", True),
        ("status_bot", "Status", "", True),
        ("talbot", "Ann Talbot", "Bottle collector, robotics fan", False),
        ("abbott", "Jo Abbott", "I build bots for a living", False),
    ],
)
def test_bot_recognition_is_conservative(username: str, name: str, bio: str, expected: bool) -> None:
    assert looks_automated(username=username, name=name, description=bio) is expected


def test_full_tweet_maps_every_field() -> None:
    tweet = {
        "id": "2124653134318927873", "text": "@parleytelecom bill &gt; quote?", "author_id": "42",
        "conversation_id": "2124653134306344961", "created_at": "2026-11-22T23:55:56.025Z", "lang": "en",
        "in_reply_to_user_id": "7", "referenced_tweets": [{"type": "replied_to", "id": "2124653134306344961"}],
    }
    users = {"42": {"id": "42", "username": "ann", "name": "Ann", "description": "fibre &amp; tea"}}
    mention = tweet_to_mention(tweet, users, account="x-a")
    assert mention is not None
    assert mention.text == "@parleytelecom bill > quote?"
    assert (mention.author.external_id, mention.author.handle, mention.author.bio) == ("42", "ann", "fibre & tea")
    assert not mention.author.is_bot
    assert mention.created_at == datetime(2026, 11, 22, 23, 55, 56, 25000, tzinfo=UTC)
    assert mention.in_reply_to_id == mention.conversation_key == "2124653134306344961"
    assert mention.language == "en" and not mention.is_repost


@pytest.mark.parametrize(
    ("text", "refs", "repost"),
    [
        ("RT @ann: @parleytelecom hi", [{"type": "retweeted", "id": "1"}], True),
        ("@parleytelecom https://t.co/abc", [{"type": "quoted", "id": "1"}], True),
        ("@parleytelecom same problem here https://t.co/abc", [{"type": "quoted", "id": "1"}], False),
        ("@parleytelecom hi", [{"type": "replied_to", "id": "1"}], False),
    ],
)
def test_reposts(text: str, refs: list[dict[str, str]], repost: bool) -> None:
    mention = tweet_to_mention({"id": "2124653134318927873", "text": text, "referenced_tweets": refs}, {},
                               account="x-a")
    assert mention is not None and mention.is_repost is repost


def test_a_page_whose_data_is_not_a_list_is_malformed() -> None:
    with pytest.raises(MalformedPayload):
        page_mentions({"data": {"id": "1"}}, account="x-a")
    assert page_mentions({"meta": {"result_count": 0}}, account="x-a") == []
