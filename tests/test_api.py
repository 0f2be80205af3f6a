"""The REST API through the real app over real DuckDB files: filters, pages, errors (404, 422, 413),
the write token, URL posts, SQL injection through every filter, and a real `tocsin serve` process."""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from spacy.language import Language
from test_web_queries import FILTER_CASES, HAND_ID, HAND_OUTLET, build_web_database

from tocsin.store import Store
from tocsin.web import queries
from tocsin.web.app import create_app
from tocsin.web.queries import EventFilter

TOKEN = "test-token-0123456789"
BODY_LIMIT = 50_000
NEW_TEXT = "Syria accused Turkey of shelling border villages on Monday."


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    return build_web_database(tmp_path_factory.mktemp("api") / "api.duckdb", nlp)


@pytest.fixture(scope="module")
def client(db_path: Path) -> Iterator[TestClient]:
    """The read-only server over the examples and the hand-built article: no API token."""
    with TestClient(create_app(db_path)) as test_client:
        yield test_client


@pytest.fixture
def reader(client: TestClient) -> Iterator[Store]:
    """A store over the served database, as the app's requests read it."""
    store = client.app.state.tocsin.reader()  # type: ignore[attr-defined]
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Iterator[TestClient]:
    """A server with an API token and a small body limit over a database of the hand-built article."""
    path = build_web_database(tmp_path_factory.mktemp("api-write") / "write.duckdb", None)
    with TestClient(create_app(path, api_token=TOKEN, max_body_bytes=BODY_LIMIT)) as test_client:
        yield test_client


def _auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _query_params(given: dict[str, Any]) -> dict[str, str]:
    return {k: v.isoformat() if isinstance(v, date) else str(v).lower() for k, v in given.items()}


# -- reading -------------------------------------------------------------------------------------


def test_health_reports_schema_counts_and_writing(
    client: TestClient, reader: Store, writer: TestClient
) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["schema_version"] >= 6 and body["writable"] is False
    assert body["counts"] == {**reader.counts(), "alerts": 3}
    assert writer.get("/api/health").json()["writable"] is True


@pytest.mark.parametrize("given", [case[0] for case in FILTER_CASES], ids=[str(c[0]) for c in FILTER_CASES])
def test_event_filters_give_the_query_layer_result(
    client: TestClient, reader: Store, given: dict[str, Any]
) -> None:
    response = client.get("/api/events", params={**_query_params(given), "limit": 500})
    assert response.status_code == 200, response.text
    expected = queries.list_events(reader, EventFilter(**given), limit=500)
    assert response.json() == expected
    assert 0 < expected["total"] < reader.counts()["events"]


def test_events_page_through_with_a_total(client: TestClient, reader: Store) -> None:
    total = reader.counts()["events"]
    seen: list[str] = []
    for offset in range(0, total, 7):
        body = client.get("/api/events", params={"limit": 7, "offset": offset}).json()
        assert (body["total"], body["limit"], body["offset"]) == (total, 7, offset)
        seen += [item["event_id"] for item in body["items"]]
    assert seen == [e["event_id"] for e in queries.list_events(reader, EventFilter(), limit=500)["items"]]
    assert client.get("/api/events", params={"offset": total}).json()["items"] == []


