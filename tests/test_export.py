"""Exports: GDELT 2.0 rows parsed with the sample's layout, PLOVER JSON, CSV, Parquet, JSONL, frames."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tocsin.export import (
    EXPORT_COLUMNS,
    export_events,
    gdelt_row,
    global_event_id,
    split_actor_code,
)
from tocsin.ingest.gdelt import GDELT2_COLUMNS
from tocsin.store import Store
from tocsin.types import ActorMention, Article, Attribution, CodedArticle, Event, Location, Speaker

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
GDELT_SAMPLES = REPO.parent / "shared" / "data" / "gdelt"

IRAN_MIL = ActorMention("Iranian forces", 0, 14, code="IRNMIL", country="IRN", role="MIL")
ISRAEL = ActorMention("Israel", 30, 36, code="ISR", country="ISR", kind="country")
UN = ActorMention("the UN refugee agency", 40, 61, code="IGOUNOREF", role="REF", kind="organisation")


def make_event(event_id: str, article_id: str, **changes: Any) -> Event:
    values: dict[str, Any] = {
        "event_id": event_id,
        "article_id": article_id,
        "date": date(2024, 4, 14),
        "sentence_index": 0,
        "sentence": "Iranian forces fired missiles at Israel\tin Damascus.",
        "span": (0, 52),
        "source": IRAN_MIL,
        "target": ISRAEL,
        "cameo": "1951",
        "cameo_root": "19",
        "quad_class": 4,
        "goldstein": -10.0,
        "attribution": Attribution(Speaker("officials", anonymous=True, kind="anonymous"), "said"),
        "location": Location("Damascus", country="SYR", method="preposition"),
        "predicate": "fired",
        "predicate_span": (15, 20),
        "plover_type": "ASSAULT",
        "plover_mode": "aerial",
    }
    values.update(changes)
    return Event(**values)


def make_coded(article_id: str, events: tuple[Event, ...], text: str) -> CodedArticle:
    article = Article(
        id=article_id,
        text=text,
        title=f"Title {article_id}",
        date=date(2024, 4, 15),
        url=f"https://example.org/{article_id}",
        outlet="Example News",
        language="en",
    )
    return CodedArticle(article=article, sentences=(), mentions=(), quotes=(), events=events)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    lead = "Iranian forces fired missiles at Israel in Damascus. A second sentence."
    text = lead + "\n\nA later paragraph.\n\nAnd one more, far down."
    events = (
        make_event("a1-0", "a1"),
        make_event(
            "a1-1",
            "a1",
            sentence_index=2,
            span=(lead.index("A second") + 25, len(text)),
            source=UN,
            target=None,
            cameo="020",
            cameo_root="02",
            quad_class=1,
            goldstein=3.0,
            attribution=Attribution(),
            location=None,
            plover_type=None,
            plover_mode=None,
            date=None,
        ),
    )
    with Store(tmp_path / "events.duckdb") as opened:
        opened.add(make_coded("a1", events, text))
        opened.add(
            make_coded(
                "b2",
                (make_event("b2-0", "b2", date=date(2024, 5, 1), location=None, target=None),),
                "Iranian forces fired missiles.",
            )
        )
        yield opened


def test_split_actor_code_as_gdelt_does() -> None:
    assert split_actor_code("IRNGOVMIL") | {} == {
        **dict.fromkeys(
            (
                "KnownGroupCode",
                "EthnicCode",
                "Religion1Code",
                "Religion2Code",
                "Type3Code",
            ),
            "",
        ),
        "CountryCode": "IRN",
        "Type1Code": "GOV",
        "Type2Code": "MIL",
    }
    un = split_actor_code("IGOUNOREF")
    assert (un["Type1Code"], un["KnownGroupCode"], un["Type2Code"], un["CountryCode"]) == (
        "IGO",
        "UNO",
        "REF",
        "",
    )
    shia = split_actor_code("MOSSHI")
    assert (shia["Religion1Code"], shia["Religion2Code"]) == ("MOS", "SHI")
    assert split_actor_code("MEAREB")["CountryCode"] == "MEA"
    assert set(split_actor_code(None).values()) == {""}


def test_global_event_id_is_stable_and_never_a_gdelt_id() -> None:
    assert global_event_id("a1-0") == global_event_id("a1-0") != global_event_id("a1-1")
    assert 2**40 <= global_event_id("a1-0") < 2**63


def test_gdelt_export_maps_the_event(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "tocsin.export.CSV"
    result = export_events(store, out, format="gdelt")
    assert result.events == 3
    raw = out.read_text(encoding="utf-8")
    assert raw.endswith("\n") and "\r" not in raw
    rows = [dict(zip(GDELT2_COLUMNS, line.split("\t"), strict=True)) for line in raw.splitlines()]
    first, third, second = rows  # by date, the undated event last
    assert first["GlobalEventID"] == str(global_event_id("a1-0"))
    assert (first["SQLDATE"], first["MonthYear"], first["Year"]) == ("20240414", "202404", "2024")
    assert first["FractionDate"] == "2024.2849"  # 2024 + (3 * 30 + 14) / 365
    assert (first["Actor1Code"], first["Actor1Name"], first["Actor1CountryCode"]) == (
        "IRNMIL",
        "IRANIAN FORCES",
        "IRN",
    )
    assert first["Actor1Type1Code"] == "MIL" and first["Actor2Code"] == "ISR"
    assert (first["EventCode"], first["EventBaseCode"], first["EventRootCode"]) == ("1951", "195", "19")
    assert (first["QuadClass"], first["GoldsteinScale"], first["IsRootEvent"]) == ("4", "-10.0", "1")
    assert (first["NumMentions"], first["NumSources"], first["NumArticles"], first["AvgTone"]) == (
        "1",
        "1",
        "1",
        "0.0",
    )
    # places: the action in Syria (FIPS SY), the actors' countries Iran (IR) and Israel (IS)
    assert first["ActionGeo_Type"] in {"1", "4"} and first["ActionGeo_CountryCode"] == "SY"
    assert (first["Actor1Geo_Type"], first["Actor1Geo_CountryCode"], first["Actor1Geo_FullName"]) == (
        "1",
        "IR",
        "Iran",
    )
    assert first["Actor2Geo_CountryCode"] == "IS" and first["Actor2Geo_FeatureID"] == "IS"
    assert first["SOURCEURL"] == "https://example.org/a1"
    assert len(first["DATEADDED"]) == 14 and first["DATEADDED"].startswith(str(datetime.now().year)[:2])
    # the undated second event takes its article's date; it lies outside the lead paragraph
    assert second["SQLDATE"] == "20240415" and second["IsRootEvent"] == "0"
    assert (second["Actor1Type1Code"], second["Actor1KnownGroupCode"], second["Actor2Code"]) == (
        "IGO",
        "UNO",
        "",
    )
    assert second["ActionGeo_Type"] == "0" and second["ActionGeo_FullName"] == ""
    assert third["SQLDATE"] == "20240501" and third["IsRootEvent"] == "1"


def test_gdelt_row_uses_coordinates_where_the_location_has_them() -> None:
    row: dict[str, Any] = {
        "event_id": "x",
        "date": date(2024, 1, 2),
        "sentence_index": 0,
        "span_start": 0,
        "cameo": "190",
        "cameo_root": "19",
        "quad_class": 4,
        "goldstein": -10.0,
        "record": {
            "source": {"text": "Police", "code": "USACOP", "country": "USA"},
            "target": None,
            "location": {
                "name": "Baghdad",
                "country": "IRQ",
                "admin1": "Baghdad",
                "lat": 33.34,
                "lon": 44.39,
                "geonames_id": 98182,
                "precision": "city",
            },
        },
    }
    fields = dict(zip(GDELT2_COLUMNS, gdelt_row(row), strict=True))
    assert fields["ActionGeo_Type"] == "4" and fields["ActionGeo_FullName"] == "Baghdad, Iraq"
    assert (fields["ActionGeo_CountryCode"], fields["ActionGeo_FeatureID"]) == ("IZ", "98182")
    assert (fields["ActionGeo_Lat"], fields["ActionGeo_Long"]) == ("33.34", "44.39")
    assert fields["FractionDate"] == "2024.0055" and fields["Actor1Geo_CountryCode"] == "US"
    row["record"]["location"] |= {"name": "California", "country": "USA", "precision": "admin1"}
    fields = dict(zip(GDELT2_COLUMNS, gdelt_row(row), strict=True))
    assert fields["ActionGeo_Type"] == "2" and fields["ActionGeo_FullName"].endswith("United States")


def test_plover_records(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.plover.jsonl"
    result = export_events(store, out, format="plover")
    assert (result.events, result.skipped) == (2, 1)  # CAMEO 02 has no PLOVER type
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = records[0]
    assert first["id"] == "a1-0" and first["date"] == "2024-04-14" and first["event"] == ["ASSAULT"]
    assert first["mode"] == ["aerial"] and first["quad_code"] == 4 and first["event_scale"] == -10.0
    assert first["source"] == [
        {"code": "IRN", "sector": "MIL", "actor_text": "Iranian forces", "cameo_code": "IRNMIL"}
    ]
    assert first["recipient"][0]["code"] == "ISR" and first["event_text"] == ["fired"]
    assert first["event_loc"]["name"] == "Damascus" and first["event_loc"]["cc3"] == "SYR"
    assert first["event_loc"]["country code"] == "SY"
    assert first["text"].startswith("Iranian forces") and first["text_info"]["sequence"] == 0
    assert first["cite_info"]["url"] == "https://example.org/a1" and first["attribution"]["cue"] == "said"
    assert records[1]["recipient"] == [] and records[1]["event_loc"] is None


def test_csv_and_parquet_share_the_documented_schema(store: Store, tmp_path: Path) -> None:
    names = [name for name, _, _ in EXPORT_COLUMNS]
    assert export_events(store, tmp_path / "e.csv", format="csv").events == 3
    with (tmp_path / "e.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == names and len(rows) == 3
    assert rows[0]["via"] == "" and rows[0]["speaker_anonymous"] == "True"
    assert rows[0]["sentence"] == "Iranian forces fired missiles at Israel\tin Damascus."
    assert rows[0]["global_event_id"] == str(global_event_id("a1-0")) and rows[0]["origin"] == "tocsin"

    assert export_events(store, tmp_path / "e.parquet", format="parquet", since=date(2024, 4, 30)).events == 1
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.schema.names == names and table.num_rows == 1
    assert str(table.schema.field("date").type) == "date32[day]"
    assert table.column("event_id").to_pylist() == ["b2-0"]


def test_jsonl_is_the_event_contract(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    export_events(store, out, format="jsonl", actor="IGO")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records == store.events(actor="IGO") and len(records) == 1


def test_frames_for_notebooks(store: Store) -> None:
    frame = store.events_frame()
    assert len(frame) == 3 and "record" not in frame.columns
    assert {"event_id", "source_code", "cameo", "goldstein", "origin"} <= set(frame.columns)
    assert list(frame["event_id"]) == [record["event_id"] for record in store.events()]
    assert len(store.events_frame(actor="ISR", limit=1)) == 1
    assert list(store.quotes_frame().columns)[:2] == ["article_id", "sentence_index"]


def test_unknown_format_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_events(store, tmp_path / "x", format="xml")


# -- the command line, on events the real pipeline coded ------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tocsin.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )


def sample_layout() -> list[tuple[str, str]]:
    """(name, type) of the 61 columns, from the shared sample's header and codebook."""
    header = GDELT_SAMPLES / "gdelt2_events_sample_50rows.header.txt"
    codebook = GDELT_SAMPLES / "codebook_events2_columns.csv"
    if not header.exists() or not codebook.exists():
        pytest.skip("the shared GDELT samples are not available")
    names = header.read_text(encoding="utf-8").strip().split("\t")
    with codebook.open(encoding="utf-8", newline="") as handle:
        types = {row["name"].upper(): row["type"] for row in csv.DictReader(handle)}
    return [(name, types[name.upper()]) for name in names]


