"""The typed values that flow between the stages of the pipeline.

Every stage reads and writes these, never loose dicts, so that a change of
shape is caught by mypy rather than in production.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Platform(enum.StrEnum):
    X = "x"
    MASTODON = "mastodon"


class Intent(enum.StrEnum):
    RENEWAL = "renewal"
    COMPLAINT = "complaint"
    NEW_CUSTOMER = "new_customer"
    OTHER = "other"


INTENTS: tuple[Intent, ...] = tuple(Intent)


class Visibility(enum.StrEnum):
    """Mastodon's visibility levels, least to most restricted; X posts are public."""

    PUBLIC = "public"
    UNLISTED = "unlisted"
    PRIVATE = "private"
    DIRECT = "direct"


class Route(enum.StrEnum):
    AUTO = "auto"
    REVIEW = "review"
    IGNORE = "ignore"


class DraftStatus(enum.StrEnum):
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a post, as the network describes them."""

    external_id: str
    handle: str
    display_name: str = ""
    bio: str = ""
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    """One public post that mentioned one of the provider's accounts."""

    platform: Platform
    external_id: str
    account: str  # the name of our account (config `accounts[].name`) that was mentioned
    author: Author
    text: str  # plain text, HTML removed
    created_at: datetime
    language: str | None = None
    in_reply_to_id: str | None = None
    conversation_key: str | None = None
    visibility: Visibility = Visibility.PUBLIC
    is_repost: bool = False  # a retweet / boost / pure quote: never answered
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled stretch of text: ``text[start:end]``."""

    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Classification:
    """What the classifier made of a post.

    ``scores`` holds a calibrated probability for every intent (they sum to 1).
    ``entities`` use the labels POSTCODE, ZIP, ADDRESS, PERSON, PROVIDER,
    COMPETITOR, PRODUCT, MONEY, DATE; ``pii`` uses ACCOUNT_NUMBER, PHONE, EMAIL,
    CARD_NUMBER, ADDRESS, POSTCODE.
    """

    intent: Intent
    scores: dict[str, float]
    entities: tuple[Span, ...] = ()
    pii: tuple[Span, ...] = ()
    flags: frozenset[str] = frozenset()  # abusive, urgent, legal, low_confidence, non_english, question
    model_version: str = ""
    first_name: str | None = None

    @property
    def confidence(self) -> float:
        return self.scores.get(self.intent.value, 0.0)

    def entity_texts(self, label: str) -> list[str]:
        return [s.text for s in self.entities if s.label == label]


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Where a conversation goes, which rule said so, and why in a reviewer's words."""

    route: Route
    rule: str
    reason: str
    would_auto_send: bool = False  # shadow mode: this would have gone out automatically
    intent: Intent | None = None  # what the conversation is about, follow-ups included


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    """The no-numbers guard's answer about one text."""

    allowed: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DraftedReply:
    """A reply the engine wrote, before it is stored as a Draft row."""

    text: str
    template_id: str
    verdict: GuardVerdict
