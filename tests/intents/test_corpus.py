"""The training corpus: valid, large, varied, reproducible, and disjoint from the real evaluation posts."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from intents.data.generate import CORPUS_PATH, generate
from intents.evaluate import read_labelled
from intents.model import LABELS


def _normalised(text: str) -> str:
    text = re.sub(r"https?://\S+|@\w+|#", " ", text.lower())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def test_corpus_is_valid_and_large() -> None:
    rows = read_labelled(CORPUS_PATH)
    assert len(rows) >= 5000
    counts = Counter(r.intent for r in rows)
    assert set(counts) == set(LABELS)
    assert min(counts.values()) >= 500
    assert all(r.provider for r in rows)
    assert len({r.text for r in rows}) == len(rows)


def test_corpus_is_varied_like_real_posts() -> None:
    texts = [r.text for r in read_labelled(CORPUS_PATH)]
    joined = "\n".join(texts)
    assert sum("#" in t for t in texts) > 500
    assert sum(bool(re.search(r"[\U0001F300-\U0001FAFF]", t)) for t in texts) > 1000
    assert sum(t.count("@") >= 3 for t in texts) > 500  # reply threads
    assert "$" in joined and "£" in joined and "quid" in joined
    assert len({_normalised(t) for t in texts}) > 0.8 * len(texts)


def test_generator_is_reproducible() -> None:
    first = generate(300)
    assert first == generate(300)
    committed = [json.loads(line) for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines()[:300]]
    assert committed == first


def test_no_corpus_line_appears_in_dev(shared_dir: Path) -> None:
    dev = {_normalised(p.text) for p in read_labelled(shared_dir / "data" / "dev.jsonl")}
    corpus = {_normalised(r.text) for r in read_labelled(CORPUS_PATH)}
    assert not dev & corpus
