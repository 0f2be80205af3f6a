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
            ("USA", "160", "IRQ"),
        ),
        ("Israeli troops attacked Palestinian militants in Gaza.", ("ISRMIL", "190", "PSEUAF")),
        ("The Kenyan police arrested two Somali journalists.", ("KENCOP", "173", "SOMMED")),
        ("Russia mobilized troops near the Ukrainian border.", ("RUS", "154", None)),
        ("Russia deployed troops to Belarus.", ("RUS", "154", "BLR")),
        # one's own forces or staff are what a deployment moves; the country is its target
        ("Pakistan has refused to deploy peacekeepers in Iraq.", ("PAK", "122", "IRQ")),
        ("Nigeria will withdraw its peacekeeping force from Chad.", ("NGA", "136", "TCD")),
        ("Britain mobilized army reservists for a war against Iraq.", ("GBR", "154", "IRQ")),
        ("Some 800,000 Iraqi Kurds sought refuge in Germany last month.", ("IRQCVL", "1033", "DEU")),
        # rallying support for, or opposition against, a third party targets that party
        ("Iran called on Muslim countries to back Hamas.", ("IRN", "053", "PSEREBHMS")),
        ("Iran urged Muslim states to sever ties with Israel.", ("IRN", "113", "ISR")),
        # a court's finding of guilt makes the act the convict's; a lemmatiser slip ("raped" as
        # "rap") does not hide a verb
        (
            "Two French police officers were found guilty of raping a Canadian tourist.",
            ("FRACOP", "1821", "CANCVL"),
        ),
        # a people named by a plural is its nation when it takes a political stance, its
        # civilians when it marches
        ("Palestinians blamed Israel for the attack.", ("PSE", "112", "ISR")),
        ("Palestinians marched against Israel.", ("PSECVL", "141", "ISR")),
        # coordinated country words give one actor each
        ("US and British forces attacked Iraq.", ("GBRMIL", "190", "IRQ")),
        ("Iraq attacked US and British forces.", ("IRQ", "190", "GBRMIL")),
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


# -- targets, nominal events, refusals and appeals ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an event noun with a named agent is coded on its own
        ("The UN condemned the killing of five civilians by Turkish troops.", ("TURMIL", "190", "TURCVL")),
        # ... and the condemnation targets the doer
        ("The UN condemned the killing of five civilians by Turkish troops.", ("IGOUNO", "111", "TURMIL")),
        # the target named by the possessor of a non-actor object
        ("Germany suspended Iran's operating permit.", ("DEU", "172", "IRN")),
        # whom a demand addresses: the subject of what is demanded
        ("China demanded that the United States cancel the arms sale.", ("CHN", "100", "USA")),
        # refusing a cooperative act is a rejection of its kind
        ("Pakistan refused to meet Indian officials.", ("PAK", "125", "INDGOV")),
        # "said it would" is the reported form of "will": an intention
        ("Syria said it would withdraw its troops from Lebanon.", ("SYR", "0356", "LBN")),
        # readiness adjectives express intent too
        ("Syria says it is willing to withdraw its troops from Lebanon.", ("SYR", "0356", "LBN")),
    ],
)
def test_targets_nominal_events_refusals_and_intent(text: str, expected: tuple[str, str, str | None]) -> None:
    assert expected in _triples(text)


@pytest.mark.parametrize(
    ("text", "absent_root"),
    [
        # what is urged or demanded has not happened
        ("The UN urged Iran to release the detained sailors.", "08"),
        ("Opposition groups demanded that the president resign.", "08"),
        # a threatened attack is no attack
        ("Iran warned of an attack by Israel.", "19"),
        # a denied act is not coded as done
        ("Russia denied the shelling of the town by its forces.", "19"),
    ],
)
def test_acts_that_did_not_happen_are_not_coded(text: str, absent_root: str) -> None:
    assert all(code[:2] != absent_root for _, code, _ in _triples(text))


def test_one_protest_however_many_verbs_describe_it() -> None:
    events = code(
        "Thousands of Iraqi Kurds marched through Kirkuk, chanted slogans and threw stones at police.",
        date=DAY,
    )
    protests = [e for e in events if e.cameo_root == "14"]
    assert protests, "the demonstration is coded"
    assert len({(e.source.code, e.target.country if e.target else None) for e in protests}) == len(protests)


def test_protest_without_a_target_addresses_the_government() -> None:
    events = code("Thousands of Iraqi Kurds demonstrated in Kirkuk on Sunday.", date=DAY)
    protest = next(e for e in events if e.cameo_root == "14")
    assert protest.target is not None and protest.target.code == "IRQGOV"
    assert protest.target.rule.startswith("implicit")


def test_a_refusal_borrows_the_actor_that_addressed_it() -> None:
    text = (
        "The US Congress subpoenaed the Justice Department over the report. "
        "The Justice Department rejected the demand."
    )
    events = code(text, date=DAY)
    refusal = next(e for e in events if e.cameo_root == "12")
    assert refusal.target is not None and refusal.target.code == "USALEG"
    assert refusal.target.rule.startswith("implicit")


def test_statement_targets_what_it_is_about() -> None:
    events = code("Senator Ted Cruz said members of the US Congress had abused their power.", date=DAY)
    statement = next(e for e in events if e.cameo == "010")
    assert statement.target is not None and statement.target.code == "USALEG"


