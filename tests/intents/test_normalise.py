"""Provider-relative normalisation: the model sees @us / @other, never brand names."""

from __future__ import annotations

from intents.normalise import normalise
from intents.providers import provider_terms


def test_addressed_provider_becomes_us_and_others_become_other() -> None:
    three = provider_terms("ThreeUK")
    assert normalise("@ThreeUK leaving @O2 for Three", three) == "@us leaving @other for @us leavi~"
    o2 = provider_terms("O2")
    assert normalise("@ThreeUK leaving @O2 for Three", o2) == "@other leaving @us for @other leavi~"


def test_people_links_numbers_and_entities_are_normalised() -> None:
    terms = provider_terms("VodafoneUK")
    text = "@bob_99 @VodafoneUK paid £123 &amp; nothing!!!! https://t.co/abc"
    assert normalise(text, terms) == "@user @us paid £ 00 & nothing !!! ! url nothi~"


def test_unknown_handle_is_us() -> None:
    terms = provider_terms("SomeSmallISP", names=["Small ISP"])
    assert normalise("@SomeSmallISP Small ISP is down", terms) == "@us @us is down"
