"""The X sandbox's controls: its mutable state, and the ``/_sandbox/`` admin routes.

These are not X API. Tests, the demo and the traffic generator use them to
post as other people, to read what Parley posted, and to make the next
requests fail in the ways the real network fails (429 with a reset, 5xx,
slow answers, broken bodies).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from bot.platforms.x_sandbox_store import SandboxStore, StoredTweet

WINDOW_SECONDS = 900


@dataclass
class Fault:
    status: int
    count: int
    path_contains: str = ""
    reset_in_seconds: int = 2
    delay_seconds: float = 0
    body: str | None = None
    delay_after_seconds: float = 0


class FaultIn(BaseModel):
    status: int = Field(ge=100, le=599)
    count: int = Field(1, ge=1)
    path_contains: str = ""
    reset_in_seconds: int = 2
    delay_seconds: float = Field(0, ge=0)
    body: str | None = None
    delay_after_seconds: float = Field(0, ge=0)


class PostIn(BaseModel):
    username: str = Field(min_length=1, max_length=50)
    name: str = ""
    bio: str = ""
    text: str = ""
    in_reply_to_id: str | None = None
    is_bot: bool = False
    kind: str = Field("tweet", pattern="^(tweet|retweet|quote)$")
    lang: str = "en"
    created_at: datetime | None = None


class SandboxState:
    """Everything the app mutates besides the store: faults and rate windows."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.lock = threading.Lock()
        self.faults: list[Fault] = []
        self.windows: dict[str, tuple[int, int]] = {}  # route -> (window reset epoch, used)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.path_contains in path:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def spend(self, route: str, limit: int) -> tuple[int, int]:
        """Count one request; return (remaining, reset epoch)."""
        now = int(time.time())
        with self.lock:
            reset, used = self.windows.get(route, (now + WINDOW_SECONDS, 0))
            if now >= reset:
                reset, used = now + WINDOW_SECONDS, 0
            used += 1
            self.windows[route] = (reset, used)
        return max(0, limit - used), reset

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.windows.clear()
        self.store.reset()


def install_admin(app: FastAPI, state: SandboxState) -> None:
    store = state.store

    @app.post("/_sandbox/posts", status_code=201)
    def post_as(post: PostIn) -> Response:
        author = store.ensure_user(username=post.username.lstrip("@"), name=post.name or post.username,
                                   description=post.bio, is_bot=post.is_bot)
        try:
            tweet = store.add_tweet(author_id=author, text=post.text, in_reply_to_id=post.in_reply_to_id,
                                    kind=post.kind, lang=post.lang, created_at=post.created_at)
        except LookupError:
            return JSONResponse({"error": f"no tweet {post.in_reply_to_id}"}, status_code=404)
        return JSONResponse({"id": tweet.id, "author_id": author, "conversation_id": tweet.conversation_id},
                            status_code=201)

    @app.get("/_sandbox/replies")
    def replies(to: str | None = None) -> list[dict[str, Any]]:
        return [_reply_dict(t) for t in store.replies_by(author_id=store.our_id, to_tweet_id=to)]

    @app.get("/_sandbox/tweets/{tweet_id}")
    def tweet(tweet_id: str) -> Response:
        found = store.tweet(tweet_id)
        if found is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(_reply_dict(found))

    @app.post("/_sandbox/faults", status_code=201)
    def add_fault(fault: FaultIn) -> dict[str, Any]:
        with state.lock:
            state.faults.append(Fault(**fault.model_dump()))
            return {"pending": len(state.faults)}

    @app.post("/_sandbox/reset")
    def reset() -> dict[str, Any]:
        state.reset()
        return {"ok": True}

    @app.get("/_sandbox/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "our_id": store.our_id, "our_username": store.our_username}


def _reply_dict(tweet: StoredTweet) -> dict[str, Any]:
    return {
        "id": tweet.id, "text": tweet.text, "author_id": tweet.author_id,
        "conversation_id": tweet.conversation_id, "created_at": tweet.created_at,
        "in_reply_to_tweet_id": tweet.ref_id if tweet.ref_type == "replied_to" else None,
        "referenced_type": tweet.ref_type, "referenced_id": tweet.ref_id,
    }
