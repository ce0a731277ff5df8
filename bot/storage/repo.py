"""Repository functions: typed, keyword-only, one unit of work each.

They take the caller's session and never commit, so that a poller can store
mentions and advance its cursor in one transaction.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from bot.domain import Author, DraftStatus, Mention, OutboxStatus, Platform
from bot.storage.tables import (
    AuditLogRow,
    AuthorRow,
    DraftRow,
    MentionRow,
    OptOutRow,
    OutboxRow,
    PollCursorRow,
    SentReplyRow,
    utcnow,
)

logger = logging.getLogger(__name__)


def _aware(value: datetime) -> datetime:
    """Naive datetimes from a network are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def upsert_author(*, session: Session, platform: Platform | str, author: Author) -> AuthorRow:
    """Insert or refresh an author; bios and display names change over time."""
    platform_value = Platform(platform).value
    row = session.exec(
        select(AuthorRow).where(
            AuthorRow.platform == platform_value, AuthorRow.external_id == author.external_id
        )
    ).first()
    if row is None:
        row = AuthorRow(platform=platform_value, external_id=author.external_id, handle=author.handle)
    row.handle = author.handle[:200]
    row.display_name = author.display_name[:400]
    row.bio = author.bio
    row.is_bot = author.is_bot
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def save_mentions(*, session: Session, mentions: Sequence[Mention]) -> list[MentionRow]:
    """Store the mentions not seen before; return only the new rows.

    The unique key (platform, external_id) makes a re-fetch after a crash harmless.
    """
    if not mentions:
        return []
    by_platform: dict[str, set[str]] = {}
    for mention in mentions:
        by_platform.setdefault(mention.platform.value, set()).add(mention.external_id)
    known: set[tuple[str, str]] = set()
    for platform, ids in by_platform.items():
        rows = session.exec(
            select(MentionRow.external_id).where(
                MentionRow.platform == platform, col(MentionRow.external_id).in_(ids)
            )
        ).all()
        known.update((platform, external_id) for external_id in rows)
    created: list[MentionRow] = []
    for mention in sorted(mentions, key=lambda m: m.created_at):
        key = (mention.platform.value, mention.external_id)
        if key in known:
            continue
        known.add(key)
        author_row = upsert_author(session=session, platform=mention.platform, author=mention.author)
        assert author_row.id is not None
        row = MentionRow(
            platform=mention.platform.value,
            external_id=mention.external_id,
            account=mention.account,
            author_id=author_row.id,
            text=mention.text,
            language=mention.language,
            created_at=_aware(mention.created_at),
            in_reply_to_id=mention.in_reply_to_id,
            conversation_key=mention.conversation_key,
            visibility=mention.visibility.value,
            is_repost=mention.is_repost,
            raw=mention.raw,
        )
        session.add(row)
        created.append(row)
    session.flush()
    return created


def get_cursor(*, session: Session, account: str, platform: str) -> PollCursorRow:
    row = session.get(PollCursorRow, account)
    if row is None:
        row = PollCursorRow(account=account, platform=platform)
        session.add(row)
        session.flush()
    return row


def record_poll_outcome(
    *,
    session: Session,
    account: str,
    platform: str,
    outcome: str,
    fetched: int = 0,
    error: str | None = None,
) -> PollCursorRow:
    cursor = get_cursor(session=session, account=account, platform=platform)
    cursor.last_poll_at = utcnow()
    cursor.last_outcome = outcome
    cursor.last_error = error[:1000] if error else None
    if outcome == "ok":
        cursor.last_fetched = fetched
        cursor.total_fetched += fetched
    session.add(cursor)
    return cursor


def is_opted_out(*, session: Session, platform: str, author_external_id: str, handle: str = "") -> bool:
    by_id = and_(col(OptOutRow.platform) == platform, col(OptOutRow.author_external_id) == author_external_id)
    by_handle = and_(func.lower(OptOutRow.handle) == handle.lower(), col(OptOutRow.handle) != "")
    query = select(OptOutRow.id).where(or_(by_id, by_handle) if handle else by_id)
    return session.exec(query).first() is not None


def add_opt_out(
    *, session: Session, platform: str, author_external_id: str, handle: str, reason: str
) -> None:
    if is_opted_out(session=session, platform=platform, author_external_id=author_external_id):
        return
    session.add(
        OptOutRow(platform=platform, author_external_id=author_external_id, handle=handle, reason=reason)
    )
    session.flush()


