"""What staff see of each configured account: polling health, the request budget, pauses.

Built from config (what exists) and ``poll_cursors`` (what happened), so an
account that never polled still shows. Only names of environment variables
come from config here; credential values are never read, let alone shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.config import AccountSettings, Settings
from bot.storage.tables import PollCursorRow, utcnow

logger = logging.getLogger(__name__)

ERROR_SHOWN_CHARS = 300
OUTCOME_LABELS = {
    "ok": "ok",
    "rate_limited": "rate limited",
    "transient": "transient error",
    "malformed": "unreadable response",
    "auth_failed": "credentials refused",
    "error": "error",
}


@dataclass(frozen=True, slots=True)
class BudgetView:
    """The request budget as the last poll saved it (``RequestBudget.snapshot``)."""

    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    reads_this_month: int
    monthly_read_cap: int | None

    @property
    def month_share(self) -> float | None:
        """How much of the monthly read cap is used, 0..1 (None without a cap)."""
        if not self.monthly_read_cap:
            return None
        return min(1.0, self.reads_this_month / self.monthly_read_cap)

    @property
    def month_percent(self) -> int:
        """The share as a whole percentage: the width of the page's SVG bar (CSP forbids inline styles)."""
        share = self.month_share
        return 0 if share is None else round(share * 100)


@dataclass(frozen=True, slots=True)
class AccountView:
    name: str
    platform: str
    handle: str
    enabled: bool
    sandbox: bool
    last_poll_at: datetime | None
    outcome: str  # never, ok, rate_limited, transient, malformed, auth_failed, error, paused, disabled
    outcome_label: str
    retry_at: datetime | None
    last_error: str | None
    last_fetched: int
    total_fetched: int
    cursor: str | None
    paging: bool
    paused: bool
    paused_reason: str | None
    budget: BudgetView
    credential_envs: tuple[str, ...] = ()  # names of environment variables, never their values

    @property
    def tone(self) -> str:
        """How worried the page should look: ok, warn or bad."""
        if self.paused or self.outcome in ("auth_failed", "error", "malformed"):
            return "bad"
        if self.outcome in ("rate_limited", "transient", "never", "disabled"):
            return "warn"
        return "ok"


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _time_or_none(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def budget_view(state: dict[str, Any] | None, *, configured_cap: int | None) -> BudgetView:
    """Read a saved budget snapshot defensively: it is JSON written by another process."""
    state = state or {}
    reads = _int_or_none(state.get("reads_this_month")) or 0
    if state.get("month") and state.get("month") != utcnow().strftime("%Y-%m"):
        reads = 0  # the snapshot is from an earlier month: this month has not been read from yet
    return BudgetView(
        limit=_int_or_none(state.get("limit")),
        remaining=_int_or_none(state.get("remaining")),
        reset_at=_time_or_none(state.get("reset_at")),
        reads_this_month=reads,
        monthly_read_cap=_int_or_none(state.get("monthly_read_cap")) or configured_cap,
    )


def _short(text: str | None) -> str | None:
    if not text:
        return None
    return text if len(text) <= ERROR_SHOWN_CHARS else text[: ERROR_SHOWN_CHARS - 1] + "…"


def account_view(account: AccountSettings, cursor: PollCursorRow | None) -> AccountView:
    budget = budget_view(cursor.budget if cursor else None, configured_cap=account.monthly_read_cap)
    raw = cursor.last_outcome if cursor and cursor.last_outcome else "never"
    paused = bool(cursor and cursor.paused)
    now = utcnow()
    retry_at = budget.reset_at if raw == "rate_limited" and budget.reset_at and budget.reset_at > now else None
    if paused:
        outcome, label = "paused", "paused"
    elif not account.enabled:
        outcome, label = "disabled", "disabled in config"
    elif raw == "never":
        outcome, label = raw, "not polled yet"
    else:
        outcome, label = raw, OUTCOME_LABELS.get(raw, raw.replace("_", " "))
    return AccountView(
        name=account.name, platform=account.platform, handle=account.handle, enabled=account.enabled,
        sandbox=account.sandbox, last_poll_at=cursor.last_poll_at if cursor else None, outcome=outcome,
        outcome_label=label, retry_at=retry_at, last_error=_short(cursor.last_error if cursor else None),
        last_fetched=cursor.last_fetched if cursor else 0, total_fetched=cursor.total_fetched if cursor else 0,
        cursor=cursor.since_id if cursor else None, paging=bool(cursor and cursor.paging_token),
        paused=paused, paused_reason=_short(cursor.paused_reason if cursor else None), budget=budget,
        credential_envs=tuple(sorted(set(account.credentials.values()))),
    )


def account_views(*, session: Session, settings: Settings) -> list[AccountView]:
    """Every configured account, in config order, with what its last poll saved."""
    names = [a.name for a in settings.accounts]
    cursors = {
        row.account: row
        for row in session.exec(select(PollCursorRow).where(col(PollCursorRow.account).in_(names))).all()
    } if names else {}
    return [account_view(a, cursors.get(a.name)) for a in settings.accounts]


def paused_accounts(*, session: Session, settings: Settings) -> list[AccountView]:
    """Configured accounts whose polling is stopped (credentials refused), for the queue's banner."""
    names = [a.name for a in settings.accounts]
    if not names:
        return []
    rows = session.exec(
        select(PollCursorRow).where(col(PollCursorRow.account).in_(names), col(PollCursorRow.paused).is_(True))
    ).all()
    by_name = {row.account: row for row in rows}
    return [account_view(a, by_name[a.name]) for a in settings.accounts if a.name in by_name]


def configured(settings: Settings, name: str) -> AccountSettings | None:
    for account in settings.accounts:
        if account.name == name:
            return account
    return None
