"""Fixtures for the console: an app on the shared ``engine`` fixture, seeded data, signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot.config import Settings, parse_config
from bot.console.app import create_app
from bot.storage.engine import session_scope
from tests.bot.console.seeding import PASSWORD, Seeded, add_staff, seed_queue

SECRET = "test-only-session-key-5b1f0c9e"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with small costs: the same code path, without seconds of hashing per test."""
    from argon2 import PasswordHasher

    from bot.console import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def settings() -> Settings:
    return parse_config({})


@pytest.fixture
def app(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    monkeypatch.setenv(settings.console.secret_key_env, SECRET)
    return create_app(settings, engine)


@pytest.fixture
def seeded(app: FastAPI, engine: Engine) -> Seeded:
    with session_scope(engine) as session:
        add_staff(session, name="sam")
        add_staff(session, name="ria")
        add_staff(session, name="ada", role="admin")
        return seed_queue(session)


def login(client: TestClient, name: str, password: str = PASSWORD, next_url: str = "/queue") -> object:
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token, page.text
    return client.post(
        "/login",
        data={"username": name, "password": password, "login_csrf": token.group(1), "next": next_url},
        follow_redirects=False,
    )


def csrf_of(client: TestClient) -> str:
    page = client.get("/queue")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
    assert found, "no CSRF token on the page: not signed in?"
    return found.group(1)


@pytest.fixture
def client_for(app: FastAPI, seeded: Seeded) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(name: str) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        response = login(client, name)
        assert getattr(response, "status_code", 0) == 303, getattr(response, "text", "")
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def sam(client_for: Callable[[str], TestClient]) -> TestClient:
    return client_for("sam")
