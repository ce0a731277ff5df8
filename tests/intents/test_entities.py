"""Entity spans and display-name sanitising."""

from __future__ import annotations

import pytest

from intents.entities import extract_entities, first_name_from_display
from intents.providers import provider_terms


def _found(text: str, provider: str | None = "ThreeUK") -> list[tuple[str, str]]:
    spans = extract_entities(text, provider_terms=provider_terms(provider) if provider else None)
    for span in spans:
        assert text[span.start : span.end] == span.text
    return [(s.label, s.text) for s in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no signal at M14 5QT", ("POSTCODE", "M14 5QT")),
        ("no signal at m145qt since monday", ("POSTCODE", "m145qt")),
        ("is fibre available in se15?", ("POSTCODE", "se15")),
        ("coverage near zip 78704 please", ("ZIP", "78704")),
        ("I live at flat 3 above the shop", ("ADDRESS", "flat 3")),
        ("moved to 12 Acacia Avenue last week", ("ADDRESS", "12 Acacia Avenue")),
        ("paying £35 a month", ("MONEY", "£35 a month")),
        ("it's $40/month over there", ("MONEY", "$40/month")),
        ("that's 30 quid for nothing", ("MONEY", "30 quid")),
        ("my deal ends in March", ("DATE", "in March")),
        ("engineer coming next week", ("DATE", "next week")),
        ("bill due on the 14th", ("DATE", "on the 14th")),
        ("Hi I'm Sarah and my wifi is down", ("PERSON", "Sarah")),
        ("my broadband keeps dropping", ("PRODUCT", "broadband")),
        ("5G icon but nothing loads", ("PRODUCT", "5G")),
    ],
)
def test_entities(text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(text)


def test_provider_versus_competitor_depends_on_who_is_addressed() -> None:
    text = "leaving @O2 for Three, EE was no better"
    assert _found(text, "ThreeUK") == [("COMPETITOR", "@O2"), ("PROVIDER", "Three"), ("COMPETITOR", "EE")]
    assert _found(text, "O2") == [("PROVIDER", "@O2"), ("COMPETITOR", "Three"), ("COMPETITOR", "EE")]


def test_counting_words_are_not_providers_or_postcodes() -> None:
    found = _found("Three days without signal, spent 2 hours on the phone, I'm sorry but no")
    assert not [f for f in found if f[0] in ("PROVIDER", "COMPETITOR", "ADDRESS", "PERSON")]


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Sarah Jones", "Sarah"),
        ("DAVE", "Dave"),
        ("😀 Priya 🌸", "Priya"),
        ("Dr. Aisha Khan", "Aisha"),
        ("Zoë-Anne ✨", "Zoë-Anne"),
        ("<script>alert(1)</script>", None),
        ("<b>Tom</b>", "Tom"),
        ("{{ 7*7 }}", None),
        ("{% if x %}Bob{% endif %}", "Bob"),
        ("@evil http://x.y", None),
        ("javascript:alert(1)", None),
        ("x" * 40, None),
        ("", None),
        ("🔥🔥🔥", None),
    ],
)
def test_first_name_from_display(display: str, expected: str | None) -> None:
    assert first_name_from_display(display) == expected


def test_first_name_has_no_markup_characters() -> None:
    for hostile in ["<img src=x onerror=alert(1)>Eve", "${jndi:ldap://x}", "Ann<>{}", "@@Sam", "{{Sam}}"]:
        name = first_name_from_display(hostile)
        assert name is None or (name.isalpha() and len(name) <= 30)
