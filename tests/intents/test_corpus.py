"""The training corpus: valid, large, varied, reproducible, and disjoint from the real evaluation posts."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from intents.data.generate import CORPUS_PATH, generate
from intents.evaluate import read_labelled
from intents.model import LABELS
from intents.providers import canonical_for_handle
from intents.training import WRITTEN_DIR, corpus_files, read_corpus


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


def _words(text: str) -> list[str]:
    return _normalised(text).split()


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_written_posts_are_valid_and_cover_every_intent() -> None:
    files = corpus_files([WRITTEN_DIR])
    assert len(files) >= 8
    rows = read_corpus([WRITTEN_DIR])
    assert len(rows) >= 5000
    counts = Counter(r.intent for r in rows)
    assert min(counts[label] for label in LABELS) >= 600, counts
    assert all(r.provider and canonical_for_handle(r.provider) for r in rows)  # addressed to a known network
    assert all(r.group is None for r in rows)  # one post a line: held out line by line, not by template
    assert len({r.text for r in rows}) == len(rows)


def test_written_posts_read_like_people_not_templates() -> None:
    rows = read_corpus([WRITTEN_DIR])
    # no skeleton reused with a word or two swapped: openings repeat only as often as everyday phrases do
    openings = Counter(" ".join(_words(r.text)[:6]) for r in rows if len(_words(r.text)) >= 8)
    assert len(openings) > 0.9 * sum(openings.values())
    assert openings.most_common(1)[0][1] <= len(rows) // 500, openings.most_common(3)
    lengths = [len(r.text) for r in rows]
    assert sum(n < 60 for n in lengths) > 0.05 * len(rows) and sum(n > 180 for n in lengths) > 0.1 * len(rows)
    assert sum(r.text.count("@") >= 2 for r in rows) > 0.1 * len(rows)  # reply threads


def test_no_written_post_borrows_from_dev(shared_dir: Path) -> None:
    """Written without looking at the real posts: no run of nine words in common with any of them.

    (Eight-word runs do occur by chance in 28,000 posts: "I've been trying to get through to".)
    """
    dev_runs: set[tuple[str, ...]] = set()
    for post in read_labelled(shared_dir / "data" / "dev.jsonl"):
        dev_runs |= _runs(post.text, 9)
    shared = [r.text for r in read_corpus([WRITTEN_DIR]) if _runs(r.text, 9) & dev_runs]
    assert not shared, shared[:5]
