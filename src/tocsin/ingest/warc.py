"""Web archives: WARC and ARC files (plain or gzipped per record) read with warcio.

Every `response` or `resource` record that holds an HTML page (HTTP 200) becomes an article through
the HTML reader, with the record's target URI as the article URL; a record holding an RSS/Atom feed
gives the feed's entries. Records of other kinds (requests, metadata, images, redirects) are passed
over. A page with no article text is rejected on its own; an archive that breaks off (a truncated
file or gzip member) keeps the articles before the break and is then rejected with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from tocsin.errors import InputError
from tocsin.ingest._files import (
    DEFAULT_MAX_BYTES,
    GZIP_ERRORS,
    MAX_GZIP_RATIO,
    check_regular_file,
    describe_gzip_error,
    describe_os_error,
    format_size,
)
from tocsin.ingest.feeds import looks_like_feed, read_feed
from tocsin.ingest.html import article_from_html
from tocsin.types import Article, Rejection

LOGGER = logging.getLogger(__name__)

_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml")
_RECORD_TYPES = ("response", "resource")


class _QuietArchiveIterator(ArchiveIterator):
    """warcio's iterator without the multi-line warning it writes to stderr for a record that a
    blank line does not follow: the reader reports the damage itself, on one line."""

    INC_RECORD = ""


class _TruncatedRecordError(Exception):
    """A record whose block ends before its declared length: the archive breaks off there."""


def _content_type(record: Any) -> str:
    headers = record.http_headers if record.http_headers is not None else record.rec_headers
    value = headers.get_header("Content-Type") or ""
    return str(value).split(";")[0].strip().lower()


def _read_payload(record: Any, max_bytes: int) -> bytes | None:
    """Return a record's payload, None when it is over `max_bytes` (its rest is skipped by warcio).

    Raises `_TruncatedRecordError` when the record ends before its declared length.
    """
    stream = record.content_stream()
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return None
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise _TruncatedRecordError
    return bytes(data)


def _record_items(record: Any, source: str, max_bytes: int) -> Iterator[Article | Rejection]:
    """The article (or feed entries, or rejection) in one record; nothing for records of no interest."""
    if record.rec_type not in _RECORD_TYPES:
        return
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    origin = f"{source}#{uri or record.rec_headers.get_header('WARC-Record-ID')}"
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status != "200":
            LOGGER.debug("%s: skipping HTTP %s record", origin, status)
            return
    kind = _content_type(record)
    is_page = kind in _PAGE_TYPES
    if not is_page and kind not in _FEED_TYPES:
        LOGGER.debug("%s: skipping %s record", origin, kind or "untyped")
        return
    payload = _read_payload(record, max_bytes)
    if payload is None:
        yield Rejection(origin, f"record is over the {format_size(max_bytes)} limit")
        return
    if not payload.strip():
        yield Rejection(origin, "empty record")
        return
    try:
        if is_page and not looks_like_feed(payload):
            yield article_from_html(payload, origin=origin, url=uri)
        else:
            yield from read_feed(payload, origin=origin)
    except InputError as error:
        yield Rejection(error.origin, error.reason)


def _records(archive: ArchiveIterator) -> Iterator[Any]:
    """The archive's records; warcio's own failures on malformed headers become `ArchiveLoadFailed`."""
    records = iter(archive)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (ArchiveLoadFailed, OSError, *GZIP_ERRORS):
            raise
        except Exception as error:  # e.g. AttributeError for an HTTP record without a target URI
            raise ArchiveLoadFailed(f"malformed record ({type(error).__name__}: {error})") from None
        yield record


def read_warc_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | Rejection]:
    """Yield the articles in a WARC or ARC file (`.warc`, `.arc`, each optionally `.gz`), streaming.

    `max_bytes` limits each record's payload, not the archive. A file that is not an archive, is
    cut off or has a corrupt gzip member gives a `Rejection` naming the file, after the articles of
    the records before the damage; so does a gzipped archive with a record that claims to inflate
    to more than `MAX_GZIP_RATIO` times the archive's size (a gzip bomb), which is not inflated.
    """
    path = Path(path)
    source = str(path)
    records = found = 0
    try:
        check_regular_file(path, None)
        size = path.stat().st_size
        with path.open("rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            for record in _records(_QuietArchiveIterator(raw, arc2warc=True)):
                if record.format not in ("warc", "arc", "arc2warc") or not record.rec_type:
                    raise ArchiveLoadFailed("no WARC or ARC record header")
                records += 1
                if gzipped and (record.length or 0) > MAX_GZIP_RATIO * size:
                    yield Rejection(
                        source,
                        f"gzip bomb: record {records} claims {format_size(record.length)} "
                        f"in an archive of {format_size(size)}",
                    )
                    return
                for item in _record_items(record, source, max_bytes):
                    found += 1
                    yield item
    except InputError as error:
        yield Rejection(error.origin, error.reason)
        return
    except _TruncatedRecordError:
        yield Rejection(source, f"truncated archive: record {records} breaks off")
        return
    except ArchiveLoadFailed as error:
        problem = (str(error).strip().splitlines() or [""])[0][:120]  # warcio's messages run to lines
        if records == 0:
            yield Rejection(source, f"not a WARC or ARC file ({problem})")
        else:
            yield Rejection(source, f"corrupt archive after record {records} ({problem})")
        return
    except GZIP_ERRORS as error:
        yield Rejection(source, f"{describe_gzip_error(error)} (after record {records})")
        return
    except OSError as error:
        yield Rejection(source, describe_os_error(error))
        return
    if records == 0:
        yield Rejection(source, "not a WARC or ARC file (no records)")
    elif found == 0:
        yield Rejection(source, f"no HTML pages or feeds in {records} archive records")
