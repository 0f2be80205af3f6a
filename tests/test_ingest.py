"""Tests for tocsin.ingest: text, HTML, JSONL, CSV, feeds, WARC, URLs, folders, bad input and dates."""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tocsin.errors import InputError
from tocsin.ingest import (
    ReadOptions,
    article_from_html,
    article_from_text,
    fetch_url,
    parse_date,
    read_csv_file,
    read_feed_file,
    read_html_file,
    read_jsonl_file,
    read_paths,
    read_text_file,
    read_warc_file,
    record_to_article,
)
from tocsin.ingest.dedup import NearDuplicateIndex, signature
from tocsin.ingest.language import identify_language, skip_reason
from tocsin.normalize import normalize_characters, normalize_text
from tocsin.types import Article, Rejection, content_hash

DATA = Path(__file__).resolve().parent / "data" / "ingest"
SHARED_HTML = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "html"


def only_article(items: list[Article | Rejection]) -> Article:
    assert len(items) == 1, items
    item = items[0]
    assert isinstance(item, Article), item
    return item


def only_rejection(items: list[Article | Rejection]) -> Rejection:
    assert len(items) == 1, items
    item = items[0]
    assert isinstance(item, Rejection), item
    return item


def flat(text: str) -> str:
    """Text with characters normalised and all whitespace runs made single spaces."""
    return " ".join(normalize_characters(text).split())


# --- plain text --------------------------------------------------------------------------------


def test_text_file_with_header_lines() -> None:
    article = read_text_file(DATA / "report_with_header.txt")
    assert article.title == "Gulf states weigh response to tanker sabotage"
    assert article.date == date(2019, 5, 16)
    assert article.url == "https://news.example.org/gulf/tankers"
    assert article.outlet == "The Example Herald"
    assert article.authors == ("Jane Doe", "John Roe", "Amal Haddad")
    assert article.origin == str(DATA / "report_with_header.txt")
    assert article.text.startswith("Saudi Arabia said on Wednesday")
    assert article.text.endswith('"worrying and regrettable".')
    assert "Date:" not in article.text and "Author" not in article.text
    assert article.id == content_hash(article.text)


def test_text_file_without_header_lines() -> None:
    article = read_text_file(DATA / "report_plain.txt")
    assert article.title == "Ministers meet in Brussels"
    assert article.date is None and article.url is None and article.outlet is None
    assert article.authors == ()
    assert article.text == (
        "The foreign ministers of the European Union met in Brussels on Monday to discuss "
        "sanctions.\n\nThey agreed to meet again next month."
    )


