"""Finding personal data that people post in public, so it is never echoed back.

People often paste their mobile number, account number or address into a public
post because other providers asked them to. The classifier flags such posts (a
reply kindly suggests deleting them) and the guard refuses any reply that
repeats what was found.

Decisions the rest of the project relies on:

* Company numbers (0800, 0808, 0500, 03xx, 084x, 087x, 09xx in the UK; 800, 888,
  877, 866, 855, 844, 833 toll-free in the US) are not personal: people quote
  the number of a shop or a helpline all the time.
* A postcode on its own is not PII: Parley asks for it to quote prices. It is
  labelled POSTCODE only when it follows a street address (then it completes a
  home address).
* An account number is recognised by the words before it ("acc no", "a/c",
  "customer ref", "order #") or, without such words, as a bare run of 8 to 12
  digits that is neither a phone number nor a card number nor money.
* A card number is 13 to 19 digits that pass the Luhn check.

Speed matters (the classifier calls ``find_pii`` on every post): every pattern
is compiled once, and a post without a digit or an "@" returns at once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Set as AbstractSet

from bot.domain import Span

logger = logging.getLogger(__name__)

ACCOUNT_NUMBER = "ACCOUNT_NUMBER"
PHONE = "PHONE"
EMAIL = "EMAIL"
CARD_NUMBER = "CARD_NUMBER"
ADDRESS = "ADDRESS"
POSTCODE = "POSTCODE"

# Plain words for reviewers, customers and redaction markers.
KIND_WORDS: dict[str, str] = {
    ACCOUNT_NUMBER: "account number",
    PHONE: "phone number",
    EMAIL: "email address",
    CARD_NUMBER: "card number",
    ADDRESS: "home address",
    POSTCODE: "postcode",
}
_REDACTION: dict[str, str] = {
    ACCOUNT_NUMBER: "[account number]",
    PHONE: "[phone]",
    EMAIL: "[email]",
    CARD_NUMBER: "[card number]",
    ADDRESS: "[address]",
    POSTCODE: "[postcode]",
}
# When two findings overlap, the earlier label in this order wins.
_PRIORITY: dict[str, int] = {EMAIL: 0, CARD_NUMBER: 1, PHONE: 2, ACCOUNT_NUMBER: 3, ADDRESS: 4, POSTCODE: 5}

# Every number-like stretch; each is then judged in Python, which is far cheaper than
# running one look-behind-heavy pattern per kind over the whole post.
_NUMBER_RUN = re.compile(r"\d(?:[\d \t().-]*\d)?")
_DIGIT = re.compile(r"\d")
_EMAIL_DOMAIN = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*$")
_CARD_SHAPE = re.compile(r"\d(?:[ -]?\d){12,18}$")
_US_FORMATTED = re.compile(r"^(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}$")
_DIGIT_GROUP = re.compile(r"\(?\d+\)?")
_UK_COMPANY_PREFIXES = ("0800", "0808", "0500", "03", "084", "087", "09")
_US_TOLL_FREE = frozenset({"800", "888", "877", "866", "855", "844", "833"})
_ACCOUNT_PREFIX = re.compile(
    r"\b(?:account|acct|accnt|acc|a/c|customer|cust|client|reference|ref|order|ticket|case|contract|"
    r"membership|member|booking|invoice|billing)\.?"
    r"(?:\s*(?:number|numbers|num|nbr|no\.?|#|id|ref|reference|code))?"
    r"\s*(?:is|was|=|:|-|ending(?:\s+in)?)?\s*#?\s*(?P<letters>[A-Za-z]{0,4}[-/]?)$",
    re.IGNORECASE,
)
_ACCOUNT_VALUE = re.compile(r"\d(?:\d|[- ](?=\d))*")
_NOT_BEFORE_NUMBER = frozenset("£$€@._/:,")
_STREET_SUFFIX = (
    r"street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|cres|place|pl|gardens|gdns|"
    r"terrace|grove|hill|square|sq|boulevard|blvd|parkway|pkwy|mews|row|walk|rise|view|park|green|parade|"
    r"gate|wharf|quay|highway|hwy|circle|cir|bank|end|vale|croft|meadow|meadows|chase|approach|broadway"
)
_NOT_STREET_WORDS = (
    r"in|a|an|the|of|for|to|on|at|and|or|my|your|our|per|is|it|with|by|from|up|down|times|days|day|weeks|"
    r"week|months|month|years|year|hours|hour|mins|minutes|mbps|gb|mb|quid|pounds|off|free|more|less|than|"
    r"over|under|about|just|only|still|every|each|this|that|these|those|so|but|not|no|people|things|ways"
)
_STREET_SUFFIXES = _STREET_SUFFIX.split("|")
# the normalised tokens one of which every street address contains ("12 baker street's" included)
_STREET_GATE = frozenset(_STREET_SUFFIXES + [suffix + "'s" for suffix in _STREET_SUFFIXES])
GATE_WORDS = _STREET_GATE  # a caller may pass just the post's tokens that are in here
_NON_DIGIT = re.compile(r"\D")
_STREET_WORD = rf"(?!(?:{_NOT_STREET_WORDS})\b)[A-Za-z][A-Za-z'’-]*"
_UNIT = (
    r"(?:flat|apartment|apt|unit|suite)\.?\s*\d{1,4}[a-z]?"
    r"(?!\s*(?:quid|pounds?|a\s+month|per\b|pm\b|p\b|%|gb\b|mb|months?\b|years?\b|days?\b|weeks?\b|hours?\b|"
    r"hrs?\b|mins?\b|minutes?\b|times?\b|stars?\b|x\b))"
)
_ADDRESS_AFTER_NUMBER = re.compile(
    rf"[a-z]?(?:-\d{{1,5}})?,?\s+(?:{_STREET_WORD}\s+){{1,3}}(?:{_STREET_SUFFIX})\b\.?", re.IGNORECASE
)
_UNIT_BEFORE_NUMBER = re.compile(rf"\b{_UNIT}\s*,?\s*$", re.IGNORECASE)
_UNIT_ALONE = re.compile(rf"\b{_UNIT}\b", re.IGNORECASE)
_UK_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_US_ZIP = re.compile(r"\b[A-Z]{2}\s+(?P<zip>\d{5}(?:-\d{4})?)\b")
_POSTCODE_REACH = 60  # characters after a street address where its postcode may sit


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def phone_digits(raw: str) -> str | None:
    """The national form of a personal phone number, or None if it is not one.

    UK numbers come back starting with 0, US numbers as ten digits, so that the
    same number written two ways compares equal.
    """
    digits = _NON_DIGIT.sub("", raw)
    international = raw.lstrip().startswith(("+", "00"))
    if raw.lstrip().startswith("00"):
        digits = digits[2:]
    if not international and len(digits) == 12 and digits.startswith("447"):  # "447700900123", + left off
        international = True
    if international and digits.startswith("44"):
        national = "0" + digits[2:].lstrip("0")
        return None if national.startswith(_UK_COMPANY_PREFIXES) or len(national) not in (10, 11) else national
    if international and digits.startswith("1") and len(digits) == 11:
        return None if digits[1:4] in _US_TOLL_FREE else digits[1:]
    if international:
        return digits if 8 <= len(digits) <= 15 else None
    if digits.startswith("0"):
        if len(digits) not in (10, 11) or digits.startswith(_UK_COMPANY_PREFIXES):
            return None
        return digits if digits[1] in "127" else None
    if _US_FORMATTED.match(raw.strip()):
        us = digits[-10:]
        if us[0] in "01" or us[:3] in _US_TOLL_FREE:
            return None
        return us
    return None


def _phone_within(raw: str, offset: int) -> Span | None:
    """The phone number inside a run of digit groups that may have neighbours glued on.

    "call 07700 900123 2 times" reads as one run; dropping whole groups from
    either end finds the number without guessing at digit boundaries.
    """
    groups = [(m.start(), m.end()) for m in _DIGIT_GROUP.finditer(raw)]
    for drop in range(min(len(groups), 4)):
        for first in range(drop + 1):
            chosen = groups[first : len(groups) - (drop - first)]
            if not chosen:
                continue
            start, end = chosen[0][0], chosen[-1][1]
            if first == 0 and raw[:start].strip():  # keep a leading "+44 (0)" with its number
                start = 0
            piece = raw[start:end]
            if phone_digits(piece) is not None:
                return Span(PHONE, offset + start, offset + end, piece)
    return None


def _emails(text: str) -> list[Span]:
    found: list[Span] = []
    at = text.find("@", 1)
    while at != -1:
        position, at = at, text.find("@", at + 1)
        if not (text[position - 1].isalnum() or text[position - 1] in "._%+-"):
            continue  # "@handle": nothing before the @
        domain = _EMAIL_DOMAIN.match(text, position)
        local = _EMAIL_LOCAL.search(text, max(0, position - 64), position)
        if domain is None or local is None:
            continue
        if local.start() > 0 and text[local.start() - 1] == "@":  # a fediverse handle, @jo@example.social
            continue
        found.append(Span(EMAIL, local.start(), domain.end(), text[local.start() : domain.end()]))
    return found


def _account_number(text: str, start: int, digits: str) -> Span | None:
    """The number after account words ("acc no", "a/c:", "customer ref is CX-"), letters included."""
    if len(digits) < 5:
        return None
    prefix = _ACCOUNT_PREFIX.search(text, max(0, start - 40), start)
    if prefix is None:
        return None
    value = _ACCOUNT_VALUE.match(text, start)
    if value is None or sum(c.isdigit() for c in value.group()) < 5:
        return None
    first = prefix.start("letters")
    return Span(ACCOUNT_NUMBER, first, value.end(), text[first : value.end()])


def _number_spans(text: str, run: re.Match[str], street_possible: bool = True) -> list[Span]:
    """What one number-like stretch is: card, phone, account number or the house number of an address."""
    start, end = run.start(), run.end()
    while start and text[start - 1] in "+(":  # "+44 ...", "(555) ..."
        start -= 1
    raw = text[start:end]
    before = text[start - 1] if start else " "
    digits = _NON_DIGIT.sub("", raw)
    if before.isalpha():  # only "ref #A1234567" style: letters glued to an account number
        account = _account_number(text, start, digits)
        return [] if account is None else [account]
    if before.isdigit() or before in _NOT_BEFORE_NUMBER:
        return []
    if 13 <= len(digits) <= 19 and _CARD_SHAPE.match(raw) and _luhn_ok(digits):
        return [Span(CARD_NUMBER, start, end, raw)]
    found: list[Span] = []
    if len(digits) >= 7:
        phone = _phone_within(raw, start)
        if phone is not None:
            return [phone]
    account = _account_number(text, start, digits)
    if account is not None:  # "acc no 12345678", "customer ref is CX-2291-884"
        return [account]
    if len(digits) >= 5:
        after = text[end : end + 1]
        plain = raw.isdigit() and not (after.isalpha() or after == "%")
        if plain and ((8 <= len(raw) <= 12 and raw[0] != "0") or before == "#"):
            return [Span(ACCOUNT_NUMBER, start, end, raw)]
    if len(digits) <= 5 and street_possible:
        house = run.group()
        house_digits = len(house) - len(house.lstrip("0123456789"))
        address = _ADDRESS_AFTER_NUMBER.match(text, run.start() + house_digits)
        if address is not None:
            unit = _UNIT_BEFORE_NUMBER.search(text, max(0, run.start() - 24), run.start())
            first = unit.start() if unit is not None else run.start()
            found.append(Span(ADDRESS, first, address.end(), text[first : address.end()]))
    return found


def _candidates(text: str, first_digit: int, lowered: str, words: AbstractSet[str] | None) -> list[Span]:
    found = _emails(text) if "@" in text else []
    # a house number only starts an address when a street word ("road", "close" ...) is in the post
    street_possible = words is None or not _STREET_GATE.isdisjoint(words)
    for run in _NUMBER_RUN.finditer(text, first_digit):  # a run starts with a digit
        found += _number_spans(text, run, street_possible)
    if "flat" in lowered or "apt" in lowered or "apartment" in lowered or "unit" in lowered or "suite" in lowered:
        found += [Span(ADDRESS, m.start(), m.end(), m.group()) for m in _UNIT_ALONE.finditer(text)]
    for address in [span for span in found if span.label == ADDRESS]:
        tail_end = min(len(text), address.end + _POSTCODE_REACH)
        tail = text[address.end : tail_end]
        postcode = _UK_POSTCODE.search(tail) or _US_ZIP.search(tail)
        if postcode is not None:
            group = "zip" if "zip" in postcode.groupdict() else 0
            first, last = address.end + postcode.start(group), address.end + postcode.end(group)
            found.append(Span(POSTCODE, first, last, text[first:last]))
    return found


def find_pii(text: str, *, lower: str | None = None, words: AbstractSet[str] | None = None) -> list[Span]:
    """Every piece of personal data in ``text``, non-overlapping, in reading order.

    The classifier passes ``lower`` (``text.lower()``) and ``words`` (the post's
    normalised tokens, see :mod:`intents.normalise`, or only those in
    :data:`GATE_WORDS`), which it has already, to save recomputing them and to
    skip the street-address pattern when no street word occurs.
    """
    if not text:
        return []
    digit = _DIGIT.search(text)
    if digit is None and "@" not in text:
        return []
    candidates = _candidates(text, len(text) if digit is None else digit.start(),
                             text.lower() if lower is None else lower, words)
    chosen: list[Span] = []
    for span in sorted(candidates, key=lambda s: (_PRIORITY[s.label], s.start)):
        if all(span.end <= kept.start or span.start >= kept.end for kept in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def redact(text: str) -> str:
    """``text`` with each piece of personal data replaced by a marker such as "[phone]"."""
    pieces: list[str] = []
    position = 0
    for span in find_pii(text):
        pieces.append(text[position : span.start])
        pieces.append(_REDACTION[span.label])
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def pii_rescue_needed(customer_text: str) -> list[str]:
    """The kinds of personal data a customer posted publicly, in plain words, first seen first.

    Templates use this to suggest, kindly, that the customer deletes the post.
    A postcode alone is not listed (it is not found on its own anyway).
    """
    kinds: list[str] = []
    for span in find_pii(customer_text):
        word = KIND_WORDS[ADDRESS] if span.label == POSTCODE else KIND_WORDS[span.label]
        if word not in kinds:
            kinds.append(word)
    return kinds
