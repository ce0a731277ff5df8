"""The X sandbox answers like X API v2 does (shapes taken from the recorded responses)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.errors import ConfigError
from bot.platforms.x_sandbox import SANDBOX_TOKEN, XSandbox, XSandboxClient

BEARER = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
# Any well-formed OAuth 1.0a header counts as our account (the sandbox cannot check dummy signatures).
OAUTH = {"Authorization": 'OAuth oauth_consumer_key="k", oauth_signature="s", oauth_token="t"'}


def get(sandbox: XSandbox, path: str, headers: dict[str, str] = BEARER, **params: Any) -> requests.Response:
    return requests.get(f"{sandbox.base_url}{path}", params=params, headers=headers, timeout=5)


def test_mentions_page_has_the_recorded_shape_and_only_the_fields_asked_for(x_sandbox: XSandbox) -> None:
    first = x_sandbox.post_as(username="ann", name="Ann", bio="fibre fan", text="@parleytelecom is it down?")
    second = x_sandbox.post_as(username="bob", name="Bob", text="@ParleyTelecom a & b <c>")
    x_sandbox.post_as(username="cat", name="Cat", text="no mention of anyone")
    plain = get(x_sandbox, f"/2/users/{x_sandbox.our_user_id}/mentions")
    assert plain.status_code == 200
    body = plain.json()
    assert set(body) == {"data", "meta"}
    assert body["data"][0] == {"id": second, "text": "@ParleyTelecom a &amp; b &lt;c&gt;",
                               "edit_history_tweet_ids": [second]}
    assert body["meta"] == {"result_count": 2, "newest_id": second, "oldest_id": first}
    assert int(plain.headers["x-rate-limit-limit"]) == 450
    assert int(plain.headers["x-rate-limit-remaining"]) == 449
    assert int(plain.headers["x-rate-limit-reset"]) > time.time()

    rich = get(x_sandbox, f"/2/users/{x_sandbox.our_user_id}/mentions",
               **{"tweet.fields": "author_id,created_at,lang,conversation_id", "expansions": "author_id",
                  "user.fields": "description"}).json()
    tweet = rich["data"][1]
    assert set(tweet) == {"id", "text", "edit_history_tweet_ids", "author_id", "created_at", "lang", "conversation_id"}
    assert tweet["conversation_id"] == first and tweet["created_at"].endswith("Z")
    users = {u["username"]: u for u in rich["includes"]["users"]}
    assert users["ann"] == {"id": tweet["author_id"], "name": "Ann", "username": "ann", "description": "fibre fan"}


def test_paging_is_newest_first_with_increasing_ids(x_sandbox: XSandbox) -> None:
    ids = [x_sandbox.post_as(username=f"u{i}", name="U", text=f"@parleytelecom {i}") for i in range(12)]
    assert [int(i) for i in ids] == sorted(int(i) for i in ids)
    seen: list[str] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"max_results": 5}
        if token:
            params["pagination_token"] = token
        body = get(x_sandbox, f"/2/users/{x_sandbox.our_user_id}/mentions", **params).json()
        seen += [t["id"] for t in body["data"]]
        token = body["meta"].get("next_token")
        if not token:
            break
    assert seen == list(reversed(ids))
    newer = get(x_sandbox, f"/2/users/{x_sandbox.our_user_id}/mentions", since_id=ids[-1]).json()
    assert newer == {"meta": {"result_count": 0}}


def test_invalid_parameters_get_x_shaped_400s(x_sandbox: XSandbox) -> None:
    response = get(x_sandbox, f"/2/users/{x_sandbox.our_user_id}/mentions", max_results=3)
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid Request"
    assert response.json()["errors"][0]["parameters"] == {"max_results": ["3"]}
    assert get(x_sandbox, f"/2/users/{x_sandbox.our_user_id}/mentions", pagination_token="x!").status_code == 400


def test_auth_bad_token_is_401_and_user_only_endpoints_refuse_the_bearer(x_sandbox: XSandbox) -> None:
    refused = get(x_sandbox, "/2/users/me", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and refused.json()["title"] == "Unauthorized"
    assert get(x_sandbox, "/2/users/me").status_code == 403
    me = get(x_sandbox, "/2/users/me", headers=OAUTH).json()["data"]
    assert me == {"id": x_sandbox.our_user_id, "name": "Parley Telecom", "username": "parleytelecom"}


def test_create_tweet_replies_in_the_parent_conversation(x_sandbox: XSandbox) -> None:
    root = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom help")
    follow_up = x_sandbox.post_as(username="ann", name="Ann", text="still down", in_reply_to_id=root)
    created = requests.post(f"{x_sandbox.base_url}/2/tweets", headers=OAUTH, timeout=5,
                            json={"text": "On it, Ann", "reply": {"in_reply_to_tweet_id": follow_up}})
    assert created.status_code == 201
    data = created.json()["data"]
    assert data == {"id": data["id"], "text": "On it, Ann", "edit_history_tweet_ids": [data["id"]]}
    assert int(data["id"]) > int(follow_up)
    [reply] = x_sandbox.replies_to(follow_up)
    assert reply["id"] == data["id"] and reply["conversation_id"] == root
    assert x_sandbox.all_our_replies() == [reply]
    again = requests.post(f"{x_sandbox.base_url}/2/tweets", headers=OAUTH, timeout=5, json={"text": "On it, Ann"})
    assert again.status_code == 403 and "duplicate" in again.json()["detail"]
    missing = requests.post(f"{x_sandbox.base_url}/2/tweets", headers=OAUTH, timeout=5,
                            json={"text": "hello", "reply": {"in_reply_to_tweet_id": "1"}})
    assert missing.status_code == 400


def test_reply_to_our_tweet_counts_as_a_mention(x_sandbox: XSandbox) -> None:
    root = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom hi")
    ours = requests.post(f"{x_sandbox.base_url}/2/tweets", headers=OAUTH, timeout=5,
                         json={"text": "Hello Ann", "reply": {"in_reply_to_tweet_id": root}}).json()["data"]["id"]
    answer = x_sandbox.post_as(username="ann", name="Ann", text="thanks!", in_reply_to_id=ours)
    body = get(x_sandbox, f"/2/users/{x_sandbox.our_user_id}/mentions",
               **{"tweet.fields": "in_reply_to_user_id,referenced_tweets"}).json()
    assert [t["id"] for t in body["data"]] == [answer, root]
    assert body["data"][0]["in_reply_to_user_id"] == x_sandbox.our_user_id
    assert body["data"][0]["referenced_tweets"] == [{"type": "replied_to", "id": ours}]


def test_faults_hit_the_next_matching_requests_only(x_sandbox: XSandbox) -> None:
    path = f"/2/users/{x_sandbox.our_user_id}/mentions"
    x_sandbox.inject_fault(status=429, reset_in_seconds=30, path_contains="/mentions")
    assert get(x_sandbox, "/2/users/me", headers=OAUTH).status_code == 200  # another path: untouched
    limited = get(x_sandbox, path)
    assert limited.status_code == 429 and limited.json()["title"] == "Too Many Requests"
    assert limited.headers["x-rate-limit-remaining"] == "0"
    assert 25 <= int(limited.headers["x-rate-limit-reset"]) - time.time() <= 31
    assert get(x_sandbox, path).status_code == 200
    x_sandbox.inject_fault(status=503, count=2)
    assert [get(x_sandbox, path).status_code for _ in range(3)] == [503, 503, 200]
    x_sandbox.inject_fault(status=200, body="not json")
    assert get(x_sandbox, path).text == "not json"
    x_sandbox.inject_fault(status=200, delay_seconds=1)
    with pytest.raises(requests.Timeout):
        requests.get(f"{x_sandbox.base_url}{path}", headers=BEARER, timeout=0.2)


def test_state_file_outlives_the_server(tmp_path: Path) -> None:
    state = tmp_path / "x.sqlite"
    with XSandbox(state_path=state) as first:
        tweet_id = first.post_as(username="ann", name="Ann", text="@parleytelecom persist me")
        our_id = first.our_user_id
    with XSandbox(state_path=state) as second:
        assert second.our_user_id == our_id
        body = get(second, f"/2/users/{our_id}/mentions").json()
        assert [t["id"] for t in body["data"]] == [tweet_id]
        newer = second.post_as(username="bob", name="Bob", text="@parleytelecom later")
        assert int(newer) > int(tweet_id)
        second.client.reset()
        assert get(second, f"/2/users/{our_id}/mentions").json()["meta"]["result_count"] == 0


def test_retweet_and_quote_reference_their_target(x_sandbox: XSandbox) -> None:
    root = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom outage again")
    retweet = x_sandbox.post_as(username="bob", name="Bob", text="", in_reply_to_id=root, kind="retweet")
    quote = x_sandbox.post_as(username="cat", name="Cat", text="same here", in_reply_to_id=root, kind="quote")
    client = XSandboxClient(x_sandbox.base_url)
    try:
        assert client.tweet(retweet)["text"] == "RT @ann: @parleytelecom outage again"
        assert client.tweet(retweet)["referenced_type"] == "retweeted"
        assert client.tweet(quote)["text"].startswith("same here https://t.co/")
        assert client.health()["our_username"] == "parleytelecom"
    finally:
        client.close()


def test_sandbox_only_listens_on_loopback() -> None:
    with pytest.raises(ConfigError, match="loopback"):
        XSandbox(host="0.0.0.0").start()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(client: XSandboxClient, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(f"the sandbox process exited with {process.returncode}")
        try:
            client.health()
            return
        except ConfigError:
            time.sleep(0.05)
    raise AssertionError("the sandbox process did not come up")


def test_a_sandbox_process_survives_sigkill_of_its_state(tmp_path: Path) -> None:
    """serve_x_sandbox in its own process, driven over HTTP; its SQLite file outlives a SIGKILL."""
    port, state = _free_port(), tmp_path / "x.sqlite"
    code = (
        "import sys; from pathlib import Path; from bot.platforms.x_sandbox import serve_x_sandbox; "
        "serve_x_sandbox('127.0.0.1', int(sys.argv[1]), Path(sys.argv[2]), 'parleytelecom')"
    )
    client = XSandboxClient(f"http://127.0.0.1:{port}")
    try:
        process = subprocess.Popen([sys.executable, "-c", code, str(port), str(state)])
        try:
            _wait_until_up(client, process)
            mention = client.post_as(username="ann", name="Ann", text="@parleytelecom hi")
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        process = subprocess.Popen([sys.executable, "-c", code, str(port), str(state)])
        try:
            _wait_until_up(client, process)
            assert client.tweet(mention)["text"] == "@parleytelecom hi"
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        client.close()
