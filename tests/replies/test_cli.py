"""`parley draft` and `parley customers` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.cli
from bot.config import load_config
from bot.errors import ModelError

bot.cli._register_all()
runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"database:\n  url: sqlite:///{tmp_path / 'parley.db'}\n", encoding="utf-8")
    monkeypatch.setenv("PARLEY_CONFIG", str(path))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    return path


def needs_classifier() -> None:
    """Skip only while the intent classifier or its trained model is not in the checkout yet."""
    classifier = pytest.importorskip("intents.classifier", reason="intents/classifier.py is not written yet")
    try:
        classifier.get_classifier(load_config())
    except ModelError as exc:
        pytest.skip(f"no trained intent model yet: {exc}")


def test_draft_json_for_a_prospect_with_a_postcode(config: Path) -> None:
    needs_classifier()
    result = runner.invoke(
        bot.cli.app,
        ["draft", "--json", "--author-name", "Priya Shah", "--provider", "parleytelecom",
         "Hi @parleytelecom, thinking of switching my broadband to you. What can you do at LS6 4QT?"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"intent", "route", "reason", "reply", "template", "guard"} <= data.keys()
    assert data["intent"] == "new_customer"
    assert data["route"] in ("auto", "review") and data["reason"]
    assert data["guard"]["allowed"] is True
    assert "Priya" in data["reply"] and "LS6" not in data["reply"]
    assert data["template"].startswith("common/new_customer_quote/")


def test_draft_on_mastodon_names_the_author(config: Path) -> None:
    needs_classifier()
    result = runner.invoke(
        bot.cli.app,
        ["draft", "--json", "--platform", "mastodon", "--author-handle", "@sam@social.example",
         "my contract ends next month, can I renew?"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reply"].startswith("@sam@social.example ")


def test_draft_prints_a_readable_summary(config: Path) -> None:
    needs_classifier()
    result = runner.invoke(bot.cli.app, ["draft", "--author-name", "Tom", "my wifi has been down for two days"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == ["intent", "route", "reason", "reply"]
    assert "template common/" in result.output and "passes the guard" in result.output


def test_draft_refuses_an_unknown_platform(config: Path) -> None:
    result = runner.invoke(bot.cli.app, ["draft", "--platform", "myspace", "hello"])
    assert result.exit_code == 2
    assert "--platform must be x or mastodon" in result.output


def test_customers_import_and_list(config: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "directory.csv"
    csv_path.write_text(
        "name,address,postcode,handles,plan,contract_end\n"
        "Jo Bloggs,12 Elm Row,LS6 4QT,x:@jo;mastodon:@jo@social.example,Fibre 80,2027-03-31\n"
        "Sam Okafor,9 Mill Lane,M14 5AB,,Fibre 36,\n",
        encoding="utf-8",
    )
    result = runner.invoke(bot.cli.app, ["customers", "import", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 rows skipped" in result.output
    listed = runner.invoke(bot.cli.app, ["customers", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [r["name"] for r in rows] == ["Jo Bloggs", "Sam Okafor"]
    assert rows[0]["handles"] == ["mastodon:@jo@social.example", "x:@jo"]
    text = runner.invoke(bot.cli.app, ["customers", "list"])
    assert "Jo Bloggs" in text.output and "LS6 4QT" in text.output


def test_customers_import_with_bad_rows(config: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "directory.csv"
    csv_path.write_text("name,postcode\nJo Bloggs,LS6 4QT\n,M14 5AB\n", encoding="utf-8")
    result = runner.invoke(bot.cli.app, ["customers", "import", str(csv_path)])
    assert result.exit_code == 2
    assert "nothing imported" in result.output and "line 3: name is empty" in result.output
    skipped = runner.invoke(bot.cli.app, ["customers", "import", "--skip-bad", str(csv_path)])
    assert skipped.exit_code == 0
    assert "1 added, 0 updated, 1 row skipped" in skipped.output
    assert "line 3: name is empty" in skipped.output


def test_draft_with_lookup_recognises_a_customer_by_handle(config: Path, tmp_path: Path) -> None:
    needs_classifier()
    csv_path = tmp_path / "directory.csv"
    csv_path.write_text("name,postcode,handles\nJo Bloggs,LS6 4QT,x:@jo\n", encoding="utf-8")
    assert runner.invoke(bot.cli.app, ["customers", "import", str(csv_path)]).exit_code == 0
    result = runner.invoke(
        bot.cli.app,
        ["draft", "--json", "--lookup", "--author-handle", "@jo", "--author-name", "Jo",
         "my contract is up next month, I'd like to renew please"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["customer"]["name"] == "Jo Bloggs"
    assert data["intent"] == "renewal"
    assert data["template"].startswith("common/renewal_offer/") and "£28" in data["reply"]
    assert "Bloggs" not in data["reply"] and "Recognised as Jo Bloggs" in data["reason"]
