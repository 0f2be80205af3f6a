"""The record types that flow through tocsin's pipeline, all in one place.

Every stage is a function over these records: ingest yields `Article`s (or `Rejection`s), parse
splits an article into `Sentence`s, actors produce `ActorMention`s, attribution produces `Quote`s and
`Attribution`s, and events combine them into `Event`s. The records are plain frozen dataclasses;
`to_dict()` gives the stable JSON form documented in the README.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any


def content_hash(text: str) -> str:
    """Return the article id for a text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """A news report as read from its source, with its text already normalised."""

    id: str
    text: str
    title: str | None = None
    date: date | None = None
    url: str | None = None
    outlet: str | None = None
    origin: str | None = None  # the file, URL or record the article was read from
    authors: tuple[str, ...] = ()
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the article as a JSON-ready dict."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
            "outlet": self.outlet,
            "origin": self.origin,
            "authors": list(self.authors),
            "language": self.language,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not be read as an article, and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article: its index and character span in the article text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A mention of an actor in the text, coded to a CAMEO actor code where possible.

    `code` is the country (ISO-3 or an IGO/non-state code) followed by role codes, e.g. `IRNMIL`;
    `rule` says which rule or dictionary entry produced the code, so a user can see why.
    """

    text: str
    start: int
    end: int
    code: str | None = None
    country: str | None = None
    role: str | None = None
    kind: str = "unknown"  # country | government | person | organisation | group | outlet | anonymous
    rule: str = ""
    name: str | None = None  # a person's name when the mention is (or is apposed to) a person

    def to_dict(self) -> dict[str, Any]:
        """Return the mention in the event record's `source`/`target` form."""
        return {
            "text": self.text,
            "code": self.code,
            "country": self.country,
            "role": self.role,
        }


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who a claim rests on: a named person or organisation, an outlet, or an anonymous source."""

    text: str
    code: str | None = None
    anonymous: bool = False
    kind: str = "named_person"  # named_official | named_person | organisation | media | anonymous

    def to_dict(self) -> dict[str, Any]:
        """Return the speaker as a JSON-ready dict."""
        return {
            "text": self.text,
            "code": self.code,
            "anonymous": self.anonymous,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who asserts an event, through whom, and whether in their own quoted words.

    `speaker` is None when the article asserts the event in its own voice. `via` lists the relaying
    outlets nearest first, ending with the publishing outlet when the article's metadata names it.
    """

    speaker: Speaker | None = None
    cue: str | None = None
    via: tuple[str, ...] = ()
    quoted: bool = False

    @property
    def own_voice(self) -> bool:
        """True when the article asserts the event itself, with no speaker or relay."""
        return self.speaker is None

    def to_dict(self) -> dict[str, Any]:
        """Return the attribution in the event record's form."""
        return {
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "cue": self.cue,
            "via": list(self.via),
            "quoted": self.quoted,
            "own_voice": self.own_voice,
        }


def source_chain(attribution: dict[str, Any]) -> str:
    """The chain of sources an event rests on, as one line: "a source (anonymous) → the Guardian
    → The Jerusalem Post", or "article's own voice → …" when the article asserts it itself."""
    speaker = attribution.get("speaker")
    chain: list[str] = []
    if speaker:
        chain.append(speaker["text"] + (" (anonymous)" if speaker.get("anonymous") else ""))
    else:
        chain.append("article's own voice")
    chain.extend(attribution.get("via") or [])
    return " → ".join(chain)


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct or indirect quotation: its content span, speaker, cue verb and relay chain."""

    article_id: str
    sentence_index: int
    text: str
    start: int
    end: int
    direct: bool
    speaker: Speaker | None = None
    cue: str | None = None
    via: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the quote as a JSON-ready dict."""
        return {
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "text": self.text,
            "span": [self.start, self.end],
            "direct": self.direct,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "cue": self.cue,
            "via": list(self.via),
        }


