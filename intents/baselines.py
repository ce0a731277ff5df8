"""Two baselines trained on the same corpus, to show the spaCy model earns its place.

- keyword rules: each intent gets the words most over-represented in its corpus
  lines (log-odds, learned from the corpus, not hand-picked); the intent whose
  keywords occur most wins, ties go to the corpus majority.
- TF-IDF + logistic regression (scikit-learn, a dev dependency imported lazily).

Both see the same provider-normalised text as the spaCy model.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from intents.evaluate import LabelledPost, score
from intents.model import LABELS
from intents.training import read_corpus, to_examples

logger = logging.getLogger(__name__)

KEYWORDS_PER_INTENT = 60


class KeywordBaseline:
    """Count corpus-derived keywords per intent."""

    def __init__(self, keywords: dict[str, set[str]], fallback: str) -> None:
        self.keywords = keywords
        self.fallback = fallback

    @classmethod
    def fit(cls, texts: Sequence[str], intents: Sequence[str]) -> KeywordBaseline:
        counts = {label: Counter[str]() for label in LABELS}
        for text, intent in zip(texts, intents, strict=True):
            counts[intent].update(set(text.split()))
        total = Counter[str]()
        for counter in counts.values():
            total.update(counter)
        keywords: dict[str, set[str]] = {}
        for label in LABELS:
            own = counts[label]
            n_own = sum(own.values()) or 1
            n_rest = (sum(total.values()) - n_own) or 1

            def log_odds(word: str, own: Counter[str] = own, n_own: int = n_own, n_rest: int = n_rest) -> float:
                rest = total[word] - own[word]
                return math.log((own[word] + 1) / n_own) - math.log((rest + 1) / n_rest)

            candidates = [w for w, c in own.items() if c >= 5 and not w.startswith("@")]
            keywords[label] = set(sorted(candidates, key=log_odds, reverse=True)[:KEYWORDS_PER_INTENT])
        fallback = Counter(intents).most_common(1)[0][0]
        return cls(keywords, fallback)

    def predict(self, texts: Sequence[str]) -> list[str]:
        predicted = []
        for text in texts:
            words = set(text.split())
            hits = {label: len(words & self.keywords[label]) for label in LABELS}
            best = max(hits.values())
            predicted.append(self.fallback if best == 0 else max(LABELS, key=lambda lb: hits[lb]))
        return predicted


class TfidfLogRegBaseline:
    """Word 1-2 grams, TF-IDF, multinomial logistic regression."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline

    @classmethod
    def fit(cls, texts: Sequence[str], intents: Sequence[str], seed: int = 0) -> TfidfLogRegBaseline:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"\S+"),
            LogisticRegression(max_iter=2000, C=4.0, random_state=seed),
        )
        pipeline.fit(list(texts), list(intents))
        return cls(pipeline)

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(p) for p in self.pipeline.predict(list(texts))]


def run_baselines(posts: Sequence[LabelledPost]) -> dict[str, dict[str, Any]]:
    """Train both baselines on the whole corpus and score them on ``posts``."""
    corpus = to_examples(read_corpus())
    train_texts = [e.text for e in corpus]
    train_intents = [e.intent for e in corpus]
    test_texts = [e.text for e in to_examples(posts)]
    gold = [p.intent for p in posts]
    reports: dict[str, dict[str, Any]] = {}
    keyword = KeywordBaseline.fit(train_texts, train_intents)
    reports["keyword_rules"] = score(gold, keyword.predict(test_texts))
    tfidf = TfidfLogRegBaseline.fit(train_texts, train_intents)
    reports["tfidf_logreg"] = score(gold, tfidf.predict(test_texts))
    return reports
