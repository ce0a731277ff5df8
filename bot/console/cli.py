"""`parley serve` and `parley user add|list`: the console's command-line side.

Passwords are read with hidden input and confirmation, or from standard input
for scripts (`--password-stdin`); they never appear as arguments, where other
users of the machine could read them in the process list.
"""

from __future__ import annotations

import enum
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from bot.config import Settings

logger = logging.getLogger(__name__)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="config file (default: $PARLEY_CONFIG or ./config.yaml)")
]


class Role(enum.StrEnum):
    reviewer = "reviewer"
    admin = "admin"


def _engine(config: Path | None) -> tuple[Settings, Engine]:
    from bot.config import load_config
    from bot.storage.engine import make_engine
    from bot.storage.schema import upgrade

    settings = load_config(config)
    engine = make_engine(settings.database.url, busy_timeout_ms=settings.database.busy_timeout_ms)
    upgrade(engine)  # the same migrations as `parley db upgrade`: a no-op when up to date
    return settings, engine


def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on (default: console.host)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: console.port)")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the review console for community staff."""
    import uvicorn

    from bot.console.app import create_app

    settings, engine = _engine(config)
    chosen_host = host or settings.console.host
    chosen_port = settings.console.port if port is None else port
    if not (chosen_host.startswith("127.") or chosen_host in {"localhost", "::1"}):
        logger.warning("the console listens on %s: put it behind HTTPS before staff use it", chosen_host)
    typer.echo(f"Parley console on http://{chosen_host}:{chosen_port}/ (Ctrl+C to stop)")
    uvicorn.run(create_app(settings, engine), host=chosen_host, port=chosen_port, log_level="info")


user_app = typer.Typer(help="Accounts for the review console.", no_args_is_help=True)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="username (letters, digits, . _ -)")],
    role: Annotated[Role, typer.Option(help="reviewer or admin")] = Role.reviewer,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input (for scripts)")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Create a console account (prompts for the password twice, hidden)."""
    from bot.console.auth import create_user, validate_new_account
    from bot.storage.engine import session_scope
    from bot.storage.repo import audit

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    validate_new_account(name, password, role.value)
    _settings, engine = _engine(config)
    with session_scope(engine) as session:
        create_user(session=session, username=name, password=password, role=role.value)
        audit(session=session, actor="cli", action="user_add", subject=f"user:{name}", detail=f"role {role.value}")
    typer.echo(f"Created {role.value} {name!r}. Sign in at the console with this name.")


@user_app.command("list")
def user_list(config: ConfigOption = None) -> None:
    """List console accounts (never their passwords)."""
    from bot.console.auth import list_users
    from bot.storage.engine import session_scope

    _settings, engine = _engine(config)
    with session_scope(engine) as session:
        users = list_users(session=session)
    if not users:
        typer.echo("No accounts yet. Create the first admin with: parley user add NAME --role admin")
        return
    typer.echo(f"{'username':<24} {'role':<10} {'status':<12} last sign-in (UTC)")
    for row in users:
        last = f"{row.last_login_at:%Y-%m-%d %H:%M}" if row.last_login_at else "never"
        typer.echo(f"{row.username:<24} {row.role:<10} {'active' if row.active else 'deactivated':<12} {last}")


def register(app: typer.Typer) -> None:
    """Add this package's commands to ``app``."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