@dataclass(frozen=True, slots=True)
class Location:
    """Where an event happened, as far as the text says, resolved to a gazetteer place.

    `country` is ISO 3166 alpha-3; `admin1` the first-level region's name; `lat`/`lon` in degrees
    (WGS 84); `geonames_id` the GeoNames id of the place (None where the gazetteer has none);
    `precision` is country, admin1, city or site (a facility placed at its city), None when the
    name could not be resolved; `method` says how the place was chosen, or why it is unresolved.
    """

    name: str
    country: str | None = None
    method: str = ""
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    precision: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the location as a JSON-ready dict."""
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "geonames_id": self.geonames_id,
            "precision": self.precision,
            "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event: who did what to whom, when, where, and according to whom."""

    event_id: str
    article_id: str
    date: date | None
    sentence_index: int
    sentence: str
    span: tuple[int, int]
    source: ActorMention
    target: ActorMention | None
    cameo: str
    cameo_root: str
    quad_class: int
    goldstein: float
    attribution: Attribution
    location: Location | None = None
    predicate: str = ""
    predicate_span: tuple[int, int] = (0, 0)
    plover_type: str | None = None
    plover_mode: str | None = None
    confidence: float = 0.5
    modality: str = "asserted"  # asserted | intended | threatened
    date_basis: str = "article"  # how `date` was resolved: article | expression | none
    extras: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the event in the stable JSONL contract documented in the README."""
        return {
            "event_id": self.event_id,
            "article_id": self.article_id,
            "date": self.date.isoformat() if self.date else None,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "span": list(self.span),
            "source": self.source.to_dict(),
            "target": self.target.to_dict() if self.target else None,
            "cameo": self.cameo,
            "cameo_root": self.cameo_root,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "plover": {"type": self.plover_type, "mode": self.plover_mode},
            "attribution": self.attribution.to_dict(),
            "location": self.location.to_dict() if self.location else None,
            "predicate": {"text": self.predicate, "span": list(self.predicate_span)},
            "confidence": round(self.confidence, 3),
            "modality": self.modality,
            "date_basis": self.date_basis,
        }


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """What tocsin learned about a named person: an actor code and the evidence for it.

    Learned from a title or apposition ("Iran's Defense Minister, Amir Hatami" → IRNGOV) and
    used when a later article names the person bare ("Hatami said ...").
    """

    name: str
    code: str
    country: str | None
    role: str | None
    evidence: str  # the phrase that coded the person
    article_id: str
    seen: date | None  # the article's date
    first_seen: date | None = None  # across articles, when the store has merged several
    mentions: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict."""
        first = self.first_seen or self.seen
        return {
            "name": self.name,
            "code": self.code,
            "country": self.country,
            "role": self.role,
            "evidence": self.evidence,
            "article_id": self.article_id,
            "first_seen": first.isoformat() if first else None,
            "last_seen": self.seen.isoformat() if self.seen else None,
            "mentions": self.mentions,
        }