def test_text_header_is_only_read_right_after_the_title(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_text("Title\n\nFirst paragraph.\nDate: 2019-05-16\n", encoding="utf-8")
    article = read_text_file(path)
    assert article.date is None
    assert article.text == "First paragraph.\n\nDate: 2019-05-16"


def test_text_file_that_starts_with_a_header_has_no_title(tmp_path: Path) -> None:
    path = tmp_path / "untitled.txt"
    path.write_text("date: 16 May 2019\nOUTLET: Wire\nThe body.\n", encoding="utf-8")
    article = read_text_file(path)
    assert (article.title, article.date, article.outlet) == (None, date(2019, 5, 16), "Wire")
    assert article.text == "The body."


def test_single_line_text_file_is_the_text(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("Troops crossed the border on Sunday.\n", encoding="utf-8")
    article = read_text_file(path)
    assert article.title is None
    assert article.text == "Troops crossed the border on Sunday."


def test_text_file_with_header_but_no_body_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "header_only.txt"
    path.write_text("A title\nDate: 2019-05-16\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no article text"):
        read_text_file(path)


def test_unreadable_date_header_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bad_date.txt"
    path.write_text("Title\nDate: sometime soon\n\nBody text here.\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="tocsin.ingest"):
        article = read_text_file(path)
    assert article.date is None
    assert "sometime soon" in caplog.text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Caf\u00e9 talks\n\nLe caf\u00e9 est ferm\u00e9.\n".encode(),
            "Le caf\u00e9 est ferm\u00e9.",
        ),
        (b"\xef\xbb\xbfTitle\n\nBody with a BOM.\n", "Body with a BOM."),
        ("Title\n\nBody in UTF-16.\n".encode("utf-16"), "Body in UTF-16."),
        (
            "Caf\u00e9 talks\n\nLe caf\u00e9 est ferm\u00e9.\n".encode("cp1252"),
            "Le caf\u00e9 est ferm\u00e9.",
        ),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "windows-1252"],
)
def test_text_encodings(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "encoded.txt"
    path.write_bytes(raw)
    article = read_text_file(path)
    assert article.text == expected
    assert article.title in {"Title", "Caf\u00e9 talks"}


def test_gzipped_text_file(tmp_path: Path) -> None:
    path = tmp_path / "report.TXT.gz"
    path.write_bytes(gzip.compress((DATA / "report_with_header.txt").read_bytes()))
    article = only_article(list(read_paths([path])))
    assert article.title == "Gulf states weigh response to tanker sabotage"
    assert article.id == read_text_file(DATA / "report_with_header.txt").id


def test_article_from_text_normalises_and_hashes() -> None:
    raw = "  \u201cWe will respond,\u201d the minister said.\n\n\n  Troops   massed.  "
    article = article_from_text(
        raw, title="  A  title ", authors=["A. B", " ", "A. B"], origin="memo", language="en"
    )
    assert article.text == normalize_text(raw)
    assert article.text == '"We will respond," the minister said.\n\nTroops massed.'
    assert article.id == content_hash(article.text)
    assert article.title == "A title"
    assert article.authors == ("A. B",)
    assert (article.origin, article.language) == ("memo", "en")


def test_article_from_text_drops_a_first_paragraph_that_repeats_the_title() -> None:
    article = article_from_text("Border reopens\n\nThe border reopened.", title="Border Reopens")
    assert article.text == "The border reopened."


@pytest.mark.parametrize("text", ["", "   \n\n\t", "\u200b\u200b"])
def test_article_from_text_rejects_empty_text(text: str) -> None:
    with pytest.raises(InputError, match="no article text") as caught:
        article_from_text(text, origin="note")
    assert caught.value.origin == "note"


# --- HTML --------------------------------------------------------------------------------------


def test_html_page_text_and_metadata() -> None:
    article = read_html_file(DATA / "page.html")
    assert article.title == "Border talks resume after clashes"
    assert article.outlet == "The Example Herald"
    assert article.url == "https://news.example.org/world/border-talks"
    assert article.date == date(2019, 5, 14)
    assert article.authors == ("Priya Nair",)
    assert article.language == "en"
    assert article.text.startswith("India and Pakistan resumed talks on Tuesday")
    assert 'the talks had been "constructive"' in article.text
    for boilerplate in ("Subscribe now", "Privacy policy", "All rights reserved", "Sport"):
        assert boilerplate not in article.text
    assert article.id == content_hash(article.text)


def test_html_page_without_article_text_is_rejected() -> None:
    with pytest.raises(InputError, match="no article text found"):
        read_html_file(DATA / "no_article.html")
    rejection = only_rejection(list(read_paths([DATA / "no_article.html"])))
    assert rejection.reason == "no article text found"


def test_html_from_a_string_with_a_known_url() -> None:
    html = (DATA / "page.html").read_text(encoding="utf-8")
    article = article_from_html(html, origin="feed#1", url="https://elsewhere.example/x")
    assert article.origin == "feed#1"
    assert article.url == "https://elsewhere.example/x"
    assert article.title == "Border talks resume after clashes"


def test_gzipped_html_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress((DATA / "page.html").read_bytes()))
    article = only_article(list(read_paths([path])))
    assert article.outlet == "The Example Herald"
    assert article.origin == str(path)


