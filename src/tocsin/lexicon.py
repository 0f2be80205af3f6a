"""Actor lexicons (countries, roles, organisations and outlets) and a phrase matcher over tokens.

The tables come from pycountry's ISO 3166 names plus the package's own ``data/countries.tsv``,
``data/roles.tsv`` and ``data/organisations.tsv``; users add organisations-format TSV files with
`load_user_table`. ``data/people.tsv`` is a dated directory of well-known people: a name and a day
give the CAMEO code of the position held then (`people_directory`, `load_people_table`).

Matching works on token texts as spaCy gives them (``["the", "U.S.", "Defense", "Department"]``;
``"Iran's"`` arrives as ``"Iran", "'s"``). Every rule lives in `normalise_word` and `PhraseTable`:

- periods vanish (``"U.S."`` is ``"US"``), accents fold (``"Côte"`` is ``"Cote"``), curly
  apostrophes straighten, ``"&"`` reads ``"and"``;
- hyphens are ignored: a token made of dashes is skipped and a hyphenated token counts as its
  parts, so ``"al-Qaeda"``, ``"al - Qaeda"`` and ``"al Qaeda"`` all match the same entry. A match
  may end inside a hyphenated token (``"U.S.-led"`` matches ``"U.S."``); the whole token then
  belongs to the match;
- case: a lexicon word written in lower case matches in any case (``"minister"`` matches
  ``"Minister"``); a capitalised lexicon word matches capitalised or upper-case text but not
  all-lower-case text, so ``"turkey"`` is not Turkey and ``"the guardian"`` is not The Guardian
  (small function words such as "the" and "of" match in any case; after the first capitalised
  word of a multi-word name, the others match in any case: "Quds force"); a short all-caps acronym
  (2 to 4 letters or digits: US, UK, UN, WHO, IRNA) matches only in capitals, so the pronoun
  ``"us"`` never matches ``"US"``;
- role nouns also match their regular plurals (``"militia"`` gives ``"militias"``, ``"spokesman"``
  gives ``"spokesmen"``), generated when the role table loads;
- the longest entry wins (``"United States"`` over ``"United"``); between entries of the same
  length, the one loaded first wins.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import pycountry

from tocsin.errors import DictionaryError

LOGGER = logging.getLogger(__name__)

# CAMEO role codes (CAMEO manual 1.1b3, tables 3.1 and 3.2), plus the few that PETRARCH's Phoenix
# dictionaries and GDELT's CAMEO type list add; roles.tsv and organisations.tsv use only these.
ROLE_CODES: frozenset[str] = frozenset(
    {
        # primary domestic roles
        "COP",  # police
        "GOV",  # government, executive
        "INS",  # insurgents seeking to overthrow the national government
        "JUD",  # judiciary
        "MIL",  # military
        "OPP",  # political opposition
        "REB",  # rebels, armed opposition
        "SEP",  # separatist rebels
        "SPY",  # state intelligence
        "UAF",  # armed forces aligned neither with nor against their government
        "PTY",  # political party (comes after GOV or OPP in a full code)
        # secondary roles
        "AGR",  # agriculture
        "BUS",  # business
        "CRM",  # criminal
        "CVL",  # civilians
        "DEV",  # development
        "EDU",  # education
        "ELI",  # elites
        "ENV",  # environment
        "HLH",  # health
        "HRI",  # human rights
        "LAB",  # labour
        "LEG",  # legislature
        "MED",  # media
        "REF",  # refugees
        # tertiary roles
        "MOD",  # moderate
        "RAD",  # radical
        # international generic codes used as roles
        "IGO",  # inter-governmental organisation
        "NGO",  # non-governmental organisation
        "NGM",  # non-governmental movement
        "IMG",  # international militarised group
        "MNC",  # multinational corporation
        "INT",  # international, unspecified
        "UIS",  # unidentified state actor
        "PKO",  # peacekeepers
        # additions by PETRARCH's Phoenix dictionaries and GDELT's CAMEO type list
        "REL",  # clergy of any religion (Phoenix)
        "SET",  # settlers (GDELT)
    }
)

# CAMEO international region codes (CAMEO manual 1.1b3, table 3.3), for regions in countries.tsv.
REGION_CODES: frozenset[str] = frozenset(
    {"AFR", "ASA", "BLK", "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU", "EUR", "LAM"}
    | {"MEA", "MDT", "NAF", "NMR", "PGS", "SCN", "SAM", "SAS", "SEA", "SAF", "WAF", "WST"}
)

COUNTRY_KINDS: frozenset[str] = frozenset({"name", "alias", "demonym", "capital", "region"})
ORGANISATION_KINDS: frozenset[str] = frozenset({"igo", "ngo", "group", "outlet", "org"})

_DATA = "data"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_CHAR_MAP = str.maketrans(
    {
        ".": None,
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        **{dash: "-" for dash in _DASHES[1:]},
    }
)
_EDGE_PUNCT = '(),;:"'
# Words that match in any case even inside a capitalised entry ("the Guardian", "Gulf of Mexico").
_FUNCTION_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "de", "del", "der", "des", "di", "do", "dos", "du", "el", "for"}
    | {"in", "la", "le", "les", "of", "on", "or", "the", "to", "van", "von", "y"}
)
# A role phrase pluralises the word before its first preposition ("secretaries of state").
_PREPOSITIONS = frozenset({"of", "for", "to", "in", "on", "at"})
_ACRONYM = re.compile(r"^[A-Z0-9]{2,4}$")

_ANY, _CAPITAL, _EXACT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One surface form of an actor and the CAMEO code it contributes.

    ``code`` is the ISO-3 country for country entries, the role code for roles and the full CAMEO
    code for organisations; ``country`` and ``role`` say what the entry implies, when it does.
    """

    phrase: str
    code: str
    kind: str
    origin: str
    country: str | None = None
    role: str | None = None


