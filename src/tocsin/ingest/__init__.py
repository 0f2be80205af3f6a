"""Ingest: read files, folders, globs and URLs of news into `Article` records, or say why not.

`read_paths` is the entry point: it walks folders, expands globs, fetches URLs, picks a reader by
file extension (or content) and yields an `Article` or a `Rejection` for every input without ever
raising for bad input. The readers for single formats (`read_text_file`, `read_html_file`,
`read_jsonl_file`, `read_csv_file`, `read_feed_file`, `read_warc_file`, `read_url`) and the builders
they share (`article_from_text`, `article_from_html`, `record_to_article`, `parse_date`) are usable
alone. A whole ingest run (language, near-duplicates, coding, storing) is `tocsin.ingest.run.ingest`.
"""

from __future__ import annotations

from tocsin.ingest._dates import parse_date
from tocsin.ingest._files import DEFAULT_MAX_BYTES
from tocsin.ingest._paths import ReadOptions, read_paths, read_url
from tocsin.ingest.feeds import read_feed, read_feed_file
from tocsin.ingest.fetch import fetch_url
from tocsin.ingest.html import article_from_html, read_html_file
from tocsin.ingest.tabular import read_csv_file, read_jsonl_file, record_to_article
from tocsin.ingest.text import article_from_text, read_text_file
from tocsin.ingest.warc import read_warc_file

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ReadOptions",
    "article_from_html",
    "article_from_text",
    "fetch_url",
    "parse_date",
    "read_csv_file",
    "read_feed",
    "read_feed_file",
    "read_html_file",
    "read_jsonl_file",
    "read_paths",
    "read_text_file",
    "read_url",
    "read_warc_file",
    "record_to_article",
]