def _first_long_sentence(body: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", flat(body))
    return next(s for s in sentences if len(s) >= 60)


def _shared_expectations(page: str) -> tuple[Path, str, str]:
    """Return (page path, expected title, expected body text) from the shared expected files."""
    if not SHARED_HTML.is_dir():
        pytest.skip("shared reference pages are not available")
    path = SHARED_HTML / page
    if page.startswith("goose3/"):
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["expected"]
        return path, expected["title"], expected["cleaned_text"]
    if page.startswith("newspaper4k/"):
        meta = SHARED_HTML / "newspaper4k" / "metadata" / f"{path.stem}.json"
        text = SHARED_HTML / "newspaper4k" / "txt" / f"{path.stem}.txt"
        title = json.loads(meta.read_text(encoding="utf-8"))["title"]
        return path, title, text.read_text(encoding="utf-8")
    outlet = path.name.split("_")[0]
    versions = json.loads((path.parent / f"{outlet}.json").read_text(encoding="utf-8"))
    version = versions["V1"]
    body = version["body"]
    paragraphs = [p for section in body["sections"] for p in section["paragraphs"]]
    return path, version["title"], "\n".join(paragraphs)


@pytest.mark.parametrize(
    ("page", "published", "outlet"),
    [
        ("newspaper4k/html/cnn_article.html", date(2013, 11, 27), "CNN"),
        ("goose3/test_testHuffingtonPost.html", date(2010, 8, 13), "The Huffington Post"),
        ("fundus/us/Reuters_2023_05_16.html.gz", date(2023, 4, 25), "Reuters"),
        ("fundus/uk/TheGuardian_2024_02_24.html.gz", date(2024, 2, 24), "The Guardian"),
    ],
)
def test_real_news_pages(page: str, published: date, outlet: str) -> None:
    path, title, body = _shared_expectations(page)
    article = only_article(list(read_paths([path])))
    assert article.title == flat(title)
    assert _first_long_sentence(body) in flat(article.text)
    assert article.date == published
    assert article.outlet == outlet
    assert article.url and article.url.startswith("http")


def test_page_that_prints_its_title_does_not_repeat_it_in_the_text() -> None:
    if not SHARED_HTML.is_dir():
        pytest.skip("shared reference pages are not available")
    article = read_html_file(SHARED_HTML / "fundus" / "us" / "APNews_2023_04_28.html.gz")
    assert article.title == "Mexico's economy grew 1.1% in 1st quarter, 3.8% year on year"
    assert article.text.startswith("MEXICO CITY (AP)")


# --- JSONL -------------------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines() -> None:
    path = DATA / "articles.jsonl"
    items = list(read_jsonl_file(path))
    assert [type(item).__name__ for item in items] == [
        "Article",
        "Rejection",
        "Rejection",
        "Rejection",
        "Article",
        "Rejection",
    ]
    first, second = (item for item in items if isinstance(item, Article))
    assert first.origin == f"{path}#a-1"
    assert first.title == "Protest in the capital"
    assert first.date == date(2019, 5, 16)
    assert first.outlet == "Example Wire"
    assert first.authors == ("Jane Doe", "John Roe")
    assert first.language == "en"
    assert first.id == content_hash(first.text) != "a-1"
    assert second.origin == f"{path}#42"
    assert second.date == date(2019, 5, 16)
    assert second.authors == ("A. Writer", "B. Writer")
    reasons = [item.reason for item in items if isinstance(item, Rejection)]
    assert all(item.origin == str(path) for item in items if isinstance(item, Rejection))
    assert reasons[0].startswith("line 3: invalid JSON at column")
    assert reasons[1] == "line 4: not a JSON object (got an array)"
    assert reasons[2] == "line 5: missing 'text'"
    assert reasons[3] == "line 7: empty 'text'"


def test_jsonl_without_id_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "plain.ndjson"
    path.write_text('{"text": "One."}\n{"text": "Two."}\n', encoding="utf-8")
    origins = [item.origin for item in read_paths([path])]
    assert origins == [f"{path}:1", f"{path}:2"]


def test_jsonl_with_a_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "mapped.jsonl"
    path.write_text('{"body": "Rebels seized the town.", "headline": "Town falls"}\n')
    article = only_article(list(read_jsonl_file(path, columns={"text": "body", "title": "headline"})))
    assert (article.text, article.title) == ("Rebels seized the town.", "Town falls")
    with pytest.raises(ValueError, match="unknown article field"):
        list(read_jsonl_file(path, columns={"body": "text"}))


def test_record_to_article_ignores_wrongly_typed_optional_fields() -> None:
    record = {"text": "Talks collapsed.", "title": ["not", "a", "string"], "url": 7, "date": 5}
    article = record_to_article(record, source="records.jsonl", line=9)
    assert (article.title, article.url, article.date) == (None, "7", None)
    with pytest.raises(InputError, match=r"line 9: 'text' is not a string"):
        record_to_article({"text": 12}, source="records.jsonl", line=9)


def test_jsonl_line_over_the_size_limit_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_text = "word " * 100
    lines = [{"text": "Short one."}, {"text": long_text}, {"text": "Short two."}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    items = list(read_jsonl_file(path, max_bytes=200))
    assert isinstance(items[0], Article) and isinstance(items[2], Article)
    assert isinstance(items[1], Rejection)
    assert items[1].reason == "line 2: longer than the 200 bytes limit"
    assert items[2].text == "Short two."


def test_jsonl_line_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "Fine."}\n' + bytes(range(0x80, 0x100)) + b'\n{"text": "Ok."}\n')
    items = list(read_jsonl_file(path))
    assert [type(item).__name__ for item in items] == ["Article", "Rejection", "Article"]
    assert items[1] == Rejection(str(path), "line 2: not UTF-8 text")


def test_truncated_gzipped_jsonl_keeps_the_lines_before_the_break(tmp_path: Path) -> None:
    lines = "".join(
        json.dumps({"id": n, "text": f"Report {n}: " + os.urandom(40).hex()}) + "\n" for n in range(400)
    )
    whole = gzip.compress(lines.encode())
    path = tmp_path / "records.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = list(read_paths([path]))
    articles = [item for item in items if isinstance(item, Article)]
    assert articles and articles[0].origin == f"{path}#0"
    assert isinstance(items[-1], Rejection)
    assert items[-1].reason.startswith("truncated gzip file (after line ")
    assert len(articles) < 400


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\n  \n\n", "no JSON records"),
        (b"\x00\x01\x02{}", "binary file (contains NUL bytes)"),
        ('{"text": "x"}\n'.encode("utf-16"), "cannot decode: JSONL must be UTF-8, not UTF-16"),
    ],
)
def test_jsonl_file_level_rejections(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    assert list(read_jsonl_file(path)) == [Rejection(str(path), reason)]


# --- paths and folders -------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _write(root / "b.txt", "B\n\nBody of b.")
    _write(root / "a" / "z.jsonl", '{"text": "Body of z1."}\n{"text": "Body of z2."}\n')
    _write(root / "a" / "c.text", "C\n\nBody of c.")
    _write(root / "c" / "deeper" / "d.htm", (DATA / "page.html").read_text(encoding="utf-8"))
    _write(root / "a" / "notes.pdf", "not an article")
    _write(root / "README", "no extension")
    _write(root / ".hidden.txt", "Hidden\n\nNever read.")
    _write(root / ".git" / "x.txt", "X\n\nNever read.")
    items = list(read_paths([root]))
    assert all(isinstance(item, Article) for item in items), items
    assert [item.origin for item in items] == [
        str(root / "a" / "c.text"),
        f"{root / 'a' / 'z.jsonl'}:1",
        f"{root / 'a' / 'z.jsonl'}:2",
        str(root / "b.txt"),
        str(root / "c" / "deeper" / "d.htm"),
    ]


def test_directory_with_mixed_good_and_bad_files(tmp_path: Path) -> None:
    _write(tmp_path / "1_good.txt", "Good\n\nA fine report.")
    (tmp_path / "2_empty.txt").write_bytes(b"")
    (tmp_path / "3_binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "4_broken.txt.gz").write_bytes(gzip.compress(b"Title\n\nBody text.\n" * 50)[:40])
    (tmp_path / "5_not_gzip.html.gz").write_bytes(b"<html>plain, not gzip</html>")
    items = list(read_paths([tmp_path]))
    assert [type(item).__name__ for item in items] == ["Article"] + ["Rejection"] * 4
    reasons = {Path(item.origin).name: item.reason for item in items if isinstance(item, Rejection)}
    assert reasons == {
        "2_empty.txt": "empty file",
        "3_binary.html": "binary file (contains NUL bytes)",
        "4_broken.txt.gz": "truncated gzip file",
        "5_not_gzip.html.gz": "not a gzip file",
    }


def test_explicit_paths_are_read_in_the_order_given(tmp_path: Path) -> None:
    first = _write(tmp_path / "z.txt", "Z\n\nLast by name, first given.")
    second = _write(tmp_path / "a.txt", "A\n\nFirst by name, second given.")
    assert [item.origin for item in read_paths([str(first), second])] == [str(first), str(second)]


def test_read_paths_streams(tmp_path: Path) -> None:
    paths = [_write(tmp_path / f"{n}.txt", f"T{n}\n\nBody {n}.") for n in range(3)]
    consumed: list[Path] = []

    def given() -> Iterator[Path]:
        for path in paths:
            consumed.append(path)
            yield path

    stream = read_paths(given())
    assert consumed == []
    next(stream)
    assert consumed == paths[:1]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n \t\n", "empty file"),
        ("nul.txt", b"Title\n\nBody\x00\x00 more", "binary file (contains NUL bytes)"),
        ("controls.txt", bytes(range(1, 9)) * 20, "binary file (mostly non-text bytes)"),
        ("noise.txt", bytes(range(0x80, 0x100)) * 8, "cannot decode: not UTF-8 text"),
        ("truncated.txt.gz", gzip.compress(b"Title\n\nBody.\n" * 100)[:30], "truncated gzip file"),
        ("plain.txt.gz", b"Title\n\nBody.\n", "not a gzip file"),
        ("empty.txt.gz", gzip.compress(b""), "empty file"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    rejection = only_rejection(list(read_paths([path])))
    assert rejection.origin == str(path)
    assert rejection.reason.startswith(reason)
    assert "\n" not in rejection.reason


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "report.txt"
    assert list(read_paths([missing])) == [Rejection(str(missing), "no such file or directory")]
    with pytest.raises(InputError, match="no such file or directory"):
        read_text_file(missing)


def test_invalid_path_is_rejected() -> None:
    rejection = only_rejection(list(read_paths(["bad\x00name.txt"])))
    assert rejection.reason == "invalid path (embedded null byte)"


def test_explicit_unsupported_file_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "report.pdf", "%PDF-1.4")
    rejection = only_rejection(list(read_paths([path])))
    assert rejection.reason.startswith("unsupported file type '.pdf'")


def test_file_over_the_size_limit_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.txt", "Title\n\n" + "All quiet. " * 200)
    rejection = only_rejection(list(read_paths([path], max_bytes=1000)))
    assert rejection.reason == "file is 2.2 KB, over the 1000 bytes limit"
    packed = tmp_path / "big.txt.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    rejection = only_rejection(list(read_paths([packed], max_bytes=1000)))
    assert rejection.reason == "decompressed size is over the 1000 bytes limit"
    assert isinstance(only_article(list(read_paths([path]))), Article)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_special_file_is_rejected_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert list(read_paths([fifo])) == [Rejection(str(fifo), "not a regular file")]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "secret.txt", "Secret\n\nBody.")
    path.chmod(0)
    try:
        assert list(read_paths([path])) == [Rejection(str(path), "permission denied")]
    finally:
        path.chmod(0o644)


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "x.txt", "X\n\nBody.")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    assert [item.origin for item in read_paths([tmp_path])] == [str(tmp_path / "a" / "x.txt")]


