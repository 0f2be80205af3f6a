"""The REST API under `/api`: thin routes that check their parameters, call `tocsin.web.queries`
and return the models of `tocsin.web.models`. Reads need nothing; `POST /api/articles` needs the
server's API token (`Authorization: Bearer <token>`) and is off when none is configured."""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tocsin.errors import InputError
from tocsin.ingest import article_from_html, article_from_text, fetch_url
from tocsin.ingest.fetch import check_url
from tocsin.store import Store
from tocsin.types import Article
from tocsin.web import queries
from tocsin.web.app import record_cache, request_store, web_database
from tocsin.web.models import (
    AlertPage,
    ArticleCreated,
    ArticleIn,
    ArticleOut,
    DyadOut,
    ErrorOut,
    EventOut,
    EventPage,
    HealthOut,
    PlaceOut,
    QuotePage,
    SearchOut,
    SeriesPointOut,
    VolumeOut,
)

LOGGER = logging.getLogger(__name__)

router = APIRouter(tags=["api"])

StoreDep = Annotated[Store, Depends(request_store)]
CacheDep = Annotated[queries.RecordCache, Depends(record_cache)]

_INVALID: dict[int | str, dict[str, Any]] = {422: {"model": ErrorOut, "description": "invalid parameters"}}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "no such id"}}

CODE_PATTERN = r"^[A-Za-z0-9]{0,30}$"
DYAD_PATTERN = r"^([A-Za-z0-9]{1,30}-[A-Za-z0-9]{1,30})?$"
Limit = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=queries.MAX_OFFSET, description="items to skip")]
Period = Annotated[Literal["day", "week"], Query(description="day, or week (starting on Monday)")]
Since = Annotated[date | None, Query(description="first date, YYYY-MM-DD (inclusive)")]
Until = Annotated[date | None, Query(description="last date, YYYY-MM-DD (inclusive)")]
DyadParam = Annotated[
    str | None,
    Query(pattern=DYAD_PATTERN, description="IRN-USA: source and target code prefixes, either way"),
]


def _checked(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a query; its `ValueError` (a bad parameter) becomes a 422 with the message."""
    try:
        return call(*args, **kwargs)
    except ValueError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error


async def event_filter(
    actor: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="source or target code prefix: IRN, USAGOV"),
    ] = None,
    dyad: DyadParam = None,
    root: Annotated[str | None, Query(pattern=r"^([0-9]{1,2})?$", description="CAMEO root, 01 … 20")] = None,
    quad_class: Annotated[
        int | None,
        Query(ge=1, le=4, description="1 verbal coop., 2 material coop., 3 verbal conflict, 4 material"),
    ] = None,
    since: Since = None,
    until: Until = None,
    outlet: Annotated[
        str | None, Query(max_length=queries.MAX_TEXT, description="the article's outlet (exact, any case)")
    ] = None,
    anonymous: Annotated[bool, Query(description="only events whose speaker is anonymous")] = False,
    country: Annotated[
        str | None, Query(pattern=r"^([A-Za-z]{3})?$", description="where it happened, ISO-3 (IRQ)")
    ] = None,
    text: Annotated[
        str | None, Query(max_length=queries.MAX_TEXT, description="words in the sentence (any case)")
    ] = None,
) -> queries.EventFilter:
    """FastAPI dependency: the event filter from the query string (422 when a value is invalid).
    Async because it only checks values: no trip to the thread pool."""
    return _checked(
        queries.EventFilter,
        actor=actor,
        dyad=dyad,
        root=root,
        quad_class=quad_class,
        since=since,
        until=until,
        outlet=outlet,
        anonymous=anonymous,
        country=country,
        text=text,
    )


FilterDep = Annotated[queries.EventFilter, Depends(event_filter)]


def _json_response(payload: Any) -> Response:
    """The payload as JSON, sent as it is: for the busiest lists, whose items are the stored
    records already in their documented shape, re-validating each against the response model
    would only cost time (the model still documents the response, and the tests hold them to it)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body, media_type="application/json")


