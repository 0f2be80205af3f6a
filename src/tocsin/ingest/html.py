"""News pages as HTML: the main text without boilerplate, with title, outlet, authors and date.

trafilatura finds the article body and the page metadata; htmldate is asked for the date when
trafilatura finds none. The site name becomes the outlet and the page's `lang` the language.
"""

from __future__ import annotations

import logging
import re
from itertools import islice
from pathlib import Path
from typing import Any

import lxml.html
from htmldate import find_date
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.utils import HTML_PARSER, load_html

from tocsin.errors import InputError
from tocsin.ingest._dates import parse_date
from tocsin.ingest._files import DEFAULT_MAX_BYTES, codec_name, decode_text, read_bytes
from tocsin.ingest.text import NoArticleTextError, article_from_text, split_authors
from tocsin.types import Article

LOGGER = logging.getLogger(__name__)

MAX_HTML_ELEMENTS = 50_000
"""The most elements a page may have (news pages have a few thousand): boilerplate removal takes
time that grows faster than the page, so a larger page is rejected rather than left to run on."""
MAX_HTML_DEPTH = 255
"""libxml2 stops parsing a page nested deeper than this and loses its text; such a page is rejected."""

# What trafilatura falls back to on a page with no article is a menu or a list of links: short
# lines. A page counts as an article only when some paragraph is at least this long.
_MIN_PARAGRAPH_CHARS = 40
_LANGUAGE = re.compile(r"([A-Za-z]{2,3})(?:[-_].*)?")
_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""")
_TOO_DEEP = f"HTML nested more than {MAX_HTML_DEPTH} elements deep"
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def declared_charset(data: bytes) -> str | None:
    """Return the encoding a page declares in its first 4 KB (`<meta charset>`, the XML
    declaration), as Python's codec name, or None."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _CHARSET.search(head)
    return codec_name(match.group(1).decode("ascii")) if match else None


def decode_html(data: bytes, origin: str) -> str:
    """Decode a page's bytes: UTF-8 or UTF-16 when they are, else the charset the page declares,
    else Windows-1252 where they look like text (so a Latin-1 page that claims to be UTF-8 keeps
    its accents).

    The page is decoded here rather than by the extractor, which would also inflate compressed
    bytes without a limit. Raises `InputError` for binary data and bytes that are no text.
    """
    return decode_text(data, origin, declared=declared_charset(data))


def _too_deep(parser: etree.HTMLParser) -> bool:
    """True when the parser's last run stopped at libxml2's nesting limit."""
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def _check_size(tree: Any, origin: str) -> None:
    """Raise `InputError` for a page with more than `MAX_HTML_ELEMENTS` elements."""
    if next(islice(tree.iter(), MAX_HTML_ELEMENTS, None), None) is not None:
        raise InputError(origin, f"page has more than {MAX_HTML_ELEMENTS:,} HTML elements")


def _has_prose(text: str) -> bool:
    """True when extracted text has a paragraph long enough to be prose, not a list of links."""
    return any(len(line.strip()) >= _MIN_PARAGRAPH_CHARS for line in text.splitlines())


def _page_language(tree: Any) -> str | None:
    """Return the primary language subtag the page declares (`en` for `en-US`), if any."""
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        for meta in tree.iterfind(".//meta[@http-equiv]"):
            if meta.get("http-equiv", "").lower() == "content-language":
                declared = meta.get("content")
                break
    match = _LANGUAGE.fullmatch((declared or "").strip())
    return match.group(1).lower() if match else None


def _fallback_date(tree: Any, url: str | None, origin: str) -> str | None:
    """Ask htmldate for the page's original publication date."""
    try:
        found = find_date(tree, url=url, original_date=True, extensive_search=True)
    except Exception:  # htmldate is a best-effort fallback; a failure only loses the date
        LOGGER.debug("%s: htmldate failed", origin, exc_info=True)
        return None
    return found if isinstance(found, str) else None


def article_from_html(html: bytes | str, *, origin: str, url: str | None = None) -> Article:
    """Return the `Article` in an HTML page, as bytes (encoding detected) or text.

    `url` is the page's address when known (a feed or a crawl record gives it); the page's own
    canonical URL is used otherwise. Raises `InputError` "no article text found" for a page with
    no extractable article text, and for binary data, a page of more than `MAX_HTML_ELEMENTS`
    elements and one nested so deep that its text is lost.
    """
    if isinstance(html, bytes):
        html = decode_html(html, origin)
    try:
        tree = load_html(html)
        too_deep = _too_deep(HTML_PARSER)
        document = None
        if tree is not None:
            _check_size(tree, origin)
            document = bare_extraction(
                tree, url=url, with_metadata=True, include_comments=False, deduplicate=False
            )
    except InputError:
        raise
    except Exception as error:  # a page lxml or trafilatura chokes on is bad input, not a crash
        LOGGER.debug("%s: HTML extraction failed", origin, exc_info=True)
        raise InputError(origin, f"HTML could not be parsed ({type(error).__name__})") from None
    text = getattr(document, "text", None) if document is not None else None
    if tree is None or not isinstance(text, str) or not _has_prose(text):
        raise InputError(origin, _TOO_DEEP if too_deep else "no article text found")
    page_url = url or getattr(document, "url", None)
    raw_date = getattr(document, "date", None) or _fallback_date(tree, page_url, origin)
    author = getattr(document, "author", None)
    try:
        return article_from_text(
            text,
            title=getattr(document, "title", None),
            date=parse_date(raw_date),
            url=page_url,
            outlet=getattr(document, "sitename", None),
            origin=origin,
            authors=split_authors(author) if isinstance(author, str) else (),
            language=_page_language(tree),
        )
    except NoArticleTextError:
        raise InputError(origin, "no article text found") from None


def read_html_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read an `.html`/`.htm` page (or its `.gz`); raises `InputError` when it cannot be read."""
    path = Path(path)
    return article_from_html(read_bytes(path, max_bytes), origin=str(path))


_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "blockquote", "section", "article", "tr", "pre", "figure", "ul", "ol", "table"}
    | {f"h{level}" for level in range(1, 7)}
)


def html_fragment_text(fragment: str, *, origin: str = "<html>") -> str:
    """Return the text of an HTML fragment (a feed entry's content), one paragraph per block.

    Scripts and styles are dropped; `<br>` becomes a line break. Text that is not HTML comes back
    as it is. Raises `InputError` naming `origin` for a fragment nested so deep that its text
    would be lost.
    """
    if "<" not in fragment:
        return fragment
    fragment = _NOT_IN_XML.sub(" ", fragment)  # lxml refuses them in the text it is given
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return fragment
    if _too_deep(parser):
        raise InputError(origin, _TOO_DEEP)
    for element in list(root.iter("script", "style")):
        element.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
    return str(root.text_content())
