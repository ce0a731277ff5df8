"""User mistakes get one clear line and exit code 2 from the real `parley` script, never a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _parley(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def _assert_clean_failure(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    for fragment in fragments:
        assert fragment in proc.stderr, proc.stderr


def test_broken_yaml(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("accounts:\n  - name: x\n    platform: [x\n")
    _assert_clean_failure(_parley("--config", str(config), "status"), "config.yaml", "line")


def test_incomplete_account_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"accounts": [{"name": "x", "platform": "x", "handle": "h"}]}))
    _assert_clean_failure(_parley("--config", str(config), "status"), "accounts[0].base_url", "Field required")


def test_missing_credentials_name_the_variable(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'p.db'}"},
        "accounts": [{"name": "x-real", "platform": "x", "handle": "prov", "base_url": "http://127.0.0.1:9",
                      "credentials": {"consumer_key": "PARLEY_TEST_UNSET_KEY"}}],
    }))
    _assert_clean_failure(_parley("--config", str(config), "poll", "--no-process"), "PARLEY_TEST_UNSET")


def test_locked_database(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{db}", "busy_timeout_ms": 200},
        "accounts": [{"name": "x", "platform": "x", "handle": "prov", "base_url": "http://127.0.0.1:9",
                      "sandbox": True}],
    }))
    assert _parley("--config", str(config), "db", "upgrade").returncode == 0
    holder = sqlite3.connect(db)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        _assert_clean_failure(_parley("--config", str(config), "poll", "--no-process"), "locked")
    finally:
        holder.rollback()
        holder.close()


def test_unknown_account(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"database": {"url": f"sqlite:///{tmp_path / 'p.db'}"}}))
    _assert_clean_failure(_parley("--config", str(config), "poll", "--account", "nope"), "no account named 'nope'")


def test_console_port_in_use(tmp_path: Path) -> None:
    import socket

    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"database": {"url": f"sqlite:///{tmp_path / 'p.db'}"}, "accounts": []}))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        _assert_clean_failure(_parley("--config", str(config), "run", "--port", str(port)),
                              "console.port", "cannot listen")
