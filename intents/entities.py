"""Entity extraction with precompiled regexes (one pass per text, plus one for providers).

Regexes rather than a statistical NER: the entities we need (postcodes, money,
products, provider names) have regular shapes, and one compiled alternation
keeps the classifier above 10k posts per second. Every span is a slice of the
original text (``text[start:end] == span.text``).
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Set as AbstractSet

from bot.domain import Span
from intents.providers import ProviderTerms, trie_regex

logger = logging.getLogger(__name__)

_AREAS = re.findall(
    r"[A-Z]+",
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN "
    "EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK "
    "ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA "
    "TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE",
)
_AREA = "(?:" + "|".join(sorted(_AREAS, key=len, reverse=True)) + ")"
_OUTWARD = rf"{_AREA}\d[A-Z\d]?"
_MONTHS = trie_regex(re.findall(r"\w+", "january february march april june july august september sept october "
                                         "november december jan feb aug oct nov dec"))
_WEEKDAYS = trie_regex(re.findall(r"\w+", "monday tuesday wednesday thursday friday saturday sunday"))
_STREET = (r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|court|ct|place|gardens|"
           r"grove|terrace|hill|park|square|mews|boulevard|blvd|walk|row|parade)")
_PRODUCTS = trie_regex(
    ["full fibre", "fibre", "fiber", "broadband", "mobile data", "mobile", "sim only", "sim-only", "esim", "e-sim",
     "sim", "sim card", "tv box", "tv", "landline", "home phone", "3g", "4g", "5g", "router", "hub", "wifi",
     "wi-fi", "internet", "prepaid", "unlimited data", "data plan", "cell service", "cable"]
)
_NOT_A_NAME = {"Not", "So", "Sorry", "Fed", "Done", "Still", "Just", "Now", "On", "In", "With", "Here", "Sure",
               "Going", "Trying", "Leaving", "Moving", "Really", "Very", "Afraid", "Off", "The", "A", "An", "Happy",
               "Tired", "Sick", "Paying", "Getting", "Stuck", "Also", "Currently", "About", "Looking", "Out",
               "Back", "Told", "Having", "Unable", "Disabled", "Elderly", "Calling", "Considering", "At"}

_AREA_SET = frozenset(_AREAS)
# Patterns below run on lowercased text (same offsets), compiled without IGNORECASE (faster). Those
# anchored on a digit or a rare literal skip the leading \b and check the left boundary in Python on
# the few matches; word-list patterns keep \b, which fails fast between the letters of a word. A pattern
# that starts with a plain \d (not \d{1,4}) lets re skip to the digits in C; \d\d{0,3} matches the same.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_POSTCODE_TAIL = re.compile(r"\d[a-z\d]?\s?\d[a-z]{2}(?![a-z0-9])")
# an outward code after a cue ("in se15") is found from its digits, then its letters and cue are checked
_OUTWARD_TAIL = re.compile(r"\d[a-z\d]?(?![a-z0-9])")
_OUTWARD_CUE = re.compile(r"(?:in|at|near|around|postcode:?|post\s+code:?|area|to|from|for)\s+$")
_CUE_REACH = 40  # characters before an outward code where its cue word may start
_DIGIT = re.compile(r"\d")
_FIVE_DIGITS = re.compile(r"\d\d{4}")
_ZIP = re.compile(r"(?:\b(?:zip(?:\s*code)?:?|in|at|near)\s+|\b[A-Z]{2},?\s+)(\d{5}(?:-\d{4})?)\b")
_FLAT = re.compile(r"(?:flat|apartment|apt|unit)\s*\d+[a-z]?\b")
_STREET_ADDRESS = re.compile(
    r"\d\d{0,3}[a-z]?\s+(?!(?:on|the|a|in|for|to|of|and|hours?|days?|mins?|minutes?|weeks?|months?|years?)\b)"
    rf"(?:[a-z']+\s+){{0,2}}{_STREET}\b")
_MONEY = re.compile(
    r"[£$€]\s?\d+(?:[.,]\d{1,2})?(?:\s?(?:/|a|per)\s?(?:month|mo|m|year|yr)\b|pm\b)?"
    r"|\d+(?:\.\d{2})?\s?(?:quid|pounds|bucks|dollars)\b")
_DATE_WORDS = re.compile(
    rf"\b(?:(?:next|last|this)\s+(?:week|month|year|{_WEEKDAYS})"
    rf"|(?:(?:end\s+of|in|by|until|from)\s+)?{_MONTHS}(?:\s+\d{{4}})?"
    rf"|tomorrow|yesterday|tonight|{_WEEKDAYS})\b")
# numeric dates are found from their digits (fast to skip to) and extended leftwards in Python
_DATE_NUMBER = re.compile(
    rf"\d\d?(?:(?:st|nd|rd|th)\b(?:\s+of\s+{_MONTHS}\b)?|/\d{{1,2}}(?:/\d{{2,4}})?\b|\s+(?:days?|weeks?|months?)\b)")
# words that must be present for the word-based patterns to have anything to find
_DATE_GATE = frozenset(re.findall(r"\w+", "january february march april june july august september sept october "
                                           "november december jan feb aug oct nov dec monday tuesday wednesday "
                                           "thursday friday saturday sunday tomorrow yesterday tonight week month "
                                           "year"))
_PRODUCT_GATE = frozenset(re.findall(r"\w+", "full fibre fiber broadband mobile sim esim e tv landline home 3g 4g "
                                              "5g router hub wifi wi internet prepaid unlimited data cell cable"))
# every _DATE_WORDS match contains one of these substrings (the word gate above is the token test)
_DATE_SUBSTRINGS = ("jan", "feb", "march", "april", "june", "july", "aug", "sept", "oct", "nov", "dec", "tomorrow",
                    "yesterday", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                    "sunday")
_STREET_WORDS = _STREET[3:-1].split("|")
_STREET_GATE = frozenset(_STREET_WORDS + [word + "'s" for word in _STREET_WORDS])  # "12 baker street's"
_PERSON_GATE = frozenset(["i'm", "im", "am", "name", "name's", "names", "called", "named", "it's"])
_GATE_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# every word the gates look up: a caller may pass just the post's tokens that are in here
GATE_WORDS = _DATE_GATE | _PRODUCT_GATE | _PERSON_GATE | _STREET_GATE
_MAY = re.compile(r"\b(?:in|by|until|end\s+of)\s+May\b")
_PRODUCT = re.compile(rf"\b{_PRODUCTS}\b")
_PERSON = re.compile(
    r"\b(?:[Ii]'?m|[Ii]\s+am|[Mm]y\s+name\s+is|[Nn]ame'?s|called|named|[Tt]his\s+is|[Ii]t'?s)\s+([A-Z][a-z]{1,20})\b")

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>?", re.IGNORECASE | re.DOTALL)
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\$\{.*?\}|\{\{|\}\}|\{%|%\}", re.DOTALL)
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:com|net|org|io|co|uk|xyz|ly|me|app)(?:/\S*)?\b", re.IGNORECASE)
_HANDLE = re.compile(r"@\S+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "the", "official", "real", "its", "it's",
           "team", "mx", "rev", "lord", "lady"}
MAX_NAME_LENGTH = 30


def first_name_from_display(display_name: str) -> str | None:
    """The author's first name from a display name, or None when nothing safe is left.

    Display names are attacker-controlled and get echoed into replies, so
    markup, template syntax, URLs, handles, emoji and code-looking tokens are
    dropped rather than escaped; only a plain word of letters survives.
    """
    if not display_name:
        return None
    text = unicodedata.normalize("NFKC", html.unescape(display_name))[:200]
    text = _TAG.sub(" ", text)
    text = _TEMPLATE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    for token in text.split():
        core = token.strip(".,!?:;\"'()|~*_-")
        if not core or any(c in core for c in "<>{}[]()=;$`\\/%#&+"):
            continue
        match = _WORD.fullmatch(core)
        if not match:
            continue
        if core.lower() in _TITLES or len(core) < 2:
            continue
        if len(core) > MAX_NAME_LENGTH:
            return None
        return core.capitalize() if core.isupper() or core.islower() else core
    return None


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


def _may_have_date_words(folded: str) -> bool:
    """False only when _DATE_WORDS cannot match: a dozen substring tests cost far less than the regex."""
    if ("next" in folded or "last" in folded or "this" in folded) and (
            "week" in folded or "month" in folded or "year" in folded or "day" in folded):
        return True
    return any(word in folded for word in _DATE_SUBSTRINGS)


def _regex_spans(text: str, words: AbstractSet[str] | None = None,
                 lower: str | None = None) -> list[tuple[str, int, int]]:
    """Every regex entity as (label, start, end); cheap tests skip the regexes that cannot match.

    ``words`` are the post's lowercased word tokens (the normaliser's, when the classifier has them),
    or only those of them in :data:`GATE_WORDS`.
    """
    found: list[tuple[str, int, int]] = []
    folded = text.lower() if lower is None else lower
    if len(folded) != len(text):  # a few non-ASCII letters change length when lowercased
        folded = text.translate(_ASCII_LOWER)
    if words is None:
        words = set(_GATE_WORDS.findall(folded.replace("’", "'")))
    # patterns that start with a digit are searched from the first digit on (same matches, shorter scan)
    first_digit_match = _DIGIT.search(text)
    has_digit = first_digit_match is not None
    first_digit = first_digit_match.start() if first_digit_match is not None else 0
    if has_digit:
        for m in _POSTCODE_TAIL.finditer(folded, first_digit):
            start = m.start()
            while start > 0 and start > m.start() - 2 and "a" <= folded[start - 1] <= "z":
                start -= 1
            if start < m.start() and _starts_word(folded, start) and folded[start : m.start()].upper() in _AREA_SET:
                found.append(("POSTCODE", start, m.end()))
        for m in _OUTWARD_TAIL.finditer(folded, first_digit):
            start = m.start()
            while start > m.start() - 2 and start > 0 and "a" <= folded[start - 1] <= "z":
                start -= 1
            if start == m.start() or start == 0 or not folded[start - 1].isspace() \
                    or folded[start : m.start()].upper() not in _AREA_SET:
                continue
            window = max(0, start - _CUE_REACH)
            cue = _OUTWARD_CUE.search(folded, window, start)
            if cue is not None and _starts_word(folded, cue.start()):
                found.append(("POSTCODE", start, m.end()))
        if _FIVE_DIGITS.search(text, first_digit):
            found.extend(("ZIP", m.start(1), m.end(1)) for m in _ZIP.finditer(text))
        if not _STREET_GATE.isdisjoint(words):
            found.extend(("ADDRESS", m.start(), m.end()) for m in _STREET_ADDRESS.finditer(folded, first_digit)
                         if _starts_word(folded, m.start()))
        if "flat" in folded or "apartment" in folded or "apt" in folded or "unit" in folded:
            found.extend(("ADDRESS", m.start(), m.end()) for m in _FLAT.finditer(folded)
                         if _starts_word(folded, m.start()))
        if "£" in text or "$" in text or "€" in text or "quid" in folded or "pound" in folded or "buck" in folded \
                or "dollar" in folded:
            found.extend(("MONEY", m.start(), m.end()) for m in _MONEY.finditer(folded))
    if has_digit:
        for m in _DATE_NUMBER.finditer(folded, first_digit):
            start = m.start()
            if not _starts_word(folded, start) or (start and folded[start - 1] == "/"):
                continue
            tail = folded[start:m.end()]
            if tail[-1] == "s" or tail.endswith(("day", "week", "month")):  # "in 3 days"
                if folded[max(0, start - 3) : start] != "in ":
                    continue
                start -= 3
            elif "/" not in tail:  # "the 14th", "on the 3rd of may"
                before = folded[max(0, start - 7) : start]
                if before.endswith("on the "):
                    start -= 7
                elif before.endswith("the "):
                    start -= 4
                else:
                    continue
            found.append(("DATE", start, m.end()))
    if not _DATE_GATE.isdisjoint(words) and _may_have_date_words(folded):
        found.extend(("DATE", m.start(), m.end()) for m in _DATE_WORDS.finditer(folded))
    if "May" in text:
        found.extend(("DATE", m.start(), m.end()) for m in _MAY.finditer(text))
    if not _PRODUCT_GATE.isdisjoint(words):
        found.extend(("PRODUCT", m.start(), m.end()) for m in _PRODUCT.finditer(folded))
    if not _PERSON_GATE.isdisjoint(words):
        found.extend(("PERSON", m.start(1), m.end(1)) for m in _PERSON.finditer(text)
                     if m.group(1) not in _NOT_A_NAME)
    return found


def extract_entities(
    text: str,
    *,
    provider_terms: ProviderTerms | None = None,
    provider_matches: list[re.Match[str]] | None = None,
    words: AbstractSet[str] | None = None,
    lower: str | None = None,
) -> list[Span]:
    """Entities in ``text`` with exact character spans, sorted by position, never overlapping.

    Providers win over everything else ("Sky TV" is a provider, not a product);
    otherwise the earlier and then the longer match wins.
    """
    taken: list[tuple[int, int]] = []
    spans: list[Span] = []
    if provider_terms is not None:  # one finditer: never overlapping, already in order, always kept
        if provider_matches is None:
            provider_matches = list(provider_terms.pattern.finditer(text))
        is_us = provider_terms.is_us
        for match in provider_matches:
            start, end = match.span()
            matched = match.group()
            taken.append((start, end))
            spans.append(Span("PROVIDER" if is_us(matched) else "COMPETITOR", start, end, matched))
    found = _regex_spans(text, words, lower)
    if not found:
        return spans
    candidates = sorted((start, start - end, label) for label, start, end in found)
    for start, negative_length, label in candidates:
        end = start - negative_length
        for s, e in taken:
            if start < e and s < end:
                break
        else:
            taken.append((start, end))
            spans.append(Span(label, start, end, text[start:end]))
    spans.sort(key=_span_start)
    return spans


def _span_start(span: Span) -> int:
    return span.start
