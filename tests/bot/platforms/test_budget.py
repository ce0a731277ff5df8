from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import RateLimited
from bot.platforms.base import RateBudget
from bot.platforms.budget import RequestBudget


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


def test_monthly_read_cap() -> None:
    budget = RequestBudget(account="a", monthly_read_cap=3)
    for _ in range(3):
        budget.check("read")
        budget.record("read", None)
    with pytest.raises(RateLimited, match="monthly read cap"):
        budget.check("read")
    budget.check("write")


def test_snapshot_round_trip() -> None:
    budget = RequestBudget(account="a", monthly_read_cap=100)
    budget.record("read", RateBudget(limit=75, remaining=70, reset_at=datetime.now(UTC)))
    copy = RequestBudget(account="a", monthly_read_cap=100, state=budget.snapshot())
    assert copy.snapshot() == budget.snapshot()