@lru_cache(maxsize=1 << 16)
def normalise_word(word: str) -> str:
    """Return the comparable form of one word: accents folded, periods dropped, dashes unified.

    Case is kept (callers casefold for the lookup key, and case rules compare this form);
    ``"U.S."`` becomes ``"US"``, ``"Côte"`` becomes ``"Cote"``, ``"&"`` becomes ``"and"``.
    """
    decomposed = unicodedata.normalize("NFKD", word)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    normal = folded.translate(_CHAR_MAP)
    return "and" if normal == "&" else normal


def split_phrase(phrase: str) -> list[str]:
    """Split a lexicon phrase into words the way spaCy tokenises them.

    Whitespace separates words; brackets, commas and quotes at a word's edges are words of their
    own, and a final ``'s`` or plural ``'`` is split off (``"People's"`` gives ``"People", "'s"``,
    ``"Workers'"`` gives ``"Workers", "'"``).
    """
    words: list[str] = []
    for chunk in phrase.split():
        trailing: list[str] = []
        while chunk and chunk[0] in _EDGE_PUNCT:
            words.append(chunk[0])
            chunk = chunk[1:]
        while chunk and chunk[-1] in _EDGE_PUNCT:
            trailing.append(chunk[-1])
            chunk = chunk[:-1]
        if len(chunk) > 2 and chunk[-2:].lower() in ("'s", "\u2019s"):
            words.extend((chunk[:-2], chunk[-2:]))
        elif len(chunk) > 2 and chunk[-1] in "'\u2019" and chunk[-2] in "sS":
            words.extend((chunk[:-1], chunk[-1]))
        elif chunk:
            words.append(chunk)
        words.extend(reversed(trailing))
    return words


@lru_cache(maxsize=1 << 16)
def _cached_word_parts(word: str) -> tuple[str, ...]:
    """Normalised parts of one token; none for a token made only of dashes."""
    normal = normalise_word(word)
    if normal and not normal.strip("-"):
        return ()
    parts = tuple(part for part in normal.split("-") if part)
    return parts or (normal,)


@lru_cache(maxsize=1 << 16)
def _first_key(word: str) -> str | None:
    """The index key of a token: its first normalised part, case-folded; None for a dash."""
    parts = _cached_word_parts(word)
    return parts[0].casefold() if parts else None


def _case_mode(part: str) -> int:
    """How strictly a lexicon word must match the text's case (see the module docstring)."""
    if _ACRONYM.match(part) and any(ch.isalpha() for ch in part):
        return _EXACT
    if part[:1].isupper() and part.casefold() not in _FUNCTION_WORDS:
        return _CAPITAL
    return _ANY


