"""GDELT event exports in: GDELT 1.0 (57 or 58 columns) and 2.0 (61 columns), plain or zipped.

`read_gdelt` yields every row of a file as a `GdeltRow` (file, line and fields in the GDELT 2.0
column layout, or the row's problem: a wrong number of columns, not UTF-8), and a `Rejection` for a
file it cannot read at all. `event_from_gdelt` turns one row into tocsin's `Article` and `Event`
(raising `ValueError` for a bad value), and `import_gdelt` stores whole files through
`Store.add_imported`, so that GDELT events sit in the same tables as coded ones:

- the event id is `gdelt-<GlobalEventID>`, its origin `gdelt`; the original row (in the 2.0
  layout) is kept in the `imported_events` table, so the GDELT export writes it back unchanged;
- one synthetic article per SOURCEURL (no text; the URL, its host as outlet, the DATEADDED day as
  date), or one per DATEADDED day for GDELT 1.0 files written before SOURCEURL existed;
- Actor1/Actor2 become source and target (name as text, CAMEO code, country, first type code);
  EventCode, EventRootCode, QuadClass and GoldsteinScale are kept as GDELT has them, the PLOVER
  type comes from tocsin's CAMEO table; ActionGeo becomes the location (FIPS country → ISO-3,
  the ADM1 name from FullName, latitude and longitude, precision from the geo type);
- a row that cannot be read, or has a bad value (not a date, not a CAMEO code, Goldstein outside
  −10 … 10 …), is rejected as `FILE:LINE: reason` in the `rejections` table; the rest load.

A row already stored (same GlobalEventID) is skipped, so importing a file twice adds nothing.
The column layouts are written here from GDELT's codebooks; the FIPS 10-4 table is
`data/fips.tsv`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from tocsin import cameo
from tocsin.store import ImportedOriginal, Store
from tocsin.types import ActorMention, Article, Attribution, Event, Location, Rejection, content_hash

LOGGER = logging.getLogger(__name__)

ORIGIN = "gdelt"

# The parts a CAMEO actor code splits into, as GDELT names them after "Actor1"/"Actor2".
ACTOR_CODE_PARTS = (
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_ACTOR_FIELDS = ("Code", "Name", *ACTOR_CODE_PARTS)
_GEO2_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

#: The GDELT 2.0 event export: 61 tab-separated columns, no header (GDELT 2.0 event codebook).
GDELT2_COLUMNS: tuple[str, ...] = (
    "GlobalEventID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{name}" for name in _ACTOR_FIELDS),
    *(f"Actor2{name}" for name in _ACTOR_FIELDS),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{name}" for name in _GEO2_FIELDS),
    *(f"Actor2Geo_{name}" for name in _GEO2_FIELDS),
    *(f"ActionGeo_{name}" for name in _GEO2_FIELDS),
    "DATEADDED",
    "SOURCEURL",
)

#: GDELT 1.0 daily exports from April 2013: the 2.0 layout without the three ADM2Code columns.
GDELT1_COLUMNS: tuple[str, ...] = tuple(name for name in GDELT2_COLUMNS if not name.endswith("_ADM2Code"))

#: GDELT 1.0 files before April 2013 (and the historical backfiles) also lack SOURCEURL.
GDELT1_NO_URL_COLUMNS: tuple[str, ...] = GDELT1_COLUMNS[:-1]

LAYOUTS: dict[int, tuple[str, tuple[str, ...]]] = {
    len(GDELT2_COLUMNS): ("GDELT 2.0", GDELT2_COLUMNS),
    len(GDELT1_COLUMNS): ("GDELT 1.0", GDELT1_COLUMNS),
    len(GDELT1_NO_URL_COLUMNS): ("GDELT 1.0", GDELT1_NO_URL_COLUMNS),
}

COLUMN_INDEX: dict[str, int] = {name: index for index, name in enumerate(GDELT2_COLUMNS)}

# Location.precision by GDELT geo type (1 country, 2 US state, 3 US place, 4 place, 5 world ADM1).
_PRECISION_OF_GEO_TYPE = {1: "country", 2: "admin1", 3: "city", 4: "city", 5: "admin1"}

_FIPS_TABLE = "data/fips.tsv"
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


# -- FIPS 10-4 country codes ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FipsTable:
    fips_of_iso3: dict[str, str]
    iso3_of_fips: dict[str, str]
    name_of_iso3: dict[str, str]


@functools.cache
def _fips_table() -> _FipsTable:
    text = (resources.files("tocsin") / _FIPS_TABLE).read_text(encoding="utf-8")
    fips_of: dict[str, str] = {}
    iso3_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        iso3, fips, name = (part.strip() for part in line.split("\t"))
        fips_of.setdefault(iso3, fips)
        names.setdefault(iso3, name)
        iso3_of.setdefault(fips, iso3)
    return _FipsTable(fips_of, iso3_of, names)


def fips_of(iso3: str | None) -> str | None:
    """Return the FIPS 10-4 country code GDELT uses for an ISO-3 country code ("IRQ" → "IZ")."""
    return _fips_table().fips_of_iso3.get(iso3.upper()) if iso3 else None


def iso3_of(fips: str | None) -> str | None:
    """Return the ISO-3 country code of a GDELT FIPS 10-4 country code ("IZ" → "IRQ")."""
    return _fips_table().iso3_of_fips.get(fips.upper()) if fips else None


def country_name(iso3: str | None) -> str | None:
    """Return the country name GDELT writes in its *Geo_FullName columns ("KOR" → "South Korea")."""
    return _fips_table().name_of_iso3.get(iso3.upper()) if iso3 else None


# -- reading files -------------------------------------------------------------------------------


def to_gdelt2_layout(fields: Sequence[str]) -> list[str]:
    """Return a GDELT 1.0 or 2.0 row in the 2.0 layout: empty ADM2 codes and SOURCEURL added."""
    if len(fields) == len(GDELT2_COLUMNS):
        return list(fields)
    if len(fields) not in LAYOUTS:
        raise ValueError(f"a GDELT event row has 57, 58 or 61 columns, not {len(fields)}")
    values = dict(zip(LAYOUTS[len(fields)][1], fields, strict=True))
    return [values.get(name, "") for name in GDELT2_COLUMNS]


@dataclass(frozen=True, slots=True)
class GdeltRow:
    """One data row of a GDELT export: where it is, its fields in the 2.0 layout, or its problem."""

    origin: str  # the file (or `archive.zip!member.CSV`)
    line: int
    fields: tuple[str, ...] = ()
    problem: str | None = None  # why the row cannot be read; `fields` is empty then

    @property
    def where(self) -> str:
        """`FILE:LINE`, as rejections name the row."""
        return f"{self.origin}:{self.line}"


def read_gdelt(path: str | Path) -> Iterator[GdeltRow | Rejection]:
    """Yield a `GdeltRow` for every data row of a GDELT event export, or a `Rejection` for the file.

    `path` is a `.CSV` export or a `.zip` holding them. The layout (1.0 or 2.0) is set by the
    file's first row; a row with another column count, or not UTF-8, comes with its `problem`.
    Fields are in the GDELT 2.0 layout (`to_gdelt2_layout`). An optional header row (starting
    with GLOBALEVENTID) is skipped. A missing or unreadable file is one `Rejection`; this never
    raises for bad input.
    """
    path = Path(path)
    if not path.exists():
        yield Rejection(str(path), "no such file")
        return
    if path.is_dir():
        yield Rejection(str(path), "is a folder, not a GDELT export file")
        return
    try:
        if zipfile.is_zipfile(path):
            yield from _read_zip(path)
            return
        with path.open("rb") as handle:
            yield from _read_rows(handle, str(path))
    except OSError as exc:
        yield Rejection(str(path), f"cannot read: {exc.strerror or exc}")


def _read_zip(path: Path) -> Iterator[GdeltRow | Rejection]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Rejection(str(path), f"not a readable zip archive: {exc}")
        return
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if not members:
            yield Rejection(str(path), "the zip archive holds no files")
        for info in members:
            origin = f"{path}!{info.filename}"
            try:
                with archive.open(info) as handle:
                    yield from _read_rows(handle, origin)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                yield Rejection(origin, f"cannot read from the zip archive: {exc}")


def _read_rows(handle: IO[bytes], origin: str) -> Iterator[GdeltRow]:
    layout: tuple[str, tuple[str, ...]] | None = None
    for number, raw in enumerate(handle, start=1):
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield GdeltRow(origin, number, problem=f"not UTF-8 text: {exc.reason} at byte {exc.start}")
            continue
        fields = text.split("\t")
        if layout is None and fields[0].strip().upper() == "GLOBALEVENTID":
            continue  # a header row some tools add
        if layout is None and len(fields) in LAYOUTS:
            layout = LAYOUTS[len(fields)]
        if layout is None or len(fields) != len(layout[1]):
            expected = (
                f"{len(layout[1])} tab-separated columns ({layout[0]})"
                if layout
                else "57, 58 (GDELT 1.0) or 61 (GDELT 2.0) tab-separated columns"
            )
            yield GdeltRow(origin, number, problem=f"expected {expected}, found {len(fields)}")
            continue
        yield GdeltRow(origin, number, tuple(to_gdelt2_layout(fields)))


# -- one row ---------------------------------------------------------------------------------------


def _field(fields: Sequence[str], name: str) -> str:
    return fields[COLUMN_INDEX[name]].strip()


def _integer(fields: Sequence[str], name: str, *, low: int | None = None, high: int | None = None) -> int:
    value = _field(fields, name)
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not an integer") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(f"{name} {number} is outside {low} .. {high}")
    return number


def _number(fields: Sequence[str], name: str, *, optional: bool = False) -> float | None:
    value = _field(fields, name)
    if not value and optional:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number") from None


def _day(value: str, name: str) -> date:
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a YYYYMMDD date") from None


def check_gdelt_row(fields: Sequence[str]) -> None:
    """Raise `ValueError` naming the first column of a 2.0-layout row whose value is malformed."""
    _integer(fields, "GlobalEventID", low=1)
    _day(_field(fields, "SQLDATE"), "SQLDATE")
    for name in ("MonthYear", "Year", "NumMentions", "NumSources", "NumArticles"):
        _integer(fields, name, low=0)
    _number(fields, "FractionDate")
    _integer(fields, "IsRootEvent", low=0, high=1)
    code = _field(fields, "EventCode")
    try:
        root = cameo.root_of(code)
    except ValueError:
        raise ValueError(f"EventCode {code!r} is not a CAMEO event code") from None
    if _field(fields, "EventRootCode") != root:
        raise ValueError(f"EventRootCode {_field(fields, 'EventRootCode')!r} is not the root of {code}")
    if not code.startswith(_field(fields, "EventBaseCode")) or len(_field(fields, "EventBaseCode")) < 2:
        raise ValueError(f"EventBaseCode {_field(fields, 'EventBaseCode')!r} does not head {code}")
    _integer(fields, "QuadClass", low=1, high=4)
    goldstein = _number(fields, "GoldsteinScale")
    if goldstein is None or not -10.0 <= goldstein <= 10.0:
        raise ValueError(f"GoldsteinScale {goldstein} is outside -10 .. 10")
    _number(fields, "AvgTone")
    for geo in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        _integer(fields, f"{geo}Type", low=0, high=5)
        _number(fields, f"{geo}Lat", optional=True)
        _number(fields, f"{geo}Long", optional=True)
    added = _field(fields, "DATEADDED")
    if not (added.isdigit() and len(added) in (8, 14)):
        raise ValueError(f"DATEADDED {added!r} is not YYYYMMDD or YYYYMMDDHHMMSS")
    _day(added, "DATEADDED")


def event_from_gdelt(fields: Sequence[str], *, origin: str = "") -> tuple[Article, Event]:
    """Return the synthetic article and the event of one GDELT row (2.0 layout).

    Raises `ValueError` naming the column when a value is malformed (`check_gdelt_row`).
    """
    check_gdelt_row(fields)
    global_id = _integer(fields, "GlobalEventID")
    url = _field(fields, "SOURCEURL")
    added = _field(fields, "DATEADDED")
    article = _synthetic_article(url, added, origin)
    code = _field(fields, "EventCode")
    plover_type, plover_mode = _plover_of(code)
    event = Event(
        event_id=f"gdelt-{global_id}",
        article_id=article.id,
        date=_day(_field(fields, "SQLDATE"), "SQLDATE"),
        sentence_index=0,
        sentence="",
        span=(0, 0),
        source=_actor(fields, "Actor1") or ActorMention("", 0, 0, rule=ORIGIN),
        target=_actor(fields, "Actor2"),
        cameo=code,
        cameo_root=_field(fields, "EventRootCode"),
        quad_class=_integer(fields, "QuadClass"),
        goldstein=float(_field(fields, "GoldsteinScale")),
        attribution=Attribution(via=(article.outlet,) if article.outlet else ()),
        location=_location(fields, "ActionGeo_"),
        plover_type=plover_type,
        plover_mode=plover_mode,
    )
    return article, event


def _synthetic_article(url: str, added: str, origin: str) -> Article:
    """One article per SOURCEURL, or per DATEADDED day where the row has no SOURCEURL."""
    day = _day(added, "DATEADDED")
    if url:
        parsed = urlparse(url)
        host = parsed.hostname if parsed.scheme in ("http", "https") else None
        outlet = (host.removeprefix("www.") if host else url) or None
        return Article(
            id=content_hash(f"{ORIGIN}\t{url}"),
            text="",
            date=day,
            url=url if host else None,
            outlet=outlet,
            origin=f"{ORIGIN}:{origin}" if origin else ORIGIN,
        )
    return Article(
        id=content_hash(f"{ORIGIN}\tdateadded\t{day.isoformat()}"),
        text="",
        title=f"GDELT events added on {day.isoformat()}",
        date=day,
        origin=f"{ORIGIN}:{origin}" if origin else ORIGIN,
    )


def _actor(fields: Sequence[str], prefix: str) -> ActorMention | None:
    code = _field(fields, f"{prefix}Code")
    name = _field(fields, f"{prefix}Name")
    if not code and not name:
        return None
    country = _field(fields, f"{prefix}CountryCode") or None
    known_group = _field(fields, f"{prefix}KnownGroupCode")
    kind = "country" if code and code == country else ("organisation" if known_group else "unknown")
    return ActorMention(
        text=name,
        start=0,
        end=0,
        code=code or None,
        country=country,
        role=_field(fields, f"{prefix}Type1Code") or None,
        kind=kind,
        rule=ORIGIN,
    )


def _location(fields: Sequence[str], prefix: str) -> Location | None:
    geo_type = _integer(fields, f"{prefix}Type")
    name = _field(fields, f"{prefix}FullName")
    if geo_type == 0 or not name:
        return None
    fips = _field(fields, f"{prefix}CountryCode")
    # FullName is "Country", "ADM1, Country" (types 2, 5) or "Place, ADM1, Country" (types 3, 4)
    parts = [part.strip() for part in name.split(",")]
    admin1 = (
        parts[0] if geo_type in (2, 5) else (parts[-2] if geo_type in (3, 4) and len(parts) >= 3 else None)
    )
    values: dict[str, Any] = {
        "lat": _number(fields, f"{prefix}Lat", optional=True),
        "lon": _number(fields, f"{prefix}Long", optional=True),
        "admin1": admin1,
        "precision": _PRECISION_OF_GEO_TYPE.get(geo_type),
    }
    # GDELT's FeatureID is a GNS id, not a GeoNames id: geonames_id stays empty. Only the fields
    # this version's Location has are filled.
    known = {f.name for f in dataclasses.fields(Location)}
    extra = {key: value for key, value in values.items() if key in known and value is not None}
    return Location(name=parts[0] if geo_type != 1 else name, country=iso3_of(fips), method=ORIGIN, **extra)


def _plover_of(code: str) -> tuple[str | None, str | None]:
    """The PLOVER type and mode of a CAMEO code, from its longest prefix in tocsin's table."""
    for length in range(len(code), 1, -1):
        if cameo.is_valid(code[:length]):
            entry = cameo.lookup(code[:length])
            return entry.plover_type, entry.plover_mode
    return None, None


