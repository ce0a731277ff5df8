"""`parley bench`: how fast the classifier is, and what it costs in memory.

Measured on one core in this process: model load time, classifications per
second in batch (``classify_batch``), in batch without the PII pass
(intents.pii), one at a time, the intent-model part alone (provider scan,
normaliser, textcat scores and calibration), and peak memory (tracemalloc
during the run, and the process's max RSS from getrusage). Each rate is taken
several times, interleaved: the best run and the median are reported.
"""

from __future__ import annotations

import logging
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
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


def _rate(run: Callable[[], None], count: int) -> float:
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


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
    repeat: int = 3,
) -> dict[str, Any]:
    """Every rate is measured ``repeat`` times: ``*_per_second`` is the best run (as ``timeit`` reports:
    the others were slowed by something else on the machine) and ``*_per_second_median`` the median."""
    def load() -> IntentClassifier:
        return IntentClassifier.load(model_dir, provider_names=("Parley Telecom", "Parley"),
                                     provider_handles=("parleytelecom",))

    started = time.perf_counter()
    classifier = load()
    load_seconds = time.perf_counter() - started
    texts = bench_texts(n_batch)
    classifier.classify_batch(texts[:500], provider=provider)  # warm caches
    terms = classifier.terms_for(provider)

    def batch() -> None:
        classifier.classify_batch(texts, provider=provider)

    def batch_without_pii() -> None:  # this package's own share, without intents.pii
        find_pii, classifier._find_pii = classifier._find_pii, _no_pii
        try:
            classifier.classify_batch(texts, provider=provider)
        finally:
            classifier._find_pii = find_pii

    def text_model_only() -> None:  # what classify_batch scores with: provider scan, normaliser, textcat
        classifier._scores([normalise_tokens(text, terms) for text in texts])

    single = texts[:n_single]

    def one_at_a_time() -> None:
        for text in single:
            classifier.classify(text, provider=provider)

    rates: dict[str, list[float]] = {"batch": [], "batch_without_pii": [], "text_model_only": [], "single": []}
    for _ in range(repeat):  # interleaved, so a burst of load on a shared machine hits every measure alike
        rates["batch"].append(_rate(batch, len(texts)))
        rates["batch_without_pii"].append(_rate(batch_without_pii, len(texts)))
        rates["text_model_only"].append(_rate(text_model_only, len(texts)))
        rates["single"].append(_rate(one_at_a_time, len(single)))

    # memory is measured in a separate run: tracemalloc slows Python down several times over
    tracemalloc.start()
    load().classify_batch(texts[:5000], provider=provider)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "model_version": classifier.version,
        "model_load_seconds": round(load_seconds, 3),
        **{f"{name}_per_second": round(max(values)) for name, values in rates.items()},
        **{f"{name}_per_second_median": round(statistics.median(values)) for name, values in rates.items()},
        "repeat": repeat,
        "n_batch": len(texts),
        "n_single": len(single),
        "tracemalloc_peak_mb": round(peak / (1024 * 1024), 1),
        "max_rss_mb": round(_max_rss_mb(), 1),
    }
