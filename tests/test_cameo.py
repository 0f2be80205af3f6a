"""Tests for the CAMEO ontology table and its loader, checked against published CAMEO tables."""

from __future__ import annotations

import csv
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from tocsin import cameo
from tocsin.cameo import CameoCode
from tocsin.errors import DictionaryError

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CAMEO_DIR = SHARED_DATA / "cameo"

# GDELT's table misspells these names; tocsin's table spells them as the ICEWS table does.
SPELLING_FIXES = {
    "018": ("Make empathetic commment", "Make empathetic comment"),
    "055": ("Apolgize", "Apologize"),
    "1051": (
        "Demand easing of adminstrative sanctions",
        "Demand easing of administrative sanctions",
    ),
    "1444": (
        "Ostruct passage to demand change in institutions, regime",
        "Obstruct passage to demand change in institutions, regime",
    ),
}

# Letter-suffixed variant labels in GDELT's table; they are not CAMEO codes and are left out.
GDELT_VARIANT_LABELS = {"0811i", "1321i", "138i", "13y", "1451i"}

# Where tocsin's PLOVER mode/context deliberately differ from the 2021 table:
# 175 has "pro_autocracy" (a PLOVER context) in the mode column there.
PLOVER_DETAIL_EXCEPTIONS = {"175"}

_PLOVER_ROW = re.compile(r"^(\d{3,4}):\s*([^#]*?)\s*(?:#.*)?$")
_PLOVER_HEADER = re.compile(r"^(\d{2}):\s*([A-Z]+)\s*$")

GOOD_ROWS = [
    "# a small custom table",
    "",
    "01\tMAKE PUBLIC STATEMENT\t0.0\t1",
    "03\tEXPRESS INTENT TO COOPERATE\t4.0\t1\tAGREE",
    "0311\tExpress intent to cooperate economically\t5.2\t1\tAGREE\t\teconomic",
    "19\tFIGHT\t-10.0\t4\tASSAULT\t\t",
]


def _normalise(name: str) -> str:
    return " ".join(name.split()).casefold()


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data not available: {path.name}")
    return path


