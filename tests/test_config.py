"""Settings files: what they set, where paths point, and malformed files named with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tocsin.config import CONFIG_ENV, TOKEN_ENV, load_settings
from tocsin.errors import ConfigError


def test_no_settings_file_sets_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.origin is None and settings.dictionaries == () and settings.db is None


def test_settings_paths_are_read_from_the_files_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "tocsin.toml").write_text(
        'db = "events.duckdb"\ndictionaries = ["dicts/actors.txt", "dicts/agents.txt"]\nworkers = 2\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONFIG_ENV, str(folder / "tocsin.toml"))
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.db == folder / "events.duckdb"
    assert settings.dictionaries == (folder / "dicts/actors.txt", folder / "dicts/agents.txt")
    assert settings.workers == 2


def test_a_local_tocsin_toml_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tocsin.toml").write_text('lexicons = "ours.tsv"\n', encoding="utf-8")
    assert load_settings().lexicons == (tmp_path / "ours.tsv",)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('db = "a"\ndb = "b"\n', "not valid TOML"),
        ('dictionary = ["x.txt"]\n', "unknown setting 'dictionary'"),
        ("dictionaries = [1, 2]\n", "must be a list of paths"),
        ("workers = 0\n", "at least 1"),
    ],
)
def test_malformed_settings_name_the_file_and_the_reason(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "tocsin.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert str(path) in str(raised.value) and reason in str(raised.value)


def test_the_api_token_and_body_limit_come_from_the_file_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tocsin.toml"
    path.write_text('api_token = "from-the-file-123"\nmax_body_bytes = 500000\n', encoding="utf-8")
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    settings = load_settings(path)
    assert (settings.api_token, settings.max_body_bytes) == ("from-the-file-123", 500_000)
    assert "from-the-file-123" not in repr(settings)  # never logged
    monkeypatch.setenv(TOKEN_ENV, "from-the-environment")
    assert load_settings(path).api_token == "from-the-environment"
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    path.unlink()
    assert load_settings().api_token == "from-the-environment"  # no settings file at all
    monkeypatch.setenv(TOKEN_ENV, "  ")
    assert load_settings().api_token is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('api_token = "short"\n', "at least 8 characters"),
        ("api_token = 12345678\n", "at least 8 characters"),
        ("max_body_bytes = 0\n", "at least 1"),
        ('max_body_bytes = "2MB"\n', "at least 1"),
    ],
)
def test_bad_web_settings_name_the_file_and_the_reason(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "tocsin.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert str(path) in str(raised.value) and reason in str(raised.value)