def test_one_event_and_one_article(client: TestClient) -> None:
    event = client.get("/api/events/hand-attack").json()
    assert (event["cameo"], event["location"]["country"], event["article"]["outlet"]) == (
        "190",
        "IRQ",
        HAND_OUTLET,
    )
    article = client.get(f"/api/articles/{HAND_ID}").json()
    text = article["text"]
    assert [e["event_id"] for e in article["events"]] == ["hand-threat", "hand-attack", "hand-praise"]
    for event in article["events"]:
        start, end = event["span"]
        assert text[start:end] == event["sentence"]
    for mention in article["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
    quote = article["quotes"][0]
    assert text[quote["span"][0] : quote["span"][1]] == quote["text"]


def test_lists_give_the_query_layer_results(client: TestClient, reader: Store) -> None:
    assert client.get("/api/quotes", params={"anonymous": "true"}).json() == queries.list_quotes(
        reader, anonymous=True
    )
    assert client.get("/api/quotes", params={"article_id": HAND_ID}).json()["total"] == 1
    assert client.get("/api/dyads", params={"actor": "IRN", "limit": 5}).json() == queries.top_dyads(
        reader, EventFilter(actor="IRN"), limit=5
    )
    assert client.get("/api/volume", params={"by": "week"}).json() == queries.volume(
        reader, EventFilter(), by="week"
    )
    assert client.get("/api/places", params={"country": "IRQ"}).json() == queries.places(
        reader, EventFilter(country="IRQ"), limit=1000
    )
    series = client.get(
        "/api/series", params={"dyad": "ISR-IRN", "since": "2024-04-01", "until": "2024-04-30"}
    )
    assert series.json() == queries.series(
        reader, dyad="ISR-IRN", since=date(2024, 4, 1), until=date(2024, 4, 30)
    )
    assert [a["alert_id"] for a in client.get("/api/alerts", params={"dyad": "NER-MLI"}).json()["items"]] == [
        "alert-mli-ner"
    ]
    found = client.get("/api/search", params={"q": "Hormuz"}).json()
    assert found == queries.search(reader, "Hormuz")


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/api/events", {"limit": "0"}, "limit"),
        ("/api/events", {"limit": "501"}, "limit"),
        ("/api/events", {"limit": "ten"}, "limit"),
        ("/api/events", {"offset": "-1"}, "offset"),
        ("/api/events", {"quad_class": "5"}, "quad_class"),
        ("/api/events", {"since": "2024-13-01"}, "since"),
        ("/api/events", {"since": "2024-02-01", "until": "2024-01-01"}, "after"),
        ("/api/events", {"actor": "IRN;"}, "actor"),
        ("/api/events", {"root": "21"}, "root"),
        ("/api/events", {"country": "IR1"}, "country"),
        ("/api/events", {"dyad": "IRN"}, "dyad"),
        ("/api/events", {"anonymous": "maybe"}, "anonymous"),
        ("/api/events", {"text": "x" * 201}, "text"),
        ("/api/volume", {"by": "month"}, "by"),
        ("/api/series", {"dyad": "IRN", "by": "day"}, "dyad"),
        ("/api/series", {"since": "0001-01-01", "by": "day"}, "narrow"),
        ("/api/alerts", {"dyad": "IRN-"}, "dyad"),
        ("/api/search", {"q": ""}, "q"),
        ("/api/quotes", {"limit": "1000"}, "limit"),
    ],
)
def test_malformed_parameters_give_422_naming_them(
    client: TestClient, path: str, params: dict[str, str], named: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and named in detail


@pytest.mark.parametrize(
    "path", ["/api/events/no-such-event", "/api/articles/0000000000000000", "/api/nothing"]
)
def test_unknown_ids_give_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


# -- SQL injection -------------------------------------------------------------------------------

INJECTIONS = (
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    "IRN' --",
    "1; DELETE FROM articles",
    '" OR ""="',
    "') OR ('a'='a",
    "IRN UNION SELECT record FROM events --",
    "%",
    "_",
    "\\",
    "0x27",
)
# every filter of every list: (path, parameter)
INJECTED = [
    *(("/api/events", name) for name in ("actor", "dyad", "root", "quad_class", "since", "until")),
    *(("/api/events", name) for name in ("outlet", "anonymous", "country", "text", "limit", "offset")),
    *(("/api/dyads", name) for name in ("actor", "dyad", "outlet", "text")),
    *(("/api/volume", name) for name in ("actor", "outlet", "text", "by")),
    *(("/api/places", name) for name in ("actor", "country", "text", "limit")),
    *(("/api/quotes", name) for name in ("article_id", "speaker", "anonymous")),
    *(("/api/series", name) for name in ("dyad", "actor", "by", "since")),
    *(("/api/alerts", name) for name in ("dyad", "since", "until")),
    ("/api/search", "q"),
]


def _fingerprint(store: Store) -> tuple[Any, ...]:
    """What the database holds: its tables, row counts and event and article ids."""
    tables = store.query("SELECT table_name FROM information_schema.tables ORDER BY table_name")
    events = store.query("SELECT list(event_id ORDER BY event_id) FROM events")
    articles = store.query("SELECT list(id ORDER BY id), list(text ORDER BY id) FROM articles")
    return tuple(tables), store.counts(), events, articles


def test_sql_injection_through_every_filter_finds_nothing_and_changes_nothing(
    client: TestClient, reader: Store
) -> None:
    before = _fingerprint(reader)
    for path, name in INJECTED:
        for payload in INJECTIONS:
            response = client.get(path, params={name: payload})
            assert response.status_code in (200, 422), (path, name, payload, response.text)
            if response.status_code == 422:
                assert isinstance(response.json()["detail"], str)
                continue
            body = response.json()
            found = body if isinstance(body, list) else body.get("items", body.get("articles"))
            # no stored outlet, sentence, speaker or article holds these strings
            assert found == [], (path, name, payload)
            if path == "/api/search":
                assert body["events"] == []
    for payload in INJECTIONS:
        for path in ("/api/events/", "/api/articles/"):
            assert client.get(path + payload.replace("/", "%2F")).status_code == 404
    assert _fingerprint(reader) == before


# -- writing -------------------------------------------------------------------------------------


def test_writing_is_off_without_a_configured_token(client: TestClient) -> None:
    response = client.post("/api/articles", json={"text": NEW_TEXT}, headers=_auth())
    assert response.status_code == 403
    assert "no API token" in response.json()["detail"]


def test_writing_needs_the_right_token(writer: TestClient) -> None:
    before = writer.get("/api/health").json()["counts"]["articles"]
    missing = writer.post("/api/articles", json={"text": NEW_TEXT})
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert writer.post("/api/articles", json={"text": NEW_TEXT}, headers=_auth("wrong")).status_code == 403
    assert (
        writer.post("/api/articles", json={"text": NEW_TEXT}, headers=_auth(TOKEN + "x")).status_code == 403
    )
    basic = writer.post("/api/articles", json={"text": NEW_TEXT}, headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    assert writer.get("/api/health").json()["counts"]["articles"] == before  # nothing was written


def test_posting_an_article_codes_and_stores_it_once(writer: TestClient) -> None:
    payload = {"text": NEW_TEXT, "title": "Border shelling", "outlet": "Test Wire", "date": "2024-05-06"}
    created = writer.post("/api/articles", json=payload, headers=_auth())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["created"] is True and body["events"]
    assert {(e["source"]["code"], e["target"]["code"]) for e in body["events"]} >= {("SYR", "TUR")}
    assert all(e["article"]["outlet"] == "Test Wire" and e["date"] == "2024-05-06" for e in body["events"])
    again = writer.post("/api/articles", json=payload, headers=_auth())
    assert again.status_code == 200
    assert again.json() == {**body, "created": False}
    stored = writer.get("/api/events", params={"outlet": "test wire"}).json()
    assert sorted(e["event_id"] for e in stored["items"]) == sorted(e["event_id"] for e in body["events"])
    article = writer.get(f"/api/articles/{body['id']}").json()
    assert article["title"] == "Border shelling" and article["text"] == NEW_TEXT


def test_reads_go_on_while_articles_are_posted(writer: TestClient) -> None:
    texts = [f"Iraq and Jordan signed a trade agreement on day {n} of the talks." for n in range(3)]
    before = writer.get("/api/health").json()["counts"]["articles"]
    answers: list[int] = []

    def post_all() -> None:
        for text in texts:
            answers.append(writer.post("/api/articles", json={"text": text}, headers=_auth()).status_code)

    poster = threading.Thread(target=post_all)
    poster.start()
    reads = []
    while poster.is_alive() and len(reads) < 500:
        reads.append(writer.get("/api/events", params={"limit": 5}).status_code)
    poster.join(timeout=120)
    assert answers == [201, 201, 201]
    assert reads and set(reads) == {200}
    assert writer.get("/api/health").json()["counts"]["articles"] == before + 3


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": NEW_TEXT, "date": "Monday"}, "date"),
        ({"text": NEW_TEXT, "extra": 1}, "extra"),
        ({"text": NEW_TEXT, "url": "javascript:alert(1)"}, "scheme"),
        ({"url": "ftp://example.org/news"}, "scheme"),
        ({"url": "http://127.0.0.1:9/news"}, "127.0.0.1"),
    ],
)
def test_bad_posts_give_422_with_a_reason(writer: TestClient, payload: dict[str, Any], named: str) -> None:
    response = writer.post("/api/articles", json=payload, headers=_auth())
    assert response.status_code == 422, response.text
    assert named in response.json()["detail"]


