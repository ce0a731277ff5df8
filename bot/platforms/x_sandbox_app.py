"""The X sandbox's HTTP face: a FastAPI app shaped like X API v2.

Response bodies, error shapes and rate-limit headers follow the real
recordings in the tweepy cassettes, so that the connector code that runs
here is the code that runs against api.x.com. Admin routes under
``/_sandbox/`` are not X API: they let tests and the demo play other users
and break the network on purpose.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from bot.platforms.x_sandbox_admin import Fault, SandboxState, install_admin
from bot.platforms.x_sandbox_store import SandboxStore, StoredTweet

logger = logging.getLogger(__name__)

SANDBOX_TOKEN = "parley-sandbox-token"
_PAGE_PREFIX = "pg"

# (method, path pattern) -> (route name, requests per 15-minute window), as documented by X.
_LIMITS: list[tuple[str, re.Pattern[str], str, int]] = [
    ("GET", re.compile(r"^/2/users/me$"), "me", 75),
    ("GET", re.compile(r"^/2/users/[^/]+/mentions$"), "mentions", 450),
    ("GET", re.compile(r"^/2/users/[^/]+/tweets$"), "user_tweets", 1500),
    ("GET", re.compile(r"^/2/tweets/[^/]+$"), "tweet", 450),
    ("POST", re.compile(r"^/2/tweets$"), "create_tweet", 200),
]
_USER_CONTEXT_ONLY = {"me", "create_tweet"}


def _problem(status: int, title: str, detail: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"title": title, "detail": detail, "type": "about:blank", "status": status}
    body.update(extra or {})
    return body


def _invalid(parameter: str, value: str, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
        status_code=400,
    )


def _rate_headers(limit: int, remaining: int, reset: int) -> dict[str, str]:
    return {
        "x-rate-limit-limit": str(limit),
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": str(reset),
    }


def _auth_kind(request: Request) -> str | None:
    """'app' for our bearer token, 'user' for an OAuth 1.0a header; None when refused.

    The sandbox cannot check OAuth 1.0a signatures made with dummy secrets, so any
    well-formed OAuth 1.0a header counts as our account's user context.
    """
    header = request.headers.get("authorization", "")
    if header == f"Bearer {SANDBOX_TOKEN}":
        return "app"
    if header.startswith("OAuth ") and "oauth_consumer_key=" in header and "oauth_signature=" in header:
        return "user"
    return None


def _fault_response(fault: Fault, limit: int) -> Response:
    if fault.body is not None:
        return Response(fault.body, status_code=fault.status, media_type="application/json")
    reset = int(time.time()) + fault.reset_in_seconds
    if fault.status == 429:
        return JSONResponse(
            _problem(429, "Too Many Requests", "Too Many Requests"),
            status_code=429,
            headers=_rate_headers(limit, 0, reset),
        )
    titles = {401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error", 502: "Bad Gateway",
              503: "Service Unavailable", 504: "Gateway Timeout"}
    title = titles.get(fault.status, "Error")
    return JSONResponse(_problem(fault.status, title, title), status_code=fault.status)


def _install_gate(app: FastAPI, state: SandboxState) -> None:
    """Faults, authentication and rate limits, in the order X applies them."""

    @app.middleware("http")
    async def gate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        path = request.url.path
        if not path.startswith("/2/"):
            return await call_next(request)
        route, limit = "other", 300
        for method, pattern, name, route_limit in _LIMITS:
            if request.method == method and pattern.match(path):
                route, limit = name, route_limit
        fault = state.take_fault(path)
        if fault is not None:
            if fault.delay_seconds:
                await asyncio.sleep(fault.delay_seconds)
            if fault.status != 200 or fault.body is not None:
                return _fault_response(fault, limit)
            if fault.delay_after_seconds:
                # The request is carried out, then the answer is held back: the client
                # cannot tell whether its post went through (a crash after posting).
                response = await _gated(request, call_next, state, route, limit)
                await asyncio.sleep(fault.delay_after_seconds)
                return response
        return await _gated(request, call_next, state, route, limit)

    async def _gated(request: Request, call_next: Callable[[Request], Awaitable[Response]],
                     state: SandboxState, route: str, limit: int) -> Response:
        auth = _auth_kind(request)
        if auth is None:
            return JSONResponse(_problem(401, "Unauthorized", "Unauthorized"), status_code=401)
        if auth == "app" and route in _USER_CONTEXT_ONLY:
            detail = (
                "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
                "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context]."
            )
            return JSONResponse(
                _problem(403, "Unsupported Authentication", detail,
                         {"type": "https://api.twitter.com/2/problems/unsupported-authentication"}),
                status_code=403,
            )
        remaining, reset = state.spend(route, limit)
        if remaining == 0 and state.windows[route][1] > limit:
            return JSONResponse(_problem(429, "Too Many Requests", "Too Many Requests"), status_code=429,
                                headers=_rate_headers(limit, 0, reset))
        response = await call_next(request)
        response.headers.update(_rate_headers(limit, remaining, reset))
        return response


def x_escape(text: str) -> str:
    """X API v2 serves tweet text with &, < and > entity-escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_tweet(tweet: StoredTweet, fields: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": tweet.id, "text": x_escape(tweet.text), "edit_history_tweet_ids": [tweet.id]}
    if "author_id" in fields:
        out["author_id"] = tweet.author_id
    if "conversation_id" in fields:
        out["conversation_id"] = tweet.conversation_id
    if "created_at" in fields:
        out["created_at"] = tweet.created_at
    if "in_reply_to_user_id" in fields and tweet.in_reply_to_user_id:
        out["in_reply_to_user_id"] = tweet.in_reply_to_user_id
    if "referenced_tweets" in fields and tweet.ref_type:
        out["referenced_tweets"] = [{"type": tweet.ref_type, "id": tweet.ref_id}]
    if "lang" in fields:
        out["lang"] = tweet.lang
    return out


def render_user(user: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    out = {"id": user["id"], "name": user["name"], "username": user["username"]}
    if "description" in fields:
        out["description"] = user["description"]
    if "protected" in fields:
        out["protected"] = False
    return out


def _csv(request: Request, name: str) -> set[str]:
    return {part for part in request.query_params.get(name, "").split(",") if part}


def _id_param(request: Request, name: str) -> int | JSONResponse | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        return _invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not valid")
    return int(raw)


def _timeline(
    request: Request, state: SandboxState, fetch: Callable[..., tuple[list[StoredTweet], bool]],
    low: int, high: int,
) -> Response:
    """Shared paging for the mentions and user-tweets timelines (newest first)."""
    raw_max = request.query_params.get("max_results", "10")
    if not raw_max.isdigit() or not low <= int(raw_max) <= high:
        message = f"The `max_results` query parameter value [{raw_max}] is not between {low} and {high}"
        return _invalid("max_results", raw_max, message)
    since_id = _id_param(request, "since_id")
    if isinstance(since_id, JSONResponse):
        return since_id
    until_id = _id_param(request, "until_id")
    if isinstance(until_id, JSONResponse):
        return until_id
    token = request.query_params.get("pagination_token")
    if token is not None:
        if not (token.startswith(_PAGE_PREFIX) and token[len(_PAGE_PREFIX):].isalnum()):
            return _invalid("pagination_token", token, "The `pagination_token` query parameter is not valid")
        below = int(token[len(_PAGE_PREFIX):], 36)
        until_id = below if until_id is None else min(until_id, below)
    tweets, more = fetch(since_id=since_id, until_id=until_id, limit=int(raw_max))
    if not tweets:
        return JSONResponse({"meta": {"result_count": 0}})
    tweet_fields = _csv(request, "tweet.fields")
    expansions = _csv(request, "expansions")
    body: dict[str, Any] = {"data": [render_tweet(t, tweet_fields | ({"author_id"} & expansions))
                                     for t in tweets]}
    if "author_id" in expansions:
        user_fields = _csv(request, "user.fields")
        users: dict[str, dict[str, Any]] = {}
        for t in tweets:
            user = state.store.user(t.author_id)
            if user and t.author_id not in users:
                users[t.author_id] = render_user(user, user_fields)
        body["includes"] = {"users": list(users.values())}
    meta: dict[str, Any] = {
        "result_count": len(tweets), "newest_id": tweets[0].id, "oldest_id": tweets[-1].id,
    }
    if more:
        meta["next_token"] = _PAGE_PREFIX + _base36(int(tweets[-1].id))
    body["meta"] = meta
    return JSONResponse(body)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def _not_found(kind: str, value: str) -> JSONResponse:
    return JSONResponse({"errors": [{
        "value": value, "detail": f"Could not find {kind} with id: [{value}].", "title": "Not Found Error",
        "resource_type": kind, "parameter": "id", "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }]})


def _install_api(app: FastAPI, state: SandboxState) -> None:
    store = state.store

    @app.get("/2/users/me")
    def users_me(request: Request) -> Response:
        user = store.user(store.our_id)
        assert user is not None
        return JSONResponse({"data": render_user(user, _csv(request, "user.fields"))})

    @app.get("/2/users/{user_id}/mentions")
    def users_mentions(user_id: str, request: Request) -> Response:
        if user_id != store.our_id:
            return _not_found("user", user_id) if store.user(user_id) is None else JSONResponse(
                {"meta": {"result_count": 0}})
        return _timeline(request, state, store.mentions, 5, 100)

    @app.get("/2/users/{user_id}/tweets")
    def users_tweets(user_id: str, request: Request) -> Response:
        if store.user(user_id) is None:
            return _not_found("user", user_id)

        def fetch(**kwargs: Any) -> tuple[list[StoredTweet], bool]:
            return store.user_tweets(user_id=user_id, **kwargs)

        return _timeline(request, state, fetch, 5, 100)

    @app.get("/2/tweets/{tweet_id}")
    def get_tweet(tweet_id: str, request: Request) -> Response:
        tweet = store.tweet(tweet_id)
        if tweet is None:
            return _not_found("tweet", tweet_id)
        return JSONResponse({"data": render_tweet(tweet, _csv(request, "tweet.fields"))})

    @app.post("/2/tweets")
    async def create_tweet(request: Request) -> Response:
        try:
            payload = await request.json()
        except ValueError:
            return JSONResponse(_problem(400, "Invalid Request", "Request body is not valid JSON"), 400)
        text = payload.get("text") if isinstance(payload, dict) else None
        if not isinstance(text, str) or not text.strip():
            return _invalid("text", str(text), "The `text` field must be a non-empty string")
        if len(text) > 280:
            return JSONResponse(_problem(400, "Invalid Request", "Tweet text is too long"), 400)
        parent = (payload.get("reply") or {}).get("in_reply_to_tweet_id")
        if parent is not None and store.tweet(str(parent)) is None:
            return JSONResponse(_problem(
                400, "Invalid Request",
                "Your Tweet cannot be sent because the Tweet you are replying to has been deleted "
                "or is not visible to you."), 400)
        duplicate = [t for t in store.user_tweets(user_id=store.our_id, since_id=None, until_id=None,
                                                  limit=100)[0] if t.text == text]
        if duplicate:
            detail = "You are not allowed to create a Tweet with duplicate content."
            return JSONResponse(_problem(403, "Forbidden", detail), 403)
        tweet = store.add_tweet(
            author_id=store.our_id, text=text, in_reply_to_id=str(parent) if parent else None
        )
        created = {"id": tweet.id, "text": x_escape(tweet.text), "edit_history_tweet_ids": [tweet.id]}
        return JSONResponse({"data": created}, status_code=201,
                            headers={"location": f"{request.base_url}2/tweets/{tweet.id}"})


def build_app(store: SandboxStore) -> FastAPI:
    app = FastAPI(title="Parley X sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    state = SandboxState(store)
    app.state.sandbox = state
    _install_gate(app, state)
    _install_api(app, state)
    install_admin(app, state)
    return app
