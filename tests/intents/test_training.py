"""Training details: held-out split, reviewed labels from the database, version hashing, seed averaging,
prior shift, the corpus files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy
import pytest
from sqlmodel import Session

from bot.storage.tables import AuthorRow, MentionRow, TrainingLabelRow
from intents.evaluate import DataFileError, LabelledPost
from intents.model import LABELS, TrainingExample, model_version, predict_probabilities, shift_prior, train_pipeline
from intents.training import (
    class_shares,
    corpus_digest,
    corpus_files,
    load_reviewed_labels,
    read_corpus,
    split_held_out,
)


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


_ROWS = [
    TrainingExample("@us my contract ends soon what can you offer", "renewal"),
    TrainingExample("@us no signal again for days", "complaint"),
    TrainingExample("@us do you cover my street , thinking of joining", "new_customer"),
    TrainingExample("@us thanks , all sorted", "other"),
] * 10


def _output_weights(nlp: object) -> tuple[numpy.ndarray, numpy.ndarray]:
    layer = nlp.get_pipe("textcat").model.get_ref("output_layer")  # type: ignore[attr-defined]
    return layer.get_param("W").copy(), layer.get_param("b").copy()


def test_averaged_runs_are_the_mean_of_single_runs() -> None:
    single = [_output_weights(train_pipeline(_ROWS, seed=seed)) for seed in (3, 4)]
    averaged = _output_weights(train_pipeline(_ROWS, seed=3, seeds=2))
    assert numpy.allclose(averaged[0], (single[0][0] + single[1][0]) / 2)
    assert numpy.allclose(averaged[1], (single[0][1] + single[1][1]) / 2)


def test_prior_shift_is_bayes_rule_on_the_scores() -> None:
    nlp = train_pipeline(_ROWS, seed=3)
    texts = ["@us my contract ends", "@us no signal", "@us thanks"]
    before = numpy.array(predict_probabilities(nlp, texts))
    trained_on = {"renewal": 0.25, "complaint": 0.25, "new_customer": 0.25, "other": 0.25}
    expected = {"renewal": 0.1, "complaint": 0.6, "new_customer": 0.1, "other": 0.2}
    shift_prior(nlp, trained_on, expected)
    after = numpy.array(predict_probabilities(nlp, texts))
    ratio = numpy.array([expected[label] / trained_on[label] for label in LABELS])
    bayes = before * ratio / (before * ratio).sum(axis=1, keepdims=True)
    assert numpy.allclose(after, bayes, atol=1e-5)


def test_class_shares_need_every_intent() -> None:
    rows = [LabelledPost(text="a", intent="renewal"), LabelledPost(text="b", intent="complaint")]
    with pytest.raises(DataFileError, match="no new_customer, other lines"):
        class_shares(rows)
    rows += [LabelledPost(text="c", intent="new_customer"), LabelledPost(text="d", intent="other")]
    assert class_shares(rows) == {"renewal": 0.25, "complaint": 0.25, "new_customer": 0.25, "other": 0.25}


def test_corpus_is_the_template_file_plus_every_written_file(tmp_path: Path) -> None:
    (tmp_path / "written").mkdir()
    (tmp_path / "corpus.jsonl").write_text('{"text": "a", "intent": "other", "template": "t1"}\n', encoding="utf-8")
    (tmp_path / "written" / "b.jsonl").write_text('{"text": "b", "intent": "renewal"}\n', encoding="utf-8")
    (tmp_path / "written" / "a.jsonl").write_text('{"text": "c", "intent": "complaint"}\n', encoding="utf-8")
    paths = (tmp_path / "corpus.jsonl", tmp_path / "written")
    assert [f.name for f in corpus_files(paths)] == ["corpus.jsonl", "a.jsonl", "b.jsonl"]
    assert [r.text for r in read_corpus(paths)] == ["a", "c", "b"]
    digest = corpus_digest(paths)
    (tmp_path / "written" / "a.jsonl").write_text('{"text": "c!", "intent": "complaint"}\n', encoding="utf-8")
    assert corpus_digest(paths) != digest
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataFileError, match=r"no \.jsonl files"):
        corpus_files([tmp_path / "empty"])
