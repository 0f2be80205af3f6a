"""Files and folders to articles: walk folders, pick a reader by extension, never raise."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from tocsin.errors import InputError
from tocsin.ingest._files import DEFAULT_MAX_BYTES, describe_os_error
from tocsin.ingest.html import read_html_file
from tocsin.ingest.tabular import read_jsonl_file
from tocsin.ingest.text import read_text_file
from tocsin.types import Article, Rejection

LOGGER = logging.getLogger(__name__)

Reader = Callable[[Path, int], Iterator[Article | Rejection]]


def _one_article(read: Callable[..., Article]) -> Reader:
    """Turn a reader of one article that raises `InputError` into a reader that yields."""

    def read_one(path: Path, max_bytes: int) -> Iterator[Article | Rejection]:
        try:
            yield read(path, max_bytes=max_bytes)
        except InputError as error:
            yield Rejection(error.origin, error.reason)

    return read_one


def _jsonl(path: Path, max_bytes: int) -> Iterator[Article | Rejection]:
    return read_jsonl_file(path, max_bytes=max_bytes)


READERS: dict[str, Reader] = {
    ".txt": _one_article(read_text_file),
    ".text": _one_article(read_text_file),
    ".html": _one_article(read_html_file),
    ".htm": _one_article(read_html_file),
    ".jsonl": _jsonl,
    ".ndjson": _jsonl,
}
"""The reader for each file extension; a `.gz` suffix after any of them is decompressed."""


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
        elif format_extension(path) in READERS:
            yield path
        else:
            LOGGER.debug("skipping %s: unsupported file type", path)


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | Rejection]:
    """Yield what the file's reader yields; any failure becomes a `Rejection`."""
    reader = READERS.get(format_extension(path))
    if reader is None:
        yield _unsupported(path)
        return
    try:
        yield from reader(path, max_bytes)
    except InputError as error:
        yield Rejection(error.origin, error.reason)
    except Exception as error:  # the last guard: one bad file must not end a whole run
        LOGGER.error("%s: unexpected %s while reading: %s", path, type(error).__name__, error)
        LOGGER.debug("%s: traceback", path, exc_info=True)
        yield Rejection(str(path), f"could not be read ({type(error).__name__}: {error})")


def _read_path(path: Path, max_bytes: int) -> Iterator[Article | Rejection]:
    try:
        mode = path.stat().st_mode
    except OSError as error:
        yield Rejection(str(path), describe_os_error(error))
        return
    except ValueError as error:  # e.g. an embedded NUL character
        yield Rejection(repr(str(path)), f"invalid path ({error})")
        return
    if not stat.S_ISDIR(mode):
        yield from _read_file(path, max_bytes)
        return
    for item in _walk(path, set()):
        if isinstance(item, Rejection):
            yield item
        else:
            yield from _read_file(item, max_bytes)


def read_paths(
    paths: Iterable[str | Path],
    *,
    default_date: date | None = None,
    outlet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Article | Rejection]:
    """Yield an `Article` or a `Rejection` for every input file, streaming, never raising.

    A folder is walked recursively, each folder's entries in name order, hidden entries skipped.
    Files are read by extension: `.txt`/`.text`, `.html`/`.htm` and `.jsonl`/`.ndjson` (one
    article a line), each optionally gzipped (`.gz`). A file of another type inside a folder is
    skipped (logged at debug level); one named explicitly gives a `Rejection`, as does a file that
    is missing, unreadable, empty, binary, undecodable, a broken `.gz` or over `max_bytes`.

    `default_date` is given to articles that have no date; `outlet`, when set, replaces the
    outlet of every article.
    """
    outlet = outlet.strip() if outlet else None
    for given in paths:
        for item in _read_path(Path(given), max_bytes):
            if isinstance(item, Article):
                if default_date is not None and item.date is None:
                    item = replace(item, date=default_date)
                if outlet:
                    item = replace(item, outlet=outlet)
            yield item
