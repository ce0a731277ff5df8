"""Take the console screenshots in docs/screenshots from realistic seeded data.

Run: python -m tests.bot.console.screenshots [OUTPUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, SQLModel

from bot.config import parse_config
from bot.storage.engine import make_engine, session_scope
from bot.storage.schema import import_all_tables
from bot.storage.tables import ConversationRow, DraftRow, MentionRow, ReviewActionRow, utcnow
from tests.bot.console.live import chromium, running_console, sign_in
from tests.bot.console.seeding import (
    ACCOUNTS_CONFIG,
    PASSWORD,
    add_post,
    add_sent_reply,
    add_staff,
    seed_accounts,
    seed_queue,
)

HISTORY = [
    ("renewal", "@parleytelecom is there a better price if I stay another year?", "Hi! Yes: staying customers "
     "never pay more than new ones. Reply here with your name and postcode and we'll check your line."),
    ("complaint", "@parleytelecom router keeps rebooting every evening", "Sorry about that! Reply here with "
     "your name and postcode and we'll run a line test tonight."),
    ("new_customer", "@parleytelecom can I get fibre in CF10 1EP?", "Hi! Full Fibre 150 is available there "
     "from £32/month. Reply here with your name and we'll book you in."),
    ("other", "@parleytelecom what time does the shop in town open?", "Hi! Most of our shops open at 9am; "
     "tell us which town and we'll check."),
]


def seed_history(session: object) -> None:
    """Two weeks of answered posts so that the overview charts have something to show."""
    now = utcnow()
    for day in range(13, -1, -1):
        for index, (intent, text, reply) in enumerate(HISTORY):
            for repeat in range((day * 7 + index * 3) % 4 + (2 if intent == "complaint" else 1)):
                key = f"h{day}-{index}-{repeat}"
                mention, draft = add_post(
                    session, key=key, handle=f"person{day}{index}{repeat}", display_name="", text=text,  # type: ignore[arg-type]
                    draft=reply, intent=intent, minutes_ago=day * 1440 + 60 * index + 7 * repeat, now=now,
                )
                reviewer = None if intent in ("renewal", "new_customer") and repeat % 2 == 0 else "sam"
                add_sent_reply(session, draft=draft, mention=mention,  # type: ignore[arg-type]
                               minutes_after=4 + (day * 3 + repeat * 5) % 40, reviewer=reviewer)
        if day % 3 == 0:
            session.add(ReviewActionRow(draft_id=draft.id or 0, reviewer="sam", action="guard_refused",  # type: ignore[attr-defined]
                                        detail="asks the customer for their account number",
                                        created_at=now - timedelta(days=day)))


def add_earlier_exchange(session: Session, mention_id: int) -> None:
    """An earlier post in the same conversation, and our answer to it, so the thread shows history."""
    current = session.get(MentionRow, mention_id)
    assert current is not None
    conversation = session.get(ConversationRow, current.conversation_id)
    earlier, draft = add_post(
        session, key="outage-earlier", handle="priya_codes", display_name="Priya Shah",
        text="@parleytelecom internet down again in Leeds, second time this week",
        draft="Hi Priya, sorry! There's a fault in your area; engineers are on it and expect it fixed by 6pm.",
        intent="complaint", minutes_ago=2 * 1440, conversation=conversation,
    )
    add_sent_reply(session, draft=draft, mention=earlier, minutes_after=11)


def main(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PARLEY_SECRET_KEY", "screenshot-session-key-only")
    with tempfile.TemporaryDirectory() as folder:
        import_all_tables()
        engine = make_engine(f"sqlite:///{folder}/shots.db")
        SQLModel.metadata.create_all(engine)
        with session_scope(engine) as session:
            add_staff(session, name="sam")
            add_staff(session, name="ria")
            add_staff(session, name="ada", role="admin")
            seed_history(session)
            seed_accounts(session)
            seeded = seed_queue(session, hostile=False)
            add_earlier_exchange(session, seeded.mentions["outage"])
            renewal = session.get(DraftRow, seeded.drafts["renewal"])
            assert renewal is not None
            renewal.claimed_by, renewal.claimed_until = "ria", utcnow() + timedelta(minutes=12)
        settings = parse_config({"database": {"url": f"sqlite:///{folder}/shots.db"}, "accounts": ACCOUNTS_CONFIG})
        with running_console(settings, engine) as base_url, chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
            sign_in(page, base_url, "sam", PASSWORD)
            page.screenshot(path=str(output / "queue.png"), full_page=True)
            page.goto(f"{base_url}/drafts/{seeded.drafts['outage']}")
            page.screenshot(path=str(output / "conversation.png"), full_page=True)
            page.goto(f"{base_url}/overview")
            page.screenshot(path=str(output / "overview.png"), full_page=True)
            admin = browser.new_context(viewport={"width": 1280, "height": 760}).new_page()
            sign_in(admin, base_url, "ada", PASSWORD)
            admin.goto(f"{base_url}/accounts")
            admin.screenshot(path=str(output / "accounts.png"), full_page=True)
        engine.dispose()
    print(f"screenshots written to {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
