"""The review console: a FastAPI app with server-rendered pages and a small JSON API.

Every failure a person can cause or meet (unknown draft, stale version, a
locked database, a bad form) gets a friendly page or a JSON error, never a
traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from bot.config import Settings
from bot.console import filters, policy
from bot.console.auth import make_serializer, resolve_secret_key
from bot.console.deps import TEMPLATES_DIR, ConsoleState, Forbidden, LoginRequired, render
from bot.errors import ConflictError, DatabaseLocked, NotFound, ParleyError, StorageError

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeaders(BaseHTTPMiddleware):
    """Headers that keep customer-written text inert even if escaping were ever missed."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_response(request: Request, status: int, title: str, message: str, **extra: Any) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message, **extra}, status_code=status)
    return render(
        request, "error.html", {"title": title, "message": message, "status": status}, status_code=status
    )


def _install_error_handlers(app: FastAPI) -> None:
    async def login_required(request: Request, _exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        target = request.url.path
        if request.url.query and request.method == "GET":
            target += "?" + request.url.query
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        message = exc.message if isinstance(exc, Forbidden) else "Not allowed."
        return error_response(request, 403, "Not allowed", message)

    async def not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, "Not found", str(exc) or "There is nothing here.")

    async def conflict(request: Request, exc: Exception) -> Response:
        return error_response(request, 409, "Already handled", str(exc))

    async def locked(request: Request, exc: Exception) -> Response:
        logger.warning("database busy while serving %s: %s", request.url.path, exc)
        return error_response(
            request, 503, "Busy for a moment",
            "The database is busy with other work right now. Wait a few seconds and try again; "
            "nothing you did was lost or sent twice.",
        )

    async def storage(request: Request, exc: Exception) -> Response:
        if isinstance(exc, DatabaseLocked) or "locked" in str(exc).lower():
            return await locked(request, exc)
        logger.error("database error while serving %s: %s", request.url.path, exc)
        return error_response(
            request, 503, "Database unavailable", "The database cannot be reached just now. Try again shortly."
        )

    async def parley_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 400, "Cannot do that", str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return error_response(request, 404, "Not found", "There is no page at this address.")
        if exc.status_code == 405:
            return error_response(request, 405, "Not allowed", "This address does not accept that request.")
        return error_response(request, exc.status_code, "Request failed", str(exc.detail))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return error_response(
            request, 422, "Could not read that request", "; ".join(problems), errors=problems
        )

    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error serving %s", request.url.path, exc_info=exc)
        return error_response(
            request, 500, "Something went wrong",
            "The console hit an unexpected problem. It has been logged; please try again.",
        )

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(ConflictError, conflict)
    app.add_exception_handler(DatabaseLocked, locked)
    app.add_exception_handler(StorageError, storage)
    app.add_exception_handler(OperationalError, storage)
    app.add_exception_handler(ParleyError, parley_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, unexpected)


def create_app(settings: Settings, engine: Engine) -> FastAPI:
    """Build the console for ``settings`` on ``engine`` (used by `parley serve`, `run` and `demo`)."""
    from bot.console.routes import accounts, admin, api, auth_pages, pages

    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    filters.install(templates.env)
    templates.env.globals["our_handle"] = lambda account: policy.our_handle(settings, account)
    state = ConsoleState(
        settings=settings,
        engine=engine,
        serializer=make_serializer(resolve_secret_key(settings)),
        templates=templates,
    )
    app = FastAPI(
        title="Parley review console",
        description="Review, edit, approve and reject drafted replies. Every route needs a signed-in session; "
        "POST requests from scripts send the session's CSRF token in the X-CSRF-Token header.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.console = state
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(auth_pages.router)
    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(accounts.router)
    app.include_router(api.router)
    app.include_router(accounts.api_router)
    _install_error_handlers(app)
    return app
