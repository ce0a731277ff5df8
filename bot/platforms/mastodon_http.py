"""What a Mastodon answer means for Parley: rate-limit headers and errors by type.

Mastodon.py raises one exception family for everything; the scheduler needs
to know whether to wait for a reset (RateLimited), back off (Transient) or
stop the account (AuthFailed). The rate-limit headers of every answer,
including errors, say how much of the budget is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from bot.errors import AuthFailed, MalformedPayload, PlatformError, RateLimited, Transient
from bot.platforms.base import RateBudget
from bot.platforms.mastodon_mapping import parse_time

USER_AGENT = "Parley/0.1 (customer-care bot)"


def parse_reset(value: str | None) -> datetime | None:
    """``X-RateLimit-Reset``: ISO-8601 on Mastodon, epoch seconds on GoToSocial."""
    if not value:
        return None
    try:
        if value.strip().isdigit():
            return datetime.fromtimestamp(int(value), UTC)
        return parse_time(value.strip())
    except (ValueError, MalformedPayload, OverflowError):
        return None


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers[name])
    except (KeyError, ValueError):
        return None


def rate_budget_from(headers: Mapping[str, str] | None) -> RateBudget | None:
    """The budget an answer announced, or None when it carried no rate-limit headers."""
    if headers is None or "X-RateLimit-Remaining" not in headers:
        return None
    return RateBudget(
        limit=_int_header(headers, "X-RateLimit-Limit"),
        remaining=_int_header(headers, "X-RateLimit-Remaining"),
        reset_at=parse_reset(headers.get("X-RateLimit-Reset")),
    )


def reset_after_429(headers: Mapping[str, str] | None) -> datetime:
    """When a 429 lets us go again: the announced reset, else Retry-After, else a minute."""
    headers = headers or {}
    announced = parse_reset(headers.get("X-RateLimit-Reset"))
    if announced is not None and announced > datetime.now(UTC):
        return announced
    retry_after = _int_header(headers, "Retry-After")
    return datetime.now(UTC) + timedelta(seconds=retry_after if retry_after is not None else 60)


def status_of(exc: BaseException) -> int | None:
    """The HTTP status Mastodon.py put in an exception (its second argument), if any."""
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    return args[1] if len(args) > 1 and isinstance(args[1], int) else None


def _message_of(exc: BaseException) -> str:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    return str(args[3]) if len(args) > 3 and args[3] else "no details"


def map_error(
    exc: BaseException, what: str, *, base_url: str, account: str, headers: Mapping[str, str] | None
) -> PlatformError:
    """Mastodon.py's exception as the Parley error the scheduler acts on."""
    where = {"platform": "mastodon", "account": account}
    if isinstance(exc, MastodonRatelimitError) or status_of(exc) == 429:
        reset_at = reset_after_429(headers)
        return RateLimited(f"{what}: rate limited until {reset_at.isoformat()}", reset_at=reset_at, **where)
    if isinstance(exc, MastodonUnauthorizedError):
        return AuthFailed(f"{what}: the access token was refused (401)", **where)
    if isinstance(exc, MastodonNetworkError):
        return Transient(f"{what}: {base_url} did not answer in time or refused the connection", **where)
    if isinstance(exc, MastodonServerError):
        return Transient(f"{what}: server error {status_of(exc)}", **where)
    if isinstance(exc, MastodonAPIError):
        status = status_of(exc)
        if status == 403:
            return AuthFailed(f"{what}: forbidden (403) - {_message_of(exc)}", **where)
        if status is None:
            return MalformedPayload(f"{what}: unreadable answer from {base_url}", **where)
        return PlatformError(f"{what}: Mastodon answered {status} - {_message_of(exc)}", **where)
    return PlatformError(f"{what}: {exc.__class__.__name__}: {exc}", **where)


def get_instance(session: requests.Session, url: str, *, token: str, timeout: float) -> dict[str, Any] | None:
    """GET an instance document; None when the server has no such endpoint (404).

    Raises Mastodon.py's exceptions so that ``map_error`` treats this request
    like every other.
    """
    response = session.get(
        url, headers={"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}, timeout=timeout
    )
    if response.status_code == 404:
        return None
    if response.status_code == 429:
        raise MastodonRatelimitError("Hit rate limit.")
    if response.status_code == 401:
        raise MastodonUnauthorizedError("instance", 401, response.reason, None)
    if response.status_code >= 500:
        raise MastodonServerError("instance", response.status_code, response.reason, None)
    if not response.ok:
        raise MastodonAPIError("instance", response.status_code, response.reason, None)
    try:
        data = response.json()
    except ValueError:
        raise MastodonAPIError("Could not parse response as JSON") from None
    return data if isinstance(data, dict) else None