@dataclass(frozen=True, slots=True)
class _Pattern:
    keys: tuple[str, ...]
    forms: tuple[str, ...]
    modes: tuple[int, ...]
    entry: LexiconEntry


def _pattern(entry: LexiconEntry) -> _Pattern | None:
    forms = [part for word in split_phrase(entry.phrase) for part in _cached_word_parts(word)]
    forms = [form for form in forms if form]
    if not forms:
        return None
    modes = [_case_mode(form) for form in forms]
    # Only the first capitalised word of a name must be capitalised in the text: news writes
    # "Quds force" and "Revolutionary Guards corps" as often as the official capitals.
    capitalised = [index for index, mode in enumerate(modes) if mode == _CAPITAL]
    for index in capitalised[1:]:
        modes[index] = _ANY
    return _Pattern(
        keys=tuple(form.casefold() for form in forms),
        forms=tuple(forms),
        modes=tuple(modes),
        entry=entry,
    )


class PhraseTable:
    """Entries indexed by their first word, longest first, for fast longest-match lookup."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self._entries: list[LexiconEntry] = []
        self._index: dict[str, list[_Pattern]] = {}
        seen: dict[tuple[tuple[str, ...], tuple[int, ...]], LexiconEntry] = {}
        for entry in entries:
            pattern = _pattern(entry)
            if pattern is None:
                LOGGER.warning("%s: phrase %r has no words; skipped", entry.origin, entry.phrase)
                continue
            signature = (pattern.keys, pattern.modes)
            earlier = seen.get(signature)
            if earlier is not None:
                if (earlier.code, earlier.country, earlier.role) != (
                    entry.code,
                    entry.country,
                    entry.role,
                ):
                    LOGGER.warning(
                        "%s: %r is already %s from %s; the first wins",
                        entry.origin,
                        entry.phrase,
                        earlier.code,
                        earlier.origin,
                    )
                continue
            seen[signature] = entry
            self._entries.append(entry)
            self._index.setdefault(pattern.keys[0], []).append(pattern)
        for patterns in self._index.values():
            patterns.sort(key=lambda pattern: len(pattern.keys), reverse=True)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[LexiconEntry]:
        return iter(self._entries)

    def entries(self) -> list[LexiconEntry]:
        """Every entry kept, in load order (later duplicates of a phrase are dropped)."""
        return list(self._entries)

    def match(self, words: Sequence[str], start: int = 0) -> tuple[int, LexiconEntry] | None:
        """Longest entry whose words equal words[start:end]; returns (end, entry).

        ``end`` is exclusive. Dash tokens inside the span are skipped; the match must start at
        ``words[start]`` and a dash token there never matches.
        """
        if not 0 <= start < len(words):
            return None
        key = _first_key(words[start])
        if key is None:
            return None
        candidates = self._index.get(key)
        if not candidates:
            return None
        stream = _TokenStream(words, start, len(candidates[0].keys))
        for pattern in candidates:
            end = stream.match(pattern)
            if end is not None:
                return end, pattern.entry
        return None

    def can_start(self, word: str) -> bool:
        """True when some entry begins with this word (case rules aside): a cheap pre-check."""
        key = _first_key(word)
        return key is not None and key in self._index

    def lookup(self, phrase: str) -> LexiconEntry | None:
        """The entry for a whole phrase (split like lexicon phrases), or None."""
        words = split_phrase(phrase)
        found = self.match(words)
        if found is None or found[0] != len(words):
            return None
        return found[1]


class _TokenStream:
    """The normalised parts of tokens from ``start`` on, each with the token it came from."""

    __slots__ = ("_parts",)

    def __init__(self, words: Sequence[str], start: int, limit: int) -> None:
        self._parts: list[tuple[str, str, int]] = []
        index = start
        while len(self._parts) < limit and index < len(words):
            for part in _cached_word_parts(words[index]):
                self._parts.append((part, part.casefold(), index))
            index += 1

    def match(self, pattern: _Pattern) -> int | None:
        """End (exclusive token index) of ``pattern`` matched at the stream's start, or None."""
        if len(pattern.keys) > len(self._parts):
            return None
        for (text, key, _), want_key, form, mode in zip(
            self._parts, pattern.keys, pattern.forms, pattern.modes, strict=False
        ):
            if key != want_key:
                return None
            if mode == _EXACT and text != form:
                return None
            if mode == _CAPITAL and text.islower():
                return None
        return self._parts[len(pattern.keys) - 1][2] + 1


