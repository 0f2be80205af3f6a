"""Articles as records: JSON objects a line in `.jsonl`/`.ndjson`, rows of `.csv`/`.tsv` files.

A record needs a `text`; `title`, `date`, `url`, `outlet`, `id`, `authors` (a list, or one string
with names separated by `;`) and `language` are optional. The record's `id`, when given, is kept in
the article's origin as `file.jsonl#<id>` (otherwise the origin is `file.jsonl:<line>`); the
article id is always the content hash of the normalised text. A `columns` mapping names the
record key for each article field, so records with other key names (and tabular formats
with their own column names) read the same way.

The file is streamed line by line. A bad line gives a `Rejection` that names the file and the
line number, and the lines around it are still read; the size limit applies to each line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tocsin.errors import InputError
from tocsin.ingest._dates import parse_date
from tocsin.ingest._files import (
    DEFAULT_MAX_BYTES,
    GZIP_ERRORS,
    SNIFF_BYTES,
    binary_reason,
    decode_line,
    describe_gzip_error,
    describe_os_error,
    format_size,
    open_binary,
    utf16_without_bom,
)
from tocsin.ingest.text import NoArticleTextError, article_from_text, split_authors
from tocsin.types import Article, Rejection

LOGGER = logging.getLogger(__name__)

ARTICLE_FIELDS = ("text", "title", "date", "url", "outlet", "id", "authors", "language")
"""The fields a record may give, each read from the record key of the same name by default."""


def _check_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Return the full field-to-key mapping, with `columns` overriding the defaults."""
    mapping = {name: name for name in ARTICLE_FIELDS}
    for field, key in (columns or {}).items():
        if field not in mapping:
            raise ValueError(f"unknown article field {field!r} in columns (expected one of {ARTICLE_FIELDS})")
        mapping[field] = key
    return mapping


def _optional_str(value: Any) -> str | None:
    """Return a scalar record value as a string; None for null, empty or structured values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    return None


def _json_kind(value: Any) -> str:
    """Name a JSON value's type the way JSON does: array, string, number, boolean, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "a number"


def _authors(value: Any) -> list[str]:
    if isinstance(value, str):
        return split_authors(value)
    if isinstance(value, list | tuple):
        return [name for name in (_optional_str(item) for item in value) if name]
    return []


def record_to_article(
    record: Mapping[str, Any],
    *,
    source: str,
    line: int,
    columns: Mapping[str, str] | None = None,
) -> Article:
    """Return the `Article` in one record read from line `line` of the file `source`.

    Raises `InputError` naming the file and line when the record has no usable text.
    """
    keys = _check_columns(columns)
    text = record.get(keys["text"])
    if text is None:
        raise InputError(source, f"line {line}: missing {keys['text']!r}")
    if not isinstance(text, str):
        raise InputError(source, f"line {line}: {keys['text']!r} is not a string")
    if not text.strip():
        raise InputError(source, f"line {line}: empty {keys['text']!r}")
    record_id = _optional_str(record.get(keys["id"]))
    origin = f"{source}#{record_id}" if record_id else f"{source}:{line}"
    raw_date = _optional_str(record.get(keys["date"]))
    date = parse_date(raw_date)
    if raw_date and date is None:
        LOGGER.warning("%s: line %d: ignoring unreadable date %r", source, line, raw_date[:40])
    try:
        return article_from_text(
            text,
            title=_optional_str(record.get(keys["title"])),
            date=date,
            url=_optional_str(record.get(keys["url"])),
            outlet=_optional_str(record.get(keys["outlet"])),
            origin=origin,
            authors=_authors(record.get(keys["authors"])),
            language=_optional_str(record.get(keys["language"])),
        )
    except NoArticleTextError:
        raise InputError(source, f"line {line}: empty {keys['text']!r}") from None
    except InputError as error:
        raise InputError(source, f"line {line}: {error.reason}") from None


_BLANK_RUN_BYTES = 1 << 20


def _blank_run(stream: io.BufferedReader) -> bytes:
    """Read and return the whole blank lines (only spaces and line breaks) at the stream's
    position, at most about a MB of them; nothing when the next line is not blank."""
    head = stream.peek(_BLANK_RUN_BYTES)[:_BLANK_RUN_BYTES]
    blank = head[: len(head) - len(head.lstrip(b" \t\r\n\f\v"))]
    end = blank.rfind(b"\n") + 1
    return stream.read(end) if end else b""


