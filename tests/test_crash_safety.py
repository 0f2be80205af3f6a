"""Crash safety: `tocsin ingest` killed with SIGKILL at many random moments — while the model loads,
between commits, right as a commit lands in the write-ahead log — and started again each time ends
with exactly the database of one uninterrupted run, with no duplicate rows, every committed batch
recovered from the WAL the killed process left behind.

The killed runs alternate between the real `tocsin ingest` command (a few dozen articles per
transaction) and the same ingest with a transaction every two articles, as `tocsin.ingest.run`
allows from Python, so that kills land between and inside many commits.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = 20240610
KILLS = 8

COUNTRIES = [
    ("Iran", "Iranian", "Tehran"),
    ("Israel", "Israeli", "Jerusalem"),
    ("the United States", "American", "Washington"),
    ("Russia", "Russian", "Moscow"),
    ("Ukraine", "Ukrainian", "Kyiv"),
    ("China", "Chinese", "Beijing"),
    ("Japan", "Japanese", "Tokyo"),
    ("India", "Indian", "New Delhi"),
    ("Pakistan", "Pakistani", "Islamabad"),
    ("Turkey", "Turkish", "Ankara"),
    ("Egypt", "Egyptian", "Cairo"),
    ("France", "French", "Paris"),
    ("Germany", "German", "Berlin"),
    ("Britain", "British", "London"),
    ("Venezuela", "Venezuelan", "Caracas"),
    ("Colombia", "Colombian", "Bogota"),
    ("Ethiopia", "Ethiopian", "Addis Ababa"),
    ("Nigeria", "Nigerian", "Abuja"),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
PEOPLE = [("Iran", "defence minister", "Amir Hatami"), ("Japan", "prime minister", "Shinzo Abe")]

SENTENCES = [
    "{a} accused {b} of violating the ceasefire on {day}, officials in {a_city} said.",
    "{a}'s foreign minister met his {b_adj} counterpart in {b_city} on {day} to discuss trade and security.",
    "{a} imposed new sanctions on {b} after the talks collapsed.",
    "{a_adj} troops attacked positions held by {b_adj} forces near the border, a military spokesman said.",
    '"We will not accept threats from {b}," the {a_adj} president said in a televised speech.',
    "{a} and {b} signed an agreement on energy cooperation in {a_city}.",
    "Protesters in {a_city} demonstrated against the government on {day}.",
    "An official who spoke on condition of anonymity told reporters that {a} had expelled {b}'s ambassador.",
    "{a} urged {b} to release the detained journalists.",
    "{a} threatened to cut diplomatic ties with {b} unless the shelling stopped.",
    "The {b_adj} government rejected the accusation and called it baseless.",
    "{a} praised {b} for its help in the negotiations, according to the state news agency.",
]

GERMAN = (
    "Der Bundestag hat am Mittwoch ein neues Gesetz beschlossen, das die Steuern für Familien senkt. "
    "Die Opposition kritisierte den Entwurf scharf und kündigte Widerstand im Bundesrat an."
)


def _article(rng: random.Random, index: int) -> tuple[str, str]:
    """A short project-written news report: (title, body) with six sentences about two countries."""
    (a, a_adj, a_city), (b, b_adj, b_city) = rng.sample(COUNTRIES, 2)
    fill = {"a": a, "a_adj": a_adj, "a_city": a_city, "b": b, "b_adj": b_adj, "b_city": b_city}
    chosen = rng.sample(SENTENCES, 6)
    sentences = [s.format(day=rng.choice(DAYS), **fill) for s in chosen]
    sentences[0] = sentences[0][0].upper() + sentences[0][1:]
    if index % 7 == 3:  # a person coded from their title, named bare in a later article
        country, role, name = PEOPLE[(index // 7) % len(PEOPLE)]
        sentences.insert(1, f"{country}'s {role}, {name}, said the talks with {b} had failed.")
    if index % 7 == 5:
        country, _, name = PEOPLE[(index // 7) % len(PEOPLE)]
        sentences.append(f"{name} met {b}'s ambassador in {a_city} on {rng.choice(DAYS)}.")
    body = " ".join(sentences[:3]) + "\n\n" + " ".join(sentences[3:])
    title = f"{a} and {b}: report {index}"
    return title, body


def write_corpus(folder: Path, count: int = 36) -> int:
    """Write `count` article files, two near-duplicate copies, a German article and an empty
    file into `folder`; return how many files were written."""
    rng = random.Random(SEED)
    folder.mkdir()
    bodies: list[tuple[str, str]] = [_article(rng, index) for index in range(count)]
    # syndicated copies: a dateline in front and a word changed, further down the input order
    for original, place in ((4, 20), (11, 30)):
        title, body = bodies[original]
        bodies.insert(place, (title + " (wire)", "LONDON (Wire) - " + body.replace(" said", " stated", 1)))
    for number, (title, body) in enumerate(bodies):
        day = 1 + number % 28
        header = f"Date: 2021-03-{day:02d}\nOutlet: {'Wire' if number % 2 else 'Herald'}\n"
        (folder / f"a{number:03d}.txt").write_text(f"{title}\n{header}\n{body}\n", encoding="utf-8")
    (folder / "a015-de.txt").write_text(f"Neues Gesetz\nDate: 2021-03-05\n\n{GERMAN}\n", encoding="utf-8")
    (folder / "a025-empty.txt").write_bytes(b"")
    return len(bodies) + 2


# A run with a transaction every two articles: what `tocsin ingest` does, with a smaller batch.
SMALL_BATCHES = """
import sys
from tocsin.ingest.run import IngestSettings, ingest
from tocsin.pipeline import Options
from tocsin.store import Store

