"""config.yaml, validated with pydantic at start-up.

A broken or incomplete file stops start-up with one line naming the key and
the problem (``ConfigError``), never a traceback. Secrets are never in the
file: accounts name the environment variables that hold them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from intents.settings import ClassifierSettings
from replies.settings import OfferSettings, ReplySettings, RoutingSettings

DEFAULT_CONFIG_PATH = Path("config.yaml")
CONFIG_ENV = "PARLEY_CONFIG"
DATABASE_ENV = "PARLEY_DATABASE_URL"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Strict):
    url: str = "sqlite:///var/parley.db"
    busy_timeout_ms: int = Field(5000, ge=0)


class ProviderSettings(_Strict):
    """Who Parley answers for: names and handles the classifier treats as 'us'."""

    name: str = "Parley Telecom"
    names: list[str] = Field(default_factory=lambda: ["Parley Telecom", "Parley"])
    handles: list[str] = Field(default_factory=lambda: ["parleytelecom"])


class AccountSettings(_Strict):
    """One of the provider's accounts on one network."""

    name: str
    platform: Literal["x", "mastodon"]
    handle: str
    base_url: str
    credentials: dict[str, str] = Field(
        default_factory=dict,
        description="credential name -> environment variable holding it",
    )
    sandbox: bool = False
    enabled: bool = True
    poll_interval_seconds: float = Field(60.0, gt=0)
    backfill_minutes: float = Field(60.0, ge=0)
    monthly_read_cap: int | None = Field(None, gt=0)
    char_limit: int | None = Field(None, gt=0)

    @field_validator("handle")
    @classmethod
    def _strip_at(cls, value: str) -> str:
        value = value.strip().lstrip("@")
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("credentials")
    @classmethod
    def _env_names_only(cls, value: dict[str, str]) -> dict[str, str]:
        for key, env_name in value.items():
            if not env_name.replace("_", "").isalnum() or not env_name.isupper():
                raise ValueError(
                    f"credentials.{key} must name an environment variable "
                    f"(UPPER_CASE), not hold a secret"
                )
        return value

    def secret(self, key: str) -> str | None:
        """The secret named by ``credentials[key]``, read from the environment."""
        env_name = self.credentials.get(key)
        return os.environ.get(env_name) if env_name else None


class FilterSettings(_Strict):
    skip_bots: bool = True
    blocked_handles: list[str] = Field(default_factory=list)
    max_age_hours: float = Field(72.0, gt=0)
    opt_out_words: list[str] = Field(default_factory=lambda: ["stop", "unsubscribe", "leave me alone"])


class SchedulerSettings(_Strict):
    publish_interval_seconds: float = Field(5.0, gt=0)
    process_interval_seconds: float = Field(5.0, gt=0)
    max_publish_attempts: int = Field(5, ge=1)
    inflight_grace_seconds: float = Field(
        60.0, ge=0, description="an outbox item claimed longer ago than this by another worker is reconciled"
    )
    reserve_requests_for_replies: int = Field(2, ge=0)


class SandboxSettings(_Strict):
    host: str = "127.0.0.1"
    x_port: int = Field(8701, ge=0, le=65535)
    mastodon_port: int = Field(8702, ge=0, le=65535)
    traffic_per_round: int = Field(12, ge=0)
    seed: int = 7

    @field_validator("host")
    @classmethod
    def _loopback(cls, value: str) -> str:
        if not (value.startswith("127.") or value in {"localhost", "::1"}):
            raise ValueError("the sandbox only listens on a loopback address")
        return value


class ConsoleSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(8700, ge=0, le=65535)
    secret_key_env: str = "PARLEY_SECRET_KEY"
    session_max_age_hours: float = Field(12.0, gt=0)
    claim_minutes: float = Field(15.0, gt=0)
    sla_minutes: float = Field(60.0, gt=0)


class Settings(_Strict):
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    provider: ProviderSettings = Field(default_factory=ProviderSettings)
    accounts: list[AccountSettings] = Field(default_factory=list)
    shadow_mode: bool = False
    filters: FilterSettings = Field(default_factory=FilterSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    classifier: ClassifierSettings = Field(default_factory=ClassifierSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    replies: ReplySettings = Field(default_factory=ReplySettings)
    offers: OfferSettings = Field(default_factory=OfferSettings)

    @model_validator(mode="after")
    def _unique_account_names(self) -> Settings:
        seen: set[str] = set()
        for account in self.accounts:
            if account.name in seen:
                raise ValueError(f"account name {account.name!r} is used twice")
            seen.add(account.name)
        return self

    def find_account(self, name: str) -> AccountSettings | None:
        """The account called ``name`` in config (mentions and outbox items record it), if any."""
        return next((account for account in self.accounts if account.name == name), None)

    def account(self, name: str) -> AccountSettings:
        account = self.find_account(name)
        if account is None:
            raise ConfigError(f"no account named {name!r}", key="accounts")
        return account

    @property
    def our_handles(self) -> set[str]:
        handles = {h.lower().lstrip("@") for h in self.provider.handles}
        handles.update(a.handle.lower() for a in self.accounts)
        return handles


def _format_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def parse_config(data: Any, *, source: str = "config") -> Settings:
    """Validate already-parsed YAML; raise ConfigError naming the first bad key."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source} must be a mapping of keys to values, not {type(data).__name__}")
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _format_location(tuple(first.get("loc", ())))
        message = first.get("msg", "invalid")
        if first.get("type") == "extra_forbidden":
            message = "unknown key (check the spelling against the configuration reference)"
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(f"{message}{suffix}", key=f"{source}: {key}") from None
    db_override = os.environ.get(DATABASE_ENV)
    if db_override:
        settings.database.url = db_override
    return settings


def load_config(path: str | Path | None = None) -> Settings:
    """Read and validate the config file (``$PARLEY_CONFIG`` or ./config.yaml)."""
    chosen = Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_PATH)
    if not chosen.exists():
        if path is None and not os.environ.get(CONFIG_ENV):
            return parse_config({}, source=str(chosen))
        raise ConfigError(f"config file {chosen} does not exist")
    try:
        data = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{chosen}{where}: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {chosen}: {exc}") from None
    return parse_config(data, source=str(chosen))
