"""Read-side queries of the console: the queue, the thread of a conversation, intents.

The intent shown is the latest label staff gave, else the classifier's: a
relabelled post moves to its new intent in the queue at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.domain import DraftStatus
from bot.storage.tables import (
    AuthorRow,
    ClassificationRow,
    DraftRow,
    MentionRow,
    OutboxRow,
    SentReplyRow,
    TrainingLabelRow,
    utcnow,
)

STATUS_CHOICES: tuple[str, ...] = (*(s.value for s in DraftStatus), "all")


@dataclass(frozen=True, slots=True)
class QueueFilters:
    status: str = DraftStatus.PENDING_REVIEW.value
    intent: str | None = None
    platform: str | None = None
    search: str | None = None
    limit: int = 200


@dataclass(frozen=True, slots=True)
class QueueItem:
    draft: DraftRow
    mention: MentionRow
    author: AuthorRow
    intent: str
    confidence: float | None
    due_at: datetime
    claimed_by: str | None

    @property
    def overdue(self) -> bool:
        return self.draft.status == DraftStatus.PENDING_REVIEW.value and self.due_at < utcnow()


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One post in a thread: the customer's (``mention``) or ours (``reply``)."""

    kind: str
    at: datetime
    handle: str
    display_name: str
    text: str
    external_id: str | None
    status: str
    is_current: bool = False


def _latest_ids(column: Any, group: Any) -> Any:
    return select(group.label("mention_id"), func.max(column).label("row_id")).group_by(group).subquery()


def _queue_statement(filters: QueueFilters) -> Any:
    label = aliased(TrainingLabelRow)
    cls = aliased(ClassificationRow)
    latest_label = _latest_ids(TrainingLabelRow.id, TrainingLabelRow.mention_id)
    latest_cls = _latest_ids(ClassificationRow.id, ClassificationRow.mention_id)
    intent_expr = func.coalesce(label.intent, cls.intent, "other")
    statement = (
        select(  # type: ignore[call-overload]
            DraftRow, MentionRow, AuthorRow, intent_expr.label("intent"), cls.confidence
        )
        .join(MentionRow, col(MentionRow.id) == DraftRow.mention_id)
        .join(AuthorRow, col(AuthorRow.id) == MentionRow.author_id)
        .outerjoin(latest_cls, latest_cls.c.mention_id == MentionRow.id)
        .outerjoin(cls, cls.id == latest_cls.c.row_id)
        .outerjoin(latest_label, latest_label.c.mention_id == MentionRow.id)
        .outerjoin(label, label.id == latest_label.c.row_id)
    )
    if filters.status != "all":
        statement = statement.where(DraftRow.status == filters.status)
    if filters.platform:
        statement = statement.where(MentionRow.platform == filters.platform)
    if filters.intent:
        statement = statement.where(intent_expr == filters.intent)
    if filters.search and filters.search.strip():
        term = filters.search.strip().lstrip("@").lower()
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        statement = statement.where(
            or_(
                func.lower(MentionRow.text).like(pattern, escape="\\"),
                func.lower(AuthorRow.handle).like(pattern, escape="\\"),
                func.lower(AuthorRow.display_name).like(pattern, escape="\\"),
                func.lower(DraftRow.text).like(pattern, escape="\\"),
            )
        )
    return statement, intent_expr


def list_queue(*, session: Session, filters: QueueFilters, sla_minutes: float) -> list[QueueItem]:
    """Drafts matching the filters; waiting ones by priority, then oldest post first."""
    statement, _ = _queue_statement(filters)
    if filters.status == DraftStatus.PENDING_REVIEW.value:
        statement = statement.order_by(
            col(DraftRow.priority).desc(), col(MentionRow.created_at), col(DraftRow.id)
        )
    else:
        statement = statement.order_by(col(DraftRow.updated_at).desc(), col(DraftRow.id).desc())
    now = utcnow()
    items: list[QueueItem] = []
    for draft, mention, author, intent, confidence in session.execute(statement.limit(filters.limit)).all():
        holder = draft.claimed_by if draft.claimed_until and draft.claimed_until > now else None
        items.append(
            QueueItem(
                draft=draft, mention=mention, author=author, intent=str(intent),
                confidence=confidence, due_at=mention.created_at + timedelta(minutes=sla_minutes),
                claimed_by=holder,
            )
        )
    return items


def intent_counts(*, session: Session, filters: QueueFilters) -> dict[str, int]:
    """How many drafts per intent match the filters other than the intent itself."""
    statement, intent_expr = _queue_statement(
        QueueFilters(status=filters.status, platform=filters.platform, search=filters.search)
    )
    grouped = statement.with_only_columns(intent_expr, func.count(col(DraftRow.id))).group_by(intent_expr)
    return {str(intent): int(count) for intent, count in session.execute(grouped).all()}


def latest_classification(*, session: Session, mention_id: int) -> ClassificationRow | None:
    return session.exec(
        select(ClassificationRow)
        .where(ClassificationRow.mention_id == mention_id)
        .order_by(col(ClassificationRow.id).desc())
    ).first()


def latest_label(*, session: Session, mention_id: int) -> TrainingLabelRow | None:
    return session.exec(
        select(TrainingLabelRow)
        .where(TrainingLabelRow.mention_id == mention_id)
        .order_by(col(TrainingLabelRow.id).desc())
    ).first()


def effective_intent(*, session: Session, mention_id: int) -> str:
    label = latest_label(session=session, mention_id=mention_id)
    if label is not None:
        return label.intent
    classification = latest_classification(session=session, mention_id=mention_id)
    return classification.intent if classification else "other"


def load_thread(*, session: Session, mention: MentionRow, draft: DraftRow) -> list[ThreadEntry]:
    """The customer's posts in this conversation and our replies to them, oldest first."""
    query = select(MentionRow, AuthorRow).join(AuthorRow, col(AuthorRow.id) == MentionRow.author_id)
    if mention.conversation_id is not None:
        query = query.where(MentionRow.conversation_id == mention.conversation_id)
    elif mention.conversation_key:
        query = query.where(
            MentionRow.platform == mention.platform, MentionRow.conversation_key == mention.conversation_key
        )
    else:
        query = query.where(MentionRow.id == mention.id)
    entries: list[ThreadEntry] = []
    external_ids: list[str] = []
    for row, author in session.exec(query.order_by(col(MentionRow.created_at), col(MentionRow.id))).all():
        external_ids.append(row.external_id)
        entries.append(
            ThreadEntry(
                kind="mention", at=row.created_at, handle=author.handle, display_name=author.display_name,
                text=row.text, external_id=row.external_id, status=row.status,
                is_current=row.id == mention.id,
            )
        )
    sent_outbox: set[int] = set()
    for reply in session.exec(
        select(SentReplyRow).where(
            SentReplyRow.platform == mention.platform, col(SentReplyRow.in_reply_to_id).in_(external_ids)
        )
    ).all():
        sent_outbox.add(reply.outbox_id)
        entries.append(
            ThreadEntry(
                kind="reply", at=reply.sent_at, handle=reply.account, display_name="", text=reply.text,
                external_id=reply.platform_post_id, status="sent",
            )
        )
    for item in session.exec(
        select(OutboxRow).where(
            OutboxRow.platform == mention.platform, col(OutboxRow.in_reply_to_id).in_(external_ids)
        )
    ).all():
        if item.id in sent_outbox or item.status == "sent":
            continue
        entries.append(
            ThreadEntry(
                kind="reply", at=item.created_at, handle=item.account, display_name="", text=item.text,
                external_id=None, status=item.status,
            )
        )
    entries.sort(key=lambda e: e.at)
    return entries
