"""tocsin: sourced, coded political event data from news reports.

Most users need only this::

    import tocsin
    events = tocsin.code("Iran's defence minister threatened Israel on Tuesday.", date=...)

and the record types below; every stage is reachable in its own module
(`tocsin.ingest`, `tocsin.parse`, `tocsin.actors`, `tocsin.events`, `tocsin.attribution`,
`tocsin.store`).
"""

from __future__ import annotations

from tocsin.errors import DictionaryError, InputError, ModelError, StoreError, TocsinError
from tocsin.export import export_events
from tocsin.ingest.gdelt import import_gdelt
from tocsin.pipeline import Options, code, code_article, code_articles
from tocsin.store import Store
from tocsin.types import (
    ActorMention,
    Article,
    Attribution,
    CodedArticle,
    Event,
    Location,
    Quote,
    Rejection,
    Sentence,
    Speaker,
)

__version__ = "0.1.0"


def open(path: str = "tocsin.duckdb", *, read_only: bool = False) -> Store:
    """Open (creating if needed) a tocsin database: `tocsin.open("events.duckdb").events()`.

    For notebooks, `.events_frame(actor=…, since=…)` and `.quotes_frame()` return pandas DataFrames.
    """
    return Store(path, read_only=read_only)


__all__ = [
    "ActorMention",
    "Article",
    "Attribution",
    "CodedArticle",
    "DictionaryError",
    "Event",
    "InputError",
    "Location",
    "ModelError",
    "Options",
    "Quote",
    "Rejection",
    "Sentence",
    "Speaker",
    "Store",
    "StoreError",
    "TocsinError",
    "__version__",
    "code",
    "code_article",
    "code_articles",
    "export_events",
    "import_gdelt",
    "open",
]
