"""Pydantic models of the REST API's requests and responses, so the OpenAPI schema says exactly
what each endpoint takes and returns. They mirror the records of `tocsin.types` (`Event.to_dict()`,
`Quote.to_dict()`, `Alert.to_dict()`, `SeriesPoint.to_dict()`) and of `tocsin.web.queries`."""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Span = Annotated[list[int], Field(min_length=2, max_length=2, description="[start, end) character offsets")]


class ErrorOut(BaseModel):
    """An error: one line saying what was wrong."""

    detail: str


class ActorOut(BaseModel):
    """An event's source or target: the phrase and its CAMEO actor code."""

    text: str
    code: str | None
    country: str | None
    role: str | None


class SpeakerOut(BaseModel):
    """Whom a claim rests on."""

    text: str
    code: str | None
    anonymous: bool
    kind: str | None


class AttributionOut(BaseModel):
    """Who asserts an event, through whom (`via`, nearest first, ending with the outlet)."""

    speaker: SpeakerOut | None
    cue: str | None
    via: list[str]
    quoted: bool
    own_voice: bool


class LocationOut(BaseModel):
    """Where an event happened, resolved to the gazetteer (see the README's Locations)."""

    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    precision: str | None
    method: str | None


class PloverOut(BaseModel):
    """The event's PLOVER type and mode."""

    type: str | None
    mode: str | None


class PredicateOut(BaseModel):
    """The evidence word and its offsets in the article text."""

    text: str
    span: Span


class ArticleRef(BaseModel):
    """The article an event or quote was found in."""

    id: str | None
    title: str | None
    outlet: str | None
    url: str | None
    date: str | None = Field(description="YYYY-MM-DD")


class EventOut(BaseModel):
    """A stored event: the JSONL event record, its article and its source chain."""

    event_id: str
    article_id: str
    date: str | None = Field(description="YYYY-MM-DD, the day the event happened")
    sentence_index: int
    sentence: str
    span: Span
    source: ActorOut
    target: ActorOut | None
    cameo: str
    cameo_root: str
    quad_class: int
    goldstein: float
    plover: PloverOut
    attribution: AttributionOut
    location: LocationOut | None
    predicate: PredicateOut
    confidence: float
    modality: str
    date_basis: str
    origin: str = Field(description="tocsin, or the data set an imported event came from (gdelt)")
    article: ArticleRef
    source_chain: str = Field(description='"a source (anonymous) → the Guardian → The Jerusalem Post"')


class EventPage(BaseModel):
    """A page of events and how many match in all."""

    items: list[EventOut]
    total: int
    limit: int
    offset: int


class QuoteOut(BaseModel):
    """A direct or indirect quotation with its speaker, cue verb and relays."""

    article_id: str
    sentence_index: int
    text: str
    span: Span
    direct: bool
    speaker: SpeakerOut | None
    cue: str | None
    via: list[str]
    article: ArticleRef | None = None


class QuotePage(BaseModel):
    """A page of quotes and how many match in all."""

    items: list[QuoteOut]
    total: int
    limit: int
    offset: int


class MentionOut(BaseModel):
    """An actor mention in an article's text."""

    start: int
    end: int
    text: str
    code: str | None
    country: str | None
    role: str | None


class ArticleOut(BaseModel):
    """A stored article: metadata, text, and the mentions, events and quotes found in it; every
    span is a character offset into `text`."""

    id: str
    title: str | None
    date: str | None
    url: str | None
    outlet: str | None
    origin: str | None
    authors: list[str]
    language: str | None
    ingested_at: str | None
    text: str
    mentions: list[MentionOut]
    events: list[EventOut]
    quotes: list[QuoteOut]


class DyadOut(BaseModel):
    """A directed dyad of full actor codes and its activity."""

    dyad: str = Field(description="SOURCE-TARGET, full actor codes, e.g. IRNGOV-USA")
    source: str
    target: str
    events: int
    conflict_share: float = Field(description="share of events in QuadClass 3 or 4")
    goldstein_mean: float
    first_date: str | None
    last_date: str | None


class VolumeOut(BaseModel):
    """Events in one day or week (starting Monday)."""

    period: str
    events: int
    articles: int
    conflict: int
    cooperation: int


class PlaceOut(BaseModel):
    """How many matching events happened at one place."""

    country: str = Field(description="ISO-3 code of the place's country")
    name: str | None
    precision: str = Field(description="country, admin1, city or site")
    lat: float | None = Field(description="null for events located only to a country")
    lon: float | None
    events: int


class SeriesPointOut(BaseModel):
    """One period of a dyad's or an actor's series (counts of consolidated events)."""

    period: str
    by: str
    events: int
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_mean: float | None
    material_conflict_share: float | None
    articles: int
    total_events: int
    events_per_1k: float | None
    material_conflict_per_1k: float | None
    goldstein_sum_per_1k: float | None


class AlertEvidenceOut(BaseModel):
    """A conflict event that drove an alert."""

    model_config = ConfigDict(extra="allow")

    event_id: str
    date: str | None
    source: str | None
    target: str | None
    cameo: str
    quad_class: int
    goldstein: float
    sentence: str
    source_chain: str
    anonymous: bool
    num_articles: int
    article_id: str
    article: dict[str, str | None] | None = None


class AlertOut(BaseModel):
    """An escalation alert on a dyad: when, what moved, and its evidence."""

    alert_id: str
    kind: str
    dyad: str
    by: str
    start: str
    fired: str
    end: str
    score: float
    threshold: float
    events: int
    articles: int
    anonymous: int
    summary: str
    moved: dict[str, list[float | None]]
    evidence: list[AlertEvidenceOut]
    detected_at: str | None = None


class AlertPage(BaseModel):
    """A page of alerts and how many match in all."""

    items: list[AlertOut]
    total: int
    limit: int
    offset: int


class ArticleHit(ArticleRef):
    """An article whose title or text matched a search, with a snippet around the match."""

    snippet: str


class SearchOut(BaseModel):
    """Articles and events matching a search."""

    articles: list[ArticleHit]
    events: list[EventOut]


class CountsOut(BaseModel):
    """How much the database holds."""

    articles: int
    events: int
    quotes: int
    mentions: int
    rejections: int
    alerts: int


class HealthOut(BaseModel):
    """The server is up and its database answers."""

    status: str
    version: str
    schema_version: int
    writable: bool = Field(description="whether POST /api/articles is enabled (an api_token is set)")
    counts: CountsOut


def _encodable(value: str | None) -> str | None:
    """Refuse text that is not valid Unicode (lone surrogates cannot be stored)."""
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("not valid Unicode text") from None
    return value


class ArticleIn(BaseModel):
    """A new article to code and store: its `text` with optional metadata, or only the `url` of a
    news page to fetch."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="the article body; a first line is not read as a title")
    url: str | None = Field(None, max_length=2000, description="http(s) URL; fetched when no text is given")
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=300)
    date: Date | None = Field(None, description="publication date, YYYY-MM-DD")

    @field_validator("text", "url", "title", "outlet")
    @classmethod
    def _unicode(cls, value: str | None) -> str | None:
        return _encodable(value)

    @model_validator(mode="after")
    def _text_or_url(self) -> ArticleIn:
        if not (self.text and self.text.strip()) and not (self.url and self.url.strip()):
            raise ValueError("give the article's text, or the url of a news page to fetch")
        return self


class ArticleCreated(BaseModel):
    """A stored article's id and its events; `created` is False when it was already stored."""

    id: str
    created: bool
    events: list[EventOut]
