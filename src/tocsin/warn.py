"""Early warning: event series of dyads and actors, and escalation alerts that explain themselves.

A dyad is written `IRN-USA`: source and target code prefixes (country codes or full actor codes
such as `IRNMIL`), matched like `--actor`. The series count consolidated events (one per date,
source, target and CAMEO code, however many articles repeat it) per day or per week, by QuadClass,
with Goldstein sums and means, and the same per thousand coded events of the period, since news
volume varies a lot.

The detector watches every active country dyad (both directions together, `IRN-USA`) for a rise in
conflict: each period's conflict events (material conflict counts 1, verbal conflict
`verbal_conflict_weight`), discounted in periods of unusually high news volume, are compared with a robust
baseline of the periods before (rolling median, scale from the median absolute deviation,
statsmodels) and fed to a one-sided CUSUM change test. Each period's standardised excess is capped
(`z_cap` < `threshold`), so a single burst, let alone a single noisy article, cannot fire an alert:
the rise has to last. An alert also needs volume support: at least `min_events` conflict events
from `min_articles` distinct articles in its window. Once fired, a dyad stays in alarm (no new
alert) until the CUSUM statistic falls back to zero.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from statsmodels.robust.scale import mad

from tocsin.errors import InputError
from tocsin.types import Alert, SeriesPoint, source_chain

if TYPE_CHECKING:
    from tocsin.store import Store

LOGGER = logging.getLogger(__name__)

PERIODS = ("day", "week")
_QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")


@dataclass(frozen=True, slots=True)
class WarnSettings:
    """The detector's windows and thresholds, in one place; the defaults suit weekly news data."""

    by: str = "week"  # the period: day | week
    baseline_periods: int = 8  # periods before the current one that form the baseline
    min_baseline_periods: int = 3  # periods of history needed before anything can fire
    slack: float = 1.0  # CUSUM allowance k, in robust standard deviations (tuned to a 2-sigma shift)
    threshold: float = 4.0  # CUSUM decision threshold h
    z_cap: float = 3.0  # a period's standardised excess is capped here (below h: one period cannot fire)
    min_scale: float = 1.0  # the scale never drops below sqrt(max(baseline, 1)) * min_scale (counts)
    verbal_conflict_weight: float = 0.5  # a verbal conflict event counts this much, material conflict 1
    min_events: int = 3  # volume support: conflict events in the alert window …
    min_articles: int = 2  # … from at least this many distinct articles
    normalise: bool = True  # adjust counts for the period's total news volume
    max_volume_factor: float = 3.0  # busy periods are discounted down to 1/f (quiet ones never inflated)
    evidence_limit: int = 10  # driving events kept as evidence

    @classmethod
    def for_period(cls, by: str, **overrides: Any) -> WarnSettings:
        """The defaults for a period: weekly as above; daily with a 28-day baseline and half the
        CUSUM allowance, since daily counts are sparser (three days of conflict in a week fire)."""
        if by == "day":
            overrides = {"baseline_periods": 28, "slack": 0.5, **overrides}
        return cls(by=by, **overrides)

    def __post_init__(self) -> None:
        if self.by not in PERIODS:
            raise ValueError(f"the period must be one of {', '.join(PERIODS)}, not {self.by!r}")
        if self.baseline_periods < 2 or self.min_baseline_periods < 1:
            raise ValueError("the baseline needs at least 2 periods, and at least 1 of history")
        if self.threshold <= 0 or self.z_cap <= 0 or self.slack < 0:
            raise ValueError("threshold and z_cap must be positive, slack zero or more")


# -- dyads ---------------------------------------------------------------------------------------


def parse_dyad(text: str) -> tuple[str, str]:
    """Return (source, target) code prefixes from "IRN-USA" (any case); ValueError says why not."""
    parts = [part.strip().upper() for part in text.split("-")]
    if len(parts) != 2 or not all(part.isalnum() for part in parts):
        raise ValueError(f"a dyad is two actor codes joined by '-', such as IRN-USA, not {text!r}")
    return parts[0], parts[1]