def parse_gdelt(line: str, layout: list[tuple[str, str]]) -> dict[str, Any]:
    """Parse one export line by the layout's types; fails as a GDELT reader would."""
    fields = line.split("\t")
    assert len(fields) == len(layout), f"{len(fields)} columns"
    parsed: dict[str, Any] = {}
    for (name, kind), value in zip(layout, fields, strict=True):
        if kind == "INTEGER":
            parsed[name] = int(value)
        elif kind == "FLOAT":
            coordinate = name.endswith(("_Lat", "_Long"))
            parsed[name] = float(value) if value or not coordinate else None
        else:
            parsed[name] = value
    return parsed


@pytest.fixture(scope="module")
def coded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "events.duckdb"
    result = run("ingest", str(EXAMPLES), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def test_cli_gdelt_export_parses_with_the_sample_layout(coded_db: Path, tmp_path: Path) -> None:
    layout = sample_layout()
    sample = GDELT_SAMPLES / "gdelt2_events_sample_50rows.export.CSV"
    for line in sample.read_text(encoding="utf-8").splitlines():
        parse_gdelt(line, layout)  # the parser reads GDELT's own rows
    out = tmp_path / "tocsin.export.CSV"
    result = run("export", "--format", "gdelt", "--db", str(coded_db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "events exported as gdelt" in result.stderr
    rows = [parse_gdelt(line, layout) for line in out.read_text(encoding="utf-8").splitlines()]
    with Store(coded_db, read_only=True) as store:
        events = store.events()
    assert len(rows) == len(events) > 0
    for row, event in zip(rows, events, strict=True):
        assert row["GLOBALEVENTID"] == global_event_id(event["event_id"])
        assert row["EventCode"] == event["cameo"] and row["QuadClass"] == event["quad_class"]
        assert row["GoldsteinScale"] == event["goldstein"] and row["IsRootEvent"] in (0, 1)
        assert row["Actor1Code"] == (event["source"]["code"] or "")
        assert str(row["SQLDATE"]) == (event["date"] or "").replace("-", "") or event["date"] is None
        assert row["SOURCEURL"].startswith("https://example.org/")
        assert len(str(row["DATEADDED"])) == 14


def test_cli_export_formats_and_errors(coded_db: Path, tmp_path: Path) -> None:
    for kind in ("plover", "csv", "jsonl", "parquet"):
        out = tmp_path / f"events.{kind}"
        result = run("export", "--format", kind, "--db", str(coded_db), "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 0
    streamed = run("export", "-f", "jsonl", "--db", str(coded_db), "--out", "-", "--since", "2100-01-01")
    assert streamed.returncode == 0 and streamed.stdout == ""
    missing = run("export", "-f", "csv", "--db", str(tmp_path / "none.duckdb"), "--out", "x.csv")
    assert missing.returncode == 2 and "no such database" in missing.stderr
    bad_date = run("export", "-f", "csv", "--db", str(coded_db), "--out", "-", "--since", "soon")
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    to_stdout = run("export", "-f", "parquet", "--db", str(coded_db), "--out", "-")
    assert to_stdout.returncode == 2 and "Traceback" not in to_stdout.stderr
