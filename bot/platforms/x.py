"""The X (Twitter API v2) connector: mentions in, replies out, through tweepy.

The mentions timeline pages newest-first, so ``since_id`` may only move
once a batch has been read to its end: until then every page's cursor keeps
the old ``since_id`` and remembers ``next_token`` and the batch's newest id,
which lets a restarted Parley resume the batch where it stopped instead of
skipping what it had not read yet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.config import AccountSettings
from bot.domain import Platform, Visibility
from bot.errors import ConfigError, MalformedPayload, PlatformError
from bot.platforms.base import CursorState, FetchedPage
from bot.platforms.budget import RequestBudget
from bot.platforms.x_client import XApiClient, XCaller
from bot.platforms.x_parse import (
    EXPANSIONS,
    TWEET_FIELDS,
    USER_FIELDS,
    page_mentions,
    referenced,
    unescape_x_text,
)
from bot.platforms.x_sandbox_app import SANDBOX_TOKEN

logger = logging.getLogger(__name__)

# The mentions timeline serves only this many of the most recent mentions.
MENTIONS_REACH = 800
OAUTH_CREDENTIALS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
FIND_REPLY_PAGES = 5


class XConnector:
    """One X account's poller and publisher, sharing one tweepy client and one budget."""

    platform = Platform.X

    def __init__(
        self,
        *,
        account: str,
        handle: str,
        client: XApiClient,
        budget: RequestBudget,
        read_with_user_auth: bool = False,
        page_size: int = 100,
    ) -> None:
        self.account = account
        self.handle = handle
        self.client = client
        self.budget = budget
        self.page_size = page_size
        self._read_user_auth = read_with_user_auth
        self._caller = XCaller(budget=budget, account=account)
        self._user_id: str | None = None
        self._gap_warned = False

    @classmethod
    def from_settings(
        cls, account: AccountSettings, *, budget: RequestBudget, timeout: float = 10
    ) -> XConnector:
        """Build from config; real credentials come from the environment variables the account names."""
        if account.sandbox:
            secrets: dict[str, str | None] = {key: "sandbox" for key in OAUTH_CREDENTIALS}
            secrets["bearer_token"] = SANDBOX_TOKEN
        else:
            secrets = {key: _required_secret(account, key) for key in OAUTH_CREDENTIALS}
            secrets["bearer_token"] = account.secret("bearer_token") or None
        client = XApiClient(
            base_url=account.base_url,
            bearer_token=secrets["bearer_token"],
            consumer_key=str(secrets["consumer_key"]),
            consumer_secret=str(secrets["consumer_secret"]),
            access_token=str(secrets["access_token"]),
            access_token_secret=str(secrets["access_token_secret"]),
            timeout=timeout,
        )
        return cls(
            account=account.name,
            handle=account.handle,
            client=client,
            budget=budget,
            read_with_user_auth=secrets["bearer_token"] is None,
        )

    # -- identity ----------------------------------------------------------------------------------

    def user_id(self, cursor: CursorState | None = None) -> str:
        """Our account's numeric id: from the cursor if saved there, else asked once with get_me."""
        if self._user_id is None and cursor is not None and cursor.extra.get("user_id"):
            self._user_id = str(cursor.extra["user_id"])
        if self._user_id is None:
            body = self._caller.call("read", "get_me", self.client.get_me, user_auth=True, capped=False)
            data = body.get("data")
            if not isinstance(data, dict) or not data.get("id"):
                raise MalformedPayload(f"X {self.account}: get_me returned no user id",
                                       platform="x", account=self.account)
            self._user_id = str(data["id"])
            if str(data.get("username", "")).lower() != self.handle.lower():
                logger.warning("X %s: the credentials belong to @%s, not @%s as configured",
                               self.account, data.get("username"), self.handle)
        return self._user_id

    # -- polling -----------------------------------------------------------------------------------

    def _mentions_page(self, user_id: str, since_id: str | None, token: str | None) -> dict[str, Any]:
        return dict(self._caller.call(
            "read", "get_users_mentions", self.client.get_users_mentions, user_id,
            since_id=since_id, pagination_token=token, max_results=self.page_size,
            tweet_fields=TWEET_FIELDS, expansions=EXPANSIONS, user_fields=USER_FIELDS,
            user_auth=self._read_user_auth,
        ))

    def fetch(self, cursor: CursorState, *, backfill_since: datetime | None) -> Iterator[FetchedPage]:
        """Yield each page of mentions newer than the cursor, with the cursor to save alongside it.

        On a cold start (no ``since_id``) only mentions created at or after
        ``backfill_since`` are returned (none when it is None), and the
        newest id seen becomes ``since_id``, so the next poll starts there.
        """
        extra = {**cursor.extra, "user_id": self.user_id(cursor)}
        user_id = extra["user_id"]
        since_id = cursor.since_id
        token = cursor.paging_token
        batch_newest = cursor.paging_newest_id
        cold = since_id is None
        floor = backfill_since or datetime.now(UTC)
        seen = 0
        while True:
            try:
                body = self._mentions_page(user_id, since_id, token)
            except PlatformError as exc:
                if type(exc) is not PlatformError or token is None or token != cursor.paging_token:
                    raise
                logger.warning("X %s: the saved paging token was refused (%s); restarting the batch",
                               self.account, exc)
                token, batch_newest = None, None
                continue
            meta_raw = body.get("meta")
            meta: dict[str, Any] = meta_raw if isinstance(meta_raw, dict) else {}
            mentions = page_mentions(body, account=self.account)
            raw_count = len(body.get("data") or [])
            seen += raw_count
            if batch_newest is None and meta.get("newest_id"):
                batch_newest = str(meta["newest_id"])
            next_token = meta.get("next_token")
            if cold:
                kept = [m for m in mentions if _aware(m.created_at) >= _aware(floor)]
                reached_floor = len(kept) < len(mentions)
                mentions = kept
                if reached_floor:
                    next_token = None
            if next_token:
                next_cursor = replace(cursor, since_id=since_id, paging_token=str(next_token),
                                      paging_newest_id=batch_newest, extra=extra)
                yield FetchedPage(mentions=mentions, cursor=next_cursor, budget=self._caller.last_budget)
                token = str(next_token)
                continue
            if not cold and seen >= MENTIONS_REACH and not self._gap_warned:
                self._gap_warned = True
                logger.warning(
                    "X %s: %d mentions arrived since the last poll; X serves only the newest %d, "
                    "so older ones may be missing. Poll more often.", self.account, seen, MENTIONS_REACH)
            final = CursorState(since_id=batch_newest or since_id, paging_token=None,
                                paging_newest_id=None, extra=extra)
            yield FetchedPage(mentions=mentions, cursor=final, budget=self._caller.last_budget)
            return

    # -- publishing --------------------------------------------------------------------------------

    def post_reply(
        self, *, text: str, in_reply_to_id: str, visibility: Visibility, author_handle: str
    ) -> str:
        """Reply in the thread of ``in_reply_to_id``.

        X threads a reply by ``in_reply_to_tweet_id`` and shows whom it answers,
        so the text is sent as given; ``visibility`` and ``author_handle`` matter
        only on networks where they change who sees the post.
        """
        body = self._caller.call("write", "create_tweet", self.client.create_tweet,
                                 text=text, in_reply_to_tweet_id=in_reply_to_id, user_auth=True)
        data = body.get("data")
        if not isinstance(data, dict) or not data.get("id"):
            raise MalformedPayload(f"X {self.account}: create_tweet returned no id", platform="x",
                                   account=self.account)
        logger.info("X %s: replied to %s with %s", self.account, in_reply_to_id, data["id"])
        return str(data["id"])

    def find_reply(self, *, in_reply_to_id: str, text: str) -> str | None:
        """Our tweet replying to ``in_reply_to_id``, searched in our own timeline since that tweet.

        The text is used only to choose between several replies: X may have
        shortened links, so a reply is ours whatever its exact wording.
        """
        if not in_reply_to_id.isdigit():
            return None
        user_id = self.user_id()
        token: str | None = None
        found: list[tuple[str, str]] = []
        for _ in range(FIND_REPLY_PAGES):
            body = self._caller.call(
                "read", "get_users_tweets", self.client.get_users_tweets, user_id,
                since_id=in_reply_to_id, pagination_token=token, max_results=100,
                tweet_fields=["referenced_tweets", "conversation_id", "created_at"],
                user_auth=self._read_user_auth,
            )
            for tweet in body.get("data") or []:
                if isinstance(tweet, dict) and referenced(tweet, "replied_to") == in_reply_to_id:
                    found.append((str(tweet.get("id")), unescape_x_text(str(tweet.get("text", "")))))
            meta = body.get("meta")
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not token:
                break
        if not found:
            return None
        for tweet_id, tweet_text in found:
            if tweet_text.strip() == text.strip():
                return tweet_id
        return found[-1][0]  # newest first: the last is our first reply

    def conversation_root(self, in_reply_to_id: str) -> str | None:
        """The thread's first tweet, from ``conversation_id``; None if the tweet is gone."""
        body = self._caller.call("read", "get_tweet", self.client.get_tweet, in_reply_to_id,
                                 tweet_fields=["conversation_id"], user_auth=self._read_user_auth)
        data = body.get("data")
        if not isinstance(data, dict):
            return None
        root = data.get("conversation_id")
        return str(root) if root else None


def _required_secret(account: AccountSettings, key: str) -> str:
    env_name = account.credentials.get(key)
    if not env_name:
        raise ConfigError(
            f"credentials.{key} must name the environment variable that holds it",
            key=f"accounts[{account.name}]",
        )
    value = account.secret(key)
    if not value:
        raise ConfigError(
            f"environment variable {env_name} (credentials.{key}) is not set",
            key=f"accounts[{account.name}]",
        )
    return value


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

