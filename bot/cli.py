"""`parley`: the command line.

Every ParleyError becomes one clear line on stderr and exit code 2; a user
mistake never shows a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import typer
from typer.core import TyperGroup, _click

from bot.config import CONFIG_ENV
from bot.errors import ParleyError


class ParleyGroup(TyperGroup):
    """Turns a ParleyError from any command into one red line and exit code 2."""

    def invoke(self, ctx: _click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ParleyError as exc:
            typer.secho(f"parley: {exc}", err=True, fg=typer.colors.RED)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=ParleyGroup,
    name="parley",
    help=(
        "Parley answers people who post at a telecom provider on X and Mastodon the way a good "
        "human would: it asks for a name and address, never an account number.\n\n"
        "Start with `parley demo` (local sandbox networks, no credentials needed)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    config: Path | None = typer.Option(
        None, "--config", "-c", help="Path to config.yaml (default: $PARLEY_CONFIG or ./config.yaml)."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug detail."),
) -> None:
    if config is not None:
        os.environ[CONFIG_ENV] = str(config)
    if verbose:
        logging.getLogger().setLevel(logging.DEBUG)


_registered = False


def _register_all() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    from bot import cli_ops
    from bot.console import cli as console_cli
    from intents import cli as intents_cli
    from replies import cli as replies_cli

    cli_ops.register(app)
    intents_cli.register(app)
    replies_cli.register(app)
    console_cli.register(app)


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    for noisy in ("httpx", "urllib3", "apscheduler.executors.default", "uvicorn.access", "alembic", "spacy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _register_all()
    try:
        app()
    except ParleyError as exc:
        typer.secho(f"parley: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
