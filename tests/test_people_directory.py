"""Tests for the dated people directory: data/people.tsv and its loader in tocsin.lexicon."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from tocsin.errors import DictionaryError
from tocsin.lexicon import (
    PeopleDirectory,
    PersonEntry,
    PersonTerm,
    _known_countries,
    load_people_table,
    people_directory,
    person_key,
)

HEADER = "# name\taliases\tcountry\tterms\tcomment\n"


def _table(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "people.tsv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def code_of(directory: PeopleDirectory, name: str | list[str], day: date | None) -> str | None:
    """The code a lookup gives, or None when the name is unknown or ambiguous."""
    found = directory.lookup(name, day)
    return None if found is None else found[0]


@pytest.fixture
def directory(tmp_path: Path) -> PeopleDirectory:
    return load_people_table(
        _table(
            tmp_path,
            "Ada Example\tExample|Ada X. Example\tRUS\t"
            "RUSSPY:1998-07-25..1999-08-08;RUSGOV:1999-08-09..2008-05-07",
            "Bo Later\t\tFRA\tFRAGOV:2017-05-14..",
            "Cy Undated\t\tLBN\tLBNREB",
            "Di Official\t\t\tIGOUNO:1997-01-01..2006-12-31;IGOUNO:2012-02-23..2012-08-31",
            "Recep Tayyip Erdoğan\tErdoğan\tTUR\tTURGOV:2003-03-14..",
            "Bashar al-Assad\t\tSYR\tSYRGOV:2000-07-17..2024-12-08",
            "George H. W. Bush\tGeorge Bush\tUSA\tUSAGOV:1981-01-20..1993-01-20",
            "George W. Bush\tGeorge Bush\tUSA\tUSAGOV:2001-01-20..2009-01-20",
            "Ex Elder\tSamename\tIRQ\tIRQGOV:2005-01-01..2010-01-01",
            "Ex Junior\tSamename\tIRQ\tIRQSPY:2012-01-01..",
        )
    )


def test_a_day_inside_a_term_gives_that_terms_code(directory: PeopleDirectory) -> None:
    found = directory.lookup("Ada Example", date(2005, 6, 1))
    assert found is not None
    code, reason = found
    assert code == "RUSGOV"
    assert "Ada Example" in reason and "RUSGOV 1999-08-09..2008-05-07" in reason
    assert code_of(directory, "Ada Example", date(1999, 1, 1)) == "RUSSPY"
    assert code_of(directory, "Bo Later", date(2030, 1, 1)) == "FRAGOV"


def test_term_days_are_inclusive(directory: PeopleDirectory) -> None:
    assert code_of(directory, "Ada Example", date(1998, 7, 25)) == "RUSSPY"
    assert code_of(directory, "Ada Example", date(2008, 5, 7)) == "RUSGOV"
    assert code_of(directory, "Ada Example", date(2008, 5, 8)) == "RUSELI"


def test_after_the_last_term_the_person_is_a_former_official(directory: PeopleDirectory) -> None:
    found = directory.lookup("Ada Example", date(2015, 1, 1))
    assert found is not None
    assert found[0] == "RUSELI"
    assert "out of office" in found[1]


def test_before_the_first_term_the_person_has_their_country_alone(directory: PeopleDirectory) -> None:
    found = directory.lookup("Bo Later", date(2010, 1, 1))
    assert found is not None
    assert found[0] == "FRA"
    assert code_of(directory, "Ada Example", date(1990, 1, 1)) == "RUS"


def test_an_undated_term_covers_every_day(directory: PeopleDirectory) -> None:
    assert code_of(directory, "Cy Undated", date(1990, 1, 1)) == "LBNREB"
    assert code_of(directory, "Cy Undated", None) == "LBNREB"


def test_a_person_without_a_country_keeps_the_nearest_terms_code(directory: PeopleDirectory) -> None:
    assert code_of(directory, "Di Official", date(2009, 1, 1)) == "IGOUNO"
    assert code_of(directory, "Di Official", date(1990, 1, 1)) == "IGOUNO"


def test_without_a_day_the_latest_term_counts(directory: PeopleDirectory) -> None:
    found = directory.lookup("Ada Example", None)
    assert found is not None
    assert found[0] == "RUSGOV"
    assert "latest term" in found[1]


def test_aliases_match_and_unknown_names_do_not(directory: PeopleDirectory) -> None:
    assert code_of(directory, "Example", date(2005, 1, 1)) == "RUSGOV"
    assert code_of(directory, "Ada X. Example", date(2005, 1, 1)) == "RUSGOV"
    assert directory.lookup("Ada", date(2005, 1, 1)) is None
    assert directory.lookup("Ada Example Junior", date(2005, 1, 1)) is None
    assert directory.lookup("", date(2005, 1, 1)) is None


def test_accents_case_dashes_and_articles_fold(directory: PeopleDirectory) -> None:
    for written in ("Erdogan", "ERDOGAN", "Recep Tayyip Erdogan", "recep tayyip erdoğan"):
        assert code_of(directory, written, date(2020, 1, 1)) == "TURGOV", written
    for written in ("Bashar Assad", "Bashar al Assad", "Bashar al - Assad", "Bashar el-Assad"):
        assert code_of(directory, written, date(2010, 1, 1)) == "SYRGOV", written
    assert code_of(directory, "George H.W. Bush", date(1990, 1, 1)) == "USAGOV"
    assert code_of(directory, ["Erdoğan", "'s"], date(2020, 1, 1)) == "TURGOV"
    assert code_of(directory, "Erdogan's", date(2020, 1, 1)) == "TURGOV"
    assert code_of(directory, "Mr Erdogan", date(2020, 1, 1)) == "TURGOV"


def test_person_key() -> None:
    assert person_key("George H. W. Bush") == person_key("George H.W. Bush") == "george hw bush"
    assert person_key("Moshe Ya'alon") == person_key("Moshe Yaalon")
    assert person_key("Al Gore") == "al gore"
    assert person_key("Abu Bakr al-Baghdadi") == "abu bakr baghdadi"


def test_a_shared_name_is_resolved_by_who_held_office_that_day(directory: PeopleDirectory) -> None:
    assert code_of(directory, "George Bush", date(1990, 1, 1)) == "USAGOV"
    found = directory.lookup("George Bush", date(2003, 3, 20))
    assert found is not None
    assert found[0] == "USAGOV"
    assert "George W. Bush" in found[1]
    # Neither in office: after 2009 both are former officials, so the code agrees; in 1997 one is
    # a former official and the other not yet in office, so the name is ambiguous.
    assert code_of(directory, "George Bush", date(2010, 1, 1)) == "USAELI"
    assert directory.lookup("George Bush", date(1997, 1, 1)) is None
    assert code_of(directory, "Samename", date(2007, 1, 1)) == "IRQGOV"
    assert code_of(directory, "Samename", date(2015, 1, 1)) == "IRQSPY"


def test_a_shared_name_is_ambiguous_when_the_day_does_not_decide(directory: PeopleDirectory) -> None:
    # 2011: the elder is a former official (IRQELI), the junior not yet in office (IRQ).
    assert directory.lookup("Samename", date(2011, 1, 1)) is None
    # No day: the latest terms differ.
    assert directory.lookup("Samename", None) is None


def test_both_in_office_with_different_codes_is_ambiguous() -> None:
    both = PeopleDirectory(
        [
            PersonEntry("A One", ("Same",), "IRN", (PersonTerm("IRNGOV", date(2000, 1, 1), None),), "t:1"),
            PersonEntry("B Two", ("Same",), "IRN", (PersonTerm("IRNMIL", date(2001, 1, 1), None),), "t:2"),
        ]
    )
    assert both.lookup("Same", date(2005, 1, 1)) is None
    assert code_of(both, "Same", date(2000, 6, 1)) == "IRNGOV"
    assert len(both) == 2


def test_malformed_rows_are_reported_with_their_line_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _table(
        tmp_path,
        "Good Person\t\tUSA\tUSAGOV:2001-01-20..2009-01-20",  # line 2
        "Bad Country\t\tXYZ\tUSAGOV:2001-01-20..",  # line 3
        "Bad Code\t\tUSA\tusagov:2001-01-20..",  # line 4
        "Bad Date\t\tUSA\tUSAGOV:2001-02-30..",  # line 5
        "Backwards\t\tUSA\tUSAGOV:2009-01-20..2001-01-20",  # line 6
        "Short Date\t\tUSA\tUSAGOV:2001..",  # line 7
        "Nothing\t\t\t",  # line 8
        "No Dots\t\tUSA\tUSAGOV:2001-01-20",  # line 9
        "Odd Prefix\t\tUSA\tXXXGOV:2001-01-20..",  # line 10
        "\t\tUSA\tUSAGOV",  # line 11
        "Also Good\tGood Alias\t\tIGOUNO:2001-01-01..",  # line 12
    )
    with caplog.at_level(logging.WARNING, logger="tocsin.lexicon"):
        table = load_people_table(path)
    assert [entry.name for entry in table] == ["Good Person", "Also Good"]
    assert table.entries()[1].origin == f"{path}:12"
    warned = [record.getMessage() for record in caplog.records]
    assert len(warned) == 9
    for line, words in zip(
        range(3, 12),
        (
            "unknown country",
            "CAMEO code",
            "does not exist",
            "ends before",
            "YYYY-MM-DD",
            "country or",
            "CODE:",
            "starts with",
            "empty name",
        ),
        strict=True,
    ):
        message = next(message for message in warned if message.startswith(f"{path}:{line}:"))
        assert words in message, (line, message)


def test_an_unreadable_people_table_raises(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError) as raised:
        load_people_table(tmp_path / "missing.tsv")
    assert raised.value.path == str(tmp_path / "missing.tsv")


# --- the built-in table ---


def test_built_in_table_loads_without_warnings(caplog: pytest.LogCaptureFixture) -> None:
    people_directory.cache_clear()
    with caplog.at_level(logging.WARNING, logger="tocsin.lexicon"):
        table = people_directory()
    assert caplog.records == []
    assert len(table) > 400


def test_built_in_entries_are_valid() -> None:
    known = _known_countries()
    names: set[str] = set()
    for entry in people_directory():
        assert entry.country is None or entry.country in known, entry
        assert entry.terms or entry.country, entry
        assert entry.origin.startswith("people.tsv:")
        assert entry.name not in names, f"{entry.name} is listed twice"
        names.add(entry.name)
        for term in entry.terms:
            assert term.start is None or term.end is None or term.start <= term.end, entry
            assert term.start is None or date(1900, 1, 1) < term.start < date(2027, 1, 1), entry


@pytest.mark.parametrize(
    ("name", "day", "code"),
    [
        ("Putin", date(2019, 5, 1), "RUSGOV"),
        ("Vladimir Putin", date(2012, 5, 7), "RUSGOV"),
        ("Putin", date(1999, 1, 1), "RUSSPY"),
        ("Bill Clinton", date(2010, 1, 1), "USAELI"),
        ("Barack Obama", date(2000, 1, 1), "USA"),
        ("George W. Bush", date(2003, 3, 20), "USAGOV"),
        ("George Bush", date(2003, 3, 20), "USAGOV"),
        ("Qassem Soleimani", date(2015, 1, 1), "IRNMIL"),
        ("Soleimani", date(2019, 12, 31), "IRNMIL"),
        ("Mahmoud Ahmadinejad", date(2008, 1, 1), "IRNGOV"),
        ("Mahmud Ahmadinejad", date(2008, 1, 1), "IRNGOV"),
        ("Ismail Haniyeh", date(2020, 1, 1), "PSEREBHMS"),
        ("Hassan Nasrallah", date(2006, 7, 12), "LBNREB"),
        ("Kofi Annan", date(2000, 1, 1), "IGOUNO"),
        ("Jens Stoltenberg", date(2020, 1, 1), "IGOWSTNAT"),
        ("Erdoğan", date(2016, 7, 15), "TURGOV"),
        ("Recep Tayyip Erdogan", date(2016, 7, 15), "TURGOV"),
        ("Netanyahu", date(2024, 1, 1), "ISRGOV"),
        ("Trudeau", date(1975, 1, 1), "CANGOV"),
        ("Trudeau", date(2020, 1, 1), "CANGOV"),
        ("Mohammed bin Salman", date(2020, 1, 1), "SAUGOV"),
        ("Abu Bakr al-Baghdadi", date(2015, 1, 1), "IMGMUSISI"),
        ("Ahmed al-Sharaa", date(2025, 6, 1), "SYRGOV"),
        ("Abu Mohammad al-Jolani", date(2018, 6, 1), "SYRINS"),
        ("Volodymyr Zelenskyy", date(2023, 1, 1), "UKRGOV"),
        ("Zelensky", date(2023, 1, 1), "UKRGOV"),
    ],
)
def test_built_in_lookups(name: str, day: date, code: str) -> None:
    found = people_directory().lookup(name, day)
    assert found is not None, name
    assert found[0] == code, (name, found)


def test_built_in_table_leaves_family_surnames_out() -> None:
    table = people_directory()
    for surname in (
        "Bush",
        "Clinton",
        "Kim",
        "Lee",
        "Singh",
        "Khan",
        "Ali",
        "Johnson",
        "Brown",
        "Sharif",
        "Assad",
    ):
        assert table.lookup(surname, date(2005, 1, 1)) is None, surname
