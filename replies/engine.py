"""The reply engine: from a classified post to a route and a drafted reply.

This is the one entry point the pipeline calls. It works out what the
conversation is really about (a follow-up that only says a postcode is still a
sign-up), picks the situation, writes the reply from a template, checks it
with the guard, and only then routes, so that a reply the guard refuses can
never be sent automatically.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from bot.config import Settings
from bot.domain import Classification, DraftedReply, Intent, Mention, Route, RouteDecision, Visibility
from bot.errors import TemplateError
from intents.entities import first_name_from_display
from replies.compose import TemplateLibrary, sanitise_first_name
from replies.customers import CustomerMatch
from replies.drafting import SITUATIONS, Drafter, Facts, pii_kinds, sample_variables
from replies.guard import check_reply
from replies.offers import OfferBook, find_postcodes, normalise_postcode, wants_mobile
from replies.routing import RoutingInput, route, signals_for

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CARRIED_INTENTS = (Intent.NEW_CUSTOMER, Intent.RENEWAL, Intent.COMPLAINT)
OFFER_INTENTS = (Intent.NEW_CUSTOMER, Intent.RENEWAL)
# "YES", "yes please", "go ahead": the one-step acceptance our offers invite.
_YES = re.compile(
    r"^\W*(?:@\S+\s+)*(?:yes|yes please|yep|yeah|yup|go ahead|go for it|sounds good|let'?s do it|do it|deal|"
    r"ok(?:ay)?,? (?:yes|go ahead|let'?s do it))\b(?!\s+(?:but|if|although|except))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReplyContext:
    mention: Mention
    classification: Classification
    previous_intent: Intent | None = None  # the conversation's intent so far (follow-up)
    is_follow_up: bool = False
    customer: CustomerMatch | None = None
    char_limit: int | None = None  # instance limit for Mastodon


def _resolve(path_text: str) -> Path:
    """An operator's own folder relative to where Parley runs, else the one shipped with Parley."""
    path = Path(path_text)
    if path.is_absolute() or path.exists():
        return path
    return PROJECT_ROOT / path


class ReplyEngine:
    """Loaded once at start-up; refuses to start with a template or offer that breaks the rules."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.offers = OfferBook.from_settings(settings.offers, base_dir=PROJECT_ROOT)
        self.templates = TemplateLibrary(_resolve(settings.replies.templates_dir))
        missing = sorted(set(SITUATIONS) - self.templates.situations())
        if missing:
            raise TemplateError(f"{self.templates.root}: no templates for {', '.join(missing)}")
        self.templates.check(
            samples=lambda situation: sample_variables(situation, self.offers, settings),
            guard=check_reply,
            mastodon_limit=settings.replies.mastodon_char_limit,
            longest_handle="a" * 30 + "@" + "b" * 30 + ".social",
        )
        self.drafter = Drafter(self.templates, settings)
        logger.info("reply engine ready: %d templates", len(self.templates.all_templates()))

    def facts(self, ctx: ReplyContext) -> Facts:
        """Everything the situation and the routing depend on, worked out once."""
        mention, classification = ctx.mention, ctx.classification
        written = classification.entity_texts("POSTCODE") + classification.entity_texts("ZIP")
        postcodes = [p for p in (normalise_postcode(t) for t in written) if p] or find_postcodes(mention.text)
        full_postcodes = [p for p in postcodes if " " in p or p.isdigit()]
        in_public = mention.visibility in (Visibility.PUBLIC, Visibility.UNLISTED)
        kinds = pii_kinds(mention.text, classification) if in_public else []

        intent, carried = classification.intent, False
        confident_alone = classification.confidence >= self.settings.routing.auto_confidence
        if (
            ctx.is_follow_up
            and ctx.previous_intent in CARRIED_INTENTS
            and (intent is Intent.OTHER or not confident_alone)
        ):
            intent = ctx.previous_intent
            carried = bool(postcodes) or ctx.customer is not None
        address_postcode = (ctx.customer.postcode if ctx.customer else None) or (
            full_postcodes[0] if full_postcodes else (postcodes[0] if postcodes else None)
        )
        first_name = sanitise_first_name(
            classification.first_name or first_name_from_display(mention.author.display_name),
            max_length=self.settings.replies.first_name_max_length,
        )
        return Facts(
            intent=intent,
            carried=carried,
            postcode=address_postcode,
            pii_kinds=tuple(kinds),
            mobile=wants_mobile(classification.entity_texts("PRODUCT"), mention.text),
            first_name=first_name,
            customer_known=ctx.customer is not None,
            follow_up=ctx.is_follow_up,
            question="question" in classification.flags,
            accepted=ctx.is_follow_up and ctx.previous_intent in OFFER_INTENTS and bool(_YES.match(mention.text)),
        )

    def decide(self, ctx: ReplyContext) -> tuple[RouteDecision, DraftedReply | None]:
        facts = self.facts(ctx)
        drafted, refusal = self.drafter.draft(ctx.mention, facts, self.offers, char_limit=ctx.char_limit)
        signals = signals_for(
            flags=ctx.classification.flags,
            confidence=ctx.classification.confidence,
            settings=self.settings.routing,
            pii_public=bool(facts.pii_kinds),
            postcode_given=facts.postcode is not None,
            follow_up=ctx.is_follow_up,
            customer_known=facts.customer_known,
            draft_refused=refusal is not None,
            trust_intent=facts.carried,
            accepted=facts.accepted,
        )
        confidence = 1.0 if facts.carried else ctx.classification.confidence
        decision = route(
            RoutingInput(facts.intent, confidence, signals, facts.customer_known),
            self.settings.routing,
            shadow_mode=self.settings.shadow_mode,
        )
        decision = replace(decision, intent=facts.intent)
        notes = self._staff_notes(ctx, facts, refusal)
        if notes:
            decision = replace(decision, reason=" ".join([decision.reason, *notes]))
        if decision.route is Route.AUTO and (refusal is not None or drafted is None or not drafted.verdict.allowed):
            decision = replace(decision, route=Route.REVIEW, reason=decision.reason + " Not sent: no safe draft.")
        if decision.route is Route.IGNORE:
            return decision, None
        return decision, drafted


    @staticmethod
    def _staff_notes(ctx: ReplyContext, facts: Facts, refusal: str | None) -> list[str]:
        """What a reviewer should know beyond the rule: staff read these; the public reply never does."""
        notes: list[str] = []
        if facts.carried and ctx.previous_intent is not None:
            alone = ctx.classification.intent.value.replace("_", " ")
            earlier = ctx.previous_intent.value.replace("_", " ")
            notes.append(f"(Follow-up: this post alone reads as {alone}, but it answers our question in an "
                         f"earlier {earlier} conversation.)")
        if refusal is not None:
            notes.append(f"The first draft was refused: {refusal}")
        if ctx.customer is not None:
            notes.append(f"Recognised as {ctx.customer.name} ({ctx.customer.confidence:.0%}: {ctx.customer.reason}).")
        return notes


