"""Tests for tocsin.ingest.run: a whole ingest with languages, near-duplicates, consolidation, and a
run killed with SIGKILL and started again ending with exactly the data of an uninterrupted run."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tocsin.ingest.run import IngestSettings, ingest
from tocsin.store import Store
from tocsin.types import Rejection

REPO = Path(__file__).resolve().parents[1]
WIKINEWS = REPO.parent / "shared" / "data" / "wikinews" / "wikinews_2019.csv"

TANKER = (
    "Iranian forces seized a British-flagged oil tanker in the Strait of Hormuz on Friday, officials "
    "in London said. Britain's foreign secretary condemned Iran and summoned Iran's ambassador. "
    "The United States accused Iran of threatening shipping in the Gulf. Oil prices rose by more "
    "than one percent after the news of the seizure broke."
)
GERMAN = (
    "Der Bundestag hat am Mittwoch ein neues Gesetz beschlossen, das die Steuern für Familien senkt. "
    "Die Opposition kritisierte den Entwurf scharf."
)


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def test_languages_duplicates_and_consolidated_events(tmp_path: Path) -> None:
    records = [
        {"id": "wire", "text": TANKER, "date": "2019-07-19", "outlet": "Wire"},
        {
            "id": "copy",
            "text": "LONDON (Wire) - " + TANKER.replace("by more than", "over"),
            "date": "2019-07-19",
        },
        {"id": "de", "text": GERMAN, "date": "2019-07-19"},
        {
            "id": "other",
            "text": TANKER.replace("Oil prices", "Shipping insurers said premiums")
            .replace("Iranian forces seized a British-flagged oil tanker", "Iran seized a tanker")
            .replace("officials in London said", "a spokesman in London said")
            + " Talks are planned.",
            "date": "2019-07-19",
            "outlet": "Herald",
        },
    ]
    source = write_jsonl(tmp_path / "news.jsonl", records)
    bad = tmp_path / "bad.rss"
    bad.write_text("not a feed at all", encoding="utf-8")
    heard: list[tuple[str, str]] = []
    with Store(tmp_path / "db.duckdb") as store:
        report = ingest([source, bad], store, notice=lambda kind, r: heard.append((kind, r.origin)))
        assert (report.duplicates, report.skipped, report.rejected) == (1, 1, 1)
        assert [kind for kind, _ in heard] == ["skipped", "rejected"]
        duplicates = store._query(
            "SELECT origin, duplicate_of, similarity FROM articles WHERE duplicate_of IS NOT NULL"
        )
        assert len(duplicates) == 1 and duplicates[0][0].endswith("#copy") and duplicates[0][2] >= 0.6
        wire_id = store._query("SELECT id FROM articles WHERE origin LIKE '%#wire'")[0][0]
        assert duplicates[0][1] == wire_id
        assert (
            store._query(
                "SELECT count(*) FROM events WHERE article_id = (SELECT id FROM articles "
                "WHERE origin LIKE '%#copy')"
            )[0][0]
            == 0
        )
        rows = store.consolidated_events()
        top = rows[0]
        assert (top["num_articles"], top["num_sources"]) == (2, 2) and top["num_mentions"] >= 2
        assert len(top["mention_ids"]) == top["num_mentions"] and top["source_code"]
        total_mentions = store._query("SELECT count(*) FROM events")[0][0]
        assert sum(row["num_mentions"] for row in rows) == total_mentions
        again = ingest([source, bad], store)
        assert (again.added, again.duplicates, again.already_stored) == (0, 0, 3)
        assert store._query("SELECT count(*) FROM rejections")[0][0] == 2


def _wikinews_jsonl(path: Path, count: int) -> Path:
    if not WIKINEWS.exists():
        pytest.skip("the shared Wikinews corpus is not available")
    with WIKINEWS.open(encoding="utf-8", newline="") as handle:
        rows = [row for _, row in zip(range(count), csv.DictReader(handle), strict=False)]
    records = [{"text": r["text"], "title": r["title"], "date": r["date"], "url": r["url"]} for r in rows]
    records.insert(
        5, {"text": "LONDON (Wire) - " + rows[2]["text"], "title": "copy", "date": rows[2]["date"]}
    )
    records.insert(9, {"text": GERMAN, "title": "deutsch"})
    return write_jsonl(path, records)


def _ingest_process(source: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "tocsin.cli", "ingest", str(source), "--db", str(db), "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def _contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without the timestamps that record when a row was written."""
    queries = {
        "articles": "SELECT * EXCLUDE (ingested_at) FROM articles",
        "mentions": "SELECT * FROM mentions",
        "quotes": "SELECT * FROM quotes",
        "events": "SELECT * FROM events",
        "fingerprints": "SELECT * FROM fingerprints",
        "rejections": "SELECT * EXCLUDE (recorded_at) FROM rejections",
    }
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in queries.items()}


