"""SQLModel tables: everything Parley stores.

Uniqueness carries the exactly-once promises: a mention is unique by
(platform, external_id), an outbox item by its draft and by its idempotency
key, a sent reply by its outbox item.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class AuthorRow(SQLModel, table=True):
    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_author_platform_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    external_id: str = Field(max_length=64)
    handle: str = Field(max_length=200, index=True)
    display_name: str = Field(default="", max_length=400)
    bio: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    is_bot: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class ConversationRow(SQLModel, table=True):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("platform", "account", "key", name="uq_conversation_key"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    account: str = Field(max_length=100)
    key: str = Field(max_length=200)
    author_id: int | None = Field(default=None, foreign_key="authors.id")
    intent: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MentionRow(SQLModel, table=True):
    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_mention_platform_id"),
        Index("ix_mentions_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    external_id: str = Field(max_length=64)
    account: str = Field(max_length=100)
    author_id: int = Field(foreign_key="authors.id")
    conversation_id: int | None = Field(default=None, foreign_key="conversations.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    language: str | None = Field(default=None, max_length=16)
    created_at: datetime
    fetched_at: datetime = Field(default_factory=utcnow)
    in_reply_to_id: str | None = Field(default=None, max_length=64)
    conversation_key: str | None = Field(default=None, max_length=200)
    visibility: str = Field(default="public", max_length=16)
    is_repost: bool = False
    raw: dict[str, Any] = _json(dict)
    # new -> processed | filtered | failed
    status: str = Field(default="new", max_length=16)
    filter_reason: str | None = Field(default=None, max_length=200)
    processed_at: datetime | None = None


class ClassificationRow(SQLModel, table=True):
    __tablename__ = "classifications"

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mentions.id", index=True)
    intent: str = Field(max_length=20)
    confidence: float
    scores: dict[str, float] = _json(dict)
    entities: list[dict[str, Any]] = _json(list)
    pii: list[dict[str, Any]] = _json(list)
    flags: list[str] = _json(list)
    model_version: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class DraftRow(SQLModel, table=True):
    __tablename__ = "drafts"
    __table_args__ = (Index("ix_drafts_status_priority", "status", "priority"),)

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mentions.id", unique=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversations.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    template_id: str = Field(default="", max_length=200)
    status: str = Field(max_length=20)
    route: str = Field(max_length=10)
    rule: str = Field(default="", max_length=100)
    reason: str = Field(default="", max_length=500)
    would_auto_send: bool = False
    guard_allowed: bool = True
    guard_reasons: list[str] = _json(list)
    priority: int = 0  # higher first: complaints and public PII go to the top
    reviewer: str | None = Field(default=None, max_length=100)
    reject_reason: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None


class ReviewActionRow(SQLModel, table=True):
    __tablename__ = "review_actions"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="drafts.id", index=True)
    reviewer: str = Field(max_length=100)
    action: str = Field(max_length=30)  # edit, approve, reject, relabel, claim, release
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="drafts.id", unique=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    platform: str = Field(max_length=20)
    account: str = Field(max_length=100)
    in_reply_to_id: str = Field(max_length=64)
    author_handle: str = Field(default="", max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    visibility: str = Field(default="public", max_length=16)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    platform_post_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class SentReplyRow(SQLModel, table=True):
    __tablename__ = "sent_replies"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", unique=True)
    platform: str = Field(max_length=20)
    account: str = Field(max_length=100)
    platform_post_id: str = Field(max_length=64)
    in_reply_to_id: str = Field(max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))
    sent_at: datetime = Field(default_factory=utcnow)


class PollCursorRow(SQLModel, table=True):
    __tablename__ = "poll_cursors"

    account: str = Field(primary_key=True, max_length=100)
    platform: str = Field(max_length=20)
    since_id: str | None = Field(default=None, max_length=64)
    paging_token: str | None = Field(default=None, max_length=200)
    paging_newest_id: str | None = Field(default=None, max_length=64)
    extra: dict[str, Any] = _json(dict)  # connector state such as the resolved user id
    last_poll_at: datetime | None = None
    last_outcome: str | None = Field(default=None, max_length=30)  # ok, rate_limited, transient, auth_failed
    last_error: str | None = Field(default=None, max_length=1000)
    last_fetched: int = 0
    total_fetched: int = 0
    paused: bool = False
    paused_reason: str | None = Field(default=None, max_length=500)
    budget: dict[str, Any] = _json(dict)  # rate-limit state: limit, remaining, reset, reads this month


class OptOutRow(SQLModel, table=True):
    """People who said stop: one register across networks."""

    __tablename__ = "opt_outs"
    __table_args__ = (UniqueConstraint("platform", "author_external_id", name="uq_optout"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    author_external_id: str = Field(max_length=64)
    handle: str = Field(default="", max_length=200, index=True)
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class TrainingLabelRow(SQLModel, table=True):
    """An intent label set by staff: becomes training data for `parley train --include-reviewed`."""

    __tablename__ = "training_labels"

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mentions.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    intent: str = Field(max_length=20)
    provider: str = Field(default="", max_length=100)
    labelled_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class AuditLogRow(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100)  # "system", "scheduler", or a staff username
    action: str = Field(max_length=50)
    subject: str = Field(default="", max_length=200)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