def dyad_matches(stored: str, wanted: tuple[str, str]) -> bool:
    """Tell whether a stored dyad ("IRN-USA") is the wanted one, in either direction; each side
    matches when one code is a prefix of the other (IRN matches IRNMIL and the reverse)."""
    try:
        first, second = parse_dyad(stored)
    except ValueError:
        return False

    def same(a: str, b: str) -> bool:
        return a.startswith(b) or b.startswith(a)

    a, b = wanted
    return (same(first, a) and same(second, b)) or (same(first, b) and same(second, a))


def _country(code: Any) -> str | None:
    """The country (or organisation) part of an actor code: its first three letters."""
    if not isinstance(code, str) or len(code) < 3:
        return None
    return code[:3].upper()


def dyad_key(source_code: Any, target_code: Any) -> str | None:
    """The undirected country dyad of an event ("IRN-USA", codes sorted), None without a target."""
    source, target = _country(source_code), _country(target_code)
    if source is None or target is None:
        return None
    return "-".join(sorted((source, target)))


# -- series --------------------------------------------------------------------------------------


def period_start(day: date, by: str) -> date:
    """The first day of the period holding `day`: the day itself, or the Monday of its week."""
    return day - timedelta(days=day.weekday()) if by == "week" else day


def period_end(start: date, by: str) -> date:
    """The last day of the period starting on `start`."""
    return start + timedelta(days=6) if by == "week" else start


