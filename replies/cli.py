"""CLI commands of this package, registered on the `parley` Typer app."""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.domain import Classification, Mention
    from replies.customers import CustomerMatch

logger = logging.getLogger(__name__)

customers_app = typer.Typer(help="The customer directory: import and list.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this package's commands to ``app``."""
    _register_draft(app)
    _register_customers(app)
    _register_policy(app)


def _register_draft(app: typer.Typer) -> None:
    app.command("draft")(draft_command)


def _register_customers(app: typer.Typer) -> None:
    app.add_typer(customers_app, name="customers")


def _register_policy(app: typer.Typer) -> None:
    """`parley policy check|pii`: the commands live in replies/policy_cli.py."""
    from replies.policy_cli import policy_app

    app.add_typer(policy_app, name="policy")


def draft_command(
    text: str = typer.Argument(..., help="The post, as its author wrote it."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    platform: str = typer.Option("x", "--platform", help="x or mastodon."),
    provider: str | None = typer.Option(None, "--provider", help="Our handle the post mentioned."),
    author_name: str = typer.Option("", "--author-name", help="The author's display name."),
    author_handle: str = typer.Option(
        "customer", "--author-handle", help="The author's handle (every reply opens with it)."
    ),
    previous_intent: str | None = typer.Option(
        None, "--previous-intent", help="Treat the post as a follow-up in a conversation with this intent."
    ),
    lookup: bool = typer.Option(
        False, "--lookup", help="Look the author up in the customer directory (reads the database, writes nothing)."
    ),
) -> None:
    """Show what Parley would do with a post: intent, route and why, and the reply. Stores nothing."""
    from bot.config import load_config
    from bot.domain import Author, Intent, Mention, Platform
    from bot.errors import ConfigError
    from intents.classifier import get_classifier
    from replies.engine import ReplyContext, ReplyEngine

    if platform not in ("x", "mastodon"):
        raise ConfigError(f"--platform must be x or mastodon, not {platform!r}")
    previous: Intent | None = None
    if previous_intent is not None:
        try:
            previous = Intent(previous_intent)
        except ValueError:
            known = ", ".join(i.value for i in Intent)
            raise ConfigError(f"--previous-intent must be one of {known}, not {previous_intent!r}") from None
    settings = load_config()
    engine = ReplyEngine(settings)
    classification = get_classifier(settings).classify(text, provider=provider, display_name=author_name)
    mention = Mention(
        platform=Platform(platform),
        external_id=f"draft-{zlib.crc32(text.encode('utf-8'))}",
        account=provider or (settings.provider.handles[0] if settings.provider.handles else "us"),
        author=Author(external_id="draft", handle=author_handle.lstrip("@"), display_name=author_name),
        text=text,
        created_at=datetime.now(UTC),
    )
    customer = _lookup(mention, classification, settings) if lookup else None
    decision, drafted = engine.decide(
        ReplyContext(
            mention=mention,
            classification=classification,
            previous_intent=previous,
            is_follow_up=previous is not None,
            customer=customer,
        )
    )
    result = {
        "intent": classification.intent.value,
        "confidence": round(classification.confidence, 3),
        "flags": sorted(classification.flags),
        "route": decision.route.value,
        "rule": decision.rule,
        "reason": decision.reason,
        "would_auto_send": decision.would_auto_send,
        "customer": (
            {"id": customer.customer_id, "name": customer.name, "confidence": customer.confidence,
             "reason": customer.reason} if customer else None
        ),
        "reply": drafted.text if drafted else None,
        "template": drafted.template_id if drafted else None,
        "guard": (
            {"allowed": drafted.verdict.allowed, "reasons": list(drafted.verdict.reasons)} if drafted else None
        ),
    }
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    flags = sorted(classification.flags)
    typer.echo(f"intent:  {classification.intent.value} ({classification.confidence:.0%})"
               + (f"  flags: {', '.join(flags)}" if flags else ""))
    typer.echo(f"route:   {decision.route.value} (rule {decision.rule})"
               + ("  [shadow mode: would have been sent]" if decision.would_auto_send else ""))
    typer.echo(f"reason:  {decision.reason}")
    if drafted:
        verdict = "passes the guard" if drafted.verdict.allowed else "REFUSED: " + "; ".join(drafted.verdict.reasons)
        typer.echo(f"reply:   {drafted.text}")
        typer.echo(f"         template {drafted.template_id}, {verdict}")
    else:
        typer.echo("reply:   (none)")


def _lookup(mention: Mention, classification: Classification, settings: Settings) -> CustomerMatch | None:
    """The directory match the pipeline would make, read without writing (no table: no match)."""
    from sqlalchemy import inspect

    from bot.storage.engine import make_engine
    from replies.customers import match_customer
    from replies.offers import find_postcodes

    engine = make_engine(settings.database.url, busy_timeout_ms=settings.database.busy_timeout_ms)
    try:
        if not inspect(engine).has_table("customer_handles"):
            return None
        with Session(engine) as session:
            return match_customer(
                session=session,
                platform=mention.platform.value,
                handle=mention.author.handle,
                display_name=mention.author.display_name,
                text_postcodes=classification.entity_texts("POSTCODE") or find_postcodes(mention.text),
                text_names=classification.entity_texts("PERSON"),
            )
    finally:
        engine.dispose()


@customers_app.command("import")
def customers_import(
    path: Path = typer.Argument(..., help="CSV with columns name,address,postcode,handles,plan,contract_end."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Import the good rows even if some are bad."),
) -> None:
    """Import or update customers from a CSV; one bad row stops the import unless --skip-bad."""
    from replies.customers import import_directory

    with _directory_session() as session:
        report = import_directory(session=session, path=path, skip_bad=skip_bad)
    for problem in report.problems:
        typer.secho(f"skipped {problem}", err=True, fg=typer.colors.YELLOW)
    typer.echo(f"Imported {path}: {report.summary}.")


@customers_app.command("list")
def customers_list(
    limit: int = typer.Option(50, "--limit", min=1, help="How many customers to show."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List the customer directory (staff only: it shows addresses and plans)."""
    from bot.storage.customers import handles_of, list_customers

    with _directory_session() as session:
        rows: list[dict[str, object]] = [
            {
                "id": row.id,
                "name": row.name,
                "postcode": row.postcode,
                "plan": row.plan,
                "contract_end": row.contract_end.isoformat() if row.contract_end else None,
                "handles": [f"{p}:@{h}" for p, h in handles_of(session=session, customer_id=row.id or 0)],
            }
            for row in list_customers(session=session, limit=limit)
        ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("The directory is empty: import one with `parley customers import FILE.csv`.")
        return
    for row in rows:
        handles = row["handles"]
        assert isinstance(handles, list)
        typer.echo(
            f"{row['id']!s:>5}  {row['name']!s:<28} {row['postcode']!s:<9} {row['plan'] or '-'!s:<18} "
            f"{row['contract_end'] or '-'!s:<10}  {' '.join(handles) or '-'}"
        )


@contextmanager
def _directory_session() -> Iterator[Session]:
    """A unit of work on the configured database, with the directory tables in place."""
    from bot.config import load_config
    from bot.storage import session_scope
    from bot.storage.engine import make_engine

    settings = load_config()
    engine = make_engine(settings.database.url, busy_timeout_ms=settings.database.busy_timeout_ms)
    try:
        _ensure_directory_tables(engine)
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def _ensure_directory_tables(engine: Engine) -> None:
    """Create the directory tables on a database that predates them (no-op when they exist)."""
    import bot.storage.customers  # noqa: F401  (registers the tables)

    for name in ("customers", "customer_handles"):
        SQLModel.metadata.tables[name].create(engine, checkfirst=True)
