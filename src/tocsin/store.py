"""The store stage: coded articles, quotes, events and rejections in one embedded DuckDB file.

`Store.add` writes an article with everything found in it in one transaction, so the database never
holds half an article. Events keep flat, queryable columns next to a `record` column holding
`Event.to_dict()`, which is what `Store.events` returns, so the JSONL contract round-trips exactly.
Every statement is parameterised; user input never becomes SQL text.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from tocsin.errors import StoreError
from tocsin.types import (
    ActorMention,
    Alert,
    Article,
    CodedArticle,
    Event,
    KnownPerson,
    Quote,
    Rejection,
    Speaker,
)

if TYPE_CHECKING:
    import pandas

LOGGER = logging.getLogger(__name__)

DEFAULT_DB = "tocsin.duckdb"
SCHEMA_VERSION = 6

_TABLES = (
    "meta",
    "articles",
    "mentions",
    "quotes",
    "events",
    "rejections",
    "fingerprints",
    "imported_events",
    "alerts",
)

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

# One event reported by several articles: the mentions (rows of `events`) that share a date, source,
# target and CAMEO code, counted like GDELT's NumMentions, NumSources (distinct outlets, else web
# sites, else articles) and NumArticles. An actor without a code is keyed by its lower-cased text.
_CONSOLIDATED_EVENTS_VIEW = """
    CREATE OR REPLACE VIEW consolidated_events AS
    WITH keyed AS (
        SELECT e.event_id, e.article_id, e.sentence_index, e.date, e.cameo, e.cameo_root,
               e.quad_class, e.goldstein, e.source_text, e.source_code, e.target_text, e.target_code,
               coalesce(e.source_code, '~' || lower(e.source_text)) AS source_key,
               coalesce(e.target_code, '~' || lower(e.target_text), '') AS target_key,
               coalesce(a.outlet, nullif(regexp_extract(a.url, '^[A-Za-z]+://([^/?#]+)', 1), ''),
                        e.article_id) AS information_source
        FROM events e JOIN articles a ON a.id = e.article_id
    )
    SELECT
        substr(md5(concat_ws('|', coalesce(CAST(date AS VARCHAR), ''), source_key, target_key, cameo)),
               1, 16) AS event_key,
        date, cameo,
        first(cameo_root) AS cameo_root,
        first(quad_class) AS quad_class,
        first(goldstein) AS goldstein,
        first(source_code ORDER BY article_id, sentence_index, event_id) AS source_code,
        first(source_text ORDER BY article_id, sentence_index, event_id) AS source_text,
        first(target_code ORDER BY article_id, sentence_index, event_id) AS target_code,
        first(target_text ORDER BY article_id, sentence_index, event_id) AS target_text,
        count(*) AS num_mentions,
        count(DISTINCT information_source) AS num_sources,
        count(DISTINCT article_id) AS num_articles,
        list(event_id ORDER BY article_id, sentence_index, event_id) AS mention_ids
    FROM keyed
    GROUP BY date, source_key, target_key, cameo
"""

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: (
        # ingestion at scale: near-duplicate links, skipped inputs, MinHash fingerprints, consolidation
        "ALTER TABLE articles ADD COLUMN IF NOT EXISTS duplicate_of VARCHAR",
        "ALTER TABLE articles ADD COLUMN IF NOT EXISTS similarity DOUBLE",
        "ALTER TABLE rejections ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'rejected'",
        "CREATE TABLE IF NOT EXISTS fingerprints "
        "(article_id VARCHAR PRIMARY KEY, minhash UINTEGER[] NOT NULL)",
        _CONSOLIDATED_EVENTS_VIEW,
    ),
    3: (
        # interoperability: events imported from other data sets (GDELT) keep their origin and row
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'tocsin'",
        """
        CREATE TABLE IF NOT EXISTS imported_events (
            event_id VARCHAR PRIMARY KEY,
            origin VARCHAR NOT NULL,
            external_id BIGINT,
            fields VARCHAR[] NOT NULL,
            source VARCHAR,
            imported_at TIMESTAMP NOT NULL
        )
        """,
    ),
    4: (
        # geolocation: each event's place resolved to the gazetteer (older rows keep NULLs)
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_admin1 VARCHAR",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_lat DOUBLE",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_lon DOUBLE",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_geonames_id BIGINT",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_precision VARCHAR",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_method VARCHAR",
        "CREATE INDEX IF NOT EXISTS events_location_country ON events (location_country)",
    ),
    5: (
        # actors: what tocsin learned about named people, across articles
        """
        CREATE TABLE IF NOT EXISTS people (
            key VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            country VARCHAR,
            role VARCHAR,
            evidence VARCHAR NOT NULL,
            article_id VARCHAR NOT NULL,
            first_seen DATE,
            last_seen DATE,
            mentions INTEGER NOT NULL
        )
        """,
    ),
    6: (
        # early warning: escalation alerts on dyads, each with what moved and its evidence
        """
        CREATE TABLE IF NOT EXISTS alerts (
            alert_id VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            dyad VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            start DATE NOT NULL,
            fired DATE NOT NULL,
            "end" DATE NOT NULL,
            score DOUBLE NOT NULL,
            record JSON NOT NULL,
            detected_at TIMESTAMP NOT NULL
        )
        """,
    ),
}
"""For each schema version after the first, the additive statements that bring the version before it
up to it. A new database runs `_SCHEMA` and then every migration, so both paths give one schema."""

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
    "location_name, location_country, location_admin1, location_lat, location_lon, "
    "location_geonames_id, location_precision, location_method, "
    "predicate, predicate_start, predicate_end, "
    "confidence, modality, date_basis, record"
)


def _insert_sql(table: str, columns: str) -> str:
    """Return a parameterised INSERT for a fixed table and column list (never user input)."""
    placeholders = ", ".join("?" for _ in columns.split(","))
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"


_INSERT_ARTICLE = _insert_sql("articles", _ARTICLE_COLUMNS)
_PEOPLE_COLUMNS = "key, name, code, country, role, evidence, article_id, first_seen, last_seen, mentions"
_NEWER = "people.last_seen IS NULL OR excluded.last_seen >= people.last_seen"
_PEOPLE_CONFLICT = f"""
    ON CONFLICT (key) DO UPDATE SET
        mentions = people.mentions + excluded.mentions,
        first_seen = least(people.first_seen, excluded.first_seen),
        code = CASE WHEN {_NEWER} THEN excluded.code ELSE people.code END,
        country = CASE WHEN {_NEWER} THEN excluded.country ELSE people.country END,
        role = CASE WHEN {_NEWER} THEN excluded.role ELSE people.role END,
        evidence = CASE WHEN {_NEWER} THEN excluded.evidence ELSE people.evidence END,
        article_id = CASE WHEN {_NEWER} THEN excluded.article_id ELSE people.article_id END,
        last_seen = greatest(people.last_seen, excluded.last_seen)
