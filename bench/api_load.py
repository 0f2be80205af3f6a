"""REST API under load: requests per second and latency of `/api/events` on loopback, printed with
a ratio against `/api/health` measured in the same run.

    .venv/bin/python bench/api_load.py [--events 12000] [--duration 60] [--baseline-duration 15]
        [--concurrency 8] [--db FILE] [--keep]

1. Builds a database of `--events` synthetic but realistic events (actors from real country and role
   codes, CAMEO codes with their Goldstein weights and QuadClasses, dates over two years, a dozen
   outlets, anonymous and named sources, located events), stored directly with `Store.add_batch` in
   articles of 2 to 8 events each (no spaCy).
2. Starts `tocsin serve` on a free loopback port, as a separate process.
3. `--concurrency` clients, each with its own keep-alive connection, request `/api/events` with a
   mix of filters (none, actor, dyad, CAMEO root, QuadClass, date range, outlet, anonymous-only,
   country, text) and pages (a third of the requests ask for one of the next 20 pages, some for
   offset 5000) back to back for `--duration` seconds, then `/api/health` for
   `--baseline-duration` seconds. Each phase prints requests/s, p50, p99 and maximum latency, and
   the server process's CPU time per request (which depends less on what else the machine runs).

The server keeps the event and article rows it has read (they never change), so after the first
seconds the pages are built from memory and each request runs two small queries (count and page).

Targets: p99 latency of `/api/events` < 100 ms, and no errors. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import psutil

from tocsin import cameo
from tocsin.store import Store
from tocsin.types import ActorMention, Article, Attribution, CodedArticle, Event, Location, Speaker

COUNTRIES = {
    "USA": ("the United States", "Washington", 38.9, -77.0),
    "IRN": ("Iran", "Tehran", 35.7, 51.4),
    "ISR": ("Israel", "Jerusalem", 31.8, 35.2),
    "IRQ": ("Iraq", "Baghdad", 33.3, 44.4),
    "SYR": ("Syria", "Damascus", 33.5, 36.3),
    "TUR": ("Turkey", "Ankara", 39.9, 32.9),
    "RUS": ("Russia", "Moscow", 55.8, 37.6),
    "UKR": ("Ukraine", "Kyiv", 50.5, 30.5),
    "CHN": ("China", "Beijing", 39.9, 116.4),
    "SAU": ("Saudi Arabia", "Riyadh", 24.7, 46.7),
    "YEM": ("Yemen", "Sanaa", 15.4, 44.2),
    "MLI": ("Mali", "Bamako", 12.6, -8.0),
    "NER": ("Niger", "Niamey", 13.5, 2.1),
    "GBR": ("Britain", "London", 51.5, -0.1),
    "FRA": ("France", "Paris", 48.9, 2.4),
    "DEU": ("Germany", "Berlin", 52.5, 13.4),
}
ROLES = {
    "": "",
    "GOV": "government",
    "MIL": "military",
    "COP": "police",
    "REB": "rebels",
    "OPP": "opposition",
}
OUTLETS = (
    "Reuters",
    "Associated Press",
    "Agence France-Presse",
    "Al Jazeera",
    "BBC News",
    "The Guardian",
    "The New York Times",
    "The Jerusalem Post",
    "Tehran Times",
    "Anadolu Agency",
    "Xinhua",
    "Kyiv Independent",
)
SPEAKERS = (
    (Speaker("a senior official", anonymous=True, kind="anonymous"), 0.25),
    (Speaker("diplomatic sources", anonymous=True, kind="anonymous"), 0.1),
    (Speaker("the foreign minister", code="GOV", kind="named_official"), 0.25),
    (None, 0.4),
)
# the CAMEO codes a news feed is mostly made of, weighted roughly as in GDELT
CODES = (
    ("010", 12), ("020", 3), ("036", 4), ("040", 8), ("042", 6), ("043", 5), ("046", 3),
    ("051", 3), ("057", 2), ("061", 2), ("070", 2), ("090", 2), ("111", 5), ("112", 4),
    ("120", 2), ("130", 3), ("138", 2), ("141", 2), ("163", 1), ("173", 2), ("180", 2),
    ("190", 4), ("193", 2), ("195", 2), ("200", 1),
)  # fmt: skip
START = date(2022, 1, 1)
DAYS = 730


def _actor(rng: random.Random, country: str) -> ActorMention:
    role = rng.choice(list(ROLES))
    name, capital, _, _ = COUNTRIES[country]
    text = f"{name}'s {ROLES[role]}" if role else rng.choice((name, capital))
    return ActorMention(text, 0, len(text), code=country + role, country=country, role=role or None)


def synthetic_articles(count_events: int, seed: int = 7) -> list[CodedArticle]:
    """Coded articles holding `count_events` events in all, 2 to 8 each, reproducible from `seed`."""
    rng = random.Random(seed)
    codes, weights = zip(*CODES, strict=True)
    table = cameo.codes()
    articles: list[CodedArticle] = []
    made = 0
    while made < count_events:
        n = min(rng.randint(2, 8), count_events - made)
        day = START + timedelta(days=rng.randrange(DAYS))
        outlet = rng.choice(OUTLETS)
        article_id = f"{len(articles):016x}"
        sentences, events = [], []
        offset = 0
        for i in range(n):
            source_country, target_country = rng.sample(list(COUNTRIES), 2)
            source, target = _actor(rng, source_country), _actor(rng, target_country)
            code = table[rng.choices(codes, weights)[0]]
            speaker = rng.choices([s for s, _ in SPEAKERS], [w for _, w in SPEAKERS])[0]
            verb = code.name.lower()
            teller = speaker.text if speaker else outlet
            sentence = f"{source.text} ({verb}) {target.text} on {day:%A}, {teller} said."
            place = rng.choice((source_country, target_country))
            name, _, lat, lon = COUNTRIES[place]
            location = Location(
                name, country=place, method="sentence: synthetic", lat=lat, lon=lon, precision="country"
            )
            event = Event(
                event_id=f"{article_id}-{i}",
                article_id=article_id,
                date=day - timedelta(days=rng.choice((0, 0, 0, 1))),
                sentence_index=i,
                sentence=sentence,
                span=(offset, offset + len(sentence)),
                source=source,
                target=target,
                cameo=code.code,
                cameo_root=code.root,
                quad_class=code.quad_class,
                goldstein=code.goldstein,
                attribution=Attribution(speaker=speaker, cue="say" if speaker else None, via=(outlet,)),
                location=location if rng.random() < 0.7 else None,
                predicate=verb.split()[0],
                predicate_span=(
                    offset + len(source.text) + 2,
                    offset + len(source.text) + 2 + len(verb.split()[0]),
                ),
                plover_type=code.plover_type,
                plover_mode=code.plover_mode,
                confidence=round(rng.uniform(0.4, 0.95), 3),
            )
            sentences.append(sentence)
            events.append(event)
            offset += len(sentence) + 1
        text = " ".join(sentences)
        article = Article(id=article_id, text=text, title=f"Report {len(articles)}", date=day, outlet=outlet)
        articles.append(CodedArticle(article, (), (), (), tuple(events)))
        made += n
    return articles


def build_database(path: Path, count_events: int) -> int:
    """Store the synthetic articles at `path` in batches; returns the events stored."""
    articles = synthetic_articles(count_events)
    with Store(path) as store:
        for start in range(0, len(articles), 500):
            store.add_batch(articles[start : start + 500])
        return store.counts()["events"]


def event_queries(rng: random.Random) -> list[dict[str, str]]:
    """A mix of `/api/events` query strings, as a dashboard and API clients send them."""
    mix: list[dict[str, str]] = [{}, {"limit": "100"}, {"offset": "5000"}, {"anonymous": "true"}]
    for country in rng.sample(list(COUNTRIES), 6):
        mix.append({"actor": country})
        mix.append({"country": country, "quad_class": str(rng.randint(1, 4))})
    for _ in range(6):
        a, b = rng.sample(list(COUNTRIES), 2)
        mix.append({"dyad": f"{a}-{b}"})
    for root in ("01", "04", "11", "19"):
        mix.append({"root": root})
    for _ in range(4):
        first = START + timedelta(days=rng.randrange(DAYS - 60))
        mix.append({"since": first.isoformat(), "until": (first + timedelta(days=60)).isoformat()})
    mix += [
        {"outlet": "reuters"},
        {"outlet": "BBC News", "actor": "IRN"},
        {"text": "tehran"},
        {"text": "sanction"},
    ]
    return mix


@dataclass
class Phase:
    """What one phase of load measured."""

    path: str
    seconds: float = 0.0
    server_cpu: float = 0.0  # CPU seconds the server process spent
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    by_query: dict[str, list[float]] = field(default_factory=dict)  # latencies of each filter mix

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _client(base: str, phase: Phase, queries: list[dict[str, str]], stop: float, seed: int) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.perf_counter() < stop:
            params = dict(rng.choice(queries)) if queries else {}
            if queries and "offset" not in params and rng.random() < 0.3:
                params["offset"] = str(50 * rng.randint(1, 20))  # a later page
            began = time.perf_counter()
            try:
                response = await client.get(phase.path, params=params)
                ok = response.status_code == 200
                if not ok:
                    phase.errors.append(f"{response.status_code} {params}: {response.text[:120]}")
            except httpx.HTTPError as error:
                ok = False
                phase.errors.append(f"{type(error).__name__} {params}")
            if ok:
                took = time.perf_counter() - began
                phase.latencies.append(took)
                key = "&".join(f"{k}={v}" for k, v in params.items() if k != "offset") or "(none)"
                phase.by_query.setdefault(key, []).append(took)


async def run_phase(
    base: str, path: str, seconds: float, concurrency: int, queries: list[dict[str, str]]
) -> Phase:
    """Keep `concurrency` clients requesting `path` back to back for `seconds`."""
    phase = Phase(path)
    began = time.perf_counter()
    stop = began + seconds
    await asyncio.gather(*(_client(base, phase, queries, stop, seed) for seed in range(concurrency)))
    phase.seconds = time.perf_counter() - began
    return phase


def measured(
    server: psutil.Process,
    base: str,
    path: str,
    seconds: float,
    concurrency: int,
    queries: list[dict[str, str]],
) -> Phase:
    """Run a phase and record the CPU time the server process spent in it."""
    before = sum(server.cpu_times()[:2])
    phase = asyncio.run(run_phase(base, path, seconds, concurrency, queries))
    phase.server_cpu = sum(server.cpu_times()[:2]) - before
    return phase


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start `tocsin serve` on a free loopback port and wait (at most 120 s) until it answers."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if key != "TOCSIN_API_TOKEN"}
    command = [sys.executable, "-m", "tocsin.cli", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"tocsin serve exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("tocsin serve did not answer within 120 s")


def report(phase: Phase) -> None:
    cpu = 1000 * phase.server_cpu / max(len(phase.latencies), 1)
    print(
        f"    {phase.path:<12} {len(phase.latencies):7d} requests in {phase.seconds:5.1f} s  "
        f"{phase.rps:8.1f} req/s   p50 {1000 * phase.percentile(0.5):6.1f} ms   "
        f"p99 {1000 * phase.percentile(0.99):6.1f} ms   "
        f"max {1000 * max(phase.latencies, default=0):6.1f} ms   "
        f"server CPU {cpu:5.1f} ms/request   errors {len(phase.errors)}"
    )
    for error in phase.errors[:5]:
        print(f"      {error}")
    if len(phase.by_query) > 1:
        slowest = sorted(phase.by_query.items(), key=lambda item: -sorted(item[1])[len(item[1]) // 2])[:3]
        shown = ", ".join(f"{key} {1000 * sorted(times)[len(times) // 2]:.0f} ms" for key, times in slowest)
        print(f"      slowest filters (median): {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", type=int, default=12_000, help="synthetic events to store (default 12000)"
    )
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds of /api/events load (default 60)"
    )
    parser.add_argument("--baseline-duration", type=float, default=15.0, help="seconds of /api/health load")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--db", type=Path, help="database to build (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="keep the database built in --db")
    args = parser.parse_args()
    if args.duration <= 0 or args.baseline_duration <= 0 or args.concurrency < 1 or args.events < 1:
        parser.error("durations, --events and --concurrency must be positive")

    with tempfile.TemporaryDirectory(prefix="tocsin-api-load-") as folder:
        db = args.db or Path(folder) / "load.duckdb"
        if db.exists():
            parser.error(f"{db} exists; give a new file")
        began = time.perf_counter()
        stored = build_database(db, args.events)
        print(f"[1] database: {stored} events built in {time.perf_counter() - began:.1f} s ({db.name})")
        process, base = start_server(db)
        try:
            queries = event_queries(random.Random(11))
            print(f"[2] load on {base}: {args.concurrency} clients, {len(queries)} query mixes")
            server = psutil.Process(process.pid)
            events = measured(server, base, "/api/events", args.duration, args.concurrency, queries)
            health = measured(server, base, "/api/health", args.baseline_duration, args.concurrency, [])
        finally:
            process.terminate()
            process.wait(timeout=30)
        report(events)
        report(health)
        p99 = 1000 * events.percentile(0.99)
        print(
            f"[3] /api/events vs /api/health: throughput ratio {events.rps / health.rps:.2f}, "
            f"p99 ratio {events.percentile(0.99) / health.percentile(0.99):.2f}"
        )
        verdict = "met" if p99 < 100 and not events.errors else "NOT met"
        errors = len(events.errors)
        print(f"    target p99 < 100 ms with no errors: {verdict} (p99 {p99:.1f} ms, {errors} errors)")
        if args.db and not args.keep:
            db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
