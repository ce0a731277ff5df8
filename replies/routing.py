"""Routing: which conversations Parley answers alone, which a person sees, which it leaves.

The table lives in config.yaml so an operator can tighten it without a
release; rules are read top to bottom and the first match wins, so the order
in the file is the order of priority. Every decision names its rule and says
why in words a reviewer understands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain import Intent, Route, RouteDecision
from replies.settings import RoutingRule, RoutingSettings

logger = logging.getLogger(__name__)

SHADOW_PREFIX = "Shadow mode: would have been sent automatically. "


@dataclass(frozen=True, slots=True)
class RoutingInput:
    """What the rules look at: the effective intent and every signal that is on."""

    intent: Intent
    confidence: float
    signals: frozenset[str]
    customer_known: bool = False


def signals_for(
    *,
    flags: frozenset[str],
    confidence: float,
    settings: RoutingSettings,
    pii_public: bool = False,
    postcode_given: bool = False,
    follow_up: bool = False,
    customer_known: bool = False,
    draft_refused: bool = False,
    trust_intent: bool = False,
    accepted: bool = False,
) -> frozenset[str]:
    """Combine classifier flags with derived facts into the set rules test.

    ``trust_intent`` is set when the intent was carried over from the
    conversation (a prospect answering with a postcode): the short answer on
    its own looks vague to the classifier, but the conversation is not.
    """
    signals = set(flags)
    if trust_intent:
        signals.discard("low_confidence")
        signals.add("confident")
    else:
        if confidence < settings.review_confidence:
            signals.add("low_confidence")
        if confidence >= settings.auto_confidence and "low_confidence" not in signals:
            signals.add("confident")
    for name, on in (
        ("pii_public", pii_public),
        ("postcode_given", postcode_given),
        ("follow_up", follow_up),
        ("customer_known", customer_known),
        ("draft_refused", draft_refused),
        ("accepted", accepted),
    ):
        if on:
            signals.add(name)
    return frozenset(signals)


def rule_matches(rule: RoutingRule, item: RoutingInput) -> bool:
    if rule.intents and item.intent not in rule.intents:
        return False
    if rule.flags_any and not item.signals.intersection(rule.flags_any):
        return False
    if item.signals.intersection(rule.flags_none):
        return False
    return rule.customer_known is None or rule.customer_known == item.customer_known


def _reason(rule: RoutingRule, item: RoutingInput) -> str:
    return rule.reason.format(
        intent=item.intent.value.replace("_", " "),
        confidence=f"{item.confidence:.0%}",
        flags=", ".join(sorted(item.signals)) or "none",
    )


def route(item: RoutingInput, settings: RoutingSettings, *, shadow_mode: bool = False) -> RouteDecision:
    """Apply the first matching rule; in shadow mode an auto decision becomes review."""
    for rule in settings.rules:
        if not rule_matches(rule, item):
            continue
        reason = _reason(rule, item)
        if rule.route is Route.AUTO and shadow_mode:
            return RouteDecision(Route.REVIEW, rule.name, SHADOW_PREFIX + reason, would_auto_send=True)
        return RouteDecision(rule.route, rule.name, reason)
    # Settings validation guarantees a catch-all, so this is only reached with hand-built settings.
    logger.warning("no routing rule matched %s; sending to review", item)
    return RouteDecision(Route.REVIEW, "no-rule", "No routing rule matched: a person decides.")

