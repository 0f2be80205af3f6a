"""Fuzz target for tocsin's readers (atheris): bytes in, articles or rejections out, nothing else.

    python fuzz/fuzz_readers.py -atheris_runs=20000 [CORPUS_FOLDER ...]

(`make fuzz` runs it for FUZZ_RUNS inputs.) The first bytes of each input pick a reader (plain
text, HTML, RSS/Atom/JSON feed, JSONL, CSV, WARC) and how the rest is given to it (as it is,
gzipped, gzipped and cut short, or named `.gz` without being gzip); the rest is the file. A
reader may only return `Article`s and `Rejection`s or raise tocsin's `InputError`: any other
exception is a finding, and so is an article that breaks the record's rules (no text, text over
the length limit, text or fields that cannot be stored as UTF-8).

`one_input` is importable without the fuzzer, so `tests/test_fuzz_target.py` can feed it seeds.
"""

from __future__ import annotations

import atexit
import contextlib
import gzip
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

INSTRUMENTED = ["tocsin", "feedparser", "trafilatura", "htmldate", "warcio", "justext", "courlan"]
"""The packages whose Python code atheris instruments for coverage when this runs as the fuzzer."""

if __name__ == "__main__":
    import atheris

    instrumenting: Any = atheris.instrument_imports(include=INSTRUMENTED)
else:
    instrumenting = contextlib.nullcontext()

with instrumenting:
    from tocsin.errors import InputError
    from tocsin.ingest._files import decode_text
    from tocsin.ingest.feeds import read_feed
    from tocsin.ingest.html import article_from_html
    from tocsin.ingest.tabular import read_csv_file, read_jsonl_file
    from tocsin.ingest.text import MAX_ARTICLE_CHARS, parse_text_article
    from tocsin.ingest.warc import read_warc_file
    from tocsin.types import Article, Rejection

Read = Callable[[bytes, Path], Iterable[Article | Rejection]]

ORIGIN = "<fuzz>"


