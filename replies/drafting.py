"""Choosing the situation and writing the draft for one post.

Kept apart from the engine so that the rules for "which words do we say" can
be read in one place: personal data posted in public comes first (we never
repeat it), then a quote from the address when we have one, then a warm ask
for the one thing we need (a name and a postcode, never a number).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass

from bot.config import Settings
from bot.domain import Classification, DraftedReply, Intent, Mention
from replies.compose import (
    TemplateLibrary,
    fits,
    mention_prefix,
    mentioned_handles,
    render,
)
from replies.guard import check_reply, pii_rescue_needed
from replies.offers import OfferBook, Quote

logger = logging.getLogger(__name__)

SITUATIONS = (
    "renewal_offer", "renewal_quote", "renewal_ask", "new_customer_quote", "new_customer_ask",
    "unknown_area", "mobile_quote", "complaint_known", "complaint_ask", "complaint_name", "question",
    "general", "pii_rescue", "accepted",
)
FALLBACK_SITUATION = "general"
# What each kind of personal data is called in a reply: named, never repeated.
PII_WORDS = {
    "ACCOUNT_NUMBER": "an account number",
    "PHONE": "a phone number",
    "EMAIL": "an email address",
    "CARD_NUMBER": "card details",
    "ADDRESS": "your full address",
}
# intents.pii speaks of kinds in words ("phone number"); classifications use labels (PHONE).
_KIND_ALIASES = {
    "PHONE_NUMBER": "PHONE",
    "HOME_ADDRESS": "ADDRESS",
    "EMAIL_ADDRESS": "EMAIL",
    "CARD_DETAILS": "CARD_NUMBER",
    "BANK_DETAILS": "CARD_NUMBER",
}
# A postcode alone is what we ask people for, so it is not something to rescue.
NOT_RESCUED = {"POSTCODE", "ZIP"}


@dataclass(frozen=True, slots=True)
class Facts:
    """What the engine worked out about a post, for drafting and routing."""

    intent: Intent
    carried: bool  # intent carried over from the conversation, and this post gives what we asked for
    postcode: str | None
    pii_kinds: tuple[str, ...]
    mobile: bool
    first_name: str
    customer_known: bool
    follow_up: bool
    question: bool
    accepted: bool = False  # a follow-up saying yes to the offer we made


def pii_kinds(text: str, classification: Classification) -> list[str]:
    """The kinds of personal data the author put in public, in words a reply can use."""
    kinds: list[str] = []
    found = [*pii_rescue_needed(text), *(span.label for span in classification.pii)]
    for kind in found:
        key = kind.strip().upper().replace(" ", "_")
        if key in NOT_RESCUED:
            continue
        word = PII_WORDS.get(key) or PII_WORDS.get(_KIND_ALIASES.get(key, ""), "personal details")
        if word not in kinds:
            kinds.append(word)
    return kinds


def join_words(words: list[str] | tuple[str, ...], conjunction: str = "or") -> str:
    """ "a, b or c": the rescue templates say what we never need, so "or" reads right."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


def choose_situation(facts: Facts, offers: OfferBook) -> tuple[str, Quote | None]:
    if facts.pii_kinds:
        return "pii_rescue", None
    if facts.accepted:
        return "accepted", None
    if facts.intent in (Intent.RENEWAL, Intent.NEW_CUSTOMER):
        renewal = facts.intent is Intent.RENEWAL
        if facts.mobile:
            quote = offers.mobile_quote(renewal=renewal)
            if quote is not None:
                return "mobile_quote", quote
        if facts.postcode is None:
            return ("renewal_ask" if renewal else "new_customer_ask"), None
        quote = offers.broadband_quote(facts.postcode, renewal=renewal)
        if quote is None:
            return "unknown_area", None
        if renewal:
            return ("renewal_offer" if facts.customer_known else "renewal_quote"), quote
        return "new_customer_quote", quote
    if facts.intent is Intent.COMPLAINT:
        if facts.customer_known:
            return "complaint_known", None
        full_postcode = facts.postcode is not None and (" " in facts.postcode or facts.postcode.isdigit())
        return ("complaint_name" if full_postcode else "complaint_ask"), None
    return ("question" if facts.question else FALLBACK_SITUATION), None


