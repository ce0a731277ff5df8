"""The routing table: every default path, first match wins, shadow mode, bad rules refused."""

from __future__ import annotations

import pytest

from bot.config import parse_config
from bot.domain import Intent, Route
from bot.errors import ConfigError
from replies.routing import RoutingInput, route, signals_for
from replies.settings import RoutingSettings

SETTINGS = RoutingSettings()


def decide(intent: Intent, confidence: float = 0.9, *, flags: tuple[str, ...] = (), shadow: bool = False,
           **derived: bool):
    signals = signals_for(flags=frozenset(flags), confidence=confidence, settings=SETTINGS, **derived)
    return route(RoutingInput(intent, confidence, signals, derived.get("customer_known", False)), SETTINGS,
                 shadow_mode=shadow)


@pytest.mark.parametrize(
    ("intent", "confidence", "flags", "derived", "expected_route", "expected_rule"),
    [
        (Intent.RENEWAL, 0.9, (), {}, Route.AUTO, "renewal-confident"),
        (Intent.NEW_CUSTOMER, 0.8, (), {}, Route.AUTO, "new-customer-confident"),
        (Intent.COMPLAINT, 0.99, (), {}, Route.REVIEW, "complaint"),
        (Intent.RENEWAL, 0.3, (), {}, Route.REVIEW, "low-confidence"),
        (Intent.RENEWAL, 0.6, (), {}, Route.REVIEW, "fallback"),
        (Intent.RENEWAL, 0.9, ("abusive",), {}, Route.REVIEW, "abusive"),
        (Intent.NEW_CUSTOMER, 0.9, ("legal",), {}, Route.REVIEW, "legal-threat"),
        (Intent.RENEWAL, 0.9, (), {"pii_public": True}, Route.REVIEW, "pii-in-public"),
        (Intent.NEW_CUSTOMER, 0.9, ("non_english",), {}, Route.REVIEW, "non-english"),
        (Intent.RENEWAL, 0.95, ("low_confidence",), {}, Route.REVIEW, "low-confidence"),
        (Intent.OTHER, 0.9, ("question",), {}, Route.REVIEW, "other-question"),
        (Intent.OTHER, 0.9, (), {}, Route.IGNORE, "other-ignore"),
        (Intent.RENEWAL, 0.9, (), {"draft_refused": True}, Route.REVIEW, "draft-refused"),
        (Intent.NEW_CUSTOMER, 0.9, ("urgent",), {}, Route.REVIEW, "urgent"),
        (Intent.RENEWAL, 0.9, (), {"accepted": True}, Route.REVIEW, "offer-accepted"),
        (Intent.COMPLAINT, 0.9, ("urgent", "abusive"), {}, Route.REVIEW, "abusive"),
    ],
)
def test_default_paths(intent, confidence, flags, derived, expected_route, expected_rule) -> None:
    decision = decide(intent, confidence, flags=flags, **derived)
    assert (decision.route, decision.rule) == (expected_route, expected_rule)
    assert decision.reason and not decision.would_auto_send


def test_reason_speaks_a_reviewers_language() -> None:
    decision = decide(Intent.RENEWAL, 0.3)
    assert decision.reason == "Not sure what this is about (renewal at 30%): a person checks."


def test_first_match_wins_in_file_order() -> None:
    settings = parse_config({"routing": {"rules": [
        {"name": "everything-renewal", "intents": ["renewal"], "route": "review", "reason": "first"},
        {"name": "renewal-auto", "intents": ["renewal"], "route": "auto", "reason": "second"},
        {"name": "rest", "route": "ignore", "reason": "catch-all"},
    ]}}).routing
    signals = signals_for(flags=frozenset(), confidence=0.99, settings=settings)
    decision = route(RoutingInput(Intent.RENEWAL, 0.99, signals), settings)
    assert (decision.rule, decision.reason, decision.route) == ("everything-renewal", "first", Route.REVIEW)
    assert route(RoutingInput(Intent.COMPLAINT, 0.99, signals), settings).rule == "rest"


def test_customer_known_condition_and_flags_none() -> None:
    settings = parse_config({"routing": {"rules": [
        {"name": "known-calm", "customer_known": True, "flags_none": ["urgent"], "route": "auto", "reason": "k"},
        {"name": "rest", "route": "review", "reason": "r"},
    ]}}).routing
    base = signals_for(flags=frozenset(), confidence=0.5, settings=settings)
    assert route(RoutingInput(Intent.COMPLAINT, 0.5, base, True), settings).rule == "known-calm"
    assert route(RoutingInput(Intent.COMPLAINT, 0.5, base, False), settings).rule == "rest"
    urgent = base | {"urgent"}
    assert route(RoutingInput(Intent.COMPLAINT, 0.5, urgent, True), settings).rule == "rest"


def test_shadow_mode_sends_everything_to_review_and_marks_would_auto_send() -> None:
    decision = decide(Intent.RENEWAL, 0.9, shadow=True)
    assert decision.route is Route.REVIEW
    assert decision.would_auto_send
    assert decision.rule == "renewal-confident"
    assert "would have been sent automatically" in decision.reason
    complaint = decide(Intent.COMPLAINT, 0.9, shadow=True)
    assert complaint.route is Route.REVIEW and not complaint.would_auto_send


def test_carried_intent_trusts_the_conversation() -> None:
    signals = signals_for(flags=frozenset({"low_confidence"}), confidence=0.2, settings=SETTINGS,
                          trust_intent=True)
    assert "confident" in signals and "low_confidence" not in signals


@pytest.mark.parametrize(
    ("rules", "key_part", "message_part"),
    [
        ([{"name": "a", "intents": ["upgrade"], "route": "auto", "reason": "x"}], "rules[0].intents[0]", "renewal"),
        ([{"name": "a", "flags_any": ["angry"], "route": "auto", "reason": "x"}], "rules[0].flags_any",
         "unknown flag angry"),
        ([{"name": "a", "route": "send", "reason": "x"}], "rules[0].route", "auto"),
        ([{"name": "a", "route": "review", "reason": "x {mood}"}], "rules[0].reason", "mood"),
        ([{"name": "a", "route": "review", "reason": "x", "colour": "red"}], "rules[0].colour", "unknown key"),
        ([{"name": "a", "intents": ["renewal"], "route": "auto", "reason": "x"}], "routing", "catch-all"),
        ([{"name": "a", "route": "auto", "reason": "x"}, {"name": "a", "route": "auto", "reason": "y"}],
         "routing", "unique"),
    ],
)
def test_bad_rules_are_refused_naming_the_key(rules, key_part, message_part) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"routing": {"rules": rules}})
    assert key_part in str(caught.value)
    assert message_part in str(caught.value)
