"""The predicate lexicon: every row is well formed, and common news phrasings of each CAMEO root code right.

The sentences are written for these tests (not taken from the CAMEO codebook or any gold set).
"""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest
from spacy.language import Language

from tocsin.events import builtin_lexicon, parse_predicate_lines
from tocsin.ingest import article_from_text
from tocsin.pipeline import code_article
from tocsin.types import Event

DAY = date(2021, 3, 9)


def _events(nlp: Language, text: str) -> list[Event]:
    return list(code_article(article_from_text(text, date=DAY), nlp=nlp).events)


def _codes(nlp: Language, text: str) -> set[str]:
    return {event.cameo for event in _events(nlp, text)}


def _packaged_codes() -> set[str]:
    text = resources.files("tocsin.data").joinpath("cameo.tsv").read_text("utf-8")
    return {
        line.split("\t")[0].strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    }


def test_every_lexicon_row_parses_and_uses_a_packaged_cameo_code() -> None:
    text = resources.files("tocsin.data").joinpath("predicates.tsv").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rules = list(parse_predicate_lines(text.splitlines(), "predicates.tsv"))
    assert len(rules) == len(rows)
    known = _packaged_codes()
    assert not [rule.origin for rule in rules if rule.code not in known]
    assert not [rule.origin for rule in rules if not rule.lemma or rule.lemma != rule.lemma.strip()]


def test_no_lexicon_row_is_shadowed_by_an_identical_one() -> None:
    text = resources.files("tocsin.data").joinpath("predicates.tsv").read_text("utf-8")
    rules = list(parse_predicate_lines(text.splitlines(), "predicates.tsv"))
    assert len(builtin_lexicon()) == len(rules)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # 01 statements
        ("The Indian government claimed responsibility for the border incident.", "015"),
        ("Kenya expressed concern over the violence in Somalia.", "012"),
        # 02 appeals
        ("France urged Iran to release the detained journalists.", "0253"),
        ("Germany called on Russia to forge closer ties with the European Union.", "022"),
        ("The United Nations called on Ethiopia to allow aid convoys into Tigray.", "025"),
        ("Egypt asked the World Bank for economic aid.", "0231"),
        ("Kenya appealed to the European Union for food aid.", "0233"),
        ("Pakistan pressed India to resume talks on Kashmir.", "026"),
        # 03 intentions
        ("Turkey and Greece agreed to hold joint military exercises next month.", "0312"),
        ("Japan will provide economic aid to Sri Lanka.", "0331"),
        # 04 consult
        ("Japan hosted the Indian prime minister in Tokyo.", "043"),
        ("The Chinese foreign minister visited Pakistan on Monday.", "042"),
        ("Norway mediated between the Colombian government and the rebels.", "045"),
        # 05 diplomatic cooperation
        ("Israel and Jordan signed a water agreement.", "057"),
        ("Britain apologized to Kenya for colonial-era abuses.", "055"),
        # 06 material cooperation
        ("China and Russia expanded trade last year.", "061"),
        # 07 aid
        ("Japan provided economic aid to Sri Lanka.", "071"),
        ("Saudi Arabia sent humanitarian aid to Yemen.", "073"),
        ("Canada contributed troops to the United Nations force in Cyprus.", "074"),
        # 08 yield
        ("Sudan lifted the curfew in Khartoum.", "0813"),
        ("Hamas declared a ceasefire in Gaza.", "0871"),
        ("Hamas declared a cease-fire in Gaza.", "0871"),
        ("Ethiopia released 200 political prisoners.", "0841"),
        ("The Italian government completed the withdrawal of its troops from Iraq.", "0874"),
        # 09 investigate
        ("Kenya launched an investigation into the killings of protesters.", "091"),
        # 10 demand
        ("The United States demanded that North Korea dismantle its nuclear program.", "105"),
        ("Britain said Libya must hand over the suspects.", "1013"),
        # 11 disapprove
        ("The United States accused Iran of human rights abuses.", "1122"),
        ("China accused the United States of espionage.", "1125"),
        # 12 reject
        ("Russia rejected the proposal for talks.", "120"),
        # 13 threaten
        ("Iran threatened Israel with military action.", "138"),
        ("The European Union threatened Belarus with sanctions.", "1312"),
        # 14 protest
        ("Thousands of Kenyans demonstrated for democracy in Nairobi.", "1414"),
        ("Teachers in Nigeria went on strike over unpaid wages.", "143"),
        ("Protesters blocked roads in Caracas.", "144"),
        # 15 military posture
        ("Russia deployed troops to the Ukrainian border.", "154"),
        # 16 reduce relations
        ("The European Union imposed sanctions on Russia.", "163"),
        ("The United States slapped tariffs on Chinese steel.", "163"),
        ("Russia expelled two British diplomats.", "161"),
        # 17 coerce
        ("Egyptian police arrested dozens of protesters in Cairo.", "173"),
        ("Kenya deported three British journalists.", "174"),
        ("Indian police fired on protesters in Kashmir.", "175"),
        ("The Israeli army demolished Palestinian homes in Hebron.", "1712"),
        ("Turkish authorities seized land belonging to Armenian churches.", "1711"),
        # 18 assault
        ("Militants kidnapped two French aid workers in Niger.", "181"),
        ("Rebels tortured the captured soldiers.", "1822"),
        ("Taliban militants set off a bomb in Kabul.", "183"),
        # 19 fight
        ("Russian warplanes bombed rebel positions in Syria.", "195"),
        ("Israeli troops exchanged fire with Hezbollah fighters.", "193"),
        ("Syrian forces shelled the city of Homs.", "194"),
        ("Iraqi forces took control of the town of Tal Afar.", "192"),
        # 20 mass violence
        ("The Myanmar army carried out mass killings of Rohingya villagers.", "202"),
        ("The Serbian army drove out the Albanian population of the village.", "201"),
        ("Iraqi forces used chemical weapons against the Kurds.", "2041"),
    ],
)
def test_news_phrasings_code_to_their_cameo_code(nlp: Language, text: str, code: str) -> None:
    assert code in _codes(nlp, text)


def test_appeal_names_the_appealed_to_as_target(nlp: Language) -> None:
    events = [
        e for e in _events(nlp, "France urged Iran to release the detained journalists.") if e.cameo == "0253"
    ]
    assert events and events[0].source.code == "FRA" and events[0].target and events[0].target.code == "IRN"


def test_air_strikes_halted_are_de_escalation_not_an_end_to_protest(nlp: Language) -> None:
    codes = _codes(nlp, "Russia halted air strikes on Syrian rebels.")
    assert "087" in codes and "082" not in codes


def test_calling_off_a_strike_eases_dissent(nlp: Language) -> None:
    assert "082" in _codes(nlp, "The Nigerian teachers' union called off its strike.")


def test_sharing_expertise_is_cooperation_not_intelligence_sharing(nlp: Language) -> None:
    codes = _codes(nlp, "Iran has been sharing military expertise with Syria.")
    assert "060" in codes and "064" not in codes


def test_suspending_military_training_stops_military_assistance(nlp: Language) -> None:
    assert "1622" in _codes(nlp, "Germany suspended military training in Iraq.")


def test_telling_someone_they_must_act_is_a_demand(nlp: Language) -> None:
    codes = _codes(nlp, "The United States told Iran that it must release the sailors.")
    assert any(code.startswith("10") for code in codes)


def test_accepting_someone_elses_resignation_is_not_yielding(nlp: Language) -> None:
    events = _events(nlp, "The Russian president accepted the resignation of the prime minister.")
    assert not any(event.cameo == "0831" and event.source.code == "RUSGOV" for event in events)
