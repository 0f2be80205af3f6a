"""The dashboard: server-rendered pages over `tocsin.web.queries`, with charts and a world map drawn
as inline SVG on the server (no scripts needed, nothing fetched from another host).

Every page is a Jinja2 template with autoescaping on; article-derived text reaches a page only
escaped, and the highlighted article text is built here by escaping each piece and joining it with
our own tags. Bad filter values answer a 422 page saying why, unknown ids a 404 page.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote as quote_url
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from tocsin import cameo
from tocsin.geo import world_outline
from tocsin.store import Store
from tocsin.types import source_chain
from tocsin.web import queries
from tocsin.web.app import request_store
from tocsin.web.queries import EventFilter

LOGGER = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
PAGE_SIZE = 50
VOLUME_WINDOW_DAYS = 730
"""The overview's volume chart shows at most the two years up to the last event."""
MARKER_LIMIT = 500
"""The most events marked on a dyad's timeline (the newest ones)."""

QUAD_LABELS = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
ROW_LABELS = {1: "verbal coop.", 2: "material coop.", 3: "verbal confl.", 4: "material confl."}
FILTER_FIELDS = tuple(item.name for item in fields(EventFilter))
"""The query parameters of the events table's filter form."""

# Pages only load what this server serves; inline SVG uses presentation attributes, not styles.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

router = APIRouter(include_in_schema=False)
StoreDep = Annotated[Store, Depends(request_store)]


# -- template helpers ----------------------------------------------------------------------------


@functools.cache
def _static_version(name: str) -> str:
    """A short hash of a static file's content, so browsers fetch it again when it changes."""
    try:
        return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(name: str) -> str:
    """The address of a file under `static/`, versioned by its content."""
    return f"/static/{name}?v={_static_version(name)}"


def cameo_name(code: str | None) -> str:
    """The CAMEO description of an event code ("190" → "Use conventional military force")."""
    if not code:
        return ""
    try:
        return cameo.lookup(code).name
    except KeyError:
        return "code not in the CAMEO table"


def quad_label(quad_class: int | None) -> str:
    """The name of a QuadClass (1 … 4)."""
    return QUAD_LABELS.get(quad_class or 0, "unknown class")


def format_number(value: float | int | None, digits: int = 2) -> str:
    """A number for a table cell: fixed decimals, a real minus sign, "–" when missing."""
    if value is None:
        return "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    shown = f"{value:.{digits}f}"
    return shown.lstrip("-") if float(shown) == 0 else shown.replace("-", "−")


def excerpt(text: str | None, width: int = 160) -> str:
    """The start of a text, cut at a word near `width` characters with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > width // 2 else width] + " …"


def chain_of(event: Mapping[str, Any]) -> str:
    """An event's one-line source chain ("a source (anonymous) → Reuters → Gulf Daily")."""
    chain = event.get("source_chain")
    return chain if isinstance(chain, str) else source_chain(event.get("attribution") or {})


def is_http_url(url: str | None) -> bool:
    """Whether an article URL may be shown as a link (only http and https ones are)."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.globals.update(
        static=static_url,
        cameo_name=cameo_name,
        quad_label=quad_label,
        fmt=format_number,
        excerpt=excerpt,
        chain_of=chain_of,
        is_http_url=is_http_url,
        cameo_roots=[(code, entry.name) for code, entry in sorted(cameo.codes().items()) if len(code) == 2],
        quad_labels=QUAD_LABELS,
    )
    return env


templates = Jinja2Templates(env=_environment())


def _render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200, section: str = ""
) -> HTMLResponse:
    """Render a page with the security headers every dashboard page carries."""
    context = {"section": section, "nav_query": "", **context}
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


def _error_page(request: Request, status_code: int, title: str, message: str) -> HTMLResponse:
    """The 404 / 422 page: the status, a title and one line saying what was wrong."""
    return _render(
        request,
        "error.html",
        {"status": status_code, "title": title, "message": message},
        status_code=status_code,
    )


def wants_page(request: Request) -> bool:
    """True for a browser asking for a dashboard path (not the API or a static file): errors there
    answer with the dashboard's error page rather than JSON."""
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in {"/api", "/openapi.json"}:
        return False
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """The dashboard's page for an HTTP error raised outside its own routes (an unknown path)."""
    titles = {404: "Not found", 405: "Method not allowed", 413: "Request too large", 422: "Invalid request"}
    return _error_page(request, status_code, titles.get(status_code, "Error"), message)


