"""Schema management: Alembic migrations run from code (`parley db upgrade`)."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import StorageError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK_KEY = 7_340_219  # any constant shared by every Parley process
TABLE_MODULES = ("bot.storage.tables", "bot.storage.customers", "bot.console.auth_tables")


def import_all_tables() -> None:
    """Import every module that declares tables so the metadata is complete."""
    for name in TABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the database to the newest schema; return (before, after) revisions."""
    try:
        before = current_revision(engine)
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Workers starting together take turns; the second finds the schema up to date.
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            cfg = alembic_config(str(engine.url))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        after = current_revision(engine)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot migrate the database: {getattr(exc, 'orig', None) or exc}") from exc
    if before != after:
        logger.info("database schema upgraded from %s to %s", before or "empty", after)
    return before, after