@router.get("/health", response_model=HealthOut, summary="Server and database status")
def get_health(request: Request, store: StoreDep) -> dict[str, Any]:
    """The schema version, how much the database holds, and whether writing is on."""
    from tocsin import __version__

    return {
        **queries.health(store),
        "version": __version__,
        "writable": bool(request.app.state.api_token),
    }


@router.get("/events", response_model=EventPage, responses=_INVALID, summary="Events, newest first")
def get_events(
    store: StoreDep, cache: CacheDep, filters: FilterDep, limit: Limit = 50, offset: Offset = 0
) -> Response:
    """A page of the stored events matching every filter given, newest first."""
    page = _checked(queries.list_events, store, filters, limit=limit, offset=offset, cache=cache)
    return _json_response(page)


@router.get(
    "/events/{event_id}", response_model=EventOut, responses={**_INVALID, **_NOT_FOUND}, summary="One event"
)
def get_event(
    store: StoreDep, cache: CacheDep, event_id: Annotated[str, Path(max_length=200)]
) -> dict[str, Any]:
    """One event with its article and source chain."""
    event = queries.get_event(store, event_id, cache=cache)
    if event is None:
        raise HTTPException(status_code=404, detail=f"no event with id {event_id!r}")
    return event


@router.get(
    "/articles/{article_id}",
    response_model=ArticleOut,
    responses={**_INVALID, **_NOT_FOUND},
    summary="One article with its spans",
)
def get_article(
    store: StoreDep, cache: CacheDep, article_id: Annotated[str, Path(max_length=200)]
) -> dict[str, Any]:
    """An article's text with the spans of its actor mentions, events and quotes."""
    article = queries.get_article(store, article_id, cache=cache)
    if article is None:
        raise HTTPException(status_code=404, detail=f"no article with id {article_id!r}")
    return article


@router.get("/quotes", response_model=QuotePage, responses=_INVALID, summary="Quotations")
def get_quotes(
    store: StoreDep,
    article_id: Annotated[str | None, Query(max_length=queries.MAX_TEXT, description="one article's")] = None,
    speaker: Annotated[
        str | None, Query(max_length=queries.MAX_TEXT, description="words of the speaker, or a code prefix")
    ] = None,
    anonymous: Annotated[bool, Query(description="only quotes from anonymous sources")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """A page of stored quotations, newest article first."""
    return _checked(
        queries.list_quotes,
        store,
        article_id=article_id,
        speaker=speaker,
        anonymous=anonymous,
        limit=limit,
        offset=offset,
    )


@router.get("/dyads", response_model=list[DyadOut], responses=_INVALID, summary="Most active dyads")
def get_dyads(
    store: StoreDep,
    filters: FilterDep,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT, description="dyads to list")] = 20,
) -> list[dict[str, Any]]:
    """The most active directed dyads (full source and target codes) among the matching events."""
    return _checked(queries.top_dyads, store, filters, limit=limit)


@router.get("/volume", response_model=list[VolumeOut], responses=_INVALID, summary="Events per period")
def get_volume(store: StoreDep, filters: FilterDep, by: Period = "day") -> list[dict[str, Any]]:
    """How many matching events, articles, conflict and cooperation events fall in each period."""
    return _checked(queries.volume, store, filters, by=by)


@router.get("/places", response_model=list[PlaceOut], responses=_INVALID, summary="Events per place")
def get_places(
    store: StoreDep,
    filters: FilterDep,
    limit: Annotated[int, Query(ge=1, le=5000, description="at most this many places")] = 1000,
) -> list[dict[str, Any]]:
    """How many matching events happened at each place (for a map), most first."""
    return _checked(queries.places, store, filters, limit=limit)


@router.get(
    "/series", response_model=list[SeriesPointOut], responses=_INVALID, summary="A dyad's or actor's series"
)
def get_series(
    store: StoreDep,
    dyad: DyadParam = None,
    actor: Annotated[str | None, Query(pattern=CODE_PATTERN, description="code prefix")] = None,
    by: Period = "week",
    since: Since = None,
    until: Until = None,
    both_directions: Annotated[bool, Query(description="count the dyad's events both ways")] = True,
) -> list[dict[str, Any]]:
    """The early-warning series (consolidated events by QuadClass, Goldstein) per day or week."""
    return _checked(
        queries.series,
        store,
        dyad=dyad,
        actor=actor,
        by=by,
        since=since,
        until=until,
        both_directions=both_directions,
    )


