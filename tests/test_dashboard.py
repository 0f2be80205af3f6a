"""The dashboard in a real browser: Debian's chromium driven by Playwright against `tocsin serve` on a
free loopback port over a real DuckDB file. A reader clicks from the overview to a dyad, to an event,
to its article; hostile article text shows as text and never runs; nothing is fetched from any
other host and the browser logs no errors.

Skipped, with the reason printed, where chromium is not installed or cannot start."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from spacy.language import Language
from test_dashboard_render import HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_TITLE, HOSTILE_URL, build_dashboard_db

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

SERVER_START_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_health(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Poll the server's health endpoint until it answers (bounded in time)."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"tocsin serve exited with {server.returncode}: {log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(f"tocsin serve did not answer {url} within {SERVER_START_SECONDS:.0f} s")


@dataclass
class Served:
    """The running server: its base URL and the ids of the stored test data."""

    base: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Iterator[Served]:
    """`tocsin serve` on a free loopback port over a database of the test articles and alerts."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "dashboard.duckdb"
    ids = build_dashboard_db(db, nlp)
    port = _free_port()
    log = folder / "serve.log"
    env = {key: value for key, value in os.environ.items() if key != "TOCSIN_CONFIG"}
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "tocsin.cli", "serve", "--db", str(db), "--port", str(port)],
            cwd=folder,  # no settings file there
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_health(f"{base}/api/health", server, log)
        yield Served(base, ids)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    """Debian's chromium under Playwright (never a downloaded browser)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium is not installed (run `make browser` as root to install it)")
    with playwright_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        except playwright_api.Error as error:
            pytest.skip(f"chromium at {executable} could not be started: {str(error).splitlines()[0]}")
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Watch:
    """What a page did that a reader should never see: console errors, uncaught exceptions,
    dialogs, and requests to any host other than the server."""

    host: str
    error_pages: set[str] = field(default_factory=set)  # paths a test opens expecting a 404 or 422
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def on_console(self, message: playwright_api.ConsoleMessage) -> None:
        if message.type != "error":
            return
        failed_load = message.text.startswith("Failed to load resource")
        if failed_load and urlsplit(message.location.get("url", "")).path in self.error_pages:
            return  # the browser logs every error status of a page, even one the test asked for
        self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def on_request(self, request: playwright_api.Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "about", "blob"):
            return
        if parts.netloc != self.host:
            self.foreign_requests.append(request.url)

    def on_dialog(self, dialog: playwright_api.Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def watch(served: Served) -> Watch:
    """What the test's page does, checked after the test."""
    return Watch(urlsplit(served.base).netloc)


