from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import RateLimited
from bot.platforms.base import RateBudget
from bot.platforms.budget import RequestBudget, _next_month


def test_reads_stop_at_the_reserve_but_writes_go_on() -> None:
    budget = RequestBudget(account="a", reserve_for_writes=2)
    reset = datetime.now(UTC) + timedelta(minutes=5)
    budget.record("read", RateBudget(limit=450, remaining=2, reset_at=reset))
    with pytest.raises(RateLimited) as err:
        budget.check("read")
    assert err.value.reset_at == reset
    budget.check("write")  # replies are never starved by polling


def test_exhausted_until_reset_then_refilled() -> None:
    budget = RequestBudget(account="a")
    budget.record("read", RateBudget(limit=10, remaining=5, reset_at=None))
    budget.exhausted_until(datetime.now(UTC) - timedelta(seconds=1))
    budget.check("read")  # the reset has passed: the window refills


def test_monthly_read_cap_is_paced_across_the_month() -> None:
    budget = RequestBudget(account="a", monthly_read_cap=100_000)
    budget.check("read")
    budget.record("read", None, reads=1_000)  # within the 2% slack
    budget.check("read")
    budget.record("read", None, reads=100_000)  # the whole month's reads at once
    with pytest.raises(RateLimited, match="monthly read cap") as err:
        budget.check("read")
    assert err.value.reset_at is not None and err.value.reset_at.day == 1
    budget.check("write")  # replies still go out


def test_reading_ahead_of_the_pace_waits() -> None:
    budget = RequestBudget(account="a", monthly_read_cap=1_000_000)
    now = datetime.now(UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elapsed = (now - month_start) / (_next_month(now) - month_start)
    budget.record("read", None, reads=min(999_999, int(1_000_000 * elapsed) + 30_000))
    with pytest.raises(RateLimited, match="pacing polls") as err:
        budget.check("read")
    assert err.value.reset_at is not None and err.value.reset_at > datetime.now(UTC)


def test_snapshot_round_trip() -> None:
    budget = RequestBudget(account="a", monthly_read_cap=100)
    budget.record("read", RateBudget(limit=75, remaining=70, reset_at=datetime.now(UTC)))
    copy = RequestBudget(account="a", monthly_read_cap=100, state=budget.snapshot())
    assert copy.snapshot() == budget.snapshot()
