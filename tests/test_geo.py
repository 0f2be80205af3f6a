"""Geolocation: the gazetteer, place resolution with disambiguation, event locations, stored places."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from spacy.language import Language

from tocsin import store as store_module
from tocsin.actors import DocumentActors
from tocsin.evaluate import PLACE_ANNOTATIONS, read_place_gold, read_wikinews_csv, score_places
from tocsin.geo import (
    DocumentPlaces,
    country_centroid,
    country_code,
    fold_name,
    is_latin,
    load_gazetteer,
    lookup_name,
    world_outline,
)
from tocsin.ingest import article_from_text, read_text_file
from tocsin.lexicon import country_table
from tocsin.pipeline import code_article
from tocsin.store import Store
from tocsin.types import Event, Location

REPO = Path(__file__).resolve().parents[1]
WIKINEWS_CSV = REPO.parent / "shared" / "data" / "wikinews" / "wikinews_2019.csv"


def events_of(text: str, nlp: Language) -> list[Event]:
    return list(code_article(article_from_text(text), nlp=nlp).events)


def located(text: str, nlp: Language) -> list[Location]:
    """The locations of a text's events (each event has one; tests pick what they need)."""
    events = events_of(text, nlp)
    assert events, f"no event coded from {text!r}"
    return [event.location for event in events if event.location is not None]


def places_of(text: str, nlp: Language) -> DocumentPlaces:
    doc = nlp(text)
    return DocumentPlaces(doc, DocumentActors(doc).mentions())


# -- the gazetteer ---------------------------------------------------------------------------------


def test_gazetteer_holds_countries_regions_and_cities_with_ids_and_coordinates() -> None:
    gazetteer = load_gazetteer()
    iraq = gazetteer.country("IRQ")
    assert iraq is not None and iraq.geonames_id == 99237 and iraq.precision == "country"
    assert 29 < iraq.lat < 37 and 39 < iraq.lon < 48
    baghdad = lookup_name("Baghdad").candidates[0].place
    assert (baghdad.country, baghdad.precision, baghdad.geonames_id) == ("IRQ", "city", 98182)
    texas = lookup_name("Texas").candidates[0].place
    assert (texas.country, texas.precision, texas.geonames_id) == ("USA", "admin1", 4736286)
    assert len(gazetteer) > 30_000


def test_names_fold_accents_case_and_articles() -> None:
    assert fold_name("Île-de-France") == fold_name("ile de france")
    assert fold_name("the U.S.") == "us"
    assert lookup_name("Kiev").candidates[0].place.name == "Kyiv"  # an alternate name
    assert lookup_name("al-Hodeidah").candidates[0].place.country == "YEM"
    assert lookup_name("Basra province").candidates[0].place.precision == "admin1"


def test_country_centroid_for_exports_and_world_outline() -> None:
    lat, lon = country_centroid("DEU") or (0.0, 0.0)
    assert 47 < lat < 55 and 6 < lon < 15
    assert country_centroid("BHR") is not None  # too small for the outline: its capital
    assert country_centroid("MEA") is None and country_centroid("") is None
    outline = world_outline()
    assert outline["type"] == "FeatureCollection" and len(outline["features"]) > 150
    codes = {feature["properties"]["iso3"] for feature in outline["features"]}
    assert {"IRQ", "USA", "FRA", "NOR"} <= codes
    size = (REPO / "src" / "tocsin" / "data" / "world_outline.geojson").stat().st_size
    assert size < 1_000_000


def test_country_code_reads_codes_and_names() -> None:
    assert country_code("irq") == "IRQ"
    assert country_code("Iraq") == "IRQ"
    assert country_code("Atlantis") is None


# -- disambiguation --------------------------------------------------------------------------------


