"""Drive a running Mastodon sandbox over HTTP, from this or another process.

The traffic generator, the demo and the crash tests talk to a sandbox that
may live in a different process than the one that started it, so every helper
goes through HTTP: the ordinary Mastodon API for posting as simulated people,
mastodon-mock's ``/api/v1/_mock`` control plane for accounts and faults, and
Parley's read-only ``/api/v1/_mock/parley`` view of our replies.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from bot.errors import PlatformError

# A fixed token for our sandbox account. It only opens the local sandbox, so it is not a secret.
SANDBOX_TOKEN = "parley-sandbox-token"

_VISIBILITIES = ("public", "unlisted", "private", "direct")


def iso_reset(moment: datetime) -> str:
    """Mastodon's ``X-RateLimit-Reset`` format, e.g. ``2026-08-01T13:55:00.000000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _note_html(note: str) -> str:
    """Render a bio the way Mastodon stores it (mastodon-mock keeps it verbatim)."""
    if not note:
        return ""
    from mastodon_mock.content_format import render_status_html

    return render_status_html(note)


class MastodonSandboxClient:
    """The sandbox helpers over HTTP, given the sandbox's base URL."""

    def __init__(self, base_url: str, *, our_username: str = "parleytelecom", timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.our_username = our_username
        self.timeout = timeout
        self._http = requests.Session()
        self._lock = threading.Lock()
        self._tokens: dict[str, str] = {}
        self._profiles: dict[str, tuple[str, str, bool]] = {}

    def close(self) -> None:
        self._http.close()

    def _request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self._http.request(
                method, f"{self.base_url}{path}", headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise PlatformError(f"Mastodon sandbox at {self.base_url} is unreachable: {exc}") from None
        if not response.ok:
            raise PlatformError(
                f"Mastodon sandbox answered {response.status_code} to {method} {path}: {response.text[:200]}"
            )
        return response.json() if response.content else None

    # -- simulated people -------------------------------------------------
    def _token_for(self, username: str, display_name: str) -> tuple[str, bool]:
        """The user's token, creating the account on first use; True when just created."""
        cached = self._tokens.get(username)
        if cached:
            return cached, False
        for row in self._request("GET", "/api/v1/_mock/dev_users"):
            if row.get("username") == username:
                self._tokens[username] = row["access_token"]
                return row["access_token"], False
        created = self._request(
            "POST", "/api/v1/_mock/dev_user", json={"username": username, "display_name": display_name}
        )
        self._tokens[username] = created["access_token"]
        return created["access_token"], True

    def token_for(self, username: str, display_name: str = "") -> str:
        """A token that acts as ``username`` (created if needed), e.g. to delete a post."""
        with self._lock:
            return self._token_for(username, display_name or username)[0]

    def post_as(
        self,
        *,
        username: str,
        display_name: str,
        note: str = "",
        text: str,
        in_reply_to_id: str | None = None,
        visibility: str = "public",
        bot: bool = False,
    ) -> str:
        """Post ``text`` as a simulated person; return the status id.

        Mention our account in ``text`` (``@parleytelecom``) to create the
        mention notification Parley polls for.
        """
        if not re.fullmatch(r"[A-Za-z0-9_]{1,30}", username):
            raise ValueError(f"not a Mastodon username: {username!r}")
        if visibility not in _VISIBILITIES:
            raise ValueError(f"visibility must be one of {', '.join(_VISIBILITIES)}")
        with self._lock:
            token, _created = self._token_for(username, display_name)
            profile = (display_name, note, bot)
            if self._profiles.get(username) != profile:
                self._request(
                    "PATCH",
                    "/api/v1/accounts/update_credentials",
                    token=token,
                    data={"display_name": display_name, "note": _note_html(note), "bot": str(bot).lower()},
                )
                self._profiles[username] = profile
        form: dict[str, str] = {"status": text, "visibility": visibility}
        if in_reply_to_id is not None:
            form["in_reply_to_id"] = in_reply_to_id
        status = self._request("POST", "/api/v1/statuses", token=token, data=form)
        return str(status["id"])

    # -- what Parley did ----------------------------------------------------
    def replies_to(self, status_id: str) -> list[dict[str, Any]]:
        """Statuses by our account replying to ``status_id`` (oldest first)."""
        rows: list[dict[str, Any]] = self._request(
            "GET", "/api/v1/_mock/parley/replies", params={"in_reply_to_id": status_id}
        )
        return rows

    def all_our_replies(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._request("GET", "/api/v1/_mock/parley/replies")
        return rows

    # -- faults -------------------------------------------------------------
    def inject_fault(
        self,
        *,
        status: int,
        count: int = 1,
        path_contains: str = "",
        reset_in_seconds: int = 2,
        delay_seconds: float = 0,
    ) -> None:
        """Make the next ``count`` matching requests fail (or stall) like a real server.

        ``status=429`` answers with ``X-RateLimit-Remaining: 0`` and a reset
        ``reset_in_seconds`` from now; ``status=200`` with ``delay_seconds``
        only delays the real answer (long enough to trip a client timeout).
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        match = {"path_regex": re.escape(path_contains)} if path_contains else {}
        effect: dict[str, Any]
        if status == 200:
            effect = {"type": "latency", "delay_ms": int(delay_seconds * 1000)}
        elif status == 429:
            reset_at = datetime.now(UTC) + timedelta(seconds=reset_in_seconds)
            effect = {
                "type": "ratelimit",
                "status": 429,
                "delay_ms": int(delay_seconds * 1000),
                "headers": {
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": iso_reset(reset_at),
                    "Retry-After": str(max(0, reset_in_seconds)),
                },
            }
        else:
            effect = {"type": "status", "status": status, "delay_ms": int(delay_seconds * 1000)}
        self._request("POST", "/api/v1/_mock/faults", json={"match": match, "effect": effect, "count": count})

    def clear_faults(self) -> None:
        self._request("DELETE", "/api/v1/_mock/faults")
