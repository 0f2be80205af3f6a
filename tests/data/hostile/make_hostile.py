"""Write the hostile-input corpus: files built to break readers, each with its expected outcome.

    python tests/data/hostile/make_hostile.py [FOLDER]

writes every case into FOLDER (default: a new temporary folder) and prints one line per case.
`make_corpus(folder)` does the same from Python and returns the cases. Nothing here is kept in
the repository: the big files are written streaming in a second or two (a sparse 100 MB file, a
10 MB line written in chunks, gzip bombs built from one repeated compressed block), so the corpus
is generated wherever it is needed. README.md next to this script lists the cases.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import queue
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Outcome = Literal["rejected", "coded", "mixed"]

MB = 1024 * 1024

DEFAULT_SECONDS = 60.0
"""Time bound of a case: generous, so that only a hang or a pathological slowdown breaks it."""
DEFAULT_MEMORY_MB = 1200
"""Peak resident memory bound of a case, the whole `tocsin ingest` process included."""

ARTICLE = (
    "Iranian forces seized a British-flagged oil tanker in the Strait of Hormuz on Friday, officials "
    "in London said. Britain's foreign secretary condemned Iran and summoned Iran's ambassador. "
    "The United States accused Iran of threatening shipping in the Gulf."
)
"""A short report that codes events (IRN, GBR, USA) whatever its surroundings."""

SECOND_ARTICLE = (
    "Russian troops shelled the city of Kharkiv on Tuesday, Ukrainian officials said. Ukraine's "
    "foreign minister condemned Russia and appealed to the European Union for more weapons."
)

SECRET = "HOSTILE-ENTITY-LEAKED"
"""Text an external entity or DTD would bring in: it must never reach the database."""


@dataclass(frozen=True, slots=True)
class HostileCase:
    """One hostile input and what `tocsin ingest` must do with it.

    `outcome` "rejected": the run exits 1, records a rejection whose reason contains `reason`, and
    stores no article; "coded": the run exits 0, stores at least `min_articles` articles and
    records no rejection; "mixed": both (exit 1). Stored text must contain each of `expect_text`
    and none of `forbid_text`; the stored events must include an actor code starting with each of
    `actor_codes`. The run must end within `seconds` with a peak resident memory below `memory_mb`.
    """

    name: str  # file (or folder) name inside the corpus folder
    what: str
    outcome: Outcome
    reason: str = ""  # a substring of the rejection reason ("rejected" and "mixed")
    min_articles: int = 0
    expect_text: tuple[str, ...] = ()
    forbid_text: tuple[str, ...] = ()
    actor_codes: tuple[str, ...] = ()
    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB
    slow: bool = False  # among the slowest cases (big files, bombs)
    known_issue: str = ""  # a defect outside the readers that still breaks this case, reported
    extra_args: tuple[str, ...] = ()  # more `tocsin ingest` options

    @property
    def expected_exit(self) -> int:
        """The exit code `tocsin ingest` must end with: 0 when all was coded, 1 after a rejection."""
        return 0 if self.outcome == "coded" else 1

    @property
    def label(self) -> str:
        """The case's name, printable (a name that is not UTF-8 shows its bytes as escapes)."""
        return os.fsencode(self.name).decode("utf-8", errors="backslashreplace")


# --- building blocks ------------------------------------------------------------------------------


def _write_repeated(path: Path, head: bytes, chunk: bytes, total: int, tail: bytes = b"") -> None:
    """Write `head`, then `chunk` repeated up to `total` bytes, then `tail`, without holding it all."""
    with path.open("wb") as out:
        out.write(head)
        written = 0
        while written < total:
            piece = chunk[: total - written]
            out.write(piece)
            written += len(piece)
        out.write(tail)


def _gzip_bomb(path: Path, size: int, head: bytes = b"", fill: int = 0) -> None:
    """Write a valid gzip file that decompresses to `head` then `size` (whole MB) bytes of `fill`.

    One MB of `fill` is compressed once, ending with a full flush so that the block stands alone,
    and that block is written over and over: a gigabyte costs a second, never the memory.
    """
    block = bytes([fill]) * MB
    count = size // MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    header_block = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    with path.open("wb") as out:
        out.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")  # gzip header, no name, mtime 0
        out.write(header_block)
        for _ in range(count):
            out.write(repeated)
        out.write(final)
        out.write(struct.pack("<II", crc & 0xFFFFFFFF, (len(head) + count * MB) & 0xFFFFFFFF))


def _text_file(title: str, body: str) -> str:
    return f"{title}\nDate: 2019-07-19\nOutlet: Hostile Test Wire\n\n{body}\n"


def _html_page(title: str, body_html: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{body_html}</article></body></html>\n"
    )


def _rss(items: str, *, prolog: str = "", title: str = "Hostile Test Wire") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}'
        f'<rss version="2.0"><channel><title>{title}</title><link>https://example.org/</link>'
        f"<description>test feed</description>{items}</channel></rss>\n"
    )


def _rss_item(title: str, text: str, link: str = "https://example.org/news/1") -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        f"<pubDate>Fri, 19 Jul 2019 10:00:00 GMT</pubDate><description>{text}</description></item>"
    )


def _warc_record(uri: str, payload: bytes, *, extra: str = "") -> bytes:
    """One WARC/1.0 `response` record holding an HTTP 200 response with an HTML `payload`."""
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{extra}"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    header = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{zlib.crc32(uri.encode()):08x}-0000-4000-8000-000000000000>\r\n"
        f"WARC-Date: 2019-07-19T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"


