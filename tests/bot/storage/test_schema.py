"""The Alembic migrations build exactly the schema the SQLModel tables declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.storage.engine import make_engine
from bot.storage.schema import current_revision, head_revision, import_all_tables, upgrade


def test_upgrade_from_empty_matches_the_tables(database_url: str) -> None:
    import_all_tables()
    engine = make_engine(database_url)
    try:
        before, after = upgrade(engine)
        assert before is None and after == head_revision() == current_revision(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == [], f"migrations are out of date with the tables: {diff}"
        assert upgrade(engine) == (after, after)  # idempotent
    finally:
        engine.dispose()
