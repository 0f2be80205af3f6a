"""Early warning: series, the escalation detector, stored alerts, and the commands, on constructed
events in a real DuckDB file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tocsin import warn
from tocsin.store import SCHEMA_VERSION, Store
from tocsin.types import ActorMention, Article, Attribution, CodedArticle, Event, Speaker
from tocsin.warn import WarnSettings, detect_alerts, series

REPO = Path(__file__).resolve().parents[1]
MONDAY = date(2019, 3, 4)  # the first week of every constructed corpus

IRAN = ActorMention("Iran", 0, 4, code="IRNMIL", country="IRN", role="MIL")
USA = ActorMention("the United States", 10, 27, code="USAGOV", country="USA", role="GOV")
FRANCE = ActorMention("France", 0, 6, code="FRA", country="FRA")
GERMANY = ActorMention("Germany", 10, 17, code="DEU", country="DEU")
ANONYMOUS = Attribution(Speaker("a source", anonymous=True, kind="anonymous"), "said", ("the Guardian",))
CONFLICT_CODES = ("190", "193", "180", "182", "195", "172", "175", "183", "186", "194")


def week(number: int, day: int = 0) -> date:
    """A day of week `number` (0-based) of the constructed corpus."""
    return MONDAY + timedelta(days=7 * number + day)


def _event(article_id: str, index: int, day: date, quad: int, source: ActorMention, target: ActorMention,
           cameo: str, attribution: Attribution | None = None) -> Event:  # fmt: skip
    goldstein = {1: 1.0, 2: 6.0, 3: -4.0, 4: -9.0}[quad]
    sentence = f"{source.text} {'attacked' if quad == 4 else 'met'} {target.text} ({article_id} #{index})."
    return Event(
        event_id=f"{article_id}-{index}",
        article_id=article_id,
        date=day,
        sentence_index=index,
        sentence=sentence,
        span=(0, len(sentence)),
        source=source,
        target=target,
        cameo=cameo,
        cameo_root=cameo[:2],
        quad_class=quad,
        goldstein=goldstein,
        attribution=attribution or Attribution(via=("Example News",)),
    )


def add_article(
    store: Store,
    article_id: str,
    day: date,
    events: Sequence[tuple[int, ActorMention, ActorMention, str]],
    *,
    anonymous: bool = False,
) -> None:
    """Store one article with events given as (quad class, source, target, CAMEO code)."""
    built = tuple(
        _event(article_id, i, day, quad, source, target, cameo, ANONYMOUS if anonymous else None)
        for i, (quad, source, target, cameo) in enumerate(events)
    )
    article = Article(id=article_id, text=f"Text of {article_id}.", date=day, outlet=f"Outlet {article_id}")
    store.add(CodedArticle(article, (), (), (), built))


def background(store: Store, weeks: int) -> None:
    """Steady news about other countries: four cooperation events a week in two articles."""
    for n in range(weeks):
        for k in range(2):
            add_article(
                store,
                f"bg{n}-{k}",
                week(n, k),
                [(1, FRANCE, GERMANY, f"04{k}"), (1, GERMANY, FRANCE, f"05{k}")],
            )


def conflict_week(store: Store, n: int, articles: int, per_article: int, *, anonymous: bool = False) -> None:
    """Material conflict between Iran and the US in week `n`, spread over distinct days and codes."""
    for a in range(articles):
        codes = [CONFLICT_CODES[(a * per_article + i) % len(CONFLICT_CODES)] for i in range(per_article)]
        add_article(
            store,
            f"irn{n}-{a}",
            week(n, a % 5),
            [
                (4, IRAN if i % 2 == 0 else USA, USA if i % 2 == 0 else IRAN, code)
                for i, code in enumerate(codes)
            ],
            anonymous=anonymous and a == 0,
        )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "warn.duckdb") as opened:
        yield opened


# -- series --------------------------------------------------------------------------------------


def test_series_counts_by_quad_class_and_normalises_by_volume(store: Store) -> None:
    background(store, 3)
    add_article(
        store, "a1", week(1, 2), [(3, IRAN, USA, "138"), (4, USA, IRAN, "190"), (1, USA, IRAN, "010")]
    )
    weekly = series(store, dyad="IRN-USA", by="week")
    assert [point.period for point in weekly] == [week(0), week(1), week(2)]
    middle = weekly[1]
    assert (middle.events, middle.verbal_conflict, middle.material_conflict) == (1, 1, 0)
    assert middle.total_events == 7  # four background events and the three of a1
    assert middle.to_dict()["events_per_1k"] == pytest.approx(1000 / 7, abs=1e-3)
    both = series(store, dyad="IRN-USA", by="week", both_directions=True)[1]
    assert (both.events, both.material_conflict, both.verbal_cooperation) == (3, 1, 1)
    assert both.goldstein_sum == pytest.approx(-12.0)
    assert both.goldstein_mean == pytest.approx(-4.0)
    assert both.material_conflict_share == pytest.approx(1 / 3)
    assert both.articles == 1
    daily = series(store, actor="IRN", by="day", since=week(1), until=week(1, 6))
    assert len(daily) == 7 and sum(point.events for point in daily) == 3
    assert daily[0].to_dict()["goldstein_mean"] is None and daily[2].events == 3
    frame = store.series_frame(dyad="IRN-USA", by="week", both_directions=True)
    assert list(frame["events"]) == [0, 3, 0]


def test_a_story_repeated_by_many_articles_counts_once(store: Store) -> None:
    for k in range(5):  # the same wire story in five outlets
        add_article(store, f"wire{k}", week(0, 1), [(4, IRAN, USA, "190")])
    point = series(store, dyad="IRN-USA", by="week")[0]
    assert (point.events, point.material_conflict, point.articles) == (1, 1, 5)


def test_empty_database_unknown_dyad_and_empty_range_give_empty_results(store: Store) -> None:
    assert series(store, dyad="IRN-USA") == []
    assert "holds no events" in warn.empty_reason(store, dyad="IRN-USA")
    assert detect_alerts(store) == []
    background(store, 2)
    assert series(store, dyad="PRK-JPN") == []
    assert "no events for dyad PRK-JPN" in warn.empty_reason(store, dyad="PRK-JPN")
    assert series(store, actor="FRA", since=date(2001, 1, 1), until=date(2001, 2, 1)) == []
    reason = warn.empty_reason(store, actor="FRA", since=date(2001, 1, 1), until=date(2001, 2, 1))
    assert reason.startswith("no dated events between 2001-01-01")
    with pytest.raises(ValueError, match="IRN-USA"):
        series(store, dyad="IRN")


# -- the detector --------------------------------------------------------------------------------


def test_flat_dyad_raises_no_alert(store: Store) -> None:
    background(store, 16)
    for n in range(16):  # one or two material conflict events every week, steadily
        conflict_week(store, n, articles=1, per_article=1 + n % 2)
    assert detect_alerts(store) == []


def test_single_spike_raises_no_alert(store: Store) -> None:
    background(store, 16)
    conflict_week(store, 3, articles=1, per_article=1)
    conflict_week(store, 10, articles=1, per_article=8)  # one noisy article
    conflict_week(store, 13, articles=4, per_article=3)  # one burst week, many articles
    assert detect_alerts(store) == []


def test_sustained_escalation_raises_an_alert_with_evidence(store: Store) -> None:
    background(store, 16)
    for n in range(2, 10):  # talks every week, and one strike
        add_article(store, f"talks{n}", week(n, 3), [(1, IRAN, USA, "040")])
    conflict_week(store, 5, articles=1, per_article=1)
    for n in range(10, 14):
        conflict_week(store, n, articles=3, per_article=2, anonymous=True)
    alerts = detect_alerts(store)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.dyad == "IRN-USA" and alert.by == "week"
    assert alert.start == week(10) and alert.fired == week(11) and alert.end == week(11, 6)
    assert alert.score >= alert.threshold
    assert (alert.events, alert.articles, alert.anonymous) == (12, 6, 4)
    assert alert.moved["material conflict share"] == (0.11, 1.0)  # 1 of 9 events, then all
    assert alert.moved["events per period"] == (1.12, 6.0)
    assert "material conflict share 0.11 → 1.00" in alert.summary
    assert alert.evidence and len(alert.evidence) <= WarnSettings().evidence_limit
    first = alert.evidence[0]
    assert first["sentence"].endswith(").") and first["quad_class"] == 4
    assert any(item["source_chain"] == "a source (anonymous) → the Guardian" for item in alert.evidence)
    stored = store.alerts(dyad="USA-IRN")
    assert [record["alert_id"] for record in stored] == [alert.alert_id]
    assert stored[0]["evidence"] == list(alert.evidence) and stored[0]["detected_at"]
    assert detect_alerts(store) == alerts  # detection again stores nothing new
    assert len(store.alerts()) == 1 and store.alerts(dyad="FRA-DEU") == []
    assert store.alerts(since=week(12)) == [] and len(store.alerts_frame()) == 1
    daily = detect_alerts(store, settings=WarnSettings.for_period("day"), save=False)
    assert daily and all(a.dyad == "IRN-USA" and week(10) <= a.fired <= week(13, 6) for a in daily)


def test_de_escalation_raises_no_escalation_alert(store: Store) -> None:
    background(store, 16)
    for n in range(8):
        conflict_week(store, n, articles=2, per_article=2)
    for n in range(8, 16):  # talks instead of strikes
        add_article(store, f"talks{n}", week(n, 2), [(1, IRAN, USA, "040"), (2, USA, IRAN, "057")])
    assert detect_alerts(store) == []


def test_gdelt_imported_events_are_watched(store: Store) -> None:
    background(store, 16)
    articles, events = [], []
    for n in range(10, 14):
        for a in range(3):
            article = Article(
                id=f"gdelt{n}-{a}", text=f"GDELT {n} {a}", date=week(n, a), url=f"https://x.org/{n}/{a}"
            )
            articles.append(article)
            events += [
                _event(article.id, i, week(n, a), 4, IRAN, USA, CONFLICT_CODES[a * 2 + i]) for i in range(2)
            ]
    assert store.add_imported(articles, events, origin="gdelt") == 24
    assert [alert.dyad for alert in detect_alerts(store)] == ["IRN-USA"]
    assert series(store, dyad="IRN-USA")[13].material_conflict == 6


def test_an_older_database_migrates_to_hold_alerts(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    Store(path).close()
    with duckdb.connect(str(path)) as connection:
        connection.execute("DROP TABLE alerts")
        connection.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with Store(path) as reopened:
        assert reopened.alerts() == []
    with duckdb.connect(str(path), read_only=True) as connection:
        version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
        assert connection.execute("SELECT count(*) FROM alerts").fetchone() == (0,)


def test_backtest_reports_lead_time_and_precision(store: Store, tmp_path: Path) -> None:
    background(store, 16)
    for n in range(10, 14):
        conflict_week(store, n, articles=3, per_article=2 + (n == 13) * 2)
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(
        "# known escalations\ndyad,start,end,label\n"
        "USA-IRN,2019-05-20,2019-06-09,strikes\nFRA-DEU,2019-03-01,2019-03-30,x\n"
    )
    result = warn.backtest(store, episodes=warn.read_episodes(episodes))
    assert [alert["dyad"] for alert in result.alerts] == ["IRN-USA"]
    alert = result.alerts[0]
    assert week(11) <= date.fromisoformat(alert["raised_on"]) <= week(11, 6)
    assert alert["peak"] == week(13).isoformat() and alert["lead_days"] > 0
    assert alert["episodes"] == ["strikes"]
    assert (result.precision, result.recall) == (1.0, 0.5)
    bad = tmp_path / "bad.csv"
    bad.write_text("dyad,start,end\nIRN-USA,2019-05-20,yesterday\n")
    with pytest.raises(warn.InputError, match=r"bad\.csv:2"):
        warn.read_episodes(bad)


# -- the commands --------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tocsin.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture
def escalation_db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.duckdb"
    with Store(path) as opened:
        background(opened, 16)
        for n in range(10, 14):
            conflict_week(opened, n, articles=3, per_article=2, anonymous=True)
    return path


def test_alerts_series_and_backtest_commands(escalation_db: Path, tmp_path: Path) -> None:
    db = str(escalation_db)
    listed = run("alerts", "--db", db, "--dyad", "IRN-USA", "--format", "jsonl")
    assert listed.returncode == 0, listed.stderr
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["dyad"] for r in records] == ["IRN-USA"] and records[0]["evidence"]
    table = run("alerts", "--db", db, "--no-detect")
    assert table.returncode == 0 and "IRN-USA" in table.stdout and "a source (anonymous)" in table.stdout
    none = run("alerts", "--db", db, "--dyad", "PRK-JPN")
    assert none.returncode == 0 and "no events for dyad PRK-JPN" in none.stderr
    plot = tmp_path / "irn-usa.png"
    printed = run(
        "series", "--db", db, "--dyad", "IRN-USA", "--both-directions", "-f", "jsonl", "--plot", str(plot)
    )
    assert printed.returncode == 0, printed.stderr
    points = [json.loads(line) for line in printed.stdout.splitlines()]
    assert len(points) == 16 and points[13]["material_conflict"] == 6
    assert plot.read_bytes().startswith(b"\x89PNG")
    empty = run("series", "--db", db, "--dyad", "IRN-USA", "--since", "2001-01-01", "--until", "2001-12-31")
    assert empty.returncode == 0 and "no dated events between 2001-01-01" in empty.stderr
    bad = run("series", "--db", db, "--dyad", "IRN")
    assert bad.returncode == 2 and "IRN-USA" in bad.stderr
    episodes = tmp_path / "episodes.csv"
    episodes.write_text("dyad,start,end,label\nIRN-USA,2019-05-13,2019-06-02,strikes\n")
    replay = run("backtest", "--db", db, "--episodes", str(episodes), "-f", "jsonl")
    assert replay.returncode == 0, replay.stderr
    result = json.loads(replay.stdout)
    assert result["precision"] == 1.0 and result["recall"] == 1.0
    assert result["alerts"][0]["lead_days"] == -8  # flat weeks of strikes: the first is the peak
    shown = run("backtest", "--db", db, "--episodes", str(episodes))
    assert "precision 1.00, recall 1.00" in shown.stdout


def test_commands_on_an_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    Store(db).close()
    result = run("series", "--dyad", "IRN-USA", "--db", str(db))
    assert result.returncode == 0 and "empty series: the database holds no events" in result.stderr
    with Store(db) as store:
        assert warn.backtest(store).days == 0 and store.alerts() == []
    missing = run("alerts", "--db", str(tmp_path / "missing.duckdb"))
    assert missing.returncode == 2 and "no such database" in missing.stderr


def _news_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "strike.txt").write_text(
        "US strikes Iranian forces\nDate: 2019-05-16\n\n"
        "The United States attacked Iranian forces near Basra on Wednesday, officials said.\n"
    )
    return folder


def test_watch_runs_cycles_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    db = tmp_path / "watch.duckdb"
    folder = _news_folder(tmp_path)
    once = run("watch", str(folder), "--db", str(db), "--cycles", "1", "--every", "1s")
    assert once.returncode == 0, once.stderr
    assert "cycle 1: 1 articles stored" in once.stderr
    bad = run("watch", str(folder), "--db", str(db), "--every", "soon")
    assert bad.returncode == 2 and "--every" in bad.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "tocsin.cli", "watch", str(folder), "--db", str(db), "--every", "1h"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    assert "cycle 1: 0 articles stored" in line
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 0 and "stopped after 1 cycles" in rest and "Traceback" not in rest
