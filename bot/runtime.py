"""What a running Parley process holds: settings, database, budgets and connectors.

Connectors and budgets are made once per account and shared by that
account's poller and publisher, so that both draw on one request budget.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from bot.config import AccountSettings, Settings
from bot.platforms.base import Connector
from bot.platforms.budget import RequestBudget
from bot.storage import make_engine, session_scope
from bot.storage.repo import get_cursor

logger = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    worker: str = field(default_factory=worker_id)
    _budgets: dict[str, RequestBudget] = field(default_factory=dict)
    _connectors: dict[str, Connector] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        return cls(
            settings=settings,
            engine=make_engine(settings.database.url, busy_timeout_ms=settings.database.busy_timeout_ms),
        )

    def budget(self, account: AccountSettings) -> RequestBudget:
        with self._lock:
            budget = self._budgets.get(account.name)
            if budget is None:
                with session_scope(self.engine) as session:
                    state = dict(
                        get_cursor(session=session, account=account.name, platform=account.platform).budget
                    )
                budget = RequestBudget(
                    account=account.name,
                    platform=account.platform,
                    reserve_for_writes=self.settings.scheduler.reserve_requests_for_replies,
                    monthly_read_cap=account.monthly_read_cap,
                    state=state,
                )
                self._budgets[account.name] = budget
            return budget

    def connector(self, account: AccountSettings) -> Connector:
        from bot.platforms.factory import make_connector

        budget = self.budget(account)
        with self._lock:
            connector = self._connectors.get(account.name)
            if connector is None:
                connector = make_connector(account, budget=budget)
                self._connectors[account.name] = connector
            return connector

    def close(self) -> None:
        self.engine.dispose()