source, db = sys.argv[1:3]
with Store(db) as store:
    options = Options(known_people=store.people())
    ingest([source], store, IngestSettings(commit_articles=2, commit_seconds=0.5), options)
"""


def _ingest(source: Path, db: Path, *, small_batches: bool = False) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    env.pop("TOCSIN_CONFIG", None)
    if small_batches:
        command = [sys.executable, "-c", SMALL_BATCHES, str(source), str(db)]
    else:
        command = [
            sys.executable,
            "-m",
            "tocsin.cli",
            "ingest",
            str(source),
            "--db",
            str(db),
            "--no-progress",
        ]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=source.parent
    )


def _finish(process: subprocess.Popen[bytes]) -> str:
    """Wait for an uninterrupted run; fail unless it processed everything (exit 0, or 1 for the
    deliberately empty file)."""
    _, err = process.communicate(timeout=300)
    stderr = err.decode("utf-8", "replace")
    assert process.returncode in (0, 1), stderr
    assert "Traceback" not in stderr, stderr
    return stderr


def _kill_after(process: subprocess.Popen[bytes], delay: float) -> None:
    """SIGKILL `process` after `delay` seconds, unless it has ended."""
    started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < delay:
        time.sleep(0.01)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)


def _size(path: Path) -> int:
    """The size of a file that a running process may delete at any moment (0 when it is gone)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _kill_after_commits(
    process: subprocess.Popen[bytes], wal: Path, commits: int, extra: float, limit: float
) -> None:
    """SIGKILL `process` when its write-ahead log has grown `commits` times (and `extra` seconds
    more), unless it has ended; a log that shrinks was checkpointed on opening and is not a commit."""
    started = time.monotonic()
    size = _size(wal)
    seen = 0
    while process.poll() is None and seen < commits and time.monotonic() - started < 2 * limit:
        now = _size(wal)
        if now > size:
            seen += 1
        size = now
        time.sleep(0.002)
    _kill_after(process, extra)


TABLE_QUERIES = {
    "articles": "SELECT * EXCLUDE (ingested_at) FROM articles",
    "mentions": "SELECT * FROM mentions",
    "quotes": "SELECT * FROM quotes",
    "events": "SELECT * EXCLUDE (record), CAST(record AS VARCHAR) FROM events",
    "people": "SELECT * FROM people",
    "fingerprints": "SELECT * FROM fingerprints",
    "rejections": "SELECT * EXCLUDE (recorded_at) FROM rejections",
}


def contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without the timestamps that record when a row was written."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in TABLE_QUERIES.items()}


