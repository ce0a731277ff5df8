"""Staff accounts, sessions, CSRF tokens and login throttling for the console.

Sessions are signed cookies (itsdangerous) holding the username and a CSRF
token; the user row is re-read on every request so that a deactivated account
loses access at once, even with a valid cookie.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from bot.config import Settings
from bot.console.auth_tables import ROLES, ConsoleUserRow, LoginAttemptRow
from bot.errors import ConflictError, ParleyError
from bot.storage.tables import utcnow

logger = logging.getLogger(__name__)

SESSION_COOKIE = "parley_session"
CSRF_HEADER = "X-CSRF-Token"
MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,49}$")

_hasher = PasswordHasher()
# Verified against when the username is unknown, so that timing does not tell who exists.
_DUMMY_HASH = _hasher.hash("parley-no-such-user-" + secrets.token_hex(8))


class AccountError(ParleyError):
    """A staff account could not be created or changed as asked."""


@dataclass(frozen=True, slots=True)
class StaffUser:
    """The signed-in person, as route handlers see them."""

    username: str
    role: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def resolve_secret_key(settings: Settings) -> str:
    """The session-signing key from the environment, or a random one for this process only."""
    env_name = settings.console.secret_key_env
    value = os.environ.get(env_name, "")
    if value:
        if len(value) < 16:
            logger.warning("%s is shorter than 16 characters: use a long random value", env_name)
        return value
    logger.warning(
        "%s is not set: using a random session key for this process; "
        "sessions will not survive a restart",
        env_name,
    )
    return secrets.token_urlsafe(32)


def make_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="parley-console-session")


def new_session_cookie(serializer: URLSafeTimedSerializer, *, username: str) -> str:
    return serializer.dumps({"u": username, "c": secrets.token_urlsafe(24)})


def read_session_cookie(
    serializer: URLSafeTimedSerializer, cookie: str | None, *, max_age_seconds: float
) -> tuple[str, str] | None:
    """(username, csrf token) from a valid, unexpired cookie; None otherwise."""
    if not cookie:
        return None
    try:
        data = serializer.loads(cookie, max_age=int(max_age_seconds))
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    username, csrf = data.get("u"), data.get("c")
    if not isinstance(username, str) or not isinstance(csrf, str):
        return None
    return username, csrf


def tokens_match(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def validate_new_account(username: str, password: str, role: str) -> None:
    if not USERNAME_PATTERN.match(username):
        raise AccountError(
            "a username is 2-50 letters, digits, dots, dashes or underscores, starting with a letter or digit"
        )
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")


def create_user(*, session: Session, username: str, password: str, role: str) -> ConsoleUserRow:
    """Add a staff account; the caller commits."""
    validate_new_account(username, password, role)
    existing = session.exec(
        select(ConsoleUserRow).where(func.lower(ConsoleUserRow.username) == username.lower())
    ).first()
    if existing is not None:
        raise ConflictError(f"a user named {existing.username!r} already exists")
    row = ConsoleUserRow(username=username, password_hash=hash_password(password), role=role)
    session.add(row)
    session.flush()
    return row


def list_users(*, session: Session) -> list[ConsoleUserRow]:
    return list(session.exec(select(ConsoleUserRow).order_by(col(ConsoleUserRow.username))).all())


def get_active_user(*, session: Session, username: str) -> ConsoleUserRow | None:
    row = session.exec(
        select(ConsoleUserRow).where(func.lower(ConsoleUserRow.username) == username.lower())
    ).first()
    return row if row is not None and row.active else None


def throttle_wait(
    *, session: Session, username: str, ip: str, now: datetime | None = None
) -> timedelta | None:
    """How long this username+address must wait before trying again, or None."""
    now = now or utcnow()
    failures = session.exec(
        select(LoginAttemptRow.at)
        .where(
            LoginAttemptRow.username == username.lower()[:100],
            LoginAttemptRow.ip == ip[:64],
            col(LoginAttemptRow.succeeded).is_(False),
            LoginAttemptRow.at > now - THROTTLE_WINDOW,
        )
        .order_by(col(LoginAttemptRow.at).desc())
        .limit(MAX_FAILURES)
    ).all()
    if len(failures) < MAX_FAILURES:
        return None
    free_at = min(failures) + THROTTLE_WINDOW
    return max(free_at - now, timedelta(seconds=1))


def authenticate(*, session: Session, username: str, password: str, ip: str) -> ConsoleUserRow | None:
    """Check a password and record the attempt; the caller checks throttle_wait first and commits."""
    row = get_active_user(session=session, username=username)
    ok = False
    try:
        ok = _hasher.verify(row.password_hash if row else _DUMMY_HASH, password) and row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    key = username.lower()[:100]
    if ok and row is not None:
        session.execute(
            delete(LoginAttemptRow).where(
                col(LoginAttemptRow.username) == key,
                col(LoginAttemptRow.ip) == ip[:64],
                col(LoginAttemptRow.succeeded).is_(False),
            )
        )
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        row.last_login_at = utcnow()
        session.add(row)
        session.add(LoginAttemptRow(username=key, ip=ip[:64], succeeded=True))
        return row
    session.add(LoginAttemptRow(username=key, ip=ip[:64], succeeded=False))
    logger.info("failed console login for %r from %s", key, ip)
    return None
