"""News feeds: RSS 2.0, RSS 1.0 and Atom (with feedparser) and JSON Feed, one article per entry.

An entry's text is its full content when the feed carries it, else its summary, with the HTML
removed; its link is the article URL, its publication date the date, the feed's title the outlet
and the feed's language the language. The entries of a feed are read from a file (`.rss`, `.atom`,
`.xml`, `.json`, each optionally `.gz`) or from the bytes of a feed fetched from a URL.

A feed that is not XML (or not a JSON Feed) is rejected with the parser's reason; an entry without
text is rejected on its own and the other entries are still read.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import feedparser

from tocsin.errors import InputError
from tocsin.ingest._dates import parse_date
from tocsin.ingest._files import DEFAULT_MAX_BYTES, read_bytes, utf16_without_bom
from tocsin.ingest.html import html_fragment_text
from tocsin.ingest.text import NoArticleTextError, article_from_text, split_authors
from tocsin.types import Article, Rejection

LOGGER = logging.getLogger(__name__)

_SNIFF = 4096
_XML_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")
JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _head(data: bytes) -> bytes:
    """The start of a document, lower-cased, without a byte-order mark or leading space."""
    return data[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def is_json_feed(data: bytes) -> bool:
    """True when the bytes look like a JSON Feed (`{"version": "https://jsonfeed.org/version/1"…`)."""
    head = _head(data)
    return head.startswith(b"{") and b"jsonfeed.org/version" in head.replace(b"\\/", b"/")


def looks_like_feed(data: bytes) -> bool:
    """True when the bytes look like an RSS, RDF or Atom feed, or a JSON Feed, rather than a page."""
    head = _head(data)
    if is_json_feed(data):
        return True
    return any(marker in head for marker in _XML_FEED_MARKERS) and b"<html" not in head


def _language(value: Any) -> str | None:
    """Return the primary subtag of a language tag (`en` for `en-gb`), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().replace("_", "-").split("-")[0].lower() or None


def _entry_article(
    *,
    origin: str,
    content: str | None,
    summary: str | None,
    title: str | None,
    url: str | None,
    raw_date: str | None,
    authors: list[str],
    outlet: str | None,
    language: str | None,
) -> Article:
    """Build the `Article` of one feed entry; raises `InputError` when it has no text."""
    candidates = [
        html_fragment_text(value, origin=origin) for value in (content, summary) if isinstance(value, str)
    ]
    text = max(candidates, key=len, default="")
    date = parse_date(raw_date)
    if raw_date and date is None:
        LOGGER.debug("%s: ignoring unreadable date %r", origin, raw_date[:40])
    try:
        return article_from_text(
            text,
            title=html_fragment_text(title, origin=origin) if title else None,
            date=date,
            url=url,
            outlet=outlet,
            origin=origin,
            authors=authors,
            language=language,
        )
    except NoArticleTextError:
        raise InputError(origin, "feed entry has no text") from None


def declares_entities(data: bytes) -> bool:
    """True when an XML document declares entities in its DOCTYPE (`<!DOCTYPE rss [<!ENTITY …`).

    Feeds have no use for them; they are what billion-laughs (exponential expansion) and external
    entity (`SYSTEM "file:///etc/passwd"`) attacks are made of, so such a feed is refused before
    it is parsed. A DOCTYPE that only names an external DTD is allowed: it is never fetched.
    """
    encoding = utf16_without_bom(data[:4096])
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    if encoding:
        data = data.decode(encoding, errors="replace").encode("utf-8")
    return bool(_INTERNAL_SUBSET.search(data) and _ENTITY_DECLARATION.search(data))


