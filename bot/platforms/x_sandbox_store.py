"""The X sandbox's state: users and tweets in SQLite.

A file when a path is given, so that a sandbox process can outlive Parley
restarts (and a SIGKILLed Parley can reconcile against what was really
posted); an in-memory database otherwise. Ids are snowflake-like: they grow
with time and never repeat, even across sandbox restarts on the same file.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TWITTER_EPOCH_MS = 1288834974657
# X's mentions timeline only reaches back this far; older mentions are gone.
MENTIONS_HORIZON = 800

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_bot INTEGER NOT NULL DEFAULT 0,
    is_us INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tweets (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users(id),
    conversation_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'en',
    in_reply_to_user_id TEXT,
    ref_type TEXT,
    ref_id TEXT,
    mentions_us INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tweets_mentions ON tweets(mentions_us, id);
CREATE INDEX IF NOT EXISTS tweets_author ON tweets(author_id, id);
CREATE INDEX IF NOT EXISTS tweets_ref ON tweets(ref_type, ref_id);
"""


def snowflake_for(when_ms: int) -> int:
    return (when_ms - TWITTER_EPOCH_MS) << 22


def format_time(moment: datetime) -> str:
    """X's timestamp style: millisecond precision, Z suffix."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class StoredTweet:
    id: str
    text: str
    author_id: str
    conversation_id: str
    created_at: str
    lang: str
    in_reply_to_user_id: str | None
    ref_type: str | None
    ref_id: str | None


class SandboxStore:
    """All reads and writes of the sandbox, serialised by one lock."""

    def __init__(self, *, state_path: Path | None, our_username: str) -> None:
        self._lock = threading.Lock()
        target = str(state_path) if state_path else ":memory:"
        if state_path:
            state_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)
        self._last_id = 0
        self.our_username = our_username
        self.our_id = self.ensure_user(username=our_username, name="Parley Telecom", is_us=True)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def reset(self) -> None:
        """Forget every tweet and user except our own account."""
        with self._lock:
            self._db.execute("DELETE FROM tweets")
            self._db.execute("DELETE FROM users WHERE is_us = 0")

    def _next_id(self) -> int:
        row = self._db.execute(
            "SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM tweets UNION ALL "
            "SELECT MAX(CAST(id AS INTEGER)) FROM users)"
        ).fetchone()
        stored = int(row[0] or 0)
        candidate = max(snowflake_for(int(time.time() * 1000)), stored + 1, self._last_id + 1)
        self._last_id = candidate
        return candidate

    def ensure_user(
        self, *, username: str, name: str, description: str = "", is_bot: bool = False, is_us: bool = False
    ) -> str:
        """The user's id, creating the user (or refreshing name and bio) as needed."""
        with self._lock:
            row = self._db.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
            if row:
                if not is_us:
                    self._db.execute(
                        "UPDATE users SET name = ?, description = ?, is_bot = ? WHERE id = ?",
                        (name, description, int(is_bot), row["id"]),
                    )
                return str(row["id"])
            user_id = str(self._next_id())
            self._db.execute(
                "INSERT INTO users (id, username, name, description, is_bot, is_us) VALUES (?,?,?,?,?,?)",
                (user_id, username, name, description, int(is_bot), int(is_us)),
            )
            return user_id

    def user(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        return dict(row) if row else None

    def tweet(self, tweet_id: str) -> StoredTweet | None:
        if not tweet_id.isdigit():
            return None
        with self._lock:
            row = self._db.execute("SELECT * FROM tweets WHERE id = ?", (int(tweet_id),)).fetchone()
        return _to_tweet(row) if row else None

    def add_tweet(
        self,
        *,
        author_id: str,
        text: str,
        in_reply_to_id: str | None = None,
        kind: str = "tweet",
        lang: str = "en",
        created_at: datetime | None = None,
    ) -> StoredTweet:
        """Store a tweet the way X would shape it; raise LookupError for an unknown parent."""
        parent = self.tweet(in_reply_to_id) if in_reply_to_id else None
        if in_reply_to_id and parent is None:
            raise LookupError(in_reply_to_id)
        ref_type: str | None = None
        in_reply_to_user_id: str | None = None
        if parent is not None:
            ref_type = {"tweet": "replied_to", "retweet": "retweeted", "quote": "quoted"}[kind]
            if kind == "retweet":
                parent_author = self.user(parent.author_id) or {"username": "unknown"}
                text = f"RT @{parent_author['username']}: {parent.text}"
            elif kind == "quote":
                text = f"{text} https://t.co/{int(parent.id) % 10**10:010d}".strip()
            else:
                in_reply_to_user_id = parent.author_id
        mentions_us = bool(
            re.search(rf"(?<![\w@])@{re.escape(self.our_username)}\b", text, re.IGNORECASE)
        ) or (in_reply_to_user_id == self.our_id)
        moment = created_at or datetime.now(UTC)
        with self._lock:
            new_id = self._next_id()
            conversation_id = parent.conversation_id if (parent and kind == "tweet") else str(new_id)
            self._db.execute(
                "INSERT INTO tweets (id, text, author_id, conversation_id, created_at, lang, "
                "in_reply_to_user_id, ref_type, ref_id, mentions_us) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    new_id,
                    text,
                    author_id,
                    conversation_id,
                    format_time(moment),
                    lang,
                    in_reply_to_user_id,
                    ref_type,
                    parent.id if parent else None,
                    int(mentions_us and author_id != self.our_id),
                ),
            )
        stored = self.tweet(str(new_id))
        assert stored is not None
        return stored

    def mentions(
        self, *, since_id: int | None, until_id: int | None, limit: int
    ) -> tuple[list[StoredTweet], bool]:
        """Newest-first mentions within the horizon, and whether older ones remain."""
        with self._lock:
            horizon_row = self._db.execute(
                "SELECT id FROM tweets WHERE mentions_us = 1 ORDER BY id DESC LIMIT 1 OFFSET ?",
                (MENTIONS_HORIZON - 1,),
            ).fetchone()
            floor = max(since_id or 0, (int(horizon_row["id"]) - 1) if horizon_row else 0)
            rows = self._db.execute(
                "SELECT * FROM tweets WHERE mentions_us = 1 AND id > ? AND id < ? ORDER BY id DESC LIMIT ?",
                (floor, until_id if until_id is not None else 2**63 - 1, limit + 1),
            ).fetchall()
        return [_to_tweet(r) for r in rows[:limit]], len(rows) > limit

    def user_tweets(
        self, *, user_id: str, since_id: int | None, until_id: int | None, limit: int
    ) -> tuple[list[StoredTweet], bool]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM tweets WHERE author_id = ? AND id > ? AND id < ? ORDER BY id DESC LIMIT ?",
                (user_id, since_id or 0, until_id if until_id is not None else 2**63 - 1, limit + 1),
            ).fetchall()
        return [_to_tweet(r) for r in rows[:limit]], len(rows) > limit

    def replies_by(self, *, author_id: str, to_tweet_id: str | None = None) -> list[StoredTweet]:
        """Replies written by ``author_id``, oldest first, optionally to one tweet only."""
        query = "SELECT * FROM tweets WHERE author_id = ? AND ref_type = 'replied_to'"
        args: list[Any] = [author_id]
        if to_tweet_id is not None:
            query += " AND ref_id = ?"
            args.append(to_tweet_id)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [_to_tweet(r) for r in rows]


def _to_tweet(row: sqlite3.Row) -> StoredTweet:
    return StoredTweet(
        id=str(row["id"]),
        text=row["text"],
        author_id=row["author_id"],
        conversation_id=row["conversation_id"],
        created_at=row["created_at"],
        lang=row["lang"],
        in_reply_to_user_id=row["in_reply_to_user_id"],
        ref_type=row["ref_type"],
        ref_id=row["ref_id"],
    )
