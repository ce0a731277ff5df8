"""Run real `parley` processes from tests and watch what they log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def write_config(path: Path, *, database_url: str, accounts: list[dict[str, Any]], **extra: Any) -> Path:
    data: dict[str, Any] = {
        "database": {"url": database_url},
        "accounts": accounts,
        "scheduler": {"publish_interval_seconds": 0.5, "process_interval_seconds": 0.5,
                      "inflight_grace_seconds": 1},
    }
    data.update(extra)
    path.write_text(yaml.safe_dump(data))
    return path


class ParleyProcess:
    """`python -m bot.cli ...` in a subprocess, with its log collected line by line."""

    def __init__(self, config: Path, *args: str, cwd: Path) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.pop("PARLEY_DATABASE_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "--config", str(config), *args],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for_log(self, needle: str, timeout: float = 60) -> None:
        wait_until(lambda: any(needle in line for line in self.lines), timeout,
                   f"{needle!r} in the log", self)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, process: ParleyProcess | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process is not None and process.proc.poll() is not None:
            raise AssertionError(f"parley exited ({process.proc.returncode}) waiting for {what}:\n{process.log()}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f":\n{process.log()}" if process else ""))
