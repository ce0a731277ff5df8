"""The no-numbers guard: the one check every reply passes before it can leave.

Parley's promise is that it never asks people for numbers they do not know
(account, customer, reference or order numbers, phone numbers, PINs,
passwords, card or bank details) and never repeats in public the personal data
a customer posted. The same function runs when templates load (a bad template
stops start-up), when a reply is drafted, when staff edit or approve it, and
right before posting, so there is exactly one definition of the policy.

What is refused and why is documented in docs/guard.md.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from bot.domain import GuardVerdict, Span
from bot.errors import PolicyViolation, TemplateError
from intents.pii import (
    ACCOUNT_NUMBER,
    ADDRESS,
    CARD_NUMBER,
    EMAIL,
    KIND_WORDS,
    PHONE,
    find_pii,
    phone_digits,
    pii_rescue_needed,
)
from replies import guard_rules as rules
from replies.guard_text import digits_only, normalise

logger = logging.getLogger(__name__)

__all__ = ["check_reply", "check_template", "enforce", "pii_rescue_needed"]

_DIGIT_RUN = re.compile(r"\d(?:[\s.()-]{0,2}\d)*")
_NOT_ALNUM = re.compile(r"[^a-z0-9@.+_-]+")
_WINDOW = 160  # characters either side of an identifier that can make it an ask or a mention
_PARTIAL_DIGITS = 4  # "ending 6789" repeats enough of a number to matter
_PARTIAL_ANYWHERE = 6  # six digits from inside a number are too many to be chance


def check_reply(text: str, *, customer_text: str | None = None) -> GuardVerdict:
    """Whether ``text`` may be posted, and if not, why in a reviewer's words."""
    reasons = _ask_reasons(text)
    if customer_text:
        reasons += _repeat_reasons(text, customer_text)
    unique = tuple(dict.fromkeys(reasons))
    if unique:
        logger.debug("guard refused a reply: %s", "; ".join(unique))
    return GuardVerdict(allowed=not unique, reasons=unique)


def enforce(text: str, *, customer_text: str | None = None) -> None:
    """Raise PolicyViolation (with the reasons) unless ``text`` may be posted."""
    verdict = check_reply(text, customer_text=customer_text)
    if not verdict.allowed:
        raise PolicyViolation(list(verdict.reasons))


def check_template(template_id: str, text: str) -> None:
    """Refuse a reply template at load time, naming it, so a bad one stops start-up."""
    verdict = check_reply(text)
    if not verdict.allowed:
        raise TemplateError(f"template {template_id!r} is refused by the guard: {'; '.join(verdict.reasons)}")


# --- asks -------------------------------------------------------------------


def _ask_reasons(text: str) -> list[str]:
    plain = normalise(text)
    clauses = [m.group(0) for m in rules.SENTENCE.finditer(plain)]
    reasons: list[str] = []
    last_object_reason: str | None = None
    for index, clause in enumerate(clauses):
        body = clause.rstrip(".!?;\n()[] ")
        is_question = "?" in clause[len(body) :]
        following = clauses[index + 1] if index + 1 < len(clauses) else ""
        for start, end, rule in _objects_in(body):
            last_object_reason = rule.reason
            if _is_ask(body, start, end, rule, is_question=is_question, following=following):
                reasons.append(rule.reason)
        if last_object_reason is not None and _hands_over_pronoun(body):
            reasons.append(last_object_reason)
    return reasons


def _objects_in(body: str) -> list[tuple[int, int, rules.ObjectRule]]:
    """Forbidden identifiers in one sentence, longest first where they overlap."""
    found = [
        (m.start(), m.end(), order, rule)
        for order, rule in enumerate(rules.OBJECT_RULES)
        for m in rule.pattern.finditer(body)
    ]
    found.sort(key=lambda item: (item[0], -(item[1] - item[0]), item[2]))
    kept: list[tuple[int, int, rules.ObjectRule]] = []
    for start, end, _, rule in found:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, rule))
    return kept


def _tail(text: str) -> str:
    """The last words of ``text``, cut at a word boundary, at most _WINDOW characters."""
    if len(text) <= _WINDOW:
        return text
    cut = text.find(" ", len(text) - _WINDOW)
    return text[cut + 1 :] if cut != -1 else text[-_WINDOW:]


def _someone_else_or_negated(before: str) -> bool:
    return bool(rules.NEGATED_BEFORE.search(before) or rules.THIRD_PARTY_BEFORE.search(before))


def _ask_verb_negated(before: str, cues: list[re.Match[str]], index: int) -> bool:
    """Whether the ask verb ``cues[index]`` is negated, directly or through the verb it hangs on.

    "we'll never DM you asking for your bank details": "asking" is negated
    because "DM", three words before it, is.
    """
    while True:
        cue = cues[index]
        if _someone_else_or_negated(before[: cue.start()]):
            return True
        if index == 0:
            return False
        previous = cues[index - 1]
        gap = before[previous.end() : cue.start()]
        if any(mark in gap for mark in ",;:") or len(gap.split()) > 3:
            return False
        if previous.lastgroup != "strong":
            return False
        index -= 1


