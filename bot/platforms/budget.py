"""One request budget per account, shared by its poller and its publisher.

The network's rate-limit headers say how many requests remain until a reset.
Reads (polls) stop while only a reserve is left, so that polling never
starves replies; a monthly read cap (X's paid tiers) is counted here too.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from bot.errors import RateLimited
from bot.platforms.base import RateBudget

logger = logging.getLogger(__name__)

RequestKind = Literal["read", "write"]
PACE_SLACK = 0.02  # share of the monthly cap that may be read ahead of an even pace


def _now() -> datetime:
    return datetime.now(UTC)


class RequestBudget:
    """Thread-safe view of one account's remaining requests."""

    def __init__(
        self,
        *,
        account: str,
        platform: str = "",
        reserve_for_writes: int = 2,
        monthly_read_cap: int | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        self.account = account
        self.platform = platform
        self.reserve_for_writes = reserve_for_writes
        self.monthly_read_cap = monthly_read_cap
        self._lock = threading.Lock()
        self._limit: int | None = None
        self._remaining: int | None = None
        self._reset_at: datetime | None = None
        self._month = _now().strftime("%Y-%m")
        self._reads_this_month = 0
        if state:
            self.restore(state)

    def _current_month_reads(self) -> int:
        month = _now().strftime("%Y-%m")
        if month != self._month:
            self._month = month
            self._reads_this_month = 0
        return self._reads_this_month

    def check(self, kind: RequestKind) -> None:
        """Raise RateLimited if a request of this kind must wait."""
        with self._lock:
            now = _now()
            if self._reset_at is not None and now >= self._reset_at:
                self._remaining = self._limit
                self._reset_at = None
            floor = self.reserve_for_writes if kind == "read" else 0
            if self._remaining is not None and self._remaining <= floor:
                raise RateLimited(
                    f"{self.account}: {self._remaining} requests left until the reset"
                    + (" (kept for replies)" if kind == "read" and self._remaining > 0 else ""),
                    reset_at=self._reset_at,
                    platform=self.platform,
                    account=self.account,
                )
            if kind == "read" and self.monthly_read_cap is not None:
                self._check_monthly_pace(now)

    def _check_monthly_pace(self, now: datetime) -> None:
        """Spread the monthly read cap evenly: never read ahead of the month's pace.

        X counts every post received against the cap. Reads may run ahead of
        an even pace by a small slack; past it, polling waits until the
        month's elapsed share of the cap catches up.
        """
        cap = self.monthly_read_cap
        assert cap is not None
        used = self._current_month_reads()
        if used >= cap:
            raise RateLimited(
                f"{self.account}: monthly read cap of {cap} reached",
                reset_at=_next_month(now), platform=self.platform, account=self.account,
            )
        start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        month_seconds = (_next_month(now) - start).total_seconds()
        slack = max(1.0, cap * PACE_SLACK)
        allowed = cap * (now - start).total_seconds() / month_seconds + slack
        if used >= allowed:
            catch_up = start + timedelta(seconds=(used - slack + 1) / cap * month_seconds)
            raise RateLimited(
                f"{self.account}: {used} of {cap} reads used this month; pacing polls so the cap lasts "
                f"the month",
                reset_at=catch_up, platform=self.platform, account=self.account,
            )

    def record(self, kind: RequestKind, budget: RateBudget | None, *, reads: int = 1) -> None:
        """Note a request made and what the server said about the rest."""
        with self._lock:
            if kind == "read":
                self._current_month_reads()
                self._reads_this_month += reads
            if budget is None:
                if self._remaining is not None:
                    self._remaining = max(0, self._remaining - 1)
                return
            if budget.limit is not None:
                self._limit = budget.limit
            if budget.remaining is not None:
                self._remaining = budget.remaining
            if budget.reset_at is not None:
                self._reset_at = budget.reset_at

    def exhausted_until(self, reset_at: datetime | None) -> None:
        """A 429 arrived: nothing more until ``reset_at``."""
        with self._lock:
            self._remaining = 0
            self._reset_at = reset_at

    @property
    def reads_this_month(self) -> int:
        with self._lock:
            return self._current_month_reads()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "limit": self._limit,
                "remaining": self._remaining,
                "reset_at": self._reset_at.isoformat() if self._reset_at else None,
                "month": self._month,
                "reads_this_month": self._reads_this_month,
                "monthly_read_cap": self.monthly_read_cap,
            }

    def restore(self, state: dict[str, Any]) -> None:
        with self._lock:
            self._limit = state.get("limit")
            self._remaining = state.get("remaining")
            reset = state.get("reset_at")
            self._reset_at = datetime.fromisoformat(reset) if reset else None
            if state.get("month") == _now().strftime("%Y-%m"):
                self._reads_this_month = int(state.get("reads_this_month") or 0)


def _next_month(now: datetime) -> datetime:
    if now.month == 12:
        return now.replace(year=now.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return now.replace(month=now.month + 1, day=1, hour=0, minute=0, second=0, microsecond=0)
