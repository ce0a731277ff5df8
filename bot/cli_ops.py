"""Operational commands: run, demo, sandbox, poll, status, db."""

from __future__ import annotations

import json
import logging
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from sqlmodel import func, select

from bot.config import load_config
from bot.locks import worker_lock
from bot.runtime import Runtime
from bot.storage import session_scope
from bot.storage.schema import current_revision, head_revision, upgrade

logger = logging.getLogger(__name__)

HOST_HELP = "Address the review console listens on."
PORT_HELP = "Port of the review console."
db_app = typer.Typer(help="Database schema: upgrade and check.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
    app.command("demo")(demo_command)
    app.command("sandbox")(sandbox_command)
    app.command("poll")(poll_command)
    app.command("status")(status_command)
    app.add_typer(db_app, name="db")


def run_command(
    host: str | None = typer.Option(None, "--host", help=HOST_HELP),
    port: int | None = typer.Option(None, "--port", help=PORT_HELP),
    no_console: bool = typer.Option(False, "--no-console", help="Run without the web console."),
) -> None:
    """Poll, process, publish and serve the console until stopped (Ctrl-C or SIGTERM)."""
    from bot.service import run_service

    settings = load_config()
    run_service(settings, host=host or settings.console.host, port=port or settings.console.port,
                console=not no_console)


def demo_command(
    once: bool = typer.Option(False, "--once", help="Process one round of sandbox traffic and exit."),
    as_json: bool = typer.Option(False, "--json", help="With --once: print the summary as JSON."),
    host: str | None = typer.Option(None, "--host", help=HOST_HELP),
    port: int | None = typer.Option(None, "--port", help=PORT_HELP),
    traffic_every: float = typer.Option(20.0, "--traffic-every", help="Seconds between rounds of traffic."),
    state_dir: Path = typer.Option(Path("var/sandbox"), "--state-dir", help="Where the sandboxes keep state."),
) -> None:
    """Start the sandbox networks and simulated people, and run Parley against them."""
    settings = load_config()
    if once:
        from bot.demo import demo_once

        root = logging.getLogger()
        if root.level == logging.INFO:  # keep the one round's summary readable; -v shows everything
            root.setLevel(logging.WARNING)
        summary = demo_once(settings, state_dir=state_dir)
        if as_json:
            typer.echo(json.dumps(summary, indent=2))
        else:
            _print_demo_summary(summary)
        return
    from bot.demo import sandboxes
    from bot.service import run_service

    with sandboxes(settings, state_dir=state_dir) as boxes:
        counter = {"round": 0}

        def traffic() -> None:
            counter["round"] += 1
            boxes.post_round(count=settings.sandbox.traffic_per_round,
                             seed=settings.sandbox.seed + 1000 + counter["round"])

        def started(runtime: Runtime, scheduler: Any) -> None:
            scheduler.scheduler.add_job(traffic, "interval", seconds=traffic_every, id="traffic",
                                        next_run_time=datetime.now(UTC))
            typer.echo(
                f"Parley demo running. Console: http://{host or settings.console.host}:"
                f"{port or settings.console.port}/  (create a login with `parley user add NAME --role admin`)\n"
                f"Sandbox X: {boxes.x.base_url if boxes.x else '-'}  "
                f"Mastodon: {boxes.mastodon.base_url if boxes.mastodon else '-'}. Ctrl-C to stop."
            )

        run_service(settings, host=host or settings.console.host, port=port or settings.console.port,
                    on_started=started)


def _print_demo_summary(summary: dict[str, Any]) -> None:
    typer.echo(f"Simulated people posted {summary['posted_by_simulated_people']} mentions.")
    typer.echo(f"Fetched {summary['mentions_fetched']} new mentions "
               f"({', '.join(f'{k}: {v}' for k, v in summary['polls'].items())}).")
    typer.echo(f"Filtered out {summary['filtered']}; intents: "
               + ", ".join(f"{k} {v}" for k, v in sorted(summary["intents"].items())))
    typer.echo(f"Drafts: {summary['drafts']['auto']} sent automatically, {summary['drafts']['review']} "
               f"waiting for review; {summary['ignored']} needed no reply.")
    typer.echo(f"Replies posted to the sandbox networks: {summary['replies_sent']}.")
    for error in summary["publish_errors"]:
        typer.echo(f"  publish problem: {error}")


def sandbox_command(
    x_port: int | None = typer.Option(None, "--x-port", help="Port of the X sandbox."),
    mastodon_port: int | None = typer.Option(None, "--mastodon-port", help="Port of the Mastodon sandbox."),
    state_dir: Path = typer.Option(Path("var/sandbox"), "--state-dir", help="Where the sandboxes keep state."),
) -> None:
    """Serve only the sandbox X and Mastodon servers (for running `parley run` against them)."""
    from bot.demo import sandboxes

    settings = load_config()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with sandboxes(settings, state_dir=state_dir, x_port=x_port, mastodon_port=mastodon_port,
                   every_network=True) as boxes:
        assert boxes.x is not None and boxes.mastodon is not None
        typer.echo(json.dumps({"x": boxes.x.base_url, "mastodon": boxes.mastodon.base_url}))
        while not stop.wait(0.5):
            pass


def poll_command(
    once: bool = typer.Option(
        True, "--once", help="Poll every account once and exit (`parley run` polls on a schedule)."
    ),
    account: str | None = typer.Option(None, "--account", help="Only this account (by name)."),
    process: bool = typer.Option(True, "--process/--no-process", help="Also classify and draft what came in."),
) -> None:
    """Fetch new mentions now (and, by default, process them into drafts)."""
    del once  # always one round: scheduled polling is `parley run`
    from bot.pipeline import Pipeline
    from bot.polling import poll_account

    settings = load_config()
    accounts = [settings.account(account)] if account else [a for a in settings.accounts if a.enabled]
    with worker_lock(settings.database.url):
        runtime = Runtime.from_settings(settings)
        try:
            upgrade(runtime.engine)
            for acct in accounts:
                result = poll_account(runtime, acct)
                line = f"{acct.name}: {result.outcome}, {result.stored} new mention(s)"
                typer.echo(line + (f" ({result.detail})" if result.detail else ""))
            if process:
                processed = Pipeline(runtime).process_new(limit=10_000)
                typer.echo(f"processed {processed.processed}, filtered {processed.filtered}; routes: "
                           + ", ".join(f"{k} {v}" for k, v in sorted(processed.routes.items())))
        finally:
            runtime.close()


def status_command(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Accounts, cursors, last poll and its outcome, request budgets, queue and outbox sizes."""
    from bot.storage.tables import DraftRow, MentionRow, OutboxRow, PollCursorRow

    settings = load_config()
    runtime = Runtime.from_settings(settings)
    try:
        rev = current_revision(runtime.engine)
        report: dict[str, Any] = {"database": _safe_url(settings.database.url), "schema": rev or "empty",
                                  "schema_head": head_revision(), "shadow_mode": settings.shadow_mode,
                                  "accounts": []}
        if rev is None:
            report["hint"] = "run `parley db upgrade` (or `parley run`) to create the schema"
        else:
            with session_scope(runtime.engine) as session:
                cursors = {c.account: c for c in session.exec(select(PollCursorRow)).all()}

                def count(model: Any, column: Any, value: str) -> int:
                    return int(session.exec(select(func.count()).select_from(model).where(column == value)).one())

                report["queue"] = {"pending_review": count(DraftRow, DraftRow.status, "pending_review")}
                report["outbox"] = {s: count(OutboxRow, OutboxRow.status, s)
                                    for s in ("pending", "in_flight", "sent", "failed")}
                report["mentions"] = {s: count(MentionRow, MentionRow.status, s)
                                      for s in ("new", "processed", "filtered", "failed")}
            for account in settings.accounts:
                c = cursors.get(account.name)
                report["accounts"].append({
                    "name": account.name, "platform": account.platform, "handle": account.handle,
                    "enabled": account.enabled, "sandbox": account.sandbox,
                    "cursor": c.since_id if c else None,
                    "paging": bool(c and c.paging_token),
                    "last_poll_at": c.last_poll_at.isoformat(timespec="seconds") if c and c.last_poll_at else None,
                    "last_outcome": c.last_outcome if c else None,
                    "last_error": c.last_error if c else None,
                    "paused": bool(c and c.paused), "paused_reason": c.paused_reason if c else None,
                    "total_fetched": c.total_fetched if c else 0,
                    "budget": dict(c.budget) if c else {},
                })
    finally:
        runtime.close()
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    _print_status(report)


def _print_status(report: dict[str, Any]) -> None:
    typer.echo(f"Database: {report['database']} (schema {report['schema']})")
    if "hint" in report:
        typer.echo(report["hint"])
        return
    typer.echo(f"Shadow mode: {'on' if report['shadow_mode'] else 'off'}")
    typer.echo(f"Review queue: {report['queue']['pending_review']} pending")
    typer.echo("Outbox: " + ", ".join(f"{k} {v}" for k, v in report["outbox"].items()))
    typer.echo("Mentions: " + ", ".join(f"{k} {v}" for k, v in report["mentions"].items()))
    for a in report["accounts"]:
        state = "PAUSED: " + (a["paused_reason"] or "") if a["paused"] else (a["last_outcome"] or "never polled")
        budget = a["budget"] or {}
        remaining = budget.get("remaining")
        typer.echo(f"- {a['name']} ({a['platform']} @{a['handle']}): {state}; cursor {a['cursor'] or '-'}; "
                   f"last poll {a['last_poll_at'] or '-'}; requests left {remaining if remaining is not None else '?'}"
                   + (f"; reads this month {budget.get('reads_this_month', 0)}/{budget['monthly_read_cap']}"
                      if budget.get("monthly_read_cap") else ""))
        if a["last_error"] and not a["paused"]:
            typer.echo(f"    last error: {a['last_error']}")


def _safe_url(url: str) -> str:
    """The database URL without any password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable URL)"


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = load_config()
    runtime = Runtime.from_settings(settings)
    try:
        before, after = upgrade(runtime.engine)
    finally:
        runtime.close()
    if before == after:
        typer.echo(f"Database {_safe_url(settings.database.url)} is up to date (schema {after}).")
    else:
        typer.echo(f"Database {_safe_url(settings.database.url)} upgraded: {before or 'empty'} -> {after}.")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the newest one Parley knows."""
    settings = load_config()
    runtime = Runtime.from_settings(settings)
    try:
        typer.echo(f"database: {current_revision(runtime.engine) or 'empty'}; newest: {head_revision()}")
    finally:
        runtime.close()
