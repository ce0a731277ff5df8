"""Tables of the review console: staff accounts and failed-login records.

Login attempts live in the database rather than in memory so that throttling
holds across restarts and across several console processes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.storage.tables import utcnow

ROLES: tuple[str, ...] = ("reviewer", "admin")


class ConsoleUserRow(SQLModel, table=True):
    __tablename__ = "console_users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True, index=True)
    password_hash: str = Field(max_length=300)
    role: str = Field(default="reviewer", max_length=20)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class LoginAttemptRow(SQLModel, table=True):
    __tablename__ = "console_login_attempts"
    __table_args__ = (Index("ix_login_attempts_who", "username", "ip", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100)
    ip: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
    succeeded: bool = False

