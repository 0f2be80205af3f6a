"""Event coding: lexicon rules, roles of source and target, negation, modality and intent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tocsin.errors import DictionaryError
from tocsin.events import load_lexicon
from tocsin.pipeline import Options, code

DAY = date(2019, 5, 17)


def _triples(text: str, options: Options | None = None) -> set[tuple[str | None, str, str | None]]:
    return {
        (event.source.code, event.cameo, event.target.code if event.target else None)
        for event in code(text, date=DAY, options=options)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iran's defence minister met Iraqi leaders in Baghdad.", ("IRNGOV", "040", "IRQGOV")),
        (
            "The United States evacuated non-emergency US government employees from Iraq.",
            ("USA", "160", "USAGOV"),
        ),
        ("Israeli troops attacked Palestinian militants in Gaza.", ("ISRMIL", "190", "PSEUAF")),
        ("The Kenyan police arrested two Somali journalists.", ("KENCOP", "173", "SOMMED")),
        ("Russia mobilized troops near the Ukrainian border.", ("RUS", "154", None)),
        ("Russia deployed troops to Belarus.", ("RUS", "154", "BLR")),
    ],
)
def test_predicates_code_to_cameo_with_source_and_target(
    text: str, expected: tuple[str, str, str | None]
) -> None:
    assert expected in _triples(text)


def test_suspending_training_reduces_relations_with_the_host() -> None:
    events = code("Germany suspended military training in Iraq.", date=DAY)
    assert any(
        e.source.code == "DEU" and e.cameo_root == "16" and e.target and e.target.code == "IRQ"
        for e in events
    )


def test_the_act_an_actor_is_accused_of_is_not_the_accusers_act() -> None:
    triples = _triples("The United States accused Iran of attacking two oil tankers.")
    assert ("USA", "112", "IRN") in triples
    assert not any(code.startswith("19") for _, code, _ in triples)


def test_passive_voice_swaps_source_and_target() -> None:
    assert ("ISRMIL", "190", "SYRMIL") in _triples("Syrian soldiers were attacked by Israeli troops.")


def test_light_verb_with_event_noun() -> None:
    assert ("USA", "163", "IRN") in _triples("The United States imposed sanctions on Iran.")


@pytest.mark.parametrize(
    "text",
    [
        "Khamenei said there was not going to be any war with the United States.",
        "Trump does not want to go to war with Iran.",
        "Iran did not attack American forces.",
        "Iran never attacked American forces.",
        "Iran refused to attack American forces.",
        "If Iran attacks American forces, the United States would respond.",
        "Iran could attack American forces.",
        "Would Iran attack American forces?",
        "Any attack on Iran would be a mistake, the president said.",
    ],
)
def test_negated_and_hypothetical_violence_is_never_coded(text: str) -> None:
    roots = {event.cameo_root for event in code(text, date=DAY)}
    assert not roots & {"18", "19", "20"}, roots


def test_stated_future_violence_becomes_a_threat() -> None:
    events = code("Iran's defence minister said Tehran will attack the American forces.", date=DAY)
    threats = [event for event in events if event.cameo_root == "13"]
    assert threats and threats[0].modality == "intended"
    assert not any(event.cameo_root in {"18", "19", "20"} for event in events)


def test_future_cooperation_becomes_intent() -> None:
    events = code("Japan's prime minister will visit Iran next week.", date=DAY)
    assert [event.cameo for event in events if event.source.code == "JPNGOV"] == ["036"]


def test_relative_dates_resolve_against_the_article_date() -> None:
    events = code("Iraqi leaders met the Iranian foreign minister three weeks ago.", date=DAY)
    assert events[0].date == date(2019, 4, 26)
    assert events[0].date_basis == "expression"


def test_event_carries_codes_weights_and_evidence() -> None:
    [event] = [
        e for e in code("Israeli troops attacked Palestinian militants.", date=DAY) if e.cameo == "190"
    ]
    assert (event.cameo_root, event.quad_class, event.goldstein) == ("19", 4, -10.0)
    assert event.plover_type == "ASSAULT"
    assert event.predicate == "attacked"
    assert event.sentence[event.predicate_span[0] - event.span[0] :].startswith("attacked")
    assert 0.0 < event.confidence <= 1.0


def test_user_lexicon_adds_predicates(tmp_path: Path) -> None:
    extra = tmp_path / "extra.tsv"
    extra.write_text("rebuke\tV\t-\t111\tmy addition\n", encoding="utf-8")
    text = "The French government rebuked Italy."
    assert not any(code_ == "111" for _, code_, _ in _triples(text))
    assert ("FRAGOV", "111", "ITA") in _triples(text, Options(lexicon_paths=(extra,)))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("rebuke\tV\t-\n", "expected lemma"),
        ("rebuke\tX\t-\t111\n", "part of speech"),
        ("rebuke\tV\t-\t999\n", "unknown CAMEO code"),
        ("rebuke\tV\tcolour=red\t111\n", "bad condition"),
    ],
)
def test_malformed_lexicon_names_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\n" + line, encoding="utf-8")
    with pytest.raises(DictionaryError) as caught:
        load_lexicon([bad])
    assert caught.value.line == 2 and reason in str(caught.value) and str(bad) in str(caught.value)
