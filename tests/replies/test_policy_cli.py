"""`parley policy check` end to end: through Typer's CliRunner and through the real `parley` script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.cli

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def _commands_registered() -> None:
    if not any(group.name == "policy" for group in bot.cli.app.registered_groups):
        bot.cli._register_all()


def _jsonl(tmp_path: Path, rows: list[object], name: str = "replies.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_single_text_refused_exits_1_with_reasons() -> None:
    result = runner.invoke(bot.cli.app, ["policy", "check", "Pls DM us ur acc no."])
    assert result.exit_code == 1
    assert result.stdout.strip() == "✗ refused: asks the customer for their account number"


def test_single_text_allowed_exits_0() -> None:
    result = runner.invoke(bot.cli.app, ["policy", "check", "No account number needed, just your name"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "✓ allowed"


def test_single_text_json_with_customer_text() -> None:
    result = runner.invoke(
        bot.cli.app,
        ["policy", "check", "--json", "--customer-text", "ring me on 07700 900123", "Ringing 07700900123 now"],
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "allowed": False,
        "reasons": ["repeats the phone number the customer posted publicly"],
    }


def test_file_gives_one_verdict_per_line_in_order(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path,
        [
            {"text": "DM us your PIN"},
            {"text": "£25 a month for 900 Mbps"},
            {"text": "Thanks! We'll call 07700 900123", "customer_text": "my mob 07700 900123"},
            {"text": "What's your postcode?", "customer_text": None},
        ],
    )
    result = runner.invoke(bot.cli.app, ["policy", "check", "--file", str(path), "--json"])
    assert result.exit_code == 1
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert verdicts == [
        {"allowed": False, "reasons": ["asks the customer for their PIN"]},
        {"allowed": True, "reasons": []},
        {"allowed": False, "reasons": ["repeats the phone number the customer posted publicly"]},
        {"allowed": True, "reasons": []},
    ]


def test_file_from_stdin() -> None:
    rows = '{"text": "Pop your postcode in a DM"}\n{"text": "whats ur acc no"}\n'
    result = runner.invoke(bot.cli.app, ["policy", "check", "--file", "-", "--json"], input=rows)
    assert result.exit_code == 1
    assert [json.loads(line)["allowed"] for line in result.stdout.splitlines()] == [True, False]


def test_file_all_allowed_exits_0_and_reads_friendly(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [{"text": "Call 0800 123 456"}, {"text": "Your PIN is yours alone"}])
    result = runner.invoke(bot.cli.app, ["policy", "check", "--file", str(path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["line 1: ✓ allowed", "line 2: ✓ allowed", "2 allowed, 0 refused"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "fine"}\n{"text": oops}\n', "line 2: not valid JSON"),
        ('{"text": "fine"}\n\n["a list"]\n', "line 3: expected an object"),
        ('{"txt": "typo"}\n', 'line 1: "text" must be a string and is missing'),
        ('{"text": "hi", "customer_text": 5}\n', 'line 1: "customer_text" must be a string'),
    ],
)
def test_malformed_line_is_a_clear_error_naming_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(bot.cli.app, ["policy", "check", "--file", str(path), "--json"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""  # nothing half-checked is printed
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_missing_file_and_missing_text_are_clear_errors(tmp_path: Path) -> None:
    result = runner.invoke(bot.cli.app, ["policy", "check", "--file", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "nope.jsonl: no such file" in result.stderr
    result = runner.invoke(bot.cli.app, ["policy", "check"])
    assert result.exit_code == 2
    assert "give either a TEXT" in result.stderr


def test_pii_command_shows_spans_and_redaction() -> None:
    result = runner.invoke(bot.cli.app, ["policy", "pii", "--json", "text me 07700 900123"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "pii": [{"label": "PHONE", "start": 8, "end": 20, "text": "07700 900123"}],
        "redacted": "text me [phone]",
    }


def _parley_script() -> str:
    beside_python = Path(sys.executable).with_name("parley")
    found = str(beside_python) if beside_python.exists() else shutil.which("parley")
    if found is None:
        pytest.fail("the `parley` console script is not installed (pip install -e .)")
    return found


def test_real_parley_script_checks_a_file_and_reports_bad_lines(tmp_path: Path) -> None:
    good = _jsonl(tmp_path, [{"text": "DM us your a/c no"}, {"text": "No account number needed"}])
    done = subprocess.run(
        [_parley_script(), "policy", "check", "--file", str(good), "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1, done.stderr
    assert [json.loads(line)["allowed"] for line in done.stdout.splitlines()] == [False, True]

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\nnot json\n', encoding="utf-8")
    done = subprocess.run(
        [_parley_script(), "policy", "check", "--file", str(bad), "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert "line 2: not valid JSON" in done.stderr
    assert "Traceback" not in done.stderr