def _bad_request(request: Request, error: ValueError) -> HTMLResponse:
    return _error_page(request, 422, "Invalid request", str(error))


# -- query strings -------------------------------------------------------------------------------


def _params(request: Request) -> dict[str, str]:
    """The request's query parameters (the last value of each)."""
    return dict(request.query_params.items())


def _filter_from(params: Mapping[str, str]) -> EventFilter:
    """The event filter a query string asks for; ValueError says which value is wrong."""
    return EventFilter.parse({name: params.get(name) for name in FILTER_FIELDS})


def _page_number(params: Mapping[str, str]) -> int:
    """The 1-based page number of a paged table (`page=`); ValueError when it is not one."""
    raw = (params.get("page") or "1").strip()
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 1_000_000:
        raise ValueError(f"page: a page number from 1, not {raw!r}")
    return int(raw)


def _choice(params: Mapping[str, str], name: str, allowed: Sequence[str], default: str) -> str:
    """A parameter that takes one of a few words; ValueError names the words."""
    value = (params.get(name) or default).strip().lower()
    if value not in allowed:
        raise ValueError(f"{name}: one of {', '.join(allowed)}, not {value!r}")
    return value


def _link(path: str, params: Mapping[str, str | None], **changes: str | int | None) -> str:
    """`path` with the query string of `params` changed by `changes` (None drops a parameter)."""
    merged: dict[str, Any] = {k: v for k, v in params.items() if v not in (None, "")}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return path + ("?" + urlencode(merged) if merged else "")


@dataclass(frozen=True)
class Pager:
    """Where a page of a paged table lies, with links to the pages either side."""

    total: int
    first: int
    last: int
    previous_url: str | None
    next_url: str | None


def _pager(path: str, params: Mapping[str, str], page: int, total: int, size: int = PAGE_SIZE) -> Pager:
    offset = (page - 1) * size
    return Pager(
        total=total,
        first=min(offset + 1, total),
        last=min(offset + size, total),
        previous_url=_link(path, params, page=page - 1 if page > 2 else None) if page > 1 else None,
        next_url=_link(path, params, page=page + 1) if offset + size < total else None,
    )


# -- highlighted text ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A marked range of a text: its character offsets, what it is, a hover title and its event."""

    start: int
    end: int
    kind: str  # m (actor mention) | q (quote) | s (event sentence) | e (event evidence)
    title: str = ""
    event_id: str = ""


def _span(value: Any) -> tuple[int, int] | None:
    """A [start, end] pair of character offsets, or None when it is not one."""
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def highlight(
    text: str, marks: Iterable[Mark], *, code_tags: Mapping[int, list[str]] | None = None
) -> Markup:
    """The text as HTML with each marked range wrapped in our own `<span>` tags.

    The text is cut at every mark's start and end; each piece is escaped and wrapped in one span
    whose classes name every mark covering it (overlaps need no nesting), with `data-ev` listing
    the events it is evidence of and `data-sent` those whose sentence holds it. An empty anchor
    `id="ev-<id>"` opens each event's evidence, and `code_tags` (offset → actor codes) adds small
    code labels after mentions.
    """
    length = len(text)
    kept = [m for m in marks if 0 <= m.start < m.end <= length]
    cuts = sorted({0, length, *(m.start for m in kept), *(m.end for m in kept), *(code_tags or {})})
    cuts = [c for c in cuts if 0 <= c <= length]
    anchors: dict[int, list[str]] = {}
    for mark in kept:
        if mark.kind == "e":
            anchors.setdefault(mark.start, []).append(mark.event_id)
    for mark in kept:  # events without evidence are anchored at their sentence
        if mark.kind == "s" and not any(mark.event_id in ids for ids in anchors.values()):
            anchors.setdefault(mark.start, []).append(mark.event_id)
    pieces: list[str] = []
    for start, end in itertools.pairwise(cuts):
        for tag in (code_tags or {}).get(start, []):
            pieces.append(f'<sup class="code-tag">{escape(tag)}</sup>')
        for event_id in anchors.get(start, []):
            pieces.append(f'<span class="anchor" id="ev-{escape(event_id)}"></span>')
        piece = escape(text[start:end])
        covering = [m for m in kept if m.start <= start and end <= m.end]
        if not covering:
            pieces.append(str(piece))
            continue
        kinds = " ".join(k for k in ("s", "q", "m", "e") if any(m.kind == k for m in covering))
        evidence_of = " ".join(dict.fromkeys(m.event_id for m in covering if m.kind == "e" and m.event_id))
        sentence_of = " ".join(dict.fromkeys(m.event_id for m in covering if m.kind == "s" and m.event_id))
        titles = "; ".join(dict.fromkeys(m.title for m in covering if m.title))
        attributes = f' class="{kinds}"'
        if evidence_of:
            attributes += f' data-ev="{escape(evidence_of)}"'
        if sentence_of:
            attributes += f' data-sent="{escape(sentence_of)}"'
        if titles:
            attributes += f' title="{escape(titles)}"'
        pieces.append(f"<span{attributes}>{piece}</span>")
    for tag in (code_tags or {}).get(length, []):
        pieces.append(f'<sup class="code-tag">{escape(tag)}</sup>')
    return Markup("".join(pieces))


