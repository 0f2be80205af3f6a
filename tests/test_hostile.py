"""Hostile input: every case of the generated corpus (tests/data/hostile/make_hostile.py) through the
real `tocsin ingest`, each in its own process with a copy of a populated database, a time bound and
a memory bound; then the readers' defences one at a time.

A run must end as its case says (a clear one-line rejection recorded in the database, or a correct
result), never with a traceback, and rejected input must leave the stored articles, mentions,
quotes and events exactly as they were. The cases run two at a time in warm processes (tocsin and
its model loaded once, each run a forked child running the command), the slowest first, so the
whole corpus takes about a minute.
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tocsin.errors import InputError
from tocsin.ingest import read_paths
from tocsin.ingest._files import MAX_GZIP_RATIO, open_binary, utf16_without_bom
from tocsin.ingest.feeds import declares_entities
from tocsin.ingest.tabular import read_csv_file
from tocsin.ingest.text import MAX_ORIGIN_CHARS, article_from_text, printable_origin
from tocsin.types import Article, Rejection

MAKE_HOSTILE = Path(__file__).parent / "data" / "hostile" / "make_hostile.py"


def load_make_hostile() -> ModuleType:
    """The corpus script as a module (it lives with the test data, not in a package)."""
    spec = importlib.util.spec_from_file_location("make_hostile", MAKE_HOSTILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_hostile"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


make_hostile = load_make_hostile()
CASES = make_hostile.hostile_cases()


def case_param(case: Any) -> Any:
    """A case as a test parameter; one broken by a reported defect elsewhere is a strict xfail."""
    marks = [pytest.mark.xfail(reason=case.known_issue, strict=True)] if case.known_issue else []
    return pytest.param(case, marks=marks, id=case.label)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The hostile corpus, written once for the module and removed after it (some 300 MB)."""
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    make_hostile.make_corpus(folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, corpus: Path) -> dict[str, Any]:
    """Every selected case run through `tocsin ingest`, two at a time, by case name."""
    selected = {
        item.callspec.params["case"].name
        for item in request.session.items
        if item.module is request.module and "case" in getattr(getattr(item, "callspec", None), "params", {})
    }
    work = corpus.parent
    template = make_hostile.make_template_db(work)
    cases = [case for case in CASES if case.name in selected]
    return {run.case.name: run for run in make_hostile.run_cases(cases, corpus, template, work, warm=True)}


@pytest.mark.parametrize("case", [case_param(case) for case in CASES])
def test_hostile_input_ends_in_a_clear_rejection_or_a_correct_result(case: Any, runs: dict[str, Any]) -> None:
    run = runs[case.name]
    assert run.handled, f"{case.label}: " + "; ".join(run.problems) + "\n" + run.stderr[-2000:]


def test_the_corpus_has_what_the_issue_asks_for(corpus: Path) -> None:
    sizes = {case.name: (corpus / case.name).lstat().st_size for case in CASES if case.name != "all"}
    assert sizes["empty.txt"] == 0 and sizes["sparse_100mb.txt"] == 100 * 1024 * 1024
    assert sizes["huge_100mb.jsonl"] > 100 * 1024 * 1024
    assert sizes["one_line_10mb.txt"] > 10 * 1024 * 1024
    assert (corpus / "one_line_10mb.txt").read_bytes().count(b"\n") == 1
    bomb = (corpus / "gzip_bomb.txt.gz").read_bytes()
    inflated = struct.unpack("<I", bomb[-4:])[0]  # the gzip trailer: inflated size mod 2**32
    assert len(bomb) < 2 * 1024 * 1024 and inflated == 1024 * 1024 * 1024
    with gzip.open(corpus / "gzip_bomb.txt.gz") as stream:  # a valid gzip stream, not garbage
        assert stream.read(1024 * 1024) == bytes(1024 * 1024)
    html = (corpus / "deep_10000.html").read_text()
    assert html.count("<div>") == 10_000
    assert (corpus / "fifo.txt").is_fifo() and (corpus / "loop" / "self").is_symlink()
    linked = {path.name for path in (corpus / "all").iterdir()}
    assert linked == {case.name for case in CASES if case.name != "all" and not case.known_issue}
    with pytest.raises(ValueError, match="not empty"):
        make_hostile.make_corpus(corpus)


