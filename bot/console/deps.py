"""Request-scoped helpers for the console routes: state, sessions, the signed-in user, CSRF.

Pages and the JSON API share one session cookie; pages send their CSRF token
in a form field, scripts in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Form, Header, Request
from fastapi.templating import Jinja2Templates
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.console.auth import CSRF_HEADER, SESSION_COOKIE, StaffUser, get_active_user, read_session_cookie
from bot.console.auth import tokens_match as _tokens_match
from bot.storage.tables import utcnow

logger = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).parent / "templates"


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this (or the CSRF token is wrong)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class ConsoleState:
    settings: Settings
    engine: Engine
    serializer: URLSafeTimedSerializer
    templates: Jinja2Templates
    started_at: datetime = field(default_factory=utcnow)
    secure_cookies: bool = False


def state_of(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.console
    return state


StateDep = Annotated[ConsoleState, Depends(state_of)]


def db_session(state: StateDep) -> Iterator[Session]:
    """A read session; writes use ``session_scope`` so that they commit in one place."""
    with Session(state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(db_session)]


def current_user(request: Request, state: StateDep) -> StaffUser:
    found = read_session_cookie(
        state.serializer,
        request.cookies.get(SESSION_COOKIE),
        max_age_seconds=state.settings.console.session_max_age_hours * 3600,
    )
    if found is None:
        raise LoginRequired()
    username, csrf = found
    with Session(state.engine) as session:
        row = get_active_user(session=session, username=username)
        if row is None:
            raise LoginRequired()
        user = StaffUser(username=row.username, role=row.role, csrf_token=csrf)
    request.state.user = user
    return user


UserDep = Annotated[StaffUser, Depends(current_user)]


def require_admin(user: UserDep) -> StaffUser:
    if not user.is_admin:
        raise Forbidden("This page is for admins.")
    return user


AdminDep = Annotated[StaffUser, Depends(require_admin)]


def csrf_form(user: UserDep, csrf_token: Annotated[str, Form()] = "") -> StaffUser:
    """The signed-in user, after checking the form's CSRF token."""
    if not _tokens_match(user.csrf_token, csrf_token):
        raise Forbidden("This form has expired or did not come from the console. Reload the page and try again.")
    return user


def csrf_header(
    user: UserDep, x_csrf_token: Annotated[str | None, Header(alias=CSRF_HEADER)] = None
) -> StaffUser:
    """The signed-in user, after checking the X-CSRF-Token header of a script's request."""
    if not _tokens_match(user.csrf_token, x_csrf_token):
        raise Forbidden(f"missing or wrong {CSRF_HEADER} header")
    return user


FormUserDep = Annotated[StaffUser, Depends(csrf_form)]
ApiUserDep = Annotated[StaffUser, Depends(csrf_header)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> Any:
    """Render a page with what every page needs (user, settings, current path)."""
    state = state_of(request)
    base = {
        "user": getattr(request.state, "user", None),
        "console": state.settings.console,
        "path": request.url.path,
        "now": utcnow(),
    }
    return state.templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def admin_form(user: FormUserDep) -> StaffUser:
    """An admin, after checking the form's CSRF token."""
    if not user.is_admin:
        raise Forbidden("This page is for admins.")
    return user


AdminFormDep = Annotated[StaffUser, Depends(admin_form)]


def api_admin(user: ApiUserDep) -> StaffUser:
    """An admin, after checking the X-CSRF-Token header."""
    if not user.is_admin:
        raise Forbidden("only admins may do this")
    return user


ApiAdminDep = Annotated[StaffUser, Depends(api_admin)]
