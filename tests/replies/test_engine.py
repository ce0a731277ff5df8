"""The reply engine end to end through decide(): what is said, where it goes, and why."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("replies.guard", reason="replies/guard.py (the no-numbers guard) is not written yet")

from bot.config import Settings, parse_config
from bot.domain import GuardVerdict, Intent, Route, Visibility
from replies import drafting
from replies.compose import mastodon_length, mentioned_handles, x_weighted_length
from replies.customers import CustomerMatch
from replies.engine import ReplyContext, ReplyEngine
from replies.guard import check_reply
from tests.replies.builders import classification, mention

JO = CustomerMatch(customer_id=7, name="Jo Bloggs", confidence=1.0, reason="x handle @jo", postcode="LS6 4QT")


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine(parse_config({}))


def assert_safe(ctx: ReplyContext, text: str) -> None:
    """What every public reply must be: guard-clean, only the author named, within X's limit."""
    assert check_reply(text, customer_text=ctx.mention.text).allowed
    handles = mentioned_handles(text)
    assert text.startswith("@" + ctx.mention.author.handle + " ")
    assert handles == [ctx.mention.author.handle.lower()]
    if ctx.mention.platform.value == "x":
        assert x_weighted_length(text) <= 280
    assert not re.search(r"\b(dm|call|ring) us\b", text, re.IGNORECASE)  # never herded to another channel


def test_known_customer_renewal_gets_the_loyal_price_and_a_one_step_yes(engine: ReplyEngine) -> None:
    ctx = ReplyContext(mention("time to renew, what can you do for me?"),
                       classification(Intent.RENEWAL, 0.92), customer=JO)
    decision, draft = engine.decide(ctx)
    assert (decision.route, decision.rule) == (Route.AUTO, "renewal-confident")
    assert draft is not None and draft.template_id.endswith(tuple(f"renewal_offer/{i}" for i in "123"))
    assert "£28" in draft.text and "£32" not in draft.text  # Full Fibre 150 at LS6 4QT: 28 loyal, 32 new
    assert "YES" in draft.text and "Jo" in draft.text
    assert "Bloggs" not in draft.text and "LS6" not in draft.text  # nothing from the account is shown
    assert "Recognised as Jo Bloggs (100%: x handle @jo)" in decision.reason  # for staff eyes only
    assert_safe(ctx, draft.text)


def test_unknown_renewal_without_postcode_asks_for_name_and_postcode(engine: ReplyEngine) -> None:
    ctx = ReplyContext(mention("my contract is ending, want to stay"), classification(Intent.RENEWAL, 0.88))
    decision, draft = engine.decide(ctx)
    assert decision.route is Route.AUTO
    assert draft is not None and "renewal_ask" in draft.template_id
    assert "name" in draft.text and "postcode" in draft.text
    assert_safe(ctx, draft.text)


def test_new_customer_with_postcode_gets_a_quote(engine: ReplyEngine) -> None:
    ctx = ReplyContext(mention("thinking of switching to you, I'm in LS6 4QT"),
                       classification(Intent.NEW_CUSTOMER, 0.9, entities=[("POSTCODE", "LS6 4QT")]))
    decision, draft = engine.decide(ctx)
    assert (decision.route, decision.rule) == (Route.AUTO, "new-customer-confident")
    assert draft is not None and "new_customer_quote" in draft.template_id
    assert "Full Fibre 150" in draft.text and "£32" in draft.text and "150 Mbps" in draft.text
    assert "LS6" not in draft.text
    assert_safe(ctx, draft.text)


def test_new_customer_without_postcode_gets_a_warm_ask(engine: ReplyEngine) -> None:
    ctx = ReplyContext(mention("how fast is your broadband?"), classification(Intent.NEW_CUSTOMER, 0.85))
    decision, draft = engine.decide(ctx)
    assert decision.route is Route.AUTO
    assert draft is not None and "new_customer_ask" in draft.template_id and "postcode" in draft.text
    assert_safe(ctx, draft.text)


def test_postcode_we_do_not_cover_goes_to_a_person_to_check(engine: ReplyEngine) -> None:
    ctx = ReplyContext(mention("can I get you at ZZ9 9ZZ?"),
                       classification(Intent.NEW_CUSTOMER, 0.9, entities=[("POSTCODE", "ZZ9 9ZZ")]))
    _, draft = engine.decide(ctx)
    assert draft is not None and "unknown_area" in draft.template_id
    assert_safe(ctx, draft.text)


