"""X API v2 tweets -> Mention values.

The network decides what a field means; this module decides what Parley
makes of it. A tweet we cannot use (no id, no text) is skipped with a
warning naming it, so one odd item never stops a poll.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from bot.domain import Author, Mention, Platform, Visibility
from bot.errors import MalformedPayload

logger = logging.getLogger(__name__)

TWITTER_EPOCH_MS = 1288834974657
TWEET_FIELDS = ["author_id", "conversation_id", "created_at", "in_reply_to_user_id", "referenced_tweets", "lang"]
USER_FIELDS = ["name", "username", "description"]
EXPANSIONS = ["author_id"]

_URL = re.compile(r"https?://\S+")
_HANDLE = re.compile(r"(?<!\w)@\w{1,15}")
# X API v2 exposes no "automated account" field, so a bot is recognised only by what it says
# about itself. Conservative on purpose: replying to a bot risks a reply loop, but skipping a
# person because their name merely contains "bot" (Talbot, Abbott) would be worse.
_BOT_BIO = re.compile(r"\b(automated|auto-?generated)\b|\b(i am|i'm) a bot\b|\bbot account\b", re.IGNORECASE)
_BOT_NAME = re.compile(r"\bbot\b", re.IGNORECASE)
_BOT_HANDLE = re.compile(r"(^|_)bot(_|$)|bot\d+$", re.IGNORECASE)
_UNDETERMINED_LANGS = {"und", "zxx", "qme", "qam", "qct", "qht", "qst"}


def unescape_x_text(text: str) -> str:
    """X escapes only &, < and > in v2 text; undo exactly those (&amp; last)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def snowflake_time(tweet_id: str) -> datetime | None:
    """When a snowflake id was minted: a fallback for a tweet without created_at."""
    if not tweet_id.isdigit():
        return None
    millis = (int(tweet_id) >> 22) + TWITTER_EPOCH_MS
    if millis <= TWITTER_EPOCH_MS:
        return None
    return datetime.fromtimestamp(millis / 1000, UTC)


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def referenced(tweet: dict[str, Any], kind: str) -> str | None:
    """The id of the tweet this one replied to / quoted / retweeted, if any."""
    refs = tweet.get("referenced_tweets")
    if not isinstance(refs, list):
        return None
    for ref in refs:
        if isinstance(ref, dict) and ref.get("type") == kind and ref.get("id") is not None:
            return str(ref["id"])
    return None


def is_repost(tweet: dict[str, Any], text: str) -> bool:
    """A retweet, or a quote that adds nothing but links and @handles: nothing to answer."""
    if referenced(tweet, "retweeted"):
        return True
    if referenced(tweet, "quoted"):
        return not _HANDLE.sub("", _URL.sub("", text)).strip()
    return False


def looks_automated(*, username: str, name: str, description: str) -> bool:
    return bool(_BOT_BIO.search(description) or _BOT_NAME.search(name) or _BOT_HANDLE.search(username))


def users_by_id(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    includes = body.get("includes")
    users = includes.get("users") if isinstance(includes, dict) else None
    if not isinstance(users, list):
        return {}
    return {str(u["id"]): u for u in users if isinstance(u, dict) and u.get("id") is not None}


def _author(tweet: dict[str, Any], users: dict[str, dict[str, Any]]) -> Author:
    author_id = tweet.get("author_id")
    if author_id is None:
        return Author(external_id="", handle="")
    user = users.get(str(author_id), {})
    handle = str(user.get("username") or "")
    name = str(user.get("name") or "")
    bio = unescape_x_text(str(user.get("description") or ""))
    return Author(
        external_id=str(author_id),
        handle=handle,
        display_name=name,
        bio=bio,
        is_bot=looks_automated(username=handle, name=name, description=bio),
    )


def tweet_to_mention(tweet: Any, users: dict[str, dict[str, Any]], *, account: str) -> Mention | None:
    """The Mention for one tweet of a page, or None (logged) if the tweet is unusable."""
    if not isinstance(tweet, dict):
        logger.warning("X %s: skipped a mention that is not an object: %r", account, str(tweet)[:80])
        return None
    tweet_id = tweet.get("id")
    text = tweet.get("text")
    if not isinstance(tweet_id, str | int) or not str(tweet_id).strip():
        logger.warning("X %s: skipped a mention without an id (text %r)", account, str(text)[:40])
        return None
    tweet_id = str(tweet_id)
    if not isinstance(text, str):
        logger.warning("X %s: skipped mention %s: it has no text", account, tweet_id)
        return None
    created_at = parse_time(tweet.get("created_at")) or snowflake_time(tweet_id)
    if created_at is None:
        logger.warning("X %s: skipped mention %s: no usable created_at and not a snowflake id", account, tweet_id)
        return None
    plain = unescape_x_text(text)
    lang = tweet.get("lang")
    conversation = tweet.get("conversation_id")
    return Mention(
        platform=Platform.X,
        external_id=tweet_id,
        account=account,
        author=_author(tweet, users),
        text=plain,
        created_at=created_at,
        language=lang if isinstance(lang, str) and lang not in _UNDETERMINED_LANGS else None,
        in_reply_to_id=referenced(tweet, "replied_to"),
        conversation_key=str(conversation) if conversation is not None else None,
        visibility=Visibility.PUBLIC,
        is_repost=is_repost(tweet, plain),
        raw=tweet,
    )


def page_mentions(body: dict[str, Any], *, account: str) -> list[Mention]:
    """Every usable Mention on one page of the mentions timeline."""
    data = body.get("data", [])
    if not isinstance(data, list):
        raise MalformedPayload(f"X {account}: 'data' is a {type(data).__name__}, not a list",
                               platform="x", account=account)
    users = users_by_id(body)
    mentions = [tweet_to_mention(tweet, users, account=account) for tweet in data]
    return [m for m in mentions if m is not None]
