"""Fixtures shared by the platform connector tests (X and Mastodon, in separate blocks)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import AccountSettings
from bot.platforms.budget import RequestBudget

# ---------------------------------------------------------------------------------------------
# X (Twitter API v2): a real sandbox server on 127.0.0.1 and a connector pointed at it.
# ---------------------------------------------------------------------------------------------
from bot.platforms.x import XConnector
from bot.platforms.x_sandbox import XSandbox


@pytest.fixture
def x_sandbox() -> Iterator[XSandbox]:
    with XSandbox(our_username="parleytelecom") as sandbox:
        yield sandbox


@pytest.fixture
def x_account(x_sandbox: XSandbox) -> AccountSettings:
    return AccountSettings(
        name="x-test", platform="x", handle="parleytelecom", base_url=x_sandbox.base_url, sandbox=True
    )


@pytest.fixture
def x_budget() -> RequestBudget:
    return RequestBudget(account="x-test", platform="x")


@pytest.fixture
def x_connector(x_account: AccountSettings, x_budget: RequestBudget) -> XConnector:
    return XConnector.from_settings(x_account, budget=x_budget, timeout=2)


# --- end of X fixtures -----------------------------------------------------------------------