def _load(store: Store, *, since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """The store's dated consolidated events, with `date` as Python dates."""
    frame = store.consolidated_frame(since=since, until=until)
    if not frame.empty:
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def _with_periods(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """The consolidated events with a `period` column (a Python date)."""
    frame = frame.copy()
    days = pd.to_datetime(frame["date"])
    if by == "week":
        days = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    frame["period"] = days.dt.date
    return frame


def _select(
    frame: pd.DataFrame, *, dyad: str | None, actor: str | None, both_directions: bool
) -> pd.DataFrame:
    """The events of a dyad (source→target prefixes, or either way) or of an actor (either side)."""
    source = frame["source_code"].fillna("").str.upper()
    target = frame["target_code"].fillna("").str.upper()
    keep = pd.Series(True, index=frame.index)
    if dyad is not None:
        a, b = parse_dyad(dyad)
        forward = source.str.startswith(a) & target.str.startswith(b)
        keep &= (
            (forward | (source.str.startswith(b) & target.str.startswith(a))) if both_directions else forward
        )
    if actor is not None:
        code = actor.strip().upper()
        keep &= source.str.startswith(code) | target.str.startswith(code)
    return frame[keep]


def _period_range(first: date, last: date, by: str) -> list[date]:
    step = 7 if by == "week" else 1
    start, stop = period_start(first, by), period_start(last, by)
    return [start + timedelta(days=step * i) for i in range((stop - start).days // step + 1)]


def _series_from_frame(
    frame: pd.DataFrame,
    *,
    dyad: str | None,
    actor: str | None,
    by: str,
    since: date | None,
    until: date | None,
    both_directions: bool,
) -> list[SeriesPoint]:
    if by not in PERIODS:
        raise ValueError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")
    if frame.empty:
        return []
    frame = _with_periods(frame, by)
    chosen = _select(frame, dyad=dyad, actor=actor, both_directions=both_directions)
    if chosen.empty:
        return []
    totals = frame.groupby("period").size()
    first = since or min(frame["date"])
    last = until or max(frame["date"])
    points = []
    grouped = {period: rows for period, rows in chosen.groupby("period")}
    for period in _period_range(first, last, by):
        rows = grouped.get(period)
        quads = [0, 0, 0, 0]
        goldstein, articles = 0.0, 0
        if rows is not None:
            counts = rows["quad_class"].value_counts()
            quads = [int(counts.get(q, 0)) for q in (1, 2, 3, 4)]
            goldstein = float(rows["goldstein"].sum())
            articles = len({a for ids in rows["article_ids"] for a in ids})
        points.append(
            SeriesPoint(
                period=period,
                by=by,
                events=0 if rows is None else len(rows),
                verbal_cooperation=quads[0],
                material_cooperation=quads[1],
                verbal_conflict=quads[2],
                material_conflict=quads[3],
                goldstein_sum=goldstein,
                articles=articles,
                total_events=int(totals.get(period, 0)),
            )
        )
    return points


def series(
    store: Store,
    *,
    dyad: str | None = None,
    actor: str | None = None,
    by: str = "week",
    since: date | None = None,
    until: date | None = None,
    both_directions: bool = False,
) -> list[SeriesPoint]:
    """Return the event series of a dyad ("IRN-USA": source→target, or either way with
    `both_directions`) and/or an actor (either side), one point per day or week from `since` (else
    the first dated event in the database) to `until` (else the last), periods without events
    included. Empty when nothing matches; `empty_reason` says why."""
    if by not in PERIODS:
        raise ValueError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")
    if dyad is not None:
        parse_dyad(dyad)  # fail early on a malformed dyad
    frame = _load(store, since=since, until=until)
    return _series_from_frame(
        frame, dyad=dyad, actor=actor, by=by, since=since, until=until, both_directions=both_directions
    )


def material_conflict_dates(
    store: Store,
    *,
    dyad: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    both_directions: bool = False,
) -> list[date]:
    """The dates of the material conflict events a `series` call with the same filters counts (one
    per consolidated event), for marking them on a plot."""
    frame = _select(
        _load(store, since=since, until=until), dyad=dyad, actor=actor, both_directions=both_directions
    )
    return sorted(frame.loc[frame["quad_class"] == 4, "date"]) if not frame.empty else []


def series_frame(store: Store, **options: Any) -> pd.DataFrame:
    """Return `series(store, **options)` as a pandas DataFrame, one row per period."""
    return pd.DataFrame.from_records([point.to_dict() for point in series(store, **options)])


def empty_reason(
    store: Store,
    *,
    dyad: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> str:
    """Say why a series or an alert list is empty: no events at all, none in the date range, or
    none for the dyad or actor; "" when there are events to look at."""
    if store.counts()["events"] == 0:
        return "the database holds no events (run `tocsin ingest` first)"
    span = ""
    if since or until:
        span = f" between {since.isoformat() if since else 'the start'} and {until or 'the end'}"
    if store.consolidated_frame(since=since, until=until).empty:
        return f"no dated events{span}"
    if dyad is None and actor is None:
        return ""
    frame = _select(_load(store, since=since, until=until), dyad=dyad, actor=actor, both_directions=True)
    if frame.empty:
        return f"no events for {f'dyad {dyad}' if dyad else f'actor {actor}'}{span}"
    return ""


# -- detection -----------------------------------------------------------------------------------


def _alert_id(dyad: str, by: str, fired: date) -> str:
    return hashlib.sha256(f"escalation|{dyad}|{by}|{fired.isoformat()}".encode()).hexdigest()[:16]


def _robust_baseline(values: np.ndarray, settings: WarnSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each period, the median and robust scale of the `baseline_periods` before it, and how
    many periods of history it has. The scale is the MAD (statsmodels, normalised to a standard
    deviation), floored at sqrt(max(median, 1)) * min_scale as for Poisson counts, so a flat or
    empty history does not make every event look extreme."""
    window = settings.baseline_periods
    padded = np.concatenate([np.full(window, np.nan), values])
    windows = np.lib.stride_tricks.sliding_window_view(padded, window)[: len(values)]
    history = np.minimum(np.arange(len(values)), window)
    filled = np.where(np.isnan(windows), 0.0, windows)
    median = np.zeros(len(values))
    scale = np.zeros(len(values))
    for size in np.unique(history):
        rows = history == size
        if size == 0:
            continue
        part = filled[rows][:, window - size :]
        median[rows] = np.median(part, axis=1)
        scale[rows] = mad(part, axis=1)
    floor = np.sqrt(np.maximum(median, 1.0)) * settings.min_scale
    return median, np.maximum(scale, floor), history


@dataclass(slots=True)
class _DyadSeries:
    """One dyad's per-period arrays, aligned with the detection's period list."""

    dyad: str
    rows: pd.DataFrame  # its consolidated events, with `period`
    conflict: np.ndarray  # weighted conflict events per period
    conflict_events: np.ndarray  # conflict (QuadClass 3 or 4) events per period


def _per_period(periods: pd.Series, index: dict[date, int]) -> np.ndarray:
    """How many of the given event periods fall in each period of the detection."""
    counts = np.zeros(len(index))
    for period, size in periods.value_counts().items():
        counts[index[period]] = size
    return counts


def _volume_factor(totals: np.ndarray, settings: WarnSettings) -> np.ndarray:
    """Per period, how much to scale a count so that periods of high news volume do not look like
    escalation: the median volume of the baseline periods before over this period's volume, between
    1/max_volume_factor and 1. Quiet periods (a slow news week, or the current period while it is
    still running) are never inflated, so a handful of events there cannot look like a surge."""
    if not settings.normalise:
        return np.ones(len(totals))
    volumes = np.where(totals > 0, totals, np.nan)
    reference = pd.Series(volumes).rolling(settings.baseline_periods, min_periods=1).median().shift(1)
    reference = reference.fillna(pd.Series(volumes)).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(totals > 0, reference / totals, 1.0)
    factor = np.where(np.isnan(factor), 1.0, factor)
    bound = settings.max_volume_factor
    return np.clip(factor, 1.0 / bound, 1.0)


def detect_alerts(
    store: Store,
    *,
    settings: WarnSettings | None = None,
    dyad: str | None = None,
    since: date | None = None,
    until: date | None = None,
    save: bool = True,
) -> list[Alert]:
    """Run the escalation detector on every active dyad (or on `dyad` only) over the stored events
    up to `until`, and return the alerts that fired in periods ending on or after `since`, oldest
    first. With `save` they are stored (`Store.add_alerts`; one already stored is kept)."""
    settings = settings or WarnSettings()
    wanted = parse_dyad(dyad) if dyad is not None else None
    frame = _load(store, until=until)
    alerts = detect_in_frame(frame, settings, wanted=wanted, since=since, until=until)
    if alerts:
        alerts = [_with_evidence(store, alert, frame, settings) for alert in alerts]
        if save and not store.read_only:
            store.add_alerts(alerts)
    LOGGER.info("%d alerts detected", len(alerts))
    return alerts


def detect_in_frame(
    frame: pd.DataFrame,
    settings: WarnSettings,
    *,
    wanted: tuple[str, str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Alert]:
    """The detector over a `Store.consolidated_frame()`: the alerts (without evidence) that fired in
    periods ending on or after `since`. Causal: an alert uses only periods up to the one it fired in."""
    if frame.empty:
        return []
    by = settings.by
    frame = _with_periods(frame, by)
    if until is not None:
        frame = frame[frame["date"] <= until]
        if frame.empty:
            return []
    periods = _period_range(min(frame["date"]), until or max(frame["date"]), by)
    index = {period: i for i, period in enumerate(periods)}
    totals = _per_period(frame["period"], index)
    frame = frame.assign(dyad=_dyad_column(frame))
    conflict = frame[frame["quad_class"].isin((3, 4)) & frame["dyad"].notna()]
    alerts: list[Alert] = []
    for name, rows in conflict.groupby("dyad"):
        if len(rows) < settings.min_events:
            continue  # cannot have volume support anywhere
        if wanted is not None and not dyad_matches(str(name), wanted):
            continue
        # the news volume around the dyad: every other event of the period
        own = _per_period(frame.loc[frame["dyad"] == name, "period"], index)
        factor = _volume_factor(totals - own, settings)
        series_ = _DyadSeries(str(name), rows, np.zeros(len(periods)), np.zeros(len(periods)))
        weights = np.where(rows["quad_class"] == 4, 1.0, settings.verbal_conflict_weight)
        for period, weight in zip(rows["period"], weights, strict=True):
            series_.conflict[index[period]] += weight
            series_.conflict_events[index[period]] += 1
        alerts.extend(_cusum_alerts(series_, periods, factor, settings))
    if since is not None:
        alerts = [alert for alert in alerts if alert.end >= since]
    return sorted(alerts, key=lambda alert: (alert.fired, alert.dyad))


def _cusum_alerts(
    dyad: _DyadSeries, periods: list[date], factor: np.ndarray, settings: WarnSettings
) -> list[Alert]:
    """Run the one-sided CUSUM over one dyad's volume-adjusted conflict counts."""
    values = dyad.conflict * factor
    median, scale, history = _robust_baseline(values, settings)
    z = np.clip((values - median) / scale, -settings.z_cap, settings.z_cap)
    alerts: list[Alert] = []
    cusum, run_start, alarmed = 0.0, 0, False
    for i in range(len(periods)):
        if history[i] < settings.min_baseline_periods:
            continue
        previous = cusum
        cusum = max(0.0, cusum + float(z[i]) - settings.slack)
        if cusum == 0.0:
            alarmed = False
            continue
        if previous == 0.0:
            run_start = i
        if alarmed or cusum < settings.threshold:
            continue
        alert = _alert(dyad, periods, run_start, i, cusum, values, median, settings)
        if alert is not None:
            alerts.append(alert)
            alarmed = True
    return alerts


def _alert(
    dyad: _DyadSeries,
    periods: list[date],
    start: int,
    fired: int,
    score: float,
    values: np.ndarray,
    median: np.ndarray,
    settings: WarnSettings,
) -> Alert | None:
    """The alert for a run of periods start..fired, or None without volume support."""
    first, last = periods[start], periods[fired]
    window = dyad.rows[(dyad.rows["period"] >= first) & (dyad.rows["period"] <= last)]
    articles = {a for ids in window["article_ids"] for a in ids}
    if len(window) < settings.min_events or len(articles) < settings.min_articles:
        return None
    end = period_end(last, settings.by)
    return Alert(
        alert_id=_alert_id(dyad.dyad, settings.by, last),
        dyad=dyad.dyad,
        by=settings.by,
        start=first,
        fired=last,
        end=end,
        score=score,
        threshold=settings.threshold,
        events=len(window),
        articles=len(articles),
        anonymous=int(window["anonymous"].sum()),
        moved={
            "conflict events per period (volume-adjusted)": (
                round(float(median[start]), 2),
                round(float(values[start : fired + 1].mean()), 2),
            )
        },
    )


def _measures(rows: pd.DataFrame, periods: int) -> dict[str, float | None]:
    """The measures an alert reports for a set of a dyad's events spread over `periods` periods."""
    count = len(rows)
    return {
        "events per period": round(count / max(periods, 1), 2),
        "material conflict share": round(float((rows["quad_class"] == 4).mean()), 2) if count else None,
        "Goldstein mean": round(float(rows["goldstein"].mean()), 2) if count else None,
    }


def _with_evidence(store: Store, alert: Alert, frame: pd.DataFrame, settings: WarnSettings) -> Alert:
    """Add what moved (baseline periods against the alert window, all the dyad's events) and the
    evidence: the driving conflict events with their sentences and source chains."""
    by = settings.by
    step = timedelta(days=7 if by == "week" else 1)
    frame = _with_periods(frame, by)
    keys = _dyad_column(frame)
    rows = frame[[key == alert.dyad for key in keys]]
    baseline_start = alert.start - step * settings.baseline_periods
    before = rows[(rows["period"] >= baseline_start) & (rows["period"] < alert.start)]
    during = rows[(rows["period"] >= alert.start) & (rows["period"] <= alert.fired)]
    window_periods = (alert.fired - alert.start) // step + 1
    old, new = _measures(before, settings.baseline_periods), _measures(during, window_periods)
    moved = dict(alert.moved)
    for name in old:
        moved[name] = (old[name], new[name])
    driving = during[during["quad_class"].isin((3, 4))].sort_values(
        ["quad_class", "goldstein", "num_articles", "date"], ascending=[False, True, False, True]
    )
    first_mentions = [next(iter(ids)) for ids in driving["mention_ids"].head(settings.evidence_limit)]
    counts = dict(zip(first_mentions, driving["num_articles"].head(settings.evidence_limit), strict=True))
    evidence = []
    for record in store.events_by_id(first_mentions):
        speaker = (record.get("attribution") or {}).get("speaker") or {}
        evidence.append(
            {
                "event_id": record["event_id"],
                "date": record["date"],
                "source": (record.get("source") or {}).get("code"),
                "target": (record.get("target") or {}).get("code"),
                "cameo": record["cameo"],
                "quad_class": record["quad_class"],
                "goldstein": record["goldstein"],
                "sentence": record["sentence"],
                "source_chain": source_chain(record.get("attribution") or {}),
                "anonymous": bool(speaker.get("anonymous")),
                "num_articles": int(counts.get(record["event_id"], 1)),
                "article_id": record["article_id"],
                "article": record.get("article"),
            }
        )
    return replace(alert, moved=moved, evidence=tuple(evidence))


# -- backtest ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Episode:
    """A known escalation: a dyad (either direction) between two dates, with a label."""

    dyad: str
    start: date
    end: date
    label: str = ""


def read_episodes(path: str | Path) -> list[Episode]:
    """Read known episodes from a CSV file with a header row `dyad,start,end,label` (label
    optional; dates YYYY-MM-DD; lines starting with # are comments). `InputError` names the line."""
    episodes: list[Episode] = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"cannot read the episodes file: {error}") from error
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    if reader.fieldnames is None or not {"dyad", "start", "end"} <= set(reader.fieldnames):
        raise InputError(str(path), "the episodes file needs a header row dyad,start,end[,label]")
    for number, row in enumerate(reader, start=2):
        try:
            parse_dyad(row["dyad"] or "")
            start, end = date.fromisoformat(row["start"] or ""), date.fromisoformat(row["end"] or "")
        except ValueError as error:
            raise InputError(f"{path}:{number}", str(error)) from error
        if end < start:
            raise InputError(f"{path}:{number}", f"the episode ends ({end}) before it starts ({start})")
        episodes.append(Episode(row["dyad"].strip().upper(), start, end, (row.get("label") or "").strip()))
    return episodes


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """What a day-by-day replay found: each alert with when it was first raised and how long
    before the peak of material conflict; precision and recall against known episodes."""

    alerts: list[dict[str, Any]]
    days: int
    dyad_periods: int  # active dyad × period cells watched (for alerts per 100 dyad-weeks)
    episodes: int
    episodes_found: int
    precision: float | None
    recall: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict."""
        return {
            "days": self.days,
            "alerts": self.alerts,
            "dyad_periods": self.dyad_periods,
            "episodes": self.episodes,
            "episodes_found": self.episodes_found,
            "precision": self.precision,
            "recall": self.recall,
        }


def backtest(
    store: Store,
    *,
    settings: WarnSettings | None = None,
    episodes: Sequence[Episode] = (),
    since: date | None = None,
    until: date | None = None,
    peak_horizon_days: int = 56,
    tolerance_days: int = 14,
    on_day: Callable[[date, list[Alert]], None] | None = None,
) -> BacktestResult:
    """Replay the stored corpus day by day (events dated up to each day) and record each alert the
    day it was first raised. For each, `lead_days` is how many days before the peak period of
    material conflict on its dyad (within `peak_horizon_days` after it) it came. An alert is
    correct when an episode of its dyad runs from at most `tolerance_days` after it to its end.
    Nothing is stored."""
    settings = settings or WarnSettings()
    frame = _load(store, until=until)
    if frame.empty:
        return BacktestResult([], 0, 0, len(episodes), 0, None, None)
    first, last = since or min(frame["date"]), until or max(frame["date"])
    raised: dict[str, tuple[date, Alert]] = {}
    day = first
    while day <= last:
        fresh = [
            alert
            for alert in detect_in_frame(frame[frame["date"] <= day], settings, until=day)
            if alert.alert_id not in raised and alert.end >= first
        ]
        for alert in fresh:
            raised[alert.alert_id] = (day, alert)
        if on_day is not None and fresh:
            on_day(day, fresh)
        day += timedelta(days=1)
    periods_frame = _with_periods(frame, settings.by)
    keys = _dyad_column(periods_frame)
    periods_frame = periods_frame.assign(dyad=keys)
    records = []
    for raised_on, alert in sorted(raised.values(), key=lambda item: (item[0], item[1].dyad)):
        rows = periods_frame[
            (periods_frame["dyad"] == alert.dyad)
            & (periods_frame["quad_class"] == 4)
            & (periods_frame["period"] >= alert.start)
            & (periods_frame["date"] <= raised_on + timedelta(days=peak_horizon_days))
        ]
        peak = rows.groupby("period").size().idxmax() if not rows.empty else None
        matched = [
            e.label or f"{e.dyad} {e.start}"
            for e in episodes
            if _in_episode(alert, raised_on, e, tolerance_days)
        ]
        records.append(
            {
                "dyad": alert.dyad,
                "raised_on": raised_on.isoformat(),
                "start": alert.start.isoformat(),
                "score": round(alert.score, 3),
                "summary": alert.summary,
                "peak": peak.isoformat() if peak is not None else None,
                "lead_days": (peak - raised_on).days if peak is not None else None,
                "episodes": matched,
            }
        )
    found = {
        e for e in episodes for day_, alert in raised.values() if _in_episode(alert, day_, e, tolerance_days)
    }
    correct = sum(1 for record in records if record["episodes"])
    cells = len(active_dyads(frame)) * len(_period_range(first, last, settings.by))
    return BacktestResult(
        alerts=records,
        days=(last - first).days + 1,
        dyad_periods=cells,
        episodes=len(episodes),
        episodes_found=len(found),
        precision=(correct / len(records)) if episodes and records else None,
        recall=(len(found) / len(episodes)) if episodes else None,
    )


def _in_episode(alert: Alert, raised_on: date, episode: Episode, tolerance_days: int) -> bool:
    """An alert raised on `raised_on` belongs to an episode of its dyad when it came at most
    `tolerance_days` before the episode started and no later than its end."""
    return (
        dyad_matches(alert.dyad, parse_dyad(episode.dyad))
        and episode.start - timedelta(days=tolerance_days) <= raised_on <= episode.end
    )


def active_dyads(frame: pd.DataFrame) -> set[str]:
    """The country dyads that have at least one dated event in a consolidated frame."""
    return {key for key in _dyad_column(frame) if key is not None}


def _dyad_column(frame: pd.DataFrame) -> list[str | None]:
    """The undirected country dyad of each event of a consolidated frame."""
    return [
        dyad_key(source, target)
        for source, target in zip(frame["source_code"], frame["target_code"], strict=True)
    ]


# -- plotting ------------------------------------------------------------------------------------


def plot_series(
    points: Sequence[SeriesPoint],
    path: str | Path,
    *,
    title: str = "",
    alerts: Sequence[dict[str, Any]] = (),
    marked: Sequence[date] = (),
) -> Path:
    """Draw a series to an image file (PNG, SVG, PDF by suffix; matplotlib's Agg backend): event
    counts by QuadClass stacked per period, the material conflict share and Goldstein mean below,
    alerts as shaded spans from their start to the end of the period they fired in, and `marked`
    dates (the material conflict events) as ticks. Returns the path written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    days = [pd.Timestamp(point.period) for point in points]
    width = 5.5 if points and points[0].by == "week" else 0.8
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6), sharex=True, height_ratios=(3, 2))
    bottom_of = np.zeros(len(points))
    colours = ("#4c9be8", "#2b6cb0", "#f0a35e", "#c53030")
    for name, colour in zip(_QUADS, colours, strict=True):
        values = np.array([getattr(point, name) for point in points], dtype=float)
        top.bar(days, values, width=width, bottom=bottom_of, color=colour, label=name.replace("_", " "))
        bottom_of += values
    if marked:
        top.plot([pd.Timestamp(day) for day in marked], [0] * len(marked), "|", color="black", ms=12)
    for alert in alerts:
        for axis in (top, bottom):
            axis.axvspan(pd.Timestamp(alert["start"]), pd.Timestamp(alert["end"]), color="red", alpha=0.12)
        top.annotate(
            f"alert {alert['score']:.1f}", (pd.Timestamp(alert["fired"]), bottom_of.max(initial=0) or 1)
        )
    top.set_ylabel("events")
    top.legend(loc="upper left", fontsize="small")
    top.set_title(title)
    share = [
        np.nan if point.material_conflict_share is None else point.material_conflict_share for point in points
    ]
    mean = [np.nan if point.goldstein_mean is None else point.goldstein_mean for point in points]
    bottom.plot(days, share, "o-", color="#c53030", label="material conflict share")
    bottom.set_ylabel("share")
    bottom.set_ylim(-0.05, 1.05)
    twin = bottom.twinx()
    twin.plot(days, mean, "s--", color="#555555", label="Goldstein mean")
    twin.set_ylabel("Goldstein mean")
    twin.set_ylim(-10.5, 10.5)
    bottom.legend(loc="upper left", fontsize="small")
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
