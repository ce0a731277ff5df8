"""The house rules hold: ruff-clean and mypy-clean, checked on every test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_clean() -> None:
    if shutil.which("ruff") is None and _run("ruff", "--version").returncode != 0:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    proc = _run("ruff", "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_clean(tmp_path: Path) -> None:
    proc = _run("mypy", "--cache-dir", str(tmp_path / "mypy"), "bot", "intents", "replies")
    assert proc.returncode == 0, proc.stdout + proc.stderr
