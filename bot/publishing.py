"""The publisher: the only way a reply leaves Parley.

An outbox item is claimed (committed as IN_FLIGHT), checked by the guard one
last time, posted, and marked sent with the platform's post id. An item
found in flight after a crash is reconciled against the platform (is our
reply already in the thread?) before any retry, so nothing is posted twice.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from bot.config import AccountSettings
from bot.domain import Visibility
from bot.errors import AuthFailed, PlatformError, PolicyViolation, RateLimited, Transient
from bot.runtime import Runtime
from bot.storage import session_scope
from bot.storage.engine import is_sqlite
from bot.storage.repo import (
    audit,
    claim_outbox_items,
    get_cursor,
    in_flight_items,
    mark_sent,
    reschedule,
)
from bot.storage.tables import DraftRow, MentionRow, OutboxRow, utcnow
from replies.guard import enforce

logger = logging.getLogger(__name__)


@dataclass
class PublishResult:
    sent: int = 0
    reconciled: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter: 5 s, 10 s, 20 s … capped at 15 minutes."""
    ceiling = min(900.0, 5.0 * (2 ** max(0, attempts - 1)))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def _customer_texts(session: Session, items: list[OutboxRow]) -> dict[int, str]:
    """What each answered post said, so the guard can refuse a reply that repeats its personal data."""
    draft_ids = [item.draft_id for item in items]
    if not draft_ids:
        return {}
    rows = session.exec(
        select(DraftRow.id, MentionRow.text)
        .join(MentionRow, col(MentionRow.id) == DraftRow.mention_id)
        .where(col(DraftRow.id).in_(draft_ids))
    ).all()
    return {draft_id: text for draft_id, text in rows if draft_id is not None}


def reconcile_in_flight(runtime: Runtime, *, grace: timedelta | None = None) -> int:
    """Settle items left IN_FLIGHT by a crashed worker: sent if our reply is there, else pending."""
    if grace is None:
        grace = timedelta(seconds=runtime.settings.scheduler.inflight_grace_seconds)
    with session_scope(runtime.engine) as session:
        orphans = [item for item in in_flight_items(session=session, older_than=grace)
                   if item.claimed_by != runtime.worker]
    settled = 0
    for orphan in orphans:
        account = runtime.settings.find_account(orphan.account)
        if account is None or account.platform != orphan.platform:
            continue
        try:
            found = runtime.connector(account).find_reply(in_reply_to_id=orphan.in_reply_to_id, text=orphan.text)
        except PlatformError as exc:
            logger.warning("cannot reconcile outbox item %s yet: %s", orphan.id, exc)
            continue
        with session_scope(runtime.engine) as session:
            item = session.get(OutboxRow, orphan.id)
            if item is None or item.status != "in_flight" or item.claimed_by != orphan.claimed_by:
                continue
            if found:
                mark_sent(session=session, item=item, platform_post_id=found)
                audit(session=session, actor="publisher", action="reconciled_sent", subject=f"outbox:{item.id}",
                      detail=f"reply {found} was already posted before a crash")
                logger.info("outbox %s: reply %s was already posted; marked sent", item.id, found)
            else:
                item.status = "pending"
                item.claimed_by = None
                item.next_attempt_at = utcnow()
                session.add(item)
                logger.info("outbox %s: not posted before the crash; will post it now", item.id)
        settled += 1
    return settled


def publish_due(*, runtime: Runtime, limit: int = 20, accounts: list[AccountSettings] | None = None) -> PublishResult:
    """Post every due outbox item once; return what happened."""
    result = PublishResult()
    result.reconciled = reconcile_in_flight(
        runtime, grace=timedelta(0) if is_sqlite(runtime.engine) else None
    )
    names = [a.name for a in (accounts or runtime.settings.accounts) if a.enabled]
    with session_scope(runtime.engine) as session:
        paused = {name for name in names
                  if get_cursor(session=session, account=name,
                                platform=runtime.settings.account(name).platform).paused}
        claimed = claim_outbox_items(session=session, worker=runtime.worker, limit=limit,
                                     accounts=[n for n in names if n not in paused])
        customer_texts = _customer_texts(session, claimed)
    for item in claimed:
        _publish_one(runtime, item, customer_texts.get(item.draft_id, ""), result)
    return result


def _publish_one(runtime: Runtime, item: OutboxRow, customer_text: str, result: PublishResult) -> None:
    account = runtime.settings.account(item.account)
    max_attempts = runtime.settings.scheduler.max_publish_attempts
    try:
        enforce(item.text, customer_text=customer_text)
        post_id = runtime.connector(account).post_reply(
            text=item.text,
            in_reply_to_id=item.in_reply_to_id,
            visibility=Visibility(item.visibility),
            author_handle=item.author_handle,
        )
    except PolicyViolation as exc:
        with session_scope(runtime.engine) as session:
            row = session.get(OutboxRow, item.id)
            if row is not None:
                reschedule(session=session, item=row, error=f"refused by the guard: {exc}", at=utcnow(),
                           give_up=True)
                audit(session=session, actor="publisher", action="guard_refused", subject=f"outbox:{item.id}",
                      detail=str(exc))
        result.failed += 1
        result.errors.append(str(exc))
        logger.error("outbox %s refused by the guard right before posting: %s", item.id, exc)
        return
    except PlatformError as exc:
        _record_publish_failure(runtime, item, exc, max_attempts, result)
        return
    with session_scope(runtime.engine) as session:
        row = session.get(OutboxRow, item.id)
        assert row is not None
        mark_sent(session=session, item=row, platform_post_id=post_id)
    result.sent += 1
    logger.info("sent reply %s on %s in reply to %s", post_id, account.name, item.in_reply_to_id)


def _record_publish_failure(
    runtime: Runtime, item: OutboxRow, exc: PlatformError, max_attempts: int, result: PublishResult
) -> None:
    now = datetime.now(UTC)
    if isinstance(exc, RateLimited):
        at = exc.reset_at.astimezone(UTC) if exc.reset_at else now + _backoff(item.attempts)
        give_up = False
    elif isinstance(exc, AuthFailed):
        at, give_up = now + timedelta(minutes=5), False
    elif isinstance(exc, Transient):
        at, give_up = now + _backoff(item.attempts), item.attempts >= max_attempts
    else:  # refused for good (duplicate text, parent deleted, too long): retrying cannot help
        at, give_up = now, True
    with session_scope(runtime.engine) as session:
        row = session.get(OutboxRow, item.id)
        if row is None:
            return
        reschedule(session=session, item=row, error=str(exc), at=at, give_up=give_up)
        if isinstance(exc, AuthFailed):
            cursor = get_cursor(session=session, account=item.account, platform=item.platform)
            cursor.paused = True
            cursor.paused_reason = f"credentials refused while posting: {exc}"
            session.add(cursor)
    if give_up:
        result.failed += 1
        logger.error("outbox %s failed after %d attempts: %s", item.id, item.attempts, exc)
    else:
        result.retried += 1
        logger.warning("outbox %s will be retried at %s: %s", item.id, at.isoformat(timespec="seconds"), exc)
    result.errors.append(str(exc))
