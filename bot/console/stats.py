"""Numbers for the overview page, computed per UTC day over a recent window.

Windows are small (days to weeks), so rows are fetched once and grouped in
Python: the same code then works on SQLite and PostgreSQL.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from bot.domain import DraftStatus
from bot.storage.tables import (
    ClassificationRow,
    DraftRow,
    MentionRow,
    OutboxRow,
    ReviewActionRow,
    SentReplyRow,
    utcnow,
)

INTENT_ORDER = ("complaint", "renewal", "new_customer", "other")


@dataclass(frozen=True, slots=True)
class OverviewNumbers:
    days: list[str]
    volume_by_intent: dict[str, list[int]]
    replies_by_route: dict[str, list[int]]
    median_minutes: list[float | None]
    guard_refusals: list[int]
    pending: int
    sent_total: int
    automatic_share: float | None
    median_overall: float | None


def _day_index(days: list[date], moment: datetime) -> int | None:
    try:
        return days.index(moment.date())
    except ValueError:
        return None


def overview(*, session: Session, days: int, now: datetime | None = None) -> OverviewNumbers:
    now = now or utcnow()
    window = [(now - timedelta(days=offset)).date() for offset in range(days - 1, -1, -1)]
    since = datetime.combine(window[0], datetime.min.time(), tzinfo=UTC)

    volume = {intent: [0] * days for intent in INTENT_ORDER}
    rows = session.exec(
        select(MentionRow.created_at, ClassificationRow.intent)
        .join(ClassificationRow, col(ClassificationRow.mention_id) == MentionRow.id)
        .where(MentionRow.created_at >= since)
    ).all()
    for created_at, intent in rows:
        index = _day_index(window, created_at)
        if index is not None:
            volume.setdefault(intent, [0] * days)[index] += 1

    routes = {"automatic": [0] * days, "reviewed": [0] * days}
    waits: list[list[float]] = [[] for _ in window]
    all_waits: list[float] = []
    sent_rows = session.exec(
        select(SentReplyRow.sent_at, DraftRow.reviewer, MentionRow.created_at)
        .join(OutboxRow, col(OutboxRow.id) == SentReplyRow.outbox_id)
        .join(DraftRow, col(DraftRow.id) == OutboxRow.draft_id)
        .join(MentionRow, col(MentionRow.id) == DraftRow.mention_id)
        .where(SentReplyRow.sent_at >= since)
    ).all()
    for sent_at, reviewer, posted_at in sent_rows:
        index = _day_index(window, sent_at)
        if index is None:
            continue
        routes["reviewed" if reviewer else "automatic"][index] += 1
        minutes = max(0.0, (sent_at - posted_at).total_seconds() / 60)
        waits[index].append(minutes)
        all_waits.append(minutes)

    refusals = [0] * days
    refused_drafts = session.exec(
        select(DraftRow.created_at).where(
            col(DraftRow.guard_allowed).is_(False), DraftRow.created_at >= since
        )
    ).all()
    refused_edits = session.exec(
        select(ReviewActionRow.created_at).where(
            ReviewActionRow.action == "guard_refused", ReviewActionRow.created_at >= since
        )
    ).all()
    for moment in [*refused_drafts, *refused_edits]:
        index = _day_index(window, moment)
        if index is not None:
            refusals[index] += 1

    pending = len(session.exec(
        select(DraftRow.id).where(DraftRow.status == DraftStatus.PENDING_REVIEW.value)
    ).all())
    sent_total = len(sent_rows)
    return OverviewNumbers(
        days=[f"{day:%d %b}" for day in window],
        volume_by_intent={k: v for k, v in volume.items() if k in INTENT_ORDER or any(v)},
        replies_by_route=routes,
        median_minutes=[statistics.median(w) if w else None for w in waits],
        guard_refusals=refusals,
        pending=pending,
        sent_total=sent_total,
        automatic_share=(sum(routes["automatic"]) / sent_total) if sent_total else None,
        median_overall=statistics.median(all_waits) if all_waits else None,
    )


def reviewers_for(*, session: Session, outbox_ids: list[int]) -> dict[int, str]:
    """Who approved each sent reply ("automatic" when nobody had to)."""
    if not outbox_ids:
        return {}
    rows = session.exec(
        select(OutboxRow.id, DraftRow.reviewer)
        .join(DraftRow, col(DraftRow.id) == OutboxRow.draft_id)
        .where(col(OutboxRow.id).in_(outbox_ids))
    ).all()
    return {int(outbox_id): reviewer or "automatic" for outbox_id, reviewer in rows if outbox_id is not None}
