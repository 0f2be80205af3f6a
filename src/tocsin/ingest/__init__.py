"""Ingest: read files and folders of news reports into `Article` records, or say why not.

`read_paths` is the entry point: it walks folders, picks a reader by file extension and yields an
`Article` or a `Rejection` for every input without ever raising for bad input. The readers for
single formats (`read_text_file`, `read_html_file`, `read_jsonl_file`) and the builders they share
(`article_from_text`, `article_from_html`, `record_to_article`, `parse_date`) are usable alone.
"""

from __future__ import annotations

from tocsin.ingest._dates import parse_date
from tocsin.ingest._files import DEFAULT_MAX_BYTES
from tocsin.ingest._paths import read_paths
from tocsin.ingest.html import article_from_html, read_html_file
from tocsin.ingest.tabular import read_jsonl_file, record_to_article
from tocsin.ingest.text import article_from_text, read_text_file

__all__ = [
    "DEFAULT_MAX_BYTES",
    "article_from_html",
    "article_from_text",
    "parse_date",
    "read_html_file",
    "read_jsonl_file",
    "read_paths",
    "read_text_file",
    "record_to_article",
]