def article_marks(article: Mapping[str, Any]) -> tuple[list[Mark], dict[int, list[str]]]:
    """The marks of an article page (mentions, quotes, event sentences and evidence) and the actor
    code labels to show after each coded mention."""
    marks: list[Mark] = []
    code_tags: dict[int, list[str]] = {}
    mentions = [
        m
        for m in article.get("mentions") or []
        if isinstance(m.get("start"), int) and isinstance(m.get("end"), int)
    ]
    for mention in mentions:
        start, end, code = mention["start"], mention["end"], mention.get("code")
        marks.append(Mark(start, end, "m", f"actor {code or '(no code)'}: {mention.get('text') or ''}"))
        within_same = any(
            other is not mention
            and other.get("code") == code
            and other["start"] <= start
            and end <= other["end"]
            and (other["start"], other["end"]) != (start, end)
            for other in mentions
        )
        if code and not within_same:  # "Secretary" inside "Secretary of State Mike Pompeo" is labelled once
            code_tags.setdefault(end, [])
            if code not in code_tags[end]:
                code_tags[end].append(code)
    for quote in article.get("quotes") or []:
        span = _span(quote.get("span"))
        if span is None:
            continue
        speaker = (quote.get("speaker") or {}).get("text") or "unattributed"
        kind = "direct quote" if quote.get("direct") else "indirect quote"
        cue = f", {quote['cue']}" if quote.get("cue") else ""
        marks.append(Mark(*span, "q", f"{kind}: {speaker}{cue}"))
    for event in article.get("events") or []:
        event_id = str(event.get("event_id") or "")
        span = _span(event.get("span"))
        if span is not None:
            marks.append(Mark(*span, "s", "", event_id))
        evidence = _span((event.get("predicate") or {}).get("span"))
        if evidence is not None and evidence[0] < evidence[1]:
            source = (event.get("source") or {}).get("code") or "?"
            target = (event.get("target") or {}).get("code") or "—"
            title = f"{event.get('cameo')} {cameo_name(event.get('cameo'))}: {source} → {target}"
            marks.append(Mark(*evidence, "e", title, event_id))
    return marks, code_tags


def sentence_marks(event: Mapping[str, Any]) -> Markup:
    """An event's sentence with its evidence (the predicate) and its actors' phrases marked."""
    sentence = str(event.get("sentence") or "")
    span = _span(event.get("span")) or (0, len(sentence))
    marks: list[Mark] = []
    evidence = _span((event.get("predicate") or {}).get("span"))
    if evidence is not None and evidence[0] < evidence[1]:
        marks.append(Mark(evidence[0] - span[0], evidence[1] - span[0], "e", "evidence"))
    for role in ("source", "target"):
        phrase = (event.get(role) or {}).get("text")
        at = sentence.find(phrase) if phrase else -1
        if phrase and at >= 0 and not any(m.start < at + len(phrase) and at < m.end for m in marks):
            marks.append(
                Mark(at, at + len(phrase), "m", f"{role}: {(event.get(role) or {}).get('code') or ''}")
            )
    return highlight(sentence, marks)


# -- charts --------------------------------------------------------------------------------------


@dataclass
class Box:
    """A rectangle of a chart, with an optional link and hover title."""

    x: float
    y: float
    w: float
    h: float
    css: str
    title: str = ""
    href: str = ""


@dataclass
class Dot:
    """A point of a chart or map, with an optional link and hover title."""

    x: float
    y: float
    r: float
    css: str
    title: str = ""
    href: str = ""


@dataclass
class Tick:
    """An axis tick: its position and label."""

    at: float
    label: str
    anchor: str = "middle"  # how the label sits on the tick: start | middle | end


