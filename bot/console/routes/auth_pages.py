"""Sign-in and sign-out; the only pages reachable without a session (with static files and /health).

The login form has its own CSRF token (a cookie compared with a form field),
since there is no session yet to hold one.
"""

from __future__ import annotations

import logging
import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from bot.console.auth import SESSION_COOKIE, authenticate, new_session_cookie, throttle_wait, tokens_match
from bot.console.deps import FormUserDep, StateDep, client_ip, render
from bot.storage.engine import session_scope
from bot.storage.repo import audit

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "parley_login_csrf"
NOTICES = {"signed_out": "You are signed out."}


def safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/queue"
    return target


def _login_page(request: Request, *, error: str = "", next_url: str = "/queue",
                username: str = "", status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request, "login.html",
        {"error": error, "next_url": safe_next(next_url), "username": username, "login_csrf": token,
         "notice": NOTICES.get(request.query_params.get("notice", ""), "")},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", path="/login",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/health")
def health() -> JSONResponse:
    return JSONResponse({"ok": True})


@router.get("/login")
def login_form(request: Request, next: str = "/queue") -> Response:
    return _login_page(request, next_url=next)


@router.post("/login")
def login(
    request: Request,
    state: StateDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next_url: Annotated[str, Form(alias="next", max_length=500)] = "/queue",
    login_csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    username = username.strip()
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE, ""), login_csrf):
        return _login_page(request, error="The sign-in form expired. Please try again.",
                           next_url=next_url, username=username, status_code=403)
    if not username or not password:
        return _login_page(request, error="Enter your username and password.",
                           next_url=next_url, username=username, status_code=400)
    ip = client_ip(request)
    user = None
    with session_scope(state.engine) as session:
        wait = throttle_wait(session=session, username=username, ip=ip)
        if wait is None:
            user = authenticate(session=session, username=username, password=password, ip=ip)
            if user is not None:
                audit(session=session, actor=user.username, action="login", subject="console", detail=ip)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        return _login_page(
            request, status_code=429, next_url=next_url, username=username,
            error=f"Too many failed sign-ins for this name from your address. "
                  f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
        )
    if user is None:
        return _login_page(request, error="That username and password do not match.",
                           next_url=next_url, username=username, status_code=401)
    response = RedirectResponse(safe_next(next_url), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        new_session_cookie(state.serializer, username=user.username),
        max_age=int(state.settings.console.session_max_age_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(user: FormUserDep, state: StateDep) -> Response:
    with session_scope(state.engine) as session:
        audit(session=session, actor=user.username, action="logout", subject="console")
    response = RedirectResponse("/login?notice=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