@pytest.fixture(scope="module")
def gdelt_table() -> dict[str, tuple[str, float]]:
    """GDELT's CAMEO table: code -> (name, Goldstein weight)."""
    path = _require(CAMEO_DIR / "cameo_codes.tsv")
    table: dict[str, tuple[str, float]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            code, name, weight = line.split("\t")
            table[code.strip()] = (name.strip(), float(weight))
    return table


@pytest.fixture(scope="module")
def plover_2021() -> tuple[dict[str, tuple[str, str, str]], dict[str, set[str]]]:
    """The CAMEO -> PLOVER 2021 table: code rows (type, mode, context) and root headers."""
    path = _require(CAMEO_DIR / "CAMEO2PLOVER-2021.txt")
    rows: dict[str, tuple[str, str, str]] = {}
    headers: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := _PLOVER_ROW.match(line):
            event_type, mode, context = (part.strip() for part in match.group(2).split(","))
            rows[match.group(1)] = (event_type, mode, context)
        elif match := _PLOVER_HEADER.match(line):
            headers.setdefault(match.group(1), set()).add(match.group(2))
    return rows, headers


def test_every_gdelt_code_is_here_with_its_name_and_weight(
    gdelt_table: dict[str, tuple[str, float]],
) -> None:
    table = cameo.codes()
    numeric = {code: entry for code, entry in gdelt_table.items() if code.isdigit()}
    assert set(gdelt_table) - set(numeric) == GDELT_VARIANT_LABELS
    assert len(numeric) > 300
    for code, (name, weight) in numeric.items():
        assert code in table, f"{code} ({name}) is missing"
        entry = table[code]
        if code in SPELLING_FIXES:
            misspelt, corrected = SPELLING_FIXES[code]
            assert name == misspelt
            assert entry.name == corrected
        else:
            assert _normalise(entry.name) == _normalise(name), code
        assert entry.goldstein == pytest.approx(weight), code


def test_table_has_no_codes_beyond_the_published_ones(
    gdelt_table: dict[str, tuple[str, float]],
) -> None:
    path = _require(CAMEO_DIR / "icews_cameo-codes_with_goldstein.csv")
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        icews = {row["code"].strip() for row in csv.DictReader(handle)}
    table = cameo.codes()
    assert icews <= set(table)
    assert set(table) <= set(gdelt_table) | icews
    for label in GDELT_VARIANT_LABELS:
        assert not cameo.is_valid(label)


def test_all_twenty_roots_and_every_parent_present() -> None:
    table = cameo.codes()
    roots = {code for code in table if len(code) == 2}
    assert roots == {f"{n:02d}" for n in range(1, 21)}
    for code, entry in table.items():
        assert entry.code == code
        assert entry.root == code[:2]
        if len(code) > 2:
            assert code[:-1] in table, f"{code} has no parent {code[:-1]}"


@pytest.mark.parametrize(
    ("root", "quad_class"),
    [("01", 1), ("05", 1), ("06", 2), ("08", 2), ("09", 3), ("13", 3), ("14", 4), ("20", 4)],
)
def test_quad_class_boundaries(root: str, quad_class: int) -> None:
    assert cameo.quad_class_of(root) == quad_class
    for code, entry in cameo.codes().items():
        if code.startswith(root):
            assert entry.quad_class == quad_class, code


def test_goldstein_weights_in_range() -> None:
    for entry in cameo.codes().values():
        assert -10.0 <= entry.goldstein <= 10.0


def test_plover_types_match_the_2021_table(
    plover_2021: tuple[dict[str, tuple[str, str, str]], dict[str, set[str]]],
) -> None:
    """Types are compared exactly: the table uses the 2021 names, so no folding is needed."""
    rows, headers = plover_2021
    assert len(rows) > 250
    for code, (event_type, mode, context) in rows.items():
        entry = cameo.lookup(code)
        assert entry.plover_type == event_type, code
        if code in PLOVER_DETAIL_EXCEPTIONS:
            continue
        assert entry.plover_mode == (mode or None), code
        theirs = {part.strip() for part in context.split(";") if part.strip()}
        ours = set(entry.plover_context.split(";")) if entry.plover_context else set()
        assert ours == theirs, code
    for root, types in headers.items():
        assert cameo.lookup(root).plover_type in types, root


def test_codes_outside_the_2021_table(
    plover_2021: tuple[dict[str, tuple[str, str, str]], dict[str, set[str]]],
) -> None:
    """PLOVER drops CAMEO 01 and 02; 1951/1952 inherit 195; root rows follow their x0 code."""
    rows, _ = plover_2021
    for code, entry in cameo.codes().items():
        if entry.root in {"01", "02"}:
            assert entry.plover_type is None, code
            assert entry.plover_mode is None and entry.plover_context is None, code
        elif len(code) == 2:
            assert entry.plover_type == cameo.lookup(code + "0").plover_type, code
        elif code not in rows:
            parent = cameo.lookup(code[:-1])
            assert code in {"1951", "1952"}, f"{code} has no PLOVER mapping to check"
            assert (entry.plover_type, entry.plover_mode, entry.plover_context) == (
                parent.plover_type,
                parent.plover_mode,
                parent.plover_context,
            )
    violent_repression = cameo.lookup("175")
    assert violent_repression.plover_type == "ASSAULT"
    assert violent_repression.plover_mode is None
    assert violent_repression.plover_context == "pro_autocracy;military"


def test_gold_plover_types_fold_onto_table_types() -> None:
    path = _require(SHARED_DATA / "gold" / "plover_gsr_dev.json")
    gold_types = {record["event"] for record in json.loads(path.read_text(encoding="utf-8"))}
    gold_types.discard("DOCUMENT")
    table_types = {
        cameo.fold_plover(entry.plover_type) for entry in cameo.codes().values() if entry.plover_type
    }
    assert {cameo.fold_plover(event_type) for event_type in gold_types} <= table_types


@pytest.mark.parametrize(
    ("event_type", "folded"),
    [
        ("RETREAT", "YIELD"),
        ("CONCEDE", "YIELD"),
        ("DEMAND", "REQUEST"),
        ("REQUEST", "REQUEST"),
        ("DISAPPROVE", "ACCUSE"),
        ("ACCUSE", "ACCUSE"),
        ("INVESTIGATE", "ACCUSE"),
        ("FIGHT", "ASSAULT"),
        ("ASSAULT", "ASSAULT"),
        ("AGREE", "AGREE"),
        ("PROTEST", "PROTEST"),
        ("SOMETHING_ELSE", "SOMETHING_ELSE"),
    ],
)
def test_fold_plover(event_type: str, folded: str) -> None:
    assert cameo.fold_plover(event_type) == folded


def test_lookup_and_helpers() -> None:
    entry = cameo.lookup("0311")
    assert entry == CameoCode(
        code="0311",
        name="Express intent to cooperate economically",
        goldstein=5.2,
        quad_class=1,
        plover_type="AGREE",
        plover_mode=None,
        plover_context="economic",
    )
    assert entry.root == "03"
    assert cameo.root_of("0311") == "03"
    assert cameo.root_of("19") == "19"
    assert cameo.quad_class_of("0311") == 1
    assert cameo.quad_class_of("190") == 4
    assert cameo.lookup("190").name == "Use conventional military force"
    assert cameo.is_valid("010")
    assert cameo.is_valid("10")
    assert cameo.is_valid(" 0311 ")
    assert not cameo.is_valid("099")
    assert not cameo.is_valid("")


def test_lookup_unknown_code_names_it() -> None:
    with pytest.raises(KeyError, match="099"):
        cameo.lookup("099")


@pytest.mark.parametrize("code", ["", "1", "21", "00", "12345", "1a0", "13y"])
def test_root_of_rejects_malformed_codes(code: str) -> None:
    with pytest.raises(ValueError):
        cameo.root_of(code)


def test_codes_are_cached_and_copies() -> None:
    first = cameo.codes()
    first.pop("010")
    second = cameo.codes()
    assert "010" in second
    assert second["0311"] is cameo.codes()["0311"]


def test_load_table_reads_the_packaged_file_and_custom_tables(tmp_path: Path) -> None:
    with resources.as_file(resources.files("tocsin") / "data" / "cameo.tsv") as packaged:
        assert cameo.load_table(packaged) == cameo.codes()

    path = tmp_path / "custom.tsv"
    path.write_text("\n".join(GOOD_ROWS) + "\n", encoding="utf-8")
    table = cameo.load_table(str(path))
    assert list(table) == ["01", "03", "0311", "19"]
    assert table["01"].plover_type is None
    assert table["19"].quad_class == 4
    assert table["0311"].plover_context == "economic"


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ("031\tAgree to engage in material cooperation", "columns"),
        ("031\ta\t1.0\t1\tAGREE\t\tx\ty", "columns"),
        ("3x1\tBad code\t1.0\t1", "bad CAMEO code"),
        ("21\tNo such root\t1.0\t4", "bad CAMEO code"),
        ("031\t\t5.2\t1", "no name"),
        ("031\tAgree\tlots\t1", "not a number"),
        ("031\tAgree\t12.0\t1", "outside"),
        ("031\tAgree\t5.2\t3", "quad class"),
        ("031\tAgree\t5.2\t1\tAGRE", "unknown PLOVER type"),
        ("031\tAgree\t5.2\t1\t\tvisit", "without a PLOVER type"),
        ("0311\tDuplicate\t5.2\t1\tAGREE", "duplicate"),
    ],
)
def test_malformed_table_names_file_and_line(tmp_path: Path, bad_row: str, reason: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join([*GOOD_ROWS, bad_row]) + "\n", encoding="utf-8")
    bad_line = len(GOOD_ROWS) + 1
    with pytest.raises(DictionaryError, match=reason) as caught:
        cameo.load_table(path)
    assert caught.value.line == bad_line
    assert caught.value.path == str(path)
    assert f"{path}:{bad_line}:" in str(caught.value)