def idempotency_key_for(*, platform: str, account: str, in_reply_to_id: str) -> str:
    """One reply per post: the key is the post we answer, so a second enqueue collides."""
    digest = hashlib.sha256(f"{platform}:{account}:{in_reply_to_id}".encode()).hexdigest()[:32]
    return f"reply-{digest}"


def enqueue_reply(
    *, session: Session, draft: DraftRow, mention: MentionRow, author_handle: str
) -> OutboxRow:
    """Put an approved or automatic draft in the outbox (once per draft and per post)."""
    existing = session.exec(select(OutboxRow).where(OutboxRow.draft_id == draft.id)).first()
    if existing is not None:
        return existing
    key = idempotency_key_for(
        platform=mention.platform, account=mention.account, in_reply_to_id=mention.external_id
    )
    clash = session.exec(select(OutboxRow).where(OutboxRow.idempotency_key == key)).first()
    if clash is not None:
        logger.info("post %s already has a reply queued (outbox %s)", mention.external_id, clash.id)
        return clash
    assert draft.id is not None
    item = OutboxRow(
        draft_id=draft.id,
        idempotency_key=key,
        platform=mention.platform,
        account=mention.account,
        in_reply_to_id=mention.external_id,
        author_handle=author_handle,
        text=draft.text,
        visibility=mention.visibility,
    )
    draft.status = DraftStatus.QUEUED.value
    draft.updated_at = utcnow()
    session.add(draft)
    session.add(item)
    session.flush()
    return item


def claim_outbox_items(
    *, session: Session, worker: str, limit: int = 10, accounts: Sequence[str] | None = None
) -> list[OutboxRow]:
    """Claim due pending items; on PostgreSQL with FOR UPDATE SKIP LOCKED.

    The claim is committed by the caller before posting, so that a crash
    leaves the item IN_FLIGHT and it is reconciled, never blindly re-posted.
    """
    now = utcnow()
    query = (
        select(OutboxRow)
        .where(OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.next_attempt_at <= now)
        .order_by(col(OutboxRow.id))
        .limit(limit)
    )
    if accounts is not None:
        query = query.where(col(OutboxRow.account).in_(list(accounts)))
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    items = list(session.exec(query).all())
    claimed: list[OutboxRow] = []
    for item in items:
        result = session.execute(
            update(OutboxRow)
            .where(col(OutboxRow.id) == item.id, col(OutboxRow.status) == OutboxStatus.PENDING.value)
            .values(
                status=OutboxStatus.IN_FLIGHT.value,
                claimed_by=worker,
                claimed_at=now,
                attempts=OutboxRow.attempts + 1,
            )
        )
        if getattr(result, "rowcount", 0) == 1:
            session.refresh(item)
            claimed.append(item)
    return claimed


def in_flight_items(*, session: Session, older_than: timedelta = timedelta(0)) -> list[OutboxRow]:
    cutoff = utcnow() - older_than
    return list(
        session.exec(
            select(OutboxRow).where(
                OutboxRow.status == OutboxStatus.IN_FLIGHT.value,
                col(OutboxRow.claimed_at) <= cutoff,
            )
        ).all()
    )


def mark_sent(*, session: Session, item: OutboxRow, platform_post_id: str) -> SentReplyRow:
    now = utcnow()
    item.status = OutboxStatus.SENT.value
    item.platform_post_id = platform_post_id
    item.sent_at = now
    item.last_error = None
    session.add(item)
    draft = session.get(DraftRow, item.draft_id)
    if draft is not None:
        draft.status = DraftStatus.SENT.value
        draft.updated_at = now
        session.add(draft)
    assert item.id is not None
    sent = SentReplyRow(
        outbox_id=item.id,
        platform=item.platform,
        account=item.account,
        platform_post_id=platform_post_id,
        in_reply_to_id=item.in_reply_to_id,
        text=item.text,
        sent_at=now,
    )
    session.add(sent)
    session.flush()
    return sent


def reschedule(*, session: Session, item: OutboxRow, error: str, at: datetime, give_up: bool) -> None:
    item.last_error = error[:1000]
    item.claimed_by = None
    if give_up:
        item.status = OutboxStatus.FAILED.value
        draft = session.get(DraftRow, item.draft_id)
        if draft is not None:
            draft.status = DraftStatus.FAILED.value
            session.add(draft)
    else:
        item.status = OutboxStatus.PENDING.value
        item.next_attempt_at = at
    session.add(item)


def audit(*, session: Session, actor: str, action: str, subject: str = "", detail: str = "") -> None:
    session.add(AuditLogRow(actor=actor[:100], action=action[:50], subject=subject[:200], detail=detail))
