"""CLI commands of this package, registered on the `parley` Typer app: classify, eval, train, bench."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.domain import Classification
from bot.errors import ParleyError

logger = logging.getLogger(__name__)


@contextmanager
def _clear_errors() -> Iterator[None]:
    """One red line and exit code 2 for any ParleyError, also when invoked without bot.cli.main."""
    try:
        yield
    except ParleyError as exc:
        typer.secho(f"parley: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None


def _load_classifier(model_dir: str | None) -> Any:
    from bot.config import load_config
    from intents.classifier import IntentClassifier

    settings = load_config()
    return IntentClassifier.load(
        model_dir or settings.classifier.model_dir or None,
        provider_names=settings.provider.names,
        provider_handles=sorted(settings.our_handles),
        low_confidence_threshold=settings.classifier.low_confidence_threshold,
    )


def classification_to_dict(text: str, result: Classification) -> dict[str, Any]:
    return {
        "text": text,
        "intent": result.intent.value,
        "confidence": round(result.confidence, 4),
        "scores": result.scores,
        "flags": sorted(result.flags),
        "entities": [asdict(span) for span in result.entities],
        "pii": [asdict(span) for span in result.pii],
        "first_name": result.first_name,
        "model_version": result.model_version,
    }


def _print_classification(item: dict[str, Any]) -> None:
    typer.secho(item["text"], bold=True)
    scores = "  ".join(f"{k} {v:.2f}" for k, v in item["scores"].items())
    typer.echo(f"  intent      {item['intent']} ({item['confidence']:.2f})    [{scores}]")
    typer.echo(f"  flags       {', '.join(item['flags']) or '-'}")
    entities = ", ".join(f"{e['label']}={e['text']!r}@{e['start']}" for e in item["entities"])
    typer.echo(f"  entities    {entities or '-'}")
    pii = ", ".join(f"{e['label']}@{e['start']}-{e['end']}" for e in item["pii"])
    typer.echo(f"  pii         {pii or '-'}")
    if item["first_name"]:
        typer.echo(f"  first name  {item['first_name']}")
    typer.echo(f"  model       {item['model_version']}")


def _classify_posts(classifier: Any, posts: Sequence[Any], default_provider: str | None) -> list[str]:
    """Predicted intents in input order, batching posts addressed to the same provider."""
    by_provider: dict[str | None, list[int]] = {}
    for index, post in enumerate(posts):
        by_provider.setdefault(post.provider or default_provider, []).append(index)
    predicted = [""] * len(posts)
    for provider, indexes in by_provider.items():
        results = classifier.classify_batch([posts[i].text for i in indexes], provider=provider)
        for i, result in zip(indexes, results, strict=True):
            predicted[i] = result.intent.value
    return predicted


def register(app: typer.Typer) -> None:
    """Add this package's commands to ``app``."""

    @app.command("classify")
    def classify_command(
        texts: Annotated[list[str], typer.Argument(help="Posts to classify.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        provider: Annotated[str | None, typer.Option(help="Handle the posts were addressed to.")] = None,
        display_name: Annotated[str, typer.Option(help="Author's display name (for first_name).")] = "",
        model_dir: Annotated[str | None, typer.Option(help="Model directory (default: config/shipped).")] = None,
    ) -> None:
        """Intent, calibrated scores, flags, entities and PII for each TEXT."""
        with _clear_errors():
            classifier = _load_classifier(model_dir)
            items = [
                classification_to_dict(text, classifier.classify(text, provider=provider, display_name=display_name))
                for text in texts
            ]
        if as_json:
            typer.echo(json.dumps(items, indent=2, ensure_ascii=False))
            return
        for item in items:
            _print_classification(item)

    @app.command("eval")
    def eval_command(
        data: Annotated[Path, typer.Option("--data", help="JSONL lines {text, intent, provider?}.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        baselines: Annotated[bool, typer.Option("--baselines", help="Also score the two baselines.")] = False,
        model_dir: Annotated[str | None, typer.Option(help="Model directory (default: config/shipped).")] = None,
    ) -> None:
        """Precision, recall, F1 per intent, macro-F1, accuracy and confusion matrix on a labelled file."""
        from intents.evaluate import format_report, read_labelled, score

        with _clear_errors():
            posts = read_labelled(data)
            classifier = _load_classifier(model_dir)
            default_provider = classifier.provider_handles[0] if classifier.provider_handles else None
            report = score([p.intent for p in posts], _classify_posts(classifier, posts, default_provider))
            report["model_version"] = classifier.version
            if baselines:
                from intents.baselines import run_baselines

                report["baselines"] = run_baselines(posts)
        if as_json:
            typer.echo(json.dumps(report, indent=2))
            return
        typer.echo(format_report(report, title=f"{data} with {classifier.version}"))
        for name, baseline in report.get("baselines", {}).items():
            typer.echo("")
            typer.echo(format_report(baseline, title=f"baseline: {name}"))

    @app.command("train")
    def train_command(
        include_reviewed: Annotated[
            bool, typer.Option("--include-reviewed", help="Add labels staff corrected (database).")
        ] = False,
        arch: Annotated[str, typer.Option(help="bow, cnn or ensemble.")] = "bow",
        output: Annotated[Path | None, typer.Option(help="Where to write the model (default: shipped).")] = None,
        epochs: Annotated[int | None, typer.Option(help="Training epochs (default per architecture).")] = None,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 1234,
        seeds: Annotated[int, typer.Option(min=1, help="Bag-of-words runs averaged into one model.")] = 5,
        limit: Annotated[int | None, typer.Option(help="Use only the first N corpus lines.")] = None,
        corpus: Annotated[
            list[Path] | None,
            typer.Option(help="Corpus JSONL file or directory of them; repeat for several "
                              "(default: intents/data/corpus.jsonl and intents/data/written/)."),
        ] = None,
        dev: Annotated[Path | None, typer.Option(help="Extra evaluation file (default: ../shared).")] = None,
    ) -> None:
        """Train the intent model reproducibly and print its evaluation."""
        from intents.evaluate import format_report
        from intents.model import ARCHES, SHIPPED_MODEL_DIR
        from intents.training import DEFAULT_CORPUS, train_model

        if arch not in ARCHES:
            typer.secho(f"parley: --arch must be one of {', '.join(ARCHES)}", err=True, fg=typer.colors.RED)
            raise typer.Exit(2)

        def progress(epoch: int, total: int, loss: float) -> None:
            typer.echo(f"  pass {epoch}/{total} over the corpus  loss {loss:.3f}")

        target = output or SHIPPED_MODEL_DIR
        typer.echo(f"training {arch} model into {target} ...")
        with _clear_errors():
            report = train_model(output=target, arch=arch, corpus=tuple(corpus) if corpus else DEFAULT_CORPUS,
                                 include_reviewed=include_reviewed, seed=seed, seeds=seeds, epochs=epochs, limit=limit,
                                 dev_path=dev, progress=progress, announce=typer.echo)
        typer.echo(f"model {report.version}: {report.n_train + report.n_held_out} examples "
                   f"({report.n_reviewed} reviewed), temperature {report.temperature}, saved to {target}")
        typer.echo(format_report(report.held_out, title=f"held-out corpus slice ({report.n_held_out} lines)"))
        if report.dev is not None:
            typer.echo(format_report(report.dev, title="dev set (real posts)"))

    @app.command("bench")
    def bench_command(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        model_dir: Annotated[str | None, typer.Option(help="Model directory (default: shipped).")] = None,
        n: Annotated[int, typer.Option(min=1, help="Posts in the batch run.")] = 20000,
        repeat: Annotated[int, typer.Option(min=1, help="Runs of each measure: best and median are shown.")] = 3,
        pipeline: Annotated[
            bool, typer.Option("--pipeline/--no-pipeline", help="Also time the whole pipeline on SQLite.")
        ] = True,
    ) -> None:
        """Classifications per second (batch and one at a time), model load time, peak memory,
        and mentions per second through the whole pipeline (classify, route, draft, guard, store)."""
        from intents.bench import run_bench

        with _clear_errors():
            results: dict[str, dict[str, object]] = {
                "classifier": run_bench(model_dir=model_dir, n_batch=n, n_single=max(1, min(2000, n // 10)),
                                    repeat=repeat)
            }
            if pipeline:
                from bot.bench import run_pipeline_bench

                results["pipeline"] = run_pipeline_bench(n=500)
        if as_json:
            typer.echo(json.dumps(results, indent=2))
            return
        for section, values in results.items():
            typer.echo(f"[{section}]")
            width = max(map(len, values)) + 2
            for key, value in values.items():
                typer.echo(f"{key:<{width}}{value}")