"""

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


_EVENT_ORDER = "date NULLS LAST, article_id, sentence_index, event_id"
_STORED_EVENTS = "SELECT event_id FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[]))"
_STORED_ARTICLES = "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))"


@dataclass(frozen=True, slots=True)
class ImportedOriginal:
    """The original row of an event imported from another data set, kept next to the event."""

    event_id: str
    external_id: int | None  # the data set's own id (GDELT's GlobalEventID)
    fields: Sequence[str]  # the row's fields (GDELT: in the 2.0 export layout)
    source: str = ""  # where the row was read: `FILE:LINE`


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def _open_failure(path: str, exc: duckdb.Error) -> StoreError:
    """The `StoreError` for a database DuckDB cannot open: one line, and for a file locked by
    another process, which process holds it and what to do about it."""
    message = str(exc)
    if "Could not set lock on file" not in message:
        return StoreError(f"{path}: cannot open as a tocsin database: {message}")
    holder = "another process"
    match = _LOCK_HOLDER.search(message)
    if match:
        pid = match.group("pid")
        holder = f"another process (PID {pid}: {_command_line(pid) or match.group('program')})"
    return StoreError(
        f"{path}: the database is locked by {holder}; while one process has a tocsin database open "
        "for writing no other can open it: wait for it or stop it (while `tocsin serve` runs, add "
        "articles through its POST /api/articles)"
    )


def _command_line(pid: str) -> str:
    """The command line of a running process (Linux `/proc`), shortened; empty when unknown."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = [word for word in raw.decode("utf-8", "replace").split("\0") if word]
    if len(words) > 1 and Path(words[0]).name.startswith("python"):
        words = words[1:]  # `python …/bin/tocsin serve` reads better as `tocsin serve`
    if len(words) > 1 and words[0] == "-m":
        words = words[1:]
    if not words:
        return ""
    text = " ".join(" ".join([Path(words[0]).name, *words[1:]]).split())
    return text if len(text) <= 100 else text[:99] + "…"