def _plural_word(word: str) -> str | None:
    """Regular English plural of a role noun, or None when it already ends in s."""
    lower = word.lower()
    if not lower[-1:].isalpha() or lower.endswith("s"):
        return None
    if lower.endswith("man"):
        return word[:-3] + ("MEN" if word.isupper() else "men")
    if lower.endswith("person"):
        return word[:-6] + "people"
    if lower.endswith(("ch", "sh", "x", "z")):
        return word + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def plural_phrase(phrase: str) -> str | None:
    """Plural of a role phrase: its head noun in the plural ("chiefs of staff")."""
    words = phrase.split()
    head = len(words) - 1
    for index, word in enumerate(words[1:], start=1):
        if word.lower() in _PREPOSITIONS:
            head = index - 1
            break
    plural = _plural_word(words[head])
    if plural is None:
        return None
    return " ".join([*words[:head], plural, *words[head + 1 :]])


# --- reading the TSV files ---------------------------------------------------------------------


_Row = TypeVar("_Row")


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Numbered tab-separated fields of each non-blank, non-comment line."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield number, [field.strip() for field in line.split("\t")]


@cache
def _known_countries() -> frozenset[str]:
    return frozenset({country.alpha_3 for country in pycountry.countries}) | frozenset(
        code for code, _ in _extra_country_names()
    )


def _check_country(code: str) -> str | None:
    if code not in _known_countries():
        return f"unknown country code {code!r}"
    return None


def _country_row(fields: list[str], where: str) -> LexiconEntry:
    if len(fields) < 3:
        raise ValueError("expected phrase, country, kind and an optional comment")
    phrase, code, kind = fields[:3]
    if not phrase:
        raise ValueError("empty phrase")
    if kind not in COUNTRY_KINDS:
        raise ValueError(f"kind {kind!r} is not one of {sorted(COUNTRY_KINDS)}")
    if kind == "region" and code in REGION_CODES:
        # International regions carry a CAMEO region code (LAM, MEA ...) and imply no country.
        return LexiconEntry(phrase, code, kind, where)
    problem = _check_country(code)
    if problem:
        raise ValueError(problem)
    return LexiconEntry(phrase, code, kind, where, country=code)


def _role_row(fields: list[str], where: str) -> LexiconEntry:
    if len(fields) < 2:
        raise ValueError("expected phrase, role and an optional comment")
    phrase, role = fields[:2]
    if not phrase:
        raise ValueError("empty phrase")
    if role not in ROLE_CODES:
        raise ValueError(f"role {role!r} is not a CAMEO role code")
    return LexiconEntry(phrase, role, "role", where, role=role)


def _organisation_row(fields: list[str], where: str) -> LexiconEntry:
    if len(fields) < 3:
        raise ValueError("expected phrase, code, kind, country, role and an optional comment")
    fields = fields + [""] * (5 - len(fields))
    phrase, code, kind, country, role = fields[:5]
    if not phrase:
        raise ValueError("empty phrase")
    if not (code.isalpha() and code.isupper() and len(code) % 3 == 0):
        raise ValueError(f"code {code!r} is not a CAMEO code (upper-case letters in threes)")
    if kind not in ORGANISATION_KINDS:
        raise ValueError(f"kind {kind!r} is not one of {sorted(ORGANISATION_KINDS)}")
    if country:
        problem = _check_country(country)
        if problem:
            raise ValueError(problem)
    if role and role not in ROLE_CODES:
        raise ValueError(f"role {role!r} is not a CAMEO role code")
    return LexiconEntry(phrase, code, kind, where, country=country or None, role=role or None)


def _parse(text: str, origin: str, row: Callable[[list[str], str], _Row], *, strict: bool) -> list[_Row]:
    """Rows of TSV text parsed by `row`; a bad line raises when ``strict``, else is logged and
    skipped."""
    entries: list[_Row] = []
    for number, fields in _rows(text):
        try:
            entries.append(row(fields, f"{origin}:{number}"))
        except ValueError as problem:
            if strict:
                raise DictionaryError(origin, number, str(problem)) from None
            LOGGER.warning("%s:%d: %s; line skipped", origin, number, problem)
    return entries


