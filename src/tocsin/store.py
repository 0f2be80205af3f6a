"""The store stage: coded articles, quotes, events and rejections in one embedded DuckDB file.

`Store.add` writes an article with everything found in it in one transaction, so the database never
holds half an article. Events keep flat, queryable columns next to a `record` column holding
`Event.to_dict()`, which is what `Store.events` returns, so the JSONL contract round-trips exactly.
Every statement is parameterised; user input never becomes SQL text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from tocsin.errors import StoreError
from tocsin.types import ActorMention, Article, CodedArticle, Event, Quote, Rejection, Speaker

LOGGER = logging.getLogger(__name__)

DEFAULT_DB = "tocsin.duckdb"
SCHEMA_VERSION = 1

_TABLES = ("meta", "articles", "mentions", "quotes", "events", "rejections")

_SCHEMA = (
    """
    CREATE TABLE articles (
        id VARCHAR PRIMARY KEY,
        title VARCHAR,
        date DATE,
        url VARCHAR,
        outlet VARCHAR,
        origin VARCHAR,
        authors VARCHAR[],
        language VARCHAR,
        text VARCHAR NOT NULL,
        ingested_at TIMESTAMP NOT NULL
    )
    """,
    """
    CREATE TABLE mentions (
        article_id VARCHAR NOT NULL,
        "start" INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        code VARCHAR,
        country VARCHAR,
        role VARCHAR,
        kind VARCHAR,
        rule VARCHAR,
        name VARCHAR
    )
    """,
    """
    CREATE TABLE quotes (
        article_id VARCHAR NOT NULL,
        sentence_index INTEGER NOT NULL,
        "start" INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        direct BOOLEAN NOT NULL,
        speaker_text VARCHAR,
        speaker_code VARCHAR,
        speaker_anonymous BOOLEAN,
        speaker_kind VARCHAR,
        cue VARCHAR,
        via VARCHAR[]
    )
    """,
    """
    CREATE TABLE events (
        event_id VARCHAR PRIMARY KEY,
        article_id VARCHAR NOT NULL,
        date DATE,
        sentence_index INTEGER NOT NULL,
        sentence VARCHAR NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        source_text VARCHAR NOT NULL,
        source_code VARCHAR,
        source_country VARCHAR,
        source_role VARCHAR,
        target_text VARCHAR,
        target_code VARCHAR,
        target_country VARCHAR,
        target_role VARCHAR,
        cameo VARCHAR NOT NULL,
        cameo_root VARCHAR NOT NULL,
        quad_class INTEGER NOT NULL,
        goldstein DOUBLE NOT NULL,
        plover_type VARCHAR,
        plover_mode VARCHAR,
        speaker_text VARCHAR,
        speaker_code VARCHAR,
        speaker_anonymous BOOLEAN,
        speaker_kind VARCHAR,
        cue VARCHAR,
        via VARCHAR[],
        quoted BOOLEAN NOT NULL,
        location_name VARCHAR,
        location_country VARCHAR,
        predicate VARCHAR,
        predicate_start INTEGER,
        predicate_end INTEGER,
        confidence DOUBLE NOT NULL,
        modality VARCHAR NOT NULL,
        date_basis VARCHAR NOT NULL,
        record JSON NOT NULL
    )
    """,
    """
    CREATE TABLE rejections (
        origin VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        recorded_at TIMESTAMP NOT NULL
    )
    """,
    "CREATE INDEX events_date ON events (date)",
    "CREATE INDEX events_source_code ON events (source_code)",
    "CREATE INDEX events_target_code ON events (target_code)",
    "CREATE INDEX mentions_article ON mentions (article_id)",
    "CREATE INDEX quotes_article ON quotes (article_id)",
)

_ARTICLE_COLUMNS = "id, title, date, url, outlet, origin, authors, language, text, ingested_at"
_MENTION_COLUMNS = 'article_id, "start", "end", text, code, country, role, kind, rule, name'
_QUOTE_COLUMNS = (
    'article_id, sentence_index, "start", "end", text, direct, '
    "speaker_text, speaker_code, speaker_anonymous, speaker_kind, cue, via"
)
_EVENT_COLUMNS = (
    "event_id, article_id, date, sentence_index, sentence, span_start, span_end, "
    "source_text, source_code, source_country, source_role, "
    "target_text, target_code, target_country, target_role, "
    "cameo, cameo_root, quad_class, goldstein, plover_type, plover_mode, "
    "speaker_text, speaker_code, speaker_anonymous, speaker_kind, cue, via, quoted, "
    "location_name, location_country, predicate, predicate_start, predicate_end, "
    "confidence, modality, date_basis, record"
)


def _insert_sql(table: str, columns: str) -> str:
    """Return a parameterised INSERT for a fixed table and column list (never user input)."""
    placeholders = ", ".join("?" for _ in columns.split(","))
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"


_INSERT_ARTICLE = _insert_sql("articles", _ARTICLE_COLUMNS)
_INSERT_MENTION = _insert_sql("mentions", _MENTION_COLUMNS)
_INSERT_QUOTE = _insert_sql("quotes", _QUOTE_COLUMNS)
_INSERT_EVENT = _insert_sql("events", _EVENT_COLUMNS)

_ARTICLE_FIELDS = (
    "a.id, a.title, a.date, a.url, a.outlet, a.origin, a.authors, a.language, a.ingested_at, "
    "(SELECT count(*) FROM events e WHERE e.article_id = a.id) AS events"
)


def _utc_now() -> datetime:
    """Return the current UTC time as a naive timestamp, the form the TIMESTAMP columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)


