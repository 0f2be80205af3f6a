"""Files, folders, globs and URLs to articles: pick a reader by extension or content, never raise."""

from __future__ import annotations

import glob
import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from tocsin.errors import InputError
from tocsin.ingest._files import (
    DEFAULT_MAX_BYTES,
    GZIP_ERRORS,
    describe_os_error,
    open_binary,
)
from tocsin.ingest.feeds import is_json_feed, looks_like_feed, read_feed, read_feed_file
from tocsin.ingest.fetch import DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT, fetch_url, is_url
from tocsin.ingest.html import article_from_html, read_html_file
from tocsin.ingest.tabular import read_csv_file, read_jsonl_file
from tocsin.ingest.text import printable_origin, read_text_file
from tocsin.ingest.warc import read_warc_file
from tocsin.types import Article, Rejection

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are read: size limits, the record column mapping, and network limits."""

    max_bytes: int = DEFAULT_MAX_BYTES
    columns: Mapping[str, str] = field(default_factory=dict)  # article field -> JSONL key / CSV column
    timeout: float = DEFAULT_TIMEOUT
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    allow_private: bool = False  # fetch URLs whose host is loopback, private or link-local


Reader = Callable[[Path, ReadOptions], Iterator[Article | Rejection]]


def _one_article(read: Callable[..., Article]) -> Reader:
    """Turn a reader of one article that raises `InputError` into a reader that yields."""

    def read_one(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
        try:
            yield read(path, max_bytes=options.max_bytes)
        except InputError as error:
            yield Rejection(error.origin, error.reason)

    return read_one


def _jsonl(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    return read_jsonl_file(path, max_bytes=options.max_bytes, columns=options.columns)


def _csv(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    return read_csv_file(path, max_bytes=options.max_bytes, columns=options.columns)


def _feed(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    return read_feed_file(path, max_bytes=options.max_bytes)


def _warc(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    return read_warc_file(path, max_bytes=options.max_bytes)


def _head(path: Path) -> bytes:
    """The first bytes of a file (decompressed for `.gz`), or nothing when it cannot be read."""
    try:
        with open_binary(path, None) as stream:
            return stream.read(4096)
    except (InputError, OSError, *GZIP_ERRORS):
        return b""


def _json(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    """A `.json` file: a JSON Feed, else one JSON record a line."""
    if is_json_feed(_head(path)):
        return _feed(path, options)
    return _jsonl(path, options)


READERS: dict[str, Reader] = {
    ".txt": _one_article(read_text_file),
    ".text": _one_article(read_text_file),
    ".html": _one_article(read_html_file),
    ".htm": _one_article(read_html_file),
    ".jsonl": _jsonl,
    ".ndjson": _jsonl,
    ".csv": _csv,
    ".tsv": _csv,
    ".rss": _feed,
    ".atom": _feed,
    ".xml": _feed,
    ".json": _json,
    ".warc": _warc,
    ".arc": _warc,
}
"""The reader for each file extension; a `.gz` suffix after any of them is decompressed."""

_SNIFFED = frozenset({".json", ".xml"})
"""Extensions that many non-news files share: inside a folder they are read only when they hold a feed."""


def format_extension(path: Path) -> str:
    """Return the extension that picks a file's reader: `.html` for `page.HTML.gz`."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[: -len(".gz")]
    return Path(name).suffix


def _unsupported(path: Path) -> Rejection:
    extension = format_extension(path)
    known = ", ".join(READERS)
    what = f"'{extension}'" if extension else "(no extension)"
    return Rejection(str(path), f"unsupported file type {what}; expected {known}, or those + .gz")


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | Rejection]:
    """Yield the readable files under `folder`, depth first, each folder's entries sorted by name.

    Hidden entries (names starting with `.`) and files of unsupported types are skipped; a folder
    reached twice through symbolic links is walked once.
    """
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            LOGGER.debug("skipping %s: already walked (symbolic link loop)", folder)
            return
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield Rejection(str(folder), describe_os_error(error))
        return
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            LOGGER.debug("skipping hidden %s", path)
            continue
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            yield from _walk(path, seen)
        elif format_extension(path) in _SNIFFED:
            if looks_like_feed(_head(path)):
                yield path
            else:
                LOGGER.debug("skipping %s: not a feed", path)
        elif format_extension(path) in READERS:
            yield path
        else:
            LOGGER.debug("skipping %s: unsupported file type", path)


