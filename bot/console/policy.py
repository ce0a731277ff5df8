"""Bridges from the console to the reply engine: the guard, reply lengths, the customer directory.

The guard is one function owned by ``replies.guard``; the console only calls
it. If it is missing the console fails closed: nothing can be approved.
"""

from __future__ import annotations

import importlib
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.domain import GuardVerdict

logger = logging.getLogger(__name__)

X_LIMIT = 280
URL_WEIGHT = 23
URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# twitter-text v3: these ranges weigh 1, everything else 2 (CJK, emoji ...).
_LIGHT_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x10FF),
    (0x2000, 0x200D),
    (0x2010, 0x201F),
    (0x2032, 0x2037),
)
_JOINERS = {0x200D, 0xFE0E, 0xFE0F}
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


def _is_emoji(codepoint: int) -> bool:
    return 0x1F000 <= codepoint <= 0x1FAFF or 0x2600 <= codepoint <= 0x27BF


def x_weighted_length(text: str) -> int:
    """X's weighted length: URLs count 23, Latin 1, CJK and emoji 2 (twitter-text v3 rules)."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in URL_PATTERN.finditer(text):
        total += _weigh(text[position : match.start()]) + URL_WEIGHT
        position = match.end()
    return total + _weigh(text[position:])


def _weigh(text: str) -> int:
    """Weigh plain text; an emoji sequence (ZWJ, variation selectors, skin tones) counts once."""
    total = 0
    in_emoji = False
    after_joiner = False
    for char in text:
        codepoint = ord(char)
        if in_emoji and (codepoint in _JOINERS or 0x1F3FB <= codepoint <= 0x1F3FF):
            after_joiner = after_joiner or codepoint == 0x200D
            continue
        if in_emoji and after_joiner and _is_emoji(codepoint):
            after_joiner = False
            continue
        after_joiner = False
        in_emoji = _is_emoji(codepoint)
        light = any(low <= codepoint <= high for low, high in _LIGHT_RANGES)
        total += 1 if light and not in_emoji else 2
    return total


def mastodon_length(text: str) -> int:
    """Mastodon counts characters, every URL as 23, and a remote mention by its local part."""
    text = URL_PATTERN.sub("x" * URL_WEIGHT, text)
    text = re.sub(r"@(\w+)@[\w.-]+\w", r"@\1", text)
    return len(text)


def reply_length(text: str, *, platform: str) -> int:
    """Length as the network counts it; replies.compose's function wins when it exists."""
    if platform == "x":
        shared = _optional("replies.compose", "x_weighted_length") or x_weighted_length
    else:
        shared = _optional("replies.compose", "mastodon_length") or mastodon_length
    return int(shared(text))


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