@dataclass
class Panel:
    """One panel of a chart: its top, height, title and y ticks."""

    top: float
    height: float
    title: str
    ticks: list[Tick] = field(default_factory=list)


@dataclass
class Chart:
    """The geometry of an SVG chart; the templates draw it (numbers and titles only)."""

    width: float
    height: float
    left: float
    right: float
    panels: list[Panel] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    bands: list[Box] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (css class, SVG path)
    dots: list[Dot] = field(default_factory=list)
    zero_lines: list[float] = field(default_factory=list)
    rows: list[Tick] = field(default_factory=list)  # labels of the event marker rows


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10 * power


def _date_ticks(start: date, stop: date, most: int = 9) -> list[date]:
    """Round dates between `start` and `stop` (exclusive): days, Mondays, month or year starts,
    the finest kind giving at most `most` ticks."""
    days = max((stop - start).days, 1)
    for step in (1, 2, 7, 14):
        if days / step <= most:
            first = start if step < 7 else start + timedelta(days=(7 - start.weekday()) % 7)
            return [
                first + timedelta(days=step * i)
                for i in range(most + 1)
                if first + timedelta(days=step * i) < stop
            ]
    for months in (1, 2, 3, 6, 12, 24, 60):
        if days / (30.4 * months) <= most:
            ticks: list[date] = []
            year, month = start.year, start.month
            while True:
                month += 1
                if month > 12:
                    year, month = year + 1, 1
                if (month - 1) % months == 0 and (months < 12 or year % (months // 12) == 0):
                    tick = date(year, month, 1)
                    if tick >= stop:
                        return ticks
                    ticks.append(tick)
    return [start]


def _tick_label(day: date, start: date, stop: date) -> str:
    span = (stop - start).days
    if span > 3 * 366:
        return str(day.year)
    if span > 120:
        return day.strftime("%Y-%m")
    return day.isoformat()


def _period_end(period: date, by: str) -> date:
    """The day after a period's last day."""
    return period + timedelta(days=7 if by == "week" else 1)


class _TimeScale:
    """Days to x positions across a plot."""

    def __init__(self, start: date, stop: date, left: float, width: float) -> None:
        self.start, self.stop, self.left, self.width = start, stop, left, width
        self.days = max((stop - start).days, 1)

    def x(self, day: date, fraction: float = 0.0) -> float:
        return round(self.left + ((day - self.start).days + fraction) / self.days * self.width, 2)

    def ticks(self) -> list[Tick]:
        """Date ticks; labels near either end lean inwards so they stay inside the chart."""
        ticks = []
        for day in _date_ticks(self.start, self.stop):
            x = self.x(day)
            anchor = "end" if x > self.left + self.width - 30 else "start" if x < self.left + 30 else "middle"
            ticks.append(Tick(x, _tick_label(day, self.start, self.stop), anchor))
        return ticks


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path through points; None breaks the line."""
    parts: list[str] = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down = True
    return " ".join(parts)


def timeline_chart(
    points: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    alerts: Sequence[Mapping[str, Any]],
    *,
    by: str,
    goldstein: str,
) -> Chart | None:
    """A dyad's timeline: Goldstein (sum or mean) bars per period, the conflict shares per period,
    the alerts as shaded spans and every event as a marker at its date in its QuadClass row (each
    linking to the event). None when the series has no periods."""
    if not points:
        return None
    width, left, right = 960.0, 92.0, 16.0
    plot = width - left - right
    first = date.fromisoformat(points[0]["period"])
    stop = _period_end(date.fromisoformat(points[-1]["period"]), by)
    scale = _TimeScale(first, stop, left, plot)
    gold = Panel(22, 130, "Goldstein " + ("mean" if goldstein == "mean" else "sum") + " per " + by)
    share = Panel(gold.top + gold.height + 34, 80, "Conflict share per " + by)
    rows = Panel(share.top + share.height + 34, 64, "Events (click one to open it)")
    chart = Chart(width=width, height=rows.top + rows.height + 30, left=left, right=right)
    chart.panels = [gold, share, rows]
    chart.x_ticks = scale.ticks()

    key = "goldstein_mean" if goldstein == "mean" else "goldstein_sum"
    values = [p.get(key) for p in points]
    bound = (
        10.0
        if goldstein == "mean"
        else _nice_ceiling(max((abs(v) for v in values if v is not None), default=1))
    )
    half = gold.height / 2
    middle = gold.top + half
    gold.ticks = [
        Tick(middle - half * f, format_number(bound * f, 0 if bound >= 5 else 1))
        for f in (1, 0.5, 0, -0.5, -1)
    ]
    chart.zero_lines.append(middle)
    share.ticks = [Tick(share.top + share.height * (1 - f), f"{f:.0%}") for f in (1, 0.5, 0)]

    material: list[tuple[float, float] | None] = []
    conflict: list[tuple[float, float] | None] = []
    for point, value in zip(points, values, strict=True):
        period = date.fromisoformat(point["period"])
        x0, x1 = scale.x(period), scale.x(_period_end(period, by))
        gap = min(2.0, (x1 - x0) * 0.15)
        events_n = int(point.get("events") or 0)
        label = f"{by} of {period.isoformat()}" if by == "week" else period.isoformat()
        if value is not None and events_n:
            h = abs(value) / bound * half
            y = middle - h if value >= 0 else middle
            chart.boxes.append(
                Box(
                    round(x0 + gap / 2, 2),
                    round(y, 2),
                    round(max(x1 - x0 - gap, 0.8), 2),
                    round(max(h, 0.8), 2),
                    "bar-pos" if value >= 0 else "bar-neg",
                    f"{label}: Goldstein {goldstein} {format_number(value, 2)} over {events_n} events",
                )
            )
        mid = (x0 + x1) / 2
        material_share = point.get("material_conflict_share")
        if events_n and material_share is not None:
            y = share.top + share.height * (1 - float(material_share))
            material.append((mid, y))
            chart.dots.append(
                Dot(
                    round(mid, 2),
                    round(y, 2),
                    3.0,
                    "share-dot",
                    f"{label}: material conflict {float(material_share):.0%} of {events_n} events",
                )
            )
            both = (
                int(point.get("verbal_conflict") or 0) + int(point.get("material_conflict") or 0)
            ) / events_n
            conflict.append((mid, share.top + share.height * (1 - both)))
            chart.dots.append(
                Dot(
                    round(mid, 2),
                    round(share.top + share.height * (1 - both), 2),
                    2.5,
                    "share-all-dot",
                    f"{label}: conflict (verbal and material) {both:.0%} of {events_n} events",
                )
            )
        else:
            material.append(None)
            conflict.append(None)
    chart.lines = [("share-all", _path(conflict)), ("share", _path(material))]

    for alert in alerts:
        try:
            start, end = date.fromisoformat(alert["start"]), date.fromisoformat(alert["end"])
        except (KeyError, TypeError, ValueError):
            continue
        x0 = max(scale.x(start), left)
        x1 = min(scale.x(end + timedelta(days=1)), left + plot)
        if x1 <= x0:
            continue
        title = f"alert fired {alert.get('fired')}: {alert.get('summary') or ''}"
        height = rows.top + rows.height - gold.top
        chart.bands.append(Box(x0, gold.top, round(x1 - x0, 2), height, "alert-band", title))
        chart.bands.append(Box(x0, gold.top - 3, round(x1 - x0, 2), 3, "alert-mark", title))
        try:
            fired = scale.x(date.fromisoformat(alert["fired"]))
        except (KeyError, TypeError, ValueError):
            continue
        if left <= fired <= left + plot:
            chart.lines.append(("alert-line", _path([(fired, gold.top), (fired, gold.top + height)])))

    row_height = rows.height / 4
    chart.rows = [Tick(rows.top + row_height * (q - 0.5), ROW_LABELS[q]) for q in (1, 2, 3, 4)]
    stacked: dict[tuple[str, int], int] = {}
    for event in events:
        day = event.get("date")
        quad = event.get("quad_class") if event.get("quad_class") in QUAD_LABELS else 0
        if not day or not quad:
            continue
        when = date.fromisoformat(day)
        if not first <= when < stop:
            continue
        n = stacked.get((day, quad), 0)
        stacked[(day, quad)] = n + 1
        x = scale.x(when, 0.5) + ((n + 1) // 2) * 4.0 * (1 if n % 2 else -1)  # 0, +4, −4, +8 …
        source = (event.get("source") or {}).get("code") or "?"
        target = (event.get("target") or {}).get("code") or "—"
        chart.dots.append(
            Dot(
                round(min(max(x, left), left + plot), 2),
                round(rows.top + row_height * (quad - 0.5), 2),
                4.0,
                f"marker-{quad}",
                f"{day}: {source} {event.get('cameo')} {cameo_name(event.get('cameo'))} → {target}",
                f"/events/{quote_url(str(event.get('event_id')), safe='')}",
            )
        )
    return chart


def volume_chart(points: Sequence[Mapping[str, Any]], *, by: str, width: float = 640.0) -> Chart | None:
    """Events per period as stacked bars (conflict, cooperation, the rest), each linking to the
    events of its period. None when there are no periods."""
    if not points:
        return None
    left, right = 40.0, 10.0
    plot = width - left - right
    first = date.fromisoformat(points[0]["period"])
    stop = _period_end(date.fromisoformat(points[-1]["period"]), by)
    scale = _TimeScale(first, stop, left, plot)
    panel = Panel(22, 110, f"Events per {by}")
    chart = Chart(width=width, height=panel.top + panel.height + 26, left=left, right=right, panels=[panel])
    chart.x_ticks = scale.ticks()
    top = max(_nice_ceiling(max((int(p.get("events") or 0) for p in points), default=1)), 2.0)
    panel.ticks = [
        Tick(panel.top + panel.height * (1 - f), format_number(int(top * f)))
        for f in (1, 0.5, 0)
        if float(top * f).is_integer()
    ]
    for point in points:
        total = int(point.get("events") or 0)
        if not total:
            continue
        period = date.fromisoformat(point["period"])
        x0, x1 = scale.x(period), scale.x(_period_end(period, by))
        gap = min(2.0, (x1 - x0) * 0.15)
        conflict, cooperation = int(point.get("conflict") or 0), int(point.get("cooperation") or 0)
        label = f"{by} of {period.isoformat()}" if by == "week" else period.isoformat()
        title = (
            f"{label}: {total} events ({conflict} conflict, {cooperation} cooperation) "
            f"in {point.get('articles', 0)} articles"
        )
        last_day = _period_end(period, by) - timedelta(days=1)
        href = _link("/events", {"since": period.isoformat(), "until": last_day.isoformat()})
        base = panel.top + panel.height
        for count, css in (
            (conflict, "bar-conflict"),
            (cooperation, "bar-cooperation"),
            (total - conflict - cooperation, "bar-other"),
        ):
            if count <= 0:
                continue
            h = count / top * panel.height
            base -= h
            chart.boxes.append(
                Box(
                    round(x0 + gap / 2, 2),
                    round(base, 2),
                    round(max(x1 - x0 - gap, 0.8), 2),
                    round(h, 2),
                    css,
                    title,
                    href,
                )
            )
    return chart


# -- the map -------------------------------------------------------------------------------------

MAP_WIDTH = 960.0
MAP_NORTH, MAP_SOUTH = 84.0, -58.0
MAP_HEIGHT = round((MAP_NORTH - MAP_SOUTH) / 360.0 * MAP_WIDTH, 1)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection of a point onto the map's pixel plane."""
    return (round((lon + 180.0) / 360.0 * MAP_WIDTH, 1), round((MAP_NORTH - lat) / 360.0 * MAP_WIDTH, 1))


@dataclass(frozen=True)
class Country:
    """A country of the bundled outline: its code, name, SVG path and label point (pixels)."""

    iso3: str
    name: str
    path: str
    label: tuple[float, float]


def _ring_path(ring: Sequence[Sequence[float]]) -> str:
    points: list[tuple[float, float]] = []
    for lon, lat, *_ in ring:
        point = project(lon, lat)
        if not points or points[-1] != point:
            points.append(point)
    if len(points) < 3:
        return ""
    return "M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z"


@functools.cache
def world_countries() -> dict[str, Country]:
    """The bundled world outline projected once: ISO-3 → Country."""
    countries: dict[str, Country] = {}
    for feature in world_outline().get("features", []):
        properties = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        path = "".join(_ring_path(ring) for polygon in polygons for ring in polygon)
        iso3 = str(properties.get("iso3") or "")
        label = properties.get("label") or [0.0, 0.0]
        if path and iso3:
            countries[iso3] = Country(
                iso3, str(properties.get("name") or iso3), path, project(label[0], label[1])
            )
    return countries


@functools.cache
def world_svg() -> str:
    """The world outline as a standalone SVG document (drawn under every map, cached by browsers)."""
    paths = "".join(f'<path d="{country.path}"/>' for country in world_countries().values())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH:g} {MAP_HEIGHT:g}" '
        f'width="{MAP_WIDTH:g}" height="{MAP_HEIGHT:g}">'
        f'<g fill="#fbfbf8" stroke="#aab4bf" stroke-width="0.5" stroke-linejoin="round">{paths}</g></svg>'
    )


