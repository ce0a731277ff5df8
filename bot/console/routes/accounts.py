"""The Accounts page and its JSON twin: polling health and request budgets per account.

Everyone may look; only admins may resume an account that was paused after
its credentials were refused. Resuming goes through ``bot.polling.resume_account``,
the same function an operator's code would call, so the audit trail is one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from bot.console.accounts import AccountView, account_views, configured
from bot.console.deps import AdminFormDep, ApiAdminDep, SessionDep, StateDep, UserDep, render
from bot.errors import NotFound
from bot.polling import resume_account

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["accounts"])

NOTICES = {
    "resumed": "Polling {account} again: it starts on the account's next poll.",
    "not_paused": "{account} was not paused (perhaps a colleague resumed it already).",
}


class BudgetOut(BaseModel):
    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    reads_this_month: int
    monthly_read_cap: int | None


class AccountOut(BaseModel):
    name: str
    platform: str
    handle: str
    enabled: bool
    sandbox: bool
    last_poll_at: datetime | None
    last_outcome: str
    rate_limited_until: datetime | None
    last_error: str | None
    last_fetched: int
    total_fetched: int
    cursor: str | None
    paging: bool
    paused: bool
    paused_reason: str | None
    budget: BudgetOut


class AccountsOut(BaseModel):
    accounts: list[AccountOut]


class ResumeOut(BaseModel):
    account: str
    resumed: bool
    paused: bool


def _account_out(view: AccountView) -> AccountOut:
    b = view.budget
    return AccountOut(
        name=view.name, platform=view.platform, handle=view.handle, enabled=view.enabled, sandbox=view.sandbox,
        last_poll_at=view.last_poll_at, last_outcome=view.outcome, rate_limited_until=view.retry_at,
        last_error=view.last_error, last_fetched=view.last_fetched, total_fetched=view.total_fetched,
        cursor=view.cursor, paging=view.paging, paused=view.paused, paused_reason=view.paused_reason,
        budget=BudgetOut(limit=b.limit, remaining=b.remaining, reset_at=b.reset_at,
                         reads_this_month=b.reads_this_month, monthly_read_cap=b.monthly_read_cap),
    )


def _known(state: StateDep, name: str) -> str:
    account = configured(state.settings, name)
    if account is None:
        raise NotFound(f"there is no account {name[:100]!r} in the configuration")
    return account.name


@router.get("/accounts")
def accounts_page(
    request: Request, _user: UserDep, state: StateDep, session: SessionDep, notice: str = "", account: str = "",
) -> Response:
    views = account_views(session=session, settings=state.settings)
    message = ""
    if notice in NOTICES and configured(state.settings, account) is not None:
        message = NOTICES[notice].format(account=account)
    return render(request, "accounts.html", {
        "accounts": views, "paused": [v for v in views if v.paused], "notice": message,
    })


@router.post("/accounts/{name}/resume")
def resume_form(admin: AdminFormDep, state: StateDep, name: str) -> Response:
    account = _known(state, name)
    resumed = resume_account(state.engine, account, actor=admin.username)
    notice = "resumed" if resumed else "not_paused"
    return RedirectResponse(f"/accounts?notice={notice}&account={quote(account, safe='')}", status_code=303)


@api_router.get("/accounts", response_model=AccountsOut, summary="Accounts, last polls and request budgets")
def api_accounts(_user: UserDep, state: StateDep, session: SessionDep) -> AccountsOut:
    return AccountsOut(accounts=[_account_out(v) for v in account_views(session=session, settings=state.settings)])


@api_router.post("/accounts/{name}/resume", response_model=ResumeOut, summary="Resume a paused account (admin)",
                 responses={403: {"description": "not an admin, or no CSRF token"},
                            404: {"description": "no such account in the configuration"}})
def api_resume(admin: ApiAdminDep, state: StateDep, name: str) -> ResumeOut:
    account = _known(state, name)
    resumed = resume_account(state.engine, account, actor=admin.username)
    return ResumeOut(account=account, resumed=resumed, paused=False)
