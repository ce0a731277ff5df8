from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from bot.config import parse_config
from bot.filters import filter_reason, said_stop
from bot.storage.repo import save_mentions
from bot.storage.tables import AuthorRow, MentionRow
from tests.bot.factories import make_mention

SETTINGS = parse_config({"provider": {"handles": ["parleytelecom"]}, "filters": {"blocked_handles": ["@troll"]}})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("@parleytelecom STOP", True),
        ("@parleytelecom stop please", True),
        ("@parleytelecom please stop replying to me", True),
        ("@parleytelecom stop messaging me!!", True),
        ("@parleytelecom my internet keeps stopping", False),
        ("@parleytelecom can't stop laughing at your ad", False),
        ("@parleytelecom", False),
    ],
)
def test_said_stop(text: str, expected: bool) -> None:
    assert said_stop(text, SETTINGS.filters.opt_out_words) is expected


def _reason(session: Session, **kwargs: object) -> str | None:
    (row,) = save_mentions(session=session, mentions=[make_mention(str(kwargs.pop("mid", "1")), **kwargs)])  # type: ignore[arg-type]
    author = session.get(AuthorRow, row.author_id)
    assert author is not None
    return filter_reason(session=session, settings=SETTINGS, mention=row, author=author, now=datetime.now(UTC))


def test_ordinary_post_passes(session: Session) -> None:
    assert _reason(session) is None


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"handle": "ParleyTelecom"}, "own post"),
        ({"is_repost": True}, "repost"),
        ({"is_bot": True}, "bot"),
        ({"bio": "I block everything #NoBot"}, "#nobot"),
        ({"bio": "#nobots please"}, "#nobot"),
        ({"handle": "troll"}, "blocked"),
        ({"age": timedelta(days=5)}, "older than"),
    ],
)
def test_filtered(session: Session, kwargs: dict[str, object], fragment: str) -> None:
    reason = _reason(session, **kwargs)
    assert reason is not None and fragment in reason


def test_stop_registers_opt_out_across_posts(session: Session) -> None:
    assert "said stop" in (_reason(session, mid="5", text="@parleytelecom stop") or "")
    # the same person, later, on any topic: still opted out
    assert "asked us to stop" in (_reason(session, mid="6", text="@parleytelecom my wifi is down") or "")
    assert session.query(MentionRow).count() == 2
