"""The Mastodon sandbox itself: tokens, rate-limit headers, state across restarts, another process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from bot.errors import ConfigError, PlatformError
from bot.platforms.base import CursorState
from bot.platforms.budget import RequestBudget
from bot.platforms.mastodon import MastodonConnector
from bot.platforms.mastodon_sandbox import SANDBOX_TOKEN, MastodonSandbox, MastodonSandboxClient

US = "parleytelecom"


def _get(sandbox_url: str, path: str, token: str = SANDBOX_TOKEN) -> requests.Response:
    return requests.get(f"{sandbox_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def test_our_token_and_iso_rate_limit_headers(mastodon_sandbox: MastodonSandbox) -> None:
    response = _get(mastodon_sandbox.base_url, "/api/v1/accounts/verify_credentials")
    assert response.status_code == 200
    assert response.json()["username"] == US
    assert response.headers["X-RateLimit-Limit"] == "300"
    assert int(response.headers["X-RateLimit-Remaining"]) < 300
    reset = datetime.fromisoformat(response.headers["X-RateLimit-Reset"].replace("Z", "+00:00"))
    assert reset > datetime.now(UTC)


def test_simulated_people_have_profiles_and_tokens(mastodon_sandbox: MastodonSandbox) -> None:
    status_id = mastodon_sandbox.post_as(
        username="profiled", display_name="Pro Filed", note="Dog walker. #nobot", text=f"@{US} hi", bot=True
    )
    status = _get(mastodon_sandbox.base_url, f"/api/v1/statuses/{status_id}").json()
    assert status["account"]["display_name"] == "Pro Filed"
    assert status["account"]["bot"] is True
    assert "#nobot" in status["account"]["note"]
    with pytest.raises(ValueError):
        mastodon_sandbox.post_as(username="no spaces", display_name="x", text="hi")
    with pytest.raises(ValueError):
        mastodon_sandbox.post_as(username="ok", display_name="x", text="hi", visibility="everyone")


def test_injected_fault_is_visible_to_any_client_then_gone(mastodon_sandbox: MastodonSandbox) -> None:
    mastodon_sandbox.inject_fault(status=502, count=1, path_contains="/api/v1/timelines")
    assert _get(mastodon_sandbox.base_url, "/api/v1/timelines/home").status_code == 502
    assert _get(mastodon_sandbox.base_url, "/api/v1/timelines/home").status_code == 200


def test_spending_the_window_gives_a_real_429_with_headers() -> None:
    with MastodonSandbox(rate_limit=3, rate_window_seconds=60) as sandbox:
        codes = [_get(sandbox.base_url, "/api/v1/notifications").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        last = _get(sandbox.base_url, "/api/v1/notifications")
        assert last.headers["X-RateLimit-Remaining"] == "0"
        assert last.headers["X-RateLimit-Reset"].endswith("Z")
        # Simulated people have windows of their own.
        assert sandbox.post_as(username="unaffected", display_name="U", text=f"@{US} hi")


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "mastodon.sqlite"
    with MastodonSandbox(state_path=state) as sandbox:
        first = sandbox.post_as(username="keeper", display_name="Keeper", text=f"@{US} before")
        connector = MastodonConnector(
            account=US, base_url=sandbox.base_url, access_token=SANDBOX_TOKEN, budget=RequestBudget(account="m")
        )
        [page] = list(connector.fetch(CursorState(since_id="0"), backfill_since=None))
        connector.post_reply(text="Noted.", in_reply_to_id=first, visibility=page.mentions[0].visibility,
                             author_handle="keeper")
    with MastodonSandbox(state_path=state) as sandbox:
        assert [r["in_reply_to_id"] for r in sandbox.replies_to(first)] == [first]
        second = sandbox.post_as(username="keeper", display_name="Keeper", text=f"@{US} after")
        assert int(second) > int(first)
        connector = MastodonConnector(
            account=US, base_url=sandbox.base_url, access_token=SANDBOX_TOKEN, budget=RequestBudget(account="m")
        )
        [again] = list(connector.fetch(page.cursor, backfill_since=None))
        assert [m.external_id for m in again.mentions] == [second]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sandbox_in_another_process_driven_over_http(tmp_path: Path) -> None:
    port = _free_port()
    code = (
        "from pathlib import Path; from bot.platforms.mastodon_sandbox import serve_mastodon_sandbox; "
        f"serve_mastodon_sandbox('127.0.0.1', {port}, Path({str(tmp_path / 'state.sqlite')!r}), 'parleytelecom')"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3])
    base_url = f"http://127.0.0.1:{port}"
    try:
        client = MastodonSandboxClient(base_url)
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{base_url}/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the sandbox process did not come up"
            time.sleep(0.1)
        status_id = client.post_as(username="remote", display_name="Remote", text=f"@{US} over http")
        client.inject_fault(status=503, path_contains="/api/v1/notifications")
        assert _get(base_url, "/api/v1/notifications").status_code == 503
        response = requests.post(
            f"{base_url}/api/v1/statuses",
            data={"status": "@remote hello", "in_reply_to_id": status_id, "visibility": "unlisted"},
            headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
            timeout=5,
        )
        assert response.ok
        assert [r["text"] for r in client.replies_to(status_id)] == ["@remote hello"]
        assert [r["id"] for r in client.all_our_replies()] == [str(response.json()["id"])]
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_client_reports_an_unreachable_sandbox() -> None:
    client = MastodonSandboxClient(f"http://127.0.0.1:{_free_port()}", timeout=1)
    with pytest.raises(PlatformError, match="unreachable"):
        client.all_our_replies()


def test_busy_port_or_public_address_is_a_config_error(mastodon_sandbox: MastodonSandbox) -> None:
    busy_port = int(mastodon_sandbox.base_url.rsplit(":", 1)[1])
    with pytest.raises(ConfigError, match="cannot listen"):
        MastodonSandbox(port=busy_port).start()
    with pytest.raises(ConfigError, match="loopback"):
        MastodonSandbox(host="0.0.0.0").start()
