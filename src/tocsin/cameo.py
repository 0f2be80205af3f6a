"""The CAMEO event ontology: codes, names, Goldstein weights, quad classes and PLOVER types."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tocsin.errors import DictionaryError

LOGGER = logging.getLogger(__name__)

_PACKAGE_TABLE = "data/cameo.tsv"
_CODE_RE = re.compile(r"\d{2,4}")
_REQUIRED_COLUMNS = 4
_ALL_COLUMNS = 7

# PLOVER 0.8 event types; CAMEO 01 and 02 have none.
_PLOVER_TYPES = frozenset(
    {
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "CONCEDE",
        "COOPERATE",
        "AID",
        "RETREAT",
        "REQUEST",
        "ACCUSE",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",
    }
)

# Folds PLOVER type names of different PLOVER versions (0.5 gold data, 0.8 tables) onto one label
# each, so that gold and coded types can be compared; types not listed fold onto themselves.
PLOVER_FOLD: dict[str, str] = {
    "RETREAT": "YIELD",
    "CONCEDE": "YIELD",
    "DEMAND": "REQUEST",
    "REQUEST": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "ACCUSE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
    "ASSAULT": "ASSAULT",
}


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code with its weight, quad class and PLOVER mapping."""

    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None

    @property
    def root(self) -> str:
        """The two-digit root category of this code, e.g. "03" for "0311"."""
        return self.code[:2]


def root_of(code: str) -> str:
    """Return the two-digit root of a CAMEO code ("0311" -> "03").

    Raises ValueError when `code` is not two to four digits under a root from 01 to 20.
    """
    code = code.strip()
    if not _CODE_RE.fullmatch(code) or not 1 <= int(code[:2]) <= 20:
        raise ValueError(f"not a CAMEO event code: {code!r}")
    return code[:2]


def quad_class_of(code: str) -> int:
    """Return GDELT's quad class (1..4) of a CAMEO code, decided by its root.

    1 verbal cooperation (01-05), 2 material cooperation (06-08), 3 verbal conflict (09-13),
    4 material conflict (14-20). Raises ValueError for a malformed code.
    """
    root = int(root_of(code))
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    return 4


def fold_plover(event_type: str) -> str:
    """Map a PLOVER type onto its version-independent comparison label (see PLOVER_FOLD)."""
    return PLOVER_FOLD.get(event_type, event_type)


def load_table(path: str | Path) -> dict[str, CameoCode]:
    """Read a CAMEO table in tocsin's tab-separated format, keyed by code.

    Lets users extend or replace the packaged ontology. Raises DictionaryError naming the file
    and line of the first malformed row.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        return _parse_table(handle, str(path))


def codes() -> dict[str, CameoCode]:
    """Return every code of the packaged CAMEO ontology, keyed by code.

    The table is read once and cached; the returned dict is a copy the caller may change.
    """
    return dict(_packaged_table())


def lookup(code: str) -> CameoCode:
    """Return the CameoCode for `code`; raise KeyError if the ontology has no such code.

    Codes a loaded dictionary registered (`register_dictionary_code`) are found too.
    """
    try:
        return _packaged_table()[code.strip()]
    except KeyError:
        if code.strip() in _DICTIONARY_CODES:
            return _DICTIONARY_CODES[code.strip()]
        raise KeyError(f"unknown CAMEO event code: {code!r}") from None


def is_valid(code: str) -> bool:
    """Tell whether `code` is a code of the packaged CAMEO ontology (or a loaded dictionary's)."""
    return code.strip() in _packaged_table() or code.strip() in _DICTIONARY_CODES


# Codes used by loaded PETRARCH/TABARI verb dictionaries that the packaged table lacks (their
# unit tests use 904, 174K, 1010, ...). Only tocsin.petrarch registers them.
_DICTIONARY_CODES: dict[str, CameoCode] = {}


def register_dictionary_code(code: str, origin: str) -> CameoCode:
    """Accept `code`, used by the dictionary entry `origin`, though the packaged table lacks it.

    It borrows the weight, quad class and PLOVER type of its longest known prefix ("1717" those
    of "171"); without one it weighs 0 and has quad class 0 (unknown).
    """
    code = code.strip()
    table = _packaged_table()
    if code in table:
        return table[code]
    parent = next((table[code[:n]] for n in range(len(code) - 1, 1, -1) if code[:n] in table), None)
    entry = CameoCode(
        code=code,
        name=f"dictionary code ({origin})",
        goldstein=parent.goldstein if parent else 0.0,
        quad_class=parent.quad_class if parent else 0,
        plover_type=parent.plover_type if parent else None,
        plover_mode=parent.plover_mode if parent else None,
        plover_context=parent.plover_context if parent else None,
    )
    _DICTIONARY_CODES.setdefault(code, entry)
    return _DICTIONARY_CODES[code]


@functools.cache
def _packaged_table() -> dict[str, CameoCode]:
    resource = resources.files("tocsin") / _PACKAGE_TABLE
    text = resource.read_text(encoding="utf-8")
    table = _parse_table(text.splitlines(), f"tocsin/{_PACKAGE_TABLE}")
    LOGGER.debug("loaded %d CAMEO codes from the package table", len(table))
    return table


def _parse_table(lines: Iterable[str], origin: str) -> dict[str, CameoCode]:
    table: dict[str, CameoCode] = {}
    for line_no, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line or line.lstrip().startswith("#"):
            continue
        entry = _parse_row(line, origin, line_no)
        if entry.code in table:
            raise DictionaryError(origin, line_no, f"duplicate code {entry.code!r}")
        table[entry.code] = entry
    return table


def _parse_row(line: str, origin: str, line_no: int) -> CameoCode:
    fields = [field.strip() for field in line.split("\t")]
    if not _REQUIRED_COLUMNS <= len(fields) <= _ALL_COLUMNS:
        raise DictionaryError(
            origin,
            line_no,
            f"expected {_REQUIRED_COLUMNS} to {_ALL_COLUMNS} tab-separated columns, found {len(fields)}",
        )
    fields += [""] * (_ALL_COLUMNS - len(fields))
    code, name, goldstein_text, quad_text, plover_type, plover_mode, plover_context = fields

    try:
        expected_quad = quad_class_of(code)
    except ValueError:
        raise DictionaryError(origin, line_no, f"bad CAMEO code {code!r}") from None
    if not name:
        raise DictionaryError(origin, line_no, f"code {code} has no name")
    try:
        goldstein = float(goldstein_text)
    except ValueError:
        raise DictionaryError(
            origin, line_no, f"Goldstein weight {goldstein_text!r} is not a number"
        ) from None
    if not -10.0 <= goldstein <= 10.0:
        raise DictionaryError(origin, line_no, f"Goldstein weight {goldstein} is outside -10 .. 10")
    if quad_text != str(expected_quad):
        raise DictionaryError(
            origin,
            line_no,
            f"quad class {quad_text!r} of code {code} should be {expected_quad} (its root)",
        )
    if plover_type and plover_type not in _PLOVER_TYPES:
        raise DictionaryError(origin, line_no, f"unknown PLOVER type {plover_type!r}")
    if (plover_mode or plover_context) and not plover_type:
        raise DictionaryError(origin, line_no, "PLOVER mode or context without a PLOVER type")

    return CameoCode(
        code=code,
        name=name,
        goldstein=goldstein,
        quad_class=expected_quad,
        plover_type=plover_type or None,
        plover_mode=plover_mode or None,
        plover_context=plover_context or None,
    )
