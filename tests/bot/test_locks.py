from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import DatabaseLocked
from bot.locks import lock_path_for, worker_lock


def test_second_worker_on_the_same_sqlite_file_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    with worker_lock(url):
        code = (
            "import sys; from bot.locks import worker_lock\n"
            "from bot.errors import DatabaseLocked\n"
            f"try:\n    with worker_lock({url!r}): pass\nexcept DatabaseLocked as e:\n    print(e); sys.exit(3)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert "only one worker" in proc.stdout and "PostgreSQL" in proc.stdout
    with worker_lock(url):  # free again once the holder let go
        pass


def test_in_process_second_lock_also_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    with worker_lock(url), pytest.raises(DatabaseLocked), worker_lock(url):
        pass


def test_postgres_needs_no_file_lock() -> None:
    assert lock_path_for("postgresql://u@127.0.0.1/db") is None
    with worker_lock("postgresql://u@127.0.0.1/db"):
        pass