def _read_user_table(path: str | Path) -> tuple[str, str]:
    """(origin, text) of a user's table; `DictionaryError` when it cannot be read at all."""
    origin = str(path)
    try:
        return origin, Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        reason = problem.strerror if isinstance(problem, OSError) else str(problem)
        raise DictionaryError(origin, 0, f"cannot read: {reason or problem}") from problem


def _package_text(name: str) -> str:
    return resources.files("tocsin").joinpath(_DATA, name).read_text(encoding="utf-8")


@cache
def _extra_country_names() -> tuple[tuple[str, str], ...]:
    """(code, name) for countries that countries.tsv names and pycountry lacks (Kosovo)."""
    known = {country.alpha_3 for country in pycountry.countries}
    extra = []
    for _, fields in _rows(_package_text("countries.tsv")):
        if len(fields) >= 3 and fields[2] == "name" and fields[1] not in known:
            extra.append((fields[1], fields[0]))
    return tuple(extra)


def _pycountry_entries() -> Iterator[LexiconEntry]:
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            phrase = getattr(country, attribute, None)
            if phrase:
                yield LexiconEntry(phrase, country.alpha_3, "name", "pycountry", country.alpha_3)


@cache
def country_table() -> PhraseTable:
    """ISO 3166 names from pycountry plus countries.tsv: aliases, demonyms, capitals, regions."""
    additions = _parse(_package_text("countries.tsv"), "countries.tsv", _country_row, strict=True)
    return PhraseTable([*_pycountry_entries(), *additions])


@cache
def role_table() -> PhraseTable:
    """Role nouns and titles from roles.tsv, each with its regular plural."""
    entries: list[LexiconEntry] = []
    for entry in _parse(_package_text("roles.tsv"), "roles.tsv", _role_row, strict=True):
        entries.append(entry)
        plural = plural_phrase(entry.phrase)
        if plural is not None:
            entries.append(LexiconEntry(plural, entry.code, entry.kind, entry.origin, role=entry.role))
    return PhraseTable(entries)


@cache
def organisation_table() -> PhraseTable:
    """IGOs, NGOs, armed and political groups, national institutions and news outlets."""
    text = _package_text("organisations.tsv")
    return PhraseTable(_parse(text, "organisations.tsv", _organisation_row, strict=True))


def load_user_table(path: str | Path) -> PhraseTable:
    """A phrase table from a user TSV in the organisations.tsv layout.

    Columns: phrase, code, kind, country, role, comment. Malformed lines are logged (file and
    line) and skipped; `DictionaryError` is raised only when the file cannot be read at all.
    """
    origin, text = _read_user_table(path)
    return PhraseTable(_parse(text, origin, _organisation_row, strict=False))


def country_name(iso3: str) -> str | None:
    """The usual English name of a country code ("IRN" gives "Iran"), or None if unknown."""
    country = pycountry.countries.get(alpha_3=iso3.upper())
    if country is not None:
        return str(getattr(country, "common_name", None) or country.name)
    for code, name in _extra_country_names():
        if code == iso3.upper():
            return name
    return None


# --- people: a dated directory of well-known persons ------------------------------------------

# Generic first codes a person's term may start with besides a country (CAMEO manual 1.1b3,
# tables 3.2 and 3.3): the codes of international organisations and groups.
_GENERIC_ACTOR_CODES = frozenset({"IGO", "NGO", "NGM", "IMG", "MNC", "INT", "UIS"})
_CAMEO_CODE = re.compile(r"^(?:[A-Z]{3})+$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Words before a name that are not part of it; `PeopleDirectory.lookup` tries the name without
# one of them when the whole string names nobody ("Mr Putin", "Sheikh Nasrallah").
_HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "sheikh", "sheik", "shaikh"}
    | {"ayatollah", "grand ayatollah", "hojatoleslam", "mullah", "sayyed", "sayyid", "comrade"}
)
# Arabic articles inside a name ("Bashar al-Assad", "Abdel Fattah el-Sisi") are optional in
# English news; a person key drops them except at the start ("Al Gore").
_NAME_ARTICLES = frozenset({"al", "el"})


