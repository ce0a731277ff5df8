"""Training details: held-out split by template, reviewed labels from the database, version hashing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.storage.tables import AuthorRow, MentionRow, TrainingLabelRow
from intents.evaluate import LabelledPost
from intents.model import model_version
from intents.training import load_reviewed_labels, split_held_out


def test_held_out_split_keeps_templates_together_and_is_reproducible() -> None:
    rows = [LabelledPost(text=f"post {i}", intent=intent, group=f"{intent}-{i % 7}")
            for i in range(200) for intent in ("renewal", "complaint", "new_customer", "other")]
    train, held = split_held_out(rows, seed=5)
    assert len(train) + len(held) == len(rows)
    assert {r.group for r in train}.isdisjoint({r.group for r in held})
    assert {r.intent for r in held} == {"renewal", "complaint", "new_customer", "other"}
    assert split_held_out(rows, seed=5) == (train, held)


def test_version_depends_on_corpus_and_config() -> None:
    day = datetime(2026, 11, 23, tzinfo=UTC)
    first = model_version("abc", {"arch": "bow", "seed": 1}, today=day)
    assert first.startswith("intent-20261123-")
    assert first == model_version("abc", {"seed": 1, "arch": "bow"}, today=day)
    assert first != model_version("abd", {"arch": "bow", "seed": 1}, today=day)
    assert first != model_version("abc", {"arch": "cnn", "seed": 1}, today=day)


def test_reviewed_labels_come_from_the_database(
    engine: object, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_DATABASE_URL", database_url)
    monkeypatch.delenv("PARLEY_CONFIG", raising=False)
    with Session(engine) as session:  # type: ignore[arg-type]
        author = AuthorRow(platform="x", external_id="1", handle="someone")
        session.add(author)
        session.flush()
        mention = MentionRow(platform="x", external_id="99", account="parleytelecom", author_id=author.id,
                             text="deal ends next week, what can you do?", created_at=datetime.now(UTC))
        session.add(mention)
        session.flush()
        session.add(TrainingLabelRow(mention_id=mention.id, text=mention.text, intent="renewal",
                                     provider="", labelled_by="alice"))
        session.add(TrainingLabelRow(mention_id=mention.id, text="nonsense", intent="skip", labelled_by="bob"))
        session.commit()
    labels = load_reviewed_labels()
    assert labels == [LabelledPost(text="deal ends next week, what can you do?", intent="renewal",
                                   provider="parleytelecom")]


def test_reviewed_labels_from_an_unmigrated_database_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from bot import cli

    cli._register_all()
    monkeypatch.setenv("PARLEY_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.delenv("PARLEY_CONFIG", raising=False)
    result = CliRunner().invoke(cli.app, ["train", "--include-reviewed", "--limit", "200", "--epochs", "1",
                                          "--output", str(tmp_path / "model")])
    assert result.exit_code == 2
    assert "cannot read reviewed labels" in result.stderr and "migrated" in result.stderr
