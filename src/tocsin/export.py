"""Exports of stored events: GDELT 2.0 event rows, PLOVER JSON, Parquet, CSV and JSONL.

`export_events(store, out, format=…)` streams the store's events (`Store.event_rows`) to a file;
nothing but one batch is held in memory. The formats:

`gdelt`
    The GDELT 2.0 event export layout exactly: 61 tab-separated columns, no header
    (`tocsin.ingest.gdelt.GDELT2_COLUMNS`). How a tocsin event fills them:

    - GlobalEventID: a stable integer from the event id (`global_event_id`: 2**40 plus 56 bits of
      the SHA-256 of the id, so it never meets GDELT's own ids, which are far below 2**40).
    - SQLDATE, MonthYear, Year, FractionDate: the event date (else its article's date, else the day
      it was stored); FractionDate = year + ((month − 1) × 30 + day) / 365, as GDELT computes it.
    - Actor1 = source, Actor2 = target. Code is tocsin's CAMEO actor code; Name its text in capitals;
      the code is split in threes as GDELT does: a country or CAMEO region → CountryCode, role
      codes (GOV, MIL, IGO, NGO …) → Type1/2/3Code, religions (MOS, SHI, CHR …) → Religion1/2Code,
      any other (UNO, EEC, HMS …, as in `IGOUNO`) → KnownGroupCode. EthnicCode stays empty.
    - IsRootEvent: 1 when the sentence lies in the article's first paragraph and is one of its first
      three sentences (GDELT: the lead paragraph).
    - EventCode, EventBaseCode (three digits), EventRootCode, QuadClass, GoldsteinScale: from the event.
    - NumMentions, NumSources, NumArticles: those of the consolidated event the event belongs to where
      the database consolidates events, else 1, 1, 1. AvgTone: the event's tone where the store has
      one, else 0.
    - ActionGeo_*: from the event's location. With coordinates: type 4 (3 in the US) for a city or
      site, 5 (2 in the US) for a first-level division; FullName "place, ADM1, country"; FeatureID
      the GeoNames id (GDELT uses GNS ids); ADM1Code the FIPS country code alone (tocsin holds the
      division's name, not its FIPS code). Without coordinates: type 1, the country, at its centroid
      (`tocsin.geo.country_centroid`), the FIPS code as ADM1Code and FeatureID. No country: type 0
      and empty columns. Actor1Geo_/Actor2Geo_: type 1, the actor's country, the same way.
      Country codes are FIPS 10-4 (`data/fips.tsv`), as GDELT's are; ADM2Code stays empty.
    - DATEADDED: when the article was stored (YYYYMMDDHHMMSS, UTC). SOURCEURL: the article's URL
      (else its outlet).

    An event imported from GDELT is written back as it was read (its original row, in the 2.0 layout;
    a 1.0 DATEADDED padded to 14 digits), so import → export round-trips.
`plover`
    One PLOVER JSON record a line (PLOVER manual, "JSON data fields"): `id`, `date`, `source` and
    `recipient` (actor objects: `code`, `sector`, `actor_text`, `religion`), `event` (the PLOVER
    type), `mode`, `context`, `quad_code`, `event_scale` (Goldstein), `event_loc` (GeoNames field
    names), `event_text`, `text`, `text_info`, `cite_info`, `coder`, `coded_date`, plus tocsin's own
    `cameo` and `attribution`. Events with no PLOVER type (CAMEO 01 and 02) are left out.
`csv`, `parquet`
    One row per event, the columns of `EXPORT_COLUMNS` (named and described there and in README).
`jsonl`
    The event record of the README's JSONL contract, one a line (as `tocsin events --format jsonl`).
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pycountry

from tocsin import cameo
from tocsin.errors import StoreError
from tocsin.ingest.gdelt import ACTOR_CODE_PARTS, COLUMN_INDEX, GDELT2_COLUMNS, country_name, fips_of
from tocsin.lexicon import REGION_CODES, ROLE_CODES
from tocsin.store import Store

LOGGER = logging.getLogger(__name__)

FORMATS = ("gdelt", "plover", "parquet", "csv", "jsonl")

# CAMEO religion codes (CAMEO Religious Coding System); MUS is the spelling some dictionaries use.
RELIGION_CODES = frozenset(
    {"ADR", "ALE", "ATH", "BAH", "BUD", "CHR", "CON", "CPT", "CTH", "DOX", "DRZ", "HIN", "HSD", "ITR"}
    | {"JAN", "JEW", "JHW", "LDS", "MOS", "MRN", "MUS", "NRM", "PAG", "PRO", "SFI", "SHI", "SHN", "SIK"}
    | {"SUN", "TAO", "UDI", "ZRO"}
)

_GLOBAL_ID_BASE = 1 << 40
# The columns an event imported from GDELT takes from its original row: those tocsin's event lacks.
_FROM_ORIGINAL = (
    "IsRootEvent",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1EthnicCode",
    "Actor2EthnicCode",
    *(name for name in GDELT2_COLUMNS if "Geo_" in name),
    "DATEADDED",
)
_US_TYPES = {"place": 3, "admin1": 2}
_WORLD_TYPES = {"place": 4, "admin1": 5}

#: The csv and parquet columns: (name, Arrow type, description).
EXPORT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("event_id", "string", "tocsin's stable event id"),
    ("global_event_id", "int64", "the GlobalEventID of the gdelt export"),
    ("origin", "string", "tocsin (coded here) or gdelt (imported)"),
    ("article_id", "string", "the article's content hash"),
    ("date", "date32", "the day of the event"),
    ("sentence_index", "int32", "0-based sentence of the article"),
    ("span_start", "int32", "the sentence's first character in the article text"),
    ("span_end", "int32", "the character after the sentence"),
    ("source_text", "string", "the source actor as written"),
    ("source_code", "string", "its CAMEO actor code"),
    ("source_country", "string", "its country (ISO-3) or CAMEO region"),
    ("source_role", "string", "its CAMEO role code"),
    ("target_text", "string", "the target actor as written"),
    ("target_code", "string", "its CAMEO actor code"),
    ("target_country", "string", "its country or region"),
    ("target_role", "string", "its CAMEO role code"),
    ("cameo", "string", "CAMEO event code"),
    ("cameo_root", "string", "its two-digit root"),
    ("quad_class", "int32", "1 verbal cooperation … 4 material conflict"),
    ("goldstein", "float64", "Goldstein weight, -10 … +10"),
    ("plover_type", "string", "PLOVER event type"),
    ("plover_mode", "string", "PLOVER mode"),
    ("speaker_text", "string", "who the event is attributed to (empty: the article's own voice)"),
    ("speaker_code", "string", "the speaker's CAMEO actor code"),
    ("speaker_anonymous", "bool", "the speaker is an anonymous source"),
    ("speaker_kind", "string", "named_official, named_person, organisation, media or anonymous"),
    ("cue", "string", "the reporting verb"),
    ("via", "string", "relaying outlets, nearest first, joined by ' > '"),
    ("quoted", "bool", "the event is in the speaker's quoted words"),
    ("location_name", "string", "where the event happened"),
    ("location_country", "string", "its country (ISO-3)"),
    ("location_lat", "float64", "its latitude, where known"),
    ("location_lon", "float64", "its longitude, where known"),
    ("predicate", "string", "the evidence word"),
    ("confidence", "float64", "0 … 1"),
    ("modality", "string", "asserted, intended or threatened"),
    ("date_basis", "string", "expression, article or none"),
    ("sentence", "string", "the sentence's text"),
    ("article_url", "string", "the article's URL"),
    ("article_outlet", "string", "the publishing outlet"),
    ("article_title", "string", "the article's title"),
)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: `events` rows or records, and `skipped` events the format cannot hold."""

    format: str
    events: int
    skipped: int = 0


