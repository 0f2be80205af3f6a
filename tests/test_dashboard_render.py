"""The dashboard's pages as HTML, through the real app over a real DuckDB file: what each page shows,
escaping of hostile article text, 404 pages for unknown ids and 422 pages for bad filter values.

`build_dashboard_db` is also used by the browser tests (`test_dashboard.py`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from spacy.language import Language

from tocsin.ingest import article_from_text
from tocsin.pipeline import code_article
from tocsin.store import Store
from tocsin.types import Alert
from tocsin.web.app import create_app
from tocsin.web.dashboard import Mark, highlight

HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_TITLE = f"{HOSTILE_SCRIPT} Troops <b>clash</b> near Damascus"
HOSTILE_URL = "javascript:window.__pwned=1"

# Short articles written for these tests: two about Iran and the United States (one dyad), one
# whose title, outlet, URL and text carry markup that must be shown, never run.
ARTICLES = (
    {
        "title": "Iran seizes tanker as tensions with Washington rise",
        "text": (
            "Iranian forces seized an American oil tanker in the Strait of Hormuz on Monday, "
            "according to officials.\n\n"
            "A senior US official, speaking on condition of anonymity, told Reuters that the United "
            'States condemned Iran and warned of consequences. "We will respond," said Secretary of '
            "State Mike Pompeo."
        ),
        "date": date(2019, 5, 13),
        "outlet": "Gulf Daily",
        "url": "https://news.example.org/gulf/tanker",
    },
    {
        "title": "US sanctions Iranian oil",
        "text": (
            "The United States imposed new sanctions on Iran on Wednesday. Iran's foreign minister "
            "Javad Zarif accused Washington of economic terrorism, the state news agency IRNA "
            "reported.\n\nIranian troops attacked American drones near Bandar Abbas."
        ),
        "date": date(2019, 5, 22),
        "outlet": "World Wire",
        "url": "http://wire.example.org/iran-sanctions",
    },
    {
        "title": HOSTILE_TITLE,
        "text": (
            f"Israeli troops attacked Syrian soldiers near Damascus on Monday. {HOSTILE_SCRIPT} "
            f'{HOSTILE_IMG} <a href="javascript:window.__pwned=1">read more</a> '
            "The army said <b>nothing</b> & more."
        ),
        "date": date(2019, 5, 20),
        "outlet": "<i>Evil</i> Outlet",
        "url": HOSTILE_URL,
    },
)


def build_dashboard_db(path: Path, nlp: Language) -> dict[str, str]:
    """Code the test articles with the real pipeline into a new database at `path` and store two
    alerts; return the ids the tests look for (articles, an Iran–US event, the hostile article)."""
    ids: dict[str, str] = {}
    with Store(path) as store:
        coded_articles = []
        for number, item in enumerate(ARTICLES):
            article = article_from_text(
                item["text"], title=item["title"], date=item["date"], outlet=item["outlet"], url=item["url"]
            )
            coded = code_article(article, nlp=nlp)
            store.add(coded)
            coded_articles.append(coded)
            ids[f"article{number}"] = article.id
        ids["hostile"] = ids["article2"]
        tanker = coded_articles[0]
        seizure = next(e for e in tanker.events if e.cameo == "1711")
        ids["seizure"] = seizure.event_id
        evidence = [
            {
                "event_id": event.event_id,
                "date": event.date.isoformat() if event.date else None,
                "source": event.source.code,
                "target": event.target.code if event.target else None,
                "cameo": event.cameo,
                "quad_class": event.quad_class,
                "goldstein": event.goldstein,
                "sentence": event.sentence,
                "source_chain": "officials (anonymous) → Gulf Daily",
                "anonymous": True,
                "num_articles": 1,
                "article_id": event.article_id,
            }
            for event in tanker.events
            if event.quad_class >= 3
        ]
        store.add_alerts(
            [
                Alert(
                    alert_id="alert-irn-usa",
                    dyad="IRN-USA",
                    by="week",
                    start=date(2019, 5, 13),
                    fired=date(2019, 5, 20),
                    end=date(2019, 5, 26),
                    score=5.25,
                    threshold=4.0,
                    events=5,
                    articles=2,
                    anonymous=2,
                    moved={"material conflict share": (0.1, 0.6), "Goldstein mean": (1.5, -6.2)},
                    evidence=tuple(evidence),
                ),
                Alert(
                    alert_id="alert-isr-syr",
                    dyad="ISR-SYR",
                    by="week",
                    start=date(2019, 5, 20),
                    fired=date(2019, 5, 20),
                    end=date(2019, 5, 26),
                    score=4.5,
                    threshold=4.0,
                    events=3,
                    articles=2,
                    anonymous=0,
                    moved={"events per period": (0.0, 3.0)},
                ),
            ]
        )
    return ids


@pytest.fixture(scope="module")
def dashboard_db(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> tuple[Path, dict[str, str]]:
    """A database of the test articles and alerts, built once for the module."""
    path = tmp_path_factory.mktemp("dashboard") / "dashboard.duckdb"
    return path, build_dashboard_db(path, nlp)


@pytest.fixture(scope="module")
def client(dashboard_db: tuple[Path, dict[str, str]]) -> Iterator[TestClient]:
    """The real app over the test database."""
    with TestClient(create_app(dashboard_db[0])) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def ids(dashboard_db: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return dashboard_db[1]


def visible_text(html: str) -> str:
    """The page's text roughly as a reader sees it: tags dropped, entities of <, >, & and quotes
    decoded, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", html)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&#34;", '"'), ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return " ".join(text.split())