@cache
def work_folder() -> Path:
    """A temporary folder for the inputs the file readers need, removed when Python exits."""
    folder = Path(tempfile.mkdtemp(prefix="tocsin-fuzz-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _text(data: bytes, folder: Path) -> Iterable[Article | Rejection]:
    return [parse_text_article(decode_text(data, ORIGIN), origin=ORIGIN)]


def _html(data: bytes, folder: Path) -> Iterable[Article | Rejection]:
    return [article_from_html(data, origin=ORIGIN)]


def _feed(data: bytes, folder: Path) -> Iterable[Article | Rejection]:
    return read_feed(data, origin=ORIGIN)


def _file_reader(name: str, read: Callable[[Path], Iterable[Article | Rejection]]) -> Read:
    """A reader of files, given the bytes written to a file of that name."""

    def read_bytes(data: bytes, folder: Path) -> Iterable[Article | Rejection]:
        path = folder / name
        path.write_bytes(data)
        return read(path)

    return read_bytes


READERS: dict[str, Read] = {
    "text": _text,
    "html": _html,
    "feed": _feed,
    "jsonl": _file_reader("input.jsonl", read_jsonl_file),
    "csv": _file_reader("input.csv", read_csv_file),
    "warc": _file_reader("input.warc", read_warc_file),
    "jsonl.gz": _file_reader("input.jsonl.gz", read_jsonl_file),
    "csv.gz": _file_reader("input.csv.gz", read_csv_file),
    "warc.gz": _file_reader("input.warc.gz", read_warc_file),
}
"""Each reader under test, from bytes; the `.gz` ones read the bytes as a gzipped file."""
_NAMES = list(READERS)
_GZIPPED = {name for name in _NAMES if name.endswith(".gz")}


REPORT = "Iran's navy seized a British tanker in the Gulf on Friday, officials in London said."
_RECORD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><article><p>" + REPORT.encode() + b"</p>"
    b"</article></body></html>"
)


def seed(reader: str, body: bytes, mode: int = 0) -> bytes:
    """A fuzz input for `reader` with `body` (mode 1: gzipped, 2: gzipped and cut in half)."""
    return bytes([_NAMES.index(reader), mode, 128]) + body


SEEDS: dict[str, bytes] = {
    "text": seed("text", f"Tanker seized\nDate: 2019-07-19\nOutlet: Wire\n\n{REPORT}\n".encode()),
    "html": seed(
        "html", f"<html lang=en><head><title>T</title></head><body><p>{REPORT}</p></body></html>".encode()
    ),
    "rss": seed(
        "feed",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>T</title>'
        f"<link>https://example.org/1</link><description>{REPORT}</description></item></channel></rss>".encode(),
    ),
    "atom": seed(
        "feed",
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><entry><title>T</title>'
        f'<id>urn:1</id><content type="html">&lt;p&gt;{REPORT}&lt;/p&gt;</content></entry></feed>'.encode(),
    ),
    "json feed": seed(
        "feed",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "content_text": "'
        + REPORT.encode()
        + b'"}]}',
    ),
    "jsonl": seed("jsonl", f'{{"id": "a", "text": "{REPORT}"}}\n{{"text": 3}}\nnot json\n'.encode()),
    "csv": seed("csv", f'id,title,text\n1,T,"{REPORT}"\n2,,\n'.encode()),
    "warc": seed(
        "warc",
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"WARC-Target-URI: https://example.org/1\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(_RECORD)).encode() + b"\r\n\r\n" + _RECORD + b"\r\n\r\n",
    ),
    "jsonl.gz": seed("jsonl.gz", f'{{"text": "{REPORT}"}}\n'.encode() * 40, mode=1),
    "csv.gz cut": seed("csv.gz", f'text\n"{REPORT}"\n'.encode() * 40, mode=2),
}
"""One input a reader turns into an article, for each reader: the fuzzer's starting corpus."""


def check_item(item: object) -> None:
    """Raise AssertionError for anything a reader must never return."""
    if isinstance(item, Rejection):
        assert item.reason, "a rejection without a reason"
        return
    assert isinstance(item, Article), f"a reader returned {type(item).__name__}"
    assert item.text.strip() and len(item.text) <= MAX_ARTICLE_CHARS, "article text empty or too long"
    for value in (item.text, item.title, item.url, item.outlet, item.origin, *item.authors):
        if value is not None:
            value.encode("utf-8")  # raises for a lone surrogate: it could not be stored


def read_input(data: bytes, folder: Path | None = None) -> list[Article | Rejection]:
    """Read one fuzz input: its first byte picks the reader, its second how the rest is given
    (0 as it is, 1 gzipped, 2 gzipped and cut at a point the third byte picks); raises only
    `InputError`."""
    if len(data) < 3:
        return []
    name = _NAMES[data[0] % len(_NAMES)]
    mode, cut, body = data[1] % 3, data[2], data[3:]
    if name in _GZIPPED and mode:
        body = gzip.compress(body, mtime=0)
        if mode == 2:
            body = body[: max(1, len(body) * cut // 255)]
    return list(READERS[name](body, folder or work_folder()))


def one_input(data: bytes) -> None:
    """The fuzz target: read the input; `InputError` is a correct answer, anything else is a
    finding (raised, so that atheris reports it with the input)."""
    try:
        items = read_input(data)
    except InputError as error:
        assert error.reason, "an InputError without a reason"
        return
    for item in items:
        check_item(item)


def main() -> None:
    """Run atheris over `one_input` with the command line's libFuzzer options; without a corpus
    folder on the command line, start from `SEEDS` (written to a temporary folder). Crashing
    inputs are written to `fuzz/artifacts/` unless `-artifact_prefix` says otherwise."""
    argv = list(sys.argv)
    if not any(argument.startswith("-artifact_prefix=") for argument in argv):
        artifacts = Path(__file__).resolve().parent / "artifacts"  # crashing inputs, kept out of git
        artifacts.mkdir(exist_ok=True)
        argv.append(f"-artifact_prefix={artifacts}/")
    if not any(not argument.startswith("-") for argument in argv[1:]):
        corpus = work_folder() / "corpus"
        corpus.mkdir()
        for index, data in enumerate(SEEDS.values()):
            (corpus / f"seed-{index}").write_bytes(data)
        argv.append(str(corpus))
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