def test_default_date_and_outlet(tmp_path: Path) -> None:
    undated = _write(tmp_path / "undated.txt", "Undated\n\nNo date here.")
    dated = DATA / "report_with_header.txt"
    items = list(read_paths([undated, dated], default_date=date(2020, 1, 2), outlet="Desk"))
    first, second = (only_article([item]) for item in items)
    assert first.date == date(2020, 1, 2)
    assert second.date == date(2019, 5, 16)
    assert first.outlet == second.outlet == "Desk"
    plain = only_article(list(read_paths([dated])))
    assert plain.outlet == "The Example Herald"


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-05-16", date(2019, 5, 16)),
        ("2019-05-16T23:30:00Z", date(2019, 5, 16)),
        ("2019-05-16T23:30:00-05:00", date(2019, 5, 16)),
        ("2019-05-16 09:30:00.123456789+00:00", date(2019, 5, 16)),
        ("20190516", date(2019, 5, 16)),
        ("2019/05/16", date(2019, 5, 16)),
        ("May 16, 2019", date(2019, 5, 16)),
        ("May 16 2019", date(2019, 5, 16)),
        ("Sept. 3, 2020", date(2020, 9, 3)),
        ("16 May 2019", date(2019, 5, 16)),
        ("3rd of March 2021", date(2021, 3, 3)),
        ("Thursday, May 16, 2019", date(2019, 5, 16)),
        ("Friday, January 4, 2019\u00a0", date(2019, 1, 4)),
        ("May 16, 2019, 10:04 AM EDT", date(2019, 5, 16)),
        ("Thu, 16 May 2019 09:30:00 +0000", date(2019, 5, 16)),
        ("Thu, 16 May 2019 23:30:00 -0700", date(2019, 5, 16)),
        ("  2019-05-16  ", date(2019, 5, 16)),
    ],
)
def test_parse_date_accepts_common_forms(value: str, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "yesterday",
        "garbage 12",
        "2019",
        "May 2019",
        "2019-02-30",
        "2019-13-01",
        "Smarch 16, 2019",
        "05/06/2019",
        "32 May 2019",
        "May 16, 20199",
        "x" * 1000,
        12,
        ["2019-05-16"],
    ],
)
def test_parse_date_returns_none_for_anything_else(value: object) -> None:
    assert parse_date(value) is None  # type: ignore[arg-type]


