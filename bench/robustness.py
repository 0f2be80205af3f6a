"""Hostile input: how many hostile cases `tocsin ingest` handles within its time and memory bounds.

    .venv/bin/python bench/robustness.py [--workers 2] [--warm] [--keep FOLDER] [--case NAME ...]

Generates the hostile corpus (tests/data/hostile/make_hostile.py: binary, empty and 100 MB files,
broken encodings, a 10 MB line, HTML and feeds 10,000 levels deep, billion laughs and external
entities, gzip bombs, truncated and bombed WARC files, invisible and right-to-left text …) in a
temporary folder, runs each case through `tocsin ingest` in a new process with a copy of a
database holding the bundled examples, and prints a table: case, outcome, seconds, peak resident
memory, whether the run stayed within its bounds and whether it ended as the case expects (a clear
one-line rejection recorded and the stored data unchanged, or a correct result). Then the line

    hostile cases: N tried, M handled within bounds

(target: all). `--warm` runs the cases in forked children of a process that has loaded tocsin and
its model once, as the test suite does: faster, the same outcomes; the default is a cold process
per case, as a user runs the command.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

LOGGER = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
MAKE_HOSTILE = REPO / "tests" / "data" / "hostile" / "make_hostile.py"


def load_make_hostile() -> ModuleType:
    """The corpus script as a module."""
    spec = importlib.util.spec_from_file_location("make_hostile", MAKE_HOSTILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_hostile"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="cases run at the same time")
    parser.add_argument("--warm", action="store_true", help="fork each run from a warm process")
    parser.add_argument("--keep", type=Path, help="write the corpus here (an empty folder) and keep it")
    parser.add_argument("--case", action="append", default=[], help="run only this case (repeatable)")
    args = parser.parse_args()
    make_hostile = load_make_hostile()
    with tempfile.TemporaryDirectory(prefix="tocsin-hostile-") as temporary:
        work = Path(temporary)
        corpus = args.keep or work / "corpus"
        started = time.perf_counter()
        cases = make_hostile.make_corpus(corpus)
        print(f"corpus: {len(cases)} cases written in {time.perf_counter() - started:.1f} s")
        if args.case:
            cases = [case for case in cases if case.label in args.case or case.name in args.case]
        template = make_hostile.make_template_db(work)
        runs = {}
        started = time.perf_counter()
        for run in make_hostile.run_cases(
            cases, corpus, template, work, workers=args.workers, warm=args.warm
        ):
            runs[run.case.name] = run
            LOGGER.info("%s done", run.case.label)
        elapsed = time.perf_counter() - started
    mode = "warm forked processes" if args.warm else "a new process per case"
    print(f"ran in {elapsed:.0f} s with {args.workers} at a time, {mode}\n")
    header = (
        f"{'case':28} {'expected':9} {'outcome':14} {'seconds':>8} {'bound':>6} {'peak MB':>8} {'bound':>6}"
    )
    print(header + "  within bounds  as expected")
    print("-" * (len(header) + 27))
    for case in cases:
        run = runs[case.name]
        print(
            f"{case.label:28} {case.outcome:9} {run.outcome:14} {run.seconds:8.1f} {case.seconds:6.0f} "
            f"{run.peak_mb:8.0f} {case.memory_mb:6d}  {'yes' if run.within_bounds else 'NO':13}  "
            f"{'yes' if run.handled else 'NO'}"
        )
    failed = [runs[case.name] for case in cases if not runs[case.name].handled]
    for run in failed:
        known = f" (known issue: {run.case.known_issue})" if run.case.known_issue else ""
        print(f"\n{run.case.label}{known}:\n    " + "\n    ".join(run.problems))
    handled = sum(1 for case in cases if runs[case.name].handled)
    print(f"\nhostile cases: {len(cases)} tried, {handled} handled within bounds")


if __name__ == "__main__":
    main()
