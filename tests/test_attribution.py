"""Attribution: direct and indirect quotes, speakers, cue verbs, relay chains and anonymity."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from tocsin.attribution import quote_regions
from tocsin.ingest import article_from_text, read_text_file
from tocsin.pipeline import code_article
from tocsin.types import CodedArticle

DAY = date(2019, 5, 17)


def _coded(text: str, outlet: str | None = "The Daily Example") -> CodedArticle:
    return code_article(article_from_text(text, date=DAY, outlet=outlet))


def test_quote_regions_pair_within_paragraphs_and_ignore_unbalanced_marks() -> None:
    text = 'He said "one two three" and "four.\nNext "five six" here.'
    regions = [text[start:end] for start, end in quote_regions(text)]
    assert regions == ["one two three", "five six"]


def test_direct_quote_with_cue_after() -> None:
    coded = _coded('"We will never accept these terms," Iran\'s foreign minister said on Monday.')
    [quote] = [q for q in coded.quotes if q.direct]
    assert quote.text == "We will never accept these terms"
    assert quote.speaker is not None and quote.speaker.code == "IRNGOV"
    assert quote.cue == "say" and quote.via == ("The Daily Example",)


def test_quote_continuing_into_the_next_sentence_keeps_its_speaker() -> None:
    coded = _coded(
        '"The army has raised its alert level," the statement from the Kenyan army said. '
        '"Troops will remain on the border until further notice."'
    )
    direct = [q for q in coded.quotes if q.direct]
    assert len(direct) == 2
    assert {q.speaker.code for q in direct if q.speaker} == {"KENMIL"}


def test_scare_quotes_are_not_quotations() -> None:
    coded = _coded('The minister called the protest a "provocation" and left.')
    assert not [q for q in coded.quotes if q.direct]


def test_indirect_speech_with_anonymous_source_relayed_by_an_outlet() -> None:
    coded = _coded("A senior official told Reuters that Israeli troops attacked Syrian soldiers.")
    [event] = [e for e in coded.events if e.cameo_root == "19"]
    attribution = event.attribution
    assert attribution.speaker is not None and attribution.speaker.anonymous
    assert attribution.cue == "tell"
    assert attribution.via[0] == "Reuters" and attribution.via[-1] == "The Daily Example"
    assert not attribution.quoted


def test_outlet_citing_unnamed_officials() -> None:
    coded = _coded(
        "Russian troops attacked Ukrainian forces near Kharkiv, the New York Times reported, "
        "citing unidentified officials."
    )
    [event] = [e for e in coded.events if e.cameo_root == "19"]
    assert event.attribution.speaker is not None and event.attribution.speaker.anonymous
    assert event.attribution.via[:1] == ("New York Times",)


def test_according_to_and_own_voice() -> None:
    coded = _coded(
        "Israeli troops attacked Syrian soldiers, according to the Syrian army. "
        "Egypt's president met the Jordanian king in Cairo."
    )
    by_root = {e.cameo_root: e for e in coded.events}
    assert by_root["19"].attribution.cue == "according to"
    assert by_root["19"].attribution.speaker is not None
    assert by_root["19"].attribution.speaker.code == "SYRMIL"
    assert by_root["04"].attribution.own_voice


def test_anonymity_phrase_marks_a_speaker_anonymous() -> None:
    coded = _coded(
        "An Iraqi commander, speaking on condition of anonymity, said that militias attacked "
        "the Turkish troops."
    )
    speakers = [q.speaker for q in coded.quotes if q.speaker is not None]
    assert speakers and speakers[0].anonymous


def test_unbalanced_and_enormous_quotes_stay_linear() -> None:
    body = '"' + "word " * 20000 + 'said the minister. And "another' + " more" * 2000
    start = time.perf_counter()
    coded = _coded(body[:100000])
    assert time.perf_counter() - start < 60
    assert isinstance(coded.quotes, tuple)


def test_founding_article_sources(seed_path: Path) -> None:
    article = read_text_file(seed_path)
    coded = code_article(replace(article, date=DAY, outlet="The Jerusalem Post"))
    quotes = {q.text[:25]: q for q in coded.quotes if q.direct}
    call_to_arms = quotes["It wasn't quite a call to"]
    assert call_to_arms.speaker is not None and call_to_arms.speaker.anonymous
    assert call_to_arms.via[0] == "Guardian"
    posture = quotes["US Central Command, in co"]
    assert posture.speaker is not None and posture.speaker.code == "USAMIL"
    events = {e.cameo: e for e in coded.events}
    threat = next(e for e in coded.events if e.cameo_root == "13")
    assert threat.attribution.speaker is not None and "Hatami" in threat.attribution.speaker.text
    assert any("IRNA" in relay for relay in threat.attribution.via)
    trump = next(e for e in coded.events if e.source.code == "USAGOV")
    assert trump.attribution.speaker is not None and trump.attribution.speaker.anonymous
    assert "New York Times" in trump.attribution.via
    assert events["160"].attribution.speaker is not None
    assert events["160"].attribution.speaker.text == "Guardian"
