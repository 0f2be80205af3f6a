"""The whole pipeline on the founding article: events, dates, locations, negation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import tocsin
from tocsin.ingest import read_text_file
from tocsin.pipeline import code_article
from tocsin.types import CodedArticle

PUBLISHED = date(2019, 5, 17)
NEGATION_WORDS = ("not ", "n't", "never", "no ", "would", "could", "if ", "any ")


def _founding(seed_path: Path) -> CodedArticle:
    article = replace(read_text_file(seed_path), date=PUBLISHED, outlet="The Jerusalem Post")
    return code_article(article)


def test_founding_article_main_events(seed_path: Path) -> None:
    coded = _founding(seed_path)
    triples = {(e.source.code, e.cameo, e.target.code if e.target else None) for e in coded.events}
    assert ("IRNMIL", "040", "IRQGOV") in triples  # Soleimani met Iraqi leaders
    assert ("USA", "160", "USAGOV") in triples  # evacuated US government employees
    assert ("USAMIL", "152", None) in triples  # CENTCOM raised force posture
    # Germany suspended military training in Iraq: reduce relations or de-escalate, never a fight.
    assert any(s == "DEUGOV" and c[:2] in {"16", "08"} for s, c, _ in triples)
    assert any(code.startswith("13") and source == "IRNGOV" for source, code, _ in triples)


def test_founding_article_never_codes_a_denied_war(seed_path: Path) -> None:
    coded = _founding(seed_path)
    for event in coded.events:
        if event.cameo_root in {"18", "19", "20"}:
            assert not any(word in event.sentence for word in NEGATION_WORDS), event.sentence


def test_founding_article_dates_and_places(seed_path: Path) -> None:
    coded = _founding(seed_path)
    meeting = next(e for e in coded.events if e.source.code == "IRNMIL" and e.cameo_root == "04")
    assert meeting.date == date(2019, 4, 26)  # "three weeks ago"
    evacuation = next(e for e in coded.events if e.cameo == "160")
    assert evacuation.date == date(2019, 5, 15)  # "on Wednesday"
    german = next(event for event in coded.events if event.source.code == "DEUGOV")
    assert german.location is not None and german.location.country == "IRQ"
    threat_status = next(e for e in coded.events if e.predicate == "change")
    assert threat_status.location is not None and threat_status.location.country == "IRQ"


def test_spans_point_into_the_article_text(seed_path: Path) -> None:
    coded = _founding(seed_path)
    text = coded.article.text
    for event in coded.events:
        start, end = event.span
        assert text[start:end] == event.sentence
        predicate_start, predicate_end = event.predicate_span
        assert start <= predicate_start < predicate_end <= end
    for quote in coded.quotes:
        assert text[quote.start : quote.end].strip(" ,.") == quote.text


def test_sourcing_summary_counts_anonymous_sources(seed_path: Path) -> None:
    summary = _founding(seed_path).sourcing_summary()
    assert summary["events"] >= 8
    assert 0 < summary["anonymous_events"] < summary["events"]
    assert summary["named_sources"] >= 3


def test_public_api_codes_a_text() -> None:
    events = tocsin.code("Israeli troops attacked Syrian soldiers on Monday.", date=date(2019, 5, 17))
    [event] = events
    assert event.to_dict()["date"] == "2019-05-13"
    assert event.to_dict()["source"] == {
        "text": "Israeli troops",
        "code": "ISRMIL",
        "country": "ISR",
        "role": "MIL",
    }