def test_complaint_goes_to_review_with_a_draft(engine: ReplyEngine) -> None:
    ctx = ReplyContext(mention("third outage this week, sort it out"), classification(Intent.COMPLAINT, 0.97))
    decision, draft = engine.decide(ctx)
    assert (decision.route, decision.rule) == (Route.REVIEW, "complaint")
    assert draft is not None and "complaint_ask" in draft.template_id
    assert "name" in draft.text and "postcode" in draft.text
    assert_safe(ctx, draft.text)
    _, known = engine.decide(ReplyContext(ctx.mention, ctx.classification, customer=JO))
    assert known is not None and "complaint_known" in known.template_id
    with_postcode = ReplyContext(mention("down again at LS6 4QT"),
                                 classification(Intent.COMPLAINT, 0.97, entities=[("POSTCODE", "LS6 4QT")]))
    _, asks_name = engine.decide(with_postcode)
    assert asks_name is not None and "complaint_name" in asks_name.template_id and "name" in asks_name.text
    assert "LS6" not in asks_name.text
    assert_safe(with_postcode, asks_name.text)


def test_personal_data_in_public_is_never_repeated_and_the_author_is_asked_to_delete(
    engine: ReplyEngine,
) -> None:
    text = "renew me please, account 88123456, call 07700 900123"
    ctx = ReplyContext(
        mention(text),
        classification(Intent.RENEWAL, 0.95, pii=[("ACCOUNT_NUMBER", "88123456"), ("PHONE", "07700 900123")]),
    )
    decision, draft = engine.decide(ctx)
    assert (decision.route, decision.rule) == (Route.REVIEW, "pii-in-public")
    assert "personal data in public" in decision.reason
    assert draft is not None and "pii_rescue" in draft.template_id
    assert "delete" in draft.text
    assert "88123456" not in draft.text and "07700" not in draft.text and "900123" not in draft.text
    assert_safe(ctx, draft.text)


def test_direct_message_with_personal_data_is_not_a_public_rescue(engine: ReplyEngine) -> None:
    ctx = ReplyContext(
        mention("my number is 07700 900123", platform="mastodon", visibility=Visibility.DIRECT),
        classification(Intent.RENEWAL, 0.95, pii=[("PHONE", "07700 900123")]),
    )
    decision, draft = engine.decide(ctx)
    assert decision.rule != "pii-in-public"
    assert draft is not None and "pii_rescue" not in draft.template_id


def test_follow_up_with_a_postcode_gets_the_quote(engine: ReplyEngine) -> None:
    ctx = ReplyContext(
        mention("it's TR18 2AB", external_id="1002"),
        classification(Intent.OTHER, 0.41, flags=["low_confidence"], entities=[("POSTCODE", "TR18 2AB")]),
        previous_intent=Intent.NEW_CUSTOMER,
        is_follow_up=True,
    )
    decision, draft = engine.decide(ctx)
    assert (decision.route, decision.rule) == (Route.AUTO, "new-customer-confident")
    assert decision.intent is Intent.NEW_CUSTOMER  # the conversation's intent, not this post's alone
    assert "Follow-up" in decision.reason
    assert draft is not None and "new_customer_quote" in draft.template_id
    assert "Fibre 36" in draft.text and "£24" in draft.text
    assert_safe(ctx, draft.text)


def test_vague_follow_up_without_a_postcode_is_not_trusted(engine: ReplyEngine) -> None:
    ctx = ReplyContext(mention("hmm ok"), classification(Intent.OTHER, 0.3), previous_intent=Intent.NEW_CUSTOMER,
                       is_follow_up=True)
    decision, draft = engine.decide(ctx)
    assert decision.route is Route.REVIEW and decision.rule == "low-confidence"
    assert draft is not None and "new_customer_ask" in draft.template_id


def test_other_without_a_question_is_ignored_and_with_one_is_drafted(engine: ReplyEngine) -> None:
    decision, draft = engine.decide(ReplyContext(mention("saw your ad on the bus"), classification(Intent.OTHER)))
    assert (decision.route, draft) == (Route.IGNORE, None)
    decision, draft = engine.decide(
        ReplyContext(mention("do you sponsor the local team?"), classification(Intent.OTHER, flags=["question"]))
    )
    assert (decision.route, decision.rule) == (Route.REVIEW, "other-question")
    assert draft is not None and "question" in draft.template_id


