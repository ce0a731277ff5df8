"""tweepy's v2 Client, pointed at any base URL, with errors turned into ours.

tweepy builds every URL as ``"https://api.twitter.com" + route`` inside
``BaseClient.request`` and calls ``self.session.request`` without a
timeout. Rather than copy that method, the client gets a requests Session
that swaps the host and supplies a timeout, so tweepy's own auth (bearer or
OAuth 1.0a, signed for the URL actually requested), error classes and
parameter handling stay in charge, against api.x.com and the sandbox alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy

from bot.errors import AuthFailed, MalformedPayload, PlatformError, RateLimited, Transient
from bot.platforms.base import RateBudget
from bot.platforms.budget import RequestBudget, RequestKind

logger = logging.getLogger(__name__)

TWEEPY_HOST = "https://api.twitter.com"

# 403s on posting that concern the post, not our credentials: the account keeps running.
_POST_REFUSALS = (
    "duplicate content",
    "reply to this conversation is not allowed",  # the author limited who may reply
    "not allowed to reply",
    "deleted or is not visible",
)


class RebasedSession(requests.Session):
    """A Session that sends tweepy's api.twitter.com requests to ``base_url``."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        if isinstance(url, str) and url.startswith(TWEEPY_HOST):
            url = self.base_url + url[len(TWEEPY_HOST):]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


class XApiClient(tweepy.Client):
    """tweepy.Client (API v2) returning raw ``requests.Response`` objects, so headers are kept."""

    def __init__(
        self,
        *,
        base_url: str,
        bearer_token: str | None,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_token_secret: str,
        timeout: float = 10,
    ) -> None:
        super().__init__(
            bearer_token=bearer_token,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            access_token=access_token,
            access_token_secret=access_token_secret,
            return_type=requests.Response,
            wait_on_rate_limit=False,
        )
        self.session = RebasedSession(base_url, timeout)
        self.session.headers["User-Agent"] = self.user_agent


def parse_rate_headers(headers: Any) -> RateBudget | None:
    """x-rate-limit-limit/remaining/reset (reset in epoch seconds) as a RateBudget."""
    if headers is None:
        return None

    def number(name: str) -> int | None:
        raw = headers.get(name)
        try:
            return int(raw) if raw is not None else None
        except (TypeError, ValueError):
            return None

    limit, remaining, reset = (number(f"x-rate-limit-{n}") for n in ("limit", "remaining", "reset"))
    if limit is None and remaining is None and reset is None:
        return None
    reset_at = datetime.fromtimestamp(reset, UTC) if reset is not None else None
    return RateBudget(limit=limit, remaining=remaining, reset_at=reset_at)


def _detail(exc: tweepy.HTTPException) -> str:
    messages = [str(m) for m in exc.api_messages if m]
    return "; ".join(messages) or getattr(exc.response, "reason", "") or "no detail"


class XCaller:
    """Runs one tweepy call under the account's budget and maps every failure to our errors."""

    def __init__(self, *, budget: RequestBudget, account: str) -> None:
        self.budget = budget
        self.account = account
        self.last_budget: RateBudget | None = None

    def _error(self, cls: type[PlatformError], message: str) -> PlatformError:
        return cls(f"X {self.account}: {message}", platform="x", account=self.account)

    def _status_error(self, kind: RequestKind, what: str, exc: tweepy.HTTPException) -> PlatformError:
        status = exc.response.status_code
        detail = _detail(exc)
        if isinstance(exc, tweepy.Forbidden) and kind == "write" and any(
            marker in detail.lower() for marker in _POST_REFUSALS
        ):
            return self._error(PlatformError, f"{what} refused: {detail}")
        if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
            return self._error(AuthFailed, f"{what} refused our credentials ({status}): {detail}")
        if isinstance(exc, tweepy.TwitterServerError):
            return self._error(Transient, f"{what} failed with {status}: {detail}")
        return self._error(PlatformError, f"{what} failed with {status}: {detail}")

    def call(
        self, kind: RequestKind, what: str, fn: Callable[..., Any], *args: Any, capped: bool = True, **kwargs: Any
    ) -> Any:
        """The decoded JSON body of a successful call.

        X's monthly cap counts posts received, not requests, so a read is
        charged with the number of posts in its answer (``capped`` endpoints
        only: looking up our own user costs nothing); failures cost nothing.
        """
        self.budget.check(kind)
        try:
            response: requests.Response = fn(*args, **kwargs)
        except tweepy.TooManyRequests as exc:
            seen = parse_rate_headers(exc.response.headers)
            reset_at = (
                datetime.fromtimestamp(exc.reset_time, UTC) if exc.reset_time else (seen.reset_at if seen else None)
            )
            self.budget.record(kind, seen, reads=0)
            self.budget.exhausted_until(reset_at)
            raise RateLimited(
                f"X {self.account}: rate limited on {what} until {reset_at.isoformat() if reset_at else 'unknown'}",
                reset_at=reset_at,
                platform="x",
                account=self.account,
            ) from None
        except tweepy.HTTPException as exc:
            self.budget.record(kind, parse_rate_headers(exc.response.headers), reads=0)
            raise self._status_error(kind, what, exc) from None
        except requests.Timeout:
            self.budget.record(kind, None, reads=0)
            raise self._error(Transient, f"{what} timed out") from None
        except requests.RequestException as exc:
            self.budget.record(kind, None, reads=0)
            raise self._error(Transient, f"{what}: {type(exc).__name__}") from None
        except (ValueError, AttributeError) as exc:  # tweepy reading an error body of the wrong shape
            raise self._error(MalformedPayload, f"{what}: unreadable error body ({exc})") from None
        seen = parse_rate_headers(response.headers)
        self.last_budget = seen
        try:
            body = response.json()
        except ValueError:
            self.budget.record(kind, seen, reads=0)
            raise self._error(MalformedPayload, f"{what} answered with a body that is not JSON") from None
        if not isinstance(body, dict):
            self.budget.record(kind, seen, reads=0)
            raise self._error(MalformedPayload, f"{what} answered with a JSON {type(body).__name__}, not an object")
        self.budget.record(kind, seen, reads=posts_in(body) if capped else 0)
        return body


def posts_in(body: dict[str, Any]) -> int:
    data = body.get("data")
    if isinstance(data, list):
        return len(data)
    return 1 if isinstance(data, dict) else 0
