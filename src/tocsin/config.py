"""Settings from a `tocsin.toml` file, so that a team's dictionaries, lexicons and database need not
be repeated on every command line.

The file is the one named by `$TOCSIN_CONFIG`, else `./tocsin.toml`; without either, nothing is
set. Command-line options add to (lists) or override (single values) what the file says::

    # tocsin.toml
    db = "events.duckdb"
    dictionaries = ["dicts/Phoenix.Countries.actors.txt", "dicts/Phoenix.agents.txt"]
    lexicons = ["our-predicates.tsv"]
    workers = 2
    allow_private_urls = false   # true: also fetch URLs on loopback, private, link-local addresses
    api_token = "a long random string"   # enables POST /api/articles of `tocsin serve`
    max_body_bytes = 2000000     # the largest request body `tocsin serve` accepts

Relative paths are read from the file's own folder. `$TOCSIN_API_TOKEN`, when set, is the API token
and overrides the file's (keep the token out of files others can read).
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tocsin.errors import ConfigError

LOGGER = logging.getLogger(__name__)

CONFIG_ENV = "TOCSIN_CONFIG"
CONFIG_NAME = "tocsin.toml"
TOKEN_ENV = "TOCSIN_API_TOKEN"
KNOWN_KEYS = {
    "db",
    "dictionaries",
    "lexicons",
    "workers",
    "allow_private_urls",
    "api_token",
    "max_body_bytes",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """What a settings file says (and `$TOCSIN_API_TOKEN`); empty when there is neither."""

    db: Path | None = None
    dictionaries: tuple[Path, ...] = ()
    lexicons: tuple[Path, ...] = ()
    workers: int | None = None
    allow_private_urls: bool = False  # fetch URLs whose host is loopback, private or link-local
    api_token: str | None = field(default=None, repr=False)  # enables the web API's writing
    max_body_bytes: int | None = None  # the web server's request body limit
    origin: Path | None = None  # the file the settings came from


def settings_path(explicit: str | Path | None = None) -> Path | None:
    """The settings file in force: `explicit`, else `$TOCSIN_CONFIG`, else `./tocsin.toml`."""
    if explicit is not None:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    local = Path.cwd() / CONFIG_NAME
    return local if local.is_file() else None


def load_settings(path: str | Path | None = None) -> Settings:
    """Read the settings file in force (see `settings_path`); `ConfigError` names what is wrong."""
    found = settings_path(path)
    if found is None:
        return Settings(api_token=_token_from_env())
    try:
        raw = found.read_bytes()
    except OSError as error:
        raise ConfigError(str(found), f"cannot read: {error.strerror or error}") from error
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(str(found), "not UTF-8 text") from error
    except tomllib.TOMLDecodeError as error:
        line = _line_of(str(error))
        raise ConfigError(str(found), f"not valid TOML: {error}", line) from error
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            str(found), f"unknown setting {unknown[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    base = found.parent
    settings = Settings(
        db=_path(data, "db", base, found),
        dictionaries=_paths(data, "dictionaries", base, found),
        lexicons=_paths(data, "lexicons", base, found),
        workers=_positive_int(data, "workers", found),
        allow_private_urls=_bool(data, "allow_private_urls", found),
        api_token=_token_from_env() or _token(data, "api_token", found),
        max_body_bytes=_positive_int(data, "max_body_bytes", found),
        origin=found,
    )
    LOGGER.debug("settings from %s: %s", found, settings)
    return settings


def _line_of(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _path(data: dict[str, Any], key: str, base: Path, origin: Path) -> Path | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(str(origin), f"`{key}` must be a path (a string)")
    return base / value


def _paths(data: dict[str, Any], key: str, base: Path, origin: Path) -> tuple[Path, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(str(origin), f"`{key}` must be a list of paths")
    return tuple(base / item for item in value)


def _positive_int(data: dict[str, Any], key: str, origin: Path) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(str(origin), f"`{key}` must be a whole number of at least 1")
    return value


def _bool(data: dict[str, Any], key: str, origin: Path) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(str(origin), f"`{key}` must be true or false")
    return value


def _token_from_env() -> str | None:
    return os.environ.get(TOKEN_ENV, "").strip() or None


def _token(data: dict[str, Any], key: str, origin: Path) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) < 8:
        raise ConfigError(str(origin), f"`{key}` must be a string of at least 8 characters")
    return value.strip()
