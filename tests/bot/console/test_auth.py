"""Sign-in, sessions, CSRF, throttling and roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.console.auth import SESSION_COOKIE, throttle_wait
from bot.console.auth_tables import ConsoleUserRow, LoginAttemptRow
from bot.storage.engine import session_scope
from bot.storage.tables import utcnow
from tests.bot.console.conftest import csrf_of, login
from tests.bot.console.seeding import Seeded


def test_pages_and_api_need_a_session(app: FastAPI, seeded: Seeded) -> None:
    client = TestClient(app)
    page = client.get("/queue", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    for path in ("/api/queue", f"/api/drafts/{seeded.drafts['renewal']}", "/openapi.json"):
        assert client.get(path).status_code == 401
    assert client.get("/docs", follow_redirects=False).status_code == 303
    assert client.get("/health").json() == {"ok": True}
    assert client.get("/static/console.css").status_code == 200


def test_login_sets_a_safe_cookie_and_logout_clears_it(app: FastAPI, seeded: Seeded) -> None:
    client = TestClient(app)
    response = login(client, "sam", next_url="/overview")
    assert response.status_code == 303 and response.headers["location"] == "/overview"
    cookie = response.headers["set-cookie"].lower()
    assert SESSION_COOKIE in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/queue").status_code == 200
    out = client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_login_refuses_wrong_password_and_open_redirects(app: FastAPI, seeded: Seeded) -> None:
    client = TestClient(app)
    wrong = login(client, "sam", password="not the password")
    assert wrong.status_code == 401 and "do not match" in wrong.text
    ok = login(client, "sam", next_url="//evil.example/")
    assert ok.headers["location"] == "/queue"


def test_a_forged_cookie_is_not_a_session(app: FastAPI, seeded: Seeded) -> None:
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, "eyJ1IjoiYWRhIn0.forged.signature")
    assert client.get("/api/queue").status_code == 401


def test_login_form_needs_its_csrf_token(app: FastAPI, seeded: Seeded) -> None:
    client = TestClient(app)
    response = client.post("/login", data={"username": "sam", "password": "x", "login_csrf": "guess"})
    assert response.status_code == 403


def test_five_failures_lock_that_name_and_address(app: FastAPI, engine: Engine, seeded: Seeded) -> None:
    client = TestClient(app)
    for _ in range(5):
        assert login(client, "sam", password="wrong password!").status_code == 401
    blocked = login(client, "sam")  # even the right password waits now
    assert blocked.status_code == 429 and "Try again in 15 minutes" in blocked.text
    assert login(client, "ria").status_code == 303  # another name is not affected
    with session_scope(engine) as session:
        failures = session.exec(select(LoginAttemptRow).where(LoginAttemptRow.username == "sam")).all()
        assert len(failures) == 5
        later = utcnow() + timedelta(minutes=16)
        assert throttle_wait(session=session, username="sam", ip="testclient", now=later) is None
        assert throttle_wait(session=session, username="sam", ip="10.0.0.9") is None


def test_deactivated_user_loses_access_at_once(app: FastAPI, engine: Engine, sam: TestClient) -> None:
    assert sam.get("/queue").status_code == 200
    with session_scope(engine) as session:
        row = session.exec(select(ConsoleUserRow).where(ConsoleUserRow.username == "sam")).one()
        row.active = False
        session.add(row)
    assert sam.get("/queue", follow_redirects=False).status_code == 303


def test_forms_without_the_csrf_token_are_refused(sam: TestClient, seeded: Seeded) -> None:
    draft = seeded.drafts["renewal"]
    response = sam.post(f"/drafts/{draft}/reject", data={"version": "1", "reason": "spam", "csrf_token": "nope"})
    assert response.status_code == 403 and "expired" in response.text
    api = sam.post(f"/api/drafts/{draft}/reject", json={"version": 1, "reason": "spam"})
    assert api.status_code == 403
    assert sam.get(f"/api/drafts/{draft}").json()["draft"]["status"] == "pending_review"


def test_admin_pages_are_for_admins(client_for: Callable[[str], TestClient]) -> None:
    reviewer, admin = client_for("sam"), client_for("ada")
    for path in ("/admin/users", "/admin/settings", "/admin/training"):
        assert reviewer.get(path).status_code == 403
        assert admin.get(path).status_code == 200
    token = csrf_of(admin)
    created = admin.post("/admin/users", data={"csrf_token": token, "username": "lee", "password": "a long secret!",
                                               "role": "reviewer"}, follow_redirects=False)
    assert created.status_code == 303
    assert "lee" in admin.get("/admin/users").text
    refused = reviewer.post("/admin/users", data={"csrf_token": csrf_of(reviewer), "username": "eve",
                                                  "password": "a long secret!", "role": "admin"})
    assert refused.status_code == 403


def test_every_route_but_login_health_and_static_needs_a_session(app: FastAPI, seeded: Seeded) -> None:
    from fastapi.routing import APIRoute

    client = TestClient(app)
    open_paths = {"/login", "/health"}
    checked = 0
    routes = []
    for entry in app.routes:  # included routers are kept as wrappers around the original router
        routes.extend(getattr(getattr(entry, "original_router", None), "routes", [entry]))
    for route in routes:
        if not isinstance(route, APIRoute) or route.path in open_paths:
            continue
        path = route.path.replace("{draft_id}", str(seeded.drafts["renewal"])).replace("{username}", "sam")
        for method in route.methods:
            response = client.request(method, path, follow_redirects=False)
            assert response.status_code in (303, 401), (method, path, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login")
            checked += 1
    assert checked >= 25


def test_usernames_are_not_case_sensitive_at_sign_in(app: FastAPI, seeded: Seeded) -> None:
    assert login(TestClient(app), "SAM").status_code == 303
