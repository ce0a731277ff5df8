"""Admin pages (users, settings with secrets masked, retraining) and the API's own docs.

The API docs are rendered here from FastAPI's OpenAPI schema, so that they
work offline and sit behind the sign-in like everything else.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import col, func, select

from bot.console.auth import AccountError, create_user, list_users
from bot.console.auth_tables import ROLES, ConsoleUserRow
from bot.console.deps import AdminDep, AdminFormDep, Forbidden, SessionDep, StateDep, UserDep, render
from bot.errors import ConflictError, NotFound
from bot.storage.engine import session_scope
from bot.storage.repo import audit
from bot.storage.tables import TrainingLabelRow

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
MASK = "•••••• (hidden)"
SECRET_WORDS = ("secret", "password", "token", "passwd", "api_key", "apikey", "private")


def mask_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return MASK


def masked(value: Any, key: str = "") -> Any:
    """A copy of the settings with every secret-looking value replaced."""
    lowered = key.lower()
    if isinstance(value, dict):
        if lowered == "credentials":
            return {
                name: f"from ${env} ({'set' if os.environ.get(str(env)) else 'not set'})"
                for name, env in value.items()
            }
        return {k: masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    if lowered == "url" and isinstance(value, str) and "://" in value:
        return mask_url(value)
    if lowered.endswith("_env") and isinstance(value, str):
        return f"${value} ({'set' if os.environ.get(value) else 'not set'})"
    if any(word in lowered for word in SECRET_WORDS) and value not in (None, ""):
        return MASK
    return value


@router.get("/admin/users")
def users_page(request: Request, _admin: AdminDep, session: SessionDep) -> Response:
    return render(request, "users.html", {
        "users": list_users(session=session), "roles": ROLES, "error": "",
        "created": request.query_params.get("created", "")[:100],
    })


@router.post("/admin/users")
def add_user(
    request: Request, admin: AdminFormDep, state: StateDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    role: Annotated[str, Form()] = "reviewer",
) -> Response:
    try:
        with session_scope(state.engine) as session:
            create_user(session=session, username=username.strip(), password=password, role=role)
            audit(session=session, actor=admin.username, action="user_add", subject=f"user:{username}",
                  detail=f"role {role}")
    except (AccountError, ConflictError) as exc:
        with session_scope(state.engine) as session:
            users = list_users(session=session)
        return render(request, "users.html", {"users": users, "roles": ROLES, "error": str(exc),
                                              "created": ""}, status_code=400)
    return RedirectResponse(f"/admin/users?created={username.strip()}", status_code=303)


@router.post("/admin/users/{username}/active")
def set_active(
    admin: AdminFormDep, state: StateDep, username: str, active: Annotated[str, Form()] = "0",
) -> Response:
    if username == admin.username:
        raise Forbidden("You cannot deactivate your own account.")
    with session_scope(state.engine) as session:
        row = session.exec(select(ConsoleUserRow).where(ConsoleUserRow.username == username)).first()
        if row is None:
            raise NotFound(f"there is no user {username[:100]!r}")
        row.active = active == "1"
        session.add(row)
        audit(session=session, actor=admin.username, action="user_active" if row.active else "user_inactive",
              subject=f"user:{username}")
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/settings")
def settings_page(request: Request, _admin: AdminDep, state: StateDep) -> Response:
    data = masked(state.settings.model_dump(mode="json"))
    sections = {key: json.dumps(value, indent=2, ensure_ascii=False) for key, value in data.items()}
    return render(request, "settings.html", {"sections": sections})


@router.get("/admin/training")
def training_page(request: Request, _admin: AdminDep, session: SessionDep) -> Response:
    counts = session.exec(
        select(TrainingLabelRow.intent, func.count(col(TrainingLabelRow.id))).group_by(TrainingLabelRow.intent)
    ).all()
    latest = session.exec(select(TrainingLabelRow).order_by(col(TrainingLabelRow.id).desc()).limit(20)).all()
    return render(request, "training.html", {"counts": dict(counts), "latest": latest})


@router.get("/admin/training/labels.jsonl")
def labels_export(_admin: AdminDep, session: SessionDep) -> Response:
    rows = session.exec(select(TrainingLabelRow).order_by(col(TrainingLabelRow.id))).all()
    body = "".join(
        json.dumps({"text": r.text, "intent": r.intent, "labelled_by": r.labelled_by}, ensure_ascii=False) + "\n"
        for r in rows
    )
    return Response(body, media_type="application/x-ndjson",
                    headers={"Content-Disposition": 'attachment; filename="reviewed-labels.jsonl"'})


@router.get("/openapi.json")
def openapi_json(request: Request, _user: UserDep) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def api_docs(request: Request, _user: UserDep) -> Response:
    schema = request.app.openapi()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            operations.append({
                "path": path, "method": method.upper(), "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": operation.get("parameters", []),
                "body": _body_schema(operation),
                "responses": {code: r.get("description", "") for code, r in operation.get("responses", {}).items()},
            })
    return render(request, "api_docs.html", {"operations": operations, "info": schema.get("info", {}),
                                             "schemas": schema.get("components", {}).get("schemas", {})})


def _body_schema(operation: dict[str, Any]) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        return str(ref.rsplit("/", 1)[-1])
    return ""
