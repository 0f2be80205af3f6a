"""Plain-text articles: build an `Article` from a string, and read `.txt` files with a header.

A text file is read like this::

    Iran's proxies step up attacks on Gulf shipping
    Date: 2019-05-16
    URL: https://www.example.org/proxies
    Outlet: The Example Post
    Author: Jane Doe; John Roe

    The body starts here. Paragraphs are separated by blank lines ...

The first non-empty line is the title. Header lines may follow it (blank lines between them are
allowed); each is `Key: value` with one of the keys `Date`, `URL`, `Outlet`, `Author` (or
`Authors`, several names separated by `;`, or several `Author` lines) and `Language`, in any case.
The first line that is not a header line starts the body. A date is read with `parse_date`; one
that cannot be read is ignored with a warning. A file that starts with a header line has no
title, and neither has a file of a single line: that line is the text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date as Date
from pathlib import Path

from tocsin.errors import InputError
from tocsin.ingest._dates import parse_date
from tocsin.ingest._files import DEFAULT_MAX_BYTES, decode_text, read_bytes
from tocsin.normalize import normalize_characters, normalize_text
from tocsin.types import Article, content_hash

LOGGER = logging.getLogger(__name__)

MAX_ARTICLE_CHARS = 200_000
"""The longest article text (after normalisation) tocsin codes, in characters."""
MAX_ARTICLE_TOKENS = 25_000
"""The most words and punctuation marks (about spaCy's tokens) an article may have: some 20,000
words of prose, three times the longest report in the reference corpora. Parsing and coding take
memory in proportion (about 1.6 MB per 100 tokens) and time that grows faster, so a longer text is
rejected rather than left to exhaust them; a text of symbols has a token per character, which the
character limit alone would not catch."""
MAX_ORIGIN_CHARS = 500
"""Origins (file names, record ids, URLs) are cut to this length for messages and the database."""

_HEADER = re.compile(r"(date|url|outlet|authors?|language)\s*:\s*(.*)", re.IGNORECASE)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]|_")


class NoArticleTextError(InputError):
    """An input holds no article text once normalised (the readers say so in their own words)."""


def printable_origin(origin: str) -> str:
    """Return an origin fit for a one-line message and the database: characters that do not print
    (control characters, line breaks, bidirectional overrides, lone surrogates from file names
    that are not UTF-8) escaped as `\\n`, `\\u202e`, and the whole cut to `MAX_ORIGIN_CHARS`."""
    if not origin.isprintable():
        origin = "".join(char if char.isprintable() else ascii(char)[1:-1] for char in origin)
    if len(origin) > MAX_ORIGIN_CHARS:
        origin = origin[: MAX_ORIGIN_CHARS - 1] + "…"
    return origin


def _too_many_characters(length: int, origin: str) -> InputError:
    return InputError(origin, f"article text is {length:,} characters, over the {MAX_ARTICLE_CHARS:,} limit")


def check_article_length(text: str, origin: str) -> None:
    """Raise `InputError` when an article text has more than `MAX_ARTICLE_CHARS` characters or
    `MAX_ARTICLE_TOKENS` words and punctuation marks."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise _too_many_characters(len(text), origin)
    if len(text) <= MAX_ARTICLE_TOKENS:
        return  # every word or symbol takes a character at least
    tokens = sum(1 for _ in _TOKEN.finditer(text))
    if tokens > MAX_ARTICLE_TOKENS:
        raise InputError(
            origin, f"article text has {tokens:,} words and symbols, over the {MAX_ARTICLE_TOKENS:,} limit"
        )


def clean_field(value: str | None) -> str | None:
    """Return a metadata string with characters normalised and whitespace collapsed, or None."""
    if value is None:
        return None
    cleaned = " ".join(normalize_characters(value).split())
    return cleaned or None


def split_authors(value: str) -> list[str]:
    """Split an author field written as `A; B` into names."""
    return [name for name in (clean_field(part) for part in value.split(";")) if name]


def _without_leading_title(body: str, title: str) -> str:
    """Drop the body's first paragraph when it only repeats the title (pages often print it)."""
    first, _, rest = body.partition("\n\n")
    if rest and first.casefold() == title.casefold():
        return rest
    return body


def article_from_text(
    text: str,
    *,
    title: str | None = None,
    date: Date | None = None,
    url: str | None = None,
    outlet: str | None = None,
    origin: str | None = None,
    authors: Iterable[str] = (),
    language: str | None = None,
) -> Article:
    """Return an `Article` for an article body and its metadata.

    The body is normalised with `normalize_text` (and a first paragraph that repeats the title is
    dropped); the article id is the content hash of that text, so the same report read from any
    source gets the same id. Metadata strings
    are trimmed; empty ones become None and duplicate authors are dropped; the origin is made
    printable (`printable_origin`). Raises `NoArticleTextError` when no text (no letter or digit)
    is left after normalisation and `InputError` when the text is over the article limits
    (`check_article_length`).
    """
    origin = printable_origin(origin) if origin is not None else None
    where = origin or "<text>"
    # Normalisation only shrinks a text (spaces, invisible characters, repeated lines) or grows it
    # a little (dashes, ellipses): a text far over the limit is refused before it is normalised.
    if len(text) > 4 * MAX_ARTICLE_CHARS:
        raise _too_many_characters(len(text), where)
    body = normalize_text(text)
    title = clean_field(title)
    if title:
        body = _without_leading_title(body, title)
    if not _LETTER_OR_DIGIT.search(body):  # empty, or only punctuation such as quotation marks
        raise NoArticleTextError(where, "no article text")
    check_article_length(body, where)
    names: list[str] = []
    for author in authors:
        name = clean_field(author)
        if name and name not in names:
            names.append(name)
    return Article(
        id=content_hash(body),
        text=body,
        title=title,
        date=date,
        url=clean_field(url),
        outlet=clean_field(outlet),
        origin=origin,
        authors=tuple(names),
        language=clean_field(language),
    )


def parse_text_article(content: str, *, origin: str) -> Article:
    """Return the `Article` for the content of a text file in the format described above."""
    lines = content.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise InputError(origin, "empty file")
    title = lines[start].strip()
    if _HEADER.fullmatch(title):
        title, first_header = "", start
    else:
        first_header = start + 1
    fields: dict[str, str] = {}
    authors: list[str] = []
    body_start = first_header
    for index in range(first_header, len(lines)):
        line = lines[index].strip()
        if not line:
            body_start = index + 1
            continue
        match = _HEADER.fullmatch(line)
        if not match:
            body_start = index
            break
        key, value = match.group(1).lower(), match.group(2).strip()
        if key.startswith("author"):
            authors.extend(split_authors(value))
        elif value:
            fields.setdefault(key, value)
        body_start = index + 1
    body = "\n".join(lines[body_start:])
    has_header = bool(fields or authors)
    if not body.strip():
        if has_header or not title:
            raise InputError(origin, "no article text after the header")
        body, title = title, ""
    date = None
    if "date" in fields:
        date = parse_date(fields["date"])
        if date is None:
            LOGGER.warning("%s: ignoring unreadable date %r", origin, fields["date"][:40])
    return article_from_text(
        body,
        title=title or None,
        date=date,
        url=fields.get("url"),
        outlet=fields.get("outlet"),
        origin=origin,
        authors=authors,
        language=fields.get("language"),
    )


def read_text_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read a `.txt` (or `.txt.gz`) article file; raises `InputError` when it cannot be read.

    The file must be text (UTF-8, or a legacy 8-bit encoding that still looks like text) and no
    larger than `max_bytes`.
    """
    path = Path(path)
    origin = str(path)
    content = decode_text(read_bytes(path, max_bytes), origin)
    return parse_text_article(content, origin=origin)
