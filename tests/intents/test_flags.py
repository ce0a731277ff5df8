"""Routing flags."""

from __future__ import annotations

import pytest

from intents.flags import detect_flags


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("you lot are absolute idiots", "abusive"),
        ("fucking useless service", "abusive"),
        ("my elderly mum has no landline and relies on her care alarm", "urgent"),
        ("no internet for 5 days now", "urgent"),
        ("I'm reporting you to Ofcom", "legal"),
        ("taking this to the small claims court", "legal"),
        ("going to the ombudsman", "legal"),
        ("how do I set up voicemail", "question"),
        ("is fibre available here?", "question"),
        ("hola que tal, como estas mi amigo, el servicio es malo", "non_english"),
        ("これは日本語で書かれた投稿です", "non_english"),
    ],
)
def test_flag_is_raised(text: str, flag: str) -> None:
    assert flag in detect_flags(text)


def test_plain_post_has_no_flags() -> None:
    assert detect_flags("my broadband has been slow all week") == set()


def test_a_regulator_tagged_by_handle_is_legal_even_without_the_word() -> None:
    """The classifier's gate words come from the normaliser, which turns every handle into @user."""
    assert "legal" in detect_flags("@Ofcom is this even allowed", words=set())
    assert "legal" in detect_flags("cc @FCC", words=set())
    assert "legal" not in detect_flags("@ofcomfan agreed, terrible service", words=set())
    assert "legal" not in detect_flags("@ofcomfan agreed, terrible service")
