"""Who Parley must not answer: its own posts, bots, #nobot, opt-outs, reposts, stale posts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.config import Settings
from bot.storage.repo import add_opt_out, is_opted_out
from bot.storage.tables import AuthorRow, MentionRow, OutboxRow

NOBOT = re.compile(r"(?<![\w#])#nobots?\b", re.IGNORECASE)
_HANDLE = re.compile(r"@[\w.@-]+")


_STOP_ASKING = re.compile(r"\b(stop|quit) (replying|messaging|tweeting|tagging|bothering)( to)? me\b")
_POLITE = r"(please )?{word}( please| now| it| replying| messaging me)*"


def said_stop(text: str, words: list[str]) -> bool:
    """True when the post, once @handles are removed, is essentially an opt-out ('stop', 'STOP please',
    'please stop replying to me'); a post that merely contains the word ('my wifi keeps stopping') is not."""
    body = _HANDLE.sub(" ", text).lower()
    body = re.sub(r"\s+", " ", re.sub(r"[^\w\s']", " ", body)).strip()
    if not body:
        return False
    if _STOP_ASKING.search(body):
        return True
    return any(re.fullmatch(_POLITE.format(word=re.escape(w.lower())), body) for w in words)


def filter_reason(
    *, session: Session, settings: Settings, mention: MentionRow, author: AuthorRow, now: datetime
) -> str | None:
    """Why this mention must not be answered, or None when it may be."""
    handle = author.handle.lower().lstrip("@").split("@")[0]
    if handle in settings.our_handles:
        return "our own post"
    if mention.is_repost:
        return "a repost or quote, not a post to us"
    if settings.filters.skip_bots and author.is_bot:
        return "the author is a bot"
    if NOBOT.search(author.bio or ""):
        return "the author's bio asks bots not to reply (#nobot)"
    blocked = {h.lower().lstrip("@") for h in settings.filters.blocked_handles}
    if handle in blocked or author.handle.lower().lstrip("@") in blocked:
        return "the author is on the blocked list"
    if is_opted_out(session=session, platform=mention.platform, author_external_id=author.external_id,
                    handle=author.handle):
        return "the author asked us to stop replying"
    if said_stop(mention.text, settings.filters.opt_out_words):
        add_opt_out(session=session, platform=mention.platform, author_external_id=author.external_id,
                    handle=author.handle, reason="said stop")
        return "the author said stop: added to the opt-out register"
    if now - mention.created_at > timedelta(hours=settings.filters.max_age_hours):
        return f"older than {settings.filters.max_age_hours:g} hours"
    answered = session.exec(
        select(OutboxRow.id).where(
            OutboxRow.platform == mention.platform, OutboxRow.in_reply_to_id == mention.external_id
        )
    ).first()
    if answered is not None:
        return "already answered"
    return None