@dataclass
class WorldMap:
    """The geometry of a map: countries with events (drawn over the outline) and event points."""

    width: float
    height: float
    countries: list[tuple[Country, int, str]]  # (country, events, link)
    dots: list[Dot]
    located: int  # events with a place
    places: int


def world_map(places: Sequence[Mapping[str, Any]], params: Mapping[str, str]) -> WorldMap:
    """Points sized by event count at each place (country-level ones at the country's label
    point), each linking to the events table filtered to its country."""
    countries = world_countries()
    per_country: dict[str, int] = {}
    merged: dict[tuple[str, float, float, bool], list[Any]] = {}
    for place in places:
        iso3, count = str(place["country"]), int(place["events"])
        per_country[iso3] = per_country.get(iso3, 0) + count
        country_level = (
            place.get("precision") == "country" or place.get("lat") is None or place.get("lon") is None
        )
        if country_level:
            if iso3 not in countries:
                continue
            x, y = countries[iso3].label
            name = countries[iso3].name
        else:
            x, y = project(float(place["lon"]), float(place["lat"]))
            name = str(place.get("name") or iso3)
        key = (iso3, x, y, country_level)
        if key in merged:
            merged[key][0] += count
        else:
            merged[key] = [count, name]
    biggest = max((entry[0] for entry in merged.values()), default=1)
    dots = []
    # big points first, so smaller ones are drawn on top; a country's own point under its places
    for (iso3, x, y, country_level), (count, name) in sorted(
        merged.items(), key=lambda item: (-item[1][0], not item[0][3])
    ):
        radius = 3.0 + 11.0 * math.sqrt(count / biggest)
        where = "country-level, placed at its centre" if country_level else "located"
        title = f"{name} ({iso3}): {count} event{'s' if count != 1 else ''}, {where}"
        link = _link("/events", params, country=iso3, page=None)
        dots.append(
            Dot(x, y, round(radius, 1), "point country-level" if country_level else "point", title, link)
        )
    shaded = [
        (countries[iso3], count, _link("/events", params, country=iso3, page=None))
        for iso3, count in sorted(per_country.items())
        if iso3 in countries
    ]
    return WorldMap(MAP_WIDTH, MAP_HEIGHT, shaded, dots, sum(per_country.values()), len(dots))


