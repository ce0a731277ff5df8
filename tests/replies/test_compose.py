"""Lengths as each network counts them, clean variables, and who gets mentioned."""

from __future__ import annotations

import pytest

from replies.compose import (
    clean_value,
    fits,
    mastodon_length,
    mention_prefix,
    mentioned_handles,
    sanitise_first_name,
    x_weighted_length,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 5),
        ("a" * 280, 280),
        ("日本語", 6),  # CJK weighs 2
        ("café", 4),  # Latin-1 weighs 1
        ("👍", 2),
        ("👍🏽", 2),  # emoji + skin tone is one emoji
        ("👨‍👩‍👧", 2),  # a ZWJ family is one emoji
        ("🇬🇧", 2),  # a flag is one emoji
        ("see https://example.com/a/very/long/path/that/goes/on/and/on?x=1", 4 + 23),
        ("two links http://a.example.com and www.parley.co.uk/offers", 10 + 23 + 5 + 23),
        ("“quotes” and – dashes", 21),  # general punctuation range weighs 1
    ],
)
def test_x_weighted_length(text: str, expected: int) -> None:
    assert x_weighted_length(text) == expected


def test_x_limit_with_cjk_and_urls() -> None:
    assert fits("a" * 280, platform="x")
    assert not fits("a" * 281, platform="x")
    assert fits("字" * 140, platform="x")
    assert not fits("字" * 141, platform="x")
    long_url = "https://example.com/" + "p" * 400
    assert fits("a" * 256 + " " + long_url, platform="x")  # 256 + 1 + 23 = 280


def test_mastodon_length_counts_urls_and_remote_mentions_short() -> None:
    assert mastodon_length("@jo@social.example hi") == len("@jo hi")
    assert mastodon_length("look https://example.com/" + "x" * 100) == 5 + 23
    assert fits("a" * 500, platform="mastodon")
    assert not fits("a" * 501, platform="mastodon")
    assert not fits("a" * 301, platform="mastodon", char_limit=300)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jo Bloggs", "Jo"),
        ("jo", "Jo"),
        ("{{7*7}}", ""),
        ("{% for x in range(9) %}", ""),
        ("<b>x</b>", ""),
        ("<script>alert(1)</script>Sam", ""),
        ("@other http://evil.example.com", ""),
        ("Sam @other", "Sam"),
        ("Maximiliana-Ferdinanda von Thurn", "Maximiliana-Ferdina"),
        ("🌻 Priya | she/her", "Priya"),
        ("O'Neill", "O'Neill"),
        ("", ""),
        (None, ""),
    ],
)
def test_first_names_are_cleaned(raw: str | None, expected: str) -> None:
    name = sanitise_first_name(raw, max_length=19)
    assert name == expected
    assert not any(ch in name for ch in "@{}<>%#/:")


def test_clean_value_strips_template_syntax_markup_links_and_mentions() -> None:
    cleaned = clean_value("{{ config }} <i>hi</i> @boss see https://evil.example.com {% raw %}")
    assert "{" not in cleaned and "<" not in cleaned and "@" not in cleaned and "http" not in cleaned
    assert "hi" in cleaned


def test_replies_name_only_the_author() -> None:
    assert mention_prefix("mastodon", "@jo@social.example") == "@jo@social.example "
    assert mention_prefix("mastodon", "jo") == "@jo "
    assert mention_prefix("x", "jo") == "@jo "
    assert mention_prefix("mastodon", "jo <b>") == "@job "
    assert mentioned_handles("@jo@social.example hello @sam") == ["jo@social.example", "sam"]