@dataclass(frozen=True, slots=True)
class CodedArticle:
    """An article with everything the pipeline found in it.

    `people` are the named people the article itself coded from a title or apposition, for the
    cross-article person table.
    """

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[ActorMention, ...]
    quotes: tuple[Quote, ...]
    events: tuple[Event, ...]
    people: tuple[KnownPerson, ...] = ()

    def sourcing_summary(self) -> dict[str, Any]:
        """Return how the article's events are sourced: anonymous share and named sources."""
        total = len(self.events)
        anonymous = sum(1 for e in self.events if e.attribution.speaker and e.attribution.speaker.anonymous)
        named = {
            e.attribution.speaker.text
            for e in self.events
            if e.attribution.speaker and not e.attribution.speaker.anonymous
        }
        return {
            "events": total,
            "anonymous_events": anonymous,
            "anonymous_share": (anonymous / total) if total else 0.0,
            "named_sources": len(named),
        }


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One period (a day, or a week starting on Monday) of a dyad's or an actor's event series.

    Counts are of consolidated events (one per date, source, target and CAMEO code, however many
    articles report it). `total_events` is every coded event of the period in the database, and the
    `*_per_1k` fields divide by it (per thousand), since news volume varies a lot.
    """

    period: date
    by: str  # day | week
    events: int
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    articles: int  # distinct articles reporting the period's events
    total_events: int

    @property
    def goldstein_mean(self) -> float | None:
        """The mean Goldstein weight of the period's events, None when it has none."""
        return self.goldstein_sum / self.events if self.events else None

    @property
    def material_conflict_share(self) -> float | None:
        """The share of the period's events that are material conflict (QuadClass 4)."""
        return self.material_conflict / self.events if self.events else None

    def per_1k(self, value: float) -> float | None:
        """`value` per thousand coded events of the period, None when the period has none."""
        return 1000.0 * value / self.total_events if self.total_events else None

    def to_dict(self) -> dict[str, Any]:
        """Return the point as a JSON-ready dict (one row of `tocsin series`)."""
        mean, share = self.goldstein_mean, self.material_conflict_share
        events_1k, conflict_1k = self.per_1k(self.events), self.per_1k(self.material_conflict)
        goldstein_1k = self.per_1k(self.goldstein_sum)
        return {
            "period": self.period.isoformat(),
            "by": self.by,
            "events": self.events,
            "verbal_cooperation": self.verbal_cooperation,
            "material_cooperation": self.material_cooperation,
            "verbal_conflict": self.verbal_conflict,
            "material_conflict": self.material_conflict,
            "goldstein_sum": round(self.goldstein_sum, 3),
            "goldstein_mean": None if mean is None else round(mean, 3),
            "material_conflict_share": None if share is None else round(share, 3),
            "articles": self.articles,
            "total_events": self.total_events,
            "events_per_1k": None if events_1k is None else round(events_1k, 3),
            "material_conflict_per_1k": None if conflict_1k is None else round(conflict_1k, 3),
            "goldstein_sum_per_1k": None if goldstein_1k is None else round(goldstein_1k, 3),
        }


@dataclass(frozen=True, slots=True)
class Alert:
    """An escalation detected on a dyad, with what moved and the events that drove it.

    `start` is the first period of the rise, `fired` the period in which the change test crossed
    its threshold and `end` that period's last day. `moved` maps a measure ("material conflict
    share") to its (baseline, window) values; `evidence` holds the driving events with their
    sentences and source chains; `anonymous` counts the reports among them that rest on anonymous
    sources.
    """

    alert_id: str
    dyad: str
    by: str
    start: date
    fired: date
    end: date
    score: float
    threshold: float
    events: int
    articles: int
    anonymous: int
    moved: dict[str, tuple[float | None, float | None]] = field(default_factory=dict, compare=False)
    evidence: tuple[dict[str, Any], ...] = ()
    kind: str = "escalation"

    @property
    def summary(self) -> str:
        """One line saying what moved, e.g. "material conflict share 0.10 → 0.60"."""
        parts = []
        for name, (before, after) in self.moved.items():
            shown_before = "–" if before is None else f"{before:.2f}"
            shown_after = "–" if after is None else f"{after:.2f}"
            parts.append(f"{name} {shown_before} → {shown_after}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return the alert as a JSON-ready dict: the stored record and `tocsin alerts` JSONL."""
        return {
            "alert_id": self.alert_id,
            "kind": self.kind,
            "dyad": self.dyad,
            "by": self.by,
            "start": self.start.isoformat(),
            "fired": self.fired.isoformat(),
            "end": self.end.isoformat(),
            "score": round(self.score, 3),
            "threshold": self.threshold,
            "events": self.events,
            "articles": self.articles,
            "anonymous": self.anonymous,
            "summary": self.summary,
            "moved": {name: list(values) for name, values in self.moved.items()},
            "evidence": list(self.evidence),
        }