def _numbered_lines(stream: io.BufferedReader, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (number of its first line, bytes) for each line; bytes is None for a line over
    `max_bytes`. A run of blank lines comes as one item, so that a file of a hundred million
    blank lines (or a gzip stream of them) is read in seconds, not minutes."""
    number = 1
    while True:
        blank = _blank_run(stream)
        if blank:
            yield number, blank
            number += blank.count(b"\n")
            continue
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the overlong line
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
        else:
            yield number, line
        number += 1


def _is_utf16(sample: bytes) -> bool:
    """True when a file's first bytes are UTF-16 text, with or without a byte-order mark."""
    return sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or bool(utf16_without_bom(sample))


def _parse_line(raw: bytes | None, *, source: str, line: int, max_bytes: int) -> Any:
    """Return the JSON value on one line; raises `InputError` naming the line when it is bad."""
    if raw is None:
        raise InputError(source, f"line {line}: longer than the {format_size(max_bytes)} limit")
    text = decode_line(raw, first=line == 1)
    if text is None:
        raise InputError(source, f"line {line}: not UTF-8 text")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        problem = error.msg.removesuffix(" at")
        raise InputError(source, f"line {line}: invalid JSON at column {error.colno} ({problem})") from None
    except (ValueError, RecursionError) as error:
        raise InputError(source, f"line {line}: invalid JSON ({error})") from None


def read_jsonl_file(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    columns: Mapping[str, str] | None = None,
) -> Iterator[Article | Rejection]:
    """Yield an `Article` for each good line of a JSONL file and a `Rejection` for each bad one.

    A file that cannot be read at all (missing, empty, binary, not gzip) gives one `Rejection`;
    a gzip stream that breaks off gives the articles before the break and then a `Rejection`.
    `columns` maps article fields to record keys, e.g. `{"text": "body"}`.
    """
    _check_columns(columns)
    path = Path(path)
    source = str(path)
    line = 0
    records = 0
    try:
        with open_binary(path, None) as stream:
            sample = stream.read(SNIFF_BYTES)
            reason = binary_reason(sample)
            if not sample:
                reason = "empty file"
            elif _is_utf16(sample):
                reason = "cannot decode: JSONL must be UTF-8, not UTF-16"
            if reason:
                yield Rejection(source, reason)
                return
            stream.seek(0)
            for line, raw in _numbered_lines(stream, max_bytes):
                if raw is not None and not raw.strip():
                    continue
                records += 1
                try:
                    value = _parse_line(raw, source=source, line=line, max_bytes=max_bytes)
                    if not isinstance(value, dict):
                        raise InputError(source, f"line {line}: not a JSON object (got {_json_kind(value)})")
                    article = record_to_article(value, source=source, line=line, columns=columns)
                except InputError as error:
                    yield Rejection(error.origin, error.reason)
                    continue
                yield article
    except InputError as error:
        yield Rejection(error.origin, error.reason)
        return
    except GZIP_ERRORS as error:
        yield Rejection(source, f"{describe_gzip_error(error)} (after line {line})")
        return
    except OSError as error:
        yield Rejection(source, describe_os_error(error))
        return
    if records == 0:
        yield Rejection(source, "no JSON records")


def _header_names(row: list[str]) -> list[str]:
    return [name.strip() for name in row]


def read_csv_file(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
) -> Iterator[Article | Rejection]:
    """Yield an `Article` for each good row of a CSV (or TSV) file with a header row, and a
    `Rejection` naming the line for each bad one.

    `columns` maps article fields to column names, e.g. `{"text": "body", "date": "published"}`;
    unmapped fields are read from the column of the same name when there is one. The delimiter is
    a tab for `.tsv` files and a comma otherwise, unless given. The file is streamed; a quoted field
    may span lines, and the size limit applies to each line.
    """
    keys = _check_columns(columns)
    path = Path(path)
    source = str(path)
    name = path.name.lower().removesuffix(".gz")
    delimiter = delimiter or ("\t" if name.endswith(".tsv") else ",")
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))
    bad_lines: dict[int, str] = {}
    read_lines: list[tuple[int, int]] = []  # (first, last) file lines of what the row so far was read from
    last_line = 0
    records = 0

    def decoded_lines(stream: io.BufferedReader) -> Iterator[str]:
        for number, raw in _numbered_lines(stream, max_bytes):
            read_lines.append((number, number + max(raw.count(b"\n") - 1, 0) if raw else number))
            if raw is None:
                bad_lines[number] = f"longer than the {format_size(max_bytes)} limit"
                yield "\n"
                continue
            if not raw.strip():  # blank lines, maybe many: only their line breaks matter (csv
                # rejects spaces between them outside a quoted field; inside one, normalisation
                # drops the spaces of a blank line anyway)
                yield raw.translate(None, b" \t\f\v").decode("ascii")
                continue
            text = decode_line(raw, first=number == 1)
            if text is None:
                bad_lines[number] = "not UTF-8 text"
                yield "\n"
                continue
            yield text

    try:
        with open_binary(path, None) as stream:
            sample = stream.read(SNIFF_BYTES)
            reason = binary_reason(sample) or (None if sample else "empty file")
            if _is_utf16(sample):
                reason = "cannot decode: CSV must be UTF-8, not UTF-16"
            if reason:
                yield Rejection(source, reason)
                return
            stream.seek(0)
            reader = csv.reader(decoded_lines(stream), delimiter=delimiter, strict=False)
            header: list[str] | None = None
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    last_line = read_lines[-1][1] if read_lines else last_line
                    read_lines.clear()
                    yield Rejection(source, f"line {last_line}: malformed CSV ({error})")
                    continue
                first, last_line = read_lines[0][0], read_lines[-1][1]
                read_lines.clear()
                broken = [number for number in sorted(bad_lines) if first <= number <= last_line]
                if broken:
                    yield Rejection(source, f"line {broken[0]}: {bad_lines[broken[0]]}")
                    for number in broken:
                        del bad_lines[number]
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = _header_names(row)
                    if keys["text"] not in header:
                        shown = ", ".join(header[:12])
                        yield Rejection(source, f"no {keys['text']!r} column (the header has {shown})")
                        return
                    continue
                records += 1
                record = dict(zip(header, row, strict=False))
                try:
                    yield record_to_article(record, source=source, line=first, columns=columns)
                except InputError as error:
                    yield Rejection(error.origin, error.reason)
    except InputError as error:
        yield Rejection(error.origin, error.reason)
        return
    except GZIP_ERRORS as error:
        yield Rejection(source, f"{describe_gzip_error(error)} (after line {last_line})")
        return
    except OSError as error:
        yield Rejection(source, describe_os_error(error))
        return
    if header is None:
        yield Rejection(source, "no header row")
    elif records == 0:
        yield Rejection(source, "no rows after the header")
