"""Storage: SQLModel tables, engine and sessions, keyword-only repository functions."""

from bot.storage.engine import is_sqlite, make_engine, session_scope

__all__ = ["is_sqlite", "make_engine", "session_scope"]
