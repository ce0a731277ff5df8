"""Operational commands: run, demo, poll, status, db."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the operational commands to ``app``."""
