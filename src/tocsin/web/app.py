"""The web application: one FastAPI app serving the REST API and the dashboard over one database.

The app holds the database open (read-write) for its lifetime, as one DuckDB connection; each
request reads through its own cursor of it (`request_store`), which is how DuckDB is used from many
threads. Writes (`POST /api/articles`) are serialised by a lock and go through the store's own
transactions; coding an article with spaCy runs in the worker thread of that request, so reads go on
meanwhile. DuckDB lets one process write a file, so while the app runs, articles are added through
its API; a `tocsin ingest` on the same file is refused with a clear message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tocsin.errors import StoreError, TocsinError
from tocsin.pipeline import Options, code_article
from tocsin.store import Store
from tocsin.types import Article
from tocsin.web.queries import RecordCache

if TYPE_CHECKING:
    from spacy.language import Language

LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 2_000_000
STATIC_DIR = Path(__file__).parent / "static"


class WebDatabase:
    """The app's database: one connection opened once (at startup, or on first use), a cursor-backed
    `Store` per request, a write lock, and the coding pipeline loaded on the first write."""

    def __init__(self, db_path: str | Path, options: Options | None = None) -> None:
        self.db_path = Path(db_path)
        self.options = options or Options()
        self.write_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._store: Store | None = None
        self._nlp: Language | None = None
        self.records = RecordCache()  # rows never change once stored: kept across requests

    def open(self) -> Store:
        """Open the database (creating the schema in a new file) unless it is open; return it."""
        with self._open_lock:
            if self._store is None:
                self._store = Store(self.db_path)
                LOGGER.info("serving %s", self.db_path)
            return self._store

    def close(self) -> None:
        """Close the connection (requests still running fail with `StoreError`)."""
        with self._open_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def reader(self) -> Store:
        """A read-only store over a fresh cursor, for one request; close it when done."""
        return self.open().cursor_store(read_only=True)

    def _pipeline(self, store: Store) -> tuple[Options, Language]:
        """The spaCy model (loaded once) and options knowing the people stored so far."""
        from tocsin.parse import load_model

        if self._nlp is None:
            self._nlp = load_model()
            self.options.lexicon()  # loaded once, shared by every later copy of the options
            self.options.dictionaries()
        return replace(self.options, known_people=store.people(), _actor_coder=None), self._nlp

    def add_article(self, article: Article) -> tuple[bool, list[str]]:
        """Code and store an article unless one with its id is stored, under the write lock.

        Returns (whether it was added, the ids of its stored events). Call it from a worker
        thread: coding takes a while and the lock keeps other writes waiting, not reads."""
        with self.write_lock:
            store = self.open().cursor_store(read_only=False)
            try:
                if store.has_article(article.id):
                    added = False
                else:
                    options, nlp = self._pipeline(store)
                    added = store.add(code_article(article, options, nlp))
                rows = store.query(
                    "SELECT event_id FROM events WHERE article_id = ? "
                    "ORDER BY sentence_index, predicate_start, event_id",
                    [article.id],
                )
            finally:
                store.close()
        return added, [row[0] for row in rows]


class BodyTooLarge(StarletteHTTPException):
    """A request body over the app's limit (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_too_large(limit))


def _too_large(limit: int) -> str:
    return f"the request body is over the limit of {limit:,} bytes"


