"""Tests for the store stage, against a real DuckDB file in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tocsin.errors import StoreError
from tocsin.store import SCHEMA_VERSION, Store
from tocsin.types import (
    ActorMention,
    Article,
    Attribution,
    CodedArticle,
    Event,
    Location,
    Quote,
    Rejection,
    Speaker,
)

IRAN_GOV = ActorMention("Tehran", 0, 6, code="IRNGOV", country="IRN", role="GOV", kind="government")
IRAN_MIL = ActorMention("Iranian forces", 0, 14, code="IRNMIL", country="IRN", role="MIL")
ISRAEL = ActorMention("Israel", 20, 26, code="ISR", country="ISR", kind="country")
IRAQ = ActorMention("Iraq", 30, 34, code="IRQ", country="IRQ", kind="country")
UNCODED = ActorMention("protesters", 0, 10, kind="group", rule="unmatched")


def make_event(
    event_id: str,
    article_id: str,
    *,
    day: date | None = date(2024, 4, 14),
    sentence_index: int = 0,
    source: ActorMention = IRAN_GOV,
    target: ActorMention | None = ISRAEL,
    attribution: Attribution | None = None,
    location: Location | None = None,
) -> Event:
    return Event(
        event_id=event_id,
        article_id=article_id,
        date=day,
        sentence_index=sentence_index,
        sentence="Tehran threatened Israel with retaliation.",
        span=(0, 42),
        source=source,
        target=target,
        cameo="138",
        cameo_root="13",
        quad_class=3,
        goldstein=-7.0,
        attribution=attribution or Attribution(),
        location=location,
        predicate="threatened",
        predicate_span=(7, 17),
        plover_type="THREATEN",
        plover_mode="military",
        confidence=0.81234,
        modality="threatened",
        date_basis="article" if day else "none",
        extras={"note": "not part of the contract"},
    )


def make_coded(
    article_id: str,
    events: tuple[Event, ...] = (),
    *,
    day: date | None = date(2024, 4, 14),
    quotes: tuple[Quote, ...] = (),
) -> CodedArticle:
    article = Article(
        id=article_id,
        text=f"Text of {article_id}. Tehran threatened Israel with retaliation.",
        title=f"Title {article_id}",
        date=day,
        url=f"https://example.org/{article_id}",
        outlet="Example News",
        origin=f"feeds/{article_id}.html",
        authors=("A. Writer", "B. Editor"),
        language="en",
    )
    return CodedArticle(
        article=article,
        sentences=(),
        mentions=(IRAN_GOV, ISRAEL),
        quotes=quotes,
        events=events,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "events.duckdb"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


def test_add_then_readd_returns_false_and_changes_nothing(store: Store) -> None:
    coded = make_coded("a1", (make_event("a1-0", "a1"), make_event("a1-1", "a1")))

    assert store.add(coded) is True
    before = store.counts()
    assert before == {"articles": 1, "events": 2, "quotes": 0, "mentions": 2, "rejections": 0}
    assert store.has_article("a1")

    assert store.add(coded) is False
    assert store.counts() == before


def test_events_round_trip_equals_to_dict(store: Store) -> None:
    rich = make_event(
        "a1-0",
        "a1",
        attribution=Attribution(
            speaker=Speaker("a senior official", anonymous=True, kind="anonymous"),
            cue="said",
            via=("Reuters", "Example News"),
            quoted=True,
        ),
        location=Location("Isfahan", "IRN", method="gazetteer"),
    )
    bare = make_event("a1-1", "a1", day=None, sentence_index=1, source=UNCODED, target=None)
    store.add(make_coded("a1", (rich, bare)))

    assert store.events() == [rich.to_dict(), bare.to_dict()]


def test_events_keep_flat_queryable_columns(db_path: Path) -> None:
    attribution = Attribution(speaker=Speaker("Ali Vaez", code="IRN"), cue="said", via=("AFP",))
    with Store(db_path) as store:
        store.add(make_coded("a1", (make_event("a1-0", "a1", attribution=attribution),)))

    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(
            "SELECT date, source_code, target_code, cameo_root, speaker_text, speaker_anonymous, "
            "via, quoted, predicate_start, predicate_end FROM events"
        ).fetchone()
    assert row == (
        date(2024, 4, 14),
        "IRNGOV",
        "ISR",
        "13",
        "Ali Vaez",
        False,
        ["AFP"],
        False,
        7,
        17,
    )


def test_events_ordered_by_date_article_sentence_id(store: Store) -> None:
    store.add(make_coded("b", (make_event("b-1", "b", sentence_index=1), make_event("b-0", "b"))))
    store.add(make_coded("a", (make_event("a-0", "a", day=date(2024, 4, 15)),)))
    store.add(make_coded("c", (make_event("c-0", "c", day=None),)))
    store.add(make_coded("d", (make_event("d-0", "d", day=date(2024, 4, 1)),)))

    ids = [event["event_id"] for event in store.events()]

    assert ids == ["d-0", "b-0", "b-1", "a-0", "c-0"]


def test_events_filter_by_actor_prefix(store: Store) -> None:
    store.add(
        make_coded(
            "a1",
            (
                make_event("gov-isr", "a1", source=IRAN_GOV, target=ISRAEL),
                make_event("mil-irq", "a1", source=IRAN_MIL, target=IRAQ),
                make_event("isr-gov", "a1", source=ISRAEL, target=IRAN_GOV),
                make_event("irq-none", "a1", source=IRAQ, target=None),
            ),
        )
    )

    def ids(actor: str) -> set[str]:
        return {event["event_id"] for event in store.events(actor=actor)}

    assert ids("IRN") == {"gov-isr", "mil-irq", "isr-gov"}
    assert ids("IRNGOV") == {"gov-isr", "isr-gov"}
    assert ids("irnmil") == {"mil-irq"}
    assert ids("IRQ") == {"mil-irq", "irq-none"}
    assert ids("USA") == set()


def test_events_filter_by_date_range_and_limit(store: Store) -> None:
    for n, day in enumerate((date(2024, 4, 1), date(2024, 4, 10), date(2024, 4, 20), None)):
        store.add(make_coded(f"a{n}", (make_event(f"e{n}", f"a{n}", day=day),), day=day))

    def ids(**filters: Any) -> list[str]:
        return [event["event_id"] for event in store.events(**filters)]

    assert ids(since=date(2024, 4, 10)) == ["e1", "e2"]
    assert ids(until=date(2024, 4, 10)) == ["e0", "e1"]
    assert ids(since=date(2024, 4, 2), until=date(2024, 4, 19)) == ["e1"]
    assert ids(limit=2) == ["e0", "e1"]
    assert ids(limit=0) == []
    assert ids(actor="IRN", since=date(2024, 4, 20)) == ["e2"]


def test_sql_injection_looking_actor_returns_nothing(store: Store) -> None:
    store.add(make_coded("a1", (make_event("a1-0", "a1"),)))
    before = store.counts()

    for actor in ("X' OR 1=1 --", "'; DROP TABLE events; --", "%", "_RN"):
        assert store.events(actor=actor) == []

    assert store.counts() == before
    assert len(store.events()) == 1


def test_quotes_stored(store: Store) -> None:
    direct = Quote(
        "a1",
        1,
        "We will respond",
        40,
        55,
        direct=True,
        speaker=Speaker("Hossein Amir-Abdollahian", code="IRNGOV", kind="named_official"),
        cue="said",
        via=("IRNA", "Example News"),
    )
    reported = Quote("a1", 0, "that talks had stalled", 5, 27, direct=False)
    other = Quote("a2", 0, "nothing new", 0, 11, direct=False, cue="added")
    store.add(make_coded("a1", quotes=(direct, reported)))
    store.add(make_coded("a2", quotes=(other,)))

    assert store.quotes("a1") == [reported.to_dict(), direct.to_dict()]
    assert store.quotes() == [reported.to_dict(), direct.to_dict(), other.to_dict()]
    assert store.quotes("missing") == []
    assert store.counts()["quotes"] == 3


def test_rejection_stored(store: Store) -> None:
    store.add_rejection(Rejection("feeds/broken.html", "no article text found"))
    store.add_rejection(Rejection("feeds/empty.txt", "empty file"))

    rejections = store.rejections()

    assert [(r["origin"], r["reason"]) for r in rejections] == [
        ("feeds/broken.html", "no article text found"),
        ("feeds/empty.txt", "empty file"),
    ]
    assert all(r["recorded_at"].endswith("+00:00") for r in rejections)
    assert store.counts()["rejections"] == 2


def test_articles_and_article(store: Store) -> None:
    store.add(make_coded("a1", (make_event("a1-0", "a1"), make_event("a1-1", "a1"))))
    store.add(make_coded("a0", day=None))

    listed = store.articles()

    assert [(a["id"], a["events"]) for a in listed] == [("a1", 2), ("a0", 0)]
    assert all("text" not in a for a in listed)
    assert listed[0]["date"] == "2024-04-14"
    assert listed[0]["authors"] == ["A. Writer", "B. Editor"]

    one = store.article("a1")
    assert one is not None
    expected = make_coded("a1").article.to_dict()
    assert {key: one[key] for key in expected} == expected
    assert one["events"] == 2
    assert store.article("missing") is None


def test_duplicate_event_id_rolls_back_the_whole_article(store: Store) -> None:
    store.add(make_coded("a1", (make_event("a1-0", "a1"),)))
    before = store.counts()
    broken = make_coded(
        "a2",
        (make_event("a2-0", "a2"), make_event("a2-0", "a2", sentence_index=1)),
        quotes=(Quote("a2", 0, "words", 0, 5, direct=True),),
    )

    with pytest.raises(StoreError, match="a2"):
        store.add(broken)

    assert store.counts() == before
    assert not store.has_article("a2")
    assert store.quotes("a2") == []
    assert [event["event_id"] for event in store.events()] == ["a1-0"]


def test_failure_mid_add_rolls_back_and_store_stays_usable(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(make_coded("a1", (make_event("a1-0", "a1"),)))
    before = store.counts()
    coded = make_coded("a2", (make_event("a2-0", "a2"),))

    def fail(*args: object) -> None:
        raise RuntimeError("disk on fire")

    with monkeypatch.context() as patch:
        patch.setattr(Store, "_insert_events", fail)
        with pytest.raises(StoreError, match="disk on fire"):
            store.add(coded)

    assert store.counts() == before
    assert not store.has_article("a2")
    assert store.add(coded) is True
    assert [event["event_id"] for event in store.events()] == ["a1-0", "a2-0"]


def test_event_of_another_article_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="belongs to article other"):
        store.add(make_coded("a1", (make_event("a1-0", "other"),)))

    assert store.counts()["articles"] == 0


def test_reopening_the_file_sees_the_data(db_path: Path) -> None:
    event = make_event("a1-0", "a1")
    with Store(db_path) as store:
        store.add(make_coded("a1", (event,), quotes=(Quote("a1", 0, "words", 0, 5, True),)))
        store.add_rejection(Rejection("bad.txt", "unreadable"))

    with Store(db_path) as reopened:
        assert reopened.counts() == {
            "articles": 1,
            "events": 1,
            "quotes": 1,
            "mentions": 2,
            "rejections": 1,
        }
        assert reopened.events() == [event.to_dict()]
        assert reopened.add(make_coded("a1", (event,))) is False

    with Store(db_path, read_only=True) as readonly:
        assert readonly.events() == [event.to_dict()]
        with pytest.raises(StoreError, match="read-only"):
            readonly.add_rejection(Rejection("x", "y"))


def test_non_duckdb_file_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("these are my notes, not a database\n" * 50)

    with pytest.raises(StoreError, match=r"notes\.duckdb"):
        Store(path)


def test_newer_schema_version_raises_store_error(db_path: Path) -> None:
    Store(db_path).close()
    with duckdb.connect(str(db_path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])

    with pytest.raises(StoreError, match="newer tocsin"):
        Store(db_path)


def test_foreign_database_is_not_taken_over(db_path: Path) -> None:
    with duckdb.connect(str(db_path)) as con:
        con.execute("CREATE TABLE events (id INTEGER)")

    with pytest.raises(StoreError, match="not written by tocsin"):
        Store(db_path)


def test_read_only_store_needs_an_existing_schema(db_path: Path) -> None:
    with pytest.raises(StoreError):
        Store(db_path, read_only=True)
    duckdb.connect(str(db_path)).close()
    with pytest.raises(StoreError, match="holds no tocsin data"):
        Store(db_path, read_only=True)


def test_closed_store_raises_store_error(db_path: Path) -> None:
    store = Store(db_path)
    store.close()
    store.close()

    with pytest.raises(StoreError, match="closed"):
        store.events()


def test_person_table_keeps_the_newest_evidence_and_the_dates_seen(tmp_path: Path) -> None:
    from tocsin.ingest import article_from_text
    from tocsin.types import KnownPerson

    def coded_with(text: str, day: date, person: KnownPerson) -> CodedArticle:
        article = article_from_text(text, date=day)
        return CodedArticle(article, (), (), (), (), (person,))

    older = coded_with(
        "Defense Minister Amir Hatami spoke.",
        date(2019, 5, 17),
        KnownPerson(
            "Amir Hatami", "IRNGOV", "IRN", "GOV", "Defense Minister Amir Hatami", "a", date(2019, 5, 17)
        ),
    )
    newer = coded_with(
        "Former minister Amir Hatami spoke.",
        date(2022, 1, 3),
        KnownPerson(
            "Amir Hatami", "IRNELI", "IRN", "ELI", "Former minister Amir Hatami", "b", date(2022, 1, 3)
        ),
    )
    path = tmp_path / "people.duckdb"
    with Store(path) as store:
        assert store.add(newer)
        assert store.add(older)  # an older article arriving later does not overwrite the newer code
        assert not store.add(older)  # stored once: the mention count does not grow on a re-run
    with Store(path, read_only=True) as store:
        person = store.people()["amir hatami"]
    assert person.code == "IRNELI"
    assert person.first_seen == date(2019, 5, 17) and person.seen == date(2022, 1, 3)
    assert person.mentions == 2
    assert person.to_dict()["first_seen"] == "2019-05-17"
