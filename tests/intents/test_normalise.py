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


def test_cue_pairs_name_the_reasons_a_post_combines() -> None:
    terms = provider_terms("ThreeUK")
    leaving_over_price = normalise("@ThreeUK leaving you, O2 is cheaper", terms).split()
    assert "_leave+price_" in leaving_over_price
    leaving_over_signal = normalise("@ThreeUK cancelling, the signal is useless", terms).split()
    assert "_leave+fault_" in leaving_over_signal and "_leave+price_" not in leaving_over_signal
    assert not any(t.startswith("_") for t in normalise("@ThreeUK hello there", terms).split())


def test_cue_pairs_come_in_a_fixed_order() -> None:
    from intents.cues import CUE_CLASSES, cue_pair_tokens

    tokens = cue_pair_tokens(["thanks", "signal", "leaving", "price"])
    assert tokens == cue_pair_tokens(["price", "leaving", "signal", "thanks"])
    assert len(tokens) == 6  # four classes present: every pair once
    assert all(t.strip("_").split("+")[0] in CUE_CLASSES for t in tokens)
