"""An ingest run: read sources, skip what is stored, foreign or copied, code the rest, store it all.

`ingest` is what `tocsin ingest` calls. It streams: inputs are read one at a time, articles are
coded in batches (spaCy's `nlp.pipe`, its process pool with `workers`, or a Dask cluster), and
results are written in input order in transactions of a few dozen articles. A transaction holds
whole articles with their mentions, quotes, events, fingerprints and rejections, so a run killed
at any moment loses only the uncommitted tail, and running it again gives exactly the database an
uninterrupted run gives: stored articles are skipped by content hash, near-duplicate decisions are
made against the same originals in the same order, rejections are recorded once, and the run codes
with the people known when the interrupted run started (kept in the database until a run finishes),
not with those the interrupted run had learned and committed.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.ingest._paths import ReadOptions, read_paths
from tocsin.ingest.dedup import DEFAULT_THRESHOLD, NearDuplicateIndex, signature
from tocsin.ingest.language import skip_reason
from tocsin.ingest.progress import IngestProgress
from tocsin.pipeline import Options, batched, code_articles
from tocsin.store import Store
from tocsin.types import Article, CodedArticle, KnownPerson, Rejection

LOGGER = logging.getLogger(__name__)

Notice = Callable[[str, Rejection], None]
"""Called with ("rejected" | "skipped", rejection) as soon as an input is turned down."""

LOOKUP_CHUNK = 16
"""Inputs read ahead to ask the store in one query which of them are stored already."""

KNOWN_PEOPLE_STATE = "known_people"
"""The store's run state holding the people a run started with, until it finishes."""


@dataclass(slots=True)
class IngestSettings:
    """Settings of an ingest run, in one place."""

    read: ReadOptions = field(default_factory=ReadOptions)
    default_date: date | None = None
    outlet: str | None = None
    languages: tuple[str, ...] = ("en",)  # others are recorded as skipped; () codes every language
    deduplicate: bool = True
    duplicate_threshold: float = DEFAULT_THRESHOLD
    workers: int = 1  # spaCy processes on this machine
    dask_workers: int = 0  # a LocalCluster of this many processes
    scheduler: str | None = None  # the address of a running Dask scheduler
    dask_client: Any = None  # a connected dask.distributed Client (used as is, not closed)
    commit_articles: int = 32  # articles per transaction, at most
    commit_seconds: float = 2.0  # and at most this long between commits

    @property
    def distributed(self) -> bool:
        """True when the parse-and-code stage runs on Dask."""
        return bool(self.scheduler or self.dask_workers or self.dask_client is not None)


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did."""

    added: int = 0  # articles coded and stored
    duplicates: int = 0  # near-duplicates stored as links to their original
    already_stored: int = 0
    skipped: int = 0  # read but not coded (language)
    rejected: int = 0
    events: int = 0
    seconds: float = 0.0

    @property
    def articles_per_second(self) -> float:
        """Articles read and handled per second (stored, linked, skipped or already stored)."""
        handled = self.added + self.duplicates + self.already_stored + self.skipped
        return handled / self.seconds if self.seconds > 0 else 0.0

    @property
    def events_per_second(self) -> float:
        """Events found per second."""
        return self.events / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class _Batch:
    """What the next transaction writes."""

    coded: list[CodedArticle] = field(default_factory=list)
    duplicates: list[tuple[Article, str, float]] = field(default_factory=list)
    fingerprints: list[tuple[str, list[int]]] = field(default_factory=list)
    rejections: list[tuple[Rejection, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.coded) + len(self.duplicates) + len(self.rejections)


@dataclass(frozen=True, slots=True)
class _Coded:
    """A place in the input order held for an article being coded."""

    article_id: str
    signature: list[int] | None


def load_duplicate_index(store: Store, threshold: float = DEFAULT_THRESHOLD) -> NearDuplicateIndex:
    """Build the near-duplicate index of a store's original articles, fingerprinting (and saving
    the fingerprints of) any stored without one."""
    index = NearDuplicateIndex(threshold)
    missing: list[tuple[str, list[int]]] = []
    for article_id, text in store.unfingerprinted():
        missing.append((article_id, signature(text)))
        if len(missing) >= 1000:
            store.add_batch(fingerprints=missing)
            missing = []
    if missing:
        store.add_batch(fingerprints=missing)
    count = index.add_all(store.fingerprints())
    LOGGER.debug("near-duplicate index holds %d stored articles", count)
    return index


def _people_known_at_start(store: Store, options: Options) -> Options:
    """The options to code with: as given, with their known people saved in the store until the
    run finishes; or, when an earlier run left its people there (it was killed or failed), that
    run's people, so that a run started again codes every article as the whole run would have."""
    saved = store.run_state(KNOWN_PEOPLE_STATE)
    if saved is not None:
        try:
            people = {key: _known_person(record) for key, record in json.loads(saved).items()}
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            LOGGER.warning("%s: ignoring an unreadable saved ingest state (%s)", store.path, error)
        else:
            LOGGER.info("an earlier ingest did not finish: coding with the %d people it knew", len(people))
            return replace(options, known_people=people, _actor_coder=None)
    records = {key: person.to_dict() for key, person in options.known_people.items()}
    store.set_run_state(KNOWN_PEOPLE_STATE, json.dumps(records, ensure_ascii=False))
    return options


def _known_person(record: dict[str, Any]) -> KnownPerson:
    """A `KnownPerson` from its `to_dict()` record."""
    first, last = record["first_seen"], record["last_seen"]
    return KnownPerson(
        name=record["name"],
        code=record["code"],
        country=record["country"],
        role=record["role"],
        evidence=record["evidence"],
        article_id=record["article_id"],
        seen=date.fromisoformat(last) if last else None,
        first_seen=date.fromisoformat(first) if first else None,
        mentions=int(record["mentions"]),
    )


