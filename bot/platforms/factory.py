"""Build the connector for an account, by platform."""

from __future__ import annotations

from bot.config import AccountSettings
from bot.errors import ConfigError
from bot.platforms.base import Connector
from bot.platforms.budget import RequestBudget


def make_connector(account: AccountSettings, *, budget: RequestBudget, timeout: float = 10.0) -> Connector:
    """The X or Mastodon connector for ``account`` (imported lazily: each pulls in its client library)."""
    if account.platform == "x":
        from bot.platforms.x import XConnector

        return XConnector.from_settings(account, budget=budget, timeout=timeout)
    if account.platform == "mastodon":
        from bot.platforms.mastodon import MastodonConnector

        return MastodonConnector.from_settings(account, budget=budget, timeout=timeout)
    raise ConfigError(f"unknown platform {account.platform!r}", key=f"accounts.{account.name}.platform")
