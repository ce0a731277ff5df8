"""mention -> filter -> conversation -> classify -> route -> draft -> review queue | outbox.

The pipeline processes what the pollers stored. Each mention is handled in
its own transaction, so a crash leaves it either untouched (status ``new``,
processed again next round) or fully processed, never half-written.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from bot.domain import (
    Author,
    Classification,
    DraftStatus,
    Intent,
    Mention,
    Platform,
    Route,
    Span,
    Visibility,
)
from bot.errors import ParleyError, PlatformError
from bot.filters import filter_reason
from bot.runtime import Runtime
from bot.storage import session_scope
from bot.storage.repo import audit, enqueue_reply
from bot.storage.tables import (
    AuthorRow,
    ClassificationRow,
    ConversationRow,
    DraftRow,
    MentionRow,
    SentReplyRow,
    utcnow,
)
from intents.classifier import IntentClassifier, get_classifier
from replies.customers import match_customer
from replies.engine import ReplyContext, ReplyEngine

logger = logging.getLogger(__name__)

PRIORITY = {Intent.COMPLAINT: 30, Intent.RENEWAL: 20, Intent.NEW_CUSTOMER: 20, Intent.OTHER: 0}


@dataclass
class ProcessResult:
    processed: int = 0
    filtered: int = 0
    failed: int = 0
    routes: Counter[str] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)


class Pipeline:
    """Holds the loaded classifier and reply engine for a process's lifetime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.classifier: IntentClassifier = get_classifier(runtime.settings)
        self.replies: ReplyEngine = ReplyEngine(runtime.settings)

    def process_new(self, *, limit: int = 200) -> ProcessResult:
        result = ProcessResult()
        with session_scope(self.runtime.engine) as session:
            ids = list(
                session.exec(
                    select(MentionRow.id)
                    .where(MentionRow.status == "new")
                    .order_by(col(MentionRow.created_at), col(MentionRow.id))
                    .limit(limit)
                ).all()
            )
        for mention_id in ids:
            assert mention_id is not None
            try:
                self._process_one(mention_id, result)
            except Exception as exc:  # one bad mention must not block the ones behind it
                result.failed += 1
                if isinstance(exc, ParleyError):
                    logger.error("mention %s could not be processed: %s", mention_id, exc)
                else:
                    logger.exception("mention %s could not be processed", mention_id)
                with session_scope(self.runtime.engine) as session:
                    row = session.get(MentionRow, mention_id)
                    if row is not None and row.status == "new":
                        row.status = "failed"
                        row.filter_reason = str(exc)[:200]
                        session.add(row)
        return result

    def _process_one(self, mention_id: int, result: ProcessResult) -> None:
        settings = self.runtime.settings
        with session_scope(self.runtime.engine) as session:
            row = session.get(MentionRow, mention_id)
            if row is None or row.status != "new":
                return
            author = session.get(AuthorRow, row.author_id)
            assert author is not None
            now = datetime.now(UTC)
            reason = filter_reason(session=session, settings=settings, mention=row, author=author, now=now)
            if reason is not None:
                row.status = "filtered"
                row.filter_reason = reason
                row.processed_at = now
                session.add(row)
                result.filtered += 1
                return
            conversation, previous_intent, is_follow_up = self._conversation(session, row, author)
            mention = _to_mention(row, author)
            account = settings.find_account(row.account)
            classification = self.classifier.classify(
                row.text, provider=account.handle if account else None, display_name=author.display_name
            )
            customer = match_customer(
                session=session,
                platform=row.platform,
                handle=author.handle,
                display_name=author.display_name,
                text_postcodes=classification.entity_texts("POSTCODE"),
            )
            decision, drafted = self.replies.decide(
                ReplyContext(
                    mention=mention,
                    classification=classification,
                    previous_intent=previous_intent,
                    is_follow_up=is_follow_up,
                    customer=customer,
                    char_limit=account.char_limit if account else None,
                )
            )
            session.add(_classification_row(mention_id, classification))
            intent = decision.intent or classification.intent
            conversation.intent = intent.value
            conversation.updated_at = now
            session.add(conversation)
            row.status = "processed"
            row.processed_at = now
            session.add(row)
            result.processed += 1
            result.intents[classification.intent.value] += 1
            result.routes[decision.route.value] += 1
            if decision.route == Route.IGNORE or drafted is None:
                return
            auto = decision.route == Route.AUTO and drafted.verdict.allowed
            draft = DraftRow(
                mention_id=mention_id,
                conversation_id=conversation.id,
                text=drafted.text,
                template_id=drafted.template_id,
                status=(DraftStatus.APPROVED if auto else DraftStatus.PENDING_REVIEW).value,
                route=decision.route.value,
                rule=decision.rule,
                reason=decision.reason,
                would_auto_send=decision.would_auto_send,
                guard_allowed=drafted.verdict.allowed,
                guard_reasons=list(drafted.verdict.reasons),
                priority=_priority(intent, classification),
                reviewer="auto" if auto else None,
                decided_at=now if auto else None,
            )
            session.add(draft)
            session.flush()
            if auto:
                enqueue_reply(session=session, draft=draft, mention=row, author_handle=author.handle)
                audit(session=session, actor="system", action="auto_reply_queued", subject=f"draft:{draft.id}",
                      detail=f"{decision.rule}: {decision.reason}")

    def _conversation(
        self, session: Session, row: MentionRow, author: AuthorRow
    ) -> tuple[ConversationRow, Intent | None, bool]:
        """Find the thread this mention belongs to, or start one."""
        key = row.conversation_key
        existing: ConversationRow | None = None
        if row.in_reply_to_id:
            parent = session.exec(
                select(MentionRow).where(
                    MentionRow.platform == row.platform, MentionRow.external_id == row.in_reply_to_id
                )
            ).first()
            if parent is not None and parent.conversation_id is not None:
                existing = session.get(ConversationRow, parent.conversation_id)
            if existing is None:
                ours = session.exec(
                    select(SentReplyRow).where(
                        SentReplyRow.platform == row.platform,
                        SentReplyRow.platform_post_id == row.in_reply_to_id,
                    )
                ).first()
                if ours is not None:
                    answered = session.exec(
                        select(MentionRow).where(
                            MentionRow.platform == row.platform, MentionRow.external_id == ours.in_reply_to_id
                        )
                    ).first()
                    if answered is not None and answered.conversation_id is not None:
                        existing = session.get(ConversationRow, answered.conversation_id)
            if existing is None and key is None:
                key = self._root_from_platform(row)
        if existing is None:
            key = key or row.external_id
            existing = session.exec(
                select(ConversationRow).where(
                    ConversationRow.platform == row.platform,
                    ConversationRow.account == row.account,
                    ConversationRow.key == key,
                )
            ).first()
        if existing is None:
            existing = ConversationRow(platform=row.platform, account=row.account, key=key or row.external_id,
                                       author_id=author.id)
            session.add(existing)
            session.flush()
            is_follow_up, previous = False, None
        else:
            is_follow_up = True
            previous = Intent(existing.intent) if existing.intent else None
        row.conversation_id = existing.id
        return existing, previous, is_follow_up

    def _root_from_platform(self, row: MentionRow) -> str | None:
        account = self.runtime.settings.find_account(row.account)
        if not row.in_reply_to_id or account is None:
            return None
        try:
            return self.runtime.connector(account).conversation_root(row.in_reply_to_id)
        except PlatformError as exc:
            logger.info("could not fetch the thread of %s: %s", row.external_id, exc)
            return None



