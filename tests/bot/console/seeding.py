"""Realistic review-queue data for the console's tests, end-to-end runs and screenshots.

The people, posts and drafts here are invented for these tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.console.auth import create_user
from bot.storage.tables import (
    AuthorRow,
    ClassificationRow,
    ConversationRow,
    DraftRow,
    MentionRow,
    OutboxRow,
    PollCursorRow,
    SentReplyRow,
    utcnow,
)
from replies.compose import mention_prefix

PASSWORD = "correct horse battery"
HOSTILE_NAME = '<script>alert("name")</script>'
HOSTILE_BIO = '"><img src=x onerror=alert(1)> loves broadband'
HOSTILE_TEXT = "@parleytelecom <script>alert(1)</script> my bill doubled!"


@dataclass
class Seeded:
    drafts: dict[str, int] = field(default_factory=dict)
    mentions: dict[str, int] = field(default_factory=dict)


def add_staff(session: Session, *, name: str, role: str = "reviewer", password: str = PASSWORD) -> None:
    create_user(session=session, username=name, password=password, role=role)
    session.flush()


def _scores(intent: str, confidence: float) -> dict[str, float]:
    others = [i for i in ("complaint", "renewal", "new_customer", "other") if i != intent]
    rest = round((1 - confidence) / len(others), 3)
    return {intent: confidence, **{o: rest for o in others}}


def add_post(
    session: Session,
    *,
    key: str,
    handle: str,
    text: str,
    draft: str,
    intent: str,
    confidence: float = 0.82,
    minutes_ago: float = 10,
    platform: str = "x",
    display_name: str = "",
    bio: str = "",
    priority: int = 0,
    status: str = "pending_review",
    rule: str = "complaint",
    reason: str = "Complaint: always answered by a person; a reply is drafted.",
    entities: list[dict[str, Any]] | None = None,
    pii: list[dict[str, Any]] | None = None,
    flags: list[str] | None = None,
    external_id: str | None = None,
    account: str = "",
    conversation: ConversationRow | None = None,
    guard_allowed: bool = True,
    now: datetime | None = None,
) -> tuple[MentionRow, DraftRow]:
    now = now or utcnow()
    account = account or ("x-sandbox" if platform == "x" else "mastodon-sandbox")
    prefix = mention_prefix(platform, handle)
    if not draft.startswith(prefix):
        draft = prefix + draft  # as Parley drafts them: every reply opens with the author's handle
    author = AuthorRow(
        platform=platform, external_id=f"a-{key}", handle=handle, display_name=display_name, bio=bio
    )
    session.add(author)
    session.flush()
    assert author.id is not None
    if conversation is None:
        conversation = ConversationRow(platform=platform, account=account, key=f"c-{key}", author_id=author.id,
                                       intent=intent)
        session.add(conversation)
        session.flush()
    mention = MentionRow(
        platform=platform, external_id=external_id or f"m-{key}", account=account, author_id=author.id,
        conversation_id=conversation.id, text=text, created_at=now - timedelta(minutes=minutes_ago),
        conversation_key=conversation.key, status="processed",
    )
    session.add(mention)
    session.flush()
    assert mention.id is not None
    session.add(ClassificationRow(
        mention_id=mention.id, intent=intent, confidence=confidence, scores=_scores(intent, confidence),
        entities=entities or [], pii=pii or [], flags=flags or [], model_version="intents-2026.11",
    ))
    row = DraftRow(
        mention_id=mention.id, conversation_id=conversation.id, text=draft, status=status, route="review",
        rule=rule, reason=reason, priority=priority, guard_allowed=guard_allowed,
        created_at=now - timedelta(minutes=minutes_ago) + timedelta(seconds=5),
    )
    session.add(row)
    session.flush()
    return mention, row


def span(text: str, fragment: str, label: str) -> dict[str, Any]:
    start = text.index(fragment)
    return {"label": label, "start": start, "end": start + len(fragment), "text": fragment}


def seed_queue(session: Session, *, now: datetime | None = None, hostile: bool = True) -> Seeded:
    """A morning's queue: a complaint with a phone number in public, renewals, a newcomer, a hostile post."""
    now = now or utcnow()
    seeded = Seeded()

    text = ("@parleytelecom third outage this week in Leeds LS6 2AB and nobody calls back. "
            "Ring me on 07700 900123 before I switch to Skyline Broadband")
    m, d = add_post(
        session, key="outage", handle="priya_codes", display_name="Priya Shah",
        bio="Backend developer. Working from home, so I notice when the internet drops.",
        text=text, intent="complaint", confidence=0.91, minutes_ago=74, priority=20,
        rule="pii-in-public",
        reason="Customer posted personal data in public: the draft asks them to delete it; check it first.",
        draft=("Hi Priya, I'm sorry, three drops in a week isn't good enough. Please delete the post with your "
               "number; we'll never ask for it. Reply here with your name and we'll run a line test straight away."),
        entities=[span(text, "LS6 2AB", "POSTCODE"), span(text, "Skyline Broadband", "COMPETITOR")],
        pii=[span(text, "07700 900123", "PHONE")], flags=["urgent"], now=now,
    )
    seeded.mentions["outage"], seeded.drafts["outage"] = m.id or 0, d.id or 0

    text = "@parleytelecom my contract ends next month, what can you offer me to stay on Fibre 80?"
    m, d = add_post(
        session, key="renewal", handle="tom_at_home", display_name="Tom Becker", bio="Dad, cyclist, tea.",
        text=text, intent="renewal", confidence=0.64, minutes_ago=31, rule="fallback",
        reason="renewal at 0.64 is below the auto-send threshold: a person checks the draft.",
        draft=("Hi Tom, thanks for sticking with us! As an existing customer you'd pay £25/month for Fibre 80, "
               "never more than a new customer. Reply here with your name and postcode and we'll renew it."),
        entities=[span(text, "Fibre 80", "PRODUCT")], now=now,
    )
    seeded.mentions["renewal"], seeded.drafts["renewal"] = m.id or 0, d.id or 0

    text = "@parleytelecom@social.example is full fibre available at BS3 4QT yet? thinking of moving over"
    m, d = add_post(
        session, key="newcomer", handle="maya@social.example", display_name="Maya Okafor",
        bio="Illustrator in Bristol. she/her", platform="mastodon", text=text, intent="new_customer",
        confidence=0.71, minutes_ago=12, rule="fallback",
        reason="new_customer at 0.71 is below the auto-send threshold: a person checks the draft.",
        draft=("Hi Maya! Full Fibre 150 is available at BS3 4QT from £32/month. Reply here with your name "
               "and we'll get you booked in."),
        entities=[span(text, "BS3 4QT", "POSTCODE")], now=now,
    )
    seeded.mentions["newcomer"], seeded.drafts["newcomer"] = m.id or 0, d.id or 0

    if hostile:
        m, d = add_post(
            session, key="hostile", handle="x_h4ck", display_name=HOSTILE_NAME, bio=HOSTILE_BIO,
            text=HOSTILE_TEXT, intent="complaint", confidence=0.58, minutes_ago=5, priority=10,
            draft="Hi, sorry your bill went up. Reply here with your name and postcode and we'll check it.", now=now,
        )
    else:
        m, d = add_post(
            session, key="hostile", handle="gwen@toot.example", display_name="Gwen Price", platform="mastodon",
            bio="Retired teacher, allotment, too many books.",
            text="@parleytelecom@social.example my bill went up by £8 this month and nobody told me why",
            intent="complaint", confidence=0.86, minutes_ago=5, priority=10,
            draft="Hi Gwen, sorry for the surprise on your bill. Reply here with your name and postcode and "
                  "we'll go through it with you.", now=now,
        )
    seeded.mentions["hostile"], seeded.drafts["hostile"] = m.id or 0, d.id or 0

    text = "@parleytelecom do you do student discounts?"
    m, d = add_post(
        session, key="question", handle="jon_w", display_name="Jon Walsh", text=text, intent="other",
        confidence=0.55, minutes_ago=3, rule="other-question",
        reason="Asks us something outside renewals and sign-ups: a friendly reply is drafted for a person.",
        draft="Hi Jon, we don't have a student plan right now, but SIM 30GB is £10/month with no long contract.",
        now=now,
    )
    seeded.mentions["question"], seeded.drafts["question"] = m.id or 0, d.id or 0
    return seeded