def test_overview_shows_counts_alerts_dyads_volume_and_map(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    text = visible_text(html)
    assert "3 articles" in text
    assert 'href="/dyads/IRN-USA"' in html  # the alert links to its dyad
    assert "material conflict share 0.10 → 0.60" in text  # what moved
    assert re.search(r'href="/dyads/IRNMIL-USA"', html)  # most active dyads link to their page
    assert 'class="chart"' in html and "Events per day" in text
    assert '<image href="/map/world.svg"' in html
    assert re.search(r'<a href="/events\?country=SYR"><circle class="point', html)  # Damascus
    assert 'action="/search"' in html


def test_every_asset_is_local(client: TestClient) -> None:
    for path in ("/", "/events", "/map", "/search?q=Iran", "/dyads/IRN-USA"):
        html = client.get(path).text
        for url in re.findall(r'(?:src|href)="([^"]*)"', html):
            assert not re.match(r"(?i)(https?:)?//", url) or url.startswith("https://news.example.org"), url
    css = client.get("/static/dashboard.css")
    assert css.status_code == 200 and "url(" not in css.text and "@import" not in css.text
    assert client.get("/static/dashboard.js").status_code == 200
    world = client.get("/map/world.svg")
    assert world.status_code == 200 and world.headers["content-type"].startswith("image/svg+xml")
    assert world.text.count("<path ") > 150  # every country of the outline


def test_dyad_page_has_timeline_alerts_and_events(client: TestClient, ids: dict[str, str]) -> None:
    response = client.get("/dyads/IRN-USA")
    assert response.status_code == 200
    html = response.text
    text = visible_text(html)
    assert "Dyad IRN ⇄ USA" in text
    assert f'<a href="/events/{ids["seizure"]}"><circle class="marker-4"' in html  # the seizure marked
    assert "Goldstein sum per day" in text and "Conflict share per day" in text
    assert 'class="alert-band"' in html and "alert fired 2019-05-20" in html
    assert "Confiscate property" in text  # CAMEO name in the table
    assert "officials (anonymous) → Gulf Daily" in text  # the source chain
    assert "2019-05-13" in text and "2019-05-22" in text
    weekly = client.get("/dyads/usa-irn?by=week&goldstein=mean").text  # either direction, any case
    assert "Goldstein mean per week" in visible_text(weekly) and ids["seizure"] in weekly


def test_events_table_filters(client: TestClient, ids: dict[str, str]) -> None:
    everything = visible_text(client.get("/events").text)
    assert re.search(r"\b\d+ events, newest first", everything)
    conflict = client.get("/events", params={"quad_class": "4", "actor": "IRN"}).text
    assert ids["seizure"] in conflict
    assert "Use conventional military force" in visible_text(conflict)
    assert "Make statement" not in visible_text(conflict).split("Sentence", 1)[1]
    anonymous = client.get("/events", params={"anonymous": "true", "country": "", "text": "tanker"})
    assert anonymous.status_code == 200 and ids["seizure"] in anonymous.text
    nothing = client.get("/events", params={"outlet": "No Such Outlet"}).text
    assert "0 events match these filters" in visible_text(nothing) and "No events." in nothing


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "since: not a date"),
        ({"quad_class": "7"}, "quad_class: 1, 2, 3 or 4"),
        ({"root": "99"}, "root: a CAMEO root code"),
        ({"country": "Iraq!"}, "country: an ISO-3 country code"),
        ({"page": "0"}, "page: a page number"),
        ({"anonymous": "maybe"}, "anonymous: true or false"),
        ({"since": "2019-06-01", "until": "2019-05-01"}, "is after until"),
    ],
)
def test_bad_filters_give_a_422_page(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/events", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert message in visible_text(response.text)
    assert "Traceback" not in response.text and '<nav class="topnav"' in response.text


def test_bad_dyad_and_page_values_give_a_422_page(client: TestClient) -> None:
    for path in (
        "/dyads/IRN-USA-ISR",
        "/dyads/IRN-USA?by=month",
        "/dyads/IRN-USA?goldstein=max",
        "/map?since=x",
    ):
        response = client.get(path)
        assert response.status_code == 422, path
        assert '<nav class="topnav"' in response.text
    assert "by: one of week, day" in visible_text(client.get("/dyads/IRN-USA?by=month").text)


def test_unknown_ids_give_a_404_page(client: TestClient) -> None:
    for path in ("/events/0123456789abcdef", "/articles/nope", "/articles/" + "x" * 300):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "not found" in visible_text(response.text)
        assert '<nav class="topnav"' in response.text


def test_unknown_paths_give_a_page_to_browsers_and_json_to_the_api(client: TestClient) -> None:
    page = client.get("/no-such-page", headers={"accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<nav class="topnav"' in page.text and "no page at this address" in visible_text(page.text)
    for path, accept in (("/no-such-page", "application/json"), ("/api/nope", "text/html")):
        response = client.get(path, headers={"accept": accept})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")


def test_event_page_shows_coding_and_source_chain(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/events/{ids['seizure']}").text
    text = visible_text(html)
    assert '<span class="e" title="evidence">seized</span>' in html  # the predicate highlighted
    for expected in ("IRNMIL", "Iranian forces", "1711", "Confiscate property", "USA"):
        assert expected in text
    assert "material conflict" in text and "COERCE" in text and "seize" in text  # class, PLOVER
    assert "officials (anonymous)" in text and "Gulf Daily" in text
    assert f'href="/articles/{ids["article0"]}#ev-{ids["seizure"]}"' in html
    assert 'href="/dyads/IRN-USA"' in html


def test_article_page_highlights_and_escapes(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/articles/{ids['article0']}").text
    assert f'id="ev-{ids["seizure"]}"' in html
    mention = r'<span class="[^"]*\bm\b[^"]*"[^>]*>Iranian forces</span><sup class="code-tag">IRNMIL</sup>'
    assert re.search(mention, html)
    assert re.search(
        r'<span class="[^"]*\be\b[^"]*" data-ev="' + ids["seizure"] + r'[^"]*"[^>]*>seized</span>', html
    )
    assert '<span class="q"' in html or '<span class="s q' in html
    assert 'href="https://news.example.org/gulf/tanker"' in html  # an http(s) URL is a link

    hostile = client.get(f"/articles/{ids['hostile']}").text
    assert "<script>window" not in hostile and "<img src=x" not in hostile and "<b>clash" not in hostile
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in hostile
    assert "onerror=&#34;window.__pwned=1&#34;" in hostile
    assert HOSTILE_TITLE in visible_text(hostile)
    assert "&lt;i&gt;Evil&lt;/i&gt; Outlet" in hostile
    assert f'href="{HOSTILE_URL}"' not in hostile and HOSTILE_URL in hostile  # shown, not linked
    assert "Use conventional military force" in visible_text(hostile)


def test_hostile_text_is_escaped_on_every_page(client: TestClient, ids: dict[str, str]) -> None:
    for path in ("/", "/events", "/search?q=window.__pwned", "/dyads/ISR-SYR", "/map"):
        html = client.get(path).text
        assert "<script>window" not in html and "<img src=x" not in html, path
        assert '<script src="/static/dashboard.js' in html
    found = client.get("/search", params={"q": "onerror"}).text
    assert HOSTILE_TITLE in visible_text(found) and ids["hostile"] in found


def test_search_finds_articles_and_events(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get("/search", params={"q": "sanctions"}).text
    text = visible_text(html)
    assert "US sanctions Iranian oil" in text and f'href="/articles/{ids["article1"]}"' in html
    assert "Impose embargo, boycott, or sanctions" in text
    assert client.get("/search").status_code == 200
    too_long = client.get("/search", params={"q": "x" * 500})
    assert too_long.status_code == 422 and "at most 200 characters" in too_long.text


def test_map_page_links_points_to_the_filtered_table(client: TestClient) -> None:
    html = client.get("/map", params={"quad_class": "4"}).text
    assert '<a href="/events?quad_class=4&amp;country=SYR"><circle class="point' in html
    assert "Damascus" in visible_text(html)


def test_highlighting_escapes_every_piece() -> None:
    text = 'a <b>bold</b> "claim" & more'
    html = str(highlight(text, [Mark(2, 13, "m", 'x"><script>')], code_tags={13: ["<X>"]}))
    assert html.startswith("a ") and "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&#34;claim&#34; &amp; more" in html
    assert 'title="x&#34;&gt;&lt;script&gt;"' in html and '<sup class="code-tag">&lt;X&gt;</sup>' in html


def test_pages_render_on_an_empty_database(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "empty.duckdb")) as empty:
        for path in ("/", "/events", "/map", "/search?q=anything", "/dyads/IRN-USA"):
            response = empty.get(path)
            assert response.status_code == 200, path
        assert "The database is empty" in visible_text(empty.get("/").text)
        assert "No dated events for IRN-USA" in visible_text(empty.get("/dyads/IRN-USA").text)
