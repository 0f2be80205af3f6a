"""Tests for tocsin.ingest: text, HTML and JSONL files, folders, bad input and dates."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tocsin.errors import InputError
from tocsin.ingest import (
    article_from_html,
    article_from_text,
    parse_date,
    read_html_file,
    read_jsonl_file,
    read_paths,
    read_text_file,
    record_to_article,
)
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
