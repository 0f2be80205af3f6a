"""GDELT import: the shared samples, zipped files, bad rows, and the round trip back to GDELT rows."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tocsin import store as store_module
from tocsin.export import export_events
from tocsin.ingest.gdelt import (
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    GdeltRow,
    event_from_gdelt,
    fips_of,
    import_gdelt,
    iso3_of,
    read_gdelt,
    to_gdelt2_layout,
)
from tocsin.store import Store
from tocsin.types import Rejection

REPO = Path(__file__).resolve().parents[1]
GDELT_SAMPLES = REPO.parent / "shared" / "data" / "gdelt"
SAMPLE_FILES = (
    "gdelt2_events_sample_50rows.export.CSV",
    "gdelt2_translingual_events_sample_50rows.translation.export.CSV",
    "gdelt1_events_sample_50rows.export.CSV",
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tocsin.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture(scope="module")
def samples() -> list[Path]:
    """The shared GDELT samples; tests that need them skip where the shared data is absent."""
    paths = [GDELT_SAMPLES / name for name in SAMPLE_FILES]
    if not all(path.exists() for path in paths):
        pytest.skip("the shared GDELT samples are not available")
    return paths


def gdelt2_row(**values: str) -> str:
    """One GDELT 2.0 export line written for these tests: a consultation between Iraq and the US."""
    row = dict.fromkeys(GDELT2_COLUMNS, "")
    row.update(
        GlobalEventID="1000001",
        SQLDATE="20240415",
        MonthYear="202404",
        Year="2024",
        FractionDate="2024.2904",
        Actor1Code="IRQGOV",
        Actor1Name="IRAQ",
        Actor1CountryCode="IRQ",
        Actor1Type1Code="GOV",
        Actor2Code="USA",
        Actor2Name="UNITED STATES",
        Actor2CountryCode="USA",
        IsRootEvent="1",
        EventCode="042",
        EventBaseCode="042",
        EventRootCode="04",
        QuadClass="1",
        GoldsteinScale="1.9",
        NumMentions="4",
        NumSources="2",
        NumArticles="4",
        AvgTone="-1.25",
        Actor1Geo_Type="1",
        Actor1Geo_FullName="Iraq",
        Actor1Geo_CountryCode="IZ",
        Actor1Geo_ADM1Code="IZ",
        Actor1Geo_Lat="33",
        Actor1Geo_Long="44",
        Actor1Geo_FeatureID="IZ",
        Actor2Geo_Type="0",
        ActionGeo_Type="4",
        ActionGeo_FullName="Baghdad, Baghdad, Iraq",
        ActionGeo_CountryCode="IZ",
        ActionGeo_ADM1Code="IZ07",
        ActionGeo_ADM2Code="36785",
        ActionGeo_Lat="33.3386",
        ActionGeo_Long="44.3939",
        ActionGeo_FeatureID="-3103581",
        DATEADDED="20240415120000",
        SOURCEURL="https://www.example.org/news/iraq-talks",
    )
    row.update(values)
    return "\t".join(row[name] for name in GDELT2_COLUMNS)


def line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def test_layouts_follow_the_codebooks() -> None:
    assert len(GDELT2_COLUMNS) == 61 and len(GDELT1_COLUMNS) == 58
    assert GDELT2_COLUMNS[0] == "GlobalEventID" and GDELT2_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")
    row = to_gdelt2_layout([str(i) for i in range(58)])
    assert len(row) == 61 and row[GDELT2_COLUMNS.index("Actor1Geo_ADM2Code")] == ""
    assert row[-1] == "57"


def test_fips_codes_both_ways() -> None:
    assert fips_of("IRQ") == "IZ" and fips_of("DEU") == "GM" and fips_of("GBR") == "UK"
    assert iso3_of("IZ") == "IRQ" and iso3_of("GZ") == "PSE" and iso3_of("WE") == "PSE"
    assert fips_of("PSE") == "WE" and fips_of(None) is None and iso3_of("XX") is None


def test_one_row_becomes_an_article_and_an_event() -> None:
    fields = to_gdelt2_layout(gdelt2_row().split("\t"))
    article, event = event_from_gdelt(fields, origin="day.export.CSV")
    assert event.event_id == "gdelt-1000001" and event.article_id == article.id
    assert event.date == date(2024, 4, 15) and event.cameo == "042" and event.cameo_root == "04"
    assert (event.quad_class, event.goldstein, event.plover_type) == (1, 1.9, "CONSULT")
    assert event.source.code == "IRQGOV" and event.source.country == "IRQ" and event.source.role == "GOV"
    assert event.target is not None and event.target.text == "UNITED STATES"
    assert article.url == "https://www.example.org/news/iraq-talks" and article.outlet == "example.org"
    assert article.date == date(2024, 4, 15) and article.text == ""
    location = event.location
    assert location is not None and location.country == "IRQ" and location.name == "Baghdad"
    assert getattr(location, "lat", 33.3386) == pytest.approx(33.3386)
    assert getattr(location, "precision", "city") == "city"


def test_bad_values_raise_naming_the_column() -> None:
    for column, value, message in (
        ("SQLDATE", "2024-04-15", "SQLDATE"),
        ("EventCode", "999", "EventCode"),
        ("EventRootCode", "05", "EventRootCode"),
        ("GoldsteinScale", "12", "GoldsteinScale"),
        ("QuadClass", "x", "QuadClass"),
        ("ActionGeo_Lat", "north", "ActionGeo_Lat"),
        ("GlobalEventID", "", "GlobalEventID"),
    ):
        fields = to_gdelt2_layout(gdelt2_row(**{column: value}).split("\t"))
        with pytest.raises(ValueError, match=message):
            event_from_gdelt(fields)


def test_bad_rows_are_rejected_with_line_numbers_and_the_rest_loaded(tmp_path: Path) -> None:
    good = [gdelt2_row(GlobalEventID=str(1000 + n)) for n in range(5)]
    short = "\t".join(gdelt2_row(GlobalEventID="2000").split("\t")[:60])
    bad_date = gdelt2_row(GlobalEventID="2001", SQLDATE="20241345")
    bad_code = gdelt2_row(GlobalEventID="2002", EventCode="X42")
    lines = [good[0], short, good[1], bad_date, good[2], bad_code, good[3], good[4]]
    path = tmp_path / "20240415.export.CSV"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"1003\t\xff\xfe broken\n")
    db = tmp_path / "events.duckdb"

    result = run("import-gdelt", str(path), "--db", str(db))

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    rejected = sorted(line for line in result.stderr.splitlines() if line.startswith("rejected"))
    assert len(rejected) == 4
    assert f"{path}:2: expected 61 tab-separated columns (GDELT 2.0), found 60" in result.stderr
    assert f"{path}:4: SQLDATE" in result.stderr and f"{path}:6: EventCode" in result.stderr
    assert f"{path}:9: not UTF-8" in result.stderr
    assert "9 GDELT rows in 1 files: 5 events stored, 0 already stored, 4 rejected" in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT event_id FROM events WHERE origin = 'gdelt' ORDER BY 1").fetchall()
        origins = con.execute("SELECT origin FROM rejections ORDER BY origin").fetchall()
    assert [row[0] for row in stored] == [f"gdelt-{1000 + n}" for n in range(5)]
    assert [row[0] for row in origins] == [f"{path}:{n}" for n in (2, 4, 6, 9)]


def test_unknown_layout_and_missing_file_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "odd.CSV"
    path.write_text("a\tb\tc\n" + gdelt2_row() + "\n", encoding="utf-8")
    items = list(read_gdelt(path)) + list(read_gdelt(tmp_path / "missing.CSV"))
    assert isinstance(items[0], GdeltRow) and items[0].problem and "57, 58" in items[0].problem
    assert isinstance(items[1], GdeltRow) and items[1].problem is None and items[1].line == 2
    assert isinstance(items[2], Rejection) and items[2].reason == "no such file"


def test_samples_load_with_every_row_accounted_for(samples: list[Path], tmp_path: Path) -> None:
    total = sum(line_count(path) for path in samples)
    with Store(tmp_path / "events.duckdb") as store:
        report = import_gdelt(store, samples)
        assert report.rows == total == 150
        assert report.added + report.already_stored + report.rejected == report.rows
        assert report.added == 150 and not report.rejections
        again = import_gdelt(store, samples)
        assert (again.added, again.already_stored, again.rows) == (0, 150, 150)
        assert store.counts()["events"] == 150
        events = store.events()
    assert all(record["origin"] == "gdelt" and record["event_id"].startswith("gdelt-") for record in events)
    first_v1 = next(record for record in events if record["event_id"] == "gdelt-635942246")
    assert first_v1["cameo"] == "1124" and first_v1["source"]["code"] is None
    assert first_v1["target"]["code"] == "CAN" and first_v1["date"] == "2016-03-12"


def test_zipped_export_loads(samples: list[Path], tmp_path: Path) -> None:
    archive = tmp_path / "20170701234500.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        handle.write(samples[0], arcname="20170701234500.export.CSV")
    with Store(tmp_path / "events.duckdb") as store:
        report = import_gdelt(store, [archive])
        assert (report.rows, report.added, report.rejected) == (50, 50, 0)
        rows = store._query("SELECT source FROM imported_events ORDER BY source LIMIT 1")
    assert rows[0][0].startswith(f"{archive}!20170701234500.export.CSV:")


def test_imported_events_are_queryable_from_the_cli(samples: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    imported = run("import-gdelt", *map(str, samples), "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    listed = run("events", "--db", str(db), "--actor", "USA", "--format", "jsonl")
    assert listed.returncode == 0 and listed.stdout.count("\n") >= 3
    assert all('"origin": "gdelt"' in line for line in listed.stdout.splitlines())


def test_round_trip_import_then_export_gives_the_same_rows(samples: list[Path], tmp_path: Path) -> None:
    originals: dict[str, list[str]] = {}
    for path in samples:
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = to_gdelt2_layout(line.split("\t"))
            originals[fields[0]] = fields
    out = tmp_path / "events.export.CSV"
    with Store(tmp_path / "events.duckdb") as store:
        import_gdelt(store, samples)
        assert export_events(store, out, format="gdelt").events == 150
    exported = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(exported) == 150 and {len(fields) for fields in exported} == {61}
    added = GDELT2_COLUMNS.index("DATEADDED")
    for fields in exported:
        original = originals[fields[0]]
        # the key columns are rebuilt from the stored event (dates, actor codes split in threes,
        # event codes, quad class, Goldstein, URL): every column matches what GDELT wrote
        assert fields[:added] == original[:added], fields[0]
        assert fields[added] == original[added].ljust(14, "0") and fields[-1] == original[-1]


def test_an_older_database_gains_the_import_tables(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    with duckdb.connect(str(db)) as con:  # a database as the first tocsin wrote it
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        for statement in store_module._SCHEMA:
            con.execute(statement)
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    with Store(db, read_only=True) as store:  # read as it is
        assert list(store.event_rows()) == []
    with Store(db) as store:
        report = import_gdelt(store, [])
        assert report.rows == 0
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        columns = {
            row[0] for row in con.execute("SELECT column_name FROM information_schema.columns").fetchall()
        }
    assert "imported_events" in tables and "origin" in columns