def test_a_killed_run_started_again_ends_with_the_data_of_an_uninterrupted_run(tmp_path: Path) -> None:
    source = _wikinews_jsonl(tmp_path / "news.jsonl", 60)
    reference = tmp_path / "reference.duckdb"
    started = time.monotonic()
    whole = _ingest_process(source, reference)
    assert whole.wait(timeout=300) == 0, whole.stderr.read().decode() if whole.stderr else ""
    duration = time.monotonic() - started
    expected = _contents(reference)
    total = len(expected["articles"])
    assert total == 61 and len(expected["rejections"]) == 1

    killed_db = tmp_path / "killed.duckdb"
    wal = Path(str(killed_db) + ".wal")
    process = _ingest_process(source, killed_db)
    started = time.monotonic()
    while process.poll() is None:
        elapsed = time.monotonic() - started
        if (wal.exists() and wal.stat().st_size > 256 * 1024) or elapsed > 0.6 * duration:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    with duckdb.connect(str(killed_db), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM articles").fetchone()
    assert stored is not None and 0 < stored[0] < total, f"killed after {stored} of {total} articles"

    again = _ingest_process(source, killed_db)
    assert again.wait(timeout=300) == 0, again.stderr.read().decode() if again.stderr else ""
    assert _contents(killed_db) == expected


def test_rejections_are_recorded_once_with_their_kind(tmp_path: Path) -> None:
    with Store(tmp_path / "db.duckdb") as store:
        assert store.add_rejection(Rejection("a.txt", "empty file"))
        assert not store.add_rejection(Rejection("a.txt", "empty file"))
        assert store.add_rejection(Rejection("b.txt", "skipped: language is German"), kind="skipped")
        rows = store._query("SELECT origin, kind FROM rejections ORDER BY origin")
        assert rows == [("a.txt", "rejected"), ("b.txt", "skipped")]


def test_settings_choose_the_coding_stage() -> None:
    assert not IngestSettings().distributed
    assert IngestSettings(dask_workers=2).distributed and IngestSettings(scheduler="tcp://x:1").distributed


def test_a_version_1_database_is_migrated_and_its_articles_fingerprinted(tmp_path: Path) -> None:
    from tocsin.ingest.run import load_duplicate_index
    from tocsin.store import _SCHEMA, SCHEMA_VERSION

    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        for statement in _SCHEMA:
            con.execute(statement)
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        con.execute(
            "INSERT INTO articles (id, text, ingested_at, origin) VALUES ('abc', ?, now(), 'old.txt')",
            [TANKER],
        )
        con.execute("INSERT INTO rejections VALUES ('bad.txt', 'empty file', now())")
    with Store(path) as store:
        assert store._query("SELECT value FROM meta")[0][0] == str(SCHEMA_VERSION)
        assert store._query("SELECT kind FROM rejections") == [("rejected",)]
        index = load_duplicate_index(store)
        assert "abc" in index and [article_id for article_id, _ in store.fingerprints()] == ["abc"]
        copy = "(Wire) " + TANKER
        with_copy = write_jsonl(tmp_path / "copy.jsonl", [{"text": copy}])
        report = ingest([with_copy], store)
        assert report.duplicates == 1
        assert store._query("SELECT duplicate_of FROM articles WHERE duplicate_of IS NOT NULL") == [("abc",)]