def _read_file(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    """Yield what the file's reader yields; any failure becomes a `Rejection`."""
    reader = READERS.get(format_extension(path))
    if reader is None:
        yield _unsupported(path)
        return
    try:
        yield from reader(path, options)
    except InputError as error:
        yield Rejection(error.origin, error.reason)
    except Exception as error:  # the last guard: one bad file must not end a whole run
        LOGGER.error("%s: unexpected %s while reading: %s", path, type(error).__name__, error)
        LOGGER.debug("%s: traceback", path, exc_info=True)
        yield Rejection(str(path), f"could not be read ({type(error).__name__}: {error})")


def _read_path(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    try:
        mode = path.stat().st_mode
    except OSError as error:
        yield Rejection(str(path), describe_os_error(error))
        return
    except ValueError as error:  # e.g. an embedded NUL character
        yield Rejection(repr(str(path)), f"invalid path ({error})")
        return
    if not stat.S_ISDIR(mode):
        yield from _read_file(path, options)
        return
    for item in _walk(path, set()):
        if isinstance(item, Rejection):
            yield item
        else:
            yield from _read_file(item, options)


def read_url(url: str, options: ReadOptions | None = None) -> Iterator[Article | Rejection]:
    """Yield the articles at an http(s) URL: a feed's entries, or the article in a news page.

    The download is bounded by `options` (timeout, size, redirects); any failure gives one
    `Rejection` naming the URL.
    """
    options = options or ReadOptions()
    try:
        document = fetch_url(
            url,
            timeout=options.timeout,
            max_bytes=options.max_bytes,
            max_redirects=options.max_redirects,
            allow_private=options.allow_private,
        )
        feed_type = any(kind in document.content_type for kind in ("rss", "atom", "feed+json"))
        if feed_type or looks_like_feed(document.data):
            yield from read_feed(document.data, origin=url)
        elif document.content_type in ("", "text/html", "application/xhtml+xml", "text/plain"):
            yield article_from_html(document.data, origin=url, url=document.final_url)
        else:
            raise InputError(url, f"unsupported content type {document.content_type!r}")
    except InputError as error:
        yield Rejection(error.origin, error.reason)
    except Exception as error:  # the last guard: one bad URL must not end a whole run
        LOGGER.error("%s: unexpected %s while reading: %s", url, type(error).__name__, error)
        yield Rejection(url, f"could not be read ({type(error).__name__}: {error})")


def _has_magic(value: str) -> bool:
    return glob.has_magic(value)


def _read_source(given: str | Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    """One command-line source: a URL, a glob pattern, a folder or a file."""
    if isinstance(given, str) and is_url(given):
        yield from read_url(given, options)
        return
    text = str(given)
    if isinstance(given, str) and _has_magic(text) and not Path(text).exists():
        matches = sorted(glob.glob(text, recursive=True))
        if not matches:
            yield Rejection(text, "no files match the pattern")
        for match in matches:
            yield from _read_path(Path(match), options)
        return
    yield from _read_path(Path(given), options)


def read_paths(
    paths: Iterable[str | Path],
    *,
    default_date: date | None = None,
    outlet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    options: ReadOptions | None = None,
) -> Iterator[Article | Rejection]:
    """Yield an `Article` or a `Rejection` for every input, streaming, never raising.

    An input is a file, a folder (walked recursively, each folder's entries in name order, hidden
    entries skipped), a glob pattern (`crawl/**/*.warc.gz`) or an http(s) URL of a feed or a news
    page. Files are read by extension: `.txt`/`.text`, `.html`/`.htm`, `.jsonl`/`.ndjson`,
    `.csv`/`.tsv`, `.rss`/`.atom`/`.xml`/`.json` feeds and `.warc`/`.arc` archives, each optionally
    gzipped (`.gz`). A file of another type inside a folder is skipped (logged at debug level), as
    are `.json` and `.xml` files that are not feeds; one named explicitly gives a `Rejection`, as
    does a file that is missing, unreadable, empty, binary, undecodable, a broken `.gz` or over the
    size limit.

    `default_date` is given to articles that have no date; `outlet`, when set, replaces the
    outlet of every article. `options` sets the limits and the record column mapping
    (`max_bytes`, when given, overrides its size limit).
    """
    options = options or ReadOptions()
    if max_bytes != DEFAULT_MAX_BYTES:
        options = replace(options, max_bytes=max_bytes)
    outlet = outlet.strip() if outlet else None
    for given in paths:
        for item in _read_source(given, options):
            if isinstance(item, Article):
                if default_date is not None and item.date is None:
                    item = replace(item, date=default_date)
                if outlet:
                    item = replace(item, outlet=outlet)
            else:  # a file name that is not UTF-8, a record id with a line break: one printable line
                item = Rejection(printable_origin(item.origin), printable_origin(item.reason))
            yield item
