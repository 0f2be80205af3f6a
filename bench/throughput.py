"""Ingestion throughput and memory, each target printed as a ratio measured in the same run.

    .venv/bin/python bench/throughput.py [--data ../shared/data] [--dask-articles 400]
        [--rounds 3] [--memory-articles 10000] [--skip single|warc|dask|memory]

1. Single process: tocsin's whole ingest (read the Wikinews CSV, identify language, fingerprint,
   parse, code, store in DuckDB) against a bare spaCy `nlp.pipe` over the same texts with the same
   model, as its package ships it; target >= 0.85. After one untimed run of each, each side runs
   `--rounds` times, interleaved, and the best rates are compared (the machine's noise only ever
   slows a run down); the ratio of the means is printed too. tocsin's parse stage alone is timed
   beside the baseline (its pipeline applies the model's attribute rules from an index, which is
   faster), so that the parse's gain and the cost of the rest are seen apart.
2. Dask: `--dask-workers 2` against 1 on a LocalCluster, >= 400 articles; target >= 1.7x. The
   clusters are started (and the model and tables loaded in each worker) before the clock starts;
   each worker count runs `--rounds` times, interleaved as in 1.
3. Peak memory (this process and its children) while ingesting 10,000 articles; target < 1.5 GB.
4. Articles/s and events/s on the Wikinews CSV and the WARC file.

The larger article sets are synthesised from the 171 Wikinews articles: article i of round k is the
first half of one Wikinews article joined to the second half of another, so the texts differ enough
that near-duplicate detection (which stays on) does not link them.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import json
import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from statistics import fmean

import psutil

from tocsin.ingest import read_csv_file
from tocsin.ingest.language import identify_language
from tocsin.ingest.run import IngestReport, IngestSettings, ingest
from tocsin.parse import MODEL_PACKAGE, load_model
from tocsin.pipeline import code_articles
from tocsin.scale import start_client, warm_worker
from tocsin.store import Store
from tocsin.types import Article

LOGGER = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"


class PeakMemory:
    """Samples the resident memory of this process and its children; `peak` is the largest sum."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def wikinews_rows(data: Path) -> list[dict[str, str]]:
    with (data / "wikinews" / "wikinews_2019.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def synthetic_records(rows: list[dict[str, str]], count: int) -> Iterator[dict[str, str]]:
    """`count` distinct articles made of halves of two Wikinews articles (see the module doc)."""
    n = len(rows)
    for number in range(count):
        first, rest = rows[number % n], rows[(number * 7 + number // n + 1) % n]
        a, b = first["text"].split("\n"), rest["text"].split("\n")
        text = "\n".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :])
        yield {"text": f"{text}\n(Compiled report {number}.)", "title": first["title"], "date": first["date"]}


def write_jsonl(path: Path, records: Iterator[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    return path


def run_ingest(sources: list[Path], db: Path, settings: IngestSettings | None = None) -> IngestReport:
    with Store(db) as store:
        return ingest(sources, store, settings)


def single_process(data: Path, work: Path, rounds: int) -> None:
    """tocsin's whole ingest against a bare `nlp.pipe` of the model as its package ships it, over
    the same texts, in rounds of bare-whole-whole-bare (so that a drift in the machine's speed
    falls on both alike); the ratio of the best rate of each, as `timeit` takes the best of its
    runs. Each baseline slot also times tocsin's parse stage alone (the same model with its
    paragraph breaks and indexed attribute ruler), so that what the coding and the store cost is
    seen apart from what the parse gains."""
    csv_path = data / "wikinews" / "wikinews_2019.csv"
    articles = [item for item in read_csv_file(csv_path) if isinstance(item, Article)]
    texts = [article.text for article in articles]
    bare_nlp = importlib.import_module(MODEL_PACKAGE).load()
    nlp = load_model()
    list(code_articles(articles[:8]))  # lexicons, gazetteer and tables load once per process
    identify_language(texts[0])  # and so does the language identifier's model (like spaCy's)
    # One untimed run of each first: a process's first passes over the corpus run slower than
    # its later ones (its memory is still growing), which would fall on whichever ran first.
    list(bare_nlp.pipe(texts, batch_size=16))
    list(nlp.pipe(texts, batch_size=16))
    run_ingest([csv_path], work / "wikinews-warm-up.duckdb")
    bare: list[float] = []
    parse_only: list[float] = []
    reports: list[IngestReport] = []
    for number, whole in enumerate(alternating(rounds)):
        if whole:
            reports.append(run_ingest([csv_path], work / f"wikinews{number}.duckdb"))
            continue
        pipelines = [(bare_nlp, bare), (nlp, parse_only)]
        for model, rates in pipelines if number % 2 == 0 else reversed(pipelines):
            started = time.perf_counter()
            for _ in model.pipe(texts, batch_size=16):
                pass
            rates.append(len(texts) / (time.perf_counter() - started))
    ours = [report.added / report.seconds for report in reports]
    print(
        f"[1] single process, Wikinews CSV ({len(texts)} articles, same model, same run, {rounds} runs each)"
    )
    print(f"    bare spaCy nlp.pipe       {max(bare):8.2f} articles/s  (runs: {_rates(bare)})")
    print(
        f"    tocsin parse stage alone  {max(parse_only):8.2f} articles/s  (runs: {_rates(parse_only)})   "
        f"{max(parse_only) / max(bare):.2f} of bare"
    )
    print(
        f"    tocsin ingest (whole)     {max(ours):8.2f} articles/s  (runs: {_rates(ours)})   "
        f"ratio of best {max(ours) / max(bare):.2f}  (target >= 0.85), "
        f"of means {fmean(ours) / fmean(bare):.2f}; {max(ours) / max(parse_only):.2f} of the parse alone"
    )
    best = max(reports, key=lambda report: report.added / report.seconds)
    print(
        f"[4] Wikinews CSV: {best.articles_per_second:.2f} articles/s, {best.events_per_second:.2f} events/s"
    )


def alternating(rounds: int) -> list[bool]:
    """Which runs measure the thing (True) and which its baseline (False): rounds of
    baseline-thing-thing-baseline, `rounds` runs of each."""
    return [False, True, True, False] * (rounds // 2) + [False, True] * (rounds % 2)


def _rates(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def warc(data: Path, work: Path) -> None:
    report = run_ingest([data / "warc" / "fundus_news_pages_reconstructed.warc.gz"], work / "warc.duckdb")
    print(
        f"[4] WARC ({report.added} coded, {report.skipped} not English, {report.rejected} rejected): "
        f"{report.articles_per_second:.2f} articles/s handled, {report.added / report.seconds:.2f} coded "
        f"articles/s, {report.events_per_second:.2f} events/s"
    )


def dask_rate(source: Path, db: Path, workers: int) -> float:
    """Articles/s of one ingest of `source` on a new LocalCluster of `workers` processes, timed
    from after the cluster has started and every worker has loaded the model and tables."""
    client, cluster = start_client(workers=workers)
    try:
        client.run(warm_worker)  # the model and tables load before the clock starts, as in [1]
        report = run_ingest([source], db, IngestSettings(dask_client=client))
    finally:
        client.close()
        cluster.close()
    rate = report.added / report.seconds
    print(f"    --dask-workers {workers}: {rate:.2f} articles/s ({report.added} articles)")
    return rate


def dask_scaling(rows: list[dict[str, str]], work: Path, count: int, rounds: int) -> None:
    """2 workers against 1, interleaved as in [1]; the ratio of the best rate of each."""
    source = write_jsonl(work / "dask.jsonl", synthetic_records(rows, count))
    identify_language(rows[0]["text"])  # the driver's language model loads before either clock starts
    rates: dict[int, list[float]] = {1: [], 2: []}
    for number, two in enumerate(alternating(rounds)):
        workers = 2 if two else 1
        rates[workers].append(dask_rate(source, work / f"dask{number}.duckdb", workers))
    print(
        f"[2] Dask 2 vs 1 workers on {count} synthesised articles, {rounds} runs each: "
        f"ratio of best {max(rates[2]) / max(rates[1]):.2f}x (target >= 1.7x), "
        f"of means {fmean(rates[2]) / fmean(rates[1]):.2f}x"
    )


def memory(rows: list[dict[str, str]], work: Path, count: int) -> None:
    source = write_jsonl(work / "memory.jsonl", synthetic_records(rows, count))
    with PeakMemory() as peak:
        report = run_ingest([source], work / "memory.duckdb")
    gigabytes = peak.peak / 1024**3
    print(
        f"[3] peak memory ingesting {count} synthesised articles ({report.added} coded, "
        f"{report.duplicates} linked): {gigabytes:.2f} GB  (target < 1.5 GB); "
        f"{report.articles_per_second:.2f} articles/s, {report.events_per_second:.2f} events/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared reference data folder")
    parser.add_argument("--dask-articles", type=int, default=450)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side of [1] and [2]")
    parser.add_argument("--memory-articles", type=int, default=10_000)
    parser.add_argument("--skip", action="append", default=[], choices=["single", "warc", "dask", "memory"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    import distributed  # noqa: F401  (importing it sets its loggers' levels: quieten them after)

    logging.getLogger("distributed").setLevel(logging.ERROR)
    print(f"machine: {psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 1024**3:.0f} GB")
    rows = wikinews_rows(args.data)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if "single" not in args.skip:
            single_process(args.data, work, max(1, args.rounds))
        if "warc" not in args.skip:
            warc(args.data, work)
        if "dask" not in args.skip:
            dask_scaling(rows, work, args.dask_articles, max(1, args.rounds))
        if "memory" not in args.skip:
            memory(rows, work, args.memory_articles)


if __name__ == "__main__":
    main()