def test_a_statement_reporting_another_event_is_only_its_attribution() -> None:
    events = code(
        "German officials said the German aviation authority had suspended Iran Air's permit.", date=DAY
    )
    assert all(e.cameo != "010" for e in events)
    ban = next(e for e in events if e.cameo_root == "17")
    assert ban.attribution.speaker is not None


def test_a_protest_abroad_addresses_the_government_where_it_happens() -> None:
    events = code("Hundreds of Iraqi Kurds demonstrated in Berlin on Sunday.", date=DAY)
    protest = next(e for e in events if e.cameo_root == "14")
    assert protest.target is not None and protest.target.code == "DEUGOV"


def test_implicit_targets_of_curfews_and_attacks_abroad() -> None:
    curfew = next(
        e
        for e in code("Turkish authorities imposed a curfew in Cizre on Monday.", date=DAY)
        if e.cameo[:3] == "172"
    )
    assert curfew.target is not None and curfew.target.code == "TURCVL"
    shelling = [
        e for e in code("Israeli tanks fired shells at targets in Jericho.", date=DAY) if e.cameo_root == "19"
    ]
    assert shelling and shelling[0].target is not None and shelling[0].target.country == "PSE"


def test_a_named_person_of_the_actors_country_is_no_force_it_deploys() -> None:
    triples = _triples(
        "The Ivory Coast's Supreme Court decided to allow candidate Alassane Ouattara to participate "
        "in the country's upcoming elections."
    )
    # the person is Côte d'Ivoire's whether the people directory knows him (as an elite) or not
    assert any(
        source == "CIVJUD" and code == "0812" and (target or "").startswith("CIV")
        for source, code, target in triples
    )


def test_an_accusation_is_still_not_the_accuseds_act() -> None:
    assert not any(
        code.startswith("18") for _, code, _ in _triples("The officers were accused of raping a tourist.")
    )


def test_a_suit_against_a_decision_targets_whoever_made_it() -> None:
    # "declared" is parsed as a second main clause with no "and": a relative clause all the same
    text = (
        "On Monday, attorneys general from sixteen states filed a lawsuit against the state of "
        "emergency United States President Donald Trump declared last Friday."
    )
    assert any(cameo == "115" and target == "USAGOV" for _, cameo, target in _triples(text))


def test_a_true_second_clause_is_not_read_as_a_relative_one() -> None:
    # the "and" makes "declared" a second clause: the order's author is not named
    text = (
        "The attorneys general filed a lawsuit against the order and President Donald Trump declared victory."
    )
    assert not any(cameo == "115" and target == "USAGOV" for _, cameo, target in _triples(text))


def test_criticism_in_a_despite_phrase_targets_the_clause_subject() -> None:
    text = (
        "The Turkish President announced the change on Wednesday, despite criticism by the Greek "
        "foreign minister."
    )
    assert ("GRCGOV", "111", "TURGOV") in _triples(text)


def test_lifting_a_state_of_emergency_falls_on_the_people_where_it_was_imposed() -> None:
    text = "Chad's government on Sunday lifted a state of emergency in Moundou, state radio said."
    assert any(cameo.startswith("081") and target == "TCDCVL" for _, cameo, target in _triples(text))


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (
            "Hundreds of Eritrean students demonstrated in Asmara calling for independence from Ethiopia.",
            "ETH",
        ),
        ("Students marched in Dili demanding a referendum on independence from Indonesian rule.", "IDN"),
    ],
)
def test_a_separatist_protest_addresses_the_state_it_would_leave(text: str, target: str) -> None:
    assert any(cameo.startswith("14") and found == target for _, cameo, found in _triples(text))


def test_a_refusal_despite_pressure_rebuffs_whoever_pressed() -> None:
    text = "The minister declined to resign despite growing pressure by the Kenyan parliament."
    assert any(cameo.startswith("12") and target == "KENLEG" for _, cameo, target in _triples(text))


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Syrian artillery fired rockets at targets in Kirkuk on Monday.", "IRQCVL"),  # a town abroad
        ("Syrian artillery fired rockets at targets in Iraq on Monday.", "IRQ"),  # the country itself
    ],
)
def test_an_attack_on_a_town_abroad_falls_on_its_people(text: str, target: str) -> None:
    assert any(cameo.startswith("19") and found == target for _, cameo, found in _triples(text))


def test_a_capital_under_attack_is_its_people_but_a_capital_that_answers_is_the_government() -> None:
    blockade = "Angry Belgian farmers said they would blockade Brussels next week."
    assert any(cameo.startswith("138") and target == "BELCVL" for _, cameo, target in _triples(blockade))
    answer = "Iran threatened to attack Iraq unless Baghdad accepted its terms."
    assert not any(target == "IRQCVL" for _, _, target in _triples(answer))


@pytest.mark.parametrize(
    ("text", "wanted", "target"),
    [
        (
            "The United Nations sent experts to Myanmar to investigate the feasibility of a ceasefire.",
            "09",
            "MMR",
        ),
        (
            "The Security Council agreed to extend the mandate of the peacekeeping force in Cyprus.",
            "03",
            "CYP",
        ),
    ],
)
def test_an_investigation_or_an_international_decision_concerns_the_country_where_it_applies(
    text: str, wanted: str, target: str
) -> None:
    assert any(cameo.startswith(wanted) and found == target for _, cameo, found in _triples(text))


def test_a_domestic_investigation_has_no_target() -> None:
    text = "Police in Texas are investigating the shooting at the mall."
    investigations = [target for _, cameo, target in _triples(text) if cameo.startswith("09")]
    assert investigations and all(target is None for target in investigations)
