"""Early warning on real news: alerts per 100 dyad-weeks on the Wikinews 2019 corpus.

    .venv/bin/python bench/alerts.py [--data ../shared] [--db FILE]

Ingests `data/wikinews/wikinews_2019.csv` and the founding article (`seed/proxy-war-report.txt`,
dated 2019-05-17) into a temporary DuckDB file (or `--db`, reused when it already holds them), runs
the escalation detector weekly and daily, and prints the alert rate per 100 dyad-weeks (active
country dyads × weeks) next to a "naive" detector that fires on any week with conflict events on a
dyad (the baseline measured in the same run: the rate the CUSUM and volume support bring down),
then a few series summaries and the alerts with what moved.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from tocsin.ingest._paths import ReadOptions
from tocsin.ingest.run import IngestSettings, ingest
from tocsin.store import Store
from tocsin.warn import WarnSettings, active_dyads, detect_alerts, dyad_key, period_start, series

LOGGER = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
SEED_DATE = date(2019, 5, 17)


def load(store: Store, shared: Path) -> None:
    """Ingest the Wikinews CSV and the founding article (already stored articles are skipped)."""
    wikinews = shared / "data" / "wikinews" / "wikinews_2019.csv"
    seed = shared / "seed" / "proxy-war-report.txt"
    for path in (wikinews, seed):
        if not path.exists():
            raise SystemExit(f"{path}: not found (give --data, the shared folder)")
    columns = {"text": "text", "date": "date", "title": "title", "url": "url"}
    report = ingest([wikinews], store, IngestSettings(read=ReadOptions(columns=columns)))
    print(
        f"Wikinews: {report.added} articles stored, {report.events} events ({report.already_stored} already)"
    )
    report = ingest([seed], store, IngestSettings(default_date=SEED_DATE))
    print(f"founding article: {report.added} stored, {report.events} events")


def dyad_weeks(store: Store) -> tuple[int, int]:
    """Active country dyads × weeks of the corpus, and the weeks with any conflict on a dyad."""
    frame = store.consolidated_frame()
    if frame.empty:
        return 0, 0
    days = list(pd.to_datetime(frame["date"]).dt.date)
    first, last = period_start(min(days), "week"), period_start(max(days), "week")
    weeks = (last - first).days // 7 + 1

    naive = {
        (dyad_key(s, t), period_start(day, "week"))
        for s, t, day, quad in zip(
            frame["source_code"], frame["target_code"], days, frame["quad_class"], strict=True
        )
        if quad in (3, 4) and dyad_key(s, t) is not None
    }
    return len(active_dyads(frame)) * weeks, len(naive)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_SHARED, help="the shared folder")
    parser.add_argument("--db", type=Path, help="DuckDB file to use (default: a temporary one)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "bench.duckdb"
        with Store(path) as store:
            load(store, args.data)
            cells, naive = dyad_weeks(store)
            print(f"\n{cells} dyad-weeks watched (active country dyads × weeks)")
            rate = 100 * naive / cells if cells else 0.0
            print(
                f"naive baseline (any conflict event on a dyad that week): {naive} alerts, {rate:.2f} per 100"
            )
            for by in ("week", "day"):
                alerts = detect_alerts(store, settings=WarnSettings.for_period(by), save=by == "week")
                rate = 100 * len(alerts) / cells if cells else 0.0
                ratio = f"{len(alerts) / naive:.3f}" if naive else "–"
                print(f"detector by {by}: {len(alerts)} alerts, {rate:.2f} per 100 dyad-weeks", end="")
                print(f" ({ratio} of naive)")
                for alert in alerts:
                    print(
                        f"  {alert.dyad} fired {alert.fired} (since {alert.start}): score {alert.score:.1f}; "
                    )
                    print(
                        f"    {alert.events} events, {alert.articles} articles, {alert.anonymous} anonymous"
                    )
                    print(f"    {alert.summary}")
            print("sensitivity (weekly, not stored): ", end="")
            for threshold in (2.0, 3.0):
                looser = WarnSettings.for_period("week", threshold=threshold)
                found = detect_alerts(store, settings=looser, save=False)
                rate = 100 * len(found) / cells if cells else 0.0
                print(f"threshold {threshold}: {len(found)} alerts ({rate:.2f} per 100); ", end="")
            print("(2.0 lets a single burst week fire)")
            print("\nseries summaries (per week, both directions):")
            for dyad in ("IRN-USA", "IRN-IRQ", "USA-IRQ", "CHN-HKG", "USA-USA"):
                points = series(store, dyad=dyad, by="week", both_directions=True)
                active = [p for p in points if p.events]
                events = sum(p.events for p in points)
                conflict = sum(p.material_conflict for p in points)
                busiest = max(active, key=lambda p: p.events, default=None)
                busy = f"busiest week {busiest.period} ({busiest.events} events)" if busiest else "no events"
                print(f"  {dyad}: {events} events in {len(active)} of {len(points)} weeks, ", end="")
                print(f"{conflict} material conflict; {busy}")


if __name__ == "__main__":
    main()
