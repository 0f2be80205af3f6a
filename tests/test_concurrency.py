"""The single-writer model: while one process has a tocsin database open for writing (`tocsin
serve`, `tocsin ingest`, `tocsin watch` …), DuckDB lets no other process open it, so every other
command that opens the same file stops with one line naming the file, the lock and the process that
holds it, and exit code 2 — never a traceback, never a half-written database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from tocsin.errors import StoreError
from tocsin.store import Store

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

HOLD_OPEN = """
import sys
from tocsin.store import Store

with Store(sys.argv[1]):
    print("open", flush=True)
    sys.stdin.read()  # until the test closes our standard input
"""

# `tocsin ingest`, started and imported in advance, that opens the database when told to (a line on
# its standard input), so that it tries while another run certainly holds the database.
INGEST_ON_CUE = """
import sys
from tocsin.cli import main

sys.stdin.readline()
sys.argv = ["tocsin", *sys.argv[1:]]
main()
"""


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    env.pop("TOCSIN_CONFIG", None)
    return env


def _tocsin(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tocsin.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=cwd,
        env=_env(),
    )


def _lock_line(db: Path, pid: int) -> str:
    """The start of the one line every command prints for a database another process holds."""
    return f"error: {db}: the database is locked by another process (PID {pid}: "


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A tocsin database held open for writing by another process, as `tocsin serve` holds it."""
    db = tmp_path_factory.mktemp("held") / "events.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
    yield db, holder
    holder.communicate(timeout=30)  # closing its input lets it close the database and exit


# Every command that opens the database, with arguments that would otherwise be valid.
COMMANDS: dict[str, list[str]] = {
    "ingest": ["ingest", str(EXAMPLES), "--no-progress"],
    "events": ["events"],
    "export": ["export", "--format", "csv", "--out", "-"],
    "import-gdelt": ["import-gdelt", str(EXAMPLES / "gulf-tankers.txt")],
    "people": ["people"],
    "alerts": ["alerts"],
    "series": ["series", "--dyad", "IRN-USA"],
    "watch": ["watch", str(EXAMPLES), "--cycles", "1"],
    "backtest": ["backtest"],
}


def _registered_commands() -> set[str]:
    from tocsin.cli import app

    return {command.name or "" for command in app.registered_commands}


def test_the_commands_cover_every_command_that_opens_a_database() -> None:
    reading_and_writing = set(COMMANDS) | {"serve"}
    without_database = {"code", "quotes", "actors", "eval"}
    assert _registered_commands() - without_database <= reading_and_writing, (
        "a new command opens the database: add it to COMMANDS"
    )


def test_every_command_on_a_held_database_fails_with_one_line(
    held: tuple[Path, subprocess.Popen[str]], tmp_path: Path
) -> None:
    db, holder = held
    commands = dict(COMMANDS)
    if "serve" in _registered_commands():
        commands["serve"] = ["serve", "--port", str(_free_port())]
    running = {name: _tocsin(*args, "--db", str(db), cwd=tmp_path) for name, args in commands.items()}
    for name, process in running.items():
        try:
            out, err = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail(f"`tocsin {name}` kept running on a database another process holds")
        lines = err.splitlines()
        assert process.returncode == 2, f"tocsin {name}: exit {process.returncode}: {err}"
        assert len(lines) == 1 and lines[0].startswith(_lock_line(db, holder.pid)), f"tocsin {name}: {err}"
        assert lines[0].endswith("while `tocsin serve` runs, add articles through its POST /api/articles)")
        assert out == ""


def test_the_library_says_which_process_holds_the_database(held: tuple[Path, subprocess.Popen[str]]) -> None:
    db, holder = held
    for read_only in (False, True):
        with pytest.raises(StoreError) as caught:
            Store(db, read_only=read_only)
        message = str(caught.value)
        assert message.startswith(f"{db}: the database is locked by another process (PID {holder.pid}: ")
        assert "\n" not in message


def test_a_database_that_is_not_held_opens_again(tmp_path: Path) -> None:
    db = tmp_path / "free.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
    with pytest.raises(StoreError, match="locked by another process"):
        Store(db, read_only=True)
    holder.communicate(timeout=30)
    with Store(db, read_only=True) as store:  # the lock goes with the process
        assert store.counts()["articles"] == 0


