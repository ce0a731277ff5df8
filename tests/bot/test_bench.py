from bot.bench import run_pipeline_bench, synthetic_mentions


def test_synthetic_mentions_are_distinct_people_and_posts() -> None:
    mentions = synthetic_mentions(40)
    assert len({m.external_id for m in mentions}) == 40
    assert all(not m.author.is_bot for m in mentions)


def test_pipeline_bench_processes_every_mention() -> None:
    result = run_pipeline_bench(n=30)
    assert result["pipeline_mentions"] == 30
    assert sum(result["pipeline_routes"].values()) == 30
    assert result["pipeline_mentions_per_second"] > 0
