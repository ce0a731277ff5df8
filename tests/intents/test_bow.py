"""parley.TextCatBOW.v1: the same features and scores as spaCy's TextCatBOW.v3, extracted per batch."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.attrs import ORTH
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.tokenizer import Tokenizer
from spacy.training import Example

from intents.bow import ARCHITECTURE, batch_ngrams
from intents.model import LABELS

TEXTS = [
    "@us no signal in @other land again !",
    "leaving @us for @other because of the price",
    "one",
    "thanks thanks thanks thanks",  # repeated features: counted by occurrence, not deduplicated
    "a b c d e f g h i j k l m n o p",
]


def _blank() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = Tokenizer(nlp.vocab)
    return nlp


def _per_doc(keys: numpy.ndarray, values: numpy.ndarray, lengths: numpy.ndarray) -> list[Counter[int]]:
    out: list[Counter[int]] = []
    start = 0
    for length in lengths.tolist():
        counts: Counter[int] = Counter()
        for key, value in zip(keys[start : start + length].tolist(), values[start : start + length].tolist(),
                              strict=True):
            counts[key] += value
        out.append(counts)
        start += length
    return out


@pytest.mark.parametrize("size", [1, 2, 3])
def test_features_are_spacys_ngrams_with_their_counts(size: int) -> None:
    nlp = _blank()
    docs = [nlp.make_doc(text) for text in TEXTS]
    ours = _per_doc(*batch_ngrams(size).predict(docs))
    theirs = _per_doc(*extract_ngrams(size, attr=ORTH).predict(docs))
    assert ours == theirs


def test_empty_docs_and_empty_batches_have_no_features() -> None:
    """spaCy's own extractor fails on an empty doc; this one gives it no features."""
    nlp = _blank()
    keys, values, lengths = batch_ngrams(2).predict([nlp.make_doc(""), nlp.make_doc("hello there"), nlp.make_doc("")])
    assert lengths.tolist() == [0, 3, 0] and len(keys) == len(values) == 3
    keys, _values, lengths = batch_ngrams(2).predict([])
    assert len(keys) == 0 and len(lengths) == 0


def _textcat(nlp: spacy.language.Language, model: dict[str, object]) -> spacy.language.Language:
    textcat = nlp.add_pipe("textcat", config={"model": model, "threshold": 0.0})
    for label in LABELS:
        textcat.add_label(label)  # type: ignore[attr-defined]
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": {label: float(label == LABELS[i % 4])
                                                                 for label in LABELS}})
                for i, text in enumerate(TEXTS)]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(5):
        nlp.update(examples, sgd=optimizer)
    return nlp


def test_scores_match_spacys_bag_of_words_with_the_same_weights() -> None:
    common = {"exclusive_classes": True, "ngram_size": 2, "length": 4096}
    spacy_nlp = _textcat(_blank(), {"@architectures": "spacy.TextCatBOW.v3", "no_output_layer": False, **common})
    ours = _textcat(_blank(), {"@architectures": ARCHITECTURE, **common})
    theirs_layer = spacy_nlp.get_pipe("textcat").model.get_ref("output_layer")  # type: ignore[attr-defined]
    ours_layer = ours.get_pipe("textcat").model.get_ref("output_layer")  # type: ignore[attr-defined]
    ours_layer.set_param("W", theirs_layer.get_param("W").copy())
    ours_layer.set_param("b", theirs_layer.get_param("b").copy())
    docs = [ours.make_doc(text) for text in TEXTS]
    expected = spacy_nlp.get_pipe("textcat").predict([spacy_nlp.make_doc(text) for text in TEXTS])  # type: ignore[attr-defined]
    got = ours.get_pipe("textcat").predict(docs)  # type: ignore[attr-defined]
    assert numpy.allclose(got, expected, atol=1e-5)
    assert numpy.allclose(got.sum(axis=1), 1.0, atol=1e-5)


def test_a_trained_pipeline_saves_and_loads(tmp_path: Path) -> None:
    nlp = _textcat(_blank(), {"@architectures": ARCHITECTURE, "exclusive_classes": True, "ngram_size": 2,
                              "length": 4096})
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert loaded.get_pipe("textcat").cfg["labels"] == list(LABELS)  # type: ignore[attr-defined]
    for text in TEXTS:
        assert loaded(text).cats == pytest.approx(nlp(text).cats, abs=1e-6)


def test_only_exclusive_classes() -> None:
    from intents.bow import build_batch_bow_classifier

    with pytest.raises(ValueError, match="exclusive"):
        build_batch_bow_classifier(exclusive_classes=False, ngram_size=2)


def test_token_list_scorer_scores_like_the_textcat_on_docs() -> None:
    from intents.bow import TokenListScorer

    nlp = _textcat(_blank(), {"@architectures": ARCHITECTURE, "exclusive_classes": True, "ngram_size": 2,
                              "length": 4096})
    textcat = nlp.get_pipe("textcat")
    scorer = TokenListScorer.for_pipe(textcat.model)  # type: ignore[attr-defined]
    assert scorer is not None
    # words spaCy keeps as symbols with small ids ("nsubj", "ADJ") get those ids here too
    texts = [*TEXTS, "amod nsubj ADJ ORTH", "", "£ 35 ?!"]
    expected = textcat.predict([nlp.make_doc(text) for text in texts])  # type: ignore[attr-defined]
    assert numpy.array_equal(scorer.predict([text.split() for text in texts]), expected)


def test_token_list_scorer_starts_its_id_cache_over_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    from intents import bow

    monkeypatch.setattr(bow._TokenIds, "MAX_SIZE", 3)
    ids = bow._TokenIds()
    for word in ("a", "b", "c", "d"):
        assert ids[word] == spacy.strings.get_string_id(word)
    assert len(ids) == 1  # cleared at the fourth new word, which it then kept


def test_token_list_scorer_is_only_for_this_architecture() -> None:
    from intents.bow import TokenListScorer

    nlp = _textcat(_blank(), {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True,
                              "ngram_size": 2, "length": 4096, "no_output_layer": False})
    model = nlp.get_pipe("textcat").model  # type: ignore[attr-defined]
    assert TokenListScorer.for_pipe(model) is None
    with pytest.raises(ValueError, match="not a parley"):
        TokenListScorer(model)