def test_a_long_rejection_stays_on_one_line_on_a_narrow_terminal(tmp_path: Path) -> None:
    bad = tmp_path / ("a-report-with-a-long-file-name-" * 3 + ".txt")
    bad.write_bytes(b"\x00\x01\x02")
    env = make_hostile._clean_env() | {"COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "tocsin.cli", "ingest", str(bad), "--db", str(tmp_path / "db.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 1
    assert f"rejected {bad}: binary file (contains NUL bytes)" in done.stderr.splitlines()


# --- the readers' defences, one at a time ---------------------------------------------------------


def test_a_gzip_bomb_is_stopped_after_a_few_megabytes(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(gzip.compress(b'{"text": "Iran threatened Israel."}\n' + b"\n" * (64 * 1024 * 1024)))
    with open_binary(bomb, None) as stream, pytest.raises(InputError, match="gzip bomb") as stopped:
        while stream.read(1024 * 1024):
            pass
    assert f"more than {MAX_GZIP_RATIO} times" in stopped.value.reason
    ordinary = tmp_path / "ordinary.txt.gz"
    text = "".join(f"Report {n}: the army shelled town {n * 7919 % 1000}.\n" for n in range(200_000))
    ordinary.write_bytes(gzip.compress(text.encode()))
    with open_binary(ordinary, None) as stream:
        assert stream.read().decode() == text


def test_blank_lines_keep_csv_line_numbers(tmp_path: Path) -> None:
    table = tmp_path / "rows.csv"
    table.write_bytes(
        b'text,title\n"Iran threatened Israel.\n \n\nThe army said so.",First\n'
        + b" \n" * 100_000
        + b'"",Empty\n"Russia shelled Kharkiv.",Last\n'
    )
    items = list(read_csv_file(table))
    assert [item.title for item in items if isinstance(item, Article)] == ["First", "Last"]
    assert items[0].text == "Iran threatened Israel.\n\nThe army said so."  # type: ignore[union-attr]
    rejection = next(item for item in items if isinstance(item, Rejection))
    assert rejection.reason == "line 100006: empty 'text'"


def test_entity_declarations_are_found_in_any_encoding() -> None:
    laughs = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss>&a;</rss>'
    assert declares_entities(laughs.encode())
    assert declares_entities(laughs.encode("utf-16"))
    assert declares_entities(laughs.encode("utf-16-le"))  # no byte-order mark
    external = '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://example.org/rss.dtd"><rss/>'
    assert not declares_entities(external.encode())
    cdata = "<rss><item><description><![CDATA[how <!ENTITY attacks work]]></description></item></rss>"
    assert not declares_entities(cdata.encode())


REPORT = "Iran threatened Israel on Monday."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (REPORT.encode("utf-16-le"), "utf-16-le"),
        (REPORT.encode("utf-16-be"), "utf-16-be"),
        (REPORT.encode("utf-8"), None),
        (b"\x00" * 64, None),  # NUL bytes alone are binary, not text
        ("Ιράν και Ισραήλ".encode("utf-16-le"), None),  # Greek has no NUL bytes to tell it by
    ],
)
def test_utf16_without_a_byte_order_mark(data: bytes, expected: str | None) -> None:
    assert utf16_without_bom(data) == expected


def test_origins_are_one_printable_line() -> None:
    assert printable_origin("feed.rss#a\nb\u202ec") == "feed.rss#a\\nb\\u202ec"
    assert printable_origin("bad_\udcff.txt") == "bad_\\udcff.txt"
    assert len(printable_origin("x" * 10_000)) == MAX_ORIGIN_CHARS
    article = article_from_text("Iran threatened Israel.", origin="file.jsonl#id\r\n\x00")
    assert article.origin == "file.jsonl#id\\r\\n\\x00"


def test_text_that_is_too_long_or_empty_is_rejected_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="characters, over the"):
        article_from_text("Iran threatened Israel. " * 10_000)
    with pytest.raises(InputError, match="words and symbols, over the"):
        article_from_text("Iran threatened Israel. " + "?!" * 20_000)
    with pytest.raises(InputError, match="no article text"):
        article_from_text("\"“”«»'‘’" * 50)
    lone = tmp_path / "lone.jsonl"
    lone.write_text('{"text": "Iran \\ud800 threatened Israel."}\n', encoding="ascii")
    (article,) = read_paths([lone])
    assert isinstance(article, Article) and article.text == "Iran \ufffd threatened Israel."


def test_reading_a_fifo_or_a_loop_never_blocks(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "self").symlink_to(".", target_is_directory=True)
    (tmp_path / "story.txt").write_text("Story\n\nIran threatened Israel.", encoding="utf-8")
    items = list(read_paths([tmp_path]))
    assert [type(item) for item in items] == [Rejection, Article]
    assert items[0].reason == "not a regular file"  # type: ignore[union-attr]


def test_html_declared_charset_and_mislabeled_latin1() -> None:
    from tocsin.ingest.html import decode_html

    page = '<html><head><meta charset="utf-8"></head><body>Zürich</body></html>'
    assert "Zürich" in decode_html(page.encode("latin-1"), "page")
    koi8 = '<html><head><meta charset="koi8-r"></head><body>Москва</body></html>'
    assert "Москва" in decode_html(koi8.encode("koi8-r"), "page")
    with pytest.raises(InputError, match="binary"):  # never handed to the extractor to inflate
        decode_html(gzip.compress(b"<html>" * 1000), "page")