def duplicate_rows(db: Path) -> dict[str, int]:
    """How many rows of each table repeat another row exactly (timestamps aside); all zero when
    nothing was written twice."""
    found = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for name, sql in TABLE_QUERIES.items():
            row = con.execute(
                f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM ({sql}))) FROM ({sql})"
            )
            found[name] = int(row.fetchone()[0])  # type: ignore[index]
        ids = con.execute("SELECT count(*) - count(DISTINCT id) FROM articles").fetchone()
        found["article ids"] = int(ids[0])  # type: ignore[index]
    return found


def stored_articles(db: Path) -> int:
    """How many articles a database holds; a read-only open replays the log a killed run left."""
    if not db.exists():
        return 0
    with duckdb.connect(str(db), read_only=True) as con:
        try:
            row = con.execute("SELECT count(*) FROM articles").fetchone()
        except duckdb.CatalogException:  # killed before the schema was committed
            return 0
    return int(row[0]) if row else 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "news"
    write_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path) -> tuple[Path, float]:
    """The database of one uninterrupted `tocsin ingest`, and how long that run took."""
    db = corpus.parent / "reference.duckdb"
    started = time.monotonic()
    _finish(_ingest(corpus, db))
    return db, time.monotonic() - started


def test_the_corpus_exercises_every_table(reference: tuple[Path, float]) -> None:
    expected = contents(reference[0])
    assert len(expected["articles"]) == 38  # 36 stories and two copies (German is skipped)
    with duckdb.connect(str(reference[0]), read_only=True) as con:
        linked = con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()
        kinds = con.execute("SELECT kind, count(*) FROM rejections GROUP BY kind ORDER BY kind").fetchall()
    assert linked == (2,)
    assert kinds == [("rejected", 1), ("skipped", 1)]
    for table in ("mentions", "quotes", "events", "people", "fingerprints"):
        assert expected[table], f"the corpus gives no {table}"
    assert duplicate_rows(reference[0]) == dict.fromkeys([*TABLE_QUERIES, "article ids"], 0)


def test_runs_killed_at_random_moments_converge_to_the_uninterrupted_database(
    corpus: Path, reference: tuple[Path, float]
) -> None:
    reference_db, duration = reference
    expected = contents(reference_db)
    db = corpus.parent / "killed.duckdb"
    wal = Path(f"{db}.wal")
    rng = random.Random(SEED)
    progress: list[int] = []
    recovered_wals = 0
    for kill in range(KILLS):
        left_behind = _size(wal)
        small = kill % 2 == 1
        process = _ingest(corpus, db, small_batches=small)
        if kill % 4 == 0:  # while the model and lexicons load
            _kill_after(process, rng.uniform(0.1, 0.5) * duration)
        else:  # as a commit reaches the write-ahead log (often mid-commit), or a moment after
            commits = rng.randint(1, 4) if small else 1
            _kill_after_commits(process, wal, commits, rng.choice([0.0, rng.uniform(0, 0.4)]), duration)
        _, err = process.communicate(timeout=60)
        assert "Traceback" not in err.decode("utf-8", "replace")
        if left_behind:
            recovered_wals += 1  # this run had to replay the log the killed run before it left
        count = stored_articles(db)
        assert not progress or count >= progress[-1], f"committed articles lost: {progress} then {count}"
        progress.append(count)
        if count:
            assert all(value == 0 for value in duplicate_rows(db).values()), duplicate_rows(db)
    assert recovered_wals >= 1, "no killed run left a write-ahead log to recover"
    assert any(0 < count < len(expected["articles"]) for count in progress), (
        f"no kill landed mid-run: {progress}"
    )

    stderr = _finish(_ingest(corpus, db))
    assert not wal.exists() or wal.stat().st_size == 0, "the finished run left its WAL behind"
    assert "already stored" in stderr
    assert duplicate_rows(db) == dict.fromkeys([*TABLE_QUERIES, "article ids"], 0)
    found = contents(db)
    for table in TABLE_QUERIES:
        assert found[table] == expected[table], (
            f"{table} differs from the uninterrupted run (kills: {progress})"
        )
