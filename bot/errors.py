"""One error hierarchy for the whole project.

Callers catch by type: the scheduler backs off on ``Transient``, waits for the
announced reset on ``RateLimited``, pauses an account on ``AuthFailed``; the CLI
turns any ``ParleyError`` into one clear line instead of a traceback.
"""

from __future__ import annotations

from datetime import datetime


class ParleyError(Exception):
    """Base of every error Parley raises on purpose."""


class ConfigError(ParleyError):
    """The configuration file is missing, malformed or inconsistent."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        self.key = key
        super().__init__(f"{key}: {message}" if key else message)


class StorageError(ParleyError):
    """The database could not be reached, is locked, or is at the wrong schema."""


class DatabaseLocked(StorageError):
    """Another process holds the database (SQLite) or the lock we need."""


class PlatformError(ParleyError):
    """A social network answered with an error or could not be reached."""

    def __init__(self, message: str, *, platform: str = "", account: str = "") -> None:
        self.platform = platform
        self.account = account
        super().__init__(message)


class RateLimited(PlatformError):
    """The network said: slow down. ``reset_at`` is when it allows us again."""

    def __init__(
        self,
        message: str,
        *,
        reset_at: datetime | None = None,
        platform: str = "",
        account: str = "",
    ) -> None:
        self.reset_at = reset_at
        super().__init__(message, platform=platform, account=account)


class AuthFailed(PlatformError):
    """Credentials were refused: the account's jobs stop until an operator acts."""


class Transient(PlatformError):
    """A timeout, 5xx or connection error: worth retrying with backoff."""


class MalformedPayload(PlatformError):
    """The network's answer did not have the shape we rely on."""


class PolicyViolation(ParleyError):
    """A reply was refused by the guard; ``reasons`` say why in plain words."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons) or "refused by policy")


class TemplateError(ParleyError):
    """A reply template is broken or asks for something the guard refuses."""


class ConflictError(ParleyError):
    """Optimistic locking lost: somebody else changed the row first."""


class NotFound(ParleyError):
    """The thing asked for does not exist."""


class ModelError(ParleyError):
    """The intent model is missing, unreadable or of the wrong version."""
