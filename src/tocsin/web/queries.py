"""The web layer's queries: pure functions over a `Store` giving JSON-ready dicts and lists.

The REST API (`tocsin.web.api`) and the dashboard (`tocsin.web.dashboard`) both read through these.
Every filter is applied in SQL with parameters (user input never becomes SQL text), lists are paged
with LIMIT/OFFSET and carry their total count, and dates are ISO strings. Invalid filters raise
`ValueError` with a message a user can act on (the API answers 422 with it).

Character offsets (`span` of events, quotes and mentions, `predicate.span`) are offsets into the
article's stored text, as the pipeline produces them (spaCy's document is the whole article text).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from tocsin.store import _QUOTE_COLUMNS, SCHEMA_VERSION, Store, _quote_dict
from tocsin.types import source_chain
from tocsin.warn import PERIODS, parse_dyad
from tocsin.warn import series as warn_series

LOGGER = logging.getLogger(__name__)

MAX_LIMIT = 500
"""The most items one page may hold."""
MAX_OFFSET = 1_000_000_000
MAX_TEXT = 200
"""The longest free-text filter (outlet, text, speaker, search) accepted, in characters."""
MAX_PERIODS = 20_000
"""The most periods a series may span (about 55 years of days)."""

_EVENT_FROM = "events e"  # what `_event_where` filters: the events alone (fast to count and sort)
_EVENT_ORDER = "e.date DESC NULLS LAST, e.article_id, e.sentence_index, e.event_id"


# -- filters -------------------------------------------------------------------------------------


def _text_value(name: str, value: str | None) -> str | None:
    """A free-text filter: trimmed, None when empty, at most `MAX_TEXT` characters."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT:
        raise ValueError(f"{name}: at most {MAX_TEXT} characters, not {len(value)}")
    return value


def _code_value(name: str, value: str | None) -> str | None:
    """An actor code or prefix (IRN, USAGOV): letters and digits, upper-cased; None when empty."""
    value = _text_value(name, value)
    if value is None:
        return None
    if not (value.isascii() and value.isalnum()) or len(value) > 30:
        raise ValueError(f"{name}: an actor code or prefix such as IRN or USAGOV, not {value!r}")
    return value.upper()


def _root_value(value: str | None) -> str | None:
    """A CAMEO root "01" … "20" (a bare "1" … "20" is accepted); None when empty."""
    value = _text_value("root", value)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 2 and 1 <= int(value) <= 20):
        raise ValueError(f"root: a CAMEO root code from 01 to 20, not {value!r}")
    return f"{int(value):02d}"


def _country_value(value: str | None) -> str | None:
    """An ISO 3166 alpha-3 country code, upper-cased; None when empty."""
    value = _text_value("country", value)
    if value is None:
        return None
    if not (value.isascii() and value.isalpha() and len(value) == 3):
        raise ValueError(f"country: an ISO-3 country code such as IRQ, not {value!r}")
    return value.upper()


def _dyad_value(value: str | None) -> str | None:
    """A dyad "IRN-USA" (two code prefixes), upper-cased; None when empty."""
    value = _text_value("dyad", value)
    if value is None:
        return None
    source, target = parse_dyad(value)
    _code_value("dyad", source)
    _code_value("dyad", target)
    return f"{source}-{target}"