@dataclass(frozen=True, slots=True)
class PersonTerm:
    """One period in which a person held a position, and the full CAMEO code it gives them.

    ``start`` and ``end`` are inclusive; None leaves that side open (``end`` None: still held).
    """

    code: str
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        """True when ``day`` falls within the term."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def describe(self) -> str:
        """The term as people.tsv writes it, with a space for the colon: "RUSGOV 2012-05-07.."."""
        if self.start is None and self.end is None:
            return self.code
        start = self.start.isoformat() if self.start else ""
        end = self.end.isoformat() if self.end else ""
        return f"{self.code} {start}..{end}"


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """A person of the people directory: the names they go by, their country and their terms.

    ``country`` is None for a person known only through international organisations; ``origin``
    is the file and line the entry came from.
    """

    name: str
    aliases: tuple[str, ...]
    country: str | None
    terms: tuple[PersonTerm, ...]
    origin: str

    def code_on(self, day: date | None) -> tuple[str, str]:
        """(full CAMEO code, reason) for this person on ``day`` (None: their latest term)."""
        label = f"person {self.name!r} ({self.origin}"
        if not self.terms:
            country = self.country or ""
            return country, f"{label}: no dated position)"
        if day is None:
            latest = max(self.terms, key=_term_order)
            return latest.code, f"{label}: latest term {latest.describe()})"
        covering = [term for term in self.terms if term.covers(day)]
        if covering:
            term = max(covering, key=_term_order)
            return term.code, f"{label}: {term.describe()})"
        if self.country is None:
            nearest = min(self.terms, key=lambda term: _distance(term, day))
            return nearest.code, f"{label}: out of office, nearest term {nearest.describe()})"
        ended = [term for term in self.terms if term.end is not None and term.end < day]
        if ended:
            last = max(ended, key=lambda term: term.end or date.min)
            code = self.country + "ELI"
            return code, f"{label}: out of office since {last.describe()}: {code})"
        return self.country, f"{label}: not yet in office on {day.isoformat()}: {self.country})"

    def covers(self, day: date) -> bool:
        """True when one of the person's terms covers ``day``."""
        return any(term.covers(day) for term in self.terms)


def _term_order(term: PersonTerm) -> date:
    return term.start or date.min


def _distance(term: PersonTerm, day: date) -> int:
    if term.start is not None and day < term.start:
        return (term.start - day).days
    if term.end is not None and day > term.end:
        return (day - term.end).days
    return 0


def person_key(name: str | Sequence[str]) -> str:
    """The comparable form of a person's name, as written in text or in people.tsv.

    Words fold like the other tables (accents, periods, dashes: `normalise_word`) and casefold;
    apostrophes inside words and a final possessive vanish ("Ya'alon" is "Yaalon", "Putin's" is
    "Putin"); runs of initials join ("George H. W. Bush" is "George H.W. Bush"); an Arabic article
    after the first word is dropped ("Bashar al-Assad" is "Bashar Assad").
    """
    words = split_phrase(name) if isinstance(name, str) else list(name)
    while words and (words[-1] in _EDGE_PUNCT or words[-1] in ("'s", "'", "\u2019s", "\u2019")):
        words.pop()
    parts: list[str] = []
    initials = False  # the last part is a run of single letters
    for word in words:
        if word in _EDGE_PUNCT:
            continue
        for raw in _cached_word_parts(word):
            part = raw.casefold().replace("'", "")
            if not part or (parts and part in _NAME_ARTICLES):
                continue
            if len(part) == 1 and part.isalpha():
                if initials:
                    parts[-1] += part
                else:
                    parts.append(part)
                initials = True
            else:
                parts.append(part)
                initials = False
    return " ".join(parts)