def test_posted_json_must_be_json_of_valid_text(writer: TestClient) -> None:
    headers = {**_auth(), "Content-Type": "application/json"}
    broken = writer.post("/api/articles", content=b'{"text": ', headers=headers)
    assert broken.status_code == 422 and "JSON" in broken.json()["detail"]
    surrogate = writer.post("/api/articles", content=b'{"text": "Iran \\ud800 met Iraq."}', headers=headers)
    assert surrogate.status_code == 422 and "Unicode" in surrogate.json()["detail"]


def test_oversized_bodies_give_413_declared_or_chunked(writer: TestClient) -> None:
    headers = {**_auth(), "Content-Type": "application/json"}
    articles = writer.get("/api/health").json()["counts"]["articles"]
    declared = writer.post("/api/articles", content=b"x" * (BODY_LIMIT + 1), headers=headers)
    assert declared.status_code == 413 and "50,000 bytes" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for _ in range(20):
            yield b"y" * 5_000

    chunked = writer.post("/api/articles", content=chunks(), headers=headers)
    assert chunked.status_code == 413
    assert writer.request("GET", "/api/health", content=b"z" * (BODY_LIMIT + 1)).status_code == 413
    assert writer.get("/api/health").json()["counts"]["articles"] == articles


class _PageHandler(http.server.BaseHTTPRequestHandler):
    page = (
        b"<html><head><title>Talks in Doha</title></head><body><article><h1>Talks in Doha</h1>"
        b"<p>Qatar hosted talks between the United States and the Taliban in Doha on Saturday, and "
        b"the two sides signed an agreement on the withdrawal of foreign troops from Afghanistan.</p>"
        b"<p>Officials from both delegations praised the mediation of Qatar and said further meetings "
        b"would follow in the coming weeks, according to a statement.</p></article></body></html>"
    )

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


