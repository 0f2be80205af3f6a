"""Progress of a long ingest on the terminal: a Rich bar with articles/s and events found.

`IngestProgress` is a no-op when its console is not a terminal (a pipe, a log file, CI), so
scripts and tests see only the final summary line.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

LOGGER = logging.getLogger(__name__)


class _RateColumn(ProgressColumn):
    """Articles per second and events found so far."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        events = int(task.fields.get("events", 0))
        event_rate = events / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.1f} articles/s · {events:,} events ({event_rate:,.1f}/s)", style="cyan")


class IngestProgress:
    """A context manager that shows articles stored, articles/s and events found while ingesting.

    `enabled=None` (the default) shows it only when `console` writes to a terminal.
    """

    def __init__(self, console: Console | None = None, *, enabled: bool | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = self.console.is_terminal if enabled is None else enabled
        self.articles = 0
        self.events = 0
        self.started = time.perf_counter()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> IngestProgress:
        self.started = time.perf_counter()
        if self.enabled:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]ingesting[/]"),
                BarColumn(),
                TextColumn("{task.completed:,} articles"),
                _RateColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
                refresh_per_second=4,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task("ingest", total=None, events=0)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.__exit__(exc_type, exc, tb)
            self._progress = None

    def advance(self, articles: int = 1, events: int = 0) -> None:
        """Count articles handled (stored, linked as duplicates or skipped) and events found."""
        self.articles += articles
        self.events += events
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=articles, events=self.events)

    def print(self, message: str) -> None:
        """Print a line above the bar (or plainly, when there is no bar)."""
        if self._progress is not None:
            self._progress.console.print(message, highlight=False, soft_wrap=True)
        else:
            self.console.print(message, highlight=False, soft_wrap=True)

    @property
    def seconds(self) -> float:
        """Seconds since the run started."""
        return time.perf_counter() - self.started
