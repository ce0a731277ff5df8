"""Settings masking, the API docs, charts, highlighting and the `parley user` / `serve` commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.config import parse_config
from bot.console import charts, filters
from bot.console.app import create_app
from bot.console.auth import hash_password
from bot.storage.engine import session_scope
from tests.bot.console.conftest import SECRET, login
from tests.bot.console.seeding import add_staff

CREDENTIAL = "xoxo-very-secret-bearer-9c1d"


def test_settings_page_masks_every_secret(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_SECRET_KEY", SECRET)
    monkeypatch.setenv("PARLEY_X_BEARER", CREDENTIAL)
    settings = parse_config({
        "database": {"url": "postgresql://parley:db-pass-77@db.internal/parley"},
        "accounts": [{"name": "x-main", "platform": "x", "handle": "parleytelecom", "base_url": "http://127.0.0.1:9",
                      "credentials": {"bearer_token": "PARLEY_X_BEARER", "api_secret": "PARLEY_X_SECRET"}}],
    })
    app = create_app(settings, engine)
    with session_scope(engine) as session:
        add_staff(session, name="ada", role="admin")
    client = TestClient(app)
    login(client, "ada")
    html = client.get("/admin/settings").text
    assert "PARLEY_X_BEARER (set)" in html and "PARLEY_X_SECRET (not set)" in html
    assert "PARLEY_SECRET_KEY (set)" in html
    for page in ("/admin/settings", "/queue", "/overview", "/admin/users", "/docs", "/openapi.json"):
        body = client.get(page).text
        assert CREDENTIAL not in body and SECRET not in body and "db-pass-77" not in body, page


def test_api_docs_are_local_and_list_the_api(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_SECRET_KEY", SECRET)
    app = create_app(parse_config({}), engine)
    with session_scope(engine) as session:
        add_staff(session, name="sam")
    client = TestClient(app)
    login(client, "sam")
    docs = client.get("/docs").text
    for path in ("/api/queue", "/api/drafts/{draft_id}/approve", "/api/guard/check"):
        assert f"<code>{path}</code>" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs
    schema = client.get("/openapi.json").json()
    assert "/api/drafts/{draft_id}/reject" in schema["paths"]


def test_random_session_key_is_logged_but_never_shown(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("PARLEY_SECRET_KEY", raising=False)
    with caplog.at_level("WARNING"):
        create_app(parse_config({}), engine)
    assert "sessions will not survive a restart" in caplog.text


def test_highlight_escapes_text_and_ignores_bad_spans() -> None:
    text = "<b>call</b> 0770 & LS1"
    out = filters.highlight(text, [{"label": "PHONE", "start": 12, "end": 16}, {"label": "X", "start": 90, "end": 99}],
                            [{"label": '"><script>', "start": 19, "end": 22}, {"label": "DUP", "start": 13, "end": 15}])
    assert isinstance(out, Markup)
    assert out.startswith("&lt;b&gt;call&lt;/b&gt; ")
    assert '<mark class="pii" title="Personal data: phone">0770<span class="tag">phone</span></mark>' in out
    assert "&#34;&gt;&lt;script&gt;" in out and "<script>" not in out
    assert out.count("<mark") == 2


def test_charts_are_svg_with_titles_and_escaped_labels() -> None:
    svg = charts.stacked_bars(["1 Nov", "<2 Nov>"], {"complaint": [3, 1], "renewal": [0, 2]}, title="A & B",
                              unit="posts")
    assert svg.startswith('<svg class="chart"') and "<title>A &amp; B</title>" in svg
    assert "&lt;2 Nov&gt;" in svg and svg.count("<rect") == 3
    line = charts.line_chart(["a", "b", "c"], [5.0, None, 7.0], title="Median", unit="minutes")
    assert line.count("<circle") == 2 and "<polyline" not in line  # a gap leaves single points


def test_user_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import _register_all, app

    db = tmp_path / "cli.db"
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: sqlite:///{db}\n", encoding="utf-8")
    monkeypatch.setenv("PARLEY_CONFIG", str(config))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    _register_all()
    runner = CliRunner()
    added = runner.invoke(app, ["user", "add", "ada", "--role", "admin", "--password-stdin"],
                          input="a very good password\n")
    assert added.exit_code == 0, added.output
    prompted = runner.invoke(app, ["user", "add", "sam"], input="another good one\nanother good one\n")
    assert prompted.exit_code == 0, prompted.output
    assert "another good one" not in prompted.output
    listed = runner.invoke(app, ["user", "list"])
    assert re.search(r"ada\s+admin\s+active", listed.output) and re.search(r"sam\s+reviewer", listed.output)
    duplicate = runner.invoke(app, ["user", "add", "ADA", "--password-stdin"], input="a very good password\n")
    assert duplicate.exit_code == 2 and "already exists" in duplicate.output
    bad_role = runner.invoke(app, ["user", "add", "x1", "--role", "owner", "--password-stdin"], input="pw\n")
    assert bad_role.exit_code == 2
    assert "serve" in runner.invoke(app, ["--help"]).output
    assert hash_password("x").startswith("$argon2")
