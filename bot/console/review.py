"""The review repository: the queue, claims, and the decisions staff take on drafts.

Functions are keyword-only, take the caller's session and never commit, so a
decision, its outbox item and its audit entry land in one transaction.
Decisions are guarded by the draft's version (``UPDATE ... WHERE id=? AND
version=?``): of two reviewers approving at once, exactly one wins.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select

from bot.console import policy
from bot.console.queries import (
    ThreadEntry,
    effective_intent,
    latest_classification,
    latest_label,
    load_thread,
)
from bot.domain import DraftStatus, Intent
from bot.errors import ConflictError, NotFound, ParleyError, PolicyViolation
from bot.storage.repo import audit, enqueue_reply
from bot.storage.tables import (
    AuthorRow,
    ClassificationRow,
    ConversationRow,
    DraftRow,
    MentionRow,
    OutboxRow,
    ReviewActionRow,
    TrainingLabelRow,
    utcnow,
)

logger = logging.getLogger(__name__)

PENDING = DraftStatus.PENDING_REVIEW.value
DONE_STATUSES = {DraftStatus.APPROVED.value, DraftStatus.QUEUED.value, DraftStatus.SENT.value}


class ReviewInputError(ParleyError):
    """A reviewer's input cannot be used as given (empty reason, unknown intent, too long)."""


@dataclass(frozen=True, slots=True)
class ConversationView:
    """Everything the conversation page shows about one draft."""

    draft: DraftRow
    mention: MentionRow
    author: AuthorRow
    classification: ClassificationRow | None
    label: TrainingLabelRow | None
    intent: str
    thread: list[ThreadEntry]
    actions: list[ReviewActionRow]
    outbox: OutboxRow | None
    customer: Any | None
    due_at: datetime


def get_draft(*, session: Session, draft_id: int) -> DraftRow:
    draft = session.get(DraftRow, draft_id)
    if draft is None:
        raise NotFound(f"there is no draft {draft_id}")
    return draft


def _when(moment: datetime | None) -> str:
    return f"{moment:%d %b %H:%M} UTC" if moment else "an unknown time"


def active_claim(draft: DraftRow, *, now: datetime | None = None) -> str | None:
    """Who holds an unexpired claim on the draft, if anyone."""
    now = now or utcnow()
    if draft.claimed_by and draft.claimed_until and draft.claimed_until > now:
        return draft.claimed_by
    return None


def handled_message(*, session: Session, draft: DraftRow, reviewer: str) -> str:
    """Why a decision lost: who handled the draft, and when, in a reviewer's words."""
    if draft.status in DONE_STATUSES:
        by = draft.reviewer or "the automatic route"
        return f"Already approved by {by} at {_when(draft.decided_at)}."
    if draft.status == DraftStatus.REJECTED.value:
        return f"Already rejected by {draft.reviewer or 'someone'} at {_when(draft.decided_at)}."
    if draft.status != PENDING:
        return f"This draft is no longer waiting for review (it is {draft.status})."
    holder = active_claim(draft)
    if holder and holder != reviewer:
        return f"{holder} is working on this draft (claimed until {_when(draft.claimed_until)})."
    last = session.exec(
        select(ReviewActionRow)
        .where(ReviewActionRow.draft_id == draft.id, ReviewActionRow.action == "edit")
        .order_by(col(ReviewActionRow.id).desc())
    ).first()
    who = f" by {last.reviewer} at {_when(last.created_at)}" if last else ""
    return f"This draft was changed{who} since you opened it: reload the page to see the latest text."


def _claim_is_free(reviewer: str, now: datetime) -> Any:
    return or_(
        col(DraftRow.claimed_by).is_(None),
        col(DraftRow.claimed_by) == reviewer,
        col(DraftRow.claimed_until) < now,
    )