def add_sent_reply(session: Session, *, draft: DraftRow, mention: MentionRow, minutes_after: float = 8,
                   reviewer: str | None = "sam") -> SentReplyRow:
    """Mark a draft as answered: outbox item sent and a SentReplyRow, as the publisher would."""
    sent_at = mention.created_at + timedelta(minutes=minutes_after)
    draft.status, draft.reviewer, draft.decided_at = "sent", reviewer, sent_at
    session.add(draft)
    assert draft.id is not None
    item = OutboxRow(
        draft_id=draft.id, idempotency_key=f"seed-{draft.id}", platform=mention.platform, account=mention.account,
        in_reply_to_id=mention.external_id, text=draft.text, status="sent", platform_post_id=f"p-{draft.id}",
        sent_at=sent_at,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    reply = SentReplyRow(
        outbox_id=item.id, platform=mention.platform, account=mention.account, platform_post_id=f"p-{draft.id}",
        in_reply_to_id=mention.external_id, text=draft.text, sent_at=sent_at,
    )
    session.add(reply)
    session.flush()
    return reply


# Three accounts as an operator would configure them: credentials name environment variables only.
ACCOUNTS_CONFIG: list[dict[str, Any]] = [
    {"name": "x-care", "platform": "x", "handle": "parleytelecom", "base_url": "https://api.x.com",
     "credentials": {"bearer_token": "PARLEY_X_CARE_BEARER"}, "monthly_read_cap": 10000},
    {"name": "mastodon-care", "platform": "mastodon", "handle": "parleytelecom",
     "base_url": "https://social.example", "credentials": {"access_token": "PARLEY_MASTODON_CARE_TOKEN"}},
    {"name": "x-sandbox", "platform": "x", "handle": "parleytelecom", "base_url": "http://127.0.0.1:8701",
     "sandbox": True},
]
PAUSED_REASON = "credentials refused: 401 The access token is invalid"


def seed_accounts(session: Session, *, now: datetime | None = None) -> None:
    """Poll state for ACCOUNTS_CONFIG: X is rate limited, Mastodon was paused, the sandbox is fine."""
    now = now or utcnow()
    month = now.strftime("%Y-%m")
    session.add(PollCursorRow(
        account="x-care", platform="x", since_id="1861234567890123456", last_poll_at=now - timedelta(minutes=2),
        last_outcome="rate_limited", last_error="x-care: 0 requests left until the reset", last_fetched=0,
        total_fetched=6412,
        budget={"limit": 180, "remaining": 0, "reset_at": (now + timedelta(minutes=9)).isoformat(),
                "month": month, "reads_this_month": 6412, "monthly_read_cap": 10000},
    ))
    session.add(PollCursorRow(
        account="mastodon-care", platform="mastodon", since_id="113512774402219872",
        last_poll_at=now - timedelta(minutes=47), last_outcome="auth_failed",
        last_error="401 The access token is invalid", total_fetched=1288, last_fetched=3,
        paused=True, paused_reason=PAUSED_REASON,
        budget={"limit": 300, "remaining": 287, "reset_at": (now - timedelta(minutes=40)).isoformat(),
                "month": month, "reads_this_month": 412, "monthly_read_cap": None},
    ))
    session.add(PollCursorRow(
        account="x-sandbox", platform="x", since_id="1000000000000000211", last_poll_at=now - timedelta(seconds=40),
        last_outcome="ok", last_fetched=4, total_fetched=211,
        budget={"limit": 450, "remaining": 431, "reset_at": (now + timedelta(minutes=12)).isoformat(),
                "month": month, "reads_this_month": 211, "monthly_read_cap": None},
    ))
    session.flush()
