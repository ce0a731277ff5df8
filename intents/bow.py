"""A bag-of-n-grams text classifier for spaCy whose feature extraction works on a whole batch at once.

spaCy's ``TextCatBOW.v3`` extracts each doc's n-grams in its own Python step
and removes duplicates with ``numpy.unique`` (a sort per doc): measured with
``parley bench``, that was two thirds of the text model's time. The model on
top (``SparseLinear``) is linear in the feature counts, so a feature that occurs
twice with value 1 scores exactly like one occurrence with value 2: there is no
need to count at all. This layer therefore concatenates the token ids of the
whole batch, hashes every n-gram of the batch in one call (the same hash
spaCy uses, so the features are the same), drops the n-grams that would cross
from one doc into the next, and hands the rest to ``SparseLinear`` grouped by
doc. Scores match ``TextCatBOW.v3`` up to float rounding in the sums, and
training sees the same gradients.

The architecture is registered as ``parley.TextCatBOW.v1``; importing this
module (``intents.model`` does) must happen before a saved pipeline is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain as chain_iterables
from typing import Any

import numpy
from spacy.attrs import ORTH
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2, chain, resizable, softmax_activation
from thinc.layers.resizable import resize_linear_weighted, resize_model
from thinc.types import Floats2d

ARCHITECTURE = "parley.TextCatBOW.v1"
NEG_VALUE = -5000.0  # the output bias new labels start with (as in spaCy's own bag-of-words model)

Features = tuple[Any, Any, Any]  # keys (uint64), values (float32), lengths (int32), one group per doc


def batch_ngrams(ngram_size: int) -> Model[list[Doc], Features]:
    """Token and n-gram ids (ORTH) of every doc in a batch, one occurrence per feature."""
    return Model("batch_ngrams", _batch_ngrams_forward, attrs={"ngram_size": ngram_size})


def _batch_ngrams_forward(model: Model[list[Doc], Features], docs: list[Doc],
                          is_train: bool) -> tuple[Features, Callable[[Any], list[Doc]]]:
    arrays = [doc.to_array(ORTH) for doc in docs]
    doc_lengths: Any = numpy.fromiter(map(len, arrays), dtype=numpy.int64, count=len(arrays))
    total = int(doc_lengths.sum())
    unigrams: Any = numpy.concatenate(arrays).astype(numpy.uint64, copy=False) if total else numpy.zeros(0, "uint64")
    features = ngram_features(unigrams, doc_lengths, model.attrs["ngram_size"], model.ops.ngrams)

    def backprop(_d_features: Any) -> list[Doc]:
        return []

    return features, backprop


def ngram_features(unigrams: Any, doc_lengths: Any, size: int,
                   hash_ngrams: Callable[[int, Any], Any]) -> Features:
    """The sparse features of a batch: ``unigrams`` are all its token ids, doc after doc.

    ``hash_ngrams`` is thinc's ``ops.ngrams`` (spaCy's n-gram hash, in C).
    """
    total = len(unigrams)
    keys: Any = unigrams
    feature_lengths: Any = doc_lengths
    if size > 1 and total >= 2:
        # tokens_left[i]: how many tokens of its own doc start at position i (itself included)
        tokens_left = numpy.repeat(numpy.cumsum(doc_lengths), doc_lengths) - numpy.arange(total)
        columns = [unigrams]
        masks = [numpy.ones(total, dtype=bool)]
        for n in range(2, size + 1):
            column = numpy.zeros(total, dtype=numpy.uint64)
            if total >= n:
                column[: total - n + 1] = hash_ngrams(n, unigrams)
            columns.append(column)
            masks.append(tokens_left >= n)
        # row i holds the features starting at token i, so every doc's features stay together
        keys = numpy.stack(columns, axis=1)[numpy.stack(masks, axis=1)]
        feature_lengths = doc_lengths.copy()
        for n in range(2, size + 1):
            feature_lengths += numpy.maximum(doc_lengths - (n - 1), 0)
    values = numpy.ones(len(keys), dtype="float32")
    return keys, values, numpy.asarray(feature_lengths, dtype="int32")


class _TokenIds(dict[str, int]):
    """Token text -> the id spaCy gives it (its ORTH hash), computed once per distinct token."""

    MAX_SIZE = 1 << 20  # a long-running process meets new words forever: start over past a million

    def __missing__(self, token: str) -> int:
        if len(self) >= self.MAX_SIZE:
            self.clear()
        value = self[token] = get_string_id(token)
        return value


class TokenListScorer:
    """Scores lists of tokens with a trained ``parley.TextCatBOW.v1`` textcat, without spaCy Docs.

    The classifier has each post's tokens already (the normaliser made them);
    joining them for spaCy's tokenizer only for it to split them again and build
    a ``Doc`` cost about as much as the model itself. The token ids are the
    ones a ``Doc`` would hold (``Doc.to_array(ORTH)``), so the scores are the
    same (``tests/intents/test_bow.py``; ``tests/intents/test_classifier.py``
    compares both paths on corpus lines with the shipped model).
    """

    def __init__(self, textcat_model: Model[Any, Any]) -> None:
        layers = textcat_model.layers
        if len(layers) != 3 or layers[0].name != "batch_ngrams":
            raise ValueError(f"not a {ARCHITECTURE} model: {textcat_model.name}")
        ngrams, linear, softmax = layers
        self._size: int = ngrams.attrs["ngram_size"]
        self._hash = textcat_model.ops.ngrams
        self._linear = linear
        self._softmax = softmax
        self._ids = _TokenIds()

    @classmethod
    def for_pipe(cls, textcat_model: Model[Any, Any]) -> TokenListScorer | None:
        """A scorer for ``textcat_model``, or None when it is another architecture."""
        try:
            return cls(textcat_model)
        except ValueError:
            return None

    def predict(self, token_lists: Sequence[Sequence[str]]) -> Floats2d:
        """Class probabilities, one row per token list (an empty list scores as the bias alone)."""
        doc_lengths: Any = numpy.fromiter(map(len, token_lists), dtype=numpy.int64, count=len(token_lists))
        unigrams: Any = numpy.fromiter(map(self._ids.__getitem__, chain_iterables.from_iterable(token_lists)),
                                       dtype=numpy.uint64, count=int(doc_lengths.sum()))
        features = ngram_features(unigrams, doc_lengths, self._size, self._hash)
        scores: Floats2d = self._softmax.predict(self._linear.predict(features))
        return scores


@registry.architectures(ARCHITECTURE)
def build_batch_bow_classifier(
    exclusive_classes: bool,
    ngram_size: int,
    length: int = 262144,
    nO: int | None = None,
) -> Model[list[Doc], Floats2d]:
    """Unigrams..n-grams -> hashed sparse linear layer -> softmax (exclusive) classes."""
    if not exclusive_classes:
        raise ValueError("parley.TextCatBOW.v1 only supports exclusive classes")
    length = 2 ** (length - 1).bit_length()  # a power of two, as TextCatBOW.v3 rounds it
    linear: Model[Features, Floats2d] = resizable(
        SparseLinear_v2(nO=nO, length=length),
        resize_layer=_resize_linear,
    )
    model: Model[list[Doc], Floats2d] = chain(batch_ngrams(ngram_size), linear, softmax_activation())
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", linear.layers[0])
    model.attrs["multi_label"] = False
    model.attrs["resize_output"] = partial(_resize_output, resizable_layer=linear)
    return model


def _resize_output(model: Model[Any, Any], new_nO: int, resizable_layer: Model[Any, Any]) -> Model[Any, Any]:
    """How spaCy's textcat grows the output when a label is added to a trained model."""
    resizable_layer = resize_model(resizable_layer, new_nO)
    model.set_ref("output_layer", resizable_layer.layers[0])
    model.set_dim("nO", new_nO, force=True)
    return model


def _resize_linear(layer: Model[Any, Any], new_nO: int) -> Model[Any, Any]:
    return resize_linear_weighted(layer, new_nO, fill_defaults={"b": NEG_VALUE, "W": 0})
