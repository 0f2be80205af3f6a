"""Tests for the web layer's queries, over a real DuckDB file holding the bundled examples (coded by
the real pipeline) and a hand-built article whose events cover every filter.

`build_web_database` is also used by the API tests (`test_api.py`, `test_api_schema.py`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from tocsin.errors import StoreError
from tocsin.ingest import read_paths
from tocsin.pipeline import code_articles
from tocsin.store import Store
from tocsin.types import (
    ActorMention,
    Alert,
    Article,
    Attribution,
    CodedArticle,
    Event,
    Location,
    Quote,
    Speaker,
)
from tocsin.warn import series as warn_series
from tocsin.web import queries
from tocsin.web.queries import EventFilter

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

HAND_ID = "hand000000000001"
HAND_OUTLET = "Hand Wire"
HAND_TEXT = (
    "Tehran threatened Israel with retaliation, a source said.\n\n"
    "Israel struck Iranian forces in Iraq.\n\n"
    "The United States praised Iran."
)
ANONYMOUS = Speaker("a source", anonymous=True, kind="anonymous")


def _sentence(index: int) -> tuple[str, int]:
    sentence = HAND_TEXT.split("\n\n")[index]
    return sentence, HAND_TEXT.index(sentence)


def _mention(phrase: str, code: str, after: int = 0) -> ActorMention:
    start = HAND_TEXT.index(phrase, after)
    return ActorMention(phrase, start, start + len(phrase), code=code, country=code[:3], kind="country")


def _hand_event(
    index: int,
    event_id: str,
    source: ActorMention,
    target: ActorMention,
    cameo: str,
    quad_class: int,
    goldstein: float,
    day: date | None,
    predicate: str,
    *,
    speaker: Speaker | None = None,
    location: Location | None = None,
) -> Event:
    sentence, start = _sentence(index)
    at = HAND_TEXT.index(predicate, start)
    return Event(
        event_id=event_id,
        article_id=HAND_ID,
        date=day,
        sentence_index=index,
        sentence=sentence,
        span=(start, start + len(sentence)),
        source=source,
        target=target,
        cameo=cameo,
        cameo_root=cameo[:2],
        quad_class=quad_class,
        goldstein=goldstein,
        attribution=Attribution(speaker=speaker, cue="say" if speaker else None, via=(HAND_OUTLET,)),
        location=location,
        predicate=predicate,
        predicate_span=(at, at + len(predicate)),
        date_basis="article" if day else "none",
    )


def hand_coded() -> CodedArticle:
    """A hand-built article: an anonymous threat (IRNGOV→ISR, 138), an attack located in Iraq
    (ISR→IRNMIL, 190) and an undated praise (USA→IRN, 051), with a quote from an anonymous source."""
    second = HAND_TEXT.index("Israel struck")
    tehran, israel = _mention("Tehran", "IRNGOV"), _mention("Israel", "ISR")
    striker, forces = _mention("Israel", "ISR", second), _mention("Iranian forces", "IRNMIL")
    usa, iran = _mention("The United States", "USA"), _mention("Iran", "IRN", HAND_TEXT.index("praised"))
    iraq = Location(
        "Iraq", country="IRQ", method="governed: in Iraq", lat=33.0, lon=44.0, precision="country"
    )
    events = (
        _hand_event(
            0,
            "hand-threat",
            tehran,
            israel,
            "138",
            3,
            -7.0,
            date(2024, 4, 10),
            "threatened",
            speaker=ANONYMOUS,
        ),
        _hand_event(
            1, "hand-attack", striker, forces, "190", 4, -10.0, date(2024, 4, 15), "struck", location=iraq
        ),
        _hand_event(2, "hand-praise", usa, iran, "051", 1, 3.4, None, "praised"),
    )
    quoted = "Tehran threatened Israel with retaliation"
    quote = Quote(
        HAND_ID, 0, quoted, 0, len(quoted), direct=False, speaker=ANONYMOUS, cue="say", via=(HAND_OUTLET,)
    )
    article = Article(
        id=HAND_ID, text=HAND_TEXT, title="Threats and strikes", date=date(2024, 4, 16), outlet=HAND_OUTLET
    )
    return CodedArticle(article, (), (tehran, israel, striker, forces, usa, iran), (quote,), events)


def _alert(alert_id: str, dyad: str, fired: date) -> Alert:
    evidence = {
        "event_id": "hand-attack",
        "date": "2024-04-15",
        "source": "ISR",
        "target": "IRNMIL",
        "cameo": "190",
        "quad_class": 4,
        "goldstein": -10.0,
        "sentence": "Israel struck Iranian forces in Iraq.",
        "source_chain": "article's own voice → Hand Wire",
        "anonymous": False,
        "num_articles": 1,
        "article_id": HAND_ID,
        "article": {"title": "Threats and strikes", "url": None, "outlet": HAND_OUTLET},
    }
    return Alert(
        alert_id=alert_id,
        dyad=dyad,
        by="week",
        start=fired,
        fired=fired,
        end=fired,
        score=4.5,
        threshold=4.0,
        events=3,
        articles=2,
        anonymous=1,
        moved={"material conflict share": (0.1, 0.6)},
        evidence=(evidence,),
    )


ALERTS = (
    _alert("alert-irn-isr-1", "IRN-ISR", date(2024, 4, 8)),
    _alert("alert-irn-isr-2", "IRN-ISR", date(2024, 4, 15)),
    _alert("alert-mli-ner", "MLI-NER", date(2021, 3, 15)),
)


def build_web_database(path: Path, nlp: Language | None) -> Path:
    """Write a tocsin database at `path`: the bundled examples coded by the real pipeline (unless
    `nlp` is None), the hand-built article and three alerts. Returns `path`."""
    with Store(path) as store:
        if nlp is not None:
            articles = [item for item in read_paths([EXAMPLES]) if isinstance(item, Article)]
            store.add_batch(list(code_articles(articles, nlp=nlp)))
        store.add_batch([hand_coded()])
        store.add_alerts(list(ALERTS))
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Iterator[Store]:
    path = build_web_database(tmp_path_factory.mktemp("web") / "web.duckdb", nlp)
    with Store(path, read_only=True) as opened:
        yield opened


@pytest.fixture(scope="module")
def everything(store: Store) -> list[dict[str, Any]]:
    """Every stored event as a `list_events` item."""
    page = queries.list_events(store, EventFilter(), limit=500)
    assert page["total"] == len(page["items"]) == store.counts()["events"]
    return page["items"]


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["event_id"] for item in items]


# -- filters -------------------------------------------------------------------------------------


def _starts(actor: dict[str, Any] | None, prefix: str) -> bool:
    return bool(actor and actor.get("code") and actor["code"].upper().startswith(prefix))


FILTER_CASES: list[tuple[dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
    ({"actor": "irn"}, lambda e: _starts(e["source"], "IRN") or _starts(e["target"], "IRN")),
    ({"actor": "IRNGOV"}, lambda e: _starts(e["source"], "IRNGOV") or _starts(e["target"], "IRNGOV")),
    (
        {"dyad": "ISR-IRN"},
        lambda e: (
            (_starts(e["source"], "ISR") and _starts(e["target"], "IRN"))
            or (_starts(e["source"], "IRN") and _starts(e["target"], "ISR"))
        ),
    ),
    ({"root": "13"}, lambda e: e["cameo_root"] == "13"),
    ({"root": "1"}, lambda e: e["cameo_root"] == "01"),
    ({"quad_class": 4}, lambda e: e["quad_class"] == 4),
    ({"since": date(2021, 1, 1)}, lambda e: e["date"] is not None and e["date"] >= "2021-01-01"),
    ({"until": date(2021, 1, 1)}, lambda e: e["date"] is not None and e["date"] <= "2021-01-01"),
    ({"outlet": "hand WIRE"}, lambda e: (e["article"]["outlet"] or "").lower() == "hand wire"),
    (
        {"anonymous": True},
        lambda e: bool(e["attribution"]["speaker"] and e["attribution"]["speaker"]["anonymous"]),
    ),
    ({"country": "irq"}, lambda e: bool(e["location"] and e["location"]["country"] == "IRQ")),
    ({"text": "THREATENED"}, lambda e: "threatened" in e["sentence"].lower()),
]


@pytest.mark.parametrize(("given", "keeps"), FILTER_CASES, ids=[str(case[0]) for case in FILTER_CASES])
def test_each_filter_keeps_exactly_the_matching_events(
    store: Store,
    everything: list[dict[str, Any]],
    given: dict[str, Any],
    keeps: Callable[[dict[str, Any]], bool],
) -> None:
    expected = [event["event_id"] for event in everything if keeps(event)]
    assert 0 < len(expected) < len(everything)  # the filter has something to keep and to drop
    page = queries.list_events(store, EventFilter(**given), limit=500)
    assert _ids(page["items"]) == expected
    assert page["total"] == len(expected)


def test_filters_combine_with_and(store: Store) -> None:
    page = queries.list_events(store, EventFilter(actor="IRN", quad_class=4, country="IRQ"), limit=500)
    assert _ids(page["items"]) == ["hand-attack"]


def test_events_are_newest_first_with_undated_last(everything: list[dict[str, Any]]) -> None:
    dates = [event["date"] for event in everything]
    dated = [day for day in dates if day is not None]
    assert dated == sorted(dated, reverse=True)
    assert dates[-1] is None and dates.index(None) == len(dated)


def test_pages_are_consecutive_slices_with_one_total(store: Store, everything: list[dict[str, Any]]) -> None:
    collected: list[str] = []
    for offset in range(0, len(everything) + 3, 3):
        page = queries.list_events(store, EventFilter(), limit=3, offset=offset)
        assert page["total"] == len(everything) and (page["limit"], page["offset"]) == (3, offset)
        collected += _ids(page["items"])
    assert collected == _ids(everything)


def test_an_event_carries_its_article_and_source_chain(store: Store) -> None:
    event = queries.get_event(store, "hand-threat")
    assert event is not None
    assert event["article"] == {
        "id": HAND_ID,
        "title": "Threats and strikes",
        "outlet": HAND_OUTLET,
        "url": None,
        "date": "2024-04-16",
    }
    assert event["source_chain"] == "a source (anonymous) → Hand Wire"
    assert event["cameo"] == "138" and event["source"]["code"] == "IRNGOV"
    assert queries.get_event(store, "no-such-event") is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"actor": "IRN' OR 1=1 --"}, "actor"),
        ({"dyad": "IRN"}, "dyad"),
        ({"dyad": "IRN-US A"}, "dyad"),
        ({"root": "21"}, "root"),
        ({"root": "ab"}, "root"),
        ({"quad_class": 5}, "quad_class"),
        ({"quad_class": True}, "quad_class"),
        ({"country": "IR"}, "country"),
        ({"since": date(2024, 2, 1), "until": date(2024, 1, 1)}, "after"),
        ({"text": "x" * 201}, "text"),
    ],
)
def test_invalid_filters_say_which_and_why(given: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EventFilter(**given)


def test_filters_are_normalised_and_empty_strings_mean_no_filter() -> None:
    given = EventFilter(actor=" irngov ", dyad="irn-usa", root="4", country="irq", outlet=" ", text="")
    assert (given.actor, given.dyad, given.root, given.country) == ("IRNGOV", "IRN-USA", "04", "IRQ")
    assert given.outlet is None and given.text is None


def test_filters_parse_from_strings_and_round_trip() -> None:
    parsed = EventFilter.parse(
        {"actor": "IRN", "quad_class": "4", "since": "2024-01-01", "anonymous": "on", "page": "2"}
    )
    assert parsed == EventFilter(actor="IRN", quad_class=4, since=date(2024, 1, 1), anonymous=True)
    assert EventFilter.parse(dict(parsed.to_params())) == parsed
    for bad in ({"since": "yesterday"}, {"quad_class": "four"}, {"anonymous": "maybe"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            EventFilter.parse(bad)


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (501, 0), (10, -1)])
def test_page_bounds_are_checked(store: Store, limit: int, offset: int) -> None:
    with pytest.raises(ValueError, match=r"limit|offset"):
        queries.list_events(store, EventFilter(), limit=limit, offset=offset)


# -- articles and quotes -------------------------------------------------------------------------


def test_article_spans_are_offsets_into_its_text(store: Store) -> None:
    coded = [a for a in store.articles() if a["id"] != HAND_ID]
    assert coded, "the examples were coded"
    for meta in coded:
        article = queries.get_article(store, meta["id"])
        assert article is not None
        text = article["text"]
        assert article["mentions"] and article["events"] and article["quotes"]
        for mention in article["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
        for event in article["events"]:
            start, end = event["span"]
            assert text[start:end] == event["sentence"]
            start, end = event["predicate"]["span"]
            assert text[start:end] == event["predicate"]["text"]
            assert event["article"]["id"] == meta["id"]
        for quote in article["quotes"]:
            start, end = quote["span"]
            assert text[start:end].strip(" ,.") == quote["text"].strip(" ,.")
        positions = [(e["sentence_index"], e["predicate"]["span"][0]) for e in article["events"]]
        assert positions == sorted(positions)


def test_unknown_article_is_none(store: Store) -> None:
    assert queries.get_article(store, "0000000000000000") is None


def test_quotes_filter_by_article_speaker_and_anonymity(store: Store) -> None:
    every = queries.list_quotes(store, limit=500)
    assert every["total"] == len(every["items"]) == store.counts()["quotes"]
    assert every["items"][0]["article"]["id"] == HAND_ID  # the newest article comes first
    anonymous = queries.list_quotes(store, anonymous=True, limit=500)["items"]
    assert anonymous and all(q["speaker"]["anonymous"] for q in anonymous)
    assert len(anonymous) < len(every["items"])
    mine = queries.list_quotes(store, article_id=HAND_ID)["items"]
    assert [q["text"] for q in mine] == ["Tehran threatened Israel with retaliation"]
    pompeo = queries.list_quotes(store, speaker="pompeo")["items"]
    assert pompeo and all("pompeo" in q["speaker"]["text"].lower() for q in pompeo)
    second = queries.list_quotes(store, limit=2, offset=2)
    assert second["items"] == every["items"][2:4]


# -- aggregates ----------------------------------------------------------------------------------


def test_top_dyads_count_directed_full_code_pairs(store: Store, everything: list[dict[str, Any]]) -> None:
    dyads = queries.top_dyads(store, EventFilter(), limit=500)
    counts = [row["events"] for row in dyads]
    assert counts == sorted(counts, reverse=True)
    expected: dict[str, int] = {}
    for event in everything:
        if event["source"]["code"] and event["target"] and event["target"]["code"]:
            key = f"{event['source']['code']}-{event['target']['code']}"
            expected[key] = expected.get(key, 0) + 1
    assert {row["dyad"]: row["events"] for row in dyads} == expected
    attack = next(row for row in dyads if row["dyad"] == "ISR-IRNMIL")
    assert attack == {
        "dyad": "ISR-IRNMIL",
        "source": "ISR",
        "target": "IRNMIL",
        "events": 1,
        "conflict_share": 1.0,
        "goldstein_mean": -10.0,
        "first_date": "2024-04-15",
        "last_date": "2024-04-15",
    }
    assert [row["dyad"] for row in queries.top_dyads(store, EventFilter(outlet=HAND_OUTLET))] == [
        "IRNGOV-ISR",
        "ISR-IRNMIL",
        "USA-IRN",
    ]
    assert len(queries.top_dyads(store, EventFilter(), limit=2)) == 2


@pytest.mark.parametrize("by", ["day", "week"])
def test_volume_counts_every_dated_event_in_contiguous_periods(
    store: Store, everything: list[dict[str, Any]], by: str
) -> None:
    points = queries.volume(store, EventFilter(), by=by)
    assert sum(p["events"] for p in points) == sum(1 for e in everything if e["date"])
    assert sum(p["conflict"] + p["cooperation"] for p in points) == sum(p["events"] for p in points)
    days = [date.fromisoformat(p["period"]) for p in points]
    step = 7 if by == "week" else 1
    assert all((b - a).days == step for a, b in itertools.pairwise(days))
    if by == "week":
        assert all(day.weekday() == 0 for day in days)
    hand = queries.volume(store, EventFilter(outlet=HAND_OUTLET), by=by)
    busy = [(p["period"], p["events"], p["articles"], p["conflict"]) for p in hand if p["events"]]
    first = "2024-04-08" if by == "week" else "2024-04-10"  # 2024-04-15 is a Monday
    assert busy == [(first, 1, 1, 1), ("2024-04-15", 1, 1, 1)]
    assert len(hand) == (2 if by == "week" else 6)


def test_series_is_the_early_warning_series(store: Store) -> None:
    rows = queries.series(store, dyad="isr-irn", by="week", since=date(2024, 4, 1), until=date(2024, 4, 30))
    points = warn_series(
        store,
        dyad="ISR-IRN",
        by="week",
        since=date(2024, 4, 1),
        until=date(2024, 4, 30),
        both_directions=True,
    )
    assert rows == [point.to_dict() for point in points]
    assert sum(row["events"] for row in rows) == 2
    one_way = queries.series(store, dyad="ISR-IRN", since=date(2024, 4, 1), both_directions=False)
    assert sum(row["events"] for row in one_way) == 1
    with pytest.raises(ValueError, match="dyad"):
        queries.series(store, dyad="IRN")
    with pytest.raises(ValueError, match="narrow"):
        queries.series(store, by="day", since=date(1, 1, 1))
    with pytest.raises(ValueError, match="by"):
        queries.series(store, by="month")


def test_alerts_are_paged_latest_first_and_filter_by_dyad(store: Store) -> None:
    page = queries.alerts(store)
    assert [a["alert_id"] for a in page["items"]] == ["alert-irn-isr-2", "alert-irn-isr-1", "alert-mli-ner"]
    assert page["total"] == 3
    assert [a["alert_id"] for a in queries.alerts(store, dyad="isr-irn")["items"]] == [
        "alert-irn-isr-2",
        "alert-irn-isr-1",
    ]
    assert [a["alert_id"] for a in queries.alerts(store, limit=1, offset=1)["items"]] == ["alert-irn-isr-1"]
    assert queries.alerts(store, since=date(2025, 1, 1))["items"] == []
    with pytest.raises(ValueError, match="dyad"):
        queries.alerts(store, dyad="IRN")


def test_search_finds_titles_texts_and_sentences_ignoring_case(store: Store) -> None:
    found = queries.search(store, "TANKERS")
    assert [a["title"] for a in found["articles"]] == [
        "US blames Iran for tanker attacks as Tehran denies any role"
    ]
    assert "tankers" in found["articles"][0]["snippet"].lower()
    assert found["events"] and all("tankers" in e["sentence"].lower() for e in found["events"])
    assert queries.search(store, "%")["articles"] == []  # no LIKE wildcards
    assert queries.search(store, "_")["events"] == []
    with pytest.raises(ValueError, match="q"):
        queries.search(store, "  ")


def test_overview_and_health_count_what_is_stored(store: Store) -> None:
    counts = store.counts()
    summary = queries.overview(store)
    assert summary["counts"] == {
        "articles": counts["articles"],
        "events": counts["events"],
        "quotes": counts["quotes"],
        "alerts": 3,
    }
    assert (summary["first_date"], summary["last_date"]) == ("2019-06-13", "2024-04-15")
    assert [a["alert_id"] for a in summary["alerts"]][:1] == ["alert-irn-isr-2"]
    assert summary["top_dyads"] == queries.top_dyads(store, EventFilter(), limit=10)
    health = queries.health(store)
    assert health["status"] == "ok" and health["counts"]["alerts"] == 3


def test_a_record_cache_gives_the_same_items_and_forgets_the_oldest(
    store: Store, everything: list[dict[str, Any]]
) -> None:
    cache = queries.RecordCache(max_entries=5)
    for offset in (0, 5, 0):
        page = queries.list_events(store, EventFilter(), limit=5, offset=offset, cache=cache)
        assert page["items"] == everything[offset : offset + 5]
    page["items"][0]["article"]["title"] = "changed by a caller"
    page["items"][0]["source"]["code"] = "XXX"
    again = queries.list_events(store, EventFilter(), limit=5, cache=cache)["items"]
    assert again == everything[:5]  # what a caller does to its items never reaches the cache
    assert len(cache.get("events", [e["event_id"] for e in everything])) == 5
    assert queries.get_events(store, ["hand-praise", "nope", "hand-threat"], cache=cache) == [
        queries.get_event(store, "hand-praise"),
        queries.get_event(store, "hand-threat"),
    ]


# -- the store behind the web layer --------------------------------------------------------------


def test_a_cursor_store_shares_the_database_and_closes_only_its_cursor(tmp_path: Path) -> None:
    with Store(tmp_path / "shared.duckdb") as owner:
        reader = owner.cursor_store(read_only=True)
        writer = owner.cursor_store()
        assert writer.add(hand_coded()) is True
        assert [e["event_id"] for e in reader.events(actor="ISR")] == ["hand-threat", "hand-attack"]
        with pytest.raises(StoreError, match="read-only"):
            reader.add(hand_coded())
        reader.close()
        writer.close()
        assert owner.counts()["events"] == 3  # the owner's connection is still open
        with pytest.raises(StoreError, match="closed"):
            reader.counts()


def test_places_count_located_events_by_place(store: Store, everything: list[dict[str, Any]]) -> None:
    located = [e for e in everything if e["location"] and e["location"]["country"]]
    found = queries.places(store, EventFilter())
    assert sum(place["events"] for place in found) == len(located)
    assert [place["events"] for place in found] == sorted((p["events"] for p in found), reverse=True)
    iraq = queries.places(store, EventFilter(outlet=HAND_OUTLET, country="IRQ"))
    assert [(place["country"], place["events"]) for place in iraq] == [("IRQ", 1)]
    assert queries.places(store, EventFilter(country="NZL")) == []
    with pytest.raises(ValueError):
        queries.places(store, EventFilter(), limit=0)
