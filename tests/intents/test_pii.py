"""PII detection: what is found, with exact spans, and what is deliberately left alone."""

from __future__ import annotations

import pytest

from intents.pii import find_pii, phone_digits, pii_rescue_needed, redact


def _found(text: str) -> list[tuple[str, str]]:
    spans = find_pii(text)
    for span in spans:
        assert text[span.start : span.end] == span.text  # spans point at the exact characters
    return [(s.label, s.text) for s in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ring me on 07700 900123 tonight", [("PHONE", "07700 900123")]),
        ("mine's 07700900123", [("PHONE", "07700900123")]),
        ("+44 7700 900123 is my mobile", [("PHONE", "+44 7700 900123")]),
        ("call +44 (0)7700 900 123", [("PHONE", "+44 (0)7700 900 123")]),
        ("landline 0113 496 0000", [("PHONE", "0113 496 0000")]),
        ("US cell (555) 123-4567", [("PHONE", "(555) 123-4567")]),
        ("text 555-123-4567 or +1 555 123 4567", [("PHONE", "555-123-4567"), ("PHONE", "+1 555 123 4567")]),
        ("call 07700 900123 2 times", [("PHONE", "07700 900123")]),
        ("07700-900-123 or 07700.900.123", [("PHONE", "07700-900-123"), ("PHONE", "07700.900.123")]),
        ("447700900123 (forgot the plus)", [("PHONE", "447700900123")]),
        ("spaced out: 0 7 7 0 0 9 0 0 1 2 3", [("PHONE", "0 7 7 0 0 9 0 0 1 2 3")]),
        ("dublin +353 87 123 4567", [("PHONE", "+353 87 123 4567")]),
        ("us +1 (555) 123-4567", [("PHONE", "+1 (555) 123-4567")]),
    ],
)
def test_personal_phone_numbers_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "their helpline 0800 123 4567 is useless",
        "rang 0808 157 0192 for an hour",
        "0345 600 1234 kept me on hold",
        "1-800-555-0199 never answers",
        "£25 a month for 900 Mbps, 18 months",
        "on hold 45 minutes on 12.05.2026",
        "postcode SW1A 1AA, fibre please",
        "customer since 2015, paying £40",
        "flat 30 quid a month",
        "speeds dropped 3 days in a row",
    ],
)
def test_company_numbers_prices_and_plain_postcodes_are_not_pii(text: str) -> None:
    assert find_pii(text) == []


def test_account_numbers_need_their_words_or_a_long_bare_number() -> None:
    assert _found("acc no. 12345678 please sort it") == [("ACCOUNT_NUMBER", "12345678")]
    assert _found("my a/c: 8765-4321") == [("ACCOUNT_NUMBER", "8765-4321")]
    assert _found("customer ref is CX-2291-884") == [("ACCOUNT_NUMBER", "CX-2291-884")]
    assert _found("order #5567123 never came") == [("ACCOUNT_NUMBER", "5567123")]
    assert _found("it's 8812345678, sort it") == [("ACCOUNT_NUMBER", "8812345678")]
    assert _found("order 2 phones") == []
    assert _found("ref #A1234567 still open") == [("ACCOUNT_NUMBER", "A1234567")]
    assert _found("account number: 1234 5678 90") == [("ACCOUNT_NUMBER", "1234 5678 90")]
    assert _found("account 4111 1111 1111 1111") == [("CARD_NUMBER", "4111 1111 1111 1111")]
    assert _found("firmware v2.1234567") == []


def test_card_numbers_must_pass_luhn() -> None:
    assert _found("card 4111 1111 1111 1111 declined") == [("CARD_NUMBER", "4111 1111 1111 1111")]
    assert _found("card 4111-1111-1111-1112 declined") != [("CARD_NUMBER", "4111-1111-1111-1112")]


def test_emails_but_not_fediverse_handles() -> None:
    assert _found("mail jo.bloggs+isp@example.co.uk") == [("EMAIL", "jo.bloggs+isp@example.co.uk")]
    assert _found("cc @jo@mastodon.social please") == []


def test_addresses_with_postcodes() -> None:
    text = "I live at 12 High Street, Leeds LS1 4AB and it's slow"
    assert _found(text) == [("ADDRESS", "12 High Street"), ("POSTCODE", "LS1 4AB")]
    assert _found("Flat 3, 27 Acacia Avenue, Bristol BS1 5TR") == [
        ("ADDRESS", "Flat 3, 27 Acacia Avenue"),
        ("POSTCODE", "BS1 5TR"),
    ]
    assert _found("123 Main St, Springfield, IL 62704") == [("ADDRESS", "123 Main St"), ("POSTCODE", "62704")]
    assert _found("apt 4b has no signal") == [("ADDRESS", "apt 4b")]
    assert _found("12 High St\nLeeds LS1 4AB") == [("ADDRESS", "12 High St"), ("POSTCODE", "LS1 4AB")]
    assert _found("flat 5 mins from the exchange, 3 times in a row") == []


def test_redact_replaces_every_span_with_its_marker() -> None:
    text = "07700 900123, jo@example.com, acc no 12345678, 4 Elm Road LS1 4AB, 4111111111111111"
    assert redact(text) == "[phone], [email], acc no [account number], [address] [postcode], [card number]"
    assert redact("nothing personal here, 0800 123 4567") == "nothing personal here, 0800 123 4567"


def test_phone_digits_compare_one_number_written_two_ways() -> None:
    assert phone_digits("+44 (0)7700 900 123") == phone_digits("07700900123") == "07700900123"
    assert phone_digits("0800 123 4567") is None


def test_rescue_lists_kinds_in_plain_words_once_each() -> None:
    post = "my mob is 07700900123 and acc 12345678, also 07700900124, at 4 Elm Road LS1 4AB"
    assert pii_rescue_needed(post) == ["phone number", "account number", "home address"]
    assert pii_rescue_needed("just my postcode LS1 4AB") == []


def test_many_posts_scan_without_error() -> None:
    posts = [f"post {i}: no numbers here, just moaning about speeds" for i in range(2000)]
    posts += [f"call me on 07700 9{i:05d}" for i in range(2000)]
    found = [find_pii(p) for p in posts]
    assert sum(1 for f in found if f) == 2000