def _iso_utc(value: datetime | None) -> str | None:
    """Return a stored naive-UTC timestamp as an ISO 8601 string with its offset."""
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


class Store:
    """An open tocsin database: one DuckDB file holding articles, quotes, events and rejections.

    Use it as a context manager, or call `close()`. A store is one connection: use it from one
    thread at a time.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        """Open (and, unless read-only, create) the database at `path`.

        Raises `StoreError` when the file is not a DuckDB database, is locked by another process,
        holds no tocsin schema (read-only), or was written by a newer tocsin.
        """
        self.path = str(path)
        self.read_only = read_only
        try:
            self._con: duckdb.DuckDBPyConnection | None = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open as a tocsin database: {exc}") from exc
        try:
            self._prepare_schema()
        except BaseException:
            self.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._con is None else ("read-only" if self.read_only else "open")
        return f"Store({self.path!r}, {state})"

    def close(self) -> None:
        """Close the connection; further calls raise `StoreError`. Closing twice is harmless."""
        if self._con is not None:
            self._con.close()
            self._con = None

    # -- schema ----------------------------------------------------------------------------------

    def _prepare_schema(self) -> None:
        """Check the schema version, creating the schema in an empty database."""
        existing = {
            row[0]
            for row in self._query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        }
        if "meta" in existing:
            self._check_version()
            return
        ours = sorted(existing.intersection(_TABLES))
        if ours:
            raise StoreError(
                f"{self.path}: has tables {', '.join(ours)} but no tocsin schema version; "
                "it was not written by tocsin"
            )
        if self.read_only:
            raise StoreError(
                f"{self.path}: holds no tocsin data; open it without read_only to create the schema"
            )
        with self._transaction("create the schema"):
            con = self._connection()
            con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
            for statement in _SCHEMA:
                con.execute(statement)
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        LOGGER.debug("created tocsin schema version %d in %s", SCHEMA_VERSION, self.path)

    def _check_version(self) -> None:
        rows = self._query("SELECT value FROM meta WHERE key = 'schema_version'")
        try:
            version = int(rows[0][0])
        except (IndexError, TypeError, ValueError):
            raise StoreError(f"{self.path}: the meta table holds no valid schema_version") from None
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} was written by a newer tocsin; "
                f"this version reads up to {SCHEMA_VERSION} — upgrade tocsin to open it"
            )
        if version < SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is older than {SCHEMA_VERSION} and cannot be migrated"
            )

    # -- plumbing --------------------------------------------------------------------------------

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"{self.path}: the store is closed")
        return self._con

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one parameterised query and return its rows; DuckDB errors become StoreError."""
        con = self._connection()
        try:
            return con.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: query failed: {exc}") from exc

    @contextmanager
    def _transaction(self, what: str) -> Iterator[None]:
        """Run the body in one transaction: commit on success, roll back and raise on failure."""
        con = self._connection()
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; cannot {what}")
        try:
            con.begin()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot {what}: {exc}") from exc
        try:
            yield
            con.commit()
        except BaseException as exc:
            try:
                con.rollback()
            except duckdb.Error:
                LOGGER.exception("rollback failed in %s", self.path)
            if isinstance(exc, StoreError) or not isinstance(exc, Exception):
                raise
            raise StoreError(f"{self.path}: cannot {what}: {exc}") from exc

    # -- writing ---------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        """Return True when an article with this id is already stored."""
        return bool(self._query("SELECT 1 FROM articles WHERE id = ?", [article_id]))

    def add(self, coded: CodedArticle) -> bool:
        """Store a coded article with its mentions, quotes and events in one transaction.

        Returns False, changing nothing, when the article id is already stored. On any error the
        transaction is rolled back and `StoreError` is raised; nothing already stored changes.
        """
        article = coded.article
        _check_belongs(coded)
        with self._transaction(f"store article {article.id}"):
            con = self._connection()
            if con.execute("SELECT 1 FROM articles WHERE id = ?", [article.id]).fetchone():
                LOGGER.debug("article %s is already stored; skipped", article.id)
                return False
            self._insert_article(con, article)
            self._insert_mentions(con, coded)
            self._insert_quotes(con, coded.quotes)
            self._insert_events(con, coded.events)
        return True

    def add_rejection(self, rejection: Rejection) -> None:
        """Record an input that could not be read as an article, with the time it was recorded."""
        with self._transaction(f"record the rejection of {rejection.origin}"):
            self._connection().execute(
                "INSERT INTO rejections (origin, reason, recorded_at) VALUES (?, ?, ?)",
                [rejection.origin, rejection.reason, _utc_now()],
            )

    def _insert_article(self, con: duckdb.DuckDBPyConnection, article: Article) -> None:
        con.execute(
            _INSERT_ARTICLE,
            [
                article.id,
                article.title,
                article.date,
                article.url,
                article.outlet,
                article.origin,
                list(article.authors),
                article.language,
                article.text,
                _utc_now(),
            ],
        )

    def _insert_mentions(self, con: duckdb.DuckDBPyConnection, coded: CodedArticle) -> None:
        article_id = coded.article.id
        rows = [
            [article_id, m.start, m.end, m.text, m.code, m.country, m.role, m.kind, m.rule, m.name]
            for m in coded.mentions
        ]
        if rows:
            con.executemany(_INSERT_MENTION, rows)

    def _insert_quotes(self, con: duckdb.DuckDBPyConnection, quotes: Sequence[Quote]) -> None:
        rows = [
            [
                q.article_id,
                q.sentence_index,
                q.start,
                q.end,
                q.text,
                q.direct,
                *_speaker_columns(q.speaker),
                q.cue,
                list(q.via),
            ]
            for q in quotes
        ]
        if rows:
            con.executemany(_INSERT_QUOTE, rows)

    def _insert_events(self, con: duckdb.DuckDBPyConnection, events: Sequence[Event]) -> None:
        rows = [_event_row(event) for event in events]
        if rows:
            con.executemany(_INSERT_EVENT, rows)

    # -- reading ---------------------------------------------------------------------------------

    def events(
        self,
        *,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Return stored events in the `Event.to_dict()` form, by date, article, sentence and id.

        `actor` keeps events whose source or target code starts with it, ignoring case, so `IRN`
        matches `IRNGOV` and `IRNMIL`. `since` and `until` are inclusive and drop undated events.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if actor is not None:
            clauses.append(
                "(starts_with(upper(source_code), upper(?)) OR starts_with(upper(target_code), upper(?)))"
            )
            params += [actor, actor]
        if since is not None:
            clauses.append("date >= ?")
            params.append(since)
        if until is not None:
            clauses.append("date <= ?")
            params.append(until)
        sql = "SELECT record FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY date NULLS LAST, article_id, sentence_index, event_id"
        if limit is not None:
            if limit < 0:
                raise ValueError(f"limit must be zero or more, not {limit}")
            sql += " LIMIT ?"
            params.append(limit)
        return [json.loads(row[0]) for row in self._query(sql, params)]

    def quotes(self, article_id: str | None = None) -> list[dict[str, Any]]:
        """Return stored quotes in the `Quote.to_dict()` form, optionally of one article only."""
        sql = f"SELECT {_QUOTE_COLUMNS} FROM quotes"
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        sql += ' ORDER BY article_id, sentence_index, "start", "end"'
        return [_quote_dict(row) for row in self._query(sql, params)]

    def articles(self) -> list[dict[str, Any]]:
        """Return every stored article's metadata (no text) with its event count, by date and id."""
        rows = self._query(f"SELECT {_ARTICLE_FIELDS} FROM articles a ORDER BY a.date NULLS LAST, a.id")
        return [_article_dict(row) for row in rows]

    def article(self, article_id: str) -> dict[str, Any] | None:
        """Return one article's metadata, event count and text, or None when it is not stored."""
        rows = self._query(f"SELECT {_ARTICLE_FIELDS}, a.text FROM articles a WHERE a.id = ?", [article_id])
        if not rows:
            return None
        record = _article_dict(rows[0][:-1])
        record["text"] = rows[0][-1]
        return record

    def rejections(self) -> list[dict[str, Any]]:
        """Return the recorded rejections, oldest first."""
        rows = self._query("SELECT origin, reason, recorded_at FROM rejections ORDER BY recorded_at, rowid")
        return [
            {"origin": origin, "reason": reason, "recorded_at": _iso_utc(recorded_at)}
            for origin, reason, recorded_at in rows
        ]

    def counts(self) -> dict[str, int]:
        """Return how many articles, events, quotes, mentions and rejections are stored."""
        row = self._query(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), "
            "(SELECT count(*) FROM quotes), (SELECT count(*) FROM mentions), "
            "(SELECT count(*) FROM rejections)"
        )[0]
        names = ("articles", "events", "quotes", "mentions", "rejections")
        return {name: int(value) for name, value in zip(names, row, strict=True)}