@router.get("/alerts", response_model=AlertPage, responses=_INVALID, summary="Escalation alerts")
def get_alerts(
    store: StoreDep,
    dyad: DyadParam = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """A page of the stored escalation alerts, latest first, with what moved and their evidence."""
    return _checked(queries.alerts, store, dyad=dyad, since=since, until=until, limit=limit, offset=offset)


@router.get("/search", response_model=SearchOut, responses=_INVALID, summary="Search articles and events")
def get_search(
    store: StoreDep,
    cache: CacheDep,
    q: Annotated[str, Query(min_length=1, max_length=queries.MAX_TEXT, description="words to find")],
    limit: Annotated[int, Query(ge=1, le=100, description="most of each kind")] = 20,
) -> dict[str, Any]:
    """Articles whose title or text, and events whose sentence, contain the words (any case)."""
    return _checked(queries.search, store, q, limit=limit, cache=cache)


# -- writing -------------------------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="the server's api_token")


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> None:
    """FastAPI dependency: let the request through only with the configured API token (compared in
    constant time); 403 when writing is off, 401 without a token, 403 with a wrong one."""
    expected: str | None = request.app.state.api_token
    if not expected:
        raise HTTPException(
            status_code=403,
            detail="writing is off: the server has no API token (set api_token in tocsin.toml "
            "or TOCSIN_API_TOKEN)",
        )
    if credentials is None:
        raise HTTPException(
            status_code=401,
            detail="this needs the API token: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(status_code=403, detail="wrong API token")


_HTML_TYPES = ("", "text/html", "application/xhtml+xml", "text/plain")


def article_from_request(payload: ArticleIn, *, allow_private_urls: bool = False) -> Article:
    """The `Article` a POST describes: its text with the metadata given, or the news page at its
    URL (fetched with `tocsin.ingest.fetch_url`, which refuses private and loopback addresses unless
    `allow_private_urls`; metadata given in the request win). Raises `InputError` for a URL that is
    not http(s), is refused, cannot be fetched or holds no article."""
    url = check_url(payload.url.strip()) if payload.url and payload.url.strip() else None
    if payload.text and payload.text.strip():
        return article_from_text(
            payload.text, title=payload.title, date=payload.date, url=url, outlet=payload.outlet, origin="api"
        )
    assert url is not None  # ArticleIn requires text or url
    document = fetch_url(url, allow_private=allow_private_urls)
    if document.content_type not in _HTML_TYPES:
        raise InputError(url, f"not a news page (content type {document.content_type!r})")
    article = article_from_html(document.data, origin=url, url=document.final_url)
    return replace(
        article,
        title=payload.title or article.title,
        outlet=payload.outlet or article.outlet,
        date=payload.date or article.date,
    )


@router.post(
    "/articles",
    status_code=201,
    response_model=ArticleCreated,
    responses={
        200: {"model": ArticleCreated, "description": "the article was already stored"},
        400: {"model": ErrorOut, "description": "the body is not UTF-8 text"},
        401: {"model": ErrorOut, "description": "no API token given"},
        403: {"model": ErrorOut, "description": "wrong API token, or writing is off"},
        413: {"model": ErrorOut, "description": "the request body is too large"},
        **_INVALID,
    },
    summary="Code and store a new article",
)
def post_article(
    request: Request,
    response: Response,
    payload: ArticleIn,
    _: Annotated[None, Depends(require_token)],
) -> dict[str, Any]:
    """Code an article (its text, or the news page at its URL) and store it with its events:
    201 with its id and events, or 200 when the same text is already stored."""
    try:
        article = article_from_request(payload, allow_private_urls=request.app.state.allow_private_urls)
    except InputError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error
    database = web_database(request)
    created, event_ids = database.add_article(article)
    response.status_code = 201 if created else 200
    store = database.reader()
    try:
        events = queries.get_events(store, event_ids, cache=database.records)
    finally:
        store.close()
    return {"id": article.id, "created": created, "events": events}
