"""The Mastodon connector: polls mention notifications, posts replies (Mastodon.py 2.3.3).

Every request goes through ``_call``: the shared request budget is asked
first, Mastodon.py raises on any error (``ratelimit_method="throw"``: we own the
waiting, the scheduler decides), its exceptions become Parley's error types,
and the rate-limit headers of the answer are fed back into the budget.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
)

from bot.config import AccountSettings
from bot.domain import Mention, Platform, Visibility
from bot.errors import ConfigError, MalformedPayload, PlatformError, RateLimited
from bot.platforms.base import CursorState, FetchedPage, RateBudget
from bot.platforms.budget import RequestBudget, RequestKind
from bot.platforms.mastodon_html import html_to_text
from bot.platforms.mastodon_http import USER_AGENT, get_instance, map_error, rate_budget_from, status_of
from bot.platforms.mastodon_mapping import (
    comparable_reply_text,
    compose_reply_text,
    id_order,
    mention_from_notification,
    notification_id,
    parse_time,
    reply_visibility,
)
from bot.platforms.mastodon_sandbox_client import SANDBOX_TOKEN

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_CHAR_LIMIT = 500
_VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


class MastodonConnector:
    """Poller and publisher for one Mastodon account, sharing one session and one budget."""

    platform = Platform.MASTODON

    def __init__(
        self,
        *,
        account: str,
        base_url: str,
        handle: str | None = None,
        access_token: str,
        budget: RequestBudget,
        timeout: float = 10,
        mastodon_version: str | None = None,
        public_answered_as: Visibility = Visibility.UNLISTED,
        char_limit_override: int | None = None,
        page_limit: int = 40,
        max_pages_per_fetch: int = 25,
        gap_warning_after: timedelta = timedelta(days=30),
    ) -> None:
        self.account = account  # the configured account name (Mention.account, cursor key)
        self.handle = (handle or account).lstrip("@")  # our @handle on the server
        self.base_url = base_url.rstrip("/")
        self.public_answered_as = public_answered_as
        self.page_limit = page_limit
        self.max_pages_per_fetch = max_pages_per_fetch
        self.gap_warning_after = gap_warning_after
        self._token = access_token
        self._budget = budget
        self._timeout = timeout
        self._version = mastodon_version
        self._char_limit_override = char_limit_override
        self._lock = threading.RLock()
        self._session = requests.Session()
        self._session.hooks["response"].append(self._capture_headers)
        self._last_headers: Mapping[str, str] | None = None
        self._api: Mastodon | None = None
        self._instance: dict[str, Any] | None = None
        self._me: dict[str, Any] | None = None
        self._warned: set[str] = set()

    @classmethod
    def from_settings(
        cls, account: AccountSettings, *, budget: RequestBudget, timeout: float = 10
    ) -> MastodonConnector:
        """A connector for a configured account; the token comes from the environment."""
        if account.sandbox:
            token = SANDBOX_TOKEN
        else:
            env_name = account.credentials.get("access_token")
            key = f"accounts[{account.name}].credentials.access_token"
            if not env_name:
                raise ConfigError("name the environment variable that holds the access token", key=key)
            token = account.secret("access_token") or ""
            if not token.strip():
                raise ConfigError(f"environment variable {env_name} is not set (the access token)", key=key)
        return cls(
            account=account.name,
            handle=account.handle,
            base_url=account.base_url,
            access_token=token.strip(),
            budget=budget,
            timeout=timeout,
            char_limit_override=account.char_limit,
        )

    def close(self) -> None:
        self._session.close()

    def __repr__(self) -> str:  # never show the token
        return f"MastodonConnector(account={self.account!r}, handle={self.handle!r}, base_url={self.base_url!r})"

    # -- plumbing -------------------------------------------------------------
    def _capture_headers(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last_headers = response.headers

    def _rate_budget(self) -> RateBudget | None:
        return rate_budget_from(self._last_headers)

    def _error(self, exc: Exception, what: str) -> PlatformError:
        error = map_error(exc, what, base_url=self.base_url, account=self.account, headers=self._last_headers)
        if isinstance(error, RateLimited) and error.reset_at is not None:
            self._budget.exhausted_until(error.reset_at)
        return error

    def _call(
        self, kind: RequestKind, what: str, request: Callable[[], T], *, tolerate: frozenset[int] = frozenset()
    ) -> T | None:
        """Make one request under the budget; ``None`` if it failed with a tolerated status."""
        self._budget.check(kind)
        with self._lock:
            self._last_headers = None
            try:
                result = request()
            except (MastodonError, requests.RequestException) as exc:
                budget = self._rate_budget()
                if budget is not None and not isinstance(exc, MastodonRatelimitError):
                    self._budget.record(kind, budget)
                if isinstance(exc, requests.RequestException):
                    exc = MastodonNetworkError(str(exc))
                if status_of(exc) in tolerate:
                    return None
                raise self._error(exc, what) from None
            self._budget.record(kind, self._rate_budget())
            return result

    def _instance_info(self) -> dict[str, Any]:
        """``/api/v2/instance`` (or v1 on old servers), fetched once: version and limits."""
        if self._instance is not None:
            return self._instance

        def get(path: str) -> dict[str, Any] | None:
            return get_instance(self._session, f"{self.base_url}{path}", token=self._token, timeout=self._timeout)

        info = self._call("read", "instance", lambda: get("/api/v2/instance/"))
        if info is None:
            info = self._call("read", "instance", lambda: get("/api/v1/instance/"))
        self._instance = info or {}
        return self._instance

    def _client(self) -> Mastodon:
        """Mastodon.py, built on first use so that constructing a connector makes no request."""
        if self._api is None:
            version = self._version
            if version is None:
                found = _VERSION_RE.search(str(self._instance_info().get("version") or ""))
                version = ".".join(found.groups()) if found else "4.0.0"
            self._api = Mastodon(
                api_base_url=self.base_url,
                access_token=self._token,
                request_timeout=self._timeout,
                mastodon_version=version,
                version_check_mode="created",
                ratelimit_method="throw",
                session=self._session,
                user_agent=USER_AGENT,
            )
        return self._api

    def _warn_once(self, key: str, message: str, *args: Any) -> None:
        if key not in self._warned:
            self._warned.add(key)
            logger.warning(message, *args)

    # -- account -------------------------------------------------------------
    def verify_credentials(self) -> dict[str, Any]:
        """Our own account (cached): id, acct, bot flag."""
        if self._me is None:
            api = self._client()
            me = self._call("read", "verify_credentials", api.account_verify_credentials)
            self._me = dict(me or {})
        return self._me

    def ensure_bot_flag(self) -> bool:
        """Mark our account as a bot (Mastodon etiquette); False if the token may not."""
        me = self.verify_credentials()
        if me.get("bot"):
            return True
        api = self._client()
        updated = self._call(
            "write", "mark account as bot", lambda: api.account_update_credentials(bot=True), tolerate=frozenset({403})
        )
        if updated is None:
            self._warn_once(
                "bot-flag",
                "Mastodon %s: the token may not update the profile (write:accounts scope missing); "
                "the account is not marked as a bot",
                self.account,
            )
            return False
        self._me = dict(updated)
        return bool(updated.get("bot"))

    def char_limit(self) -> int:
        """How long a status may be on this instance (500 unless it says otherwise)."""
        if self._char_limit_override:
            return self._char_limit_override
        configuration = self._instance_info().get("configuration") or {}
        statuses = configuration.get("statuses") or {}
        value = statuses.get("max_characters") or self._instance_info().get("max_toot_chars")
        return int(value) if isinstance(value, int) and value > 0 else DEFAULT_CHAR_LIMIT

    # -- polling --------------------------------------------------------------
    def _mentions(self, notifications: list[Any]) -> list[Mention]:
        mentions: list[Mention] = []
        for notification in notifications:
            try:
                mentions.append(mention_from_notification(notification, account=self.account))
            except MalformedPayload as exc:
                logger.warning("Mastodon %s: skipped %s", self.account, exc)
        mentions.sort(key=lambda m: id_order(m.external_id))
        return mentions

    def _page(self, **params: Any) -> list[Any]:
        api = self._client()
        result = self._call(
            "read", "notifications", lambda: api.notifications(types=["mention"], limit=self.page_limit, **params)
        )
        return [n for n in (result or []) if notification_id(n) != "(without id)"]

    def _warn_if_gap(self, cursor: CursorState) -> None:
        newest_at = cursor.extra.get("newest_at")
        if not newest_at:
            return
        try:
            age = datetime.now(UTC) - parse_time(newest_at)
        except MalformedPayload:
            return
        if age > self.gap_warning_after:
            self._warn_once(
                "gap",
                "Mastodon %s: the last poll was %s days ago; the server may no longer serve every "
                "mention since then (retention, deleted posts)",
                self.account,
                age.days,
            )

    def fetch(self, cursor: CursorState, *, backfill_since: datetime | None) -> Iterator[FetchedPage]:
        """Mention notifications newer than the cursor, oldest page first.

        Pages are read with ``min_id`` (the ``types[]=mention`` filter is sent
        again with every page), so each page's cursor can be saved with its
        mentions and a restart resumes exactly after the last saved page.
        """
        if cursor.since_id is None:
            yield from self._cold_start(cursor, backfill_since)
            return
        self._warn_if_gap(cursor)
        since_id = cursor.since_id
        for _ in range(self.max_pages_per_fetch):
            items = self._page(min_id=since_id)
            if not items:
                return
            newest = max(items, key=lambda n: id_order(notification_id(n)))
            since_id = notification_id(newest)
            yield FetchedPage(
                mentions=self._mentions(items),
                cursor=CursorState(since_id=since_id, extra={**cursor.extra, **_stamp(newest)}),
                budget=self._rate_budget(),
            )
            if len(items) < self.page_limit:
                return

    def _cold_start(self, cursor: CursorState, backfill_since: datetime | None) -> Iterator[FetchedPage]:
        """First poll: remember the newest id; keep only what arrived after ``backfill_since``."""
        kept: list[Any] = []
        newest: Any = None
        max_id: str | None = None
        for _ in range(self.max_pages_per_fetch):
            items = self._page(max_id=max_id) if max_id else self._page()
            if not items:
                break
            items.sort(key=lambda n: id_order(notification_id(n)), reverse=True)
            if newest is None:
                newest = items[0]
            reached_the_limit = backfill_since is None
            for item in items:
                if backfill_since is None:
                    break
                try:
                    arrived = parse_time(item.get("created_at") or item["status"]["created_at"])
                except (MalformedPayload, KeyError, TypeError):
                    arrived = datetime.now(UTC)  # keep it; the mapping will report what is wrong
                if arrived < backfill_since:
                    reached_the_limit = True
                    break
                kept.append(item)
            if reached_the_limit or len(items) < self.page_limit:
                break
            max_id = notification_id(items[-1])
        if newest is None:
            return
        yield FetchedPage(
            mentions=self._mentions(kept),
            cursor=CursorState(since_id=notification_id(newest), extra={**cursor.extra, **_stamp(newest)}),
            budget=self._rate_budget(),
        )

    # -- publishing -----------------------------------------------------------
    def post_status(
        self,
        *,
        text: str,
        visibility: Visibility | None,
        in_reply_to_id: str | None = None,
        spoiler_text: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Post exactly this text (no etiquette applied: use ``post_reply`` for answers)."""
        api = self._client()
        status = self._call(
            "write",
            f"reply to {in_reply_to_id}" if in_reply_to_id else "post status",
            lambda: api.status_post(
                status=text,
                in_reply_to_id=in_reply_to_id,
                visibility=visibility.value if visibility else None,
                spoiler_text=spoiler_text,
                idempotency_key=idempotency_key,
            ),
        )
        if not status or status.get("id") is None:
            raise MalformedPayload("the posted status came back without an id", platform="mastodon")
        return dict(status)

    def post_reply(self, *, text: str, in_reply_to_id: str, visibility: Visibility, author_handle: str) -> str:
        """Answer the author in their thread, addressed to them only, never more visible than their post."""
        body = compose_reply_text(text, author_handle=author_handle)
        chosen = reply_visibility(visibility, public_answered_as=self.public_answered_as)
        # The same reply to the same post gets the same key: a retry after a lost answer
        # returns the status already created instead of posting twice.
        key = hashlib.sha256(f"{self.account}\n{in_reply_to_id}\n{body}".encode()).hexdigest()[:40]
        status = self.post_status(text=body, visibility=chosen, in_reply_to_id=in_reply_to_id, idempotency_key=key)
        return str(status["id"])

    def _context(self, status_id: str) -> Mapping[str, Any] | None:
        api = self._client()
        return self._call("read", f"thread of {status_id}", lambda: api.status_context(status_id), tolerate=_GONE)

    def find_reply(self, *, in_reply_to_id: str, text: str) -> str | None:
        """Our reply to ``in_reply_to_id`` with this text, if it is already in the thread."""
        context = self._context(in_reply_to_id)
        if context is None:
            return None
        my_id = str(self.verify_credentials().get("id"))
        wanted = comparable_reply_text(text)
        for status in context.get("descendants") or []:
            account = status.get("account") or {}
            if str(account.get("id")) != my_id or str(status.get("in_reply_to_id")) != str(in_reply_to_id):
                continue
            if comparable_reply_text(html_to_text(status.get("content") or "")) == wanted:
                return str(status["id"])
        return None

    def conversation_root(self, in_reply_to_id: str) -> str | None:
        """The first post of the thread ``in_reply_to_id`` is in (None if it is gone)."""
        context = self._context(in_reply_to_id)
        if context is None:
            return None
        ancestors = context.get("ancestors") or []
        return str(ancestors[0]["id"]) if ancestors else str(in_reply_to_id)


_GONE = frozenset({404, 410})


def _stamp(notification: Any) -> dict[str, str]:
    """When the newest notification of a page arrived (for the gap warning)."""
    try:
        return {"newest_at": parse_time(notification.get("created_at")).isoformat()}
    except (MalformedPayload, AttributeError):
        return {}