def test_paris_in_an_article_about_texas(nlp: Language) -> None:
    places = places_of(
        "The Lamar County sheriff said the storm hit Paris on Monday. Residents of Tyler and "
        "Dallas in Texas drove north to help.",
        nlp,
    )
    paris = next(m for m in places.mentions if m.text == "Paris")
    assert paris.place is not None and paris.place.country == "USA" and paris.place.admin1 == "Texas"


def test_paris_qualified_by_its_state(nlp: Language) -> None:
    places = places_of("Protesters gathered in Paris, Texas, on Monday.", nlp)
    paris = next(m for m in places.mentions if m.text == "Paris")
    assert paris.place is not None and paris.place.geonames_id == 4717560
    assert "Texas" in paris.why


def test_paris_alone_is_the_french_capital(nlp: Language) -> None:
    (location,) = located("French police arrested two protesters in Paris on Monday.", nlp)
    assert (location.country, location.precision, location.geonames_id) == ("FRA", "city", 2988507)


def test_georgia_next_to_atlanta_is_the_us_state(nlp: Language) -> None:
    places = places_of("Thousands marched in Atlanta on Saturday. Police in Georgia arrested 20 people.", nlp)
    georgia = next(m for m in places.mentions if m.text == "Georgia")
    assert georgia.place is not None and (georgia.place.country, georgia.precision) == ("USA", "admin1")


def test_georgia_next_to_tbilisi_is_the_country(nlp: Language) -> None:
    places = places_of(
        "Russian troops shelled villages near Tbilisi. Police in Georgia arrested 20 people.", nlp
    )
    georgia = next(m for m in places.mentions if m.text == "Georgia")
    assert georgia.place is not None and (georgia.place.country, georgia.precision) == ("GEO", "country")


def test_actor_countries_disambiguate(nlp: Language) -> None:
    places = places_of("Lebanese soldiers clashed with gunmen in Tripoli, north of Beirut, on Sunday.", nlp)
    tripoli = next(m for m in places.mentions if m.text == "Tripoli")
    assert tripoli.place is not None and tripoli.place.country == "LBN"
    places = places_of("Libyan militias clashed with gunmen in Tripoli on Sunday.", nlp)
    tripoli = next(m for m in places.mentions if m.text == "Tripoli")
    assert tripoli.place is not None and tripoli.place.country == "LBY"


def test_dateline_resolves_and_places_events(nlp: Language) -> None:
    places = places_of("BAGHDAD (Reuters) - Iraqi police arrested ten protesters on Monday.", nlp)
    assert places.dateline is not None and places.dateline.place is not None
    assert places.dateline.place.geonames_id == 98182
    (location,) = located("BAGHDAD (Reuters) - Iraqi police arrested ten protesters on Monday.", nlp)
    assert location.method.startswith("dateline:") and location.name == "Baghdad"


# -- where an event happened -----------------------------------------------------------------------


def test_governed_place_in(nlp: Language) -> None:
    (location,) = located("Turkish troops killed 12 fighters in northern Syria.", nlp)
    assert location.country == "SYR" and location.precision == "country"
    assert location.method.startswith("governed: 'in Syria'")
    assert location.geonames_id == 163843 and location.lat is not None and location.lon is not None


def test_governed_place_near_a_city(nlp: Language) -> None:
    locations = located("Iraqi forces attacked militants near Basra on Tuesday.", nlp)
    assert any(loc.method.startswith("governed: 'near Basra'") for loc in locations)
    basra = next(loc for loc in locations if loc.method.startswith("governed"))
    assert (basra.country, basra.precision, basra.geonames_id) == ("IRQ", "city", 99532)
    assert basra.admin1 is not None


def test_governed_site_on_an_airport(nlp: Language) -> None:
    locations = located("US warplanes launched an airstrike on Baghdad airport, killing a general.", nlp)
    site = next(loc for loc in locations if loc.precision == "site")
    assert site.name == "Baghdad airport" and site.country == "IRQ" and site.geonames_id == 98182


def test_city_of_phrase(nlp: Language) -> None:
    (location,) = located("Militants attacked a police station in the Iraqi city of Mosul.", nlp)
    assert location.name == "Mosul" and location.precision == "city"


