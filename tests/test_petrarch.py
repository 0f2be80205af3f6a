"""PETRARCH/TABARI dictionaries: readers on small project-written snippets, actors with agents and
dates, verb patterns with slots on real parses, discards, the pipeline end to end, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Token

from tocsin import cameo
from tocsin.actors import ActorCoder, code_mentions
from tocsin.errors import DictionaryError
from tocsin.evaluate import score_petrarch
from tocsin.ingest import article_from_text
from tocsin.lexicon import PhraseTable
from tocsin.petrarch import PetrarchActors, PetrarchVerbs, dictionary_kind, load_dictionaries
from tocsin.pipeline import Options, code_article

REPO = Path(__file__).resolve().parents[1]
PETRARCH_DATA = REPO.parent / "shared" / "data" / "petrarch"
VALIDATE = [PETRARCH_DATA / f"PETR.Validate.{kind}.txt" for kind in ("actors", "agents", "verbs", "discards")]

ACTORS = """\
<!-- a test actor dictionary
     written for these tests -->
ARNOR_  [ARN]  # the north kingdom
+ARNORIAN
GONDOR [GON]
+MINAS_TIRITH
BREE [BRE]
ROMENDACIL [BRE]
LORIEN [ELR/GAL]
GOLLUM  # dated codes only
+SMEAGOL
\t[HOB < 950601]
\t[HOBGOV 19950601 - 19990815]
\t[HOBREB > 990816]
BOROMIR [---]
ROHAN [ROH]
	[ROHGOV 2001-99]
BROKEN ENTRY [AR N]
\t[XXX 2001-99]
"""

AGENTS = """\
!PERSON! = MAN, MEN, WOMAN, WOMEN
PRIME_MINISTER [~GOV]
FOREIGN_MINISTER [~GOVFRM]
OFFICIAL [~GOV]
POLICE {} [~COP]
GOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]
MSF {} [NGO~]
CONGRESS!PERSON! [~LEG]
SOLDIER [~MIL]
NO CODE HERE
BAD_AGENT [GOV]
"""

VERBS = """\
&TIETYPES
+MILITARY
+CULTURAL

--- RESTORE  [064]  ---
RESTORE
- * &TIETYPES TIES  [902]
- NOT * RELATIONS  [112]

--- LEFT  [032:033]  ---
LEFT

--- FREE  [066] ---
FREE
- + * FROM $  [066]

--- CONDEMN  [122]  ---
CONDEMN
- * NOTHING [---]