class Store:
    """An open tocsin database: one DuckDB file holding articles, quotes, events and rejections.

    Use it as a context manager, or call `close()`. A store is one connection: use it from one
    thread at a time.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        """Open (and, unless read-only, create) the database at `path`.

        Raises `StoreError` when the file is not a DuckDB database, is locked by another process
        (DuckDB lets one process at a time open a file while it writes: a running `tocsin serve` or
        `tocsin ingest`; the message names the process), holds no tocsin schema (read-only), or was
        written by a newer tocsin.
        """
        self.path = str(path)
        self.read_only = read_only
        self._bulk_inserts: dict[tuple[str, str], str] = {}
        try:
            self._con: duckdb.DuckDBPyConnection | None = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise _open_failure(self.path, exc) from exc
        try:
            self._prepare_schema()
            if not read_only:
                self._checkpoint_recovered_log()
        except BaseException:
            self.close()
            raise

    def _checkpoint_recovered_log(self) -> None:
        """Fold a write-ahead log left by a process that was killed into the database file.

        DuckDB replays the log on opening, so nothing committed is lost, but after some crashes it
        keeps the log rather than checkpointing it when the connection closes, and the log would
        then grow and be replayed by every later open. A failed checkpoint only leaves the log for
        the next open, so it is logged, not raised."""
        if not Path(f"{self.path}.wal").exists():
            return
        try:
            self._connection().execute("CHECKPOINT")
        except duckdb.Error as exc:
            LOGGER.warning("%s: could not checkpoint the recovered write-ahead log: %s", self.path, exc)

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

    def cursor_store(self, *, read_only: bool | None = None) -> Store:
        """Return a store over a new cursor of this store's connection, for use by another thread
        (a web request): it shares the open database and its schema, and closing it closes only the
        cursor. `read_only` (default: as this store) refuses writes through it."""
        cursor = self._connection().cursor()
        store = Store.__new__(Store)
        store.path = self.path
        store.read_only = self.read_only if read_only is None else read_only
        store._bulk_inserts = {}
        store._con = cursor
        return store

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one read query and return its rows, for readers such as `tocsin.web.queries`: the SQL
        text is the caller's fixed string and every value travels in `params`, never in the text.
        DuckDB errors become `StoreError`."""
        return self._query(sql, params)

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
            for version in sorted(_MIGRATIONS):
                for statement in _MIGRATIONS[version]:
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
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Bring a database written by an older tocsin up to `SCHEMA_VERSION`, in one transaction."""
        if self.read_only:
            LOGGER.info("%s: schema version %d read as is (open it writable to migrate)", self.path, version)
            return
        with self._transaction(f"migrate the schema from version {version} to {SCHEMA_VERSION}"):
            con = self._connection()
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS.get(target, ()):
                    con.execute(statement)
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        LOGGER.info("migrated %s from schema version %d to %d", self.path, version, SCHEMA_VERSION)

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

    def stored_articles(self, article_ids: Sequence[str]) -> set[str]:
        """Return which of `article_ids` are stored articles (one query for all of them)."""
        if not article_ids:
            return set()
        return {row[0] for row in self._query(_STORED_ARTICLES, [list(article_ids)])}

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
            self._merge_people(con, coded.people)
        return True

    def _merge_people(self, con: duckdb.DuckDBPyConnection, people: Sequence[KnownPerson]) -> None:
        """Add what articles taught about named people to the person table: the newest evidence
        (by article date) gives the code, and first/last seen dates and a mention count are kept.

        The people are first folded by key in order (what one upsert per person would do, row by
        row), then merged into the table in one statement."""
        if not people:
            return
        folded: dict[str, list[Any]] = {}
        for person in people:
            key, seen = person.name.lower(), person.seen
            row = folded.get(key)
            if row is None:
                folded[key] = [key, person.name, person.code, person.country, person.role,
                               person.evidence, person.article_id, seen, seen, 1]  # fmt: skip
                continue
            first, last = row[7], row[8]
            row[9] += 1
            if seen is not None:
                row[7] = seen if first is None else min(first, seen)
            if last is None or (seen is not None and seen >= last):
                row[2:7] = [person.code, person.country, person.role, person.evidence, person.article_id]
            if seen is not None:
                row[8] = seen if last is None else max(last, seen)
        sql = self._bulk_inserts.get(("people", "merge"))
        if sql is None:
            sql = _bulk_insert_sql(con, "people", _PEOPLE_COLUMNS) + _PEOPLE_CONFLICT
            self._bulk_inserts[("people", "merge")] = sql
        con.execute(sql, [_json_rows(list(folded.values()))])

    def people(self) -> dict[str, KnownPerson]:
        """The person table: what tocsin learned about named people, by lower-case full name, for
        `Options(known_people=...)`."""
        rows = self._query(
            "SELECT key, name, code, country, role, evidence, article_id, first_seen, last_seen, mentions "
            "FROM people ORDER BY key"
        )
        return {
            key: KnownPerson(
                name=name,
                code=code,
                country=country,
                role=role,
                evidence=evidence,
                article_id=article_id,
                seen=last_seen,
                first_seen=first_seen,
                mentions=mentions,
            )
            for key, name, code, country, role, evidence, article_id, first_seen, last_seen, mentions in rows
        }

    def run_state(self, key: str) -> str | None:
        """A value an ingest run keeps in the database until it finishes (so that a run started
        again after a crash can pick it up), or None."""
        rows = self._query("SELECT value FROM meta WHERE key = ?", [f"run:{key}"])
        return str(rows[0][0]) if rows else None

    def set_run_state(self, key: str, value: str | None) -> None:
        """Keep `value` for `run_state(key)`, committed at once; None forgets it."""
        with self._transaction(f"record the ingest run's {key}"):
            con = self._connection()
            con.execute("DELETE FROM meta WHERE key = ?", [f"run:{key}"])
            if value is not None:
                con.execute("INSERT INTO meta VALUES (?, ?)", [f"run:{key}", value])

    def add_rejection(self, rejection: Rejection, *, kind: str = "rejected") -> bool:
        """Record an input that could not be read as an article (`kind` "rejected") or that was read
        and deliberately not coded (`kind` "skipped", e.g. not English), with the time recorded.

        The same origin, reason and kind are recorded once, so re-running an ingest adds nothing;
        returns False when it was already recorded.
        """
        with self._transaction(f"record the rejection of {rejection.origin}"):
            con = self._connection()
            if con.execute(
                "SELECT 1 FROM rejections WHERE origin = ? AND reason = ? AND kind = ?",
                [rejection.origin, rejection.reason, kind],
            ).fetchone():
                return False
            con.execute(
                "INSERT INTO rejections (origin, reason, recorded_at, kind) VALUES (?, ?, ?, ?)",
                [rejection.origin, rejection.reason, _utc_now(), kind],
            )
        return True

    def add_duplicate(self, article: Article, duplicate_of: str, similarity: float) -> bool:
        """Store a near-duplicate of a stored article (a syndicated or lightly edited copy) linked to
        it, without mentions, quotes or events, so its events are not counted twice.

        Returns False, changing nothing, when the article id is already stored.
        """
        with self._transaction(f"store duplicate article {article.id}"):
            con = self._connection()
            if con.execute("SELECT 1 FROM articles WHERE id = ?", [article.id]).fetchone():
                return False
            self._insert_article(con, article)
            con.execute(
                "UPDATE articles SET duplicate_of = ?, similarity = ? WHERE id = ?",
                [duplicate_of, similarity, article.id],
            )
        return True

    def add_batch(
        self,
        coded: Sequence[CodedArticle] = (),
        *,
        duplicates: Sequence[tuple[Article, str, float]] = (),
        fingerprints: Sequence[tuple[str, Sequence[int]]] = (),
        rejections: Sequence[tuple[Rejection, str]] = (),
    ) -> int:
        """Store many coded articles, near-duplicates `(article, duplicate_of, similarity)`, MinHash
        fingerprints `(article id, signature)` and rejections `(rejection, kind)` in one transaction:
        all of it or, on any error or interruption, none of it.

        Articles already stored are left as they are, fingerprints already stored are kept and
        rejections already recorded are not repeated, so a batch can be written again after a crash.
        Returns how many coded and duplicate articles were added.
        """
        for item in coded:
            _check_belongs(item)
        with self._transaction(f"store a batch of {len(coded) + len(duplicates)} articles"):
            con = self._connection()
            wanted = [item.article.id for item in coded] + [article.id for article, _, _ in duplicates]
            stored = self._stored_ids(con, wanted)
            now = _utc_now()
            fresh = [item for item in coded if item.article.id not in stored]
            fresh_ids = {item.article.id for item in fresh}
            if len(fresh_ids) != len(fresh):
                raise StoreError(f"{self.path}: a batch holds the same article twice")
            self._insert_many(
                con, "articles", _ARTICLE_COLUMNS, [_article_row(i.article, now) for i in fresh]
            )
            self._insert_many(
                con,
                "articles",
                _ARTICLE_COLUMNS + ", duplicate_of, similarity",
                [
                    [*_article_row(article, now), original, similarity]
                    for article, original, similarity in duplicates
                    if article.id not in stored and article.id not in fresh_ids
                ],
            )
            self._insert_many(
                con,
                "mentions",
                _MENTION_COLUMNS,
                [_mention_row(item.article.id, mention) for item in fresh for mention in item.mentions],
            )
            self._insert_many(
                con, "quotes", _QUOTE_COLUMNS, [_quote_row(quote) for item in fresh for quote in item.quotes]
            )
            self._insert_many(
                con, "events", _EVENT_COLUMNS, [_event_row(event) for item in fresh for event in item.events]
            )
            self._merge_people(con, [person for item in fresh for person in item.people])
            known = self._fingerprinted_ids(con, [article_id for article_id, _ in fingerprints])
            self._insert_many(
                con,
                "fingerprints",
                "article_id, minhash",
                [[article_id, list(sig)] for article_id, sig in fingerprints if article_id not in known],
            )
            for rejection, kind in rejections:
                con.execute(
                    "INSERT INTO rejections (origin, reason, recorded_at, kind) SELECT ?, ?, ?, ? WHERE NOT "
                    "EXISTS (SELECT 1 FROM rejections WHERE origin = ? AND reason = ? AND kind = ?)",
                    [rejection.origin, rejection.reason, now, kind, rejection.origin, rejection.reason, kind],
                )
        return len(fresh) + sum(
            1 for article, _, _ in duplicates if article.id not in stored and article.id not in fresh_ids
        )

    def _stored_ids(self, con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
        """Return which of `ids` are already stored articles."""
        if not ids:
            return set()
        rows = con.execute("SELECT id FROM articles WHERE list_contains(?, id)", [list(ids)]).fetchall()
        return {row[0] for row in rows}

    def _fingerprinted_ids(self, con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
        """Return which of `ids` already have a stored fingerprint."""
        if not ids:
            return set()
        rows = con.execute(
            "SELECT article_id FROM fingerprints WHERE list_contains(?, article_id)", [list(ids)]
        ).fetchall()
        return {row[0] for row in rows}

    def fingerprints(self) -> Iterator[tuple[str, list[int]]]:
        """Yield (article id, MinHash signature) for every stored original (not duplicate) article."""
        con = self._connection()
        try:
            cursor = con.cursor().execute(
                "SELECT f.article_id, f.minhash FROM fingerprints f "
                "JOIN articles a ON a.id = f.article_id WHERE a.duplicate_of IS NULL ORDER BY f.article_id"
            )
            while batch := cursor.fetchmany(10_000):
                for article_id, signature in batch:
                    yield article_id, list(signature)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot read fingerprints: {exc}") from exc

    def unfingerprinted(self) -> Iterator[tuple[str, str]]:
        """Yield (id, text) of stored original articles that have no fingerprint yet (stored by an
        older tocsin, or by a run stopped between an article and its fingerprint)."""
        con = self._connection()
        try:
            cursor = con.cursor().execute(
                "SELECT a.id, a.text FROM articles a LEFT JOIN fingerprints f ON f.article_id = a.id "
                "WHERE f.article_id IS NULL AND a.duplicate_of IS NULL ORDER BY a.id"
            )
            while batch := cursor.fetchmany(1_000):
                yield from batch
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot read articles: {exc}") from exc

    def add_imported(
        self,
        articles: Sequence[Article],
        events: Sequence[Event],
        *,
        origin: str,
        originals: Sequence[ImportedOriginal] = (),
        rejections: Sequence[Rejection] = (),
    ) -> int:
        """Store events read from another event data set (GDELT …) in one transaction.

        `articles` are the (synthetic) articles the events point to; one already stored is kept.
        An event whose id is already stored, or repeated in `events`, is skipped. Each new event is
        marked with `origin` (the `origin` column, and an `origin` field in its JSON record), and
        its original row from `originals` is kept in `imported_events` so exports can write it back.
        `rejections` (rows that could not be read; one already recorded is not repeated) are
        recorded in the same transaction. Returns how many events were added.
        """
        with self._transaction(f"import {len(events)} {origin} events"):
            con = self._connection()
            ids = [event.event_id for event in events]
            seen = {row[0] for row in con.execute(_STORED_EVENTS, [ids]).fetchall()}
            new: list[Event] = []
            for event in events:
                if event.event_id not in seen:
                    seen.add(event.event_id)
                    new.append(event)
            needed = {event.article_id for event in new}
            stored = {row[0] for row in con.execute(_STORED_ARTICLES, [sorted(needed)]).fetchall()}
            missing = needed - stored - {article.id for article in articles}
            if missing:
                raise StoreError(f"cannot import events: article {min(missing)} is neither stored nor given")
            now = _utc_now()
            self._insert_many(
                con,
                "articles",
                _ARTICLE_COLUMNS,
                [_article_row(a, now) for a in articles if a.id in needed and a.id not in stored],
            )
            rows = []
            for event in new:
                row = _event_row(event)
                record = event.to_dict()
                record["origin"] = origin
                row[-1] = json.dumps(record, ensure_ascii=False, allow_nan=False)
                rows.append([*row, origin])
            self._insert_many(con, "events", _EVENT_COLUMNS + ", origin", rows)
            added = {event.event_id for event in new}
            self._insert_many(
                con,
                "imported_events",
                "event_id, origin, external_id, fields, source, imported_at",
                [
                    [o.event_id, origin, o.external_id, list(o.fields), o.source, now]
                    for o in originals
                    if o.event_id in added
                ],
            )
            known = {
                (row[0], row[1])
                for row in con.execute(
                    "SELECT origin, reason FROM rejections WHERE list_contains(?, origin)",
                    [[r.origin for r in rejections]],
                ).fetchall()
            }
            self._insert_many(
                con,
                "rejections",
                "origin, reason, recorded_at, kind",
                [
                    [r.origin, r.reason, now, "rejected"]
                    for r in rejections
                    if (r.origin, r.reason) not in known
                ],
            )
        return len(new)

    def _insert_many(
        self, con: duckdb.DuckDBPyConnection, table: str, columns: str, rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert rows in one statement: they travel as one JSON array that DuckDB unpacks to the
        table's column types, many times faster than `executemany` with one statement per row."""
        if not rows:
            return
        sql = self._bulk_inserts.get((table, columns))
        if sql is None:
            sql = self._bulk_inserts[(table, columns)] = _bulk_insert_sql(con, table, columns)
        con.execute(sql, [_json_rows(rows)])

    def _insert_article(self, con: duckdb.DuckDBPyConnection, article: Article) -> None:
        con.execute(_INSERT_ARTICLE, _article_row(article, _utc_now()))

    def _insert_mentions(self, con: duckdb.DuckDBPyConnection, coded: CodedArticle) -> None:
        rows = [_mention_row(coded.article.id, mention) for mention in coded.mentions]
        self._insert_many(con, "mentions", _MENTION_COLUMNS, rows)

    def _insert_quotes(self, con: duckdb.DuckDBPyConnection, quotes: Sequence[Quote]) -> None:
        self._insert_many(con, "quotes", _QUOTE_COLUMNS, [_quote_row(quote) for quote in quotes])

    def _insert_events(self, con: duckdb.DuckDBPyConnection, events: Sequence[Event]) -> None:
        rows = [_event_row(event) for event in events]
        self._insert_many(con, "events", _EVENT_COLUMNS, rows)

    # -- reading ---------------------------------------------------------------------------------

    def events(
        self,
        *,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
        country: str | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> list[dict[str, Any]]:
        """Return stored events in the `Event.to_dict()` form, by date, article, sentence and id.

        `actor` keeps events whose source or target code starts with it, ignoring case, so `IRN`
        matches `IRNGOV` and `IRNMIL`. `since` and `until` are inclusive and drop undated events.
        `country` keeps events located in that country (ISO-3, any case); `bbox` (min_lon,
        min_lat, max_lon, max_lat, inclusive; min_lon > max_lon crosses the antimeridian) keeps
        events whose location has coordinates inside it.
        """
        sql, params = _event_query(
            "record", actor=actor, since=since, until=until, limit=limit, country=country, bbox=bbox
        )
        return [json.loads(row[0]) for row in self._query(sql, params)]

    def events_frame(
        self,
        *,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> pandas.DataFrame:
        """Return stored events as a pandas DataFrame: one row per event, every flat column of the
        events table (all but the JSON `record`), filtered and ordered as `events()`. For notebooks."""
        sql, params = _event_query("* EXCLUDE (record)", actor=actor, since=since, until=until, limit=limit)
        return self._frame(sql, params)

    def quotes_frame(self, article_id: str | None = None) -> pandas.DataFrame:
        """Return stored quotes as a pandas DataFrame (the quotes table's columns), as `quotes()`."""
        sql = "SELECT * FROM quotes"
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        sql += ' ORDER BY article_id, sentence_index, "start", "end"'
        return self._frame(sql, params)

    def _frame(self, sql: str, params: Sequence[Any]) -> pandas.DataFrame:
        try:
            return self._connection().execute(sql, list(params)).df()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: query failed: {exc}") from exc

    def event_rows(
        self,
        *,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        batch_size: int = 2048,
    ) -> Iterator[dict[str, Any]]:
        """Yield matching events one by one, in `events()` order, streaming from the database.

        Each is a dict of every column of the events table (`record` parsed from JSON), its
        article's `article_url`, `article_outlet`, `article_title`, `article_language`, `article_date`,
        `article_ingested_at` and `article_lead_end` (where the first paragraph of the text ends),
        `external_id` and `external_fields` for an event imported from another data set (else
        None), and `num_mentions`, `num_sources`, `num_articles` of the consolidated event it
        belongs to (None in a database without consolidation). Exports are built on this.
        """
        where, params = _event_filter(actor, since, until, prefix="e.")
        imported = self._has_relation("imported_events")
        consolidated = self._has_relation("consolidated_events")
        sql = (
            "SELECT e.*, a.url AS article_url, a.outlet AS article_outlet, a.title AS article_title, "
            "a.language AS article_language, a.date AS article_date, a.ingested_at AS article_ingested_at, "
            "coalesce(nullif(strpos(a.text, chr(10) || chr(10)), 0) - 1, length(a.text)) "
            "AS article_lead_end, "
            + (
                "i.external_id, i.fields AS external_fields, "
                if imported
                else "NULL AS external_id, NULL AS external_fields, "
            )
            + (
                "c.num_mentions, c.num_sources, c.num_articles "
                if consolidated
                else "NULL AS num_mentions, NULL AS num_sources, NULL AS num_articles "
            )
            + "FROM events e LEFT JOIN articles a ON a.id = e.article_id "
            + ("LEFT JOIN imported_events i ON i.event_id = e.event_id " if imported else "")
            + (
                "LEFT JOIN (SELECT unnest(mention_ids) AS event_id, num_mentions, num_sources, num_articles "
                "FROM consolidated_events) c ON c.event_id = e.event_id "
                if consolidated
                else ""
            )
            + where
            + " ORDER BY e.date NULLS LAST, e.article_id, e.sentence_index, e.event_id"
        )
        try:
            cursor = self._connection().cursor()
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot read events: {exc}") from exc
        try:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description or ()]
            while batch := cursor.fetchmany(batch_size):
                for values in batch:
                    row = dict(zip(names, values, strict=True))
                    row["record"] = json.loads(row["record"])
                    yield row
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot read events: {exc}") from exc
        finally:
            cursor.close()

    def _has_relation(self, name: str) -> bool:
        """Tell whether a table or view exists (a read-only database may predate it)."""
        return bool(
            self._query(
                "SELECT 1 FROM information_schema.tables "
                "WHERE table_name = ? AND table_schema = current_schema()",
                [name],
            )
        )

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

    def consolidated_events(self, *, min_articles: int = 1, limit: int | None = None) -> list[dict[str, Any]]:
        """Return events consolidated across articles (one per date, source, target and CAMEO code)
        with GDELT-style `num_mentions`, `num_sources` and `num_articles`, and the `mention_ids` of
        the stored events (each with its own evidence and attribution), most reported first."""
        names = (
            *("event_key", "date", "cameo", "cameo_root", "quad_class", "goldstein", "source_code"),
            *("source_text", "target_code", "target_text", "num_mentions", "num_sources", "num_articles"),
            "mention_ids",
        )
        sql = (
            f"SELECT {', '.join(names)} FROM consolidated_events WHERE num_articles >= ? "
            "ORDER BY num_articles DESC, num_mentions DESC, date NULLS LAST, event_key"
        )
        params: list[Any] = [min_articles]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        records = [dict(zip(names, row, strict=True)) for row in self._query(sql, params)]
        for record in records:
            record["date"] = _iso_date(record["date"])
            record["mention_ids"] = list(record["mention_ids"])
        return records

    # -- early warning ---------------------------------------------------------------------------

    def consolidated_frame(self, *, since: date | None = None, until: date | None = None) -> pandas.DataFrame:
        """Return the dated consolidated events as a pandas DataFrame, by date: `event_key`, `date`,
        `cameo`, `quad_class`, `goldstein`, `source_code`, `target_code`, `num_mentions`,
        `num_articles`, `mention_ids`, `article_ids` (distinct) and `anonymous` (how many of its
        mentions rest on an anonymous source). The early-warning series (`tocsin.warn`) count these,
        so a story repeated by many articles counts once. `since`/`until` are inclusive."""
        if self._has_relation("consolidated_events"):
            grouped = "consolidated_events"
        else:  # a read-only database from before consolidation: every event stands alone
            grouped = (
                "(SELECT event_id AS event_key, date, cameo, quad_class, goldstein, source_code, "
                "target_code, 1 AS num_mentions, 1 AS num_articles, [event_id] AS mention_ids FROM events)"
            )
        where, params = _event_filter(None, since, until)
        where = (where + " AND" if where else " WHERE") + " date IS NOT NULL"
        sql = (
            "WITH c AS (SELECT event_key, date, cameo, quad_class, goldstein, source_code, target_code, "
            f"num_mentions, num_articles, mention_ids FROM {grouped}{where}), "
            "m AS (SELECT u.event_key, e.article_id, e.speaker_anonymous FROM "
            "(SELECT event_key, unnest(mention_ids) AS event_id FROM c) u JOIN events e USING (event_id)), "
            "a AS (SELECT event_key, list_sort(list(DISTINCT article_id)) AS article_ids, "
            "count(*) FILTER (WHERE speaker_anonymous) AS anonymous FROM m GROUP BY event_key) "
            "SELECT c.*, a.article_ids, a.anonymous FROM c JOIN a USING (event_key) ORDER BY date, event_key"
        )
        return self._frame(sql, params)

    def events_by_id(self, event_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Return the stored events with these ids in the `Event.to_dict()` form, in the order
        given (unknown ids are left out), each with an `article` dict: its title, url, outlet."""
        rows = self._query(
            "SELECT e.event_id, e.record, a.title, a.url, a.outlet FROM events e "
            "LEFT JOIN articles a ON a.id = e.article_id WHERE list_contains(?, e.event_id)",
            [list(event_ids)],
        )
        found = {}
        for event_id, record, title, url, outlet in rows:
            article = {"title": title, "url": url, "outlet": outlet}
            found[event_id] = {**json.loads(record), "article": article}
        return [found[event_id] for event_id in event_ids if event_id in found]

    def add_alerts(self, alerts: Sequence[Alert]) -> list[Alert]:
        """Store alerts in one transaction; one already stored (same `alert_id`) is kept as it is.
        Returns the alerts that were new."""
        if not alerts:
            return []
        with self._transaction(f"store {len(alerts)} alerts"):
            con = self._connection()
            ids = [alert.alert_id for alert in alerts]
            stored = {
                row[0]
                for row in con.execute(
                    "SELECT alert_id FROM alerts WHERE list_contains(?, alert_id)", [ids]
                ).fetchall()
            }
            new = []
            for alert in alerts:
                if alert.alert_id in stored:
                    continue
                stored.add(alert.alert_id)
                new.append(alert)
            now = _utc_now()
            self._insert_many(
                con,
                "alerts",
                'alert_id, kind, dyad, period, start, fired, "end", score, record, detected_at',
                [
                    [
                        *(alert.alert_id, alert.kind, alert.dyad, alert.by),
                        *(alert.start, alert.fired, alert.end, alert.score),
                        json.dumps(alert.to_dict(), ensure_ascii=False, allow_nan=False),
                        now,
                    ]
                    for alert in new
                ],
            )
        return new

    def alerts(
        self, *, dyad: str | None = None, since: date | None = None, until: date | None = None
    ) -> list[dict[str, Any]]:
        """Return stored alerts in the `Alert.to_dict()` form (plus `detected_at`), by the period
        they fired in. `dyad` ("IRN-USA", code prefixes, either direction) and the inclusive
        `since`/`until` on the firing period filter them."""
        from tocsin.warn import dyad_matches, parse_dyad

        if not self._has_relation("alerts"):
            return []
        wanted = parse_dyad(dyad) if dyad is not None else None
        clauses, params = ["TRUE"], []
        if since is not None:
            clauses.append('"end" >= ?')
            params.append(since)
        if until is not None:
            clauses.append("fired <= ?")
            params.append(until)
        rows = self._query(
            f"SELECT record, detected_at FROM alerts WHERE {' AND '.join(clauses)} "
            "ORDER BY fired, dyad, alert_id",
            params,
        )
        records = []
        for record, detected_at in rows:
            alert = json.loads(record)
            if wanted is None or dyad_matches(alert["dyad"], wanted):
                records.append({**alert, "detected_at": _iso_utc(detected_at)})
        return records

    def alerts_frame(
        self, *, dyad: str | None = None, since: date | None = None, until: date | None = None
    ) -> pandas.DataFrame:
        """Return stored alerts as a pandas DataFrame, one row per alert as `alerts()` (the
        `moved` and `evidence` columns hold their dicts and lists). For notebooks."""
        import pandas

        return pandas.DataFrame.from_records(self.alerts(dyad=dyad, since=since, until=until))

    def series_frame(self, **options: Any) -> pandas.DataFrame:
        """Return a dyad's or an actor's event series as a pandas DataFrame, one row per period;
        takes the keyword arguments of `tocsin.warn.series` (dyad=, actor=, by=, since=, …)."""
        from tocsin.warn import series_frame

        return series_frame(self, **options)

    def counts(self) -> dict[str, int]:
        """Return how many articles, events, quotes, mentions and rejections are stored."""
        row = self._query(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), "
            "(SELECT count(*) FROM quotes), (SELECT count(*) FROM mentions), "
            "(SELECT count(*) FROM rejections)"
        )[0]
        names = ("articles", "events", "quotes", "mentions", "rejections")
        return {name: int(value) for name, value in zip(names, row, strict=True)}


def _event_filter(
    actor: str | None,
    since: date | None,
    until: date | None,
    *,
    prefix: str = "",
    country: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> tuple[str, list[Any]]:
    """Return the WHERE clause (or "") and parameters of an actor and date filter on events.

    `actor` keeps events whose source or target code starts with it, ignoring case; `since` and
    `until` are inclusive and drop undated events. `prefix` qualifies the columns ("e.").
    """
    clauses: list[str] = []
    params: list[Any] = []
    if actor is not None:
        clauses.append(
            f"(starts_with(upper({prefix}source_code), upper(?)) "
            f"OR starts_with(upper({prefix}target_code), upper(?)))"
        )
        params += [actor, actor]
    if since is not None:
        clauses.append(f"{prefix}date >= ?")
        params.append(since)
    if until is not None:
        clauses.append(f"{prefix}date <= ?")
        params.append(until)
    if country is not None:
        clauses.append(f"{prefix}location_country = upper(?)")
        params.append(country)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = _checked_bbox(bbox)
        clauses.append(f"{prefix}location_lat BETWEEN ? AND ?")
        params += [min_lat, max_lat]
        joint = "AND" if min_lon <= max_lon else "OR"
        clauses.append(f"({prefix}location_lon >= ? {joint} {prefix}location_lon <= ?)")
        params += [min_lon, max_lon]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _checked_bbox(bbox: Sequence[float]) -> tuple[float, float, float, float]:
    """Return a bounding box (min_lon, min_lat, max_lon, max_lat) or raise ValueError saying why not."""
    if len(bbox) != 4:
        raise ValueError(f"a bounding box is min_lon, min_lat, max_lon, max_lat, not {list(bbox)}")
    min_lon, min_lat, max_lon, max_lat = (float(value) for value in bbox)
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise ValueError(f"bounding box longitudes must lie in -180..180, not {min_lon}, {max_lon}")
    if not (-90 <= min_lat <= max_lat <= 90):
        raise ValueError(f"bounding box latitudes must lie in -90..90, min first, not {min_lat}, {max_lat}")
    return min_lon, min_lat, max_lon, max_lat


def _event_query(
    columns: str,
    *,
    actor: str | None,
    since: date | None,
    until: date | None,
    limit: int | None,
    country: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> tuple[str, list[Any]]:
    """Return a SELECT of `columns` (a fixed string of this module) from the filtered, ordered events."""
    where, params = _event_filter(actor, since, until, country=country, bbox=bbox)
    sql = f"SELECT {columns} FROM events{where} ORDER BY {_EVENT_ORDER}"
    if limit is not None:
        if limit < 0:
            raise ValueError(f"limit must be zero or more, not {limit}")
        sql += " LIMIT ?"
        params.append(limit)
    return sql, params


def _json_structure_type(data_type: str) -> Any:
    """Return the `from_json` structure for a column type: `["VARCHAR"]` for `VARCHAR[]`; JSON
    columns arrive as their text."""
    if data_type.endswith("[]"):
        return [_json_structure_type(data_type[:-2])]
    return "VARCHAR" if data_type == "JSON" else data_type


def _bulk_insert_sql(con: duckdb.DuckDBPyConnection, table: str, columns: str) -> str:
    """Return an INSERT of a JSON array of row objects (`c0`, `c1` … in column order) into `table`.

    Table and column names are fixed strings of this module; the types come from the catalogue.
    """
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = current_schema()",
            [table],
        ).fetchall()
    )
    names = [name.strip().strip('"') for name in columns.split(",")]
    structure = json.dumps([{f"c{i}": _json_structure_type(types[name]) for i, name in enumerate(names)}])
    picked = ", ".join(f"r.c{i}" for i in range(len(names)))
    return (
        f"INSERT INTO {table} ({columns}) SELECT {picked} "
        f"FROM (SELECT unnest(from_json(?::JSON, '{structure}')) AS r)"
    )


def _json_date(value: Any) -> str:
    """`json.dumps`'s hook for what JSON has no type for: dates (and times) as ISO strings."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_rows(rows: Sequence[Sequence[Any]]) -> str:
    """Rows as the JSON array of row objects (`c0`, `c1` … in column order) that
    `_bulk_insert_sql` reads, dates as ISO strings and tuples as lists."""
    keys = [f"c{i}" for i in range(max(len(row) for row in rows))]
    return json.dumps(
        [dict(zip(keys, row, strict=False)) for row in rows],
        ensure_ascii=False,
        allow_nan=False,
        default=_json_date,
    )


def _article_row(article: Article, ingested_at: datetime) -> list[Any]:
    """Return the articles-table row for an article (columns as in `_ARTICLE_COLUMNS`)."""
    return [
        article.id,
        article.title,
        article.date,
        article.url,
        article.outlet,
        article.origin,
        list(article.authors),
        article.language,
        article.text,
        ingested_at,
    ]


def _mention_row(article_id: str, m: ActorMention) -> list[Any]:
    """Return the mentions-table row for an actor mention (columns as in `_MENTION_COLUMNS`)."""
    return [article_id, m.start, m.end, m.text, m.code, m.country, m.role, m.kind, m.rule, m.name]


def _quote_row(q: Quote) -> list[Any]:
    """Return the quotes-table row for a quote (columns as in `_QUOTE_COLUMNS`)."""
    return [
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
        *((location.admin1, location.lat, location.lon, location.geonames_id) if location else (None,) * 4),
        *((location.precision, location.method) if location else (None, None)),
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
