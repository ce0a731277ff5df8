"""The JSON API: the same actions as the pages, for scripts and the pages' live features.

It uses the console session cookie (no separate tokens); every POST needs the
session's CSRF token in the X-CSRF-Token header.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlmodel import Session

from bot.console import policy, review
from bot.console.deps import ApiUserDep, SessionDep, StateDep, UserDep
from bot.console.queries import QueueItem, intent_counts, list_queue
from bot.console.routes.pages import parse_id, queue_filters
from bot.errors import NotFound, PolicyViolation
from bot.storage.engine import session_scope
from bot.storage.tables import MentionRow

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["review"])


class QueueItemOut(BaseModel):
    draft_id: int
    version: int
    status: str
    priority: int
    intent: str
    confidence: float | None
    platform: str
    author_handle: str
    author_name: str
    text: str
    draft_text: str
    posted_at: datetime
    due_at: datetime
    overdue: bool
    claimed_by: str | None
    reviewer: str | None


class QueueOut(BaseModel):
    items: list[QueueItemOut]
    counts: dict[str, int]


class ThreadEntryOut(BaseModel):
    kind: str
    at: datetime
    handle: str
    text: str
    status: str
    is_current: bool


class ConversationOut(BaseModel):
    draft: QueueItemOut
    rule: str
    reason: str
    would_auto_send: bool
    scores: dict[str, float]
    entities: list[dict[str, Any]]
    pii: list[dict[str, Any]]
    thread: list[ThreadEntryOut]
    customer: dict[str, Any] | None
    char_limit: int
    outbox_id: int | None


class ApproveIn(BaseModel):
    version: int
    text: str | None = Field(None, max_length=5000, description="the edited reply; the draft's text if left out")


class RejectIn(BaseModel):
    version: int
    reason: str = Field(min_length=1, max_length=500)


class RelabelIn(BaseModel):
    intent: str


class GuardCheckIn(BaseModel):
    text: str = Field(max_length=5000)
    draft_id: int | None = Field(None, description="whose post the reply answers (for the customer's own words)")
    platform: str | None = None


class GuardCheckOut(BaseModel):
    allowed: bool
    reasons: list[str]
    length: int
    limit: int | None


class DecisionOut(BaseModel):
    draft_id: int
    status: str
    version: int
    outbox_id: int | None = None


def _item_out(item: Any) -> QueueItemOut:
    draft, mention, author = item.draft, item.mention, item.author
    return QueueItemOut(
        draft_id=draft.id, version=draft.version, status=draft.status, priority=draft.priority,
        intent=item.intent, confidence=item.confidence, platform=mention.platform,
        author_handle=author.handle, author_name=author.display_name, text=mention.text, draft_text=draft.text,
        posted_at=mention.created_at, due_at=item.due_at, overdue=item.overdue, claimed_by=item.claimed_by,
        reviewer=draft.reviewer,
    )


@router.get("/queue", response_model=QueueOut, summary="Drafts in the review queue")
def api_queue(
    _user: UserDep, state: StateDep, session: SessionDep,
    status: str = "pending_review", intent: str = "", platform: str = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> QueueOut:
    filters = queue_filters(status, intent, platform, q)
    items = list_queue(session=session, filters=filters, sla_minutes=state.settings.console.sla_minutes)
    return QueueOut(items=[_item_out(i) for i in items], counts=intent_counts(session=session, filters=filters))


@router.get("/drafts/{draft_id}", response_model=ConversationOut, summary="One conversation and its draft")
def api_conversation(_user: UserDep, state: StateDep, session: SessionDep, draft_id: str) -> ConversationOut:
    view = review.conversation_view(
        session=session, draft_id=parse_id(draft_id), sla_minutes=state.settings.console.sla_minutes
    )
    item = QueueItem(
        draft=view.draft, mention=view.mention, author=view.author, intent=view.intent,
        confidence=view.classification.confidence if view.classification else None,
        due_at=view.due_at, claimed_by=review.active_claim(view.draft),
    )
    customer = None
    if view.customer is not None:
        customer = {k: getattr(view.customer, k, None) for k in ("customer_id", "name", "confidence", "reason")}
    cls = view.classification
    return ConversationOut(
        draft=_item_out(item), rule=view.draft.rule, reason=view.draft.reason,
        would_auto_send=view.draft.would_auto_send,
        scores=cls.scores if cls else {}, entities=cls.entities if cls else [], pii=cls.pii if cls else [],
        thread=[ThreadEntryOut(kind=e.kind, at=e.at, handle=e.handle, text=e.text, status=e.status,
                               is_current=e.is_current) for e in view.thread],
        customer=customer,
        char_limit=policy.char_limit(state.settings, platform=view.mention.platform, account=view.mention.account),
        outbox_id=view.outbox.id if view.outbox else None,
    )


def _limit_for(state: StateDep, session: Session, draft_id: int) -> tuple[int, MentionRow]:
    draft = review.get_draft(session=session, draft_id=draft_id)
    mention = session.get(MentionRow, draft.mention_id)
    if mention is None:
        raise NotFound("the post this draft answers is missing")
    return policy.char_limit(state.settings, platform=mention.platform, account=mention.account), mention


@router.post("/drafts/{draft_id}/approve", response_model=DecisionOut, summary="Approve and send",
             responses={409: {"description": "already handled or changed"},
                        422: {"description": "refused by the guard; `reasons` say why"}})
def api_approve(user: ApiUserDep, state: StateDep, draft_id: str, body: ApproveIn) -> Any:
    number = parse_id(draft_id)
    try:
        with session_scope(state.engine) as session:
            limit, _ = _limit_for(state, session, number)
            item = review.approve(session=session, draft_id=number, reviewer=user.username,
                                  version=body.version, text=body.text, limit=limit)
            draft = review.get_draft(session=session, draft_id=number)
            result = DecisionOut(draft_id=number, status=draft.status, version=draft.version, outbox_id=item.id)
    except PolicyViolation as exc:
        with session_scope(state.engine) as session:
            review.record_refusal(session=session, draft_id=number, reviewer=user.username, reasons=exc.reasons)
        return JSONResponse({"detail": "refused by the guard", "reasons": exc.reasons}, status_code=422)
    return result


def _simple(draft: Any) -> DecisionOut:
    return DecisionOut(draft_id=draft.id, status=draft.status, version=draft.version)


@router.post("/drafts/{draft_id}/reject", response_model=DecisionOut, summary="Reject with a reason")
def api_reject(user: ApiUserDep, state: StateDep, draft_id: str, body: RejectIn) -> DecisionOut:
    with session_scope(state.engine) as session:
        draft = review.reject(session=session, draft_id=parse_id(draft_id), reviewer=user.username,
                              version=body.version, reason=body.reason)
        return _simple(draft)


@router.post("/drafts/{draft_id}/relabel", response_model=DecisionOut, summary="Set the right intent")
def api_relabel(user: ApiUserDep, state: StateDep, draft_id: str, body: RelabelIn) -> DecisionOut:
    number = parse_id(draft_id)
    with session_scope(state.engine) as session:
        review.relabel(session=session, draft_id=number, reviewer=user.username, intent=body.intent)
        return _simple(review.get_draft(session=session, draft_id=number))


@router.post("/drafts/{draft_id}/claim", response_model=DecisionOut, summary="Claim for a while")
def api_claim(user: ApiUserDep, state: StateDep, draft_id: str) -> DecisionOut:
    with session_scope(state.engine) as session:
        draft = review.claim(session=session, draft_id=parse_id(draft_id), reviewer=user.username,
                             minutes=state.settings.console.claim_minutes)
        return _simple(draft)


@router.post("/drafts/{draft_id}/release", response_model=DecisionOut, summary="Release a claim")
def api_release(user: ApiUserDep, state: StateDep, draft_id: str) -> DecisionOut:
    with session_scope(state.engine) as session:
        return _simple(review.release(session=session, draft_id=parse_id(draft_id), reviewer=user.username))


@router.post("/guard/check", response_model=GuardCheckOut, summary="Would the guard let this reply out?")
def api_guard_check(_user: ApiUserDep, state: StateDep, session: SessionDep, body: GuardCheckIn) -> GuardCheckOut:
    customer_text: str | None = None
    platform = body.platform or "x"
    limit: int | None = None
    if body.draft_id is not None:
        limit, mention = _limit_for(state, session, body.draft_id)
        customer_text, platform = mention.text, mention.platform
    verdict = policy.check_text(body.text, customer_text=customer_text)
    length = policy.reply_length(body.text, platform=platform)
    reasons = list(verdict.reasons)
    if limit is not None and length > limit:
        reasons.append(f"too long for {platform}: {length} of {limit} characters")
    return GuardCheckOut(allowed=verdict.allowed and not reasons, reasons=reasons, length=length, limit=limit)

