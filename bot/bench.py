"""Benchmarks of the running system (part of `parley bench`).

The pipeline benchmark stores synthetic mentions in a scratch SQLite file and
times what a poll round costs after fetching: filter, thread, classify, match,
route, draft, guard and queue, one transaction per mention as in production.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel

from bot.config import parse_config
from bot.domain import Author, Mention, Platform
from bot.pipeline import Pipeline
from bot.platforms.traffic import PEOPLE, generate_round
from bot.runtime import Runtime
from bot.storage import make_engine, session_scope
from bot.storage.repo import save_mentions
from bot.storage.schema import import_all_tables


def synthetic_mentions(count: int, *, seed: int = 11) -> list[Mention]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    mentions = []
    for index, (person, text) in enumerate(generate_round(count=count, seed=seed, our_handle="parleytelecom")):
        author = rng.choice([p for p in PEOPLE if not p.is_bot]) if person.is_bot else person
        mentions.append(Mention(
            platform=Platform.X, external_id=str(10_000_000 + index), account="bench",
            author=Author(external_id=f"{author.username}-{index}", handle=f"{author.username}{index}",
                          display_name=author.display_name, bio=""),
            text=text, created_at=now - timedelta(seconds=count - index),
        ))
    return mentions


def run_pipeline_bench(*, n: int = 500) -> dict[str, Any]:
    """Mentions processed per second, end to end after fetching, on a scratch SQLite file."""
    import_all_tables()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = parse_config({
            "database": {"url": url},
            "accounts": [{"name": "bench", "platform": "x", "handle": "parleytelecom",
                          "base_url": "http://127.0.0.1:9", "sandbox": True}],
        })
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        runtime = Runtime(settings=settings, engine=engine)
        started = time.perf_counter()
        pipeline = Pipeline(runtime)
        load_seconds = time.perf_counter() - started
        with session_scope(engine) as session:
            save_mentions(session=session, mentions=synthetic_mentions(n))
        started = time.perf_counter()
        result = pipeline.process_new(limit=n)
        elapsed = time.perf_counter() - started
        engine.dispose()
    return {
        "pipeline_startup_seconds": round(load_seconds, 2),
        "pipeline_mentions": n,
        "pipeline_mentions_per_second": round(n / elapsed, 1),
        "pipeline_routes": dict(result.routes),
    }