def _guarded_update(
    *,
    session: Session,
    draft: DraftRow,
    actor: str,
    version: int | None,
    now: datetime,
    values: dict[str, Any],
) -> None:
    """Apply ``values`` only if the draft is still pending, unclaimed by others and at ``version``."""
    statement = update(DraftRow).where(
        col(DraftRow.id) == draft.id, col(DraftRow.status) == PENDING, _claim_is_free(actor, now)
    )
    values = {**values, "updated_at": now}
    if version is not None:
        statement = statement.where(col(DraftRow.version) == version)
        values["version"] = version + 1
    result = session.execute(statement.values(**values).execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    session.refresh(draft)
    if result.rowcount != 1:
        raise ConflictError(handled_message(session=session, draft=draft, reviewer=actor))


def _record(*, session: Session, draft: DraftRow, reviewer: str, action: str, detail: str = "") -> None:
    assert draft.id is not None
    session.add(ReviewActionRow(draft_id=draft.id, reviewer=reviewer, action=action, detail=detail))
    audit(session=session, actor=reviewer, action=action, subject=f"draft:{draft.id}", detail=detail)


def claim(
    *, session: Session, draft_id: int, reviewer: str, minutes: float, now: datetime | None = None
) -> DraftRow:
    """Mark the draft as being worked on by ``reviewer`` for ``minutes``; expired claims are taken over."""
    now = now or utcnow()
    draft = get_draft(session=session, draft_id=draft_id)
    until = now + timedelta(minutes=minutes)
    _guarded_update(
        session=session, draft=draft, actor=reviewer, version=None, now=now,
        values={"claimed_by": reviewer, "claimed_until": until},
    )
    _record(session=session, draft=draft, reviewer=reviewer, action="claim", detail=f"until {_when(until)}")
    return draft


def release(*, session: Session, draft_id: int, reviewer: str, now: datetime | None = None) -> DraftRow:
    """Give a claim back so that a colleague can pick the draft up."""
    now = now or utcnow()
    draft = get_draft(session=session, draft_id=draft_id)
    holder = active_claim(draft, now=now)
    if holder is None:
        return draft
    if holder != reviewer:
        raise ConflictError(f"{holder} holds this claim; only they can release it.")
    _guarded_update(
        session=session, draft=draft, actor=reviewer, version=None, now=now,
        values={"claimed_by": None, "claimed_until": None},
    )
    _record(session=session, draft=draft, reviewer=reviewer, action="release")
    return draft


def check_reply_text(*, mention: MentionRow, text: str, limit: int) -> None:
    """Raise PolicyViolation when the text may not go out (guard refusal or too long)."""
    if not text.strip():
        raise ReviewInputError("the reply is empty")
    reasons: list[str] = []
    length = policy.reply_length(text, platform=mention.platform)
    if length > limit:
        reasons.append(f"too long for {mention.platform}: {length} of {limit} characters")
    verdict = policy.check_text(text, customer_text=mention.text)
    reasons.extend(verdict.reasons if not verdict.allowed else ())
    if not verdict.allowed and not verdict.reasons:
        reasons.append("refused by the reply guard")
    if reasons:
        raise PolicyViolation(reasons)


def approve(
    *,
    session: Session,
    draft_id: int,
    reviewer: str,
    version: int,
    text: str | None,
    limit: int,
    now: datetime | None = None,
) -> OutboxRow:
    """Approve the (possibly edited) draft and put it in the outbox, exactly once.

    Raises ConflictError when somebody else handled or changed it first,
    PolicyViolation when the guard refuses the text (nothing is changed then).
    """
    now = now or utcnow()
    draft = get_draft(session=session, draft_id=draft_id)
    if draft.status != PENDING or draft.version != version:
        raise ConflictError(handled_message(session=session, draft=draft, reviewer=reviewer))
    mention = session.get(MentionRow, draft.mention_id)
    author = session.get(AuthorRow, mention.author_id) if mention else None
    if mention is None or author is None:
        raise NotFound(f"the post answered by draft {draft_id} is missing")
    final_text = (draft.text if text is None else text).strip()
    check_reply_text(mention=mention, text=final_text, limit=limit)
    edited = final_text != draft.text.strip()
    _guarded_update(
        session=session, draft=draft, actor=reviewer, version=version, now=now,
        values={
            "status": DraftStatus.APPROVED.value, "text": final_text, "reviewer": reviewer,
            "decided_at": now, "claimed_by": None, "claimed_until": None,
            "guard_allowed": True, "guard_reasons": [],
        },
    )
    item = enqueue_reply(session=session, draft=draft, mention=mention, author_handle=author.handle)
    if edited:
        _record(session=session, draft=draft, reviewer=reviewer, action="edit", detail="edited on approval")
    _record(
        session=session, draft=draft, reviewer=reviewer, action="approve", detail=f"outbox item {item.id}"
    )
    return item


def record_refusal(*, session: Session, draft_id: int, reviewer: str, reasons: list[str]) -> None:
    """Note a refused approval (in its own transaction: the refused one rolled back)."""
    draft = get_draft(session=session, draft_id=draft_id)
    detail = "; ".join(reasons)
    _record(session=session, draft=draft, reviewer=reviewer, action="guard_refused", detail=detail)


def reject(
    *, session: Session, draft_id: int, reviewer: str, version: int, reason: str, now: datetime | None = None
) -> DraftRow:
    """Decide that this draft will not be sent; the reason is kept for the team."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise ReviewInputError("say why the draft is rejected")
    draft = get_draft(session=session, draft_id=draft_id)
    if draft.status != PENDING or draft.version != version:
        raise ConflictError(handled_message(session=session, draft=draft, reviewer=reviewer))
    _guarded_update(
        session=session, draft=draft, actor=reviewer, version=version, now=now,
        values={
            "status": DraftStatus.REJECTED.value, "reject_reason": reason[:500], "reviewer": reviewer,
            "decided_at": now, "claimed_by": None, "claimed_until": None,
        },
    )
    _record(session=session, draft=draft, reviewer=reviewer, action="reject", detail=reason[:500])
    return draft


def edit(
    *, session: Session, draft_id: int, reviewer: str, version: int, text: str, now: datetime | None = None
) -> DraftRow:
    """Save a new text without approving it; the guard's verdict is stored with it."""
    now = now or utcnow()
    text = text.strip()
    if not text:
        raise ReviewInputError("the reply is empty")
    draft = get_draft(session=session, draft_id=draft_id)
    if draft.status != PENDING or draft.version != version:
        raise ConflictError(handled_message(session=session, draft=draft, reviewer=reviewer))
    mention = session.get(MentionRow, draft.mention_id)
    verdict = policy.check_text(text, customer_text=mention.text if mention else None)
    _guarded_update(
        session=session, draft=draft, actor=reviewer, version=version, now=now,
        values={"text": text, "guard_allowed": verdict.allowed, "guard_reasons": list(verdict.reasons)},
    )
    _record(session=session, draft=draft, reviewer=reviewer, action="edit")
    return draft


def relabel(*, session: Session, draft_id: int, reviewer: str, intent: str) -> TrainingLabelRow:
    """Store the intent a person says is right: training data for the next model."""
    valid = {i.value for i in Intent}
    if intent not in valid:
        raise ReviewInputError(f"unknown intent {intent!r} (choose one of {', '.join(sorted(valid))})")
    draft = get_draft(session=session, draft_id=draft_id)
    mention = session.get(MentionRow, draft.mention_id)
    if mention is None or mention.id is None:
        raise NotFound(f"the post answered by draft {draft_id} is missing")
    classification = latest_classification(session=session, mention_id=mention.id)
    before = effective_intent(session=session, mention_id=mention.id)
    competitors = [
        str(e.get("text", "")) for e in (classification.entities if classification else [])
        if e.get("label") == "COMPETITOR"
    ]
    label = TrainingLabelRow(
        mention_id=mention.id, text=mention.text, intent=intent,
        provider=(competitors[0] if competitors else "")[:100], labelled_by=reviewer,
    )
    session.add(label)
    if draft.conversation_id is not None:
        conversation = session.get(ConversationRow, draft.conversation_id)
        if conversation is not None:
            conversation.intent = intent
            session.add(conversation)
    _record(session=session, draft=draft, reviewer=reviewer, action="relabel", detail=f"{before} → {intent}")
    session.flush()
    return label


def conversation_view(*, session: Session, draft_id: int, sla_minutes: float) -> ConversationView:
    draft = get_draft(session=session, draft_id=draft_id)
    mention = session.get(MentionRow, draft.mention_id)
    author = session.get(AuthorRow, mention.author_id) if mention else None
    if mention is None or mention.id is None or author is None:
        raise NotFound(f"the post answered by draft {draft_id} is missing")
    classification = latest_classification(session=session, mention_id=mention.id)
    postcodes = [
        str(e.get("text", "")) for e in (classification.entities if classification else [])
        if e.get("label") == "POSTCODE"
    ]
    actions = list(
        session.exec(
            select(ReviewActionRow)
            .where(ReviewActionRow.draft_id == draft.id)
            .order_by(col(ReviewActionRow.id))
        ).all()
    )
    return ConversationView(
        draft=draft,
        mention=mention,
        author=author,
        classification=classification,
        label=latest_label(session=session, mention_id=mention.id),
        intent=effective_intent(session=session, mention_id=mention.id),
        thread=load_thread(session=session, mention=mention, draft=draft),
        actions=actions,
        outbox=session.exec(select(OutboxRow).where(OutboxRow.draft_id == draft.id)).first(),
        customer=policy.find_customer(
            session=session, platform=mention.platform, handle=author.handle,
            display_name=author.display_name, postcodes=postcodes,
        ),
        due_at=mention.created_at + timedelta(minutes=sla_minutes),
    )
