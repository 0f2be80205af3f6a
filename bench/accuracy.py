"""Hold tocsin's accuracy to the gold sets: one summary table, each line PASS or MISS its target.

    python bench/accuracy.py [--shared PATH] [--details]

`--shared` is the shared data folder (default: `../shared/data` next to the repository); gold sets
that are absent there are reported as skipped. `--details` adds the per-type table, the confusion
table and the lists of misses behind each number.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tocsin.evaluate import (
    CameoReport,
    FoundingReport,
    PetrarchReport,
    PlaceReport,
    PloverReport,
    QuoteReport,
    Report,
    SkippedReport,
    format_table,
    run_all,
)
from tocsin.parse import load_model

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Target:
    """One summary line: which report, what it measures, how to read it, and its target."""

    report: str
    label: str
    value: Callable[[Report], float]
    target: float | None = None  # None: shown alongside a measure that has one
    at_most: bool = False  # the target is a ceiling (the founding-article count) not a floor

    def verdict(self, value: float) -> str:
        """PASS when the value meets the target, MISS otherwise ("" without a target)."""
        if self.target is None:
            return ""
        met = value <= self.target if self.at_most else value >= self.target
        return "PASS" if met else "MISS"

    def bound(self) -> str:
        """The target as text: `>= 0.75`, `<= 0`, or "" without one."""
        if self.target is None:
            return ""
        return f"{'<=' if self.at_most else '>='} {self.target:g}"


def _expect(report: Report, kind: type[R]) -> R:
    """Return the report as the kind its target reads (a target names its report's set)."""
    if not isinstance(report, kind):
        raise TypeError(f"expected a {kind.__name__}, got {type(report).__name__}")
    return report


TARGETS = (
    Target("plover", "PLOVER recall", lambda r: _expect(r, PloverReport).recall, 0.75),
    Target(
        "plover",
        "PLOVER source-country accuracy (recalled)",
        lambda r: _expect(r, PloverReport).source_country_accuracy,
        0.85,
    ),
    Target(
        "plover",
        "PLOVER actor countries agree (type matched)",
        lambda r: _expect(r, PloverReport).actors.country_share,
        0.90,
    ),
    Target(
        "plover",
        "PLOVER actor codes agree (type matched)",
        lambda r: _expect(r, PloverReport).actors.full_share,
        0.75,
    ),
    Target("wikinews", "Wikinews root precision", lambda r: _expect(r, CameoReport).root.precision),
    Target("wikinews", "Wikinews root recall", lambda r: _expect(r, CameoReport).root.recall),
    Target("wikinews", "Wikinews root F1", lambda r: _expect(r, CameoReport).root.f1, 0.70),
    Target(
        "wikinews",
        "Wikinews 3-digit precision",
        lambda r: _expect(r, CameoReport).digit3.precision,
    ),
    Target("wikinews", "Wikinews 3-digit recall", lambda r: _expect(r, CameoReport).digit3.recall),
    Target("wikinews", "Wikinews 3-digit F1", lambda r: _expect(r, CameoReport).digit3.f1, 0.55),
    Target(
        "wikinews",
        "Wikinews actor countries agree (root matched)",
        lambda r: _expect(r, CameoReport).actors.country_share,
        0.90,
    ),
    Target(
        "wikinews",
        "Wikinews actor codes agree (root matched)",
        lambda r: _expect(r, CameoReport).actors.full_share,
        0.75,
    ),
    Target(
        "petrarch",
        "PETRARCH records coded exactly",
        lambda r: _expect(r, PetrarchReport).share,
        0.60,
    ),
    Target(
        "founding",
        "Founding article: root 18-20 events in negated/hypothetical sentences",
        lambda r: float(_expect(r, FoundingReport).count),
        0.0,
        at_most=True,
    ),
    Target("quotes", "Quote speaker accuracy", lambda r: _expect(r, QuoteReport).speaker_accuracy, 0.85),
    Target("quotes", "Anonymous-source recall", lambda r: _expect(r, QuoteReport).anonymous_recall, 0.90),
    Target("places", "Place country right", lambda r: _expect(r, PlaceReport).country_accuracy, 0.95),
    Target("places", "Place exact", lambda r: _expect(r, PlaceReport).exact_accuracy, 0.85),
)


def summary_table(reports: dict[str, Report]) -> str:
    """Return the summary: one line per measure, its value, its target and PASS/MISS."""
    rows: list[tuple[str, str, str, str]] = []
    for target in TARGETS:
        report = reports[target.report]
        if isinstance(report, SkippedReport):
            rows.append((target.label, "-", "-", f"SKIP ({report.reason})"))
            continue
        value = target.value(report)
        shown = f"{value:.0f}" if target.at_most else f"{value:.3f}"
        rows.append((target.label, shown, target.bound(), target.verdict(value)))
    return format_table(("measure", "value", "target", "result"), rows)


def main(argv: list[str] | None = None) -> int:
    """Run every gold set present and print the summary (and the details when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--details", action="store_true", help="print the tables behind each number")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.shared.is_dir():
        print(f"no shared data folder at {args.shared}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    nlp = load_model()
    loaded = time.perf_counter()
    reports = run_all(args.shared, nlp=nlp)
    finished = time.perf_counter()
    if args.details:
        for report in reports.values():
            print(report.render(details=True), end="\n\n")
    print(summary_table(reports))
    print(
        f"\nmodel loaded in {loaded - started:.1f} s; gold sets coded and scored in {finished - loaded:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
