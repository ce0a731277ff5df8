"""Bridges from the console to the reply engine: the guard, reply lengths, the customer directory.

The guard is one function owned by ``replies.guard``; the console only calls
it. If it is missing the console fails closed: nothing can be approved.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.domain import GuardVerdict
from replies.compose import mastodon_length, x_weighted_length

logger = logging.getLogger(__name__)

X_LIMIT = 280
GUARD_MISSING = "the reply guard (replies.guard) is not installed, so nothing can be approved"


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if callable(found) else None


def check_text(text: str, *, customer_text: str | None) -> GuardVerdict:
    """The guard's verdict on a reply a person wrote or edited."""
    check_reply = _optional("replies.guard", "check_reply")
    if check_reply is None:
        return GuardVerdict(allowed=False, reasons=(GUARD_MISSING,))
    verdict = check_reply(text, customer_text=customer_text)
    return GuardVerdict(allowed=bool(verdict.allowed), reasons=tuple(str(r) for r in verdict.reasons))


def reply_length(text: str, *, platform: str) -> int:
    """Length as the network counts it (replies.compose owns the counting rules)."""
    return x_weighted_length(text) if platform == "x" else mastodon_length(text)


def char_limit(settings: Settings, *, platform: str, account: str) -> int:
    """The reply limit for the account (config `accounts[].name`) that was mentioned."""
    for configured in settings.accounts:
        if configured.name == account and configured.char_limit:
            return configured.char_limit
    return X_LIMIT if platform == "x" else settings.replies.mastodon_char_limit


def find_customer(
    *, session: Session, platform: str, handle: str, display_name: str, postcodes: list[str]
) -> Any | None:
    """The directory's match for this author, if the directory module is installed."""
    match_customer = _optional("replies.customers", "match_customer")
    if match_customer is None:
        return None
    try:
        return match_customer(
            session=session,
            platform=platform,
            handle=handle,
            display_name=display_name,
            text_postcodes=postcodes,
        )
    except Exception:  # the page must still render if the directory is broken
        logger.exception("customer directory lookup failed for %s", handle)
        return None


def our_handle(settings: Settings, account: str) -> str:
    """The handle of our account called ``account`` in config (the name itself if unknown)."""
    for configured in settings.accounts:
        if configured.name == account:
            return configured.handle
    return settings.provider.handles[0] if settings.provider.handles else account
