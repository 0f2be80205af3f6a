"""The command line, run as a real subprocess against real files and a real DuckDB database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tocsin.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def test_code_prints_jsonl_events_with_the_contract_fields() -> None:
    result = run("code", str(EXAMPLES / "gulf-tankers.txt"), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    for record in records:
        assert set(record) >= {
            "event_id",
            "article_id",
            "date",
            "sentence_index",
            "sentence",
            "span",
            "source",
            "target",
            "cameo",
            "cameo_root",
            "quad_class",
            "goldstein",
            "attribution",
            "location",
        }
        assert set(record["attribution"]) >= {"speaker", "cue", "via", "quoted"}
        assert record["date"] is None or len(record["date"]) == 10


def test_code_table_shows_sourcing_summary() -> None:
    result = run("code", str(EXAMPLES), "--format", "table")
    assert result.returncode == 0, result.stderr
    assert "anonymous sources" in result.stdout and "according to" in result.stdout


def test_ingest_is_idempotent_and_events_filter(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    first = run("ingest", str(EXAMPLES), "--db", str(db))
    assert first.returncode == 0, first.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        before = connection.execute("select count(*) from events").fetchone()
        articles = connection.execute("select count(*) from articles").fetchone()
    assert articles == (2,)
    second = run("ingest", str(EXAMPLES), "--db", str(db))
    assert second.returncode == 0 and "2 already stored" in second.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("select count(*) from events").fetchone() == before
    listed = run("events", "--db", str(db), "--actor", "IRN", "--format", "jsonl")
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert records and all(
        r["source"]["code"].startswith("IRN") or (r["target"] or {}).get("code", "").startswith("IRN")
        for r in records
    )
    csv_out = run("events", "--db", str(db), "--since", "2021-01-01", "--format", "csv")
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("event_id,") and all("2021-" in line for line in lines[1:])


def test_bad_inputs_are_rejected_and_nothing_stored_is_lost(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    assert run("ingest", str(EXAMPLES / "gulf-tankers.txt"), "--db", str(db)).returncode == 0
    with duckdb.connect(str(db), read_only=True) as connection:
        before = connection.execute("select event_id from events order by 1").fetchall()
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    result = run(
        "ingest",
        str(tmp_path / "empty.txt"),
        str(tmp_path / "binary.txt"),
        str(tmp_path / "missing.txt"),
        str(EXAMPLES / "sahel-talks.jsonl"),
        "--db",
        str(db),
    )
    assert result.returncode == 1
    rejected = [line for line in result.stderr.splitlines() if line.startswith("rejected")]
    assert len(rejected) == 3 and all(": " in line for line in rejected)
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        after = connection.execute("select event_id from events order by 1").fetchall()
        assert connection.execute("select count(*) from rejections").fetchone() == (3,)
        assert connection.execute("select count(*) from articles").fetchone() == (2,)
    assert set(before) <= set(after)


def test_bad_options_give_one_line_errors(tmp_path: Path) -> None:
    result = run("code", str(EXAMPLES), "--date", "yesterday-ish")
    assert result.returncode == 2 and "not a date" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run("events", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no such database" in missing.stderr
    not_db = tmp_path / "not.duckdb"
    not_db.write_text("hello", encoding="utf-8")
    broken = run("events", "--db", str(not_db))
    assert broken.returncode == 2 and "Traceback" not in broken.stderr


@pytest.mark.parametrize("command", ["quotes", "actors"])
def test_quotes_and_actors_commands(command: str) -> None:
    result = run(command, str(EXAMPLES / "gulf-tankers.txt"), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records


def test_people_learned_in_one_run_code_the_next(tmp_path: Path) -> None:
    first = tmp_path / "monday.txt"
    first.write_text(
        "Minister visits\nDate: 2021-03-15\n\nNiger's Defence Minister, Alkassoum Indattou, visited Mali.\n",
        encoding="utf-8",
    )
    second = tmp_path / "tuesday.txt"
    second.write_text(
        "Talks\nDate: 2021-03-16\n\nAlkassoum Indattou met Malian officials in Bamako on Tuesday.\n",
        encoding="utf-8",
    )
    db = tmp_path / "people.duckdb"
    assert run("ingest", str(first), "--db", str(db)).returncode == 0
    listed = run("people", "--db", str(db), "--format", "jsonl")
    assert listed.returncode == 0, listed.stderr
    people = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(p["name"], p["code"], p["first_seen"]) for p in people] == [
        ("Alkassoum Indattou", "NERGOV", "2021-03-15")
    ]
    assert run("ingest", str(second), "--db", str(db)).returncode == 0
    events = run("events", "--db", str(db), "--format", "jsonl")
    meeting = [json.loads(line) for line in events.stdout.splitlines() if '"040"' in line]
    assert meeting and meeting[0]["source"]["code"] == "NERGOV"


def test_settings_file_names_the_database_and_a_bad_one_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "tocsin.toml").write_text('db = "team.duckdb"\n', encoding="utf-8")
    result = run("ingest", str(EXAMPLES / "gulf-tankers.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "team.duckdb").exists()
    (tmp_path / "tocsin.toml").write_text("dictionaries = 3\n", encoding="utf-8")
    result = run("events", cwd=tmp_path)
    assert result.returncode == 2
    assert "tocsin.toml" in result.stderr and "list of paths" in result.stderr
    assert "Traceback" not in result.stderr
