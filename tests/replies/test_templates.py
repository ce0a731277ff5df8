"""Templates: all load and pass the guard; a bad one stops start-up naming its file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("replies.guard", reason="replies/guard.py (the no-numbers guard) is not written yet")

from bot.config import Settings
from bot.errors import TemplateError
from replies.compose import TemplateLibrary, render
from replies.drafting import SITUATIONS
from replies.engine import PROJECT_ROOT, ReplyEngine
from replies.guard import check_reply

SHIPPED = PROJECT_ROOT / "replies" / "templates"


def engine_with(templates: Path) -> ReplyEngine:
    return ReplyEngine(Settings.model_validate({"replies": {"templates_dir": str(templates)}}))


@pytest.fixture
def template_copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(SHIPPED, target)
    return target


def test_shipped_templates_load_and_every_situation_has_variants() -> None:
    engine = ReplyEngine(Settings())
    library = engine.templates
    assert set(SITUATIONS) <= library.situations()
    for situation in SITUATIONS:
        common = library.variants(situation, "x")
        assert len(common) >= 2, f"{situation} needs at least two wordings"
        sample = {"first_name": "Jo", "follow_up": False, "customer_known": False, "renewal": True,
                  "plan": "Fibre 80", "speed": 80, "price": "£25", "contract_months": 18, "contract_end": "",
                  "pii_kinds": "a phone number", "provider": "Parley Telecom"}
        texts = {render(t, sample) for t in common}
        assert len(texts) == len(common), f"{situation} has two wordings that read the same"
        for text in texts:
            assert check_reply(text).allowed


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Hi {{ first_name or 'there' }}, what is your account number?", "refused by the guard"),
        ("Hi {{ first_name or 'there' }}, please DM us your phone number.", "refused by the guard"),
        ("Hi {{ nickname }}!", "nickname"),
        ("Hi {{ first_name ", "unexpected end of template"),
        ("Thanks, @someone will help.", "must not contain '@'"),
        ("Hello! " + "We are so glad you asked. " * 12, "too long for x"),
        ("{{ ''.__class__.__mro__ }}", "__class__"),
    ],
)
def test_a_bad_template_stops_start_up_naming_the_file(template_copy: Path, source: str, message: str) -> None:
    bad = template_copy / "common" / "general" / "9.j2"
    bad.write_text(source, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        engine_with(template_copy)
    assert str(bad) in str(caught.value)
    assert message in str(caught.value)


def test_a_missing_situation_is_refused(template_copy: Path) -> None:
    shutil.rmtree(template_copy / "common" / "question")
    with pytest.raises(TemplateError, match="no templates for question"):
        engine_with(template_copy)


def test_platform_folder_overrides_common_for_that_platform_only(template_copy: Path) -> None:
    library = TemplateLibrary(template_copy)
    assert {t.template_id.split("/")[0] for t in library.variants("renewal_offer", "mastodon")} == {"mastodon"}
    assert {t.template_id.split("/")[0] for t in library.variants("renewal_offer", "x")} == {"common"}


def test_variables_are_data_never_template_source(template_copy: Path) -> None:
    library = TemplateLibrary(template_copy)
    template = library.variants("general", "x")[0]
    text = render(template, {"first_name": "{{ 7*7 }}", "follow_up": False})
    assert "{{ 7*7 }}" in text and "49" not in text  # rendered as given; cleaning happens before