# -- pages ---------------------------------------------------------------------------------------


def _volume_period(first: str | None, last: str | None) -> str:
    """Days for a short range, weeks for a longer one."""
    if not first or not last:
        return "week"
    return "day" if (date.fromisoformat(last) - date.fromisoformat(first)).days <= 90 else "week"


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, store: StoreDep) -> HTMLResponse:
    """The front page: counts, date range, latest alerts, most active dyads, volume and the map."""
    summary = queries.overview(store)
    first, last = summary["first_date"], summary["last_date"]
    window = EventFilter()
    if first and last and (date.fromisoformat(last) - date.fromisoformat(first)).days > VOLUME_WINDOW_DAYS:
        window = EventFilter(since=date.fromisoformat(last) - timedelta(days=VOLUME_WINDOW_DAYS))
        first = window.since.isoformat() if window.since else first
    by = _volume_period(first, last)
    volume = queries.volume(store, window, by=by)
    world = world_map(queries.places(store, EventFilter()), {})
    context = {
        "summary": summary,
        "volume": volume_chart(volume, by=by),
        "volume_since": window.since.isoformat() if window.since else None,
        "by": by,
        "world": world,
    }
    return _render(request, "overview.html", context, section="overview")


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, store: StoreDep) -> HTMLResponse:
    """The events table with its filter form, paged."""
    params = _params(request)
    try:
        filters = _filter_from(params)
        page = _page_number(params)
        result = queries.list_events(store, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    except ValueError as error:
        return _bad_request(request, error)
    shown = {**filters.to_params()}
    context = {
        "filters": filters,
        "form": {name: params.get(name, "") for name in FILTER_FIELDS},
        "result": result,
        "paging": _pager("/events", shown, page, result["total"]),
        "filtered": bool(shown),
    }
    return _render(request, "events.html", context, section="events")


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str, store: StoreDep) -> HTMLResponse:
    """One event: its sentence and evidence, coding, place and the full chain of sources."""
    event = queries.get_event(store, event_id) if len(event_id) <= 200 else None
    if event is None:
        return _error_page(request, 404, "Event not found", f"No event has the id {event_id!r}.")
    dyad = None
    source, target = (event.get("source") or {}).get("code"), (event.get("target") or {}).get("code")
    if source and target and source.isalnum() and target.isalnum():
        dyad = f"{source[:3]}-{target[:3]}"
    context = {"e": event, "sentence": sentence_marks(event), "dyad": dyad}
    return _render(request, "event.html", context, section="events")


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, store: StoreDep) -> HTMLResponse:
    """One article: its text with mentions, evidence and quotes marked, and its events."""
    article = queries.get_article(store, article_id) if len(article_id) <= 200 else None
    if article is None:
        return _error_page(request, 404, "Article not found", f"No article has the id {article_id!r}.")
    marks, code_tags = article_marks(article)
    context = {"a": article, "text": highlight(article.get("text") or "", marks, code_tags=code_tags)}
    return _render(request, "article.html", context, section="events")