# --- CSV, feeds, web archives, URLs, globs -----------------------------------------------------

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared(*parts: str) -> Path:
    """A path in the shared reference data; the test is skipped where it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared reference data {'/'.join(parts)} is not available")
    return path


def articles_and_rejections(items: list[Article | Rejection]) -> tuple[list[Article], list[Rejection]]:
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Rejection)]


def test_wikinews_csv_with_a_column_mapping() -> None:
    columns = {"text": "text", "date": "date", "title": "title", "url": "url"}
    items = list(read_csv_file(shared("wikinews", "wikinews_2019.csv"), columns=columns))
    articles, rejections = articles_and_rejections(items)
    assert len(articles) == 171 and not rejections
    first = articles[0]
    assert first.title and first.title.startswith("Magnitogorsk apartment building collapses")
    assert first.date == date(2019, 1, 4)
    assert first.url and first.url.startswith("https://en.wikinews.org/")
    assert first.origin and first.origin.endswith("wikinews_2019.csv:2")


def test_csv_with_other_column_names_bad_rows_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes(
        b"body,published,headline\n"
        b'"Ministers met in Paris.\n\nThey agreed to talk again.",2020-02-03,Talks\n'
        b",2020-02-04,No text\n"
        b'"Bad ' + b"\xff\xfe\xfd" * 10 + b'",2020-02-05,Broken\n'
        b"Rebels attacked a convoy near Goma.,05/06/2020,Attack\n"
    )
    columns = {"text": "body", "date": "published", "title": "headline"}
    articles, rejections = articles_and_rejections(list(read_csv_file(path, columns=columns)))
    assert [a.title for a in articles] == ["Talks", "Attack"]
    assert articles[0].text == "Ministers met in Paris.\n\nThey agreed to talk again."
    assert articles[0].date == date(2020, 2, 3) and articles[1].date is None
    assert [r.reason for r in rejections] == ["line 5: empty 'body'", "line 6: not UTF-8 text"]


def test_csv_without_the_text_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "items.tsv"
    path.write_text("url\tdate\nhttps://x.org\t2020-01-01\n", encoding="utf-8")
    rejection = only_rejection(list(read_csv_file(path)))
    assert "no 'text' column" in rejection.reason


def test_fifty_megabyte_single_line_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.write(b"text,title\n")
        out.write(b"x" * (50 * 1024 * 1024) + b",Huge\n")
        out.write(b"Troops withdrew from the border.,Small\n")
    articles, rejections = articles_and_rejections(list(read_paths([path])))
    assert [a.title for a in articles] == ["Small"]
    assert len(rejections) == 1 and "line 2: longer than the 20.0 MB limit" in rejections[0].reason
    big_text = tmp_path / "huge.txt"
    big_text.write_bytes(b"word " * (10 * 1024 * 1024))
    assert "over the 20.0 MB limit" in only_rejection(list(read_paths([big_text]))).reason


def test_rss_feed_entries_are_articles_with_metadata() -> None:
    items = list(read_feed_file(shared("feeds", "guardian_us_2018-01-31.rss")))
    articles, rejections = articles_and_rejections(items)
    assert len(articles) == 55 and not rejections
    first = articles[0]
    assert first.title == "Trump State of the Union address promised unity but emphasized discord"
    assert first.outlet == "The Guardian" and first.language == "en"
    assert first.date == date(2018, 1, 31) and first.authors == ("David Smith in Washington",)
    assert first.url and first.url.startswith("https://www.theguardian.com/us-news/2018/jan/31/")
    assert "<p>" not in first.text and "new American moment" in first.text


def test_json_feed_items_are_articles() -> None:
    articles, rejections = articles_and_rejections(
        list(read_paths([shared("feeds", "npr_technology_feed.json")]))
    )
    assert len(articles) == 25 and not rejections
    assert articles[0].title == "Keller Rinaudo: How can delivery drones save lives?"
    assert articles[0].date == date(2021, 10, 29) and articles[0].authors == ("Manoush Zomorodi",)
    assert articles[0].outlet == "Technology"


def test_atom_feed_and_feeds_that_are_not_feeds(tmp_path: Path) -> None:
    atom = tmp_path / "news.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
        "<title>Example Wire</title><entry><title>Talks resume</title>"
        '<link href="https://wire.example.org/talks"/><id>tag:wire,1</id>'
        "<published>2021-03-04T10:00:00Z</published><author><name>Ann Lee</name></author>"
        '<content type="html">&lt;p&gt;Negotiators from both sides met in Geneva.&lt;/p&gt;</content>'
        "</entry></feed>",
        encoding="utf-8",
    )
    article = only_article(list(read_paths([atom])))
    assert (article.title, article.url, article.date) == (
        "Talks resume",
        "https://wire.example.org/talks",
        date(2021, 3, 4),
    )
    assert article.outlet == "Example Wire" and article.authors == ("Ann Lee",)
    not_xml = tmp_path / "broken.rss"
    not_xml.write_text("this is plainly not XML <<<", encoding="utf-8")
    assert only_rejection(list(read_paths([not_xml]))).reason.startswith("not a feed")
    not_json_feed = tmp_path / "other.json"
    not_json_feed.write_text('{"version": 2, "items": []}\n', encoding="utf-8")
    assert isinstance(only_rejection(list(read_paths([not_json_feed]))), Rejection)


def test_warc_records_become_articles() -> None:
    items = list(read_warc_file(shared("warc", "fundus_news_pages_reconstructed.warc.gz")))
    articles, rejections = articles_and_rejections(items)
    assert len(articles) + len(rejections) == 258
    assert len(articles) >= 250
    assert all(a.url and a.origin and a.url in a.origin for a in articles)
    assert all(r.reason == "no article text found" for r in rejections)


def test_truncated_and_broken_archives_keep_what_came_before(tmp_path: Path) -> None:
    data = shared("warc", "fundus_news_pages_reconstructed.warc.gz").read_bytes()
    truncated = tmp_path / "cut.warc.gz"
    truncated.write_bytes(data[: len(data) // 8])
    articles, rejections = articles_and_rejections(list(read_paths([truncated])))
    assert articles and len(rejections) == 1
    assert "truncated archive" in rejections[0].reason or "gzip" in rejections[0].reason
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(b"\x1f\x8b\x08\x00not really gzip at all" * 4)
    assert only_rejection(list(read_paths([garbage]))).reason.startswith(
        ("not a WARC", "corrupt", "truncated", "no HTML pages")
    )


def test_truncated_gzip_text_and_invalid_utf8(tmp_path: Path) -> None:
    whole = gzip.compress(b"Title\n\n" + b"Police arrested protesters in the capital. " * 200)
    cut = tmp_path / "cut.txt.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    assert only_rejection(list(read_paths([cut]))).reason == "truncated gzip file"
    invalid = tmp_path / "invalid.jsonl"
    invalid.write_bytes(b'{"text": "Good line about talks."}\n{"text": "' + b"\xff\xfe\xfd" * 10 + b'"}\n')
    articles, rejections = articles_and_rejections(list(read_paths([invalid])))
    assert len(articles) == 1 and rejections[0].reason == "line 2: not UTF-8 text"


def test_globs_and_folders_with_feeds(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("One\n\nThe army shelled the town.", encoding="utf-8")
    (tmp_path / "a" / "two.txt").write_text("Two\n\nThe navy seized a tanker.", encoding="utf-8")
    (tmp_path / "a" / "config.json").write_text('{"not": "a feed"}', encoding="utf-8")
    articles = [item for item in read_paths([str(tmp_path / "*" / "*.txt")]) if isinstance(item, Article)]
    assert [a.title for a in articles] == ["One", "Two"]
    assert [a.title for a in read_paths([tmp_path]) if isinstance(a, Article)] == ["One", "Two"]
    assert (
        only_rejection(list(read_paths([str(tmp_path / "*.nothing")]))).reason == "no files match the pattern"
    )


def test_html_page_with_no_article_is_rejected(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html><body><nav><a href='/'>Home</a><a href='/x'>World</a></nav></body></html>")
    assert only_rejection(list(read_paths([page]))).reason == "no article text found"


def test_language_identification_and_skip_reason() -> None:
    german = article_from_text(
        "Der Bundestag hat am Mittwoch ein neues Gesetz beschlossen, das die Steuern senkt."
    )
    english = article_from_text("The parliament passed a new law on Wednesday that cuts taxes for families.")
    assert identify_language(german.text).code == "de"
    reason = skip_reason(german)
    assert reason is not None and "German" in reason and reason.startswith("skipped")
    assert skip_reason(english) is None
    short = article_from_text("Kurz.", language="de-AT")
    assert identify_language(short.text, short.language).code == "de"


def test_near_duplicate_index_links_edited_copies_not_other_stories() -> None:
    original = (
        "Iranian forces seized a British-flagged oil tanker in the Strait of Hormuz on Friday, "
        "officials in London said. The Stena Impero was taken to the port of Bandar Abbas. "
        "Britain's foreign secretary warned of serious consequences and summoned Iran's envoy. "
        "The United States said it would work with allies to secure shipping lanes in the Gulf. "
        "Oil prices rose by more than one percent after the news of the seizure broke."
    )
    copy = "LONDON (Wire) - " + original.replace("rose by more than one percent", "climbed sharply")
    other = (
        "The European Union agreed new sanctions on Belarus on Monday after the forced landing of "
        "a passenger jet, banning the country's airlines from its airspace and airports."
    )
    index = NearDuplicateIndex()
    index.add("original", signature(original))
    match = index.find(signature(copy))
    assert match is not None and match.article_id == "original" and match.similarity >= 0.6
    assert index.find(signature(other)) is None


# --- URLs (a real local HTTP server) -----------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title><language>en</language>'
        b"<item><title>Ceasefire agreed</title><link>http://example.org/ceasefire</link>"
        b"<pubDate>Tue, 02 Mar 2021 10:00:00 GMT</pubDate>"
        b"<description>The two sides agreed a ceasefire after talks in Doha.</description></item>"
        b"</channel></rss>"
    )

    def do_GET(self) -> None:
        if self.path == "/feed":
            self._send(200, self.feed, "application/rss+xml")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/feed")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://example.org/file")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, self.feed, "application/rss+xml")
        elif self.path == "/huge":
            self._send(200, b"<html>" + b"x" * (2 * 1024 * 1024) + b"</html>", "text/html")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_feed_from_a_url_following_a_redirect(server: str) -> None:
    # the test server is on loopback, which only an explicit allow_private fetches
    article = only_article(list(read_paths([f"{server}/moved"], options=ReadOptions(allow_private=True))))
    assert article.title == "Ceasefire agreed" and article.outlet == "Local Wire"
    assert (
        article.date == date(2021, 3, 2) and article.origin == f"{server}/moved#http://example.org/ceasefire"
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/slow", "timed out after 1 s"),
        ("/loop", "more than 5 redirects"),
        ("/ftp", "unsupported URL scheme 'ftp'"),
        ("/huge", "over the 1.0 MB limit"),
        ("/missing", "HTTP status 404"),
    ],
)
def test_bad_urls_are_rejected_with_a_reason(server: str, path: str, reason: str) -> None:
    options = ReadOptions(timeout=1.0, max_bytes=1024 * 1024, allow_private=True)
    rejection = only_rejection(list(read_paths([server + path], options=options)))
    assert rejection.origin == server + path and reason in rejection.reason


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(InputError, match="only http and https"):
        fetch_url("file:///etc/passwd")
    assert only_rejection(list(read_paths(["ftp://example.org/feed.xml"]))).reason.startswith(
        "unsupported URL scheme"
    )