def _rss_entries(data: bytes, origin: str) -> Iterator[Article | Rejection]:
    """The entries of an RSS or Atom feed, parsed by feedparser (from bytes, never a URL)."""
    if declares_entities(data):
        raise InputError(origin, "feed declares XML entities (<!ENTITY> in its DOCTYPE); refused unexpanded")
    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    except Exception as error:  # feedparser's lenient parser trips over some broken markup
        LOGGER.debug("%s: feedparser failed", origin, exc_info=True)
        raise InputError(origin, f"not a feed: the feed parser failed ({type(error).__name__})") from None
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            raise InputError(origin, f"not a feed: not well-formed XML ({problem})")
        if not parsed.get("version"):
            raise InputError(origin, "not a feed: no RSS or Atom elements")
        raise InputError(origin, "feed has no entries")
    feed = parsed.get("feed") or {}
    outlet = feed.get("title")
    language = _language(feed.get("language"))
    for index, entry in enumerate(entries, 1):
        key = entry.get("id") or entry.get("link") or str(index)
        where = f"{origin}#{key}"
        contents = entry.get("content") or []
        content = max((part.get("value", "") for part in contents), key=len, default=None)
        people = entry.get("authors") or []
        names = [person.get("name", "") for person in people if isinstance(person, Mapping)]
        if not any(names) and isinstance(entry.get("author"), str):
            names = split_authors(entry["author"])
        try:
            yield _entry_article(
                origin=where,
                content=content,
                summary=entry.get("summary"),
                title=entry.get("title"),
                url=entry.get("link"),
                raw_date=entry.get("published") or entry.get("updated"),
                authors=[name for name in names if name],
                outlet=outlet,
                language=_language(entry.get("language")) or language,
            )
        except InputError as error:
            yield Rejection(error.origin, error.reason)


def _json_authors(item: Mapping[str, Any]) -> list[str]:
    """Author names of a JSON Feed item: `authors` (1.1) or `author` (1.0)."""
    people = item.get("authors")
    if not isinstance(people, list):
        people = [item.get("author")]
    return [str(p["name"]) for p in people if isinstance(p, Mapping) and isinstance(p.get("name"), str)]


def _json_feed_entries(data: bytes, origin: str) -> Iterator[Article | Rejection]:
    """The items of a JSON Feed (https://jsonfeed.org, versions 1 and 1.1)."""
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InputError(origin, f"not a feed: not UTF-8 (bad byte at offset {error.start})") from None
    except (json.JSONDecodeError, RecursionError) as error:
        raise InputError(origin, f"not a feed: invalid JSON ({error})") from None
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(JSON_FEED_VERSION):
        raise InputError(origin, "not a feed: JSON without a JSON Feed version")
    items = feed.get("items")
    if not isinstance(items, list) or not items:
        raise InputError(origin, "feed has no entries")
    outlet = feed.get("title") if isinstance(feed.get("title"), str) else None
    language = _language(feed.get("language"))
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            yield Rejection(f"{origin}#{index}", "feed item is not a JSON object")
            continue
        key = item.get("id") or item.get("url") or index
        text_fields = {name: item.get(name) for name in ("content_text", "content_html", "summary")}
        text_fields = {name: value if isinstance(value, str) else None for name, value in text_fields.items()}
        try:
            yield _entry_article(
                origin=f"{origin}#{key}",
                content=text_fields["content_text"] or text_fields["content_html"],
                summary=text_fields["summary"],
                title=item.get("title") if isinstance(item.get("title"), str) else None,
                url=item.get("url") if isinstance(item.get("url"), str) else None,
                raw_date=item.get("date_published") if isinstance(item.get("date_published"), str) else None,
                authors=_json_authors(item) or _json_authors(feed),
                outlet=outlet,
                language=_language(item.get("language")) or language,
            )
        except InputError as error:
            yield Rejection(error.origin, error.reason)


def read_feed(data: bytes, *, origin: str) -> Iterator[Article | Rejection]:
    """Yield an `Article` for each entry of a feed given as bytes, a `Rejection` for each bad one.

    Raises `InputError` when the bytes are not a feed at all (not XML, not a JSON Feed, no entries).
    """
    if is_json_feed(data) or _head(data).startswith(b"{"):
        yield from _json_feed_entries(data, origin)
    else:
        yield from _rss_entries(data, origin)


def read_feed_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | Rejection]:
    """Yield the entries of a feed file (`.rss`, `.atom`, `.xml`, `.json`, or any of them `.gz`).

    A file that cannot be read or is not a feed gives one `Rejection` naming the file.
    """
    path = Path(path)
    try:
        yield from read_feed(read_bytes(path, max_bytes), origin=str(path))
    except InputError as error:
        yield Rejection(error.origin, error.reason)
