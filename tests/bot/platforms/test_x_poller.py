"""Polling mentions from a real X sandbox on 127.0.0.1 through the tweepy-based connector."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import AccountSettings
from bot.errors import AuthFailed, MalformedPayload, RateLimited, Transient
from bot.platforms import x as x_module
from bot.platforms.base import CursorState, FetchedPage
from bot.platforms.budget import RequestBudget
from bot.platforms.x import XConnector
from bot.platforms.x_sandbox import XSandbox

HOUR_AGO = timedelta(hours=1)


def since(delta: timedelta = HOUR_AGO) -> datetime:
    return datetime.now(UTC) - delta


def post_many(sandbox: XSandbox, count: int, prefix: str = "m") -> list[str]:
    return [
        sandbox.post_as(username=f"{prefix}{i}", name=f"Person {i}", text=f"@parleytelecom question {prefix}{i}")
        for i in range(count)
    ]


def settle(connector: XConnector, sandbox: XSandbox) -> CursorState:
    """A warm cursor: a cold poll that saw one earlier mention, so since_id is set."""
    seed = sandbox.post_as(username="seed", name="Seed", text="@parleytelecom earlier")
    pages = list(connector.fetch(CursorState(), backfill_since=since()))
    assert pages[-1].cursor.since_id == seed
    return pages[-1].cursor


def drain(connector: XConnector, cursor: CursorState) -> tuple[list[FetchedPage], CursorState]:
    pages = list(connector.fetch(cursor, backfill_since=since()))
    return pages, pages[-1].cursor


def ids_of(pages: list[FetchedPage]) -> list[str]:
    return [m.external_id for page in pages for m in page.mentions]


def test_250_mentions_arrive_in_three_pages_and_since_id_moves_only_at_the_end(
    x_sandbox: XSandbox, x_connector: XConnector
) -> None:
    x_sandbox.post_as(username="old", name="Old", text="@parleytelecom before")
    cursor = list(x_connector.fetch(CursorState(), backfill_since=since()))[-1].cursor
    posted = post_many(x_sandbox, 250)
    pages, final = drain(x_connector, cursor)
    assert [len(p.mentions) for p in pages] == [100, 100, 50]
    assert sorted(ids_of(pages)) == sorted(posted)
    for page in pages[:-1]:
        assert page.cursor.since_id == cursor.since_id and page.cursor.paging_token
        assert page.cursor.paging_newest_id == posted[-1]
    assert final == CursorState(since_id=posted[-1], extra={"user_id": x_sandbox.our_user_id})
    again, _ = drain(x_connector, final)
    assert ids_of(again) == []  # nothing new: nothing fetched twice


def test_restart_in_the_middle_of_paging_loses_and_repeats_nothing(
    x_sandbox: XSandbox, x_account: AccountSettings
) -> None:
    first_run = XConnector.from_settings(x_account, budget=RequestBudget(account="x-test"))
    cursor = settle(first_run, x_sandbox)
    posted = post_many(x_sandbox, 250)
    page_one = next(iter(first_run.fetch(cursor, backfill_since=since())))  # then the process dies
    saved = page_one.cursor
    assert saved.paging_token and saved.since_id == cursor.since_id
    arrived_meanwhile = post_many(x_sandbox, 5, prefix="late")

    second_run = XConnector.from_settings(x_account, budget=RequestBudget(account="x-test"))
    rest, resting = drain(second_run, saved)
    assert resting.since_id == posted[-1]  # the interrupted batch ends where it began
    newer, _ = drain(second_run, resting)
    everything = ids_of([page_one]) + ids_of(rest) + ids_of(newer)
    assert len(everything) == len(set(everything)) == 255
    assert set(everything) == set(posted) | set(arrived_meanwhile)


def test_cold_start_returns_only_the_backfill_window_and_remembers_the_newest(
    x_sandbox: XSandbox, x_connector: XConnector
) -> None:
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    for i in range(3):
        x_sandbox.post_as(username=f"old{i}", name="Old", text="@parleytelecom old news", created_at=two_hours_ago)
    recent = post_many(x_sandbox, 2)
    pages = list(x_connector.fetch(CursorState(), backfill_since=since()))
    assert sorted(ids_of(pages)) == sorted(recent)
    assert pages[-1].cursor.since_id == recent[-1] and pages[-1].cursor.paging_token is None
    later = x_sandbox.post_as(username="new", name="New", text="@parleytelecom hello again")
    assert ids_of(list(x_connector.fetch(pages[-1].cursor, backfill_since=since()))) == [later]


def test_cold_start_stops_paging_at_the_backfill_boundary(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=2)
    for i in range(120):
        x_sandbox.post_as(username=f"old{i}", name="Old", text=f"@parleytelecom {i}", created_at=long_ago)
    recent = post_many(x_sandbox, 3)
    pages = list(x_connector.fetch(CursorState(), backfill_since=since()))
    assert len(pages) == 1 and sorted(ids_of(pages)) == sorted(recent)
    assert x_connector.budget.snapshot()["remaining"] == 449  # one mentions request, not two
    assert x_connector.budget.reads_this_month == 100  # X's monthly cap counts posts received


def test_cold_start_without_backfill_returns_nothing_but_sets_the_cursor(
    x_sandbox: XSandbox, x_connector: XConnector
) -> None:
    x_sandbox.post_as(username="a", name="A", text="@parleytelecom hi", created_at=since(timedelta(minutes=5)))
    newest = x_sandbox.post_as(username="b", name="B", text="@parleytelecom hi", created_at=since(timedelta(minutes=5)))
    pages = list(x_connector.fetch(CursorState(), backfill_since=None))
    assert ids_of(pages) == [] and pages[-1].cursor.since_id == newest


def test_mentions_carry_author_thread_language_and_reposts(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    cursor = settle(x_connector, x_sandbox)
    root = x_sandbox.post_as(username="ann", name="Ann Smith", bio="runner #nobot", text="@parleytelecom no signal",
                             lang="en")
    follow = x_sandbox.post_as(username="ann", name="Ann Smith", bio="runner #nobot",
                               text="@parleytelecom still nothing &amp; no reply", in_reply_to_id=root)
    retweet = x_sandbox.post_as(username="bob", name="Bob", text="", in_reply_to_id=root, kind="retweet")
    # A quote that adds nothing but our handle and the link is a repost, not a question.
    bare_quote = x_sandbox.post_as(username="cat", name="Cat", text="@parleytelecom", in_reply_to_id=root,
                                   kind="quote")
    quote = x_sandbox.post_as(username="dan", name="Dan", text="@parleytelecom me too", in_reply_to_id=root,
                              kind="quote")
    foreign = x_sandbox.post_as(username="eve", name="Eve", text="@parleytelecom hola", lang="und")
    mentions = {m.external_id: m for page in drain(x_connector, cursor)[0] for m in page.mentions}
    assert set(mentions) == {root, follow, retweet, bare_quote, quote, foreign}
    reply = mentions[follow]
    assert reply.author.handle == "ann" and reply.author.display_name == "Ann Smith"
    assert reply.author.bio == "runner #nobot" and reply.author.external_id
    assert reply.text == "@parleytelecom still nothing &amp; no reply"  # X escaped it; we unescape once
    assert reply.in_reply_to_id == root and reply.conversation_key == root == mentions[root].conversation_key
    assert mentions[root].language == "en" and mentions[foreign].language is None
    assert mentions[retweet].is_repost and mentions[bare_quote].is_repost
    assert not mentions[quote].is_repost and not reply.is_repost
    assert abs(reply.created_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_conversation_root_comes_from_conversation_id(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    root = x_sandbox.post_as(username="ann", name="Ann", text="@parleytelecom one")
    child = x_sandbox.post_as(username="bob", name="Bob", text="two", in_reply_to_id=root)
    grandchild = x_sandbox.post_as(username="ann", name="Ann", text="three", in_reply_to_id=child)
    assert x_connector.conversation_root(grandchild) == root
    assert x_connector.conversation_root("999") is None  # gone: X answers 200 with errors only


def test_429_raises_rate_limited_with_the_announced_reset(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    cursor = settle(x_connector, x_sandbox)
    x_sandbox.inject_fault(status=429, reset_in_seconds=90, path_contains="/mentions")
    with pytest.raises(RateLimited) as err:
        list(x_connector.fetch(cursor, backfill_since=since()))
    assert err.value.reset_at is not None
    assert timedelta(seconds=80) < err.value.reset_at - datetime.now(UTC) <= timedelta(seconds=91)
    assert err.value.platform == "x" and err.value.account == "x-test"
    with pytest.raises(RateLimited):  # the budget now refuses without asking the server
        list(x_connector.fetch(cursor, backfill_since=since()))


def test_budget_holds_back_reads_near_the_limit(x_sandbox: XSandbox, x_account: AccountSettings) -> None:
    budget = RequestBudget(account="x-test", reserve_for_writes=449)  # the sandbox allows 450 reads
    connector = XConnector.from_settings(x_account, budget=budget)
    cursor = CursorState(extra={"user_id": x_sandbox.our_user_id})  # no get_me: its window is smaller
    cursor = list(connector.fetch(cursor, backfill_since=since()))[-1].cursor
    assert budget.snapshot()["remaining"] == 449
    with pytest.raises(RateLimited, match="kept for replies"):
        list(connector.fetch(cursor, backfill_since=since()))


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_transient(x_sandbox: XSandbox, x_connector: XConnector, status: int) -> None:
    cursor = settle(x_connector, x_sandbox)
    x_sandbox.inject_fault(status=status, path_contains="/mentions")
    with pytest.raises(Transient, match=str(status)):
        list(x_connector.fetch(cursor, backfill_since=since()))
    assert list(x_connector.fetch(cursor, backfill_since=since()))  # and it recovers


def test_timeout_is_transient(x_sandbox: XSandbox, x_account: AccountSettings) -> None:
    connector = XConnector.from_settings(x_account, budget=RequestBudget(account="x-test"), timeout=0.3)
    cursor = settle(connector, x_sandbox)
    x_sandbox.inject_fault(status=200, delay_seconds=1, path_contains="/mentions")
    with pytest.raises(Transient, match="timed out"):
        list(connector.fetch(cursor, backfill_since=since()))


def test_connection_refused_is_transient(x_account: AccountSettings) -> None:
    dead = x_account.model_copy(update={"base_url": "http://127.0.0.1:9"})
    connector = XConnector.from_settings(dead, budget=RequestBudget(account="x-test"), timeout=1)
    with pytest.raises(Transient):
        connector.user_id()


def test_401_is_auth_failed(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    cursor = settle(x_connector, x_sandbox)
    x_sandbox.inject_fault(status=401, path_contains="/mentions")
    with pytest.raises(AuthFailed, match="401"):
        list(x_connector.fetch(cursor, backfill_since=since()))


def test_an_unusable_tweet_is_skipped_and_named(
    x_sandbox: XSandbox, x_connector: XConnector, caplog: pytest.LogCaptureFixture
) -> None:
    cursor = settle(x_connector, x_sandbox)
    assert cursor.since_id is not None
    good_id, textless_id = str(int(cursor.since_id) + 1), str(int(cursor.since_id) + 2)
    good = {"id": good_id, "text": "@parleytelecom fine", "edit_history_tweet_ids": [good_id]}
    body = {"data": [{"id": textless_id}, {"text": "no id"}, "junk", good],
            "meta": {"result_count": 4, "newest_id": textless_id, "oldest_id": good_id}}
    x_sandbox.inject_fault(status=200, body=json.dumps(body), path_contains="/mentions")
    with caplog.at_level(logging.WARNING):
        pages = list(x_connector.fetch(cursor, backfill_since=since()))
    assert ids_of(pages) == [good_id]
    assert f"mention {textless_id}: it has no text" in caplog.text
    assert pages[-1].cursor.since_id == textless_id  # a skipped tweet is not fetched again and again


@pytest.mark.parametrize("payload", ["<html>oops</html>", "[1, 2]", '{"data": {"id": "1"}}'])
def test_a_broken_page_is_malformed_payload(x_sandbox: XSandbox, x_connector: XConnector, payload: str) -> None:
    cursor = settle(x_connector, x_sandbox)
    x_sandbox.inject_fault(status=200, body=payload, path_contains="/mentions")
    with pytest.raises(MalformedPayload):
        list(x_connector.fetch(cursor, backfill_since=since()))


def test_a_refused_saved_paging_token_restarts_the_batch(x_sandbox: XSandbox, x_connector: XConnector) -> None:
    cursor = settle(x_connector, x_sandbox)
    posted = post_many(x_sandbox, 7)
    stale = CursorState(since_id=cursor.since_id, paging_token="expired!", paging_newest_id="1",
                        extra=cursor.extra)
    pages = list(x_connector.fetch(stale, backfill_since=since()))
    assert sorted(ids_of(pages)) == sorted(posted) and pages[-1].cursor.since_id == posted[-1]


def test_a_gap_beyond_what_x_serves_is_warned_once(
    x_sandbox: XSandbox, x_connector: XConnector, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(x_module, "MENTIONS_REACH", 10)
    cursor = settle(x_connector, x_sandbox)
    post_many(x_sandbox, 12)
    with caplog.at_level(logging.WARNING):
        _, cursor = drain(x_connector, cursor)
        post_many(x_sandbox, 12, prefix="again")
        drain(x_connector, cursor)
    assert caplog.text.count("older ones may be missing") == 1


def test_the_monthly_cap_counts_posts_received_not_requests(x_sandbox: XSandbox, x_account: AccountSettings) -> None:
    budget = RequestBudget(account="x-test", monthly_read_cap=10)
    connector = XConnector.from_settings(x_account, budget=budget)
    cursor = settle(connector, x_sandbox)  # get_me is free; the seed mention costs one post
    assert budget.reads_this_month == 1
    post_many(x_sandbox, 12)
    _, cursor = drain(connector, cursor)
    assert budget.reads_this_month == 13
    with pytest.raises(RateLimited, match="monthly read cap"):
        drain(connector, cursor)