class BodyLimitMiddleware:
    """Refuse request bodies over `max_bytes` with 413: at once when the declared Content-Length is
    over it, and for a chunked body as soon as the bytes received so far are, never reading on."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.strip().isdigit() and int(declared) > self.max_bytes:
            await JSONResponse({"detail": _too_large(self.max_bytes)}, status_code=413)(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await JSONResponse({"detail": _too_large(self.max_bytes)}, status_code=413)(scope, receive, send)


def web_database(request: Request) -> WebDatabase:
    """The `WebDatabase` of the app serving `request`."""
    database: WebDatabase = request.app.state.tocsin
    return database


async def record_cache(request: Request) -> RecordCache:
    """FastAPI dependency: the app's cache of stored event and article rows, for `cache=` of the
    functions in `tocsin.web.queries`."""
    return web_database(request).records


async def request_store(request: Request) -> AsyncIterator[Store]:
    """FastAPI dependency: a read-only `Store` over the request's own cursor of the app's database,
    closed when the request is done. Read through it only. (Async only because opening a cursor
    does not block: it spares each request a trip to the thread pool.)"""
    store = web_database(request).reader()
    try:
        yield store
    finally:
        store.close()


def _validation_message(error: RequestValidationError) -> str:
    """One line naming each invalid parameter and what is wrong with it."""
    parts = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ())]
        if item.get("type") == "json_invalid":
            reason = (item.get("ctx") or {}).get("error", "")
            parts.append(f"body: not valid JSON ({reason})" if reason else "body: not valid JSON")
            continue
        if len(location) > 1 and location[0] == "body":
            location = location[1:]
        where = ".".join(location)
        message = str(item.get("msg", "invalid"))
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    """Every error answers `{"detail": "<one line>"}`; none shows a traceback."""

    from tocsin.web import dashboard

    async def on_validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        if dashboard.wants_page(request):
            return dashboard.error_page(request, 422, _validation_message(error))
        return JSONResponse({"detail": _validation_message(error)}, status_code=422)

    async def on_http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        detail: Any = error.detail
        if error.status_code == 400 and isinstance(error.__cause__, UnicodeDecodeError):
            detail = "the request body is not UTF-8 text"
        if dashboard.wants_page(request) and error.status_code in {404, 405, 413, 422}:
            message = "no page at this address" if error.status_code == 404 else str(detail)
            return dashboard.error_page(request, error.status_code, message)
        return JSONResponse({"detail": detail}, status_code=error.status_code, headers=error.headers)

    async def on_store_error(request: Request, error: Exception) -> JSONResponse:
        LOGGER.error("%s %s: %s", request.method, request.url.path, error)
        return JSONResponse({"detail": f"the database could not answer: {error}"}, status_code=503)

    async def on_tocsin_error(request: Request, error: Exception) -> JSONResponse:
        LOGGER.error("%s %s: %s", request.method, request.url.path, error)
        return JSONResponse({"detail": str(error)}, status_code=500)

    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(StoreError, on_store_error)
    app.add_exception_handler(TocsinError, on_tocsin_error)


def create_app(
    db_path: str | Path,
    *,
    api_token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    options: Options | None = None,
    allow_private_urls: bool = False,
) -> FastAPI:
    """Return the FastAPI app over the database at `db_path`: the REST API under `/api` (with its
    OpenAPI schema at `/openapi.json`), the dashboard at `/` and its files under `/static`.

    `api_token` enables `POST /api/articles` for requests bearing it (None: writing is off);
    `max_body_bytes` caps every request body (413 above it); `options` codes posted articles;
    `allow_private_urls` lets a posted URL point to a loopback or private address.
    The database is opened at startup and closed at shutdown (or opened on first use).
    """
    from tocsin import __version__
    from tocsin.web import api, dashboard

    if max_body_bytes < 1:
        raise ValueError(f"max_body_bytes must be at least 1, not {max_body_bytes}")
    database = WebDatabase(db_path, options)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database.open()
        try:
            yield
        finally:
            database.close()

    app = FastAPI(
        title="tocsin",
        version=__version__,
        description="Sourced, coded political event data: events, articles, quotes, dyads, series "
        "and alerts from a tocsin database.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: tocsin works offline
        redoc_url=None,
    )
    app.state.tocsin = database
    app.state.api_token = api_token or None
    app.state.max_body_bytes = max_body_bytes
    app.state.allow_private_urls = allow_private_urls
    _install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    app.include_router(api.router, prefix="/api")
    app.include_router(dashboard.router)
    return app