class PeopleDirectory:
    """Well-known persons by name, each with the dated CAMEO codes of the positions they held."""

    def __init__(self, entries: Iterable[PersonEntry]) -> None:
        self._entries: list[PersonEntry] = []
        self._index: dict[str, list[PersonEntry]] = {}
        for entry in entries:
            self._entries.append(entry)
            keys = {person_key(entry.name), *(person_key(alias) for alias in entry.aliases)}
            for key in sorted(keys):
                if key:
                    self._index.setdefault(key, []).append(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[PersonEntry]:
        return iter(self._entries)

    def entries(self) -> list[PersonEntry]:
        """Every entry, in load order."""
        return list(self._entries)

    def candidates(self, name: str | Sequence[str]) -> list[PersonEntry]:
        """The entries whose name or an alias is ``name`` (after a leading honorific, if none)."""
        key = person_key(name)
        found = self._index.get(key)
        if found is None:
            for honorific in _HONORIFICS:
                if key.startswith(honorific + " "):
                    found = self._index.get(key[len(honorific) + 1 :])
                    if found:
                        break
        return list(found or ())

    def lookup(self, name: str | Sequence[str], day: date | None) -> tuple[str, str] | None:
        """(full CAMEO code, reason) for a person's name as written in text, valid on ``day``.

        ``name`` is the name alone (the caller strips titles such as "President"), as a string or
        as its tokens. Within a term the person has that term's code; after their last term ended,
        their country + ELI; before their first term, their country alone; a person of
        international organisations only (no country) keeps the code of their nearest term. With
        ``day`` None the latest term counts. When the name belongs to several people whose codes
        differ, the one in office on ``day`` wins if only one is; otherwise the name is ambiguous
        and the result is None.
        """
        found = self.candidates(name)
        if not found:
            return None
        results = [entry.code_on(day) for entry in found]
        if len({code for code, _ in results}) == 1:
            return results[0][0], " or ".join(reason for _, reason in results)
        if day is not None:
            in_office = [result for entry, result in zip(found, results, strict=True) if entry.covers(day)]
            if len(in_office) == 1:
                return in_office[0]
        return None


def _parse_day(text: str) -> date | None:
    if not text:
        return None
    if not _ISO_DAY.match(text):
        raise ValueError(f"date {text!r} is not YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text!r} does not exist") from None


def _check_person_code(code: str) -> None:
    if not _CAMEO_CODE.match(code):
        raise ValueError(f"code {code!r} is not a CAMEO code (upper-case letters in threes)")
    first = code[:3]
    if first not in _GENERIC_ACTOR_CODES and first not in REGION_CODES and _check_country(first):
        raise ValueError(f"code {code!r} starts with neither a country nor a generic code (IGO, IMG ...)")


def _person_term(text: str) -> PersonTerm:
    code, colon, period = text.partition(":")
    code = code.strip()
    _check_person_code(code)
    if not colon:
        return PersonTerm(code, None, None)
    start_text, dots, end_text = period.partition("..")
    if not dots:
        raise ValueError(f"term {text!r} is not CODE:YYYY-MM-DD..YYYY-MM-DD")
    start, end = _parse_day(start_text.strip()), _parse_day(end_text.strip())
    if start is not None and end is not None and end < start:
        raise ValueError(f"term {text!r} ends before it starts")
    return PersonTerm(code, start, end)


def _person_row(fields: list[str], where: str) -> PersonEntry:
    if len(fields) < 3:
        raise ValueError("expected name, aliases, country, terms and an optional comment")
    fields = fields + [""] * (4 - len(fields))
    name, alias_text, country, term_text = fields[:4]
    if not name:
        raise ValueError("empty name")
    aliases = tuple(alias.strip() for alias in alias_text.split("|") if alias.strip())
    if country:
        problem = _check_country(country)
        if problem:
            raise ValueError(problem)
    terms = tuple(_person_term(term.strip()) for term in term_text.split(";") if term.strip())
    if not country and not terms:
        raise ValueError("a person needs a country or at least one term")
    return PersonEntry(name, aliases, country or None, terms, where)


@lru_cache(maxsize=1)
def people_directory() -> PeopleDirectory:
    """The built-in directory of well-known people (data/people.tsv)."""
    return PeopleDirectory(_parse(_package_text("people.tsv"), "people.tsv", _person_row, strict=True))


def load_people_table(path: str | Path) -> PeopleDirectory:
    """A people directory from a user TSV in the people.tsv layout.

    Columns: name, aliases, country, terms, comment. Malformed lines are logged (file and line)
    and skipped; `DictionaryError` is raised only when the file cannot be read at all.
    """
    origin, text = _read_user_table(path)
    return PeopleDirectory(_parse(text, origin, _person_row, strict=False))