def _date_range(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and since > until:
        raise ValueError(f"since ({since.isoformat()}) is after until ({until.isoformat()})")


def _parse_date(name: str, value: str | None) -> date | None:
    value = _text_value(name, value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: not a date: {value!r} (use YYYY-MM-DD)") from None


def _parse_bool(name: str, value: str | None) -> bool:
    value = (value or "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{name}: true or false, not {value!r}")


@dataclass(frozen=True)
class EventFilter:
    """Which events to show; every field is optional and they combine with AND.

    `actor`: a code prefix of the source or the target (IRN matches IRNGOV). `dyad`: "IRN-USA",
    source and target code prefixes, in either direction. `root`: CAMEO root "01" … "20".
    `quad_class`: 1 … 4. `since`/`until`: inclusive event dates (undated events are then left out).
    `outlet`: the article's outlet, exactly but ignoring case. `anonymous`: only events whose speaker
    is anonymous. `country`: where the event happened (ISO-3). `text`: a case-insensitive substring of
    the sentence. Empty strings mean no filter; invalid values raise `ValueError` saying why.
    """

    actor: str | None = None
    dyad: str | None = None
    root: str | None = None
    quad_class: int | None = None
    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    anonymous: bool = False
    country: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        normalised = {
            "actor": _code_value("actor", self.actor),
            "dyad": _dyad_value(self.dyad),
            "root": _root_value(self.root),
            "outlet": _text_value("outlet", self.outlet),
            "country": _country_value(self.country),
            "text": _text_value("text", self.text),
        }
        for name, value in normalised.items():
            object.__setattr__(self, name, value)
        quad = self.quad_class
        if quad is not None and (isinstance(quad, bool) or not isinstance(quad, int) or not 1 <= quad <= 4):
            raise ValueError(f"quad_class: 1, 2, 3 or 4, not {quad!r}")
        _date_range(self.since, self.until)

    @classmethod
    def parse(cls, params: dict[str, str | None]) -> EventFilter:
        """Build a filter from strings (a query string or form): dates as YYYY-MM-DD, `quad_class`
        as a number, `anonymous` as true/false/1/0/on; unknown keys are ignored."""
        quad = _text_value("quad_class", params.get("quad_class"))
        if quad is not None and not (quad.isascii() and quad.isdigit()):
            raise ValueError(f"quad_class: 1, 2, 3 or 4, not {quad!r}")
        return cls(
            actor=params.get("actor"),
            dyad=params.get("dyad"),
            root=params.get("root"),
            quad_class=int(quad) if quad is not None else None,
            since=_parse_date("since", params.get("since")),
            until=_parse_date("until", params.get("until")),
            outlet=params.get("outlet"),
            anonymous=_parse_bool("anonymous", params.get("anonymous")),
            country=params.get("country"),
            text=params.get("text"),
        )

    def to_params(self) -> dict[str, str]:
        """The filter as query-string parameters (only those set), e.g. for links between pages."""
        out: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or value is False:
                continue
            out[item.name] = (
                "true" if value is True else value.isoformat() if isinstance(value, date) else str(value)
            )
        return out


def _event_where(filters: EventFilter) -> tuple[str, list[Any]]:
    """The WHERE clause (or "") and parameters of a filter over `_EVENT_FROM`."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.actor is not None:
        clauses.append("(starts_with(upper(e.source_code), ?) OR starts_with(upper(e.target_code), ?))")
        params += [filters.actor, filters.actor]
    if filters.dyad is not None:
        first, second = parse_dyad(filters.dyad)
        clauses.append(
            "((starts_with(upper(e.source_code), ?) AND starts_with(upper(e.target_code), ?)) "
            "OR (starts_with(upper(e.source_code), ?) AND starts_with(upper(e.target_code), ?)))"
        )
        params += [first, second, second, first]
    if filters.root is not None:
        clauses.append("e.cameo_root = ?")
        params.append(filters.root)
    if filters.quad_class is not None:
        clauses.append("e.quad_class = ?")
        params.append(filters.quad_class)
    if filters.since is not None:
        clauses.append("e.date >= ?")
        params.append(filters.since)
    if filters.until is not None:
        clauses.append("e.date <= ?")
        params.append(filters.until)
    if filters.outlet is not None:
        clauses.append("e.article_id IN (SELECT id FROM articles WHERE lower(outlet) = lower(?))")
        params.append(filters.outlet)
    if filters.anonymous:
        clauses.append("e.speaker_anonymous IS TRUE")
    if filters.country is not None:
        clauses.append("e.location_country = ?")
        params.append(filters.country)
    if filters.text is not None:
        clauses.append("contains(lower(e.sentence), lower(?))")
        params.append(filters.text)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _page(limit: int, offset: int, *, most: int = MAX_LIMIT) -> None:
    if isinstance(limit, bool) or not 1 <= limit <= most:
        raise ValueError(f"limit: from 1 to {most}, not {limit}")
    if isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
        raise ValueError(f"offset: from 0 to {MAX_OFFSET}, not {offset}")


# -- events --------------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _article_ref(
    article_id: str, title: str | None, outlet: str | None, url: str | None, day: Any
) -> dict[str, Any]:
    return {"id": article_id, "title": title, "outlet": outlet, "url": url, "date": _iso(day)}


def _event_item(record: str, article: dict[str, Any]) -> dict[str, Any]:
    """An event's stored JSON record with its article's metadata and its source chain."""
    event: dict[str, Any] = json.loads(record)
    event.setdefault("origin", "tocsin")  # imported events say where from (gdelt)
    event["article"] = dict(article)
    event["source_chain"] = source_chain(event.get("attribution") or {})
    return event


class RecordCache:
    """Stored event records and article metadata by id, kept between the requests of a server that
    holds its database open. tocsin only ever adds events and articles, never changes one, so a row
    once read stays right; the least recently used go beyond `max_entries` of each. Thread-safe.
    Pass one as `cache=` to the functions here to skip re-reading rows a page shows again."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._tables: dict[str, OrderedDict[str, Any]] = {"events": OrderedDict(), "articles": OrderedDict()}

    def get(self, table: str, keys: list[str]) -> dict[str, Any]:
        """The cached rows of `table` ("events" or "articles") among `keys`."""
        rows = self._tables[table]
        with self._lock:
            found = {key: rows[key] for key in keys if key in rows}
            for key in found:
                rows.move_to_end(key)
        return found

    def put(self, table: str, found: dict[str, Any]) -> None:
        """Remember rows of `table` just read, forgetting the least recently used beyond the cap."""
        rows = self._tables[table]
        with self._lock:
            rows.update(found)
            while len(rows) > self.max_entries:
                rows.popitem(last=False)


def _rows_by_id(
    store: Store, cache: RecordCache | None, table: str, sql: str, ids: list[str]
) -> dict[str, tuple[Any, ...]]:
    """Rows `(id, …)` of a fixed `sql` selecting by `id = ANY(?)`, from `cache` where it has them."""
    found = cache.get(table, ids) if cache is not None else {}
    missing = sorted({key for key in ids if key not in found})
    if missing:
        read = {row[0]: row for row in store.query(sql, [missing])}
        if cache is not None:
            cache.put(table, read)
        found.update(read)
    return found


def list_events(
    store: Store,
    filters: EventFilter,
    *,
    limit: int = 50,
    offset: int = 0,
    cache: RecordCache | None = None,
) -> dict[str, Any]:
    """Return a page of the events matching `filters`, newest first (undated last), as
    `{"items", "total", "limit", "offset"}`; each item is the stored `Event.to_dict()` record with
    `article` (id, title, outlet, url, date), `source_chain` and `origin` ("tocsin", or the data set
    an imported event came from) added."""
    _page(limit, offset)
    where, params = _event_where(filters)
    total = store.query(f"SELECT count(*) FROM {_EVENT_FROM}{where}", params)[0][0]
    # the page's ids first (sorting narrow columns), then their records by primary key
    page = store.query(
        f"SELECT e.event_id FROM {_EVENT_FROM}{where} ORDER BY {_EVENT_ORDER} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    items = get_events(store, [row[0] for row in page], cache=cache)
    return {"items": items, "total": int(total), "limit": limit, "offset": offset}


def get_events(
    store: Store, event_ids: list[str], *, cache: RecordCache | None = None
) -> list[dict[str, Any]]:
    """Return these events as `list_events` items, in the order given (unknown ids left out)."""
    if not event_ids:
        return []
    # by primary key, and the articles apart: cheaper than joining before picking the rows
    events = _rows_by_id(
        store,
        cache,
        "events",
        "SELECT event_id, article_id, record FROM events WHERE event_id = ANY(?)",
        event_ids,
    )
    articles = _rows_by_id(
        store,
        cache,
        "articles",
        "SELECT id, title, outlet, url, date FROM articles WHERE id = ANY(?)",
        [row[1] for row in events.values()],
    )
    items = []
    for event_id in event_ids:
        if event_id in events:
            _, article_id, record = events[event_id]
            article = articles.get(article_id) or (article_id, None, None, None, None)
            items.append(_event_item(record, _article_ref(*article)))
    return items


def get_event(store: Store, event_id: str, *, cache: RecordCache | None = None) -> dict[str, Any] | None:
    """Return one event as a `list_events` item, or None when no event has this id."""
    items = get_events(store, [event_id], cache=cache)
    return items[0] if items else None


# -- articles and quotes -------------------------------------------------------------------------


def get_article(store: Store, article_id: str, *, cache: RecordCache | None = None) -> dict[str, Any] | None:
    """Return an article's metadata and `text` with what was found in it, or None when it is not
    stored: `mentions` (start, end, text, code, country, role), `events` (as `list_events` items, in
    text order) and `quotes` (`Quote.to_dict()` records). Every span is a character offset into
    `text`."""
    article = store.article(article_id)
    if article is None:
        return None
    mentions = store.query(
        'SELECT "start", "end", text, code, country, role FROM mentions WHERE article_id = ? '
        'ORDER BY "start", "end"',
        [article_id],
    )
    article["mentions"] = [
        {"start": start, "end": end, "text": text, "code": code, "country": country, "role": role}
        for start, end, text, code, country, role in mentions
    ]
    events = store.query(
        "SELECT event_id FROM events WHERE article_id = ? ORDER BY sentence_index, predicate_start, event_id",
        [article_id],
    )
    article["events"] = get_events(store, [row[0] for row in events], cache=cache)
    article["quotes"] = store.quotes(article_id)
    return article


def list_quotes(
    store: Store,
    *,
    article_id: str | None = None,
    speaker: str | None = None,
    anonymous: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Return a page of stored quotes, newest article first, as `{"items", "total", "limit",
    "offset"}`; each item is the `Quote.to_dict()` record with its `article` (id, title, outlet, url,
    date). `speaker` matches a case-insensitive substring of the speaker's words or a prefix of their
    code; `anonymous` keeps quotes from anonymous sources only."""
    _page(limit, offset)
    article_id = _text_value("article_id", article_id)
    speaker = _text_value("speaker", speaker)
    clauses: list[str] = []
    params: list[Any] = []
    if article_id is not None:
        clauses.append("q.article_id = ?")
        params.append(article_id)
    if speaker is not None:
        clauses.append(
            "(contains(lower(q.speaker_text), lower(?)) OR starts_with(upper(q.speaker_code), upper(?)))"
        )
        params += [speaker, speaker]
    if anonymous:
        clauses.append("q.speaker_anonymous IS TRUE")
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    source = f"(SELECT {_QUOTE_COLUMNS} FROM quotes) q LEFT JOIN articles a ON a.id = q.article_id"
    total = store.query(f"SELECT count(*) FROM {source}{where}", params)[0][0]
    rows = store.query(
        f"SELECT q.*, a.title, a.outlet, a.url, a.date FROM {source}{where} "
        'ORDER BY a.date DESC NULLS LAST, q.article_id, q.sentence_index, q."start", q."end" '
        "LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    items = []
    for row in rows:
        quote = _quote_dict(row[:-4])
        quote["article"] = _article_ref(quote["article_id"], *row[-4:])
        items.append(quote)
    return {"items": items, "total": int(total), "limit": limit, "offset": offset}


# -- aggregates ----------------------------------------------------------------------------------


def top_dyads(store: Store, filters: EventFilter, *, limit: int = 20) -> list[dict[str, Any]]:
    """Return the most active dyads among the events matching `filters`, most events first.

    A dyad here is directed and uses full actor codes: `"IRNGOV-USA"` is every event whose source
    code is IRNGOV and whose target code is USA (events without both codes are left out). Each row:
    `dyad`, `source`, `target`, `events`, `conflict_share` (QuadClass 3 or 4), `goldstein_mean`,
    `first_date`, `last_date`.
    """
    _page(limit, 0)
    where, params = _event_where(filters)
    where = (
        where + " AND" if where else " WHERE"
    ) + " e.source_code IS NOT NULL AND e.target_code IS NOT NULL"
    rows = store.query(
        "SELECT e.source_code, e.target_code, count(*) AS n, "
        "avg(CASE WHEN e.quad_class >= 3 THEN 1.0 ELSE 0.0 END), avg(e.goldstein), min(e.date), max(e.date) "
        f"FROM {_EVENT_FROM}{where} GROUP BY e.source_code, e.target_code "
        "ORDER BY n DESC, e.source_code, e.target_code LIMIT ?",
        [*params, limit],
    )
    return [
        {
            "dyad": f"{source}-{target}",
            "source": source,
            "target": target,
            "events": int(events),
            "conflict_share": round(float(conflict), 3),
            "goldstein_mean": round(float(goldstein), 3),
            "first_date": _iso(first),
            "last_date": _iso(last),
        }
        for source, target, events, conflict, goldstein, first, last in rows
    ]


def _check_period(by: str) -> None:
    if by not in PERIODS:
        raise ValueError(f"by: one of {', '.join(PERIODS)}, not {by!r}")


def volume(store: Store, filters: EventFilter, *, by: str = "day") -> list[dict[str, Any]]:
    """Return how many matching dated events (and distinct articles, conflict and cooperation
    events) fall in each day or week (weeks start on Monday), from the first period with events to
    the last, quiet periods included as zeros: `[{"period", "events", "articles", "conflict",
    "cooperation"}]`."""
    _check_period(by)
    where, params = _event_where(filters)
    where = (where + " AND" if where else " WHERE") + " e.date IS NOT NULL"
    period = "CAST(date_trunc('week', e.date) AS DATE)" if by == "week" else "e.date"
    rows = store.query(
        f"SELECT {period} AS period, count(*), count(DISTINCT e.article_id), "
        "count(*) FILTER (WHERE e.quad_class >= 3), count(*) FILTER (WHERE e.quad_class <= 2) "
        f"FROM {_EVENT_FROM}{where} GROUP BY period ORDER BY period",
        params,
    )
    if not rows:
        return []
    found = {row[0]: row[1:] for row in rows}
    step = timedelta(days=7 if by == "week" else 1)
    points = []
    current, last = rows[0][0], rows[-1][0]
    while current <= last:
        events, articles, conflict, cooperation = found.get(current, (0, 0, 0, 0))
        points.append(
            {
                "period": current.isoformat(),
                "events": int(events),
                "articles": int(articles),
                "conflict": int(conflict),
                "cooperation": int(cooperation),
            }
        )
        current += step
    return points


def places(store: Store, filters: EventFilter, *, limit: int = 5000) -> list[dict[str, Any]]:
    """How many matching events happened at each place, most first: `country` (ISO-3), `name`,
    `precision`, `lat`, `lon` (rounded to 0.01 degree), `events`. Events located only to a country
    have `precision` "country" and null coordinates; events with no location are left out."""
    _page(limit, 0, most=5000)
    where, params = _event_where(filters)
    where = (where + " AND" if where else " WHERE") + " e.location_country IS NOT NULL"
    rows = store.query(
        "SELECT e.location_country, coalesce(e.location_precision, 'country') AS precision, "
        "round(e.location_lat, 2) AS lat, round(e.location_lon, 2) AS lon, "
        "min(e.location_name), count(*) AS n "
        f"FROM {_EVENT_FROM}{where} GROUP BY 1, 2, 3, 4 ORDER BY n DESC, 1, 2 LIMIT ?",
        [*params, limit],
    )
    return [
        {"country": country, "name": name, "precision": precision, "lat": lat, "lon": lon, "events": int(n)}
        for country, precision, lat, lon, name, n in rows
    ]


def _dated_range(store: Store) -> tuple[date | None, date | None]:
    """The first and last event dates in the database (None, None when no event is dated)."""
    first, last = store.query("SELECT min(date), max(date) FROM events")[0]
    return first, last


def series(
    store: Store,
    *,
    dyad: str | None = None,
    actor: str | None = None,
    by: str = "week",
    since: date | None = None,
    until: date | None = None,
    both_directions: bool = True,
) -> list[dict[str, Any]]:
    """Return the event series of a dyad (in both directions unless `both_directions` is False)
    and/or an actor, one `SeriesPoint.to_dict()` row per day or week, as `tocsin series` prints
    (counts of consolidated events by QuadClass, Goldstein sums and means, per-1k figures). With
    neither, the series of all events. Raises ValueError for a malformed dyad, actor or period, or a
    range of more than `MAX_PERIODS` periods."""
    _check_period(by)
    dyad = _dyad_value(dyad)
    actor = _code_value("actor", actor)
    _date_range(since, until)
    first, last = _dated_range(store)
    if first is None or last is None:
        return []
    start, stop = since or first, until or last
    if stop >= start and (stop - start).days // (7 if by == "week" else 1) > MAX_PERIODS:
        raise ValueError(f"the range {start} … {stop} holds more than {MAX_PERIODS} {by}s; narrow it")
    points = warn_series(
        store, dyad=dyad, actor=actor, by=by, since=since, until=until, both_directions=both_directions
    )
    return [point.to_dict() for point in points]


def alerts(
    store: Store,
    *,
    dyad: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Return a page of stored alerts, latest firing first, as `{"items", "total", "limit",
    "offset"}`; each item is the `Alert.to_dict()` record with `detected_at`. `dyad` ("IRN-USA",
    either direction) and the inclusive `since`/`until` on the firing period filter them."""
    _page(limit, offset)
    dyad = _dyad_value(dyad)
    _date_range(since, until)
    records = store.alerts(dyad=dyad, since=since, until=until)
    records.reverse()
    return {
        "items": records[offset : offset + limit],
        "total": len(records),
        "limit": limit,
        "offset": offset,
    }


def _snippet(text: str, needle: str, width: int = 80) -> str:
    """A piece of `text` around the first case-insensitive occurrence of `needle`."""
    at = text.lower().find(needle.lower())
    if at < 0:
        return text[: 2 * width].strip() + ("…" if len(text) > 2 * width else "")
    start, end = max(0, at - width), min(len(text), at + len(needle) + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def search(store: Store, text: str, *, limit: int = 20, cache: RecordCache | None = None) -> dict[str, Any]:
    """Return the articles whose title or text, and the events whose sentence, contain `text`
    (ignoring case), newest first: `{"articles": [metadata + "snippet"], "events": [list_events
    items]}`, at most `limit` of each."""
    _page(limit, 0)
    needle = _text_value("q", text)
    if needle is None:
        raise ValueError("q: give some text to search for")
    rows = store.query(
        "SELECT a.id, a.title, a.outlet, a.url, a.date, a.text FROM articles a "
        "WHERE contains(lower(coalesce(a.title, '')), lower(?)) OR contains(lower(a.text), lower(?)) "
        "ORDER BY a.date DESC NULLS LAST, a.id LIMIT ?",
        [needle, needle, limit],
    )
    articles = [
        {**_article_ref(article_id, title, outlet, url, day), "snippet": _snippet(body, needle)}
        for article_id, title, outlet, url, day, body in rows
    ]
    events = list_events(store, EventFilter(text=needle), limit=limit, cache=cache)["items"]
    return {"articles": articles, "events": events}


def health(store: Store) -> dict[str, Any]:
    """Return the database's schema version and how many articles, events, quotes, mentions,
    rejections and alerts it holds."""
    counts = store.counts()
    counts["alerts"] = int(store.query("SELECT count(*) FROM alerts")[0][0])
    return {"status": "ok", "schema_version": SCHEMA_VERSION, "counts": counts}


def overview(store: Store) -> dict[str, Any]:
    """Return the front page's figures: `counts` (articles, events, quotes, alerts), `first_date`
    and `last_date` of the dated events, the 5 latest `alerts` and the 10 most active dyads."""
    counts = health(store)["counts"]
    first, last = _dated_range(store)
    return {
        "counts": {name: counts[name] for name in ("articles", "events", "quotes", "alerts")},
        "first_date": _iso(first),
        "last_date": _iso(last),
        "alerts": alerts(store, limit=5)["items"],
        "top_dyads": top_dyads(store, EventFilter(), limit=10),
    }
