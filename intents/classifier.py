"""The intent classifier the pipeline calls: intent, calibrated scores, entities, PII, flags.

Everything is judged relative to the provider a post is addressed to: the
normaliser turns that provider into ``@us`` before the text model sees it and
the entity pass labels it PROVIDER rather than COMPETITOR.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy

from bot.domain import Classification, Intent, Span
from intents.bow import TokenListScorer
from intents.entities import GATE_WORDS as ENTITY_GATE_WORDS
from intents.entities import extract_entities, first_name_from_display
from intents.flags import GATE_WORDS as FLAG_GATE_WORDS
from intents.flags import LOW_CONFIDENCE, detect_flags
from intents.model import LABELS, load_model
from intents.normalise import normalise_tokens
from intents.pii import GATE_WORDS as PII_GATE_WORDS
from intents.pii import find_pii
from intents.providers import ProviderTerms, canonical_for_handle, provider_terms

if TYPE_CHECKING:
    from bot.config import Settings

logger = logging.getLogger(__name__)

DEFAULT_LOW_CONFIDENCE = 0.5
_INTENTS = [Intent(label) for label in LABELS]
_GATE_WORDS = FLAG_GATE_WORDS | ENTITY_GATE_WORDS | PII_GATE_WORDS
_BATCH_SIZE = 5000
_SMALL_BATCH = 16
_UNIFORM = [1.0] * len(LABELS)
_GC_PAUSE_MIN_BATCH = 64  # smaller batches finish before the collector would run much


def apply_temperature_rounded(probs: Sequence[float], temperature: float) -> list[float]:
    """One post's softmax scores rescaled by ``temperature``, renormalised and rounded to 4 places."""
    probs = [max(p, 1e-12) for p in probs]  # the floor keeps an all-zero row (spaCy, empty docs) finite
    if temperature != 1.0:
        probs = [p ** (1.0 / temperature) for p in probs]
    total = sum(probs)
    return [round(p / total, 4) for p in probs]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off during a batch.

    A batch allocates several small objects per post (matches, spans, scores,
    Classifications) that reference counting frees; the collector's repeated
    passes over them cost about 10% of batch time (measured with `parley bench`).
    Reference counting still runs; the collector is switched back on afterwards
    unless it was off before (another thread's batch, or the application's choice).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class IntentClassifier:
    """A loaded model plus the provider it answers for."""

    version: str

    def __init__(
        self,
        *,
        nlp: object,
        version: str,
        temperature: float,
        provider_names: Sequence[str] = (),
        provider_handles: Sequence[str] = (),
        low_confidence_threshold: float = DEFAULT_LOW_CONFIDENCE,
    ) -> None:
        self.nlp = nlp
        self.version = version
        self.temperature = temperature
        self.provider_names = tuple(provider_names)
        self.provider_handles = tuple(h.lstrip("@") for h in provider_handles)
        self.low_confidence_threshold = low_confidence_threshold
        self._find_pii: Callable[..., list[Span]] = find_pii  # `parley bench` swaps it to time the rest
        self._make_doc: Callable[[str], Any] = nlp.tokenizer  # type: ignore[attr-defined]
        self._textcat: Any = nlp.get_pipe("textcat")  # type: ignore[attr-defined]
        self._token_scorer = TokenListScorer.for_pipe(self._textcat.model)

    @classmethod
    def load(
        cls,
        model_dir: str | Path | None = None,
        *,
        provider_names: Sequence[str] = (),
        provider_handles: Sequence[str] = (),
        low_confidence_threshold: float = DEFAULT_LOW_CONFIDENCE,
    ) -> IntentClassifier:
        """Load ``model_dir`` (None or "": the model shipped in the package); ModelError if unusable."""
        model = load_model(model_dir or None)
        logger.info("loaded intent model %s (%s)", model.version, model.arch)
        return cls(
            nlp=model.nlp,
            version=model.version,
            temperature=model.temperature,
            provider_names=provider_names,
            provider_handles=provider_handles,
            low_confidence_threshold=low_confidence_threshold,
        )

    def terms_for(self, provider: str | None) -> ProviderTerms:
        """Our configured names/handles, or the network owning ``provider`` when it is someone else's."""
        if provider:
            handle = provider.lstrip("@")
            ours = handle.lower() in {h.lower() for h in self.provider_handles}
            if not ours and (canonical_for_handle(handle) or self.provider_handles):
                return provider_terms(handle)
        return provider_terms(provider, names=self.provider_names, handles=self.provider_handles)

    def classify(self, text: str, *, provider: str | None = None, display_name: str = "") -> Classification:
        result = self.classify_batch([text], provider=provider)[0]
        first_name = first_name_from_display(display_name) if display_name else None
        if first_name is None:
            named = result.entity_texts("PERSON")
            first_name = named[0] if named else None
        return result if first_name is None else dataclasses.replace(result, first_name=first_name)

    def classify_batch(self, texts: Sequence[str], *, provider: str | None = None) -> list[Classification]:
        if len(texts) < _GC_PAUSE_MIN_BATCH:
            return self._classify_batch(texts, provider)
        with _cyclic_gc_paused():
            return self._classify_batch(texts, provider)

    def _scores(self, token_lists: Sequence[list[str]]) -> list[list[float]]:
        """Calibrated, rounded scores (in LABELS order) for each post's normalised tokens.

        The bag-of-words model scores the token lists directly
        (:class:`intents.bow.TokenListScorer`); other architectures get spaCy
        Docs and the textcat's ``predict``, never ``nlp.pipe``, which would build
        a ``doc.cats`` dict per post only for us to read it back. Temperature
        scaling runs on the whole score matrix. A post with nothing left to read
        (empty, only spaces) gets uniform scores, whatever else is in its batch
        (spaCy itself scores it as all zeros when the whole batch is empty, and
        by the bias otherwise).
        """
        rows: list[list[float]] = []
        for first in range(0, len(token_lists), _BATCH_SIZE):
            chunk = token_lists[first : first + _BATCH_SIZE]
            if self._token_scorer is not None:
                predicted = self._token_scorer.predict(chunk)
            else:
                predicted = self._textcat.predict([self._make_doc(" ".join(tokens)) for tokens in chunk])
            empty = [index for index, tokens in enumerate(chunk) if not tokens]
            if len(chunk) < _SMALL_BATCH:  # numpy's per-call overhead outweighs its speed on a few rows
                scores = predicted.tolist()
                for index in empty:
                    scores[index] = _UNIFORM
                rows.extend(apply_temperature_rounded(row, self.temperature) for row in scores)
                continue
            probs = numpy.maximum(numpy.asarray(predicted, dtype=numpy.float64), 1e-12)
            probs[empty] = 1.0
            if self.temperature != 1.0:
                probs **= 1.0 / self.temperature
            probs /= probs.sum(axis=1, keepdims=True)
            rows.extend(numpy.round(probs, 4).tolist())
        return rows

    def _classify_batch(self, texts: Sequence[str], provider: str | None) -> list[Classification]:
        terms = self.terms_for(provider)
        matches = [list(terms.pattern.finditer(text)) for text in texts]
        tokens = [normalise_tokens(text, terms, found) for text, found in zip(texts, matches, strict=True)]
        all_scores = self._scores(tokens)
        results: list[Classification] = []
        threshold = self.low_confidence_threshold
        find_pii = self._find_pii
        labels = LABELS
        version = self.version
        for text, found, post_tokens, scores in zip(texts, matches, tokens, all_scores, strict=True):
            confidence = max(scores)
            words = _GATE_WORDS.intersection(post_tokens)  # all that the flag, entity and PII gates look at
            lower = text.lower()  # shared by the flag, entity and PII passes
            flags = detect_flags(text, words, lower, post_tokens)
            if confidence < threshold:
                flags.add(LOW_CONFIDENCE)
            entities = extract_entities(text, provider_terms=terms, provider_matches=found, words=words,
                                        lower=lower)
            results.append(
                Classification(
                    intent=_INTENTS[scores.index(confidence)],
                    scores=dict(zip(labels, scores, strict=True)),
                    entities=tuple(entities),
                    pii=tuple(find_pii(text, lower=lower, words=words)),
                    flags=frozenset(flags),
                    model_version=version,
                )
            )
        return results


_CACHE: dict[tuple[str, tuple[str, ...], tuple[str, ...], float], IntentClassifier] = {}
_CACHE_LOCK = threading.Lock()


def get_classifier(settings: Settings) -> IntentClassifier:
    """The process-wide classifier for these settings (loaded once; model_dir "" = shipped model)."""
    handles = tuple(sorted(settings.our_handles))
    key = (
        settings.classifier.model_dir,
        tuple(settings.provider.names),
        handles,
        settings.classifier.low_confidence_threshold,
    )
    with _CACHE_LOCK:
        classifier = _CACHE.get(key)
        if classifier is None:
            classifier = IntentClassifier.load(
                settings.classifier.model_dir or None,
                provider_names=settings.provider.names,
                provider_handles=handles,
                low_confidence_threshold=settings.classifier.low_confidence_threshold,
            )
            _CACHE[key] = classifier
        return classifier