def test_posting_a_url_fetches_the_page_when_private_addresses_are_allowed(
    tmp_path: Path, nlp: Language
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/doha"
    try:
        app = create_app(tmp_path / "url.duckdb", api_token=TOKEN, allow_private_urls=True)
        with TestClient(app) as test_client:
            response = test_client.post(
                "/api/articles", json={"url": url, "date": "2020-02-29"}, headers=_auth()
            )
            assert response.status_code == 201, response.text
            article = test_client.get(f"/api/articles/{response.json()['id']}").json()
    finally:
        server.shutdown()
        server.server_close()
    assert article["url"] == url and article["date"] == "2020-02-29"
    assert "Qatar hosted talks" in article["text"]


# -- a real server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes], seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"tocsin serve exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("tocsin serve did not answer in time")


def test_tocsin_serve_answers_on_loopback_and_holds_the_database(tmp_path: Path) -> None:
    db = build_web_database(tmp_path / "served.duckdb", None)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if key != "TOCSIN_API_TOKEN"}
    env["TOCSIN_CONFIG"] = str(tmp_path / "absent.toml")
    (tmp_path / "absent.toml").write_text("")
    command = [sys.executable, "-m", "tocsin.cli", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tmp_path
    )
    try:
        _wait_until_up(base, process)
        health = httpx.get(f"{base}/api/health").json()
        assert health["counts"]["events"] == 3 and health["writable"] is False
        events = httpx.get(f"{base}/api/events", params={"actor": "ISR"}).json()
        assert [e["event_id"] for e in events["items"]] == ["hand-attack", "hand-threat"]
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "tocsin"

        failures: list[str] = []

        def read_many() -> None:
            with httpx.Client(base_url=base, timeout=30) as session:
                for _ in range(10):
                    response = session.get("/api/events", params={"limit": 2})
                    if response.status_code != 200 or response.json()["total"] != 3:
                        failures.append(response.text)

        readers = [threading.Thread(target=read_many) for _ in range(6)]
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join(timeout=60)
        assert failures == []

        ingest = subprocess.run(
            [sys.executable, "-m", "tocsin.cli", "ingest", str(tmp_path / "absent.toml"), "--db", str(db)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert ingest.returncode == 2
        assert "locked" in ingest.stderr and "Traceback" not in ingest.stderr
        second = subprocess.run(
            [*command[:-1], str(_free_port())], capture_output=True, text=True, env=env, timeout=300
        )
        assert second.returncode == 2 and "locked" in second.stderr and "Traceback" not in second.stderr
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0
