"""Posting replies to a real X sandbox, and finding them again after a crash."""

from __future__ import annotations

import pytest

from bot.config import AccountSettings
from bot.domain import Visibility
from bot.errors import AuthFailed, PlatformError, RateLimited, Transient
from bot.platforms.budget import RequestBudget
from bot.platforms.x import XConnector
from bot.platforms.x_sandbox import XSandbox


def reply(connector: XConnector, to: str, text: str) -> str:
    return connector.post_reply(text=text, in_reply_to_id=to, visibility=Visibility.PUBLIC, author_handle="ann")


def test_reply_lands_in_the_right_thread_and_is_found_again(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    root = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom my router blinks red")
    follow = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom any news?", in_reply_to_id=root)
    other = x_sandbox.post_as(username="bob", name="Bob", text="@parleytelecom hello")

    new_id = reply(x_connector, follow, "Sorry Ann, we're looking into it & will update you.")
    [posted] = x_sandbox.replies_to(follow)
    assert posted["id"] == new_id
    assert posted["text"] == "Sorry Ann, we're looking into it & will update you."
    assert posted["conversation_id"] == root and posted["in_reply_to_tweet_id"] == follow
    assert x_sandbox.replies_to(root) == [] and x_sandbox.replies_to(other) == []

    assert x_connector.find_reply(in_reply_to_id=follow, text=posted["text"]) == new_id
    assert x_connector.find_reply(in_reply_to_id=follow, text="worded differently") == new_id
    assert x_connector.find_reply(in_reply_to_id=other, text="anything") is None
    assert x_connector.find_reply(in_reply_to_id="not-an-id", text="anything") is None


def test_find_reply_after_a_restart_uses_a_fresh_connector(x_sandbox: XSandbox, x_account: AccountSettings) -> None:
    mention = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom hi")
    before_crash = XConnector.from_settings(x_account, budget=RequestBudget(account="x-test"))
    new_id = reply(before_crash, mention, "Hello Ann")  # ... and the process dies before mark_sent
    for i in range(120):  # our account keeps talking, so the reply is beyond the first timeline page
        reply(before_crash, x_sandbox.post_as(username=f"p{i}", name="P", text="@parleytelecom q"), f"Answer {i}")
    after_restart = XConnector.from_settings(x_account, budget=RequestBudget(account="x-test"))
    assert after_restart.find_reply(in_reply_to_id=mention, text="Hello Ann") == new_id


def test_reply_to_a_deleted_tweet_is_a_platform_error_not_auth(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    with pytest.raises(PlatformError) as err:
        reply(x_connector, "12345", "Hello")
    assert type(err.value) is PlatformError and "400" in str(err.value)


def test_duplicate_text_is_refused_without_stopping_the_account(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    first = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom a")
    second = x_sandbox.post_as(username="bob", name="Bob", text="@parleytelecom b")
    reply(x_connector, first, "Thanks for getting in touch")
    with pytest.raises(PlatformError, match="duplicate content") as err:
        reply(x_connector, second, "Thanks for getting in touch")
    assert not isinstance(err.value, AuthFailed)


def test_write_faults_map_to_their_types(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    mention = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom hi")
    x_sandbox.inject_fault(status=503, path_contains="/2/tweets")
    with pytest.raises(Transient):
        reply(x_connector, mention, "one")
    x_sandbox.inject_fault(status=403, path_contains="/2/tweets")
    with pytest.raises(AuthFailed):
        reply(x_connector, mention, "two")
    x_sandbox.inject_fault(status=429, reset_in_seconds=1, path_contains="/2/tweets")
    with pytest.raises(RateLimited) as limited:
        reply(x_connector, mention, "three")
    assert limited.value.reset_at is not None
    assert x_sandbox.replies_to(mention) == []
