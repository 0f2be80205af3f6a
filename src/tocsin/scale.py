"""Scaling out: the parse-and-code stage on a Dask distributed cluster.

`code_articles_distributed` sends batches of articles to Dask workers and yields the coded
articles in input order, exactly what `tocsin.pipeline.code_articles` yields serially. Each worker
process loads the spaCy model once (`ModelPlugin` at worker start, then `load_model`'s per-process
cache) and receives the coding options once (scattered to every worker); only articles go out and
only coded records come back. At most a few batches per worker are in flight, so a stream of
millions of articles is never held in memory.

Use a running cluster with `scheduler="tcp://host:8786"` (every worker needs tocsin and its model
installed, and any lexicon or dictionary file at the same path), or `workers=N` for a
`LocalCluster` of N single-threaded processes on this machine.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from tocsin.errors import TocsinError
from tocsin.ingest import article_from_text
from tocsin.parse import load_model
from tocsin.pipeline import Options, batched, code_article, code_articles
from tocsin.types import ActorMention, Article, CodedArticle, Event, KnownPerson, Quote, Sentence

LOGGER = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 8
"""Articles per Dask task: large enough to amortise scheduling, small enough to balance load."""


LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask settings for the workers of a `LocalCluster` started here: no statistical profiler (it
samples the running task's stack a hundred times a second, for a dashboard such a cluster does not
have, and its sampling thread takes the GIL from the task it samples)."""


class DistributedError(TocsinError):
    """The Dask cluster could not be reached or started."""


def _worker_plugin_class() -> type:
    """The `WorkerPlugin` that loads the model in each worker (built lazily: distributed is
    imported only when a cluster is used)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class ModelPlugin(WorkerPlugin):
        """Loads tocsin's spaCy model and tables once in every worker process, when it starts."""

        name = "tocsin-model"
        idempotent = True

        def setup(self, worker: Any) -> None:
            warm_worker()

    return ModelPlugin


WARM_UP_TEXT = (
    "Iran's Defence Minister, Amir Hatami, warned the United States on Monday in Tehran. "
    "Iraqi militias said they would not attack US forces in Baghdad, the Guardian reported."
)
"""A short report coded once when a worker starts, so that the tables built on first use (the
gazetteer, the people directory, the actor and predicate tables) are ready before any task."""


def warm_worker() -> None:
    """Load the model and build the process-wide tables in this process (a worker's start-up):
    the first task then costs what every later one does."""
    code_article(article_from_text(WARM_UP_TEXT), nlp=load_model())


def code_batch(articles: list[Article], options: Options) -> list[CodedArticle]:
    """Parse and code a batch of articles in this process (a Dask task: the model is cached)."""
    return list(code_articles(articles, options, load_model()))


_Findings = tuple[
    tuple[Sentence, ...],
    tuple[ActorMention, ...],
    tuple[Quote, ...],
    tuple[Event, ...],
    tuple[KnownPerson, ...],
]


def code_batch_findings(articles: list[Article], options: Options) -> list[_Findings]:
    """`code_batch` less the articles themselves: what a Dask task sends back. The driver already
    holds the articles (their texts are most of their size), so only what was found travels."""
    return [
        (coded.sentences, coded.mentions, coded.quotes, coded.events, coded.people)
        for coded in code_batch(articles, options)
    ]


def start_client(scheduler: str | None = None, workers: int = 2) -> tuple[Any, Any]:
    """Return (client, cluster): connected to `scheduler`, or to a new `LocalCluster` of `workers`
    single-threaded processes (cluster is None for a scheduler address). Close both when done."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:  # pragma: no cover - a dependency of tocsin
        raise DistributedError(f"dask.distributed is not installed: {error}") from error
    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as error:
            raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
        config=LOCAL_WORKER_CONFIG,
    )
    return Client(cluster), cluster


def prepare_client(client: Any) -> None:
    """Make every worker (present and future) load the model and tables at start."""
    client.register_plugin(_worker_plugin_class()())


def _coded(batch: list[Article], future: Any) -> Iterator[CodedArticle]:
    """The coded articles of a finished task: its findings joined to the batch's articles."""
    for article, findings in zip(batch, future.result(), strict=True):
        yield CodedArticle(article, *findings)


def code_articles_distributed(
    articles: Iterable[Article],
    options: Options | None = None,
    *,
    client: Any = None,
    scheduler: str | None = None,
    workers: int = 2,
    batch_size: int = DEFAULT_BATCH_SIZE,
    in_flight_per_worker: int = 3,
) -> Iterator[CodedArticle]:
    """Parse and code a stream of articles on Dask workers; yields them in input order.

    Pass a connected `client`, or a `scheduler` address, or neither for a `LocalCluster` of
    `workers` processes (a cluster started here is closed when the stream ends). The results are
    identical to `code_articles` run serially with the same options.
    """
    options = replace(options or Options(), workers=1)
    cluster = None
    if client is None:
        client, cluster = start_client(scheduler, workers)
        own = True
    else:
        own = False
    try:
        prepare_client(client)
        shared_options = client.scatter(options, broadcast=True, hash=False)
        slots = max(1, sum(client.nthreads().values())) * max(1, in_flight_per_worker)
        pending: deque[tuple[list[Article], Any]] = deque()
        for batch in batched(articles, batch_size):
            pending.append((batch, client.submit(code_batch_findings, batch, shared_options, pure=False)))
            while len(pending) >= slots:
                yield from _coded(*pending.popleft())
        while pending:
            yield from _coded(*pending.popleft())
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()