def variables(facts: Facts, quote: Quote | None, settings: Settings) -> dict[str, object]:
    """The only values a template sees; all of them clean, none from the post verbatim."""
    return {
        "first_name": facts.first_name,
        "follow_up": facts.follow_up,
        "customer_known": facts.customer_known,
        "renewal": facts.intent is Intent.RENEWAL,
        "plan": quote.plan_name if quote else "",
        "speed": quote.speed_mbps if quote else "",
        "price": quote.price_text if quote else "",
        "contract_months": quote.contract_months if quote else "",
        "contract_end": "",
        "pii_kinds": join_words(facts.pii_kinds),
        "provider": settings.provider.name,
    }


def sample_variables(situation: str, offers: OfferBook, settings: Settings) -> list[dict[str, object]]:
    """Worst-case values for the load-time check: the longest name, plan and price we could show."""
    plans = offers.settings.plans
    longest_plan = max(plans, key=lambda p: len(p.name))
    dearest = max(plans, key=lambda p: p.new_customer_price)
    quote = Quote(
        plan_id=longest_plan.id, plan_name=longest_plan.name, product=longest_plan.product,
        speed_mbps=max(p.speed_mbps for p in plans), price=dearest.new_customer_price,
        price_text=offers.price_text(dearest.new_customer_price + 0.99),
        contract_months=max(p.contract_months for p in plans), area="", renewal=False,
    )
    long_name = "W" * settings.replies.first_name_max_length
    samples = []
    for first_name, follow_up, known, intent in itertools.product(
        ("", long_name), (False, True), (False, True), (Intent.RENEWAL, Intent.NEW_CUSTOMER)
    ):
        facts = Facts(
            intent=intent, carried=False, postcode=None,
            pii_kinds=tuple(PII_WORDS.values())[:3] if situation == "pii_rescue" else (),
            mobile=False, first_name=first_name, customer_known=known, follow_up=follow_up, question=False,
        )
        samples.append(variables(facts, quote, settings))
    return samples


class Drafter:
    """Renders the variants of a situation until one fits the platform and passes the guard."""

    def __init__(self, templates: TemplateLibrary, settings: Settings) -> None:
        self.templates = templates
        self.settings = settings

    def draft(
        self, mention: Mention, facts: Facts, offers: OfferBook, *, char_limit: int | None
    ) -> tuple[DraftedReply | None, str | None]:
        """The draft and, if the intended wording could not be used, why (for the reviewer)."""
        situation, quote = choose_situation(facts, offers)
        values = variables(facts, quote, self.settings)
        drafted, problem = self._first_good(situation, mention, values, char_limit)
        if drafted is not None:
            return drafted, None
        logger.warning("draft for %s (%s) refused: %s", mention.external_id, situation, problem)
        fallback, _ = self._first_good(FALLBACK_SITUATION, mention, values, char_limit)
        if fallback is None:
            # Still give the reviewer something to edit; its verdict shows it must not go out as is.
            template = self.templates.variants(FALLBACK_SITUATION, mention.platform.value)[0]
            text = mention_prefix(mention.platform.value, mention.author.handle) + render(template, values)
            fallback = DraftedReply(text, template.template_id, check_reply(text, customer_text=mention.text))
        return fallback, problem

    def _limit(self, platform: str, char_limit: int | None) -> int | None:
        if platform == "mastodon":
            return char_limit or self.settings.replies.mastodon_char_limit
        return char_limit

    def _first_good(
        self, situation: str, mention: Mention, values: dict[str, object], char_limit: int | None
    ) -> tuple[DraftedReply | None, str | None]:
        platform = mention.platform.value
        prefix = mention_prefix(platform, mention.author.handle)
        limit = self._limit(platform, char_limit)
        variants = self.templates.candidates(situation, platform, f"{mention.external_id}:{situation}")
        problem = f"no {situation} wording fits {platform} in {limit or 'its'} characters"
        # Try every wording with the name, then every wording without it, before giving up.
        for first_name in dict.fromkeys((values["first_name"], "")):
            for template in variants:
                text = prefix + render(template, {**values, "first_name": first_name})
                if not fits(text, platform=platform, char_limit=limit):
                    continue
                allowed_mentions = set(mentioned_handles(prefix))
                if set(mentioned_handles(text)) - allowed_mentions:
                    problem = f"{template.template_id} would mention someone other than the author"
                    continue
                verdict = check_reply(text, customer_text=mention.text)
                if verdict.allowed:
                    return DraftedReply(text=text, template_id=template.template_id, verdict=verdict), None
                problem = f"{template.template_id}: {'; '.join(verdict.reasons)}"
        return None, problem
