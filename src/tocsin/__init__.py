"""tocsin: sourced, coded political event data from news reports.

Most users need only this::

    import tocsin
    events = tocsin.code("Iran's defence minister threatened Israel on Tuesday.", date=...)

and the record types below; every stage is reachable in its own module
(`tocsin.ingest`, `tocsin.parse`, `tocsin.actors`, `tocsin.events`, `tocsin.attribution`,
`tocsin.store`).
"""

from __future__ import annotations

from typing import Any

from tocsin.errors import DictionaryError, InputError, ModelError, StoreError, TocsinError
from tocsin.export import export_events
from tocsin.ingest.gdelt import import_gdelt
from tocsin.pipeline import Options, code, code_article, code_articles
from tocsin.store import Store
from tocsin.types import (
    ActorMention,
    Alert,
    Article,
    Attribution,
    CodedArticle,
    Event,
    Location,
    Quote,
    Rejection,
    Sentence,
    SeriesPoint,
    Speaker,
)

__version__ = "0.1.0"


def open(path: str = "tocsin.duckdb", *, read_only: bool = False) -> Store:
    """Open (creating if needed) a tocsin database: `tocsin.open("events.duckdb").events()`.

    For notebooks, `.events_frame(actor=…, since=…)` and `.quotes_frame()` return pandas DataFrames.
    """
    return Store(path, read_only=read_only)


def series(store: Store, **options: Any) -> list[SeriesPoint]:
    """A dyad's or an actor's event series per day or week: `tocsin.series(store, dyad="IRN-USA",
    by="week")` (see `tocsin.warn.series`; `Store.series_frame` gives a DataFrame)."""
    from tocsin.warn import series as build_series

    return build_series(store, **options)


def alerts(store: Store, *, detect: bool = True, **options: Any) -> list[dict[str, Any]]:
    """The escalation alerts stored in `store`, after running the detector (`detect`) over its
    events: `tocsin.alerts(store, dyad="IRN-USA", since=…)` (see `tocsin.warn.detect_alerts`;
    `Store.alerts_frame` gives a DataFrame)."""
    from tocsin.warn import detect_alerts

    if detect and not store.read_only:
        detect_alerts(store, dyad=options.get("dyad"))
    return store.alerts(**options)


__all__ = [
    "ActorMention",
    "Alert",
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
    "SeriesPoint",
    "Speaker",
    "Store",
    "StoreError",
    "TocsinError",
    "__version__",
    "alerts",
    "code",
    "code_article",
    "code_articles",
    "export_events",
    "import_gdelt",
    "open",
    "series",
]
