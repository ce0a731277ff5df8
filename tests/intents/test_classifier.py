"""The shipped model: loads, classifies relative to the addressed provider, calibrated, versioned."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.domain import Intent
from bot.errors import ModelError
from intents.classifier import IntentClassifier, get_classifier
from intents.model import SHIPPED_MODEL_DIR, apply_temperature, fit_temperature


def test_shipped_model_classifies(classifier: IntentClassifier) -> None:
    assert re.fullmatch(r"intent-\d{8}-[0-9a-f]{10}", classifier.version)
    result = classifier.classify("@parleytelecom my broadband has been down for three days, sort it out")
    assert result.intent is Intent.COMPLAINT
    assert result.model_version == classifier.version
    assert set(result.scores) == {i.value for i in Intent}
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert ("PRODUCT", "broadband") in [(s.label, s.text) for s in result.entities]


@pytest.mark.parametrize(
    ("text", "provider", "intent"),
    [
        ("leaving @O2 for you lot", "ThreeUK", Intent.NEW_CUSTOMER),
        ("leaving you for @O2 because of the price", "ThreeUK", Intent.RENEWAL),
        ("leaving @ThreeUK for @O2 because of the price", "ThreeUK", Intent.RENEWAL),
        ("leaving @ThreeUK for @O2 because of the price", "O2", Intent.NEW_CUSTOMER),
        ("my contract ends in March, what can you offer me to stay?", "parleytelecom", Intent.RENEWAL),
        ("is fibre available at LS6 2AB? thinking of switching from @SkyUK", "parleytelecom",
         Intent.NEW_CUSTOMER),
        ("thanks for sorting my issue so quickly, great service", "parleytelecom", Intent.OTHER),
    ],
)
def test_intent_is_relative_to_the_addressed_provider(
    classifier: IntentClassifier, text: str, provider: str, intent: Intent
) -> None:
    assert classifier.classify(text, provider=provider).intent is intent


def test_batch_matches_single(classifier: IntentClassifier) -> None:
    texts = ["no signal in Leeds since monday", "can I get my PAC code please", "lol same"]
    batch = classifier.classify_batch(texts, provider="VodafoneUK")
    assert [b.intent for b in batch] == [classifier.classify(t, provider="VodafoneUK").intent for t in texts]


def test_flags_and_first_name(classifier: IntentClassifier) -> None:
    result = classifier.classify(
        "@parleytelecom my elderly dad has had no landline for 6 days, I'll be going to the ombudsman",
        display_name="<script>x</script> Megan 🌸",
    )
    assert {"urgent", "legal"} <= result.flags
    assert result.first_name == "Megan"
    assert classifier.classify("hi, I'm Sarah, is fibre in my area?").first_name == "Sarah"


def test_low_confidence_flag_follows_the_threshold() -> None:
    strict = IntentClassifier.load(low_confidence_threshold=1.0)
    assert "low_confidence" in strict.classify("hello").flags
    relaxed = IntentClassifier.load(low_confidence_threshold=0.0)
    assert "low_confidence" not in relaxed.classify("hello").flags


def test_temperature_scaling() -> None:
    assert apply_temperature([0.7, 0.1, 0.1, 0.1], 1.0) == pytest.approx([0.7, 0.1, 0.1, 0.1])
    softer = apply_temperature([0.7, 0.1, 0.1, 0.1], 2.0)
    assert softer[0] < 0.7 and sum(softer) == pytest.approx(1.0)
    overconfident = [[0.97, 0.01, 0.01, 0.01]] * 6 + [[0.01, 0.97, 0.01, 0.01]] * 4
    assert fit_temperature(overconfident, [0] * 6 + [0] * 4) > 1.0


def test_missing_or_corrupt_model_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        IntentClassifier.load(tmp_path / "nope")
    with pytest.raises(ModelError, match=r"parley\.json"):
        IntentClassifier.load(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(SHIPPED_MODEL_DIR, broken)
    (broken / "textcat" / "model").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot load"):
        IntentClassifier.load(broken)
    (broken / "parley.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        IntentClassifier.load(broken)


def test_get_classifier_is_cached_per_settings() -> None:
    settings = parse_config({})
    first = get_classifier(settings)
    assert get_classifier(settings) is first
    assert "parleytelecom" in first.provider_handles


def test_a_large_batch_scores_like_posts_one_at_a_time(classifier: IntentClassifier) -> None:
    """Batches of 16 or more are calibrated with numpy, smaller ones in plain Python: same scores."""
    texts = [f"@ThreeUK post {i}: no signal again, thinking of leaving for a cheaper deal" for i in range(20)]
    texts += ["", "   ", "🙂", "@ThreeUK"]  # nothing for the model to read still gets scores
    batch = classifier.classify_batch(texts, provider="ThreeUK")
    for text, result in zip(texts, batch, strict=True):
        single = classifier.classify(text, provider="ThreeUK")
        assert result.intent is single.intent
        assert result.scores == pytest.approx(single.scores, abs=1e-4)
        assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-3)


def test_token_lists_score_like_spacy_docs(classifier: IntentClassifier) -> None:
    """The shipped model scores the normaliser's tokens directly; through spaCy Docs it scores the same."""
    from intents.training import read_corpus

    assert classifier._token_scorer is not None
    texts = [row.text for row in read_corpus()[::40]] + ["", "amod nsubj ADJ", "née à Zürich"]
    fast = classifier.classify_batch(texts, provider="EE")
    scorer, classifier._token_scorer = classifier._token_scorer, None
    try:
        through_docs = classifier.classify_batch(texts, provider="EE")
    finally:
        classifier._token_scorer = scorer
    assert [r.scores for r in fast] == [r.scores for r in through_docs]


def test_classifier_flags_are_the_flag_module_s(classifier: IntentClassifier) -> None:
    """The classifier hands detect_flags the normaliser's tokens; the flags come out the same."""
    from intents.flags import LOW_CONFIDENCE, detect_flags

    texts = ["Still not resolved, one week without my number @Ofcom", "I'm going to the ombudsman",
             "you absolute muppets", "my elderly mum has no landline", "hola que tal, como estas mi amigo, el "
             "servicio es malo", "can you help?", "@ofcomfan agreed, awful"]
    for text, result in zip(texts, classifier.classify_batch(texts, provider="VodafoneUK"), strict=True):
        assert set(result.flags) - {LOW_CONFIDENCE} == detect_flags(text), text
