"""Tests for tocsin.scale: the parse-and-code stage on a real Dask LocalCluster gives exactly the
serial results, and an ingest run on Dask stores exactly what a serial run stores."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tocsin.ingest import read_csv_file
from tocsin.ingest.run import IngestSettings, ingest
from tocsin.pipeline import code_articles
from tocsin.scale import code_articles_distributed, prepare_client, start_client
from tocsin.store import Store
from tocsin.types import Article

WIKINEWS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wikinews" / "wikinews_2019.csv"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A real LocalCluster of two single-threaded worker processes."""
    dask_client, cluster = start_client(workers=2)
    try:
        yield dask_client
    finally:
        dask_client.close()
        cluster.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty Wikinews articles as a CSV file."""
    if not WIKINEWS.exists():
        pytest.skip("the shared Wikinews corpus is not available")
    path = tmp_path_factory.mktemp("scale") / "sample.csv"
    with (
        WIKINEWS.open(encoding="utf-8", newline="") as source,
        path.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for _, row in zip(range(20), reader, strict=False):
            writer.writerow(row)
    return path


def test_distributed_coding_equals_serial_coding(client: Any, sample: Path) -> None:
    articles = [item for item in read_csv_file(sample) if isinstance(item, Article)]
    serial = [[e.to_dict() for e in coded.events] for coded in code_articles(articles)]
    distributed = list(code_articles_distributed(articles, client=client, batch_size=3))
    assert [coded.article.id for coded in distributed] == [a.id for a in articles]
    assert [[e.to_dict() for e in coded.events] for coded in distributed] == serial
    assert sum(map(len, serial)) > 20
    assert client.status == "running"


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    queries = {
        "articles": "SELECT * EXCLUDE (ingested_at) FROM articles",
        "events": "SELECT * FROM events",
        "mentions": "SELECT * FROM mentions",
        "quotes": "SELECT * FROM quotes",
    }
    return {name: sorted(store._query(sql), key=repr) for name, sql in queries.items()}


def test_ingest_on_dask_stores_what_a_serial_ingest_stores(client: Any, sample: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "serial.duckdb") as serial, Store(tmp_path / "dask.duckdb") as dask:
        local = ingest([sample], serial)
        remote = ingest([sample], dask, IngestSettings(dask_client=client))
        assert (remote.added, remote.events) == (local.added, local.events) == (20, local.events)
        assert _dump(dask) == _dump(serial)


def _tables_loaded() -> bool:
    """In a worker: whether the gazetteer and the people directory are built already."""
    from tocsin.geo import load_gazetteer
    from tocsin.lexicon import people_directory

    return load_gazetteer.cache_info().currsize == 1 and people_directory.cache_info().currsize == 1


def test_workers_build_their_tables_when_they_start() -> None:
    dask_client, cluster = start_client(workers=1)
    try:
        assert set(dask_client.run(_tables_loaded).values()) == {False}
        prepare_client(dask_client)  # as every coding run does: a plugin warms present and future workers
        assert set(dask_client.run(_tables_loaded).values()) == {True}
        cluster.scale(2)
        dask_client.wait_for_workers(2, timeout=120)
        assert list(dask_client.run(_tables_loaded).values()) == [True, True]
    finally:
        dask_client.close()
        cluster.close()
