"""Bridges from the console to the reply engine: the guard, reply lengths, the customer directory.

The guard is one function owned by ``replies.guard``; the console only calls it.
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from bot.config import Settings
from bot.domain import GuardVerdict
from replies.compose import X_LIMIT, mastodon_length, x_weighted_length
from replies.customers import CustomerMatch, match_customer
from replies.guard import check_reply

logger = logging.getLogger(__name__)


def check_text(text: str, *, customer_text: str | None) -> GuardVerdict:
    """The guard's verdict on a reply a person wrote or edited."""
    return check_reply(text, customer_text=customer_text)


def reply_length(text: str, *, platform: str) -> int:
    """Length as the network counts it (replies.compose owns the counting rules)."""
    return x_weighted_length(text) if platform == "x" else mastodon_length(text)


def char_limit(settings: Settings, *, platform: str, account: str) -> int:
    """The reply limit for the account (config `accounts[].name`) that was mentioned."""
    configured = settings.find_account(account)
    if configured is not None and configured.char_limit:
        return configured.char_limit
    return X_LIMIT if platform == "x" else settings.replies.mastodon_char_limit


def find_customer(
    *, session: Session, platform: str, handle: str, display_name: str, postcodes: list[str]
) -> CustomerMatch | None:
    """The directory's match for this author, shown to staff only."""
    return match_customer(
        session=session, platform=platform, handle=handle, display_name=display_name, text_postcodes=postcodes
    )


def our_handle(settings: Settings, account: str) -> str:
    """The handle of our account called ``account`` in config (the provider's first handle if unknown)."""
    configured = settings.find_account(account)
    if configured is not None:
        return configured.handle
    return settings.provider.handles[0] if settings.provider.handles else account
