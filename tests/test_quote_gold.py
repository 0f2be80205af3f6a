"""The project's quote annotations over Wikinews 2019 (tests/data/wikinews_quotes.jsonl).

The schema checks run everywhere; the checks that read the articles, and the scoring run, need
the shared Wikinews CSV and are skipped where `../shared` is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from tocsin.attribution import SPEAKER_KINDS
from tocsin.errors import DictionaryError
from tocsin.evaluate import (
    QUOTE_ANNOTATIONS,
    SPEAKER_TYPES,
    QuoteReport,
    read_quote_gold,
    read_wikinews_csv,
    same_speaker,
    score_quotes,
)
from tocsin.normalize import normalize_characters

ANNOTATIONS = Path(__file__).resolve().parent / "data" / "wikinews_quotes.jsonl"
WIKINEWS_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "wikinews" / "wikinews_2019.csv"
KEYS = {"url", "article_title", "quote", "speaker", "speaker_type", "anonymous", "relay"}


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    lines = ANNOTATIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def wikinews_csv() -> Path:
    if not WIKINEWS_CSV.is_file():
        pytest.skip("the shared Wikinews CSV is not available")
    return WIKINEWS_CSV


def test_the_scorer_reads_the_annotations_from_the_tests_folder() -> None:
    assert QUOTE_ANNOTATIONS == ANNOTATIONS
    assert set(SPEAKER_TYPES) == set(SPEAKER_KINDS)


def test_every_record_follows_the_schema(records: list[dict[str, object]]) -> None:
    for record in records:
        assert KEYS <= set(record) <= KEYS | {"note"}, record
        for key in ("url", "article_title", "quote", "speaker"):
            assert isinstance(record[key], str) and record[key], (key, record)
        assert str(record["url"]).startswith("https://en.wikinews.org/")
        assert len(str(record["quote"]).split()) <= 25, record["quote"]
        assert record["speaker_type"] in SPEAKER_KINDS
        assert record["anonymous"] is (record["speaker_type"] == "anonymous")
        assert record["relay"] is None or isinstance(record["relay"], str)
        assert record.get("note") is None or isinstance(record["note"], str)


def test_the_set_is_large_and_varied_enough(records: list[dict[str, object]]) -> None:
    assert len(records) >= 70
    assert len({record["url"] for record in records}) >= 25
    assert sum(1 for record in records if record["anonymous"]) >= 10
    assert len({(record["url"], record["quote"]) for record in records}) == len(records)
    assert {record["speaker_type"] for record in records} == set(SPEAKER_KINDS)


def test_reader_matches_the_file_and_rejects_bad_lines(tmp_path: Path) -> None:
    gold = read_quote_gold(ANNOTATIONS)
    assert len(gold) == len([line for line in ANNOTATIONS.read_text().splitlines() if line.strip()])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"url": "u", "quote": "q", "speaker": "s", "speaker_type": "king", "anonymous": false}\n')
    with pytest.raises(DictionaryError) as error:
        read_quote_gold(bad)
    assert error.value.line == 1


@pytest.mark.parametrize(
    ("gold", "produced", "same"),
    [
        ("Donald Trump", "Trump", True),
        ("Recep Tayyip Erdoğan", "Erdogan", True),
        ("Yahya Sarea", "Saree", True),
        ("Syrian Democratic Forces", "the SDF", True),
        ("The Guardian", "Guardian", True),
        ("Nancy Pelosi", "Mike Pence", False),
        ("Anne Hidalgo", "The mayor", False),
    ],
)
def test_speaker_names_are_compared_by_surname_or_organisation_name(
    gold: str, produced: str, same: bool
) -> None:
    assert same_speaker(gold, produced) is same


def test_every_excerpt_is_in_its_article(records: list[dict[str, object]], wikinews_csv: Path) -> None:
    articles = read_wikinews_csv(wikinews_csv, {str(record["url"]) for record in records})
    assert len(articles) == len({record["url"] for record in records})
    for record in records:
        article = articles[str(record["url"])]
        assert article.title == normalize_characters(str(record["article_title"]))
        excerpt = " ".join(normalize_characters(str(record["quote"])).split())
        assert excerpt in article.text, record["quote"]


def test_score_quotes_runs_on_the_annotations(wikinews_csv: Path, nlp: Language) -> None:
    report = score_quotes(ANNOTATIONS, wikinews_csv, nlp=nlp)
    assert isinstance(report, QuoteReport)
    assert report.n == len(read_quote_gold(ANNOTATIONS))
    assert report.anonymous_gold >= 10
    assert report.found >= 0.9 * report.n
    assert 0.0 <= report.speaker_accuracy <= 1.0 and 0.0 <= report.anonymous_recall <= 1.0
    assert "speaker accuracy" in report.render()
    assert report.to_dict()["n"] == report.n
