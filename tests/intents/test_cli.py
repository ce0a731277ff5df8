"""The classify / eval / train / bench commands, through the real `parley` Typer app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot import cli

cli._register_all()
runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_classify_json() -> None:
    code, out, _ = _run("classify", "--json", "--provider", "ThreeUK", "no signal in M14 5QT for 3 days",
                        "leaving you for @O2 because of the price")
    assert code == 0
    items = json.loads(out)
    assert [i["intent"] for i in items] == ["complaint", "renewal"]
    assert {"label": "POSTCODE", "start": 13, "end": 20, "text": "M14 5QT"} in items[0]["entities"]
    assert items[1]["model_version"].startswith("intent-")


def test_classify_table() -> None:
    code, out, _ = _run("classify", "my contract ends next week, any loyalty deals?")
    assert code == 0
    assert "renewal" in out and "DATE='next week'" in out


def test_eval_json_on_a_small_file(tmp_path: Path) -> None:
    data = tmp_path / "small.jsonl"
    lines = [
        {"text": "my broadband has been down for a week", "intent": "complaint", "provider": "BTCare"},
        {"text": "out of contract, what can you offer me to stay?", "intent": "renewal"},
        {"text": "is full fibre available at LS6 2AB? would switch from Sky", "intent": "new_customer"},
        {"text": "thanks, all sorted now", "intent": "other", "provider": "EE"},
    ]
    data.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    code, out, _ = _run("eval", "--data", str(data), "--json")
    assert code == 0
    report = json.loads(out)
    assert set(report) >= {"macro_f1", "accuracy", "per_intent", "confusion", "model_version"}
    assert report["n"] == 4
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "ok", "intent": "complaint"}\n{"text": broken\n', "bad.jsonl:2: not valid JSON"),
        ('{"text": "ok", "intent": "angry"}\n', "bad.jsonl:1: 'intent' must be one of"),
        ('["a list"]\n', "bad.jsonl:1: expected a JSON object"),
        ('{"intent": "other"}\n', "bad.jsonl:1: 'text' must be a non-empty string"),
    ],
)
def test_eval_malformed_file_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    code, _, err = _run("eval", "--data", str(bad))
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_eval_missing_file(tmp_path: Path) -> None:
    code, _, err = _run("eval", "--data", str(tmp_path / "none.jsonl"))
    assert code == 2 and "no such file" in err


def test_train_tiny_model_end_to_end(tmp_path: Path) -> None:
    output = tmp_path / "model"
    code, out, err = _run("train", "--output", str(output), "--limit", "400", "--epochs", "1", "--seeds", "2",
                          "--dev", str(Path(__file__).with_name("tiny_eval.jsonl")))
    assert code == 0, err
    assert "pass 1/2" in out and "pass 2/2" in out and "held-out corpus slice" in out and "dev set" in out
    meta = json.loads((output / "parley.json").read_text(encoding="utf-8"))
    assert meta["version"].startswith("intent-") and meta["temperature"] > 0
    # the version covers the model's own settings too (hash rows, n-grams), not only corpus and seeds
    assert meta["config"]["textcat"]["length"] == 262144 and meta["config"]["seeds"] == 2
    code, out, _ = _run("classify", "--json", "--model-dir", str(output), "no signal again")
    assert code == 0 and json.loads(out)[0]["model_version"] == meta["version"]


def test_train_on_a_corpus_missing_an_intent_fails_before_training(tmp_path: Path) -> None:
    corpus = tmp_path / "renewals.jsonl"
    corpus.write_text("".join(json.dumps({"text": f"my deal ends in week {i}", "intent": "renewal",
                                          "provider": "EE"}) + "\n" for i in range(20)), encoding="utf-8")
    code, out, err = _run("train", "--corpus", str(corpus), "--output", str(tmp_path / "model"))
    assert code == 2 and "has no complaint, new_customer, other lines" in err and "Traceback" not in err
    assert "pass 1" not in out and not (tmp_path / "model").exists()


def test_train_rejects_unknown_arch() -> None:
    code, _, err = _run("train", "--arch", "transformer")
    assert code == 2 and "--arch" in err


def test_bench_json() -> None:
    code, out, _ = _run("bench", "--json", "--n", "300", "--repeat", "2")
    assert code == 0
    report = json.loads(out)
    results = report["classifier"]
    assert results["repeat"] == 2
    for measure in ("batch", "batch_without_pii", "text_model_only", "single"):
        assert results[f"{measure}_per_second"] >= results[f"{measure}_per_second_median"] > 0  # best ≥ median
    assert results["max_rss_mb"] > 0 and results["model_load_seconds"] > 0
    assert sum(report["pipeline"]["pipeline_routes"].values()) == report["pipeline"]["pipeline_mentions"]


_DEV_REPORTS: dict[Path, dict[str, Any]] = {}


@pytest.fixture
def dev_report(shared_dir: Path) -> dict[str, Any]:
    """`parley eval --baselines` on the real dev posts, run once for the module's two tests."""
    path = shared_dir / "data" / "dev.jsonl"
    if path not in _DEV_REPORTS:
        code, out, err = _run("eval", "--data", str(path), "--json", "--baselines")
        assert code == 0, err
        _DEV_REPORTS[path] = json.loads(out)
    return _DEV_REPORTS[path]


def test_eval_on_dev_beats_both_baselines(dev_report: dict[str, Any]) -> None:
    assert dev_report["n"] == 415
    assert dev_report["macro_f1"] >= 0.70  # the shipped model measured 0.735; see docs/classifier.md
    for baseline in dev_report["baselines"].values():
        assert dev_report["macro_f1"] > baseline["macro_f1"]


def test_eval_on_dev_reaches_the_targets(dev_report: dict[str, Any]) -> None:
    """The issue's targets, on the shipped model (measured 0.735; renewal 0.759, complaint 0.854)."""
    assert dev_report["macro_f1"] >= 0.70
    assert dev_report["per_intent"]["renewal"]["f1"] >= 0.75
    assert dev_report["per_intent"]["complaint"]["f1"] >= 0.75
