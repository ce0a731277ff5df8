"""Pydantic models of the reply engine's part of config.yaml (routing, offers, templates).

Rules and offers are validated when the file loads, so that a typo in an intent
name or a loyalty price above the new-customer price stops start-up with a
ConfigError naming the key, instead of misrouting a customer later.
"""

from __future__ import annotations

import string
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.domain import Intent, Route

# Signals a routing rule can test: the classifier's flags plus facts the engine derives.
CLASSIFIER_FLAGS: frozenset[str] = frozenset(
    {"abusive", "urgent", "legal", "low_confidence", "non_english", "question"}
)
DERIVED_SIGNALS: frozenset[str] = frozenset(
    {"pii_public", "postcode_given", "follow_up", "confident", "customer_known", "draft_refused", "accepted"}
)
KNOWN_SIGNALS: frozenset[str] = CLASSIFIER_FLAGS | DERIVED_SIGNALS
REASON_FIELDS: frozenset[str] = frozenset({"intent", "confidence", "flags"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_signals(values: list[str]) -> list[str]:
    unknown = sorted(set(values) - KNOWN_SIGNALS)
    if unknown:
        raise ValueError(f"unknown flag {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_SIGNALS))})")
    return values


class RoutingRule(_Strict):
    """One line of the routing table; every condition left out matches anything."""

    name: str = Field(min_length=1, max_length=60)
    intents: list[Intent] = Field(default_factory=list)
    flags_any: list[str] = Field(default_factory=list)
    flags_none: list[str] = Field(default_factory=list)
    customer_known: bool | None = None
    route: Route
    reason: str = Field(min_length=1, max_length=300)

    @field_validator("flags_any", "flags_none")
    @classmethod
    def _known_signals(cls, value: list[str]) -> list[str]:
        return _check_signals(value)

    @field_validator("reason")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"reason is not a valid text with {{placeholders}}: {exc}") from None
        unknown = fields - REASON_FIELDS
        if unknown:
            raise ValueError(
                f"reason uses unknown placeholder {', '.join(sorted(unknown))} "
                f"(allowed: {', '.join(sorted(REASON_FIELDS))})"
            )
        return value


def default_rules() -> list[RoutingRule]:
    """The shipped routing table; config.yaml may replace it as a whole."""

    def rule(name: str, route: Route, reason: str, **conditions: object) -> RoutingRule:
        return RoutingRule.model_validate({"name": name, "route": route, "reason": reason, **conditions})

    return [
        rule("abusive", Route.REVIEW, "Abusive language: a person decides whether and how to answer.",
             flags_any=["abusive"]),
        rule("legal-threat", Route.REVIEW, "Mentions legal action or a regulator: a person must answer.",
             flags_any=["legal"]),
        rule("pii-in-public", Route.REVIEW,
             "Customer posted personal data in public: the draft asks them to delete it; check it first.",
             flags_any=["pii_public"]),
        rule("non-english", Route.REVIEW, "Not written in English: a person checks what it says.",
             flags_any=["non_english"]),
        rule("offer-accepted", Route.REVIEW,
             "Said yes to our offer: a person makes the change, then sends the confirmation.",
             flags_any=["accepted"]),
        rule("complaint", Route.REVIEW, "Complaint: always answered by a person; a reply is drafted.",
             intents=[Intent.COMPLAINT]),
        rule("urgent", Route.REVIEW, "Marked urgent: a person should pick this up now.",
             flags_any=["urgent"]),
        rule("draft-refused", Route.REVIEW, "The drafted reply did not pass the guard: a person writes it.",
             flags_any=["draft_refused"]),
        rule("low-confidence", Route.REVIEW,
             "Not sure what this is about ({intent} at {confidence}): a person checks.",
             flags_any=["low_confidence"]),
        rule("renewal-confident", Route.AUTO,
             "Confident renewal ({confidence}), nothing flagged: the loyal-price reply goes out.",
             intents=[Intent.RENEWAL], flags_any=["confident"]),
        rule("new-customer-confident", Route.AUTO,
             "Confident new-customer enquiry ({confidence}), nothing flagged: the reply goes out.",
             intents=[Intent.NEW_CUSTOMER], flags_any=["confident"]),
        rule("other-question", Route.REVIEW,
             "Asks us something outside renewals and sign-ups: a friendly reply is drafted for a person.",
             intents=[Intent.OTHER], flags_any=["question"]),
        rule("other-ignore", Route.IGNORE, "Mentions us but asks nothing: no reply needed.",
             intents=[Intent.OTHER]),
        rule("fallback", Route.REVIEW,
             "{intent} at {confidence} is below the auto-send threshold: a person checks the draft."),
    ]


class RoutingSettings(_Strict):
    """Thresholds and rules that send a conversation to auto, review or ignore."""

    auto_confidence: float = Field(0.75, ge=0.0, le=1.0)
    review_confidence: float = Field(0.45, ge=0.0, le=1.0)
    rules: list[RoutingRule] = Field(default_factory=default_rules)

    @model_validator(mode="after")
    def _consistent(self) -> RoutingSettings:
        if self.review_confidence > self.auto_confidence:
            raise ValueError("review_confidence must not be above auto_confidence")
        names = [r.name for r in self.rules]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"rule names must be unique: {', '.join(duplicates)}")
        if not self.rules:
            raise ValueError("at least one rule is needed (end with a catch-all)")
        last = self.rules[-1]
        if last.intents or last.flags_any or last.flags_none or last.customer_known is not None:
            raise ValueError(f"the last rule ({last.name!r}) must be a catch-all with no conditions")
        return self