@router.get("/dyads/{dyad}", response_class=HTMLResponse)
def dyad_page(request: Request, dyad: str, store: StoreDep) -> HTMLResponse:
    """A dyad (code prefixes, either direction): its timeline, its alerts and its events."""
    params = _params(request)
    try:
        filters = EventFilter.parse(
            {"dyad": dyad, "since": params.get("since"), "until": params.get("until")}
        )
        if filters.dyad is None:
            raise ValueError("dyad: two actor codes joined by '-', such as IRN-USA")
        goldstein = _choice(params, "goldstein", ("sum", "mean"), "sum")
        page = _page_number(params)
        since, until = filters.since, filters.until
        weekly = queries.volume(store, filters, by="week")
        first = since or (date.fromisoformat(weekly[0]["period"]) if weekly else None)
        last = until or (date.fromisoformat(weekly[-1]["period"]) + timedelta(days=6) if weekly else None)
        default_by = "day" if first and last and (last - first).days <= 70 else "week"
        by = _choice(params, "by", ("week", "day"), default_by)
        points = queries.series(store, dyad=filters.dyad, by=by, since=first, until=last) if first else []
        markers = queries.list_events(store, filters, limit=MARKER_LIMIT)
        table = queries.list_events(store, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        alerts = queries.alerts(store, dyad=filters.dyad, limit=100)
    except ValueError as error:
        return _bad_request(request, error)
    name = str(filters.dyad)
    view = {k: v for k, v in params.items() if k in ("by", "goldstein", "since", "until")}
    context = {
        "dyad": name,
        "sides": name.split("-"),
        "by": by,
        "goldstein": goldstein,
        "since": params.get("since", ""),
        "until": params.get("until", ""),
        "chart": timeline_chart(points, markers["items"], alerts["items"], by=by, goldstein=goldstein),
        "markers_total": markers["total"],
        "markers_shown": len(markers["items"]),
        "alerts": alerts["items"],
        "result": table,
        "paging": _pager(f"/dyads/{name}", view, page, table["total"]),
        "events_link": _link(
            "/events", {"dyad": name, **{k: v for k, v in view.items() if k in ("since", "until")}}
        ),
    }
    return _render(request, "dyad.html", context, section="overview")


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, store: StoreDep) -> HTMLResponse:
    """The map of events by place, with the events table's filters."""
    params = _params(request)
    try:
        filters = _filter_from(params)
    except ValueError as error:
        return _bad_request(request, error)
    places = queries.places(store, filters)
    shown = filters.to_params()
    context = {
        "world": world_map(places, shown),
        "form": {name: params.get(name, "") for name in FILTER_FIELDS},
        "places": places[:30],
        "shown": shown,
    }
    return _render(request, "map.html", context, section="map")


@router.get("/map/world.svg")
def world_outline_svg() -> Response:
    """The bundled world outline as an SVG image (the base layer of every map)."""
    headers = {"Cache-Control": "public, max-age=86400", **SECURITY_HEADERS}
    return Response(world_svg(), media_type="image/svg+xml", headers=headers)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, store: StoreDep) -> HTMLResponse:
    """Articles and events containing some text."""
    query = (request.query_params.get("q") or "").strip()
    results = None
    if query:
        try:
            results = queries.search(store, query, limit=50)
        except ValueError as error:
            return _bad_request(request, error)
    context = {"query": query, "results": results, "nav_query": query}
    return _render(request, "search.html", context, section="search")