def _is_ask(body: str, start: int, end: int, rule: rules.ObjectRule, *, is_question: bool, following: str) -> bool:
    # Only nearby words decide; bounded windows also keep long texts linear.
    before, after = _tail(body[:start]), body[end : end + _WINDOW]
    if rule.reason == rules.DETAILS_REASON and rules.DETAILS_NAMED.match(after or following):
        return False
    if rules.SHORTCODE_AFTER.match(after):  # "text PAC to 65075": a keyword sent to a short code
        return False
    if body.startswith(("what", "which"), start):  # the object is itself a question
        return not _someone_else_or_negated(before)
    if rules.UNABLE_WITHOUT.search(before):  # "we can't help without your account number"
        return True
    if not rule.strong:
        verb = rules.WEAK_ASK_BEFORE.search(before)
        return verb is not None and not _someone_else_or_negated(before[: verb.start()])
    decided = _decide_by_cues(before, after)
    if decided is not None:
        return decided
    # No cue before the identifier: the words after it, or the question mark, decide.
    if rules.HARMLESS_AFTER.match(after):
        return False
    if is_question and rules.NEXT_CLAUSE_NO.match(following):  # "Account number? Nope."
        return False
    if is_question or rules.ASK_AFTER.match(after) or rules.HANDOVER_AFTER.search(after):
        return True
    return bool(rules.POSSESSIVE_BEFORE.search(before))


def _decide_by_cues(before: str, after: str) -> bool | None:
    """Ask (True) or mention (False) by the nearest telling cue before the identifier; None if none."""
    saw_weak_ask = saw_descriptive = False
    cues = list(rules.CUES.finditer(before))
    for index in range(len(cues) - 1, -1, -1):
        cue = cues[index]
        kind = cue.lastgroup
        if kind == "contrast":  # "we don't need much, just your account number"
            return True
        if kind in ("neg", "giving"):
            return False
        if kind == "harmless":
            return bool(rules.HANDOVER_AFTER.search(after))
        if kind == "strong":
            if _ask_verb_negated(before, cues, index):
                return False
            own_use = rules.SELF_USE_BEFORE.search(before[: cue.end()]) and rules.SELF_USE_AFTER.match(after)
            return not own_use
        if kind == "descriptive":  # "it shows your PIN": look further back for a real ask
            saw_descriptive = True
        else:
            saw_weak_ask = True
    if saw_descriptive:
        return False
    return True if saw_weak_ask else None


def _hands_over_pronoun(body: str) -> bool:
    """ "... keep it handy and DM it to us": the object was named earlier, the ask uses "it"."""
    for match in rules.PRONOUN_HANDOVER.finditer(body):
        if _someone_else_or_negated(_tail(body[: match.start()])):
            continue
        if match.group("pronoun") is None:  # "let us know what it is"
            return True
        verb = match.group(0).split()[0]
        towards_us = " us " in f" {match.group(0)} " or " me " in f" {match.group(0)} "
        if verb in ("dm", "pm", "message", "whatsapp") or towards_us:
            return True
        if rules.PRONOUN_DESTINATION.match(match.group("after")):
            return True
    return False


# --- repeats ----------------------------------------------------------------


def _plain_words(text: str) -> str:
    return " " + _NOT_ALNUM.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip() + " "


def _number_forms(span: Span) -> set[str]:
    digits = digits_only(span.text)
    forms = {digits}
    if span.label == PHONE:
        national = phone_digits(span.text)
        if national:
            forms.add(national)
            if national.startswith("0"):
                forms.add("44" + national[1:])
    return {form for form in forms if form}


def _partial_repeat(run: str, number: str) -> bool:
    """ "ending 0123" repeats a number; a year or price that happens to occur inside it does not."""
    if len(run) < _PARTIAL_DIGITS or run == number:
        return False
    return number.endswith(run) or (len(run) >= _PARTIAL_ANYWHERE and run in number)


def _repeat_reasons(reply: str, customer_text: str) -> list[str]:
    spans = find_pii(customer_text)
    if not spans:
        return []
    runs = [digits_only(m.group(0)) for m in _DIGIT_RUN.finditer(unicodedata.normalize("NFKC", reply))]
    reply_words = _plain_words(reply)
    reasons: list[str] = []
    for span in spans:
        word = KIND_WORDS[span.label]
        if span.label in (PHONE, ACCOUNT_NUMBER, CARD_NUMBER):
            forms = _number_forms(span)
            if any(form in run for run in runs for form in forms):
                reasons.append(f"repeats the {word} the customer posted publicly")
            elif any(_partial_repeat(run, form) for run in runs for form in forms):
                reasons.append(f"repeats part of the {word} the customer posted publicly")
        elif span.label == EMAIL:
            address = span.text.lower()
            local = address.split("@", 1)[0]
            if address in reply_words or (len(local) >= 5 and f" {local} " in reply_words):
                reasons.append(f"repeats the {word} the customer posted publicly")
        elif span.label == ADDRESS:
            street = _plain_words(span.text).strip()
            numbered = re.findall(r"\b\d{1,5}[a-z]? [a-z]+", street)
            house_and_street = numbered[-1] if numbered else street
            if f" {street} " in reply_words or f" {house_and_street} " in reply_words:
                reasons.append(f"repeats the {word} the customer posted publicly")
    return reasons