def test_sentence_place_when_nothing_is_governed(nlp: Language) -> None:
    locations = located("Police in Basra arrested ten protesters on Monday.", nlp)
    assert locations and locations[0].name.startswith("Basra")
    assert locations[0].method.startswith("sentence:")


def test_actor_country_when_no_place_is_named(nlp: Language) -> None:
    (location,) = located("Iran threatened Israel on Monday.", nlp)
    assert location.method.startswith("target-country:") and location.country == "ISR"
    assert location.precision == "country"


def test_location_json_contract(nlp: Language) -> None:
    (event,) = events_of("Turkish troops killed 12 fighters in northern Syria.", nlp)
    record = event.to_dict()["location"]
    assert set(record) == {"name", "country", "admin1", "lat", "lon", "geonames_id", "precision", "method"}
    json.dumps(record)


# -- bad input -------------------------------------------------------------------------------------


def test_unknown_place_is_unresolved_with_the_reason(nlp: Language) -> None:
    locations = located("Rebels attacked a checkpoint near Xyzzyville, killing three soldiers.", nlp)
    assert locations
    for location in locations:
        assert location.lat is None and location.country is None and location.precision is None
        assert "not in the gazetteer" in location.method


def test_ambiguous_name_has_many_candidates() -> None:
    springfield = lookup_name("Springfield")
    assert len({c.place.key for c in springfield.candidates}) > 3
    assert {c.place.country for c in springfield.candidates} == {"USA"}


def test_ambiguous_city_gives_country_only(nlp: Language) -> None:
    (location,) = located("Police arrested ten people in Springfield.", nlp)
    assert location.country == "USA" and location.precision == "country"
    assert "ambiguous" in location.method


def test_ambiguous_across_countries_gives_no_coordinates_of_a_guess(nlp: Language) -> None:
    places = places_of("Officials said it happened in Georgia.", nlp)
    georgia = next(m for m in places.mentions if m.text == "Georgia")
    assert georgia.place is None and georgia.why.startswith("ambiguous")


def test_non_latin_script_is_unresolved(nlp: Language) -> None:
    assert not is_latin("北京") and is_latin("São Paulo")
    assert "Latin" in lookup_name("Москва").reason
    locations = located("Rebels attacked soldiers in 北京.", nlp)
    assert locations and all(loc.lat is None for loc in locations)
    assert "Latin script" in locations[0].method


def test_multi_country_region_is_not_a_place() -> None:
    assert "several countries" in lookup_name("the Middle East").reason
    assert not lookup_name("Europe").candidates


# -- the founding article --------------------------------------------------------------------------


def test_founding_article_locations(seed_path: Path, nlp: Language) -> None:
    coded = code_article(read_text_file(seed_path), nlp=nlp)
    events = list(coded.events)
    suspension = [e for e in events if e.predicate.startswith("suspending") or "suspending" in e.predicate]
    threat = [e for e in events if e.predicate == "change" or e.predicate.endswith("change")]
    assert suspension and threat
    for event in suspension + threat:
        assert event.location is not None and event.location.country == "IRQ", event.location
        assert event.location.method.startswith("governed:")
    text = coded.article.text
    table = country_table()
    mentioned = {
        entry.country
        for entry in table.entries()
        if entry.country and len(entry.country) == 3 and entry.phrase in text
    } | {m.country for m in coded.mentions if m.country}
    for event in events:
        if event.location is not None and event.location.country is not None:
            assert event.location.country in mentioned, (event.location, sorted(mentioned))


# -- storage, filters and the command line ---------------------------------------------------------

ARTICLES = (
    "Turkish troops killed 12 fighters in northern Syria on Monday.",
    "French police arrested two protesters in Paris on Tuesday.",
    "Iraqi forces attacked militants near Basra on Wednesday.",
)