--- WELCOME  [041] ---
WELCOME
- * &UNDEFINED  [043]
- * WITHOUT A STAR [043
"""

DISCARDS = """\
+TYPHOON
BASEBALL
MONTHS LATER
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A small project-written dictionary set, one file of each kind."""
    folder = tmp_path_factory.mktemp("world")
    paths = []
    for name, text in (
        ("test.actors.txt", ACTORS),
        ("test.agents.txt", AGENTS),
        ("test.verbs.txt", VERBS),
        ("test.discards.txt", DISCARDS),
    ):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def loaded_actors(world: list[Path]) -> PetrarchActors:
    actors = load_dictionaries(world).actors
    assert len(actors) == 1 and isinstance(actors[0], PetrarchActors)
    return actors[0]


def _only_dictionaries(actors: PetrarchActors) -> ActorCoder:
    empty = PhraseTable(())
    return ActorCoder(empty, empty, empty, dictionaries=(actors,))


def _codes(
    nlp: Language, text: str, actors: PetrarchActors, day: date | None = None
) -> dict[str, str | None]:
    doc = nlp(text)
    return {mention.text: mention.code for mention in code_mentions(doc, _only_dictionaries(actors), day)}


def _token(doc: Doc, text: str) -> Token:
    return next(token for token in doc if token.text == text)


# -- reading ----------------------------------------------------------------------------------


def test_kinds_are_told_from_content(world: list[Path], tmp_path: Path) -> None:
    kinds = [dictionary_kind(path, path.read_text(encoding="utf-8")) for path in world]
    assert kinds == ["actors", "agents", "verbs", "discards"]
    renamed = tmp_path / "mystery.txt"
    renamed.write_text(VERBS, encoding="utf-8")
    assert dictionary_kind(renamed, VERBS) == "verbs"


def test_malformed_entries_are_reported_with_file_and_line_and_skipped(world: list[Path]) -> None:
    loaded = load_dictionaries(world)
    found = {(Path(p.path).name, p.line) for p in loaded.problems}
    assert ("test.actors.txt", 18) in found  # [AR N]: a code with a blank
    assert ("test.actors.txt", 19) in found  # its restriction has no valid entry above it
    assert ("test.agents.txt", 10) in found  # no [code]
    assert ("test.agents.txt", 11) in found  # [GOV]: no '~'
    assert ("test.verbs.txt", 23) in found  # undefined synset
    assert ("test.verbs.txt", 24) in found  # unclosed code
    assert all(isinstance(p, DictionaryError) and p.reason for p in loaded.problems)
    assert ("test.actors.txt", 17) in found  # [ROHGOV 2001-99]: not a date
    assert len(loaded.problems) == 7
    assert loaded.actors and loaded.verbs  # the rest loaded


def test_an_unreadable_file_raises(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError) as caught:
        load_dictionaries([tmp_path / "absent.actors.txt"])
    assert caught.value.path.endswith("absent.actors.txt")


def test_loading_twice_uses_the_cache(world: list[Path]) -> None:
    assert load_dictionaries(world) is load_dictionaries(world)


def test_dictionary_codes_extend_cameo_only_when_loaded(world: list[Path]) -> None:
    load_dictionaries(world)
    assert cameo.is_valid("902")  # registered by test.verbs.txt
    assert cameo.lookup("902").code == "902"
    assert not cameo.is_valid("977")


# -- actors and agents ------------------------------------------------------------------------


def test_actors_combine_with_agents(nlp: Language, loaded_actors: PetrarchActors) -> None:
    codes = _codes(nlp, "Bree Prime Minister Romendacil met Arnor's foreign minister.", loaded_actors)
    assert codes["Bree Prime Minister Romendacil"] == "BREGOV"
    assert codes["Arnor's foreign minister"] == "ARNGOVFRM"


def test_agents_alone_prefixes_plurals_and_substitutions(
    nlp: Language, loaded_actors: PetrarchActors
) -> None:
    doc = nlp("A senior official met an MSF Arnor official and Gondor's golden geese.")
    coder = _only_dictionaries(loaded_actors)
    codes = {m.text: m.code for m in code_mentions(doc, coder)}
    assert codes["A senior official"] == "---GOV"
    assert codes["an MSF Arnor official"] == "NGOARNGOV"
    assert codes["Gondor's golden geese"] == "GONGGS"
    assert _codes(nlp, "The Gondor congressmen left.", loaded_actors)["The Gondor congressmen"] == "GONLEG"


def test_agent_takes_the_country_of_its_complement(nlp: Language, loaded_actors: PetrarchActors) -> None:
    codes = _codes(nlp, "Soldiers from Gondor attacked the police of Arnor.", loaded_actors)
    assert codes["Soldiers"] == "GONMIL"
    assert codes["the police"] == "ARNCOP"


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(1995, 5, 31), "HOB"),
        (date(1995, 6, 1), "HOB"),  # limits are inclusive: the first restriction listed wins
        (date(1995, 6, 2), "HOBGOV"),
        (date(1999, 8, 15), "HOBGOV"),
        (date(1999, 8, 16), "HOBREB"),
    ],
)
def test_date_restrictions(nlp: Language, loaded_actors: PetrarchActors, day: date, code: str) -> None:
    assert _codes(nlp, "Smeagol restored ties with Gondor.", loaded_actors, day)["Smeagol"] == code


def test_null_actor_codes_nothing(nlp: Language, loaded_actors: PetrarchActors) -> None:
    doc = nlp("Boromir restored ties with Gondor.")
    assert loaded_actors.code_phrase([doc[0]], doc[0], None) is None
    assert loaded_actors.code_phrase([doc[4]], doc[4], None) is not None


def test_phoenix_leader_code_changes_with_the_date(nlp: Language) -> None:
    files = [PETRARCH_DATA / "Phoenix.Countries.actors.txt", PETRARCH_DATA / "Phoenix.agents.txt"]
    if not all(path.is_file() for path in files):
        pytest.skip("the shared PETRARCH dictionaries are not available")
    started = time.perf_counter()
    loaded = load_dictionaries(files)
    assert time.perf_counter() - started < 10
    actors = loaded.actors[0]
    assert isinstance(actors, PetrarchActors)
    text = "Vladimir Putin met Russian soldiers in Moscow."
    assert _codes(nlp, text, actors, date(1998, 6, 1))["Vladimir Putin"] == "RUSELI"
    assert _codes(nlp, text, actors, date(2005, 6, 1))["Vladimir Putin"] == "RUSGOV"
    assert _codes(nlp, text, actors, date(2005, 6, 1))["Russian soldiers"] == "RUSMIL"


# -- verbs ------------------------------------------------------------------------------------


def _verbs(world: list[Path]) -> PetrarchVerbs:
    verbs = load_dictionaries(world).verbs
    assert len(verbs) == 1 and isinstance(verbs[0], PetrarchVerbs)
    return verbs[0]


def test_patterns_bind_source_and_target_slots(nlp: Language, world: list[Path]) -> None:
    doc = nlp("Gondor freed Arnor from Bree on Monday.")
    matches = _verbs(world).match(doc[:])
    assert [(m.verb.text, m.code) for m in matches] == [("freed", "066")]
    assert (matches[0].source, matches[0].target) == (_token(doc, "Bree"), _token(doc, "Gondor"))


def test_longest_pattern_and_synsets_win_over_the_default(nlp: Language, world: list[Path]) -> None:
    verbs = _verbs(world)
    doc = nlp("Arnor restored cultural ties with Gondor.")
    [match] = verbs.match(doc[:])
    assert match.code == "902"
    assert match.target == _token(doc, "Gondor")
    [plain] = verbs.match(nlp("Arnor restored full ties with Gondor.")[:])
    assert plain.code == "064"


def test_negation_needs_a_pattern_that_names_it(nlp: Language, world: list[Path]) -> None:
    verbs = _verbs(world)
    [named] = verbs.match(nlp("Arnor did not restore relations with Gondor.")[:])
    assert named.code == "112"
    assert verbs.match(nlp("Arnor did not restore ties with Gondor.")[:]) == []


def test_paired_codes_give_the_reverse_event(nlp: Language, world: list[Path]) -> None:
    doc = nlp("Bree Prime Minister Romendacil left for Minas Tirith on Wednesday.")
    matches = _verbs(world).match(doc[:])
    assert [(m.code, m.source, m.target) for m in matches] == [
        ("032", None, _token(doc, "Tirith")),
        ("033", _token(doc, "Tirith"), _token(doc, "Romendacil")),
    ]


def test_null_code_patterns_code_nothing(nlp: Language, world: list[Path]) -> None:
    verbs = _verbs(world)
    assert verbs.match(nlp("Arnor condemned nothing in Gondor.")[:]) == []
    assert [m.code for m in verbs.match(nlp("Arnor condemned Gondor.")[:])] == ["122"]


def test_discards_drop_the_sentence_or_the_story(nlp: Language, world: list[Path]) -> None:
    verbs = _verbs(world)
    assert verbs.match(nlp("Arnor restored baseball ties with Gondor.")[:]) == []
    doc = nlp("A typhoon hit the coast. Arnor restored ties with Gondor.")
    assert [verbs.match(sentence) for sentence in doc.sents] == [[], []]
    assert verbs.match(nlp("Arnor restored ties with Gondor.")[:])


# -- the pipeline -----------------------------------------------------------------------------


def test_pipeline_codes_with_loaded_dictionaries(nlp: Language, world: list[Path]) -> None:
    options = Options(dictionary_paths=tuple(world), builtin_lexicon=False, code_statements=False)
    article = article_from_text("Smeagol restored military ties with Gondor.", date=date(1997, 1, 1))
    coded = code_article(article, options, nlp)
    assert [(e.source.code, e.target.code if e.target else None, e.cameo) for e in coded.events] == [
        ("HOBGOV", "GON", "902")
    ]
    assert "test.verbs.txt" in str(coded.events[0].extras["rule"])


def _validate_files() -> list[Path]:
    if not all(path.is_file() for path in VALIDATE):
        pytest.skip("the shared PETRARCH validation dictionaries are not available")
    return VALIDATE


def test_first_light_record_end_to_end(nlp: Language) -> None:
    options = Options(dictionary_paths=tuple(_validate_files()))
    text = (
        "Arnor is about to restore full diplomatic ties with Gondor almost five years after crowds "
        "trashed its embassy."
    )
    coded = code_article(article_from_text(text, date=date(1995, 1, 1)), options, nlp)
    triples = {(e.source.code, e.target.code if e.target else None, e.cameo) for e in coded.events}
    assert ("ARN", "GON", "064") in triples


def test_compound_subjects_and_paired_codes_end_to_end(nlp: Language) -> None:
    options = Options(dictionary_paths=tuple(_validate_files()), builtin_lexicon=False, code_statements=False)
    text = "Old foes Gondor and Osgiliath have renewed diplomatic ties after a 12-year break."
    coded = code_article(article_from_text(text, date=date(1995, 1, 2)), options, nlp)
    triples = {(e.source.code, e.target.code if e.target else None, e.cameo) for e in coded.events}
    assert triples == {("GON", "OSG", "064"), ("OSG", "GON", "064")}


def test_score_petrarch_loads_the_dictionaries_the_file_names(tmp_path: Path, nlp: Language) -> None:
    for name, text in (("w.actors.txt", ACTORS), ("w.agents.txt", AGENTS), ("w.verbs.txt", VERBS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    records = tmp_path / "records.xml"
    records.write_text(
        """<Validation><Environment>
<Verbfile>w.verbs.txt</Verbfile><Actorfile>w.actors.txt</Actorfile><Agentfile>w.agents.txt</Agentfile>
</Environment><Sentences>
<Sentence date="19970101" id="T-1" category="T">
<EventCoding sourcecode="HOBGOV" targetcode="GON" eventcode="902"></EventCoding>
<Text>Smeagol restored military ties with Gondor.</Text></Sentence>
<Sentence date="19970101" id="T-2" category="T">
<EventCoding noevents="True"></EventCoding>
<Text>Smeagol thought about Gondor.</Text></Sentence>
</Sentences></Validation>""",
        encoding="utf-8",
    )
    report = score_petrarch(records, nlp=nlp)
    assert report.dictionaries_loaded is True
    assert (report.n, report.exact) == (2, 2)


# -- the command line -------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tocsin.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )


def test_cli_dictionary_option(tmp_path: Path, world: list[Path]) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Ties\nDate: 1997-01-01\n\nSmeagol restored military ties with Gondor.\n", encoding="utf-8"
    )
    options = [value for path in world for value in ("--dictionary", str(path))]
    result = _cli("code", str(article), "--format", "jsonl", *options)
    assert result.returncode == 0, result.stderr
    assert '"code": "HOBGOV"' in result.stdout and '"cameo": "902"' in result.stdout
    missing = _cli("code", str(article), "--dictionary", str(tmp_path / "absent.verbs.txt"))
    assert missing.returncode == 2
    assert "absent.verbs.txt" in missing.stderr and "Traceback" not in missing.stderr