# -- importing files -------------------------------------------------------------------------------


@dataclass(slots=True)
class GdeltImport:
    """What one import did: every data row is added, already stored, or rejected."""

    files: int = 0
    rows: int = 0
    added: int = 0
    already_stored: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """Rows (and unreadable files) that were rejected."""
        return len(self.rejections)


def import_gdelt(
    store: Store,
    paths: Iterable[str | Path],
    *,
    batch_size: int = 5000,
    on_rejection: Callable[[Rejection], None] | None = None,
) -> GdeltImport:
    """Read GDELT 1.0/2.0 event exports (`.CSV` or `.zip`) into the store's event tables.

    Each batch of rows is stored in one transaction with its rejections (recorded in the
    `rejections` table as `FILE:LINE: reason`); `on_rejection`, if given, is called with each
    `Rejection` as it is found. Returns the counts: `rows == added + already_stored +` the rows
    rejected (a missing or unreadable file is one rejection and no row).
    """
    report = GdeltImport()
    articles: dict[str, Article] = {}
    events: list[Event] = []
    originals: list[ImportedOriginal] = []
    rejections: list[Rejection] = []

    def reject(rejection: Rejection) -> None:
        rejections.append(rejection)
        if on_rejection is not None:
            on_rejection(rejection)

    def flush() -> None:
        if not (events or rejections):
            return
        added = store.add_imported(
            list(articles.values()), events, origin=ORIGIN, originals=originals, rejections=rejections
        )
        report.added += added
        report.already_stored += len(events) - added
        report.rejections.extend(rejections)
        articles.clear()
        events.clear()
        originals.clear()
        rejections.clear()

    for path in paths:
        report.files += 1
        for item in read_gdelt(path):
            if isinstance(item, Rejection):
                reject(item)
                continue
            report.rows += 1
            if item.problem is not None:
                reject(Rejection(item.where, item.problem))
                continue
            try:
                article, event = event_from_gdelt(item.fields, origin=Path(item.origin).name)
            except ValueError as exc:
                reject(Rejection(item.where, str(exc)))
                continue
            articles.setdefault(article.id, article)
            events.append(event)
            global_id = int(_field(item.fields, "GlobalEventID"))
            originals.append(ImportedOriginal(event.event_id, global_id, item.fields, item.where))
            if len(events) + len(rejections) >= batch_size:
                flush()
    flush()
    LOGGER.info(
        "GDELT import: %d rows, %d added, %d already stored, %d rejected",
        report.rows,
        report.added,
        report.already_stored,
        report.rejected,
    )
    return report