def export_events(
    store: Store,
    out: str | Path | IO[str],
    *,
    format: str,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> ExportResult:
    """Write the store's events (filtered as `Store.events`) to `out` in `format` (see `FORMATS`).

    `out` is a path, "-" for standard output, or an open text stream (not for parquet). Streams
    from the database; raises `ValueError` for an unknown format and `StoreError` when the store
    cannot be read or the file cannot be written.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    rows = store.event_rows(actor=actor, since=since, until=until)
    if format == "parquet":
        if not isinstance(out, str | Path) or str(out) == "-":
            raise ValueError("parquet is written to a file: give a path")
        return _write_parquet(rows, Path(out))
    with _text_output(out) as stream:
        if format == "csv":
            return _write_csv(rows, stream)
        writers: dict[str, Callable[[dict[str, Any]], str | None]] = {
            "gdelt": lambda row: "\t".join(gdelt_row(row)),
            "plover": lambda row: _json_line(plover_record(row)),
            "jsonl": lambda row: _json_line(row["record"]),
        }
        return _write_lines(rows, stream, format, writers[format])


@contextmanager
def _text_output(out: str | Path | IO[str]) -> Iterator[IO[str]]:
    if not isinstance(out, str | Path):
        yield out
        return
    if str(out) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        # newline="" keeps "\n" as written: GDELT rows and csv lines end in a bare line feed
        with Path(out).open("w", encoding="utf-8", newline="") as stream:
            yield stream
    except OSError as exc:
        raise StoreError(f"{out}: cannot write: {exc.strerror or exc}") from exc


def _json_line(record: dict[str, Any] | None) -> str | None:
    return None if record is None else json.dumps(record, ensure_ascii=False)


def _write_lines(
    rows: Iterator[dict[str, Any]],
    stream: IO[str],
    format: str,
    line_of: Callable[[dict[str, Any]], str | None],
) -> ExportResult:
    written = skipped = 0
    for row in rows:
        line = line_of(row)
        if line is None:
            skipped += 1
            continue
        stream.write(line + "\n")
        written += 1
    return ExportResult(format, written, skipped)


# -- GDELT -------------------------------------------------------------------------------------------


def global_event_id(event_id: str) -> int:
    """Return the stable GDELT GlobalEventID of a tocsin event id (2**40 + 56 bits of its SHA-256)."""
    return _GLOBAL_ID_BASE + int(hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:14], 16)


def split_actor_code(code: str | None) -> dict[str, str]:
    """Split a CAMEO actor code into GDELT's actor columns, as GDELT does.

    `"IRNGOVMIL"` → CountryCode IRN, Type1Code GOV, Type2Code MIL; `"IGOUNO"` → Type1Code IGO,
    KnownGroupCode UNO; `"MOSSHI"` → Religion1Code MOS, Religion2Code SHI. Keys are the column
    names without the `Actor1`/`Actor2` prefix; absent parts are empty strings.
    """
    parts = dict.fromkeys(
        ACTOR_CODE_PARTS,
        "",
    )
    code = (code or "").strip().upper()
    types = ("Type1Code", "Type2Code", "Type3Code")
    religions = ("Religion1Code", "Religion2Code")
    for start in range(0, len(code) - len(code) % 3, 3):
        chunk = code[start : start + 3]
        if chunk in ROLE_CODES:
            slot = next((name for name in types if not parts[name]), None)
        elif chunk in RELIGION_CODES:
            slot = next((name for name in religions if not parts[name]), None)
        elif not parts["CountryCode"] and (chunk in REGION_CODES or _is_country(chunk)):
            slot = "CountryCode"
        else:
            slot = "KnownGroupCode" if not parts["KnownGroupCode"] else None
        if slot is not None:
            parts[slot] = chunk
    return parts


def _is_country(code: str) -> bool:
    return fips_of(code) is not None or pycountry.countries.get(alpha_3=code) is not None


def gdelt_row(row: dict[str, Any]) -> list[str]:
    """Return the 61 GDELT 2.0 fields of one `Store.event_rows` row (mapping: module docstring)."""
    record = row["record"]
    fields = row.get("external_fields")
    original = fields if fields and len(fields) == len(GDELT2_COLUMNS) else None
    day = _event_day(row)
    values = dict.fromkeys(GDELT2_COLUMNS, "")
    values.update(
        {
            "GlobalEventID": str(row.get("external_id") or global_event_id(row["event_id"])),
            "SQLDATE": day.strftime("%Y%m%d"),
            "MonthYear": day.strftime("%Y%m"),
            "Year": str(day.year),
            "FractionDate": f"{day.year + ((day.month - 1) * 30 + day.day) / 365:.4f}",
            "IsRootEvent": "1" if _is_root(row) else "0",
            "EventCode": row["cameo"],
            "EventBaseCode": row["cameo"][:3],
            "EventRootCode": row["cameo_root"],
            "QuadClass": str(row["quad_class"]),
            "GoldsteinScale": _number(row["goldstein"]),
            "NumMentions": str(_count(row, "num_mentions")),
            "NumSources": str(_count(row, "num_sources")),
            "NumArticles": str(_count(row, "num_articles")),
            "AvgTone": _number(_first_number(row, "avg_tone", "tone") or 0.0),
            "DATEADDED": _added(row),
            "SOURCEURL": row.get("article_url") or row.get("article_outlet") or "",
        }
    )
    for prefix, actor in (("Actor1", record.get("source")), ("Actor2", record.get("target"))):
        country = None
        if actor:
            values[f"{prefix}Code"] = actor.get("code") or ""
            values[f"{prefix}Name"] = (actor.get("text") or "").upper()
            parts = split_actor_code(actor.get("code"))
            values.update({prefix + key: value for key, value in parts.items()})
            country = actor.get("country") or parts["CountryCode"]
        if original is None:
            values.update(_geo(f"{prefix}Geo_", {"country": country} if country else None))
    if original is None:
        values.update(_geo("ActionGeo_", _location(row)))
    else:  # imported from GDELT: the columns tocsin's event lacks come from the original row
        values.update({name: original[COLUMN_INDEX[name]] for name in _FROM_ORIGINAL})
        if len(values["DATEADDED"]) == 8:  # GDELT 1.0: YYYYMMDD
            values["DATEADDED"] += "000000"
    return [_clean(values[name]) for name in GDELT2_COLUMNS]


def _clean(value: Any) -> str:
    """A field as GDELT writes it: text, with no tab or line break inside."""
    text = "" if value is None else str(value)
    return " ".join(text.split()) if any(c in text for c in "\t\r\n") else text


def _number(value: float) -> str:
    return repr(float(value))


def _event_day(row: dict[str, Any]) -> date:
    for day in (row.get("date"), row.get("article_date")):
        if isinstance(day, date):
            return day
    added = row.get("article_ingested_at")
    return added.date() if isinstance(added, datetime) else date.today()


def _is_root(row: dict[str, Any]) -> bool:
    lead_end = row.get("article_lead_end")
    in_lead = lead_end is None or row["span_start"] < lead_end
    return in_lead and row["sentence_index"] < 3


def _first_number(row: dict[str, Any], *names: str) -> float | None:
    for name in names:
        value = row.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def _count(row: dict[str, Any], name: str) -> int:
    value = _first_number(row, name)
    return int(value) if value is not None and value >= 1 else 1


def _added(row: dict[str, Any]) -> str:
    added = row.get("article_ingested_at")
    return added.strftime("%Y%m%d%H%M%S") if isinstance(added, datetime) else ""


def _location(row: dict[str, Any]) -> dict[str, Any] | None:
    """The event's location as a dict (name, country, lat, lon, admin1, geonames_id, precision)."""
    location = dict(row["record"].get("location") or {})
    for key in ("name", "country", "lat", "lon", "admin1", "geonames_id", "precision"):
        column = row.get(f"location_{key}")
        if column is not None and location.get(key) is None:
            location[key] = column
    return location if location.get("name") or location.get("country") else None


def _centroid(iso3: str) -> tuple[float, float] | None:
    """The country's centroid from tocsin's geo stage, where that stage exists."""
    try:
        geo = importlib.import_module("tocsin.geo")
    except ImportError:
        return None
    centroid = getattr(geo, "country_centroid", None)
    try:
        point = centroid(iso3) if centroid is not None else None
    except (KeyError, ValueError, OSError):
        return None
    if point is None:
        return None
    lat = getattr(point, "lat", None)
    lon = getattr(point, "lon", None)
    if lat is None and isinstance(point, tuple | list) and len(point) >= 2:
        lat, lon = point[0], point[1]
    return (float(lat), float(lon)) if lat is not None and lon is not None else None


def _geo(prefix: str, place: dict[str, Any] | None) -> dict[str, str]:
    """The eight geography columns of one GDELT block (type, name, codes, lat/long, feature id)."""
    block = {"Type": "0", "FullName": "", "CountryCode": "", "ADM1Code": ""}
    block |= {"ADM2Code": "", "Lat": "", "Long": "", "FeatureID": ""}
    if place:
        iso3 = (place.get("country") or "").upper() or None
        fips = fips_of(iso3) or ""
        lat, lon = place.get("lat"), place.get("lon")
        if lat is not None and lon is not None:
            precision = str(place.get("precision") or "city").lower()
            if precision == "country":
                block |= _country_block(iso3, fips, (float(lat), float(lon)))
            else:
                level = "admin1" if precision == "admin1" else "place"
                names = [place.get("name"), place.get("admin1"), country_name(iso3)]
                full_name = [part for part in names if part]
                block |= {
                    "Type": str((_US_TYPES if iso3 == "USA" else _WORLD_TYPES)[level]),
                    "FullName": ", ".join(dict.fromkeys(full_name)),  # GDELT: place, ADM1, country
                    "CountryCode": fips,
                    "ADM1Code": fips,  # tocsin knows the ADM1 name, not its FIPS code
                    "Lat": _number(lat),
                    "Long": _number(lon),
                    "FeatureID": str(place.get("geonames_id") or "") if level == "place" else fips,
                }
        elif fips:
            block |= _country_block(iso3, fips, _centroid(iso3) if iso3 else None)
    return {prefix + key: value for key, value in block.items()}


def _country_block(iso3: str | None, fips: str, point: tuple[float, float] | None) -> dict[str, str]:
    if not fips:
        return {}
    return {
        "Type": "1",
        "FullName": country_name(iso3) or "",
        "CountryCode": fips,
        "ADM1Code": fips,
        "Lat": _number(point[0]) if point else "",
        "Long": _number(point[1]) if point else "",
        "FeatureID": fips,
    }


# -- PLOVER ------------------------------------------------------------------------------------------


def plover_record(row: dict[str, Any]) -> dict[str, Any] | None:
    """Return the PLOVER JSON record of one `Store.event_rows` row, or None without a PLOVER type."""
    record = row["record"]
    plover = record.get("plover") or {}
    if not plover.get("type"):
        return None
    context = None
    if cameo.is_valid(row["cameo"]):
        context = cameo.lookup(row["cameo"]).plover_context
    added = row.get("article_ingested_at")
    result: dict[str, Any] = {
        "id": row["event_id"],
        "has_event": True,
        "date": record.get("date"),
        "source": _plover_actors(record.get("source")),
        "recipient": _plover_actors(record.get("target")),
        "event": [plover["type"]],
        "mode": [plover["mode"]] if plover.get("mode") else [],
        "context": [context] if context else [],
        "quad_code": record.get("quad_class"),
        "event_scale": record.get("goldstein"),
        "event_loc": _plover_location(_location(row)),
        "event_text": [record["predicate"]["text"]] if (record.get("predicate") or {}).get("text") else [],
        "text": record.get("sentence") or None,
        "text_info": {
            "sequence": record.get("sentence_index"),
            "start": row["span_start"],
            "end": row["span_end"],
        },
        "cite_info": {
            "url": row.get("article_url"),
            "title": row.get("article_title"),
            "publication": row.get("article_outlet"),
            "language": row.get("article_language"),
            "coder": "tocsin" if (row.get("origin") or "tocsin") == "tocsin" else row.get("origin"),
            "codebook": "CAMEO with the CAMEO2PLOVER mapping (PLOVER 0.8)",
        },
        "coder": "tocsin",
        "coded_date": added.date().isoformat() if isinstance(added, datetime) else None,
        "cameo": record.get("cameo"),
        "attribution": record.get("attribution"),
        "origin": row.get("origin") or "tocsin",
    }
    return result


def _plover_actors(actor: dict[str, Any] | None) -> list[dict[str, Any]]:
    """PLOVER's list of actor objects: one for a coded or named actor, none for a missing one."""
    if not actor or not (actor.get("code") or actor.get("text")):
        return []
    parts = split_actor_code(actor.get("code"))
    sectors = [parts[name] for name in ("Type1Code", "Type2Code", "Type3Code") if parts[name]]
    result: dict[str, Any] = {
        "code": actor.get("country") or parts["CountryCode"] or parts["KnownGroupCode"] or None,
        "sector": "".join(sectors) or None,
        "actor_text": actor.get("text") or None,
        "cameo_code": actor.get("code"),
    }
    religion = parts["Religion1Code"] + parts["Religion2Code"]
    if religion:
        result["religion"] = religion
    return [result]


def _plover_location(place: dict[str, Any] | None) -> dict[str, Any] | None:
    if not place:
        return None
    iso3 = place.get("country")
    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return {
        "name": place.get("name"),
        "geonameid": place.get("geonames_id"),
        "latitude": place.get("lat"),
        "longitude": place.get("lon"),
        "country code": country.alpha_2 if country else None,
        "cc3": iso3,
        "admin1 code": place.get("admin1"),
    }


# -- CSV and Parquet ---------------------------------------------------------------------------------


def flat_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return one `Store.event_rows` row as the `EXPORT_COLUMNS` values (typed as Python values)."""
    location = _location(row) or {}
    via = row.get("via")
    values: dict[str, Any] = {name: row.get(name) for name, _, _ in EXPORT_COLUMNS}
    values.update(
        {
            "global_event_id": row.get("external_id") or global_event_id(row["event_id"]),
            "origin": row.get("origin") or "tocsin",
            "via": " > ".join(via) if via else None,
            "location_lat": location.get("lat"),
            "location_lon": location.get("lon"),
        }
    )
    return values


def _write_csv(rows: Iterator[dict[str, Any]], stream: IO[str]) -> ExportResult:
    names = [name for name, _, _ in EXPORT_COLUMNS]
    writer = csv.DictWriter(stream, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    written = 0
    for row in rows:
        writer.writerow(flat_row(row))
        written += 1
    return ExportResult("csv", written)


def _write_parquet(rows: Iterator[dict[str, Any]], path: Path, batch_size: int = 10_000) -> ExportResult:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "float64": pa.float64()}
    types |= {"bool": pa.bool_(), "date32": pa.date32()}
    schema = pa.schema([(name, types[kind]) for name, kind, _ in EXPORT_COLUMNS])
    written = 0
    try:
        with pq.ParquetWriter(str(path), schema) as writer:
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(flat_row(row))
                if len(batch) >= batch_size:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    written += len(batch)
                    batch = []
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            written += len(batch)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write: {exc}") from exc
    return ExportResult("parquet", written)