def _priority(intent: Intent, classification: Classification) -> int:
    score = PRIORITY.get(intent, 0)
    if classification.pii:
        score += 40
    if "urgent" in classification.flags:
        score += 25
    if "legal" in classification.flags:
        score += 15
    return score


def _to_mention(row: MentionRow, author: AuthorRow) -> Mention:
    return Mention(
        platform=Platform(row.platform),
        external_id=row.external_id,
        account=row.account,
        author=Author(
            external_id=author.external_id,
            handle=author.handle,
            display_name=author.display_name,
            bio=author.bio,
            is_bot=author.is_bot,
        ),
        text=row.text,
        created_at=row.created_at,
        language=row.language,
        in_reply_to_id=row.in_reply_to_id,
        conversation_key=row.conversation_key,
        visibility=Visibility(row.visibility),
        is_repost=row.is_repost,
    )


def _classification_row(mention_id: int, c: Classification) -> ClassificationRow:
    def spans(items: tuple[Span, ...]) -> list[dict[str, object]]:
        return [{"label": s.label, "start": s.start, "end": s.end, "text": s.text} for s in items]

    return ClassificationRow(
        mention_id=mention_id,
        intent=c.intent.value,
        confidence=round(c.confidence, 4),
        scores={k: round(v, 4) for k, v in c.scores.items()},
        entities=spans(c.entities),
        pii=spans(c.pii),
        flags=sorted(c.flags),
        model_version=c.model_version,
        created_at=utcnow(),
    )
