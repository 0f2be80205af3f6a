"""URL fetching refuses what could reach the machine it runs on or its private network: non-http(s)
schemes, credentials, and hosts on loopback, private, link-local, multicast, unspecified or
reserved addresses (IPv4-mapped and other embedded forms too), on the first request and after every
redirect, and connects only to the address it checked. Real loopback HTTP servers stand in for the
internal services such a URL would reach."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from tocsin.errors import InputError
from tocsin.ingest import ReadOptions, read_paths
from tocsin.ingest.fetch import blocked_reason, checked_addresses, fetch_url
from tocsin.types import Rejection

REPO = Path(__file__).resolve().parents[1]

FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Wire</title>'
    b"<language>en</language><item><title>Talks resume</title><link>http://example.org/talks</link>"
    b"<pubDate>Tue, 02 Mar 2021 10:00:00 GMT</pubDate>"
    b"<description>Iran and the United States agreed on Tuesday to resume talks in Vienna, "
    b"diplomats said.</description></item></channel></rss>"
)


@dataclass
class LoopbackServer:
    """A real HTTP server on a loopback address that counts the connections it accepts."""

    host: str
    port: int
    redirects: dict[str, str] = field(default_factory=dict)
    connections: int = 0
    hosts_seen: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _serve(host: str) -> Iterator[LoopbackServer]:
    state = LoopbackServer(host, 0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hosts_seen.append(self.headers.get("Host", ""))
            if self.path in state.redirects:
                self.send_response(302)
                self.send_header("Location", state.redirects[self.path])
                self.end_headers()
                return
            body = FEED if self.path == "/feed" else b"internal secret"
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml" if self.path == "/feed" else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

    class CountingServer(ThreadingHTTPServer):
        daemon_threads = True

        def verify_request(self, request: object, client_address: object) -> bool:
            state.connections += 1
            return True

    try:
        httpd = CountingServer((host, 0), Handler)
    except OSError as error:
        pytest.skip(f"cannot listen on {host}: {error}")
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def wire() -> Iterator[LoopbackServer]:
    """The server a test treats as reachable: 127.0.0.1."""
    yield from _serve("127.0.0.1")


@pytest.fixture(scope="module")
def internal() -> Iterator[LoopbackServer]:
    """A second loopback address standing for an internal service that must never be reached."""
    yield from _serve("127.0.0.2")


@pytest.fixture(autouse=True)
def _reset_counts(request: pytest.FixtureRequest) -> None:
    for name in ("wire", "internal"):
        if name in request.fixturenames:
            server = request.getfixturevalue(name)
            server.connections = 0
            server.hosts_seen.clear()


def fixed_resolver(table: dict[str, Sequence[str]]) -> Callable[[str, int], Sequence[str]]:
    """A resolver answering from `table` (an unknown name does not resolve)."""

    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


# --- every blocked address class, refused before any connection -------------------------------

BLOCKED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("100.64.0.1", "not a public address"),
    ("::ffff:127.0.0.1", "loopback address (127.0.0.1) inside an IPv6 address"),
    ("::ffff:10.1.2.3", "private address (10.1.2.3) inside an IPv6 address"),
    ("::ffff:169.254.169.254", "link-local address (169.254.169.254) inside an IPv6 address"),
    ("2002:7f00:1::", "loopback address (127.0.0.1) inside an IPv6 address"),
    ("64:ff9b::a9fe:a9fe", "link-local address (169.254.169.254) inside an IPv6 address"),
]


@pytest.mark.parametrize(("address", "kind"), BLOCKED)
def test_each_blocked_address_class_is_refused_with_its_reason(address: str, kind: str) -> None:
    # No server exists at these addresses: a connection attempt would end in a connect error or a
    # timeout, not in this reason.
    with pytest.raises(InputError) as caught:
        fetch_url("http://news.test/feed", resolver=fixed_resolver({"news.test": [address]}), timeout=2)
    assert caught.value.origin == "http://news.test/feed"
    assert caught.value.reason.startswith(f"refused: news.test ({address}) is ")
    assert kind in caught.value.reason and "--allow-private-urls" in caught.value.reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_pass_the_check(address: str) -> None:
    assert blocked_reason(address) is None
    found = checked_addresses("news.test", 80, origin="u", resolver=fixed_resolver({"news.test": [address]}))
    assert found == (address,)


def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    resolver = fixed_resolver({"mixed.test": ["93.184.216.34", "10.0.0.7"]})
    with pytest.raises(InputError, match=r"mixed\.test \(10\.0\.0\.7\) is a private address"):
        checked_addresses("mixed.test", 80, origin="u", resolver=resolver)


def test_a_name_that_does_not_resolve_is_one_clear_reason() -> None:
    with pytest.raises(InputError, match=r"cannot resolve host 'nowhere\.test'"):
        fetch_url("http://nowhere.test/", resolver=fixed_resolver({}))


def test_a_loopback_server_is_not_contacted_unless_allowed(wire: LoopbackServer) -> None:
    for url in (f"{wire.url}/feed", f"http://localhost:{wire.port}/feed"):
        with pytest.raises(InputError, match="is a loopback address"):
            fetch_url(url, timeout=2)
    ipv6_mapped = f"http://[::ffff:127.0.0.1]:{wire.port}/feed"
    with pytest.raises(InputError, match=r"loopback address \(127\.0\.0\.1\) inside an IPv6 address"):
        fetch_url(ipv6_mapped, timeout=2)
    assert wire.connections == 0

    document = fetch_url(f"{wire.url}/feed", allow_private=True, timeout=5)
    assert document.data == FEED and wire.connections == 1


def test_read_paths_refuses_loopback_by_default_and_fetches_it_when_allowed(wire: LoopbackServer) -> None:
    items = list(read_paths([f"{wire.url}/feed"]))
    assert len(items) == 1 and isinstance(items[0], Rejection)
    assert "loopback address" in items[0].reason and wire.connections == 0
    allowed = list(read_paths([f"{wire.url}/feed"], options=ReadOptions(allow_private=True)))
    assert [item.title for item in allowed if not isinstance(item, Rejection)] == ["Talks resume"]


# --- redirects: every hop is checked ------------------------------------------------------------

ONLY_THE_WIRE = [ipaddress.ip_network("127.0.0.1/32")]


def test_a_redirect_to_another_loopback_address_is_refused(
    wire: LoopbackServer, internal: LoopbackServer
) -> None:
    wire.redirects["/to-internal"] = f"{internal.url}/secret"
    wire.redirects["/to-named-internal"] = f"http://intranet.test:{internal.port}/secret"
    resolver = fixed_resolver({"wire.test": ["127.0.0.1"], "intranet.test": ["127.0.0.2"]})

    # the first hop is reachable: 127.0.0.1 is explicitly allowed
    document = fetch_url(
        f"http://wire.test:{wire.port}/feed", allowed_networks=ONLY_THE_WIRE, resolver=resolver
    )
    assert document.data == FEED

    for path, shown in (
        ("/to-internal", "127.0.0.2"),
        ("/to-named-internal", r"intranet\.test \(127\.0\.0\.2\)"),
    ):
        with pytest.raises(InputError, match=rf"refused: {shown} is a loopback address"):
            fetch_url(
                f"http://wire.test:{wire.port}{path}", allowed_networks=ONLY_THE_WIRE, resolver=resolver
            )
    assert internal.connections == 0

    # the same redirect, with private addresses allowed, does reach the internal server
    secret = fetch_url(f"{wire.url}/to-internal", allow_private=True)
    assert secret.data == b"internal secret" and secret.final_url == f"{internal.url}/secret"
    assert internal.connections == 1


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("gopher://127.0.0.1:70/", "unsupported URL scheme 'gopher'"),
        ("http://admin:secret@wire.test/", "URL carries credentials"),
    ],
)
def test_a_redirect_to_another_scheme_or_to_credentials_is_refused(
    wire: LoopbackServer, location: str, reason: str
) -> None:
    wire.redirects["/elsewhere"] = location
    with pytest.raises(InputError, match=reason):
        fetch_url(f"{wire.url}/elsewhere", allow_private=True)
    assert wire.connections == 1  # the first hop only


def test_the_connection_goes_to_the_address_that_was_checked(
    wire: LoopbackServer, internal: LoopbackServer
) -> None:
    """DNS rebinding: a name that resolves to an allowed address when checked and to an internal
    one a moment later must not reach the internal one."""
    answers = iter([["127.0.0.1"], ["127.0.0.2"], ["127.0.0.2"]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return next(answers)

    document = fetch_url(
        f"http://rebind.test:{wire.port}/feed", allowed_networks=ONLY_THE_WIRE, resolver=rebinding
    )
    assert document.data == FEED and calls == ["rebind.test"]
    assert wire.connections == 1 and internal.connections == 0
    assert wire.hosts_seen == [f"rebind.test:{wire.port}"]  # the request still names the host


# --- URLs refused before anything is resolved --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("ftp://example.org/feed.xml", "unsupported URL scheme 'ftp'"),
        ("gopher://example.org/", "unsupported URL scheme 'gopher'"),
        ("data:text/html,<p>hi</p>", "unsupported URL scheme 'data'"),
        ("http:///no-host", "URL has no host"),
        ("http://user:pass@example.org/feed", "URL carries credentials"),
        ("http://example.org@127.0.0.1/feed", "URL carries credentials"),
        ("http://example.org:99999/feed", "invalid URL"),
    ],
)
def test_bad_urls_are_refused_before_any_lookup(url: str, reason: str) -> None:
    looked_up: list[str] = []

    def resolver(host: str, port: int) -> Sequence[str]:
        looked_up.append(host)
        return ["93.184.216.34"]

    with pytest.raises(InputError, match=reason):
        fetch_url(url, resolver=resolver)
    assert looked_up == []


# --- the command line ---------------------------------------------------------------------------


def _tocsin(*args: str, cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(REPO / "src")}
    env.pop("TOCSIN_CONFIG", None)
    if config is not None:
        env["TOCSIN_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "tocsin.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def _stored_titles(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [row[0] for row in con.execute("SELECT title FROM articles ORDER BY title").fetchall()]


def test_ingest_refuses_a_loopback_url_unless_allowed(wire: LoopbackServer, tmp_path: Path) -> None:
    url = f"{wire.url}/feed"
    refused = _tocsin("ingest", url, "--db", str(tmp_path / "a.duckdb"), "--no-progress", cwd=tmp_path)
    assert refused.returncode == 1, refused.stderr
    line = next(line for line in refused.stderr.splitlines() if line.startswith("rejected"))
    assert line == (
        f"rejected {url}: refused: 127.0.0.1 is a loopback address; private, loopback and link-local "
        "addresses are fetched only when allowed (--allow-private-urls)"
    )
    assert "Traceback" not in refused.stderr and wire.connections == 0
    assert _stored_titles(tmp_path / "a.duckdb") == []

    allowed = _tocsin(
        "ingest",
        url,
        "--db",
        str(tmp_path / "b.duckdb"),
        "--no-progress",
        "--allow-private-urls",
        cwd=tmp_path,
    )
    assert allowed.returncode == 0, allowed.stderr
    assert _stored_titles(tmp_path / "b.duckdb") == ["Talks resume"] and wire.connections == 1


def test_the_settings_file_can_allow_private_urls(wire: LoopbackServer, tmp_path: Path) -> None:
    config = tmp_path / "tocsin.toml"
    config.write_text('db = "events.duckdb"\nallow_private_urls = true\n', encoding="utf-8")
    result = _tocsin("ingest", f"{wire.url}/feed", "--no-progress", cwd=tmp_path, config=config)
    assert result.returncode == 0, result.stderr
    assert _stored_titles(tmp_path / "events.duckdb") == ["Talks resume"]

    config.write_text('allow_private_urls = "yes"\n', encoding="utf-8")
    bad = _tocsin("code", f"{wire.url}/feed", cwd=tmp_path, config=config)
    assert bad.returncode == 2 and "`allow_private_urls` must be true or false" in bad.stderr