@pytest.fixture
def page(browser: playwright_api.Browser, served: Served, watch: Watch) -> Iterator[playwright_api.Page]:
    """A fresh page; after the test, checks it logged no errors, opened no dialog and fetched
    nothing from another host."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=served.base)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    opened.on("console", watch.on_console)
    opened.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    opened.on("dialog", watch.on_dialog)
    context.on("request", watch.on_request)
    try:
        yield opened
    finally:
        context.close()
    assert watch.console_errors == []
    assert watch.page_errors == []
    assert watch.dialogs == []
    assert watch.foreign_requests == []


def _pwned(page: playwright_api.Page) -> str:
    return str(page.evaluate("typeof window.__pwned"))


def test_overview_to_dyad_to_event_to_article(
    page: playwright_api.Page, served: Served, tmp_path: Path
) -> None:
    seizure = served.ids["seizure"]
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "Overview"
    figures = page.locator("ul.figures").inner_text()
    assert "2019-05-13 → 2019-05-22" in figures and "articles" in figures
    alert_row = page.locator("table.alerts tbody tr", has_text="IRN-USA")
    assert "material conflict share 0.10 → 0.60" in alert_row.inner_text()
    assert page.locator("table.dyads a", has_text="IRNMIL").count() == 1
    assert page.locator("svg.chart rect").count() >= 3  # the volume bars
    assert page.locator("svg.map circle.point").count() >= 3  # places with events
    assert page.locator("svg.map image").evaluate("image => image.getBBox().width") > 0
    page.screenshot(path=tmp_path / "overview.png", full_page=True)

    alert_row.get_by_role("link", name="IRN-USA").click()
    page.wait_for_url(re.compile(r"/dyads/IRN-USA$"))
    assert page.locator("h1").inner_text() == "Dyad IRN ⇄ USA"
    chart = page.locator("svg.chart")
    assert chart.is_visible()
    labels = chart.text_content() or ""
    assert "Goldstein sum per day" in labels and "Conflict share per day" in labels
    assert chart.locator("rect.bar-neg").count() == 2  # two days of conflict
    assert chart.locator("rect.alert-band").count() == 1
    marker = chart.locator(f'a[href="/events/{seizure}"] circle')
    assert "Confiscate property" in marker.locator("title").text_content()
    rows = page.locator("table.events tbody tr")
    assert rows.count() == 6
    assert "officials (anonymous) → Gulf Daily" in page.locator("table.events").inner_text()
    page.screenshot(path=tmp_path / "dyad.png", full_page=True)

    marker.click()
    page.wait_for_url(re.compile(f"/events/{seizure}$"))
    assert page.locator(".sentence-big .e").inner_text() == "seized"
    coding = page.locator("table.kv").first.inner_text()
    for expected in (
        "IRNMIL",
        "Iranian forces",
        "1711 Confiscate property",
        "USA",
        "−9.2",
        "material conflict",
    ):
        assert expected in coding
    chain = page.get_by_label("source chain").inner_text()
    assert "officials (anonymous)" in chain and "Gulf Daily" in chain

    page.get_by_role("link", name="Iran seizes tanker as tensions with Washington rise").click()
    page.wait_for_url(re.compile(f"/articles/{served.ids['article0']}#ev-{seizure}$"))
    assert page.locator("h1").inner_text() == "Iran seizes tanker as tensions with Washington rise"
    text = page.locator("#article-text")
    active = text.locator(".is-active")
    assert active.count() == 1 and active.inner_text() == "seized"  # the event marked on arrival
    assert "Strait of Hormuz" in "".join(text.locator(".in-active").all_inner_texts())  # and its sentence
    assert "IRNMIL" in text.locator("sup.code-tag").all_inner_texts()
    assert set(text.locator(".e").all_inner_texts()) >= {"seized", "condemned", "warned", "said"}
    assert text.locator(".q").count() > 0 and text.locator(".m").count() >= 5
    assert page.locator("ul.legend").first.is_visible()
    assert "Reuters → Gulf Daily" in page.locator("ol.event-list").inner_text()

    page.locator("ol.event-list a", has_text="130 Threaten").click()
    now_active = text.locator(".is-active")
    assert now_active.count() == 1 and now_active.inner_text() == "warned"
    assert page.locator("ol.event-list li.is-active").count() == 1


def test_most_active_dyad_and_map_point_open_filtered_events(page: playwright_api.Page) -> None:
    page.goto("/")
    page.locator("table.dyads a", has_text="ISRMIL").click()
    page.wait_for_url(re.compile(r"/dyads/ISRMIL-SYRMIL$"))
    assert "Use conventional military force" in page.locator("table.events").inner_text()

    page.goto("/map")
    damascus = page.locator("svg.map a", has=page.locator("circle.point title", has_text="Damascus"))
    damascus.locator("circle").click()
    page.wait_for_url(re.compile(r"/events\?country=SYR$"))
    table = page.locator("table.events").inner_text()
    assert "ISRMIL" in table and "Israeli troops attacked Syrian soldiers" in table


def test_filter_form_and_errors(page: playwright_api.Page, watch: Watch) -> None:
    page.goto("/events")
    page.get_by_label("Actor (code prefix)").fill("IRN")
    page.get_by_label("QuadClass").select_option("4")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"/events\?actor=IRN&quad_class=4$"))  # empty fields left out
    rows = page.locator("table.events tbody tr")
    assert rows.count() == 3
    assert set(page.locator("table.events .quad").all_inner_texts()) == {"material conflict"}
    assert page.get_by_label("QuadClass").input_value() == "4"

    watch.error_pages |= {"/events", "/articles/no-such-article"}
    response = page.goto("/events?since=yesterday")
    assert response is not None and response.status == 422
    assert "since: not a date: 'yesterday'" in page.locator(".message").inner_text()
    response = page.goto("/articles/no-such-article")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Article not found"
    assert page.locator("nav.topnav").is_visible()

    page.locator("nav.topnav input[name=q]").fill("sanctions")
    page.locator("nav.topnav input[name=q]").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=sanctions$"))
    page.get_by_role("link", name="US sanctions Iranian oil").click()
    assert page.locator("h1").inner_text() == "US sanctions Iranian oil"


def test_hostile_article_text_is_shown_and_never_runs(page: playwright_api.Page, served: Served) -> None:
    page.goto(f"/articles/{served.ids['hostile']}")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert page.title().startswith(HOSTILE_TITLE)
    text = page.locator("#article-text").inner_text()
    assert HOSTILE_SCRIPT in text and HOSTILE_IMG in text and "<b>nothing</b> & more." in text
    assert (
        page.locator("#article-text img, #article-text script, #article-text b, #article-text a").count() == 0
    )
    assert page.locator("table.kv").inner_text().count("<i>Evil</i> Outlet") == 1
    assert HOSTILE_URL in page.locator("table.kv").inner_text()
    assert page.locator(f'a[href="{HOSTILE_URL}"]').count() == 0  # a javascript: URL is never a link
    assert page.evaluate("document.scripts.length") == 1  # the dashboard's own script only
    assert _pwned(page) == "undefined"

    for path in ("/", "/events", "/search?q=__pwned", "/dyads/ISR-SYR"):
        page.goto(path)
        assert _pwned(page) == "undefined", path
        assert page.locator("main img").count() == 0, path
    page.goto("/search?q=__pwned")
    assert HOSTILE_TITLE in page.locator("table.articles").inner_text()