@pytest.fixture()
def geo_db(tmp_path: Path, nlp: Language) -> Path:
    path = tmp_path / "geo.duckdb"
    with Store(path) as store:
        for text in ARTICLES:
            store.add(code_article(article_from_text(text), nlp=nlp))
    return path


def test_store_keeps_location_columns_and_filters(geo_db: Path) -> None:
    with Store(geo_db) as store:
        everything = store.events()
        assert {e["location"]["country"] for e in everything} >= {"SYR", "FRA", "IRQ"}
        iraq = store.events(country="irq")
        assert iraq and all(e["location"]["country"] == "IRQ" for e in iraq)
        europe = store.events(bbox=(-10.0, 35.0, 30.0, 60.0))
        assert europe and {e["location"]["country"] for e in europe} == {"FRA"}
        assert store.events(bbox=(170.0, -50.0, -170.0, -40.0)) == []  # across the antimeridian
        with pytest.raises(ValueError):
            store.events(bbox=(0.0, 10.0, 5.0, -10.0))
    con = duckdb.connect(str(geo_db), read_only=True)
    try:
        row = con.execute(
            "SELECT location_lat, location_lon, location_geonames_id, location_precision, location_method "
            "FROM events WHERE location_country = 'FRA'"
        ).fetchone()
    finally:
        con.close()
    assert row is not None and row[2] == 2988507 and row[3] == "city" and row[4].startswith("governed")


def test_older_database_is_migrated_forward(tmp_path: Path, nlp: Language) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # a database as tocsin wrote it before places were stored
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    for statement in store_module._SCHEMA:
        con.execute(statement)
    for version in sorted(v for v in store_module._MIGRATIONS if v < 4):
        for statement in store_module._MIGRATIONS[version]:
            con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    assert "location_lat" not in {row[0] for row in con.execute("DESCRIBE events").fetchall()}
    con.close()
    with Store(path) as store:
        store.add(code_article(article_from_text(ARTICLES[1]), nlp=nlp))
        assert store.events(country="FRA") and store.events(bbox=(-10.0, 35.0, 30.0, 60.0))
    con = duckdb.connect(str(path), read_only=True)
    try:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    finally:
        con.close()
    assert version is not None and int(version[0]) >= 4


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tocsin.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=600,
    )


def test_cli_events_filter_by_country_and_bbox(geo_db: Path) -> None:
    result = run_cli("events", "--db", str(geo_db), "--country", "IRQ", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(r["location"]["country"] == "IRQ" for r in records)
    result = run_cli("events", "--db", str(geo_db), "--bbox", "-10,35,30,60", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and {r["location"]["country"] for r in records} == {"FRA"}
    result = run_cli("events", "--db", str(geo_db), "--bbox", "1,2,3")
    assert result.returncode == 2 and "--bbox" in result.stderr


# -- the annotated Wikinews places -----------------------------------------------------------------


def test_place_annotations_are_well_formed() -> None:
    gold = read_place_gold(PLACE_ANNOTATIONS)
    assert len(gold) >= 90 and len({g.url for g in gold}) >= 25
    assert all(len(g.context.split()) <= 20 for g in gold)


def test_place_annotations_point_into_the_articles() -> None:
    if not WIKINEWS_CSV.exists():
        pytest.skip("the shared Wikinews CSV is not available")
    gold = read_place_gold(PLACE_ANNOTATIONS)
    articles = read_wikinews_csv(WIKINEWS_CSV, {g.url for g in gold})
    assert {g.url for g in gold} <= set(articles)


def test_place_resolution_meets_its_targets(nlp: Language) -> None:
    if not WIKINEWS_CSV.exists():
        pytest.skip("the shared Wikinews CSV is not available")
    report = score_places(PLACE_ANNOTATIONS, WIKINEWS_CSV, nlp=nlp)
    assert report.n >= 80
    assert report.country_accuracy >= 0.95, report.render(details=True)
    assert report.exact_accuracy >= 0.85, report.render(details=True)
