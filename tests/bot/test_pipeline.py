"""The whole flow on real parts: sandbox networks, connectors, classifier, reply engine, outbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import Settings, parse_config
from bot.pipeline import Pipeline
from bot.platforms.mastodon_sandbox import MastodonSandbox
from bot.platforms.x_sandbox import XSandbox
from bot.polling import poll_account
from bot.publishing import publish_due
from bot.runtime import Runtime
from bot.storage.tables import DraftRow, MentionRow, OptOutRow, OutboxRow


@pytest.fixture
def x_box() -> Iterator[XSandbox]:
    with XSandbox(our_username="parleytelecom") as box:
        yield box


@pytest.fixture
def masto_box() -> Iterator[MastodonSandbox]:
    with MastodonSandbox(our_username="parleytelecom") as box:
        yield box


def _settings(engine: Engine, x: XSandbox | None, masto: MastodonSandbox | None, **extra: Any) -> Settings:
    accounts = []
    if x is not None:
        accounts.append({"name": "x", "platform": "x", "handle": "parleytelecom", "base_url": x.base_url,
                         "sandbox": True})
    if masto is not None:
        accounts.append({"name": "masto", "platform": "mastodon", "handle": "parleytelecom",
                         "base_url": masto.base_url, "sandbox": True})
    return parse_config({"database": {"url": str(engine.url)}, "accounts": accounts, **extra})


def _round(runtime: Runtime, pipeline: Pipeline) -> None:
    for account in runtime.settings.accounts:
        assert poll_account(runtime, account).outcome == "ok"
    pipeline.process_new()
    publish_due(runtime=runtime)


def _drafts(engine: Engine) -> list[tuple[MentionRow, DraftRow]]:
    with Session(engine) as s:
        rows = s.exec(select(MentionRow, DraftRow).where(DraftRow.mention_id == MentionRow.id)
                      .order_by(MentionRow.id)).all()
        return [(m, d) for m, d in rows]


def test_a_prospect_who_answers_with_a_postcode_gets_a_quote(engine: Engine, x_box: XSandbox) -> None:
    runtime = Runtime(settings=_settings(engine, x_box, None), engine=engine)
    pipeline = Pipeline(runtime)
    first = x_box.post_as(username="dev_p", name="Dev Patel",
                          text="@parleytelecom thinking of switching my broadband to you, what deals do you have?")
    _round(runtime, pipeline)
    ((mention, draft),) = _drafts(engine)
    assert "postcode" in draft.text.lower() and "account number" not in draft.text.lower()
    if draft.status == "pending_review":  # a person would approve it; do it here
        with Session(engine) as s:
            from bot.storage.repo import enqueue_reply

            row = s.get(DraftRow, draft.id)
            assert row is not None
            enqueue_reply(session=s, draft=row, mention=mention, author_handle="dev_p")
            s.commit()
        publish_due(runtime=runtime)
    (ours,) = x_box.replies_to(first)
    follow_up = x_box.post_as(username="dev_p", name="Dev Patel", text="@parleytelecom LS6 2AB",
                              in_reply_to_id=ours["id"])
    _round(runtime, pipeline)
    drafts = _drafts(engine)
    assert len(drafts) == 2
    (m1, _), (m2, d2) = drafts
    assert m2.external_id == follow_up and m2.conversation_id == m1.conversation_id
    with Session(engine) as s:
        from bot.storage.tables import ConversationRow

        conversation = s.get(ConversationRow, m2.conversation_id)
        assert conversation is not None and conversation.intent == "new_customer"
    assert "£" in d2.text and "Mbps" in d2.text  # the quote, from the address


def test_shadow_mode_sends_nothing_and_says_what_would_have_gone(engine: Engine, x_box: XSandbox) -> None:
    runtime = Runtime(settings=_settings(engine, x_box, None, shadow_mode=True), engine=engine)
    pipeline = Pipeline(runtime)
    for i, text in enumerate([
        "@parleytelecom my contract ends next month, what's your best renewal price for a loyal customer?",
        "@parleytelecom do you do fibre at BS3 4QT? want to switch from BT",
    ]):
        x_box.post_as(username=f"u{i}", name=f"U {i}", text=text)
    _round(runtime, pipeline)
    drafts = [d for _, d in _drafts(engine)]
    assert drafts and all(d.status == "pending_review" for d in drafts)
    assert any(d.would_auto_send for d in drafts)
    assert x_box.all_our_replies() == []
    with Session(engine) as s:
        assert s.exec(select(OutboxRow)).all() == []


def test_personal_data_posted_in_public_is_never_repeated(engine: Engine, x_box: XSandbox) -> None:
    runtime = Runtime(settings=_settings(engine, x_box, None), engine=engine)
    pipeline = Pipeline(runtime)
    x_box.post_as(username="ruth", name="Ruth Brennan",
                  text="@parleytelecom my line is dead again. phone 07700 900123, account number 88234411. sort it!")
    _round(runtime, pipeline)
    ((_, draft),) = _drafts(engine)
    assert draft.status == "pending_review" and draft.priority >= 40
    assert "900123" not in draft.text and "88234411" not in draft.text
    assert "delet" in draft.text.lower()
    assert x_box.all_our_replies() == []


def test_stop_opts_out_across_networks(engine: Engine, x_box: XSandbox, masto_box: MastodonSandbox) -> None:
    runtime = Runtime(settings=_settings(engine, x_box, masto_box), engine=engine)
    pipeline = Pipeline(runtime)
    x_box.post_as(username="lewis_h", name="Lewis", text="@parleytelecom stop")
    masto_box.post_as(username="lewis_h", display_name="Lewis",
                      text="@parleytelecom what broadband deals have you got at M14 6HR?")
    for account in runtime.settings.accounts[:1]:
        poll_account(runtime, account)
    pipeline.process_new()
    _round(runtime, pipeline)
    with Session(engine) as s:
        assert len(s.exec(select(OptOutRow)).all()) == 1
        reasons = sorted(m.filter_reason or "" for m in s.exec(select(MentionRow)).all())
    assert any("said stop" in r for r in reasons)
    assert any("asked us to stop" in r for r in reasons)
    assert masto_box.all_our_replies() == [] and x_box.all_our_replies() == []


def test_a_mastodon_reply_to_an_unseen_post_joins_its_thread(engine: Engine, masto_box: MastodonSandbox) -> None:
    runtime = Runtime(settings=_settings(engine, None, masto_box), engine=engine)
    pipeline = Pipeline(runtime)
    root = masto_box.post_as(username="anna", display_name="Anna", text="anyone know a decent broadband provider?")
    reply = masto_box.post_as(username="kwame", display_name="Kwame", in_reply_to_id=root,
                              text="@parleytelecom can you help Anna? what do you have for new customers in CF10 1EP?")
    _round(runtime, pipeline)
    from bot.storage.tables import ConversationRow

    with Session(engine) as s:
        mention = s.exec(select(MentionRow).where(MentionRow.external_id == reply)).one()
        conversation = s.get(ConversationRow, mention.conversation_id)
        assert conversation is not None and conversation.key == root


def test_demo_once_json(tmp_path: Path, database_url: str) -> None:
    import json

    import yaml
    from typer.testing import CliRunner

    from bot import cli

    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "database": {"url": database_url},
        "sandbox": {"x_port": 0, "mastodon_port": 0, "traffic_per_round": 10},
        "accounts": [
            {"name": "x-sandbox", "platform": "x", "handle": "parleytelecom", "base_url": "http://127.0.0.1:1",
             "sandbox": True},
            {"name": "mastodon-sandbox", "platform": "mastodon", "handle": "parleytelecom",
             "base_url": "http://127.0.0.1:1", "sandbox": True},
        ],
    }))
    cli._register_all()
    result = CliRunner().invoke(cli.app, ["--config", str(config), "demo", "--once", "--json",
                                          "--state-dir", str(tmp_path / "sandbox")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert summary["mentions_fetched"] == 10
    assert set(summary["drafts"]) == {"auto", "review"}
    assert summary["replies_sent"] == summary["drafts"]["auto"] > 0


def test_one_broken_mention_does_not_block_the_rest(
    engine: Engine, x_box: XSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = Runtime(settings=_settings(engine, x_box, None), engine=engine)
    pipeline = Pipeline(runtime)
    x_box.post_as(username="a", name="A", text="@parleytelecom POISON what deals for new customers?")
    x_box.post_as(username="b", name="B", text="@parleytelecom what deals do you have for new customers?")
    real = pipeline.classifier.classify

    def flaky(text: str, **kwargs: Any) -> Any:
        if "POISON" in text:
            raise RuntimeError("a bug for this one post")
        return real(text, **kwargs)

    monkeypatch.setattr(pipeline.classifier, "classify", flaky)
    assert poll_account(runtime, runtime.settings.accounts[0]).stored == 2
    result = pipeline.process_new()
    assert (result.failed, result.processed) == (1, 1)
    assert pipeline.process_new().processed == 0  # the failed one is not retried in a loop
    with Session(engine) as s:
        statuses = sorted(m.status for m in s.exec(select(MentionRow)).all())
    assert statuses == ["failed", "processed"]