def _coder(
    settings: IngestSettings, options: Options
) -> Callable[[Iterable[Article]], Iterator[CodedArticle]]:
    """The parse-and-code stage the settings ask for."""
    if settings.distributed:
        from tocsin.scale import code_articles_distributed

        def distributed(articles: Iterable[Article]) -> Iterator[CodedArticle]:
            return code_articles_distributed(
                articles,
                options,
                client=settings.dask_client,
                scheduler=settings.scheduler,
                workers=settings.dask_workers or 2,
            )

        return distributed
    local = replace(options, workers=max(1, settings.workers))
    return lambda articles: code_articles(articles, local)


def ingest(
    sources: Iterable[str | Path],
    store: Store,
    settings: IngestSettings | None = None,
    options: Options | None = None,
    *,
    notice: Notice | None = None,
    progress: IngestProgress | None = None,
) -> IngestReport:
    """Read `sources` (files, folders, globs, URLs), code the new English articles and store
    everything in `store`; returns counts. `tocsin ingest` in Python.

    `notice` hears of each rejected or skipped input as it is read; `progress` is advanced for each
    article handled. Raises `StoreError` when the database cannot be written (what was committed
    before stays). Articles are coded with `options.known_people`, except after a run that did not
    finish: then with the people that run started with (see the module's docstring).
    """
    settings = settings or IngestSettings()
    options = _people_known_at_start(store, options or Options())
    report = IngestReport()
    started = time.perf_counter()
    index = load_duplicate_index(store, settings.duplicate_threshold) if settings.deduplicate else None
    pending: deque[_Coded | tuple[str, Any]] = deque()
    in_flight: set[str] = set()
    batch = _Batch()
    last_commit = time.perf_counter()

    def tell(kind: str, rejection: Rejection) -> None:
        if notice is not None:
            notice(kind, rejection)

    def admitted() -> Iterator[Article]:
        """The articles to code, in input order; everything else waits its turn in `pending`."""
        items = read_paths(
            sources, default_date=settings.default_date, outlet=settings.outlet, options=settings.read
        )
        for chunk in batched(items, LOOKUP_CHUNK):
            # The ids stored or being stored, asked of the store once per chunk: what is stored
            # or in flight only grows, and only by the articles admitted below, which join it.
            ids = [item.id for item in chunk if not isinstance(item, Rejection)]
            taken = store.stored_articles(ids) | in_flight.intersection(ids)
            for item in chunk:
                if isinstance(item, Rejection):
                    tell("rejected", item)
                    pending.append(("rejected", item))
                elif item.id in taken:
                    pending.append(("stored", item))
                else:
                    admit = admission(item)
                    if admit is not None:
                        taken.add(item.id)
                        if admit:
                            yield item

    def admission(item: Article) -> bool | None:
        """Queue an article not yet stored: True to code it; False when it is linked to the story it
        copies (it is then in flight, stored with the next commit); None when skipped."""
        reason = skip_reason(item, settings.languages) if settings.languages else None
        if reason is not None:
            rejection = Rejection(item.origin or item.id, reason)
            tell("skipped", rejection)
            pending.append(("skipped", rejection))
            return None
        values = signature(item.text) if index is not None else None
        if index is not None and values is not None:
            match = index.find(values)
            if match is not None:
                in_flight.add(item.id)
                pending.append(("duplicate", (item, match.article_id, match.similarity)))
                return False
            index.add(item.id, values)
        in_flight.add(item.id)
        pending.append(_Coded(item.id, values))
        return True

    def commit(force: bool = False) -> None:
        nonlocal batch, last_commit
        due = (
            len(batch) >= settings.commit_articles
            or time.perf_counter() - last_commit >= settings.commit_seconds
        )
        if not batch or not (force or due):
            return
        store.add_batch(
            batch.coded,
            duplicates=batch.duplicates,
            fingerprints=batch.fingerprints,
            rejections=batch.rejections,
        )
        for coded in batch.coded:
            in_flight.discard(coded.article.id)
        for article, _, _ in batch.duplicates:
            in_flight.discard(article.id)
        batch = _Batch()
        last_commit = time.perf_counter()

    def take_waiting(until: str | None) -> _Coded | None:
        """Move what waits before the next coded article (or everything) into the batch."""
        while pending:
            entry = pending.popleft()
            if isinstance(entry, _Coded):
                if until is not None and entry.article_id != until:
                    raise RuntimeError(f"coded article {until} came back out of order")
                return entry
            kind, value = entry
            if kind == "rejected":
                report.rejected += 1
                batch.rejections.append((value, "rejected"))
            elif kind == "skipped":
                report.skipped += 1
                batch.rejections.append((value, "skipped"))
                _advance(progress, 1, 0)
            elif kind == "stored":
                report.already_stored += 1
                _advance(progress, 1, 0)
            else:
                report.duplicates += 1
                batch.duplicates.append(value)
                _advance(progress, 1, 0)
        return None

    for coded in _coder(settings, options)(admitted()):
        place = take_waiting(coded.article.id)
        batch.coded.append(coded)
        if place is not None and place.signature is not None:
            batch.fingerprints.append((coded.article.id, place.signature))
        report.added += 1
        report.events += len(coded.events)
        _advance(progress, 1, len(coded.events))
        commit()
    take_waiting(None)
    commit(force=True)
    store.set_run_state(KNOWN_PEOPLE_STATE, None)
    report.seconds = time.perf_counter() - started
    return report


def _advance(progress: IngestProgress | None, articles: int, events: int) -> None:
    if progress is not None:
        progress.advance(articles, events)