# --- two ingest runs on one database ------------------------------------------------------------

STORY = (
    "{a} accused {b} of violating the ceasefire on Tuesday, officials in {a} said. {b} rejected the "
    "accusation and called it baseless. Talks between {a} and {b} are planned for next week."
)
PAIRS = [
    ("Iran", "Israel"),
    ("Russia", "Ukraine"),
    ("India", "Pakistan"),
    ("Egypt", "Ethiopia"),
    ("Turkey", "Greece"),
    ("Japan", "China"),
    ("Britain", "France"),
    ("Colombia", "Venezuela"),
]


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Some short articles (alike: ingest them with --no-dedup), the first in reading order an
    empty file: the run says so as soon as it reads, which tells the test it holds the database."""
    folder = tmp_path_factory.mktemp("concurrent") / "news"
    folder.mkdir()
    (folder / "000-empty.txt").write_bytes(b"")
    for number in range(24):
        a, b = PAIRS[number % len(PAIRS)]
        body = STORY.format(a=a, b=b) + f" This is report number {number}."
        (folder / f"{number + 1:03d}.txt").write_text(
            f"{a} and {b}, report {number}\nDate: 2021-03-{number + 1:02d}\n\n{body}\n", encoding="utf-8"
        )
    return folder


def test_a_second_ingest_fails_clearly_and_the_first_completes_intact(news: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    first = _tocsin("ingest", str(news), "--db", str(db), "--no-progress", "--no-dedup", cwd=tmp_path)
    second = subprocess.Popen(
        [
            sys.executable,
            "-c",
            INGEST_ON_CUE,
            "ingest",
            str(news),
            "--db",
            str(db),
            "--no-progress",
            "--no-dedup",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=_env(),
    )
    assert first.stderr is not None
    heard = [first.stderr.readline()]
    while heard[-1] and "000-empty.txt: empty file" not in heard[-1]:
        heard.append(first.stderr.readline())
    assert heard[-1].startswith("rejected "), heard
    assert first.poll() is None, "the first run ended before the second could try"

    _, err = second.communicate("go\n", timeout=120)
    assert second.returncode == 2, err
    assert err.splitlines() == [err.strip()] and err.startswith(_lock_line(db, first.pid)), err
    assert f"PID {first.pid}: tocsin.cli ingest {news}" in err  # names the command holding it

    rest = first.communicate(timeout=300)[1]
    assert first.returncode == 1, rest  # 1: the empty file was rejected; everything else was stored
    assert "24 articles stored" in rest and "Traceback" not in rest
    with duckdb.connect(str(db), read_only=True) as con:
        counts = con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone()
        events = con.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone()
        orphans = con.execute(
            "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()
    assert counts == (24, 24) and events is not None and events[0] == events[1] > 0 and orphans == (0,)

    again = _tocsin("ingest", str(news), "--db", str(db), "--no-progress", "--no-dedup", cwd=tmp_path)
    err = again.communicate(timeout=300)[1]
    assert again.returncode == 1 and "0 articles stored" in err and "24 already stored" in err, err


# --- `tocsin serve` keeps the database; other commands are told so -----------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_while_serve_runs_other_commands_are_refused_and_it_keeps_answering(
    news: Path, tmp_path: Path
) -> None:
    if "serve" not in _registered_commands():
        pytest.skip("this tocsin has no `serve` command")
    db = tmp_path / "served.duckdb"
    Store(db).close()
    port = _free_port()
    server = _tocsin("serve", "--db", str(db), "--port", str(port), cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)
        for args in (["ingest", str(news), "--no-progress"], ["events"]):
            refused = _tocsin(*args, "--db", str(db), cwd=tmp_path)
            err = refused.communicate(timeout=120)[1]
            assert refused.returncode == 2 and err.startswith(_lock_line(db, server.pid)), err
            assert "tocsin.cli serve" in err
        assert httpx.get(f"{base}/api/health", timeout=10).status_code == 200
        assert httpx.get(f"{base}/api/events", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.communicate(timeout=60)
