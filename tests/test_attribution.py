"""Attribution: direct and indirect quotes, speakers, cue verbs, relay chains and anonymity."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tocsin.attribution import SPEAKER_KINDS, quote_regions
from tocsin.ingest import article_from_text, read_text_file
from tocsin.pipeline import code_article
from tocsin.types import CodedArticle, Quote

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


# ---------------------------------------------------------------------------------------------
# Constructions, one test each (sentences written for these tests)


def _direct(coded: CodedArticle) -> list[Quote]:
    return [q for q in coded.quotes if q.direct]


def _indirect_containing(coded: CodedArticle, words: str) -> Quote:
    return next(q for q in coded.quotes if not q.direct and words in q.text)


@pytest.mark.parametrize(
    "text",
    [
        '"The border will stay closed until Friday," Interior Minister Karl Brenner said.',
        "\u201cThe border will stay closed until Friday,\u201d Interior Minister Karl Brenner said.",
    ],
)
def test_straight_and_curly_quotation_marks(text: str) -> None:
    [quote] = _direct(_coded(text))
    assert quote.text == "The border will stay closed until Friday"
    assert quote.speaker is not None and "Brenner" in quote.speaker.text


def test_quote_spanning_several_sentences() -> None:
    coded = _coded(
        '"The talks have failed. We will try again next week. Nobody should give up," '
        "Foreign Minister Anna Varga said on Tuesday."
    )
    [quote] = _direct(coded)
    assert quote.text.startswith("The talks have failed") and quote.text.endswith("give up")
    assert quote.speaker is not None and quote.speaker.text == "Anna Varga"


def test_cue_before_the_quote() -> None:
    [quote] = _direct(_coded('Governor Tom Ellis said on Monday, "The roads will reopen tomorrow morning."'))
    assert quote.speaker is not None and quote.speaker.text == "Tom Ellis"
    assert quote.cue == "say"


def test_cue_inside_the_quote_covers_both_halves() -> None:
    coded = _coded(
        '"We have done everything we could," the farmer Lena Ortiz said, "but the river rose too fast."'
    )
    quotes = _direct(coded)
    assert len(quotes) == 2
    assert all(q.speaker is not None and q.speaker.text == "Lena Ortiz" for q in quotes)


def test_cue_after_the_quote_with_the_speaker_after_the_verb() -> None:
    coded = _coded(
        'A storm flooded the valley. "Nobody warned us about the water," said a farmer named Piet Kramer.'
    )
    [quote] = _direct(coded)
    assert quote.speaker is not None and quote.speaker.text == "Piet Kramer"
    assert not quote.speaker.anonymous


def test_according_to_gives_an_indirect_quote_with_its_content() -> None:
    coded = _coded("The dam burst shortly after midnight, according to the regional water authority.")
    quote = _indirect_containing(coded, "dam burst")
    assert quote.text == "The dam burst shortly after midnight"
    assert quote.cue == "according to"
    assert quote.speaker is not None and "water authority" in quote.speaker.text


def test_nested_quotes_belong_to_the_outer_speaker() -> None:
    coded = _coded(
        "Senator Ruth Adler said: \"The general told me, 'We will not retreat,' and I believed him.\""
    )
    [quote] = _direct(coded)
    assert "'We will not retreat,'" in quote.text
    assert quote.speaker is not None and quote.speaker.text == "Ruth Adler"


def test_one_or_two_quoted_words_inside_a_sentence_are_scare_quotes() -> None:
    coded = _coded('Critics called the new law "draconian" and the minister\'s plan a "bad joke".')
    assert not _direct(coded)


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The minister said that the army would withdraw from the border.", "say", "the army would withdraw"),
        ("The mayor told reporters that the bridge was unsafe.", "tell", "the bridge was unsafe"),
        ("The agency warned that the river could flood the town.", "warn", "the river could flood"),
        ("The company announced that it would close two factories.", "announce", "it would close"),
        ("The general denied that his troops had fired on civilians.", "deny", "his troops had fired"),
        ("The rebels claimed that they had captured the airport.", "claim", "they had captured"),
    ],
)
def test_indirect_speech_has_a_content_span(text: str, cue: str, content: str) -> None:
    coded = _coded(text)
    quote = _indirect_containing(coded, content)
    assert quote.cue == cue
    assert text[quote.start : quote.end] == quote.text
    assert quote.speaker is not None


def test_quoted_as_saying_with_the_relaying_outlet() -> None:
    coded = _coded(
        "Iran's defense minister was quoted by IRNA as saying that the country would defend its waters."
    )
    quote = _indirect_containing(coded, "would defend")
    assert quote.speaker is not None and quote.speaker.code == "IRNGOV"
    assert quote.via[0] == "IRNA" and quote.via[-1] == "The Daily Example"


def test_pronoun_speaker_is_resolved_to_the_person_named_before() -> None:
    coded = _coded(
        "Maria Lopez, the mayor of the town, visited the flooded streets on Sunday. "
        '"We will rebuild every house," she said.'
    )
    [quote] = _direct(coded)
    assert quote.speaker is not None and quote.speaker.text == "Maria Lopez"


def test_bare_surname_is_resolved_to_the_full_name() -> None:
    coded = _coded(
        "Health Minister Pavel Novak opened the hospital on Monday. "
        "Novak said that the wards would take patients within a week."
    )
    quote = _indirect_containing(coded, "wards would take")
    assert quote.speaker is not None and quote.speaker.text == "Pavel Novak"


def test_statement_speaks_for_its_author() -> None:
    coded = _coded(
        "The ministry of health issued a statement on Friday. "
        '"All schools will remain closed until further notice," the statement said.'
    )
    [quote] = _direct(coded)
    assert quote.speaker is not None and "ministry" in quote.speaker.text.lower()
    assert quote.speaker.kind == "organisation"


def test_outlet_reporting_in_its_own_name_is_a_media_source() -> None:
    coded = _coded("The New York Times reported that the talks had collapsed.")
    quote = _indirect_containing(coded, "talks had collapsed")
    assert quote.speaker is not None and quote.speaker.kind == "media"
    assert quote.speaker.text == "New York Times"


def test_relay_chain_runs_nearest_first_to_the_publisher() -> None:
    coded = _coded(
        "Agence France-Presse, citing sources close to the investigation, reported that the suspect "
        "had travelled abroad."
    )
    quote = _indirect_containing(coded, "suspect had travelled")
    assert quote.speaker is not None and quote.speaker.anonymous
    assert quote.via[0] == "Agence France-Presse" and quote.via[-1] == "The Daily Example"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Defence Minister Ivan Petrov said that the drills would end on Friday.", "named_official"),
        ("The farmer Lena Ortiz said that the drills would end on Friday.", "named_person"),
        ("In a statement, the Red Cross said that the drills would end on Friday.", "organisation"),
        ("The Guardian reported that the drills would end on Friday.", "media"),
        ("A source said that the drills would end on Friday.", "anonymous"),
        ("Officials said that the drills would end on Friday.", "anonymous"),
        ("Diplomats said that the drills would end on Friday.", "anonymous"),
        ("An unidentified officer said that the drills would end on Friday.", "anonymous"),
        (
            "A commander, speaking on condition of anonymity, said that the drills would end on Friday.",
            "anonymous",
        ),
        ("According to reports, the drills would end on Friday.", "anonymous"),
    ],
)
def test_source_type_of_each_speaker(text: str, kind: str) -> None:
    coded = _coded(text)
    quote = _indirect_containing(coded, "drills would end")
    assert quote.speaker is not None
    assert quote.speaker.kind == kind
    assert quote.speaker.anonymous is (kind == "anonymous")
    assert quote.speaker.kind in SPEAKER_KINDS


def test_thousands_of_words_and_unbalanced_marks_run_in_linear_time() -> None:
    def words(stem: str, count: int) -> str:  # distinct per paragraph: repeated lines are dropped
        return " ".join(f"{stem}{n}" for n in range(count))

    paragraphs = [
        f'"{words("alpha", 6000)}," the minister said.',
        f'Officials said "{words("beta", 3000)} and never closed it.',
        '"' * 501 + " odd " + '"' * 250,
        f'He said "{words("gamma", 6000)}',
    ]
    start = time.perf_counter()
    coded = _coded("\n\n".join(paragraphs))
    elapsed = time.perf_counter() - start
    assert elapsed < 30
    long_quote = next(q for q in coded.quotes if q.direct and len(q.text) > 30000)
    assert long_quote.speaker is not None and long_quote.speaker.text == "the minister"