def _deep_html(depth: int, text: str) -> str:
    return "<!DOCTYPE html><html><head><title>Deep</title></head><body>" + (
        "<div>" * depth + f"<p>{text}</p>" + "</div>" * depth + "</body></html>\n"
    )


# --- the cases --------------------------------------------------------------------------------------

Builder = Callable[[Path], None]


def _cases() -> list[tuple[HostileCase, Builder]]:
    """Every case with the function that writes its file."""
    rng = random.Random(20240610)
    article_html = "".join(f"<p>{sentence.rstrip('.')}.</p>" for sentence in ARTICLE.split(". "))
    cases: list[tuple[HostileCase, Builder]] = []

    def case(spec: HostileCase) -> Callable[[Builder], Builder]:
        def register(build: Builder) -> Builder:
            cases.append((spec, build))
            return build

        return register

    # binary and empty files
    @case(HostileCase("binary.txt", "random bytes named .txt", "rejected", reason="binary file"))
    def _(path: Path) -> None:
        path.write_bytes(bytes(rng.getrandbits(8) for _ in range(64 * 1024)))

    @case(HostileCase("image.html", "a PNG image named .html", "rejected", reason="binary file"))
    def _(path: Path) -> None:
        path.write_bytes(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.getrandbits(8) for _ in range(4096))
        )

    @case(HostileCase("empty.txt", "a 0-byte text file", "rejected", reason="empty file"))
    def _(path: Path) -> None:
        path.write_bytes(b"")

    @case(HostileCase("empty.jsonl", "a 0-byte JSONL file", "rejected", reason="empty file"))
    def _(path: Path) -> None:
        path.write_bytes(b"")

    @case(HostileCase("empty.rss", "a 0-byte feed", "rejected", reason="empty file"))
    def _(path: Path) -> None:
        path.write_bytes(b"")

    @case(
        HostileCase("sparse_100mb.txt", "a 100 MB file (sparse: all NUL bytes)", "rejected", reason="limit")
    )
    def _(path: Path) -> None:
        with path.open("wb") as out:
            out.truncate(100 * MB)

    @case(
        HostileCase(
            "huge_100mb.jsonl",
            "a 100 MB JSONL file that is one JSON line",
            "rejected",
            reason="longer than the",
            slow=True,
        )
    )
    def _(path: Path) -> None:
        _write_repeated(path, b'{"text": "', b"Iran threatened Israel. " * 40_000, 100 * MB, b'"}\n')

    @case(
        HostileCase(
            "huge_100mb.csv",
            "a 100 MB CSV file whose one row is a single quoted field",
            "rejected",
            reason="limit",
            slow=True,
        )
    )
    def _(path: Path) -> None:
        _write_repeated(path, b'text\n"', b"Iran threatened Israel. " * 40_000, 100 * MB, b'"\n')

    @case(
        HostileCase(
            "blank_lines.jsonl",
            "a good record, then 30 MB of blank lines",
            "coded",
            min_articles=1,
            actor_codes=("IRN",),
            slow=True,
        )
    )
    def _(path: Path) -> None:
        _write_repeated(path, (json.dumps({"text": ARTICLE}) + "\n").encode(), b"\n" * MB, 30 * MB)

    @case(
        HostileCase(
            "blank_lines.csv",
            "two CSV rows with 15 million lines of spaces between them",
            "coded",
            min_articles=2,
            actor_codes=("IRN", "RUS"),
            slow=True,
        )
    )
    def _(path: Path) -> None:
        head = f'id,text\none,"{ARTICLE}"\n'.encode()
        _write_repeated(path, head, b" \n" * (MB // 2), 30 * MB, f'two,"{SECOND_ARTICLE}"\n'.encode())

    # encodings
    @case(HostileCase("invalid_utf8.txt", "bytes that are no encoding of text", "rejected", reason="decode"))
    def _(path: Path) -> None:
        path.write_bytes(b"Title\n\n" + bytes(rng.choice(range(0x80, 0x100)) for _ in range(4096)))

    @case(
        HostileCase(
            "latin1_mislabeled.html",
            "a page declaring UTF-8 but written in Latin-1",
            "coded",
            min_articles=1,
            expect_text=("Zürich",),
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        page = _html_page("Talks in Zürich", f"<p>Diplomats met in Zürich on Monday.</p>{article_html}")
        path.write_bytes(page.encode("latin-1"))

    @case(
        HostileCase(
            "mixed_encodings.txt",
            "UTF-8 paragraphs and a Windows-1252 paragraph in one file",
            "coded",
            min_articles=1,
            expect_text=("Zürich", "Genève"),
            forbid_text=("Ã¼", "Ã¨"),
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        utf8 = _text_file("Talks in Zürich", ARTICLE + "\n\nDiplomats met in Zürich.").encode("utf-8")
        path.write_bytes(utf8 + "Officials flew on to Genève on Tuesday.\n".encode("cp1252"))

    @case(
        HostileCase(
            "utf16_no_bom.txt",
            "UTF-16 (little-endian) without a byte-order mark",
            "coded",
            min_articles=1,
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        path.write_bytes(_text_file("Tanker seized", ARTICLE).encode("utf-16-le"))

    @case(
        HostileCase(
            "utf16_be_no_bom.jsonl",
            "JSONL in UTF-16 (big-endian) without a byte-order mark",
            "rejected",
            reason="UTF-16",
        )
    )
    def _(path: Path) -> None:
        path.write_bytes((json.dumps({"text": ARTICLE}) + "\n").encode("utf-16-be"))

    @case(HostileCase("nul_bytes.txt", "text with NUL bytes inside", "rejected", reason="NUL"))
    def _(path: Path) -> None:
        path.write_bytes(_text_file("Tanker seized", ARTICLE).encode() + b"\x00\x00 more text\x00\n")

    @case(
        HostileCase(
            "lone_surrogates.jsonl",
            "JSON strings with lone surrogates (escaped \\ud800, \\udfff)",
            "coded",
            min_articles=1,
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        text = ARTICLE.replace("Iranian", "Iranian \\ud800").replace("Gulf", "Gulf \\udfff\\udbff")
        path.write_text(f'{{"id": "s\\ud83d", "title": "\\udc00 Tanker", "text": "{text}"}}\n', "ascii")

    # huge lines and deep nesting
    @case(
        HostileCase(
            "one_line_10mb.txt",
            "a single 10 MB line of words",
            "rejected",
            reason="characters, over the",
            slow=True,
        )
    )
    def _(path: Path) -> None:
        _write_repeated(path, b"", ARTICLE.encode() + b" ", 10 * MB, b"\n")

    @case(
        HostileCase(
            "longest_article.txt",
            "a report just under the article limits: 24,000 words and symbols in 1,330 paragraphs",
            "coded",
            min_articles=1,
            actor_codes=("IRN", "RUS", "VEN"),
            seconds=60.0,  # 2,660 events: parsing and coding 24,000 words takes a while
            slow=True,
        )
    )
    def _(path: Path) -> None:
        actors = ["Iran", "Russia", "Venezuela", "Britain", "the United States", "Ukraine", "Israel", "China"]
        acts = ["condemned", "threatened", "met", "accused", "praised", "criticised", "warned", "urged"]
        paragraphs = [
            f"{rng.choice(actors)} {rng.choice(acts)} {rng.choice(actors)} on day {index}, officials said in "
            f"report {index * 7919 % 100_003}. {rng.choice(actors)} {rng.choice(acts)} {rng.choice(actors)}."
            for index in range(1330)
        ]
        path.write_text(_text_file("Long report", "\n\n".join(paragraphs)), encoding="utf-8")

    @case(
        HostileCase(
            "one_token_2mb.txt",
            "a 2 MB word with no space in it",
            "rejected",
            reason="characters, over the",
        )
    )
    def _(path: Path) -> None:
        _write_repeated(path, b"Title\n\n", b"Iran" * 1024, 2 * MB, b"\n")

    @case(
        HostileCase("deep_10000.html", "a page 10,000 elements deep", "rejected", reason="nested more than")
    )
    def _(path: Path) -> None:
        path.write_text(_deep_html(10_000, ARTICLE), encoding="utf-8")

    @case(
        HostileCase("deep_100000.html", "a page 100,000 elements deep", "rejected", reason="nested more than")
    )
    def _(path: Path) -> None:
        path.write_text(_deep_html(100_000, ARTICLE), encoding="utf-8")

    @case(
        HostileCase(
            "wide_html.html",
            "a page of 200,000 sibling paragraphs",
            "rejected",
            reason="HTML elements",
        )
    )
    def _(path: Path) -> None:
        _write_repeated(
            path, _html_page("Wide", "")[:-30].encode(), b"<p>Iran threatened Israel.</p>", 6 * MB
        )

    @case(
        HostileCase(
            "huge_line.jsonl",
            "JSONL: a good record, a 10 MB record, invalid JSON, a record 100,000 arrays deep",
            "mixed",
            reason="characters, over the",
            min_articles=1,
            actor_codes=("IRN",),
            slow=True,
        )
    )
    def _(path: Path) -> None:
        with path.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"id": "good", "text": ARTICLE}) + "\n")
            out.write('{"id": "huge", "text": "')
            for _ in range(10 * MB // len(ARTICLE)):
                out.write(ARTICLE + " ")
            out.write('"}\n')
            out.write('{"id": "broken", "text": "no closing quote}\n')
            out.write('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")

    @case(HostileCase("invalid.jsonl", "JSONL whose every line is broken", "rejected", reason="invalid JSON"))
    def _(path: Path) -> None:
        path.write_text(
            '{"text": "unterminated\n{text: no quotes}\n[1, 2,\n{"text": NaN]\n', encoding="utf-8"
        )

    @case(
        HostileCase(
            "nul_and_10mb_field.csv",
            "CSV: good rows, a row with a NUL byte past the first 8 KB, a 10 MB field",
            "mixed",
            reason="characters, over the",
            min_articles=1,
            actor_codes=("IRN",),
            slow=True,
        )
    )
    def _(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write("id,title,text\n")
            out.write(f'good,Tanker,"{ARTICLE}"\n')
            for index in range(60):  # past the binary sniffing window
                out.write(f'pad{index},Padding,"{SECOND_ARTICLE} Paragraph {index}."\n')
            out.write('nul,NUL,"Iran\x00 threatened Israel."\n')
            out.write('huge,Huge,"')
            for _ in range(10 * MB // len(ARTICLE)):
                out.write(ARTICLE + " ")
            out.write('"\n')

    # feeds: entities, external DTDs, depth
    laughs = "".join(
        f'<!ENTITY lol{level} "{("&lol" + str(level - 1) + ";") * 10}">' for level in range(1, 10)
    )
    billion_laughs_dtd = f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{laughs}]>\n'

    @case(
        HostileCase(
            "billion_laughs.rss",
            "an RSS feed whose entities expand to a billion strings",
            "rejected",
            reason="XML entities",
        )
    )
    def _(path: Path) -> None:
        path.write_text(_rss(_rss_item("&lol9;", ARTICLE), prolog=billion_laughs_dtd), encoding="utf-8")

    @case(
        HostileCase(
            "billion_laughs.atom",
            "an Atom feed whose entities expand to a billion strings",
            "rejected",
            reason="XML entities",
        )
    )
    def _(path: Path) -> None:
        prolog = billion_laughs_dtd.replace("DOCTYPE rss", "DOCTYPE feed")
        path.write_text(
            f'<?xml version="1.0"?>\n{prolog}<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title>'
            "<entry><title>Tanker</title><id>urn:x</id><updated>2019-07-19T10:00:00Z</updated>"
            f"<content>{ARTICLE} &lol9;</content></entry></feed>\n",
            encoding="utf-8",
        )

    @case(
        HostileCase(
            "xxe_passwd.rss",
            "an RSS feed with an external entity SYSTEM file:///etc/passwd",
            "rejected",
            reason="XML entities",
            forbid_text=("root:",),
        )
    )
    def _(path: Path) -> None:
        prolog = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        path.write_text(_rss(_rss_item("Tanker", ARTICLE + " &xxe;"), prolog=prolog), encoding="utf-8")

    @case(
        HostileCase(
            "xxe_parameter.xml",
            "a feed whose parameter entity pulls in a local DTD",
            "rejected",
            reason="XML entities",
            forbid_text=(SECRET,),
        )
    )
    def _(path: Path) -> None:
        dtd = path.with_name("secret.dtd")  # read by the feed, were entities resolved
        dtd.write_text(f'<!ENTITY secret "{SECRET}">\n', encoding="utf-8")
        prolog = f'<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{dtd.resolve().as_uri()}"> %ext;]>\n'
        path.write_text(_rss(_rss_item("Tanker", ARTICLE + " &secret;"), prolog=prolog), encoding="utf-8")

    @case(
        HostileCase(
            "external_dtd.rss",
            "an RSS feed naming an external DTD (never fetched or read)",
            "coded",
            min_articles=1,
            forbid_text=(SECRET,),
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        dtd = path.with_name("external.dtd")
        dtd.write_text(f'<!ENTITY secret "{SECRET}">\n', encoding="utf-8")
        prolog = f'<!DOCTYPE rss SYSTEM "{dtd.resolve().as_uri()}">\n'
        path.write_text(_rss(_rss_item("Tanker", ARTICLE), prolog=prolog), encoding="utf-8")

    @case(
        HostileCase(
            "deep_10000.rss",
            "an RSS feed 10,000 elements deep",
            "rejected",
            reason="has no text",
        )
    )
    def _(path: Path) -> None:
        depth = 10_000
        deep = "<x>" * depth + "</x>" * depth
        path.write_text(_rss(f"<item><title>Deep</title>{deep}</item>"), encoding="utf-8")

    @case(
        HostileCase(
            "deep_content.atom",
            "an Atom entry whose HTML content is 10,000 elements deep",
            "rejected",
            reason="nested more than",
        )
    )
    def _(path: Path) -> None:
        depth = 10_000
        content = ("<div>" * depth + ARTICLE + "</div>" * depth).replace("<", "&lt;").replace(">", "&gt;")
        path.write_text(
            '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
            "<entry><title>Tanker</title><id>urn:deep</id><updated>2019-07-19T10:00:00Z</updated>"
            f'<content type="html">{content}</content></entry></feed>\n',
            encoding="utf-8",
        )

    @case(HostileCase("not_xml.rss", "a feed that is not XML", "rejected", reason="has no text"))
    def _(path: Path) -> None:
        path.write_text("<rss><channel><item><<<<&&&& this is not xml", encoding="utf-8")

    @case(HostileCase("deep_feed.json", "a JSON Feed 100,000 arrays deep", "rejected", reason="invalid JSON"))
    def _(path: Path) -> None:
        path.write_text(
            '{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000 + "]" * 100_000 + "}",
            encoding="utf-8",
        )

    # compression bombs and web archives
    @case(
        HostileCase(
            "gzip_bomb.txt.gz",
            "1 GB of zeros gzipped to about 1 MB",
            "rejected",
            reason="gzip bomb",
            slow=True,
        )
    )
    def _(path: Path) -> None:
        _gzip_bomb(path, 1024 * MB)

    @case(
        HostileCase(
            "newline_bomb.jsonl.gz",
            "a good record, then 1 GB of blank lines, gzipped to about 1 MB",
            "mixed",
            reason="gzip bomb",
            min_articles=1,
            actor_codes=("IRN",),
            slow=True,
        )
    )
    def _(path: Path) -> None:
        _gzip_bomb(path, 1024 * MB, head=(json.dumps({"text": ARTICLE}) + "\n").encode(), fill=0x0A)

    @case(
        HostileCase(
            "space_bomb.csv.gz",
            "a CSV header, then 1 GB of spaces gzipped to about 1 MB",
            "rejected",
            reason="gzip bomb",
            slow=True,
        )
    )
    def _(path: Path) -> None:
        _gzip_bomb(path, 1024 * MB, head=b"text\n", fill=0x20)

    @case(
        HostileCase(
            "truncated.warc",
            "a WARC file with a good page, then a record cut off in the middle",
            "mixed",
            reason="truncated archive",
            min_articles=1,
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        good = _warc_record(
            "https://example.org/news/good", _html_page("Tanker seized", article_html).encode()
        )
        cut = _warc_record("https://example.org/news/cut", _html_page("Cut", article_html * 4).encode())
        path.write_bytes(good + cut[: len(cut) // 2])

    @case(
        HostileCase(
            "truncated.warc.gz",
            "a gzipped WARC record whose gzip member breaks off",
            "rejected",
            reason="truncated",
        )
    )
    def _(path: Path) -> None:
        record = gzip.compress(
            _warc_record("https://example.org/news/cut", _html_page("Cut", article_html).encode())
        )
        path.write_bytes(record[: len(record) // 2])

    @case(
        HostileCase(
            "bomb_record.warc.gz",
            "a gzipped WARC record whose page is 1 GB of zeros",
            "rejected",
            reason="gzip bomb",
            slow=True,
        )
    )
    def _(path: Path) -> None:
        size = 1024 * MB
        http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {size}\r\n\r\n".encode()
        head = (
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
            "WARC-Date: 2019-07-19T10:00:00Z\r\nWARC-Target-URI: https://example.org/bomb\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http) + size}\r\n\r\n"
        ).encode()
        _gzip_bomb(path, size, head=head + http)

    @case(
        HostileCase(
            "bomb_encoding.warc",
            "a WARC page sent with Content-Encoding: gzip that inflates to 1 GB",
            "rejected",
            reason="limit",
            slow=True,
        )
    )
    def _(path: Path) -> None:
        bomb = path.with_name(".bomb.gz")
        _gzip_bomb(bomb, 1024 * MB)
        payload = bomb.read_bytes()
        bomb.unlink()
        path.write_bytes(
            _warc_record("https://example.org/encoded", payload, extra="Content-Encoding: gzip\r\n")
        )

    # invisible, bidirectional and degenerate text
    @case(
        HostileCase(
            "rtl_bidi.txt",
            "Arabic and Hebrew with right-to-left overrides (U+202E) around English text",
            "coded",
            min_articles=1,
            forbid_text=("\u202e", "\u202d"),
            actor_codes=("IRN",),
            extra_args=("--language", "any"),
        )
    )
    def _(path: Path) -> None:
        body = (
            f"\u202e{ARTICLE}\u202c\n\nقالت وزارة الخارجية الإيرانية إنها ترفض الاتهامات.\n\n"
            f"\u202dהממשלה בירושלים לא הגיבה.\u202c {SECOND_ARTICLE}"
        )
        path.write_text(_text_file("\u202eTanker\u202c seized", body), encoding="utf-8")

    @case(
        HostileCase(
            "zero_width_names.txt",
            "zero-width characters inside actor names (Ir\\u200ban, Isr\\u200dael)",
            "coded",
            min_articles=1,
            expect_text=("Iran's foreign ministry",),
            forbid_text=("\u200b", "\u200d", "\u2060"),
            actor_codes=("IRN", "ISR"),
        )
    )
    def _(path: Path) -> None:
        body = (
            "Ir\u200ban's foreign ministry condemned Isr\u200dael on Monday. "
            "Isr\u2060ael's army attacked Ir\ufeffanian positions in Syria, officials said. " + ARTICLE
        )
        path.write_text(_text_file("Ir\u200ban and Isr\u200dael", body), encoding="utf-8")

    @case(
        HostileCase(
            "only_quotes.txt",
            "nothing but quotation marks of every kind",
            "rejected",
            reason="no article text",
        )
    )
    def _(path: Path) -> None:
        marks = "\"'“”‘’„‚«»‹›「」『』〝〞＂"
        path.write_text("\n".join(marks * 40 for _ in range(50)) + "\n", encoding="utf-8")

    @case(
        HostileCase(
            "unbalanced_quotes.txt",
            "news text with thousands of quotation marks that never close",
            "coded",
            min_articles=1,
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        path.write_text(_text_file("Quotes", ARTICLE + ' "' * 3000 + " " + ARTICLE), encoding="utf-8")

    @case(HostileCase("only_whitespace.txt", "spaces, tabs and blank lines", "rejected", reason="empty"))
    def _(path: Path) -> None:
        path.write_text(" \t \n\n\u00a0\u2003\n\r\n" * 2000, encoding="utf-8")

    @case(
        HostileCase(
            "control_characters.html",
            "a page of control characters and entities of NUL",
            "rejected",
            reason="binary file",
        )
    )
    def _(path: Path) -> None:
        path.write_bytes(bytes(range(1, 9)) * 2000 + b"&#0;&#x0;" * 100)

    @case(
        HostileCase(
            "glued_quotes.txt",
            '380,000 characters of sentences glued by quotation marks (a."B a."B …)',
            "rejected",
            reason="characters, over the",
        )
    )
    def _(path: Path) -> None:
        _write_repeated(path, b"Title\n\n", b'a."B' * 1024, 380_000, b"\n")

    @case(
        HostileCase(
            "symbol_run.txt",
            "a report with 10,000 opening brackets in a row in its middle",
            "coded",
            min_articles=1,
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        path.write_text(
            _text_file("Brackets", f"{ARTICLE} {'(' * 10_000} {SECOND_ARTICLE}"), encoding="utf-8"
        )

    @case(
        HostileCase(
            "symbol_flood.txt",
            "80,000 punctuation marks: a token per character",
            "rejected",
            reason="words and symbols, over the",
        )
    )
    def _(path: Path) -> None:
        path.write_text(_text_file("Flood", ARTICLE + " " + "!?" * 40_000), encoding="utf-8")

    @case(
        HostileCase(
            "hostile_ids.jsonl",
            "records whose ids hold line breaks, NUL, a lone surrogate and 100,000 characters",
            "mixed",
            reason="line 3: empty",
            min_articles=2,
            actor_codes=("IRN",),
        )
    )
    def _(path: Path) -> None:
        records = [
            {"id": "two\nlines\r\u0000nul\u202e", "text": ARTICLE},
            {"id": "x" * 100_000, "text": SECOND_ARTICLE},
            {"id": "\udfff\nsecond line", "text": "   "},
        ]
        path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="ascii")

    @case(
        HostileCase(
            os.fsdecode(b"bad_name_\xff\xfe.txt"),
            "a file whose name is not UTF-8, holding binary data",
            "rejected",
            reason="binary file",
        )
    )
    def _(path: Path) -> None:
        path.write_bytes(bytes(range(256)) * 4)

    @case(
        HostileCase(
            "markup_ids.rss",
            "feed entries without text whose ids are console markup ([/], [bold red])",
            "rejected",
            reason="has no text",
        )
    )
    def _(path: Path) -> None:
        items = "".join(
            f"<item><guid>{key}</guid><title>Empty</title></item>" for key in ("[/]", "[bold red]x")
        )
        path.write_text(_rss(items), encoding="utf-8")

    # special files
    @case(HostileCase("fifo.txt", "a named pipe (FIFO)", "rejected", reason="not a regular file"))
    def _(path: Path) -> None:
        os.mkfifo(path)

    @case(
        HostileCase(
            "loop",
            "a folder with a story, a link to itself and a subfolder linking back to it",
            "coded",
            min_articles=1,
            actor_codes=("RUS",),
        )
    )
    def _(path: Path) -> None:
        path.mkdir()
        (path / "story.txt").write_text(_text_file("Kharkiv shelled", SECOND_ARTICLE), encoding="utf-8")
        (path / "self").symlink_to(".", target_is_directory=True)
        (path / "sub").mkdir()
        (path / "sub" / "back").symlink_to("..", target_is_directory=True)

    return cases


ALL_AT_ONCE = HostileCase(
    "all",
    "a folder holding every other case at once (symbolic links; those with a known issue left out)",
    "mixed",
    reason="binary file",
    min_articles=5,
    actor_codes=("IRN",),
    seconds=240.0,
    slow=True,
)


def hostile_cases() -> list[HostileCase]:
    """Every case `make_corpus` writes, in the same order, without writing anything."""
    return [spec for spec, _ in _cases()] + [ALL_AT_ONCE]


def make_corpus(folder: Path) -> list[HostileCase]:
    """Write every hostile case into `folder` (created if needed, and empty) and return them, the
    folder of all cases at once last."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty: the corpus is written into an empty folder")
    made: list[HostileCase] = []
    for spec, build in _cases():
        build(folder / spec.name)
        made.append(spec)
    everything = folder / ALL_AT_ONCE.name
    everything.mkdir()
    for spec in made:
        if not spec.known_issue:
            (everything / spec.name).symlink_to(Path("..") / spec.name)
    made.append(ALL_AT_ONCE)
    return made


# --- running a case ---------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
_STORED_TABLES = ("articles", "mentions", "quotes", "events")


@dataclass(frozen=True, slots=True)
class StoreSnapshot:
    """What a database holds: for each stored table its row count and a hash of its rows, the
    rejections recorded, and the articles' and events' fields the checks need."""

    tables: dict[str, tuple[int, str]]
    rejections: frozenset[tuple[str, str, str]]  # (origin, reason, kind)
    articles: dict[str, tuple[str, str, str | None]]  # id -> (origin, text, title)
    events: tuple[tuple[Any, ...], ...]  # (article_id, start, end, sentence, predicate, p_start, p_end,
    #                                       source_code, target_code)


def snapshot(db: Path) -> StoreSnapshot:
    """Read a DuckDB database (read-only) into a `StoreSnapshot`."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        tables = {}
        for table in _STORED_TABLES:
            rows = sorted(repr(row) for row in con.execute(f"SELECT * FROM {table}").fetchall())
            tables[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        rejections = frozenset(con.execute("SELECT origin, reason, kind FROM rejections").fetchall())
        articles = {
            row[0]: (row[1], row[2], row[3])
            for row in con.execute("SELECT id, origin, text, title FROM articles").fetchall()
        }
        events = tuple(
            con.execute(
                "SELECT article_id, span_start, span_end, sentence, predicate, predicate_start, "
                "predicate_end, source_code, target_code FROM events"
            ).fetchall()
        )
    return StoreSnapshot(tables, rejections, articles, events)


@dataclass(frozen=True, slots=True)
class CaseRun:
    """One `tocsin ingest` run of a case: how it ended, its cost, and what broke the expectations."""

    case: HostileCase
    exit_code: int | None  # None when it was killed at its time bound
    seconds: float
    peak_mb: float
    stderr: str
    problems: tuple[str, ...]
    stored: int = 0  # articles the run added to the database
    rejected: int = 0  # rejections it recorded

    @property
    def outcome(self) -> str:
        """What the run did: "coded", "rejected", "mixed", "killed" at its time bound or "crashed"."""
        if self.exit_code is None:
            return "killed"
        if "Traceback" in self.stderr:
            return "crashed"
        if not self.rejected:
            return "coded"
        return "mixed" if self.stored else "rejected"

    @property
    def within_bounds(self) -> bool:
        """True when the run ended in time and within its memory bound."""
        return self.exit_code is not None and self.peak_mb <= self.case.memory_mb

    @property
    def handled(self) -> bool:
        """True when the run met every expectation of its case, bounds included."""
        return not self.problems


def make_template_db(folder: Path) -> Path:
    """Ingest the bundled examples into a new database in `folder` and return its path: the
    database each case starts from, so that "unchanged" is checked against real content."""
    db = folder / "template.duckdb"
    command = [sys.executable, "-m", "tocsin.cli", "ingest", str(EXAMPLES), "--db", str(db), "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder, env=_clean_env(), timeout=300)
    if done.returncode != 0 or not snapshot(db).articles:
        raise RuntimeError(f"could not build the template database: {done.stderr.strip()[-500:]}")
    return db


def _clean_env() -> dict[str, str]:
    """The environment of a run: this one, without a settings file that could change the result,
    at the 80 columns Rich assumes when stderr is not a terminal (each message must still be one
    line)."""
    env = {name: value for name, value in os.environ.items() if name != "TOCSIN_CONFIG"}
    env |= {"PYTHONIOENCODING": "utf-8", "COLUMNS": "80"}
    return env


@dataclass(frozen=True, slots=True)
class Ended:
    """How a process ended: exit code (None when killed at its time bound), seconds, peak memory."""

    exit_code: int | None
    seconds: float
    peak_mb: float


def _wait(pid: int, started: float, seconds: float) -> Ended:
    """Wait for a child process, killing it once `seconds` have passed since `started`."""
    killed = False
    while True:
        waited, status, usage = os.wait4(pid, os.WNOHANG)
        if waited:
            break
        if not killed and time.monotonic() - started > seconds:
            os.kill(pid, signal.SIGKILL)
            killed = True
        time.sleep(0.01)
    exit_code = None if killed else os.waitstatus_to_exitcode(status)
    return Ended(exit_code, time.monotonic() - started, usage.ru_maxrss / 1024)  # ru_maxrss is in KB


def run_cold(args: list[str], cwd: Path, stderr: Path, seconds: float) -> Ended:
    """Run `tocsin ARGS` in a new Python process, as a user would."""
    command = [sys.executable, "-m", "tocsin.cli", *args]
    with stderr.open("wb") as errors:
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            cwd=cwd,
            env=_clean_env(),
        )
        ended = _wait(process.pid, started, seconds)
        process.returncode = -1 if ended.exit_code is None else ended.exit_code  # reaped by _wait
    return ended


class WarmCli:
    """A Python process with tocsin imported and its model and gazetteer loaded, which runs each
    `tocsin ARGS` in a forked child: the real command, without the seconds of start-up each time.

    The child's peak memory includes what it inherits, so it compares with a cold run's.
    """

    def __init__(self, log: Path) -> None:
        with log.open("ab") as errors:
            self._server = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=_clean_env(),
                text=True,
            )
        self._ready = False

    def run(self, args: list[str], cwd: Path, stderr: Path, seconds: float) -> Ended:
        """Run `tocsin ARGS` in a forked child with the working folder `cwd`."""
        assert self._server.stdin is not None and self._server.stdout is not None
        if not self._ready:
            if self._server.stdout.readline().strip() != "ready":
                raise RuntimeError("the warm tocsin process did not start (see its log)")
            self._ready = True
        request = {"args": args, "cwd": str(cwd), "stderr": str(stderr), "seconds": seconds}
        self._server.stdin.write(json.dumps(request) + "\n")
        self._server.stdin.flush()
        reply = json.loads(self._server.stdout.readline())
        return Ended(reply["exit_code"], reply["seconds"], reply["peak_mb"])

    def close(self) -> None:
        """End the warm process."""
        if self._server.stdin is not None:
            self._server.stdin.close()
        try:
            self._server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.wait()


def _serve() -> int:
    """The warm process of `WarmCli`: load everything once, then fork a child per request."""
    import tocsin.ingest.progress
    import tocsin.ingest.run  # noqa: F401  (imported by `tocsin ingest` itself: seconds of start-up)
    from tocsin.cli import main as tocsin_main
    from tocsin.geo import load_gazetteer
    from tocsin.ingest.language import identify_language
    from tocsin.parse import load_model

    load_model()
    load_gazetteer()
    identify_language("The identifier is loaded on first use, like the model and the gazetteer.")
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _run_child(tocsin_main, request)
        ended = _wait(pid, started, request["seconds"])
        print(json.dumps({"exit_code": ended.exit_code, "seconds": ended.seconds, "peak_mb": ended.peak_mb}))
        sys.stdout.flush()
    return 0


def _run_child(tocsin_main: Callable[[], None], request: dict[str, Any]) -> None:
    """In a forked child: run the command with its own folder, stdin, stdout and stderr; exit."""
    code = 1
    try:
        os.chdir(request["cwd"])
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
        sys.argv = ["tocsin", *request["args"]]
        try:
            tocsin_main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # what the command let escape is shown as a user would see it
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


Launcher = Callable[[list[str], Path, Path, float], Ended]


def run_case(
    case: HostileCase, corpus: Path, template_db: Path, work: Path, launch: Launcher = run_cold
) -> CaseRun:
    """Run `tocsin ingest` on one case with a copy of `template_db` (in a new process by default,
    or with `WarmCli(...).run`), kill it at the case's time bound, and check the outcome."""
    folder = Path(tempfile.mkdtemp(prefix="case-", dir=work))
    db = folder / "store.duckdb"
    shutil.copyfile(template_db, db)
    before = snapshot(db)
    args = ["ingest", str(corpus / case.name), "--db", str(db), "--no-progress", *case.extra_args]
    ended = launch(args, folder, folder / "stderr.txt", case.seconds)
    stderr = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    after = snapshot(db)
    problems = check_run(case, ended.exit_code, ended.seconds, ended.peak_mb, stderr, before, after)
    shutil.rmtree(folder, ignore_errors=True)
    stored = len(after.articles.keys() - before.articles.keys())
    rejected = sum(1 for row in after.rejections - before.rejections if row[2] == "rejected")
    return CaseRun(
        case, ended.exit_code, ended.seconds, ended.peak_mb, stderr, tuple(problems), stored, rejected
    )


def check_run(
    case: HostileCase,
    exit_code: int | None,
    seconds: float,
    peak_mb: float,
    stderr: str,
    before: StoreSnapshot,
    after: StoreSnapshot,
) -> list[str]:
    """Return how a run broke its case's expectations (an empty list when it met them all)."""
    problems: list[str] = []
    if exit_code is None:
        return [f"killed at its time bound of {case.seconds:.0f} s"]
    if peak_mb > case.memory_mb:
        problems.append(f"peak memory {peak_mb:.0f} MB, over the {case.memory_mb} MB bound")
    if "Traceback" in stderr:
        problems.append("a traceback on stderr")
    if exit_code != case.expected_exit:
        problems.append(f"exit code {exit_code}, expected {case.expected_exit}")
    new_rejections = [row for row in after.rejections - before.rejections if row[2] == "rejected"]
    new_articles = {key: value for key, value in after.articles.items() if key not in before.articles}
    if case.outcome in ("rejected", "mixed"):
        if not any(case.reason in reason for _, reason, _ in new_rejections):
            found = "; ".join(sorted(reason for _, reason, _ in new_rejections))[:300]
            problems.append(f"no rejection recorded with {case.reason!r} (recorded: {found or 'none'})")
        if not any(line.startswith("rejected ") and case.reason in line for line in stderr.splitlines()):
            problems.append(f"no one-line rejection with {case.reason!r} on stderr")
    if case.outcome == "rejected":
        changed = [name for name in _STORED_TABLES if before.tables[name] != after.tables[name]]
        if changed:
            problems.append(f"rejected input changed the database ({', '.join(changed)})")
    else:
        if case.outcome == "coded" and new_rejections:
            problems.append(f"rejected: {sorted(new_rejections)[0][1]}")
        if len(new_articles) < case.min_articles:
            problems.append(f"{len(new_articles)} articles stored, expected at least {case.min_articles}")
    texts = [text for _, text, _ in new_articles.values()]
    problems += [
        f"no stored text contains {wanted!r}"
        for wanted in case.expect_text
        if not any(wanted in t for t in texts)
    ]
    seen = texts + [title or "" for _, _, title in new_articles.values()] + [r[1] for r in new_rejections]
    problems += [
        f"{unwanted!r} reached the database"
        for unwanted in case.forbid_text
        if any(unwanted in t for t in seen)
    ]
    new_events = [event for event in after.events if event[0] in new_articles]
    codes = {code for event in new_events for code in event[7:9] if code}
    problems += [
        f"no event with an actor coded {prefix}*"
        for prefix in case.actor_codes
        if not any(c.startswith(prefix) for c in codes)
    ]
    problems += _span_problems(new_events, new_articles)
    origins = [origin for origin, _, _ in new_articles.values()] + [r[0] for r in new_rejections]
    if any(not origin.isprintable() or len(origin) > 500 for origin in origins if origin):
        problems.append("an origin with unprintable characters or over 500 characters was stored")
    return problems


def _span_problems(
    events: list[tuple[Any, ...]], articles: dict[str, tuple[str, str, str | None]]
) -> list[str]:
    """Every event's sentence and predicate spans must lie inside its article and match its text."""
    problems = []
    for article_id, start, end, sentence, predicate, p_start, p_end, *_ in events:
        text = articles[article_id][1]
        if not (0 <= start < end <= len(text)) or text[start:end] != sentence:
            problems.append(f"event span {start}-{end} does not hold its sentence in article {article_id}")
        elif predicate and not (start <= p_start < p_end <= end and text[p_start:p_end] == predicate):
            problems.append(f"predicate span {p_start}-{p_end} does not hold {predicate!r} in {article_id}")
    return problems


def run_cases(
    cases: list[HostileCase],
    corpus: Path,
    template_db: Path,
    work: Path,
    *,
    workers: int = 2,
    warm: bool = False,
) -> Iterator[CaseRun]:
    """Run cases `workers` at a time, slowest first, and yield each run as it ends; `warm` runs
    them in `WarmCli` processes (one per worker) instead of a new process each."""
    ordered = sorted(cases, key=lambda case: (case.name != ALL_AT_ONCE.name, not case.slow))
    launchers: queue.Queue[Launcher] = queue.Queue()
    servers = [WarmCli(work / f"warm-{index}.log") for index in range(workers)] if warm else []
    for index in range(max(1, workers)):
        launchers.put(servers[index].run if warm else run_cold)

    def run(case: HostileCase) -> CaseRun:
        launch = launchers.get()
        try:
            return run_case(case, corpus, template_db, work, launch)
        finally:
            launchers.put(launch)

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(run, case) for case in ordered]
            for future in as_completed(futures):
                yield future.result()
    finally:
        for server in servers:
            server.close()


def main(argv: list[str] | None = None) -> int:
    """Write the corpus into the folder given (default: a new temporary folder) and list it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="where to write the cases")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # WarmCli's process
    args = parser.parse_args(argv)
    if args.serve:
        return _serve()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        cases = make_corpus(folder)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for spec in cases:
        print(f"{spec.label:28} {spec.outcome:8} {spec.what}")
    print(f"written to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