class ReplySettings(_Strict):
    templates_dir: str = "replies/templates"
    first_name_max_length: int = Field(20, ge=1, le=40)
    mastodon_char_limit: int = Field(500, ge=100)


class PlanSettings(_Strict):
    """One plan in the catalogue; prices are per month."""

    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=40)
    product: Literal["broadband", "mobile"] = "broadband"
    speed_mbps: int = Field(gt=0)
    new_customer_price: float = Field(gt=0)
    loyalty_price: float | None = Field(None, gt=0)
    contract_months: int = Field(12, ge=0, le=36)

    @model_validator(mode="after")
    def _loyalty_rule(self) -> PlanSettings:
        if self.loyalty_price is not None and self.loyalty_price > self.new_customer_price:
            raise ValueError(
                f"loyalty rule broken for plan {self.id!r}: loyalty_price {self.loyalty_price:.2f} is "
                f"higher than new_customer_price {self.new_customer_price:.2f} "
                "(an existing customer is never quoted more than a new one)"
            )
        return self

    @property
    def renewal_price(self) -> float:
        """What a customer who stays pays: never more than a newcomer."""
        if self.loyalty_price is None:
            return self.new_customer_price
        return min(self.loyalty_price, self.new_customer_price)


def default_plans() -> list[PlanSettings]:
    raw = [
        ("fibre-36", "Fibre 36", "broadband", 36, 24.0, 22.0, 18),
        ("fibre-80", "Fibre 80", "broadband", 80, 28.0, 25.0, 18),
        ("full-fibre-150", "Full Fibre 150", "broadband", 150, 32.0, 28.0, 18),
        ("full-fibre-500", "Full Fibre 500", "broadband", 500, 40.0, 35.0, 18),
        ("full-fibre-900", "Full Fibre 900", "broadband", 900, 52.0, 45.0, 18),
        ("sim-30gb", "SIM 30GB", "mobile", 100, 10.0, 9.0, 12),
    ]
    return [
        PlanSettings(
            id=i, name=n, product=p, speed_mbps=s,
            new_customer_price=new, loyalty_price=loyal, contract_months=m,
        )
        for i, n, p, s, new, loyal, m in raw
    ]


class OfferSettings(_Strict):
    """The catalogue and where availability by postcode comes from."""

    currency_symbol: str = Field("£", min_length=1, max_length=3)
    availability_csv: str = "replies/data/availability.csv"
    plans: list[PlanSettings] = Field(default_factory=default_plans)

    @model_validator(mode="after")
    def _unique_ids(self) -> OfferSettings:
        ids = [p.id for p in self.plans]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"plan ids must be unique: {', '.join(duplicates)}")
        if not any(p.product == "broadband" for p in self.plans):
            raise ValueError("the catalogue needs at least one broadband plan")
        return self
