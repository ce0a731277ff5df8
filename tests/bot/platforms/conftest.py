"""Fixtures shared by the platform connector tests (X and Mastodon, in separate blocks)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import AccountSettings
from bot.platforms.budget import RequestBudget

# ---------------------------------------------------------------------------------------------
# X (Twitter API v2): a real sandbox server on 127.0.0.1 and a connector pointed at it.
# ---------------------------------------------------------------------------------------------
from bot.platforms.x import XConnector
from bot.platforms.x_sandbox import XSandbox


@pytest.fixture
def x_sandbox() -> Iterator[XSandbox]:
    with XSandbox(our_username="parleytelecom") as sandbox:
        yield sandbox


@pytest.fixture
def x_account(x_sandbox: XSandbox) -> AccountSettings:
    return AccountSettings(
        name="x-test", platform="x", handle="parleytelecom", base_url=x_sandbox.base_url, sandbox=True
    )


@pytest.fixture
def x_budget() -> RequestBudget:
    return RequestBudget(account="x-test", platform="x")


@pytest.fixture
def x_connector(x_account: AccountSettings, x_budget: RequestBudget) -> XConnector:
    return XConnector.from_settings(x_account, budget=x_budget, timeout=2)


# --- end of X fixtures -----------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Mastodon: one real sandbox (mastodon-mock on 127.0.0.1) per test module, and the recorded
# Mastodon.py cassettes from ../shared replayed with vcrpy (see the cassettes' README).
# ---------------------------------------------------------------------------------------------
from pathlib import Path  # noqa: E402
from urllib.parse import parse_qsl, urlencode  # noqa: E402

from bot.platforms.mastodon import MastodonConnector  # noqa: E402
from bot.platforms.mastodon_sandbox import SANDBOX_TOKEN, MastodonSandbox  # noqa: E402


@pytest.fixture(scope="module")
def mastodon_sandbox() -> Iterator[MastodonSandbox]:
    with MastodonSandbox(our_username="parleytelecom") as sandbox:
        yield sandbox


@pytest.fixture
def mastodon_budget() -> RequestBudget:
    return RequestBudget(account="mastodon-test", platform="mastodon")


@pytest.fixture
def mastodon_connector(
    mastodon_sandbox: MastodonSandbox, mastodon_budget: RequestBudget
) -> Iterator[MastodonConnector]:
    mastodon_sandbox.clear_faults()
    connector = MastodonConnector(
        account="parleytelecom",
        base_url=mastodon_sandbox.base_url,
        access_token=SANDBOX_TOKEN,
        budget=mastodon_budget,
        timeout=3,
    )
    yield connector
    connector.close()


def _strip_default_sensitive(request):  # type: ignore[no-untyped-def]
    """Mastodon.py 2.3.3 sends sensitive=0; the 2.2.x recordings lack it."""
    if request.method == "POST" and request.body and request.path.endswith("/api/v1/statuses"):
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        kept = [
            (k, v)
            for k, v in parse_qsl(body, keep_blank_values=True)
            if not (k == "sensitive" and v in ("0", "False", "false"))
        ]
        request.body = urlencode(kept).encode()
    return request


@pytest.fixture
def mastodon_tape(shared_dir: Path):  # type: ignore[no-untyped-def]
    """A vcrpy recorder that only replays the real Mastodon recordings (never records)."""
    import vcr

    return vcr.VCR(
        cassette_library_dir=str(shared_dir / "fixtures" / "cassettes" / "mastodon"),
        record_mode="none",
        match_on=["method", "path", "query", "body"],
        decode_compressed_response=True,
        before_record_request=_strip_default_sensitive,
    )


@pytest.fixture
def recorded_mastodon(mastodon_budget: RequestBudget) -> Iterator[MastodonConnector]:
    """A connector for the recordings' server (version as recorded: no request at construction)."""
    connector = MastodonConnector(
        account="mastodonpy_test",
        base_url="http://localhost:3000",
        access_token="replayed-token",
        budget=mastodon_budget,
        mastodon_version="4.6.4",
    )
    yield connector
    connector.close()


# --- end of Mastodon fixtures ----------------------------------------------------------------
