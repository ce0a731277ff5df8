"""The pages reviewers work in: the queue, a conversation, the sent log, the audit log, the overview."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, func, select

from bot.console import charts, policy, review, stats
from bot.console.accounts import paused_accounts
from bot.console.deps import FormUserDep, SessionDep, StateDep, UserDep, render
from bot.console.queries import STATUS_CHOICES, QueueFilters, intent_counts, list_queue
from bot.errors import ConflictError, NotFound, PolicyViolation
from bot.storage.engine import session_scope
from bot.storage.tables import AuditLogRow, MentionRow, SentReplyRow

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

NOTICES = {
    "approved": "Approved: the reply is in the outbox and will be posted shortly.",
    "rejected": "Rejected: no reply will be sent for this post.",
    "claimed": "This draft is yours for now; colleagues can see you are on it.",
    "released": "Released: a colleague can pick this draft up.",
    "saved": "Your edit is saved. It has not been sent.",
    "relabelled": "Thanks: the new intent is stored as training data.",
}
PAGE_SIZE = 100


def parse_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise NotFound(f"there is no draft {raw[:40]!r}")
    return int(raw)


def queue_filters(status: str, intent: str, platform: str, q: str) -> QueueFilters:
    return QueueFilters(
        status=status if status in STATUS_CHOICES else "pending_review",
        intent=intent or None,
        platform=platform or None,
        search=q[:200] or None,
    )


@router.get("/")
def home(_user: UserDep) -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue_page(
    request: Request,
    user: UserDep,
    state: StateDep,
    session: SessionDep,
    status: str = "pending_review",
    intent: str = "",
    platform: str = "",
    q: Annotated[str, Query(max_length=200)] = "",
    notice: str = "",
) -> Response:
    filters = queue_filters(status, intent, platform, q)
    items = list_queue(session=session, filters=filters, sla_minutes=state.settings.console.sla_minutes)
    counts = intent_counts(session=session, filters=filters)
    base = {"status": filters.status, "platform": platform, "q": q}
    intent_links = {
        name: "/queue?" + urlencode({**base, "intent": name}) for name in ("", *counts.keys())
    }
    return render(request, "queue.html", {
        "items": items, "counts": counts, "total": sum(counts.values()), "filters": filters,
        "intent_links": intent_links, "statuses": STATUS_CHOICES, "notice": NOTICES.get(notice, ""),
        "overdue": sum(1 for item in items if item.overdue),
        "paused": paused_accounts(session=session, settings=state.settings),
    })


def conversation_page(
    request: Request, state: StateDep, draft_id: int, *, errors: list[str] | None = None,
    text: str | None = None, status_code: int = 200, notice: str = "",
) -> Response:
    with Session(state.engine, expire_on_commit=False) as session:
        view = review.conversation_view(
            session=session, draft_id=draft_id, sla_minutes=state.settings.console.sla_minutes
        )
    shown = view.draft.text if text is None else text
    limit = policy.char_limit(state.settings, platform=view.mention.platform, account=view.mention.account)
    verdict = policy.check_text(shown, customer_text=view.mention.text)
    return render(request, "conversation.html", {
        "view": view, "text": shown, "limit": limit, "errors": errors or [],
        "length": policy.reply_length(shown, platform=view.mention.platform),
        "verdict": verdict, "claim": review.active_claim(view.draft), "notice": NOTICES.get(notice, ""),
    }, status_code=status_code)


@router.get("/drafts/{draft_id}")
def draft_page(request: Request, _user: UserDep, state: StateDep, draft_id: str, notice: str = "") -> Response:
    return conversation_page(request, state, parse_id(draft_id), notice=notice)


def _decide(
    request: Request, state: StateDep, draft_id: int, action: Callable[[Session], Any], *,
    done: str, to_queue: bool, text: str | None = None, on_refusal: Callable[[list[str]], None] | None = None,
) -> Response:
    try:
        with session_scope(state.engine) as session:
            action(session)
    except PolicyViolation as exc:
        if on_refusal is not None:
            on_refusal(exc.reasons)
        return conversation_page(request, state, draft_id, errors=exc.reasons, text=text, status_code=422)
    except ConflictError as exc:
        return conversation_page(request, state, draft_id, errors=[str(exc)], text=text, status_code=409)
    except review.ReviewInputError as exc:
        return conversation_page(request, state, draft_id, errors=[str(exc)], text=text, status_code=400)
    target = f"/queue?notice={done}" if to_queue else f"/drafts/{draft_id}?notice={done}"
    return RedirectResponse(target, status_code=303)


@router.post("/drafts/{draft_id}/approve")
def approve_form(
    request: Request, user: FormUserDep, state: StateDep, draft_id: str,
    version: Annotated[int, Form()], text: Annotated[str, Form(max_length=5000)],
) -> Response:
    number = parse_id(draft_id)
    with Session(state.engine) as session:
        draft = review.get_draft(session=session, draft_id=number)
        view_platform, account = _platform_of(session, draft.mention_id)
    limit = policy.char_limit(state.settings, platform=view_platform, account=account)

    def refused(reasons: list[str]) -> None:
        with session_scope(state.engine) as session:
            review.record_refusal(session=session, draft_id=number, reviewer=user.username, reasons=reasons)

    return _decide(
        request, state, number,
        lambda s: review.approve(session=s, draft_id=number, reviewer=user.username, version=version,
                                 text=text, limit=limit),
        done="approved", to_queue=True, text=text, on_refusal=refused,
    )


def _platform_of(session: Session, mention_id: int) -> tuple[str, str]:
    mention = session.get(MentionRow, mention_id)
    if mention is None:
        raise NotFound("the post this draft answers is missing")
    return mention.platform, mention.account


@router.post("/drafts/{draft_id}/save")
def save_form(
    request: Request, user: FormUserDep, state: StateDep, draft_id: str,
    version: Annotated[int, Form()], text: Annotated[str, Form(max_length=5000)],
) -> Response:
    number = parse_id(draft_id)
    return _decide(
        request, state, number,
        lambda s: review.edit(session=s, draft_id=number, reviewer=user.username, version=version, text=text),
        done="saved", to_queue=False, text=text,
    )


@router.post("/drafts/{draft_id}/reject")
def reject_form(
    request: Request, user: FormUserDep, state: StateDep, draft_id: str,
    version: Annotated[int, Form()], reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    number = parse_id(draft_id)
    return _decide(
        request, state, number,
        lambda s: review.reject(session=s, draft_id=number, reviewer=user.username, version=version,
                                reason=reason),
        done="rejected", to_queue=True,
    )


@router.post("/drafts/{draft_id}/relabel")
def relabel_form(
    request: Request, user: FormUserDep, state: StateDep, draft_id: str, intent: Annotated[str, Form()],
) -> Response:
    number = parse_id(draft_id)
    return _decide(
        request, state, number,
        lambda s: review.relabel(session=s, draft_id=number, reviewer=user.username, intent=intent),
        done="relabelled", to_queue=False,
    )


@router.post("/drafts/{draft_id}/claim")
def claim_form(request: Request, user: FormUserDep, state: StateDep, draft_id: str) -> Response:
    number = parse_id(draft_id)
    minutes = state.settings.console.claim_minutes
    return _decide(
        request, state, number,
        lambda s: review.claim(session=s, draft_id=number, reviewer=user.username, minutes=minutes),
        done="claimed", to_queue=False,
    )


@router.post("/drafts/{draft_id}/release")
def release_form(request: Request, user: FormUserDep, state: StateDep, draft_id: str) -> Response:
    number = parse_id(draft_id)
    return _decide(
        request, state, number,
        lambda s: review.release(session=s, draft_id=number, reviewer=user.username),
        done="released", to_queue=False,
    )


@router.get("/sent")
def sent_page(request: Request, _user: UserDep, session: SessionDep, page: int = Query(1, ge=1)) -> Response:
    rows = session.exec(
        select(SentReplyRow).order_by(col(SentReplyRow.sent_at).desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    reviewers = stats.reviewers_for(session=session, outbox_ids=[r.outbox_id for r in rows])
    return render(request, "sent.html", {
        "rows": rows[:PAGE_SIZE], "page": page, "more": len(rows) > PAGE_SIZE, "reviewers": reviewers,
    })


@router.get("/audit")
def audit_page(
    request: Request, _user: UserDep, session: SessionDep, page: int = Query(1, ge=1),
    actor: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    query = select(AuditLogRow)
    if actor:
        query = query.where(AuditLogRow.actor == actor)
    rows = session.exec(
        query.order_by(col(AuditLogRow.id).desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    actors = session.exec(select(AuditLogRow.actor).group_by(AuditLogRow.actor).order_by(
        func.count(col(AuditLogRow.id)).desc()).limit(30)).all()
    return render(request, "audit.html", {
        "rows": rows[:PAGE_SIZE], "page": page, "more": len(rows) > PAGE_SIZE, "actor": actor,
        "actors": actors,
    })


@router.get("/overview")
def overview_page(
    request: Request, _user: UserDep, session: SessionDep, days: int = Query(14, ge=1, le=90)
) -> Response:
    numbers = stats.overview(session=session, days=days)
    return render(request, "overview.html", {
        "numbers": numbers,
        "days": days,
        "volume_chart": charts.stacked_bars(
            numbers.days, numbers.volume_by_intent, title="Posts per day by intent", unit="posts"
        ),
        "route_chart": charts.stacked_bars(
            numbers.days, numbers.replies_by_route, title="Replies sent: automatic and reviewed", unit="replies"
        ),
        "median_chart": charts.line_chart(
            numbers.days, numbers.median_minutes, title="Median time to first reply", unit="minutes"
        ),
        "refusal_chart": charts.stacked_bars(
            numbers.days, {"refused": numbers.guard_refusals}, title="Guard refusals per day", unit="refusals"
        ),
    })
