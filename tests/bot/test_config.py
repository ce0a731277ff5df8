from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_config_is_valid() -> None:
    settings = load_config(ROOT / "config.yaml")
    assert settings.database.url.startswith("sqlite:///")
    assert {a.platform for a in settings.accounts} == {"x", "mastodon"}


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("databse:\n  url: sqlite:///x.db\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "databse" in str(err.value)
    assert "unknown key" in str(err.value)


def test_bad_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("database:\n  url: [unclosed\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "line" in str(err.value)


def test_wrong_type_names_nested_key() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"accounts": [{"name": "a", "platform": "x", "handle": "h", "base_url": "u",
                                    "poll_interval_seconds": "often"}]})
    assert "accounts[0].poll_interval_seconds" in str(err.value)


def test_secret_in_credentials_refused() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"accounts": [{"name": "a", "platform": "x", "handle": "h", "base_url": "u",
                                    "credentials": {"bearer_token": "AAAA-secret-value"}}]})
    assert "environment variable" in str(err.value)
    assert "AAAA-secret-value" not in str(err.value)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(tmp_path / "nope.yaml")
