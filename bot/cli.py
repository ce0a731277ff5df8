"""`parley`: the command line.

Every ParleyError becomes one clear line on stderr and exit code 2; a user
mistake never shows a traceback.
"""

from __future__ import annotations

import logging
import sys

import typer

from bot.errors import ParleyError

app = typer.Typer(
    name="parley",
    help=(
        "Parley answers people who post at a telecom provider on X and Mastodon, "
        "the way a good human would: it never asks for an account number."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
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