def test_shadow_mode_reviews_what_would_have_gone_out() -> None:
    shadow = ReplyEngine(Settings.model_validate({"shadow_mode": True}))
    decision, draft = shadow.decide(ReplyContext(mention("renew please"), classification(Intent.RENEWAL, 0.9)))
    assert decision.route is Route.REVIEW and decision.would_auto_send and draft is not None
    assert "would have been sent automatically" in decision.reason


def test_mastodon_names_only_the_author_and_fits_a_small_instance(engine: ReplyEngine) -> None:
    ctx = ReplyContext(
        mention("renewal time! @friend says you're good", platform="mastodon", handle="jo@social.example"),
        classification(Intent.RENEWAL, 0.9), customer=JO, char_limit=200,
    )
    decision, draft = engine.decide(ctx)
    assert draft is not None and decision.route is Route.AUTO
    assert mastodon_length(draft.text) <= 200
    assert draft.template_id.startswith("common/renewal_offer/")  # the roomier Mastodon wordings did not fit
    assert_safe(ctx, draft.text)
    roomy = engine.decide(ReplyContext(ctx.mention, ctx.classification, customer=JO))[1]
    assert roomy is not None and roomy.template_id.startswith("mastodon/renewal_offer/")


@pytest.mark.parametrize("hostile", ["{{7*7}}", "<b>x</b>", "@other http://evil.example.com", "{% raw %}Jo"])
def test_hostile_display_names_are_neutralised(engine: ReplyEngine, hostile: str) -> None:
    for platform in ("x", "mastodon"):
        ctx = ReplyContext(mention("want to renew", platform=platform, display_name=hostile),
                           classification(Intent.RENEWAL, 0.9))
        _, draft = engine.decide(ctx)
        assert draft is not None
        for bad in ("49", "{", "<", "other", "http", "evil"):
            assert bad not in draft.text
        assert_safe(ctx, draft.text)


def test_wording_varies_by_post_but_is_stable_for_one_post(engine: ReplyEngine) -> None:
    cls = classification(Intent.NEW_CUSTOMER, 0.9)
    texts = {engine.decide(ReplyContext(mention("hi, broadband?", external_id=str(i)), cls))[1].text  # type: ignore[union-attr]
             for i in range(12)}
    assert len(texts) >= 2
    first = engine.decide(ReplyContext(mention("hi", external_id="77"), cls))[1]
    again = engine.decide(ReplyContext(mention("hi", external_id="77"), cls))[1]
    assert first == again


def test_a_draft_the_guard_refuses_goes_to_review_with_the_reason(
    engine: ReplyEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse_offers(text: str, *, customer_text: str | None = None) -> GuardVerdict:
        if "YES" in text:
            return GuardVerdict(False, ("pretend refusal of the offer wording",))
        return check_reply(text, customer_text=customer_text)

    monkeypatch.setattr(drafting, "check_reply", refuse_offers)
    decision, draft = engine.decide(ReplyContext(mention("renew"), classification(Intent.RENEWAL, 0.9), customer=JO))
    assert (decision.route, decision.rule) == (Route.REVIEW, "draft-refused")
    assert "pretend refusal" in decision.reason
    assert draft is not None and draft.verdict.allowed and "general" in draft.template_id


def test_yes_to_our_offer_goes_to_a_person_who_makes_the_change(engine: ReplyEngine) -> None:
    ctx = ReplyContext(mention("@parleytelecom yes please!"), classification(Intent.OTHER, 0.6),
                       previous_intent=Intent.RENEWAL, is_follow_up=True, customer=JO)
    decision, draft = engine.decide(ctx)
    assert (decision.route, decision.rule) == (Route.REVIEW, "offer-accepted")
    assert draft is not None and "accepted" in draft.template_id
    assert_safe(ctx, draft.text)
    not_yet = ReplyContext(mention("yes but what about the router?"), classification(Intent.OTHER, 0.6),
                           previous_intent=Intent.RENEWAL, is_follow_up=True, customer=JO)
    assert engine.decide(not_yet)[0].rule != "offer-accepted"


@pytest.mark.parametrize("handle", ["priya.s", "jo-bloggs", "ann@social.example"])
def test_unusual_author_handles_still_get_a_draft(engine: ReplyEngine, handle: str) -> None:
    ctx = ReplyContext(mention("what broadband can I get at LS6 2AB?", handle=handle, platform="mastodon"),
                       classification(Intent.NEW_CUSTOMER, 0.9))
    decision, draft = engine.decide(ctx)
    assert draft is not None and draft.verdict.allowed
    assert decision.rule != "draft-refused"
