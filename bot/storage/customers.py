"""The customer directory: who our customers are, found by what they know.

People are looked up by their social handle, or by name and postcode, never by
an account number, so the table keys are the normalised name and postcode, and
handles live in their own table with one owner each.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from bot.storage.tables import utcnow

logger = logging.getLogger(__name__)


class CustomerRow(SQLModel, table=True):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("name_key", "postcode", name="uq_customer_name_postcode"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)  # lower-case, single-spaced: for matching
    address: str = Field(default="", max_length=400)
    postcode: str = Field(max_length=12, index=True)  # normalised ("LS6 4QT", "10001")
    plan: str = Field(default="", max_length=80)
    contract_end: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CustomerHandleRow(SQLModel, table=True):
    __tablename__ = "customer_handles"
    __table_args__ = (UniqueConstraint("platform", "handle", name="uq_customer_handle"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    platform: str = Field(max_length=20)
    handle: str = Field(max_length=200)  # lower-case, without the leading @


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """One validated line of a directory import."""

    name: str
    address: str
    postcode: str
    handles: tuple[tuple[str, str], ...]  # (platform, handle)
    plan: str
    contract_end: date | None


def name_key(name: str) -> str:
    return " ".join(name.lower().split())


def handle_key(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def upsert_customer(*, session: Session, record: CustomerRecord) -> tuple[CustomerRow, bool]:
    """Insert or update by (name, postcode); return the row and whether it was new.

    Handles are replaced by the record's, so a re-import after someone changed
    their handle does not leave the old one pointing at them.
    """
    key = name_key(record.name)
    row = session.exec(
        select(CustomerRow).where(CustomerRow.name_key == key, CustomerRow.postcode == record.postcode)
    ).first()
    created = row is None
    if row is None:
        row = CustomerRow(name=record.name, name_key=key, postcode=record.postcode)
    row.name = record.name
    row.address = record.address
    row.plan = record.plan
    row.contract_end = record.contract_end
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    assert row.id is not None
    for old in session.exec(select(CustomerHandleRow).where(CustomerHandleRow.customer_id == row.id)).all():
        session.delete(old)
    session.flush()
    for platform, handle in record.handles:
        session.add(CustomerHandleRow(customer_id=row.id, platform=platform, handle=handle_key(handle)))
    session.flush()
    return row, created


def handle_owner(*, session: Session, platform: str, handle: str) -> int | None:
    """The customer id that owns a handle on a platform, if any."""
    owner = session.exec(
        select(CustomerHandleRow.customer_id).where(
            CustomerHandleRow.platform == platform, CustomerHandleRow.handle == handle_key(handle)
        )
    ).first()
    return owner


def find_by_handle(*, session: Session, platform: str, handle: str) -> CustomerRow | None:
    owner = handle_owner(session=session, platform=platform, handle=handle)
    return session.get(CustomerRow, owner) if owner is not None else None


def find_by_postcodes(*, session: Session, postcodes: list[str]) -> list[CustomerRow]:
    if not postcodes:
        return []
    return list(session.exec(select(CustomerRow).where(col(CustomerRow.postcode).in_(postcodes))).all())


def get_customer(*, session: Session, customer_id: int) -> CustomerRow | None:
    return session.get(CustomerRow, customer_id)


def list_customers(*, session: Session, limit: int | None = None) -> list[CustomerRow]:
    query = select(CustomerRow).order_by(col(CustomerRow.name_key), col(CustomerRow.id))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def handles_of(*, session: Session, customer_id: int) -> list[tuple[str, str]]:
    rows = session.exec(
        select(CustomerHandleRow)
        .where(CustomerHandleRow.customer_id == customer_id)
        .order_by(col(CustomerHandleRow.platform), col(CustomerHandleRow.handle))
    ).all()
    return [(r.platform, r.handle) for r in rows]
