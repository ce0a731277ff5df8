"""`parley bench`: how fast the classifier is, and what it costs in memory.

Measured on one core in this process: model load time, classifications per
second in batch (``classify_batch``), in batch without the PII pass
(intents.pii), one at a time, the intent-model part alone (provider scan,
normaliser, textcat scores and calibration), and peak memory (tracemalloc during the run, and the
process's max RSS from getrusage).
"""

from __future__ import annotations

import logging
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bot.domain import Span
from intents.classifier import IntentClassifier
from intents.evaluate import read_labelled
from intents.normalise import normalise_tokens
from intents.training import CORPUS_PATH, default_dev_path

logger = logging.getLogger(__name__)


def _max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _no_pii(_text: str, **_known: object) -> list[Span]:
    return []


def bench_texts(n: int) -> list[str]:
    """Realistic posts to time: the dev set if present (read only), else the corpus."""
    source = default_dev_path() or CORPUS_PATH
    texts = [p.text for p in read_labelled(source)]
    return (texts * (n // len(texts) + 1))[:n]


def run_bench(
    *,
    model_dir: str | Path | None = None,
    n_batch: int = 20000,
    n_single: int = 2000,
    provider: str | None = "parleytelecom",
) -> dict[str, Any]:
    def load() -> IntentClassifier:
        return IntentClassifier.load(model_dir, provider_names=("Parley Telecom", "Parley"),
                                     provider_handles=("parleytelecom",))

    started = time.perf_counter()
    classifier = load()
    load_seconds = time.perf_counter() - started
    texts = bench_texts(n_batch)
    classifier.classify_batch(texts[:500], provider=provider)  # warm caches

    started = time.perf_counter()
    classifier.classify_batch(texts, provider=provider)
    batch_rate = len(texts) / (time.perf_counter() - started)

    find_pii, classifier._find_pii = classifier._find_pii, _no_pii  # this package's own share, without PII
    started = time.perf_counter()
    classifier.classify_batch(texts, provider=provider)
    batch_without_pii_rate = len(texts) / (time.perf_counter() - started)
    classifier._find_pii = find_pii

    terms = classifier.terms_for(provider)
    started = time.perf_counter()
    classifier._scores([normalise_tokens(text, terms) for text in texts])  # what classify_batch scores with
    model_only_rate = len(texts) / (time.perf_counter() - started)

    single = texts[:n_single]
    started = time.perf_counter()
    for text in single:
        classifier.classify(text, provider=provider)
    single_rate = len(single) / (time.perf_counter() - started)

    # memory is measured in a separate run: tracemalloc slows Python down several times over
    tracemalloc.start()
    load().classify_batch(texts[:5000], provider=provider)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "model_version": classifier.version,
        "model_load_seconds": round(load_seconds, 3),
        "batch_per_second": round(batch_rate),
        "batch_without_pii_per_second": round(batch_without_pii_rate),
        "text_model_only_per_second": round(model_only_rate),
        "single_per_second": round(single_rate),
        "n_batch": len(texts),
        "n_single": len(single),
        "pii_included": classifier._find_pii is not None,
        "tracemalloc_peak_mb": round(peak / (1024 * 1024), 1),
        "max_rss_mb": round(_max_rss_mb(), 1),
    }