def _check_belongs(coded: CodedArticle) -> None:
    """Refuse quotes and events that name an article other than the one being stored."""
    article_id = coded.article.id
    for kind, records in (("quote", coded.quotes), ("event", coded.events)):
        for record in records:
            if record.article_id != article_id:
                raise StoreError(
                    f"cannot store article {article_id}: a {kind} belongs to article {record.article_id}"
                )


def _actor_columns(mention: ActorMention | None) -> list[Any]:
    """Return the text, code, country and role columns of an event's source or target."""
    if mention is None:
        return [None] * 4
    return [mention.text, mention.code, mention.country, mention.role]


def _speaker_columns(speaker: Speaker | None) -> list[Any]:
    """Return the text, code, anonymous and kind columns of a quote's or event's speaker."""
    if speaker is None:
        return [None] * 4
    return [speaker.text, speaker.code, speaker.anonymous, speaker.kind]


def _event_row(event: Event) -> list[Any]:
    """Return the events-table row for an event: flat columns, then the JSON record."""
    attribution, location = event.attribution, event.location
    try:
        record = json.dumps(event.to_dict(), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise StoreError(f"event {event.event_id} cannot be stored as JSON: {exc}") from exc
    return [
        event.event_id,
        event.article_id,
        event.date,
        event.sentence_index,
        event.sentence,
        *event.span,
        *_actor_columns(event.source),
        *_actor_columns(event.target),
        event.cameo,
        event.cameo_root,
        event.quad_class,
        event.goldstein,
        event.plover_type,
        event.plover_mode,
        *_speaker_columns(attribution.speaker),
        attribution.cue,
        list(attribution.via),
        attribution.quoted,
        location.name if location else None,
        location.country if location else None,
        event.predicate,
        *event.predicate_span,
        event.confidence,
        event.modality,
        event.date_basis,
        record,
    ]


def _quote_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    """Rebuild `Quote.to_dict()` from a quotes-table row (columns as in `_QUOTE_COLUMNS`)."""
    article_id, sentence_index, start, end, text, direct = row[:6]
    speaker_text, speaker_code, speaker_anonymous, speaker_kind, cue, via = row[6:]
    speaker = (
        None
        if speaker_text is None
        else {
            "text": speaker_text,
            "code": speaker_code,
            "anonymous": bool(speaker_anonymous),
            "kind": speaker_kind,
        }
    )
    return {
        "article_id": article_id,
        "sentence_index": sentence_index,
        "text": text,
        "span": [start, end],
        "direct": direct,
        "speaker": speaker,
        "cue": cue,
        "via": list(via or []),
    }


def _article_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    """Turn an `_ARTICLE_FIELDS` row into the article metadata dict."""
    (article_id, title, day, url, outlet, origin, authors, language, ingested_at, events) = row
    return {
        "id": article_id,
        "title": title,
        "date": _iso_date(day),
        "url": url,
        "outlet": outlet,
        "origin": origin,
        "authors": list(authors or []),
        "language": language,
        "ingested_at": _iso_utc(ingested_at),
        "events": int(events),
    }
