"""One `parley run` per SQLite database: a second process says why and stops.

SQLite cannot share polling safely between processes (no advisory locks, no
SKIP LOCKED), so the process that holds this file lock is the only worker.
On PostgreSQL several workers share the work through advisory locks instead.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.errors import DatabaseLocked
from bot.storage.engine import normalise_url


def lock_path_for(database_url: str) -> Path | None:
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_suffix(Path(url.database).suffix + ".lock")


@contextmanager
def worker_lock(database_url: str) -> Iterator[None]:
    path = lock_path_for(database_url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise DatabaseLocked(
                f"another Parley worker (pid {holder}) is already polling and publishing with "
                f"{path.with_suffix('')}; on SQLite only one worker may run. Stop it first, "
                "or move to PostgreSQL to run several workers."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
