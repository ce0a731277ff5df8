"""Mastodon payloads to Parley values, and the etiquette of a Mastodon reply.

Kept apart from the connector so that the rules a reviewer cares about (who a
reply mentions, how visible it is) read in one place and are tested without
a server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.domain import Author, Mention, Platform, Visibility
from bot.errors import MalformedPayload
from bot.platforms.mastodon_html import html_to_text

# Least to most restricted; a reply may move right along this line, never left.
_RESTRICTION = {Visibility.PUBLIC: 0, Visibility.UNLISTED: 1, Visibility.PRIVATE: 2, Visibility.DIRECT: 3}

# "@user" or "@user@example.social", not inside a word, an e-mail address or a URL path.
MENTION_RE = re.compile(
    r"(?<![\w@/.:])@(?P<user>[A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)(?:@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))?"
)


def json_safe(value: Any) -> Any:
    """A copy of a Mastodon.py result that ``json.dumps`` accepts (datetimes as ISO text)."""
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def parse_time(value: Any) -> datetime:
    """Mastodon.py gives datetimes; raw JSON gives ISO text. Either way: aware UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        raise MalformedPayload(f"not a timestamp: {value!r}", platform="mastodon")
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def visibility_of(value: Any) -> Visibility:
    """Mastodon's visibility; anything unknown counts as the most restricted."""
    if value == "limited":  # GoToSocial / Hometown circles: followers only
        return Visibility.PRIVATE
    try:
        return Visibility(str(value))
    except ValueError:
        return Visibility.DIRECT


def reply_visibility(original: Visibility, *, public_answered_as: Visibility = Visibility.UNLISTED) -> Visibility:
    """How visible our reply is: the more restricted of the post answered and the policy.

    With the default policy (unlisted): public -> unlisted, unlisted -> unlisted,
    private -> private, direct -> direct. A reply is never more visible than its post.
    """
    return max(original, public_answered_as, key=_RESTRICTION.__getitem__)


def _id(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def mention_from_notification(notification: Mapping[str, Any], *, account: str) -> Mention:
    """One mention notification as a Mention; MalformedPayload if it lacks what we rely on."""
    try:
        status = notification["status"]
        author = status.get("account") or notification["account"]
        if status.get("id") is None or author.get("id") is None:
            raise KeyError("id")
        created = status.get("created_at") or notification.get("created_at")
        reblog = status.get("reblog")
        return Mention(
            platform=Platform.MASTODON,
            external_id=str(status["id"]),
            account=account,
            author=Author(
                external_id=str(author["id"]),
                handle=str(author.get("acct") or author["username"]),
                display_name=str(author.get("display_name") or ""),
                bio=html_to_text(author.get("note") or ""),
                is_bot=bool(author.get("bot")),
            ),
            text=status_text(status),
            created_at=parse_time(created),
            language=status.get("language") or None,
            in_reply_to_id=_id(status.get("in_reply_to_id")),
            conversation_key=None,
            visibility=visibility_of(status.get("visibility")),
            is_repost=reblog is not None,
            raw=json_safe(notification),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise MalformedPayload(
            f"mention notification {notification_id(notification)} is malformed ({exc.__class__.__name__}: {exc})",
            platform="mastodon",
        ) from None


def status_text(status: Mapping[str, Any]) -> str:
    """What a reader sees: the content warning (if any) and the text under it."""
    body = html_to_text(status.get("content") or "")
    warning = str(status.get("spoiler_text") or "").strip()
    return f"{warning}\n\n{body}".strip() if warning else body


def notification_id(notification: Any) -> str:
    try:
        return str(notification["id"])
    except (KeyError, TypeError, IndexError):
        return "(without id)"


def id_order(value: str) -> tuple[int, str]:
    """Sort key for ids: Mastodon's are numeric strings, some servers use fixed-width flakes."""
    return (len(value), value)


def _same_account(user: str, domain: str | None, handle: str) -> bool:
    wanted_user, _, wanted_domain = handle.lstrip("@").partition("@")
    if user.lower() != wanted_user.lower():
        return False
    return not domain or not wanted_domain or domain.lower() == wanted_domain.lower()


def compose_reply_text(text: str, *, author_handle: str) -> str:
    """The reply as posted: it opens with the author's @handle and mentions nobody else.

    Other ``@names`` the composer wrote lose their ``@`` so that only the
    author is notified (a customer-care reply must not pull others into it).
    """
    handle = author_handle.strip().lstrip("@")
    if not handle:
        raise ValueError("the author's handle is needed to address a Mastodon reply")

    def _keep_only_author(match: re.Match[str]) -> str:
        if _same_account(match.group("user"), match.group("domain"), handle):
            return match.group(0)
        return match.group(0)[1:]

    body = MENTION_RE.sub(_keep_only_author, text.strip())
    opening = MENTION_RE.match(body)
    if opening and _same_account(opening.group("user"), opening.group("domain"), handle):
        return body
    return f"@{handle} {body}".strip()


def comparable_reply_text(text: str) -> str:
    """Text reduced so that our posted reply and the text we meant to post compare equal."""
    body = text.strip()
    while True:
        opening = MENTION_RE.match(body)
        if not opening:
            break
        body = body[opening.end() :].lstrip()
    body = MENTION_RE.sub(lambda m: m.group(0)[1:], body)
    return " ".join(body.split()).casefold()
