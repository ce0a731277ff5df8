"""The shared shape of every network connector.

A poller only fetches: it yields pages of mentions, each with the cursor
state to save *in the same transaction* as the mentions it covers. A
publisher only posts, and can look for a reply it may already have posted
(to reconcile an outbox item found in flight after a crash).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.domain import Mention, Platform, Visibility


@dataclass(frozen=True, slots=True)
class CursorState:
    """Where polling stands for one account.

    ``since_id`` is the newest id fully processed. While paging backwards
    through a batch (X), ``paging_token`` and ``paging_newest_id`` remember
    where to resume; they are cleared when the batch is complete, at which
    point ``since_id`` becomes ``paging_newest_id``.
    """

    since_id: str | None = None
    paging_token: str | None = None
    paging_newest_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RateBudget:
    """What the network said about our remaining requests."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FetchedPage:
    mentions: list[Mention]
    cursor: CursorState
    budget: RateBudget | None = None


class MentionPoller(Protocol):
    platform: Platform
    account: str

    def fetch(self, cursor: CursorState, *, backfill_since: datetime | None) -> Iterator[FetchedPage]:
        """Yield pages newer than the cursor; the last page's cursor is the new resting state."""
        ...


class ReplyPublisher(Protocol):
    platform: Platform
    account: str

    def post_reply(
        self, *, text: str, in_reply_to_id: str, visibility: Visibility, author_handle: str
    ) -> str:
        """Post a reply in the thread of ``in_reply_to_id``; return the new post's id."""
        ...

    def find_reply(self, *, in_reply_to_id: str, text: str) -> str | None:
        """Our reply to ``in_reply_to_id`` if it is already there (crash reconciliation)."""
        ...


class Connector(MentionPoller, ReplyPublisher, Protocol):
    """Both halves for one account, sharing one HTTP client and one request budget."""

    def conversation_root(self, in_reply_to_id: str) -> str | None:
        """The id of the first post of the thread that ``in_reply_to_id`` belongs to.

        Called by the pipeline when a reply's parent is not known locally
        (Mastodon: from the status context; X: from ``conversation_id``).
        """
        ...
