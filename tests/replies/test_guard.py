"""The no-numbers guard: asks refused, mentions allowed, repeated PII refused, red-team rates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import PolicyViolation, TemplateError
from replies.guard import check_reply, check_template, enforce, pii_rescue_needed
from replies.guard_text import normalise

REDTEAM = Path(__file__).parent / "data" / "redteam.jsonl"


def _redteam() -> list[dict[str, str]]:
    rows = [json.loads(line) for line in REDTEAM.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(row["expect"] in ("refuse", "allow") for row in rows)
    return rows


def test_redteam_set_is_big_enough_both_ways() -> None:
    rows = _redteam()
    assert sum(r["expect"] == "refuse" for r in rows) >= 150
    assert sum(r["expect"] == "allow" for r in rows) >= 150
    assert len({r["text"] for r in rows}) == len(rows)


def test_redteam_rates() -> None:
    rows = _redteam()
    asks = [r for r in rows if r["expect"] == "refuse"]
    harmless = [r for r in rows if r["expect"] == "allow"]
    missed = [r for r in asks if check_reply(r["text"]).allowed]
    wrongly_refused = [(r, check_reply(r["text"]).reasons) for r in harmless if not check_reply(r["text"]).allowed]
    for row in missed:
        print(f"MISSED ASK ({row['note']}): {row['text']}")
    for row, reasons in wrongly_refused:
        print(f"WRONGLY REFUSED ({row['note']}): {row['text']} -> {'; '.join(reasons)}")
    refused_rate = 1 - len(missed) / len(asks)
    false_rate = len(wrongly_refused) / len(harmless)
    print(f"refused {refused_rate:.1%} of asks, wrongly refused {false_rate:.1%} of harmless texts")
    assert refused_rate >= 0.99
    assert false_rate <= 0.02


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("DM us your account number", "asks the customer for their account number"),
        ("acc no.?", "asks the customer for their account number"),
        ("What's the number on your bill?", "asks the customer for their phone number"),
        ("Could you confirm the last 4 digits?", "asks the customer for some digits of a number"),
        ("DM us your mobile number", "asks the customer for their phone number"),
        ("Your P\u200bIN please", "asks the customer for their PIN"),
        ("p@ssw0rd?", "asks the customer for their password or login details"),
        ("What's your memorable word?", "asks the customer for security answers or a memorable word"),
        ("Please confirm your DOB", "asks the customer for their date of birth to identify them"),
        ("Pop the CVV in a DM", "asks the customer for card details (card number or security code)"),
        ("Could you share your sort code?", "asks the customer for bank details (sort code or bank account number)"),
        ("whats ur IMEI", "asks the customer for a SIM, IMEI, PUK or serial number"),
        ("Send us your PAC code", "asks the customer for their PAC or STAC code"),
        ("Read us the code we just texted you", "asks the customer for a one-time security code"),
        ("Send us your details via DM", "asks the customer for unnamed 'details' (say which: name and address)"),
        ("Got your account number? DM it to us", "asks the customer for their account number"),
    ],
)
def test_asks_are_refused_with_a_plain_reason(text: str, reason: str) -> None:
    verdict = check_reply(text)
    assert not verdict.allowed
    assert reason in verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "No account number needed",
        "You don't need your account number",
        "We'll never ask for your PIN",
        "Never share your password",
        "Your account number isn't needed",
        "Call 0800 123 456",
        "£25 a month",
        "900 Mbps",
        "Could you DM us your name and address?",
        "What's your postcode?",
        "Let us know your email and we'll send the quote",
        "Text PAC to 65075 to get your code",
        "We'll text you your PAC",
        "Send us your details (name and address) by DM",
        "Reset your PIN here: https://example.com/account/send-your-pin",
        "@PinSupport could you DM us your name?",
    ],
)
def test_mentions_are_allowed(text: str) -> None:
    verdict = check_reply(text)
    assert verdict.allowed, verdict.reasons
    assert verdict.reasons == ()


def test_repeating_the_customers_phone_number_is_refused_in_any_format() -> None:
    post = "been cut off all day, ring me on +44 7700 900123"
    for reply in ("We'll ring you on 07700 900123 shortly", "Calling 07700-900-123 now", "Ringing +447700900123"):
        assert check_reply(reply, customer_text=post).reasons == (
            "repeats the phone number the customer posted publicly",
        )
    partial = check_reply("Is that the number ending 0123?", customer_text=post)
    assert partial.reasons == ("repeats part of the phone number the customer posted publicly",)
    assert check_reply("We'll give you a call back today", customer_text=post).allowed


def test_digits_that_merely_occur_inside_a_posted_number_are_not_a_repeat() -> None:
    post = "ring me on 07700 920261"
    assert check_reply("The offer runs until March 2026", customer_text=post).allowed
    assert not check_reply("Calling the number ending 0261", customer_text=post).allowed


def test_repeating_other_posted_pii_is_refused() -> None:
    post = "acc 12345678, jo.bloggs@example.com, 12 High Street LS1 4AB"
    assert "repeats the account number the customer posted publicly" in check_reply(
        "Thanks, found 12345678", customer_text=post
    ).reasons
    assert "repeats the email address the customer posted publicly" in check_reply(
        "We've emailed Jo.Bloggs@example.com", customer_text=post
    ).reasons
    assert "repeats the home address the customer posted publicly" in check_reply(
        "Great news for 12 High St!", customer_text=post
    ).reasons
    # The postcode alone is how we quote: repeating it is fine.
    assert check_reply("Full fibre is live at LS1 4AB!", customer_text=post).allowed


def test_enforce_raises_policy_violation_with_reasons() -> None:
    enforce("No account number needed, just your name")
    with pytest.raises(PolicyViolation) as caught:
        enforce("DM us your PIN and password")
    assert caught.value.reasons == [
        "asks the customer for their PIN",
        "asks the customer for their password or login details",
    ]


def test_template_check_names_the_template() -> None:
    check_template("renewal/x/1", "Hi {first_name}! Pop your name and address in a DM")
    with pytest.raises(TemplateError, match=r"'renewal/x/2'.*account number"):
        check_template("renewal/x/2", "Hi {first_name}! DM us your account number")


def test_rescue_kinds_are_exported_for_templates() -> None:
    assert pii_rescue_needed("my number is 07700 900123") == ["phone number"]


def test_normalise_undoes_common_disguises() -> None:
    assert normalise("Pls DM us ur A/C no. 📱") == "please dm us your account number"
    assert normalise("ＡＣＣＯＵＮＴ ＮＵＭＢＥＲ") == "account number"
    assert normalise("a c c o u n t  n u m b e r") == "account number"
    assert normalise("acc0unt numb3r") == "account number"
    assert normalise("Your ассоunt") == "your account"
    assert normalise("£25pm, 900Mbps, 1st") == "£25pm, 900mbps, 1st"
