"""Tests of the evaluation harness: matching and arithmetic on tiny gold sets written here.

Most tests code their gold text with a scripted coder: the real spaCy parse gives the sentences,
and the events are the ones the test lists, so the expected scores can be worked out by hand. The
last tests run the real pipeline, on a tiny set and on the shared gold sets where present.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from spacy.language import Language

from tocsin.cameo import lookup
from tocsin.errors import DictionaryError
from tocsin.evaluate import (
    ArticleCoder,
    CameoReport,
    GoldEvent,
    PetrarchReport,
    PloverReport,
    align_sentences,
    has_negation_cue,
    one_to_one,
    read_disputed,
    read_gold_events,
    read_gold_sentences,
    read_petrarch_records,
    read_plover_gold,
    run_all,
    score_founding_article,
    score_petrarch,
    score_plover,
    score_wikinews,
)
from tocsin.parse import parse_articles
from tocsin.types import ActorMention, Article, Attribution, CodedArticle, Event, Sentence

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# An event to script: (text to find in the article, source code, target code or None, CAMEO code).
Scripted = tuple[str, str, str | None, str]


def _actor(code: str | None) -> ActorMention:
    return ActorMention(text=code or "", start=0, end=0, code=code, country=code[:3] if code else None)


def make_event(article: Article, sentence: Sentence, at: int, item: Scripted) -> Event:
    """Build a real Event record for a scripted item whose predicate is at offset `at`."""
    needle, source, target, cameo = item
    info = lookup(cameo)
    return Event(
        event_id=f"{article.id}-{at}-{cameo}",
        article_id=article.id,
        date=article.date,
        sentence_index=sentence.index,
        sentence=sentence.text,
        span=(sentence.start, sentence.end),
        source=_actor(source),
        target=_actor(target) if target else None,
        cameo=cameo,
        cameo_root=info.root,
        quad_class=info.quad_class,
        goldstein=info.goldstein,
        attribution=Attribution(),
        predicate=needle,
        predicate_span=(at, at + len(needle)),
        plover_type=info.plover_type,
        plover_mode=info.plover_mode,
    )


def scripted_coder(nlp: Language, script: Sequence[Scripted]) -> ArticleCoder:
    """Return a coder that parses for real and emits the scripted events found in each text."""

    def coder(articles: Iterable[Article]) -> Iterator[CodedArticle]:
        for parsed in parse_articles(articles, nlp):
            article, events = parsed.article, []
            for item in script:
                at = article.text.find(item[0])
                if at < 0:
                    continue
                sentence = next(s for s in parsed.sentences if s.start <= at < s.end)
                events.append(make_event(article, sentence, at, item))
            yield CodedArticle(article, parsed.sentences, (), (), tuple(events))

    return coder


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def write_lines(path: Path, records: Iterable[Mapping[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# PLOVER


def plover_records() -> list[dict[str, object]]:
    return [
        {"id": "DOC-0001", "event": "DOCUMENT", "eventText": "documentation"},
        {
            "id": "T-DISAPPROVE-1",
            "date": "2000-01-01",
            "source": [{"actorText": "Iran", "code": "IRN"}],
            "target": [{"actorText": "Israel", "code": "ISR"}],
            "event": "DISAPPROVE",
            "text": "Iran accused Israel of spying.",
        },
        {
            "id": "T-FIGHT-1",
            "date": "2000-01-01",
            "source": [{"actorText": "American troops", "code": "USA", "sector": "MIL"}],
            "target": "",
            "event": "FIGHT",
            "text": "American troops fought rebels near the border.",
        },
        {
            "id": "T-AGREE-1",
            "date": "2000-01-01",
            "source": [{"actorText": "Chile", "code": "CHL"}],
            "event": "AGREE",
            "text": "Chile and Peru agreed to talk.",
        },
        {"id": "T-NOTEXT-1", "event": "AGREE"},
    ]


def test_plover_recall_and_source_country_are_counted_exactly(tmp_path: Path, nlp: Language) -> None:
    path = write_json(tmp_path / "plover.json", plover_records())
    coder = scripted_coder(
        nlp,
        [
            ("accused", "IRNGOV", "ISR", "112"),  # ACCUSE = folded DISAPPROVE, right country
            ("fought", "GBRMIL", None, "190"),  # ASSAULT = folded FIGHT, wrong country
            ("agreed", "CHL", "PER", "040"),  # CONSULT: not the gold AGREE
        ],
    )
    report = score_plover(path, coder=coder)
    assert isinstance(report, PloverReport)
    assert (report.n, report.recalled, report.judged, report.country_correct) == (3, 2, 2, 1)
    assert report.recall == pytest.approx(2 / 3)
    assert report.source_country_accuracy == pytest.approx(1 / 2)
    tallies = {name: (t.n, t.recalled) for name, t in report.per_type.items()}
    assert tallies == {"ACCUSE": (1, 1), "ASSAULT": (1, 1), "AGREE": (1, 0)}
    assert [m.id for m in report.misses] == ["T-AGREE-1"]
    assert report.misses[0].produced[0].startswith("040 CONSULT CHL->PER")
    assert [(m.id, m.gold_country) for m in report.country_misses] == [("T-FIGHT-1", "USA")]
    assert report.to_dict()["per_type"]["AGREE"] == {"n": 1, "recalled": 0}
    assert "T-AGREE-1" in report.render(details=True)


def test_plover_gold_without_source_is_not_judged(tmp_path: Path, nlp: Language) -> None:
    record = {"id": "T-1", "event": "ASSAULT", "text": "Gunmen attacked a bus.", "source": None}
    path = write_json(tmp_path / "plover.json", [record])
    report = score_plover(path, coder=scripted_coder(nlp, [("attacked", "USA", None, "190")]))
    assert (report.n, report.recalled, report.judged) == (1, 1, 0)
    assert report.source_country_accuracy == 0.0


def test_plover_reader_keeps_every_record_with_text_and_event(tmp_path: Path) -> None:
    golds = read_plover_gold(write_json(tmp_path / "plover.json", plover_records()))
    assert [(g.id, g.folded, g.source_country) for g in golds] == [
        ("T-DISAPPROVE-1", "ACCUSE", "IRN"),
        ("T-FIGHT-1", "ASSAULT", "USA"),
        ("T-AGREE-1", "AGREE", "CHL"),
    ]


def test_plover_with_the_real_pipeline_counts_every_sentence(tmp_path: Path, nlp: Language) -> None:
    report = score_plover(write_json(tmp_path / "plover.json", plover_records()), nlp=nlp)
    assert report.n == 3
    assert sum(t.n for t in report.per_type.values()) == 3
    assert report.recalled == sum(t.recalled for t in report.per_type.values())
    assert report.recalled + len(report.misses) == 3
    assert report.recall == pytest.approx(report.recalled / 3)


# ---------------------------------------------------------------------------------------------
# Wikinews CAMEO matching


def gold(sid: str, cameo: str, source: str | None, target: str | None, *alt: str) -> GoldEvent:
    return GoldEvent(sid=sid, source=source, target=target, cameo=cameo, alt=alt)


def test_gold_event_matching_compares_countries_roots_and_alt_codes(nlp: Language) -> None:
    article = Article(id="a", text="Iran accused Israel.")
    sentence = Sentence(0, 0, len(article.text), article.text)

    def coded(source: str, target: str | None, cameo: str) -> Event:
        return make_event(article, sentence, 5, ("accused", source, target, cameo))

    event = gold("a#0", "112", "IRN", "ISR", "172")
    assert event.accepts(coded("IRNGOV", "ISRMIL", "111"), 2)  # countries only, same root
    assert not event.accepts(coded("IRNGOV", "ISRMIL", "111"), 3)
    assert event.accepts(coded("IRN", "ISR", "1721"), 3)  # an alt code's first three digits
    assert event.accepts(coded("IRN", "ISR", "170"), 2)  # an alt code's root
    assert not event.accepts(coded("IRN", "USA", "112"), 2)
    assert not event.accepts(coded("IRN", None, "112"), 2)  # null target only matches null
    assert gold("a#0", "010", "IRN", None).accepts(coded("IRNGOV", None, "012"), 2)
    assert not gold("a#0", "010", "IRN", None).accepts(coded("IRN", "ISR", "010"), 2)


def test_one_to_one_matching_is_maximum_not_greedy() -> None:
    article = Article(id="a", text="x")
    sentence = Sentence(0, 0, 1, "x")
    produced = [
        make_event(article, sentence, 0, ("x", "USA", "IRN", "112")),
        make_event(article, sentence, 0, ("x", "USA", "IRN", "173")),
    ]
    # The first gold event accepts both coded events, the second only the first one: a greedy
    # matcher would pair the first with the first and leave one match on the table.
    golds = [gold("a#0", "112", "USA", "IRN", "173"), gold("a#0", "112", "USA", "IRN")]
    assert one_to_one(golds, produced, 2) == [(0, 1), (1, 0)]
    # Two identical coded events cannot both match one gold event.
    assert one_to_one(golds[1:], [produced[0], produced[0]], 2) == [(0, 0)]


ARTICLE_TEXT = (
    "Friday, January 4, 2019\u00a0\n\n\n"
    "The United States accused Iran of piracy on Monday. "
    "Iran warned the United States in response.\n\n"
    "The White House made a statement about the \u201cincident\u201d. "
    "Officials praised the rescue teams.\n\n"
    "Later, Iran attacked a tanker."
)
GOLD_SENTENCES = [
    "Friday, January 4, 2019 The United States accused Iran of piracy on Monday.",
    "Iran  warned the United\nStates in response.",
    'The White House made a statement about the "incident".',
    "Officials praised the rescue teams.",
    "A sentence the article does not contain at all, so it cannot be found.",
]
SCRIPT: list[Scripted] = [
    ("accused", "USAGOV", "IRNGOV", "112"),  # s0: matches at both levels
    ("piracy", "USA", "IRN", "112"),  # s0: a second coding; one-to-one leaves it a false positive
    ("warned", "IRN", "USA", "114"),  # s1: root of an alt code, but no 3-digit match
    ("statement", "USA", "IRN", "010"),  # s2: gold has no target, so no match
    ("praised", "USA", None, "051"),  # s3: disputed, left out
    ("attacked", "IRN", None, "190"),  # not a gold sentence: ignored
]


def write_wikinews(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    articles = write_lines(
        tmp_path / "articles.jsonl",
        [{"id": "wn-1", "title": "A title", "date": "2019-01-04", "text": ARTICLE_TEXT}],
    )
    sentences = write_json(tmp_path / "sentences.json", [{"id": "wn-1", "sentences": GOLD_SENTENCES}])
    events = write_lines(
        tmp_path / "gold.jsonl",
        [
            {"sid": "wn-1#0", "source": "USAGOV", "target": "IRN", "cameo": "112", "alt": []},
            {"sid": "wn-1#1", "source": "IRN", "target": "USA", "cameo": "173", "alt": ["111"]},
            {"sid": "wn-1#2", "source": "USAGOV", "target": None, "cameo": "010", "alt": []},
            {"sid": "wn-1#3", "source": "USA", "target": None, "cameo": "051", "alt": []},
            {"sid": "wn-1#4", "source": "IRN", "target": "ISR", "cameo": "190", "alt": []},
        ],
    )
    disputed = tmp_path / "disputed.txt"
    disputed.write_text("# taste\nwn-1#3\n", encoding="utf-8")
    return articles, sentences, events, disputed


def test_wikinews_scores_follow_the_readme_rules(tmp_path: Path, nlp: Language) -> None:
    report = score_wikinews(*write_wikinews(tmp_path), coder=scripted_coder(nlp, SCRIPT))
    assert isinstance(report, CameoReport)
    assert (report.articles, report.sentences, report.disputed) == (1, 5, 1)
    assert report.unmatched == ("wn-1#4",)
    # gold: s0, s1, s2, s4 (s3 disputed); coded: two in s0, one in s1, one in s2
    assert (report.root.matched, report.root.produced, report.root.gold) == (2, 4, 4)
    assert (report.digit3.matched, report.digit3.produced, report.digit3.gold) == (1, 4, 4)
    assert report.root.precision == report.root.recall == report.root.f1 == pytest.approx(0.5)
    assert report.digit3.f1 == pytest.approx(0.25)
    assert sorted((m.sid, m.event[:3]) for m in report.false_positives) == [
        ("wn-1#0", "112"),
        ("wn-1#2", "010"),
    ]
    assert sorted(m.sid for m in report.false_negatives) == ["wn-1#2", "wn-1#4"]
    assert report.confusion == {
        ("11", "11"): 1,
        ("17", "11"): 1,
        ("none", "11"): 1,
        ("01", "01"): 1,
        ("19", "none"): 1,
    }
    data = report.to_dict()
    assert data["root"]["f1"] == pytest.approx(0.5)
    assert data["unmatched_sentences"] == ["wn-1#4"]
    assert "wn-1#4" in report.render(details=True)


def test_sentence_alignment_survives_whitespace_and_quote_changes() -> None:
    sentences = [(f"wn-1#{k}", text) for k, text in enumerate(GOLD_SENTENCES)]
    alignment = align_sentences(ARTICLE_TEXT, sentences)
    assert alignment.unmatched == ("wn-1#4",)
    for sid, needle in [("wn-1#0", "piracy"), ("wn-1#1", "warned"), ("wn-1#2", "incident")]:
        assert alignment.sid_at(ARTICLE_TEXT.index(needle)) == sid
    assert alignment.sid_at(ARTICLE_TEXT.index("tanker")) is None


# ---------------------------------------------------------------------------------------------
# PETRARCH

PETRARCH_XML = """<Validation>
<Environment>
    <Verbfile>PETR.Validate.verbs.txt</Verbfile>
    <Actorfile>PETR.Validate.actors.txt</Actorfile>
    <Include>valid DEMO ERROR</Include>
</Environment>
<Sentences>
<Sentence date="19950101" id="A-1" category="DEMO" sentence="true">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text>
Arnor restored
ties with Gondor.
</Text>
</Sentence>
<Sentence date="19950101" id="B-1" category="DEMO" sentence="true">
<EventCoding noevents = "True"></EventCoding>
<Text>Arnor played chess.</Text>
</Sentence>
<Sentence date="19950101" id="C-1" category="DEMO" sentence="false">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text>Arnor is not implemented.</Text>
</Sentence>
<Sentence date="19950101" id="D-1" category="OTHER" sentence="true">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text>Arnor is in another category.</Text>
</Sentence>
<Sentence date="19950101" id="E-1" category="ERROR" sentence="true">
<EventCoding error="storydiscard"></EventCoding>
<Text>Arnor attacked Gondor at baseball.</Text>
</Sentence>
<Sentence date="19950101" id="F-1" category="DEMO" sentence="true">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text>Arnor is skipped.</Text>
<Skip></Skip>
</Sentence>
<Sentence date="19950101" id="G-1" category="DEMO" sentence="true">
<EventCoding sourcecode="USAGOV" targetcode="---" eventcode="010"></EventCoding>
<Text>The White House commented.</Text>
</Sentence>
<Sentence date="19950101" id="H-1" category="DEMO" sentence="true">
<EventCoding noevents="True"></EventCoding>
<Text>Stop here.</Text>
<Stop></Stop>
</Sentence>
<Sentence date="19950101" id="I-1" category="DEMO" sentence="true">
<EventCoding noevents="True"></EventCoding>
<Text>Never read.</Text>
</Sentence>
</Sentences>
</Validation>
"""


def test_petrarch_honours_the_files_markers(tmp_path: Path) -> None:
    path = tmp_path / "records.xml"
    path.write_text(PETRARCH_XML, encoding="utf-8")
    records = read_petrarch_records(path)
    assert [r.id for r in records.records] == ["A-1", "B-1", "E-1", "G-1"]
    assert [rid for rid, _ in records.skipped] == ["C-1", "D-1", "F-1"]
    assert records.records[0].text == "Arnor restored ties with Gondor."
    assert records.records[0].expected == {("ARN", "GON", "064")}
    assert [r.expects for r in records.records] == [
        "events",
        "noevents",
        "error:storydiscard",
        "events",
    ]
    assert records.dictionaries == ("PETR.Validate.verbs.txt", "PETR.Validate.actors.txt")


def test_petrarch_exact_share(tmp_path: Path, nlp: Language) -> None:
    path = tmp_path / "records.xml"
    path.write_text(PETRARCH_XML, encoding="utf-8")
    (tmp_path / "PETR.Validate.verbs.txt").write_text("", encoding="utf-8")
    coder = scripted_coder(
        nlp,
        [
            ("restored", "ARN", "GON", "064"),  # exact
            ("attacked", "ARN", "GON", "190"),  # an event where the record expects a discard
            ("commented", "USAGOV", None, "010"),  # no target is written ---: exact
        ],
    )
    report = score_petrarch(path, tmp_path, dictionaries={"unused": True}, coder=coder)
    assert isinstance(report, PetrarchReport)
    assert (report.n, report.exact) == (4, 3)
    assert report.share == pytest.approx(0.75)
    assert [r.record.id for r in report.results if not r.exact] == ["E-1"]
    assert report.dictionaries == {
        "PETR.Validate.verbs.txt": True,
        "PETR.Validate.actors.txt": False,
    }
    assert report.dictionaries_loaded is False
    assert report.to_dict()["per_category"] == {
        "DEMO": {"n": 3, "exact": 3},
        "ERROR": {"n": 1, "exact": 0},
    }


# ---------------------------------------------------------------------------------------------
# Malformed gold files


@pytest.mark.parametrize(
    ("name", "content", "read", "line"),
    [
        (
            "plover.json",
            '[\n {"id": "x", "event": "AGREE",\n  "text": oops}\n]\n',
            read_plover_gold,
            3,
        ),
        (
            "records.xml",
            "<Validation>\n<Sentences>\n<Sentence id='x'>\n</Validation>\n",
            score_petrarch,
            4,
        ),
        ("sentences.json", '[{"id": "a",\n "sentences": [1, 2]}]', read_gold_sentences, 1),
    ],
)
def test_malformed_gold_files_name_file_and_line(
    tmp_path: Path, name: str, content: str, read: Callable[[Path], object], line: int
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DictionaryError) as caught:
        read(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)


def test_petrarch_coding_without_codes_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "records.xml"
    text = PETRARCH_XML.replace(
        'targetcode="GON" eventcode="064"></EventCoding>\n<Text>\nArnor',
        "></EventCoding>\n<Text>\nArnor",
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError, match="A-1"):
        read_petrarch_records(path)


def test_malformed_gold_events_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"sid": "a#0", "source": "USA", "target": null, "cameo": "010"}\n{"sid": \n',
        encoding="utf-8",
    )
    with pytest.raises(DictionaryError) as caught:
        read_gold_events(path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)
    path.write_text('{"sid": "a#0", "source": "USA", "target": null, "cameo": "9x"}\n', encoding="utf-8")
    with pytest.raises(DictionaryError, match="bad CAMEO code"):
        read_gold_events(path)
    path.write_text('{"sid": "b#7", "source": "USA", "target": null, "cameo": "010"}\n', encoding="utf-8")
    with pytest.raises(DictionaryError, match="not among the gold sentences"):
        read_gold_events(path, {"a#0"})


def test_malformed_wikinews_files_raise_dictionary_errors(tmp_path: Path, nlp: Language) -> None:
    articles, sentences, events, disputed = write_wikinews(tmp_path)
    disputed.write_text("wn-1#3\nnot a sentence id\n", encoding="utf-8")
    with pytest.raises(DictionaryError) as caught:
        read_disputed(disputed)
    assert (caught.value.path, caught.value.line) == (str(disputed), 2)
    sentences.write_text('[{"id": "wn-1", "sentences": "one string"}]', encoding="utf-8")
    with pytest.raises(DictionaryError, match="sentences"):
        score_wikinews(articles, sentences, events, disputed, coder=scripted_coder(nlp, []))


def test_a_missing_gold_file_is_a_dictionary_error(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match="cannot read"):
        read_plover_gold(tmp_path / "absent.json")


# ---------------------------------------------------------------------------------------------
# The founding-article check and run_all


@pytest.mark.parametrize(
    ("sentence", "cued"),
    [
        ("There was not going to be any war.", True),
        ("Iran won't attack.", True),
        ("Iran would attack Israel.", True),
        ("If Iran attacks, Israel responds.", True),
        ("Iran attacked Israel on Monday.", False),
        ("The notice was different.", False),  # cue words only as whole words
    ],
)
def test_negation_cues(sentence: str, cued: bool) -> None:
    assert has_negation_cue(sentence) is cued


def test_founding_check_counts_violent_events_in_cued_sentences(tmp_path: Path, nlp: Language) -> None:
    path = tmp_path / "report.txt"
    path.write_text(
        "A title\n\nIran attacked Israel on Monday. Iran said it would invade Israel.\n",
        encoding="utf-8",
    )
    coder = scripted_coder(nlp, [("attacked", "IRN", "ISR", "190"), ("invade", "IRN", "ISR", "195")])
    report = score_founding_article(path, coder=coder)
    assert (report.events, report.count) == (2, 1)
    assert report.flagged[0][0].startswith("195")


def test_run_all_skips_absent_sets_with_a_reason(tmp_path: Path, nlp: Language) -> None:
    data = tmp_path / "data"
    (data / "gold").mkdir(parents=True)
    write_json(data / "gold" / "plover_gsr_dev.json", plover_records()[:2])
    reports = run_all(data, nlp=nlp)
    assert list(reports) == ["plover", "wikinews", "petrarch", "founding", "quotes", "places"]
    assert reports["plover"].to_dict()["n"] == 1
    for name in ("wikinews", "petrarch", "founding", "quotes", "places"):
        assert "missing" in reports[name].to_dict()["skipped"]


# ---------------------------------------------------------------------------------------------
# The shared gold sets


@pytest.fixture(scope="module")
def shared_reports(nlp: Language) -> dict[str, object]:
    if not (SHARED_DATA / "gold").is_dir():
        pytest.skip("the shared gold sets are not available")
    return dict(run_all(SHARED_DATA, nlp=nlp))


def test_shared_gold_sets_are_read_whole(shared_reports: dict[str, object]) -> None:
    records = json.loads((SHARED_DATA / "gold" / "plover_gsr_dev.json").read_text(encoding="utf-8"))
    expected = sum(1 for r in records if r.get("event") != "DOCUMENT" and r.get("text"))
    plover = shared_reports["plover"]
    assert isinstance(plover, PloverReport)
    assert plover.n == expected
    wikinews = shared_reports["wikinews"]
    assert isinstance(wikinews, CameoReport)
    assert (wikinews.articles, wikinews.sentences) == (30, 180)
    disputed = read_disputed(SHARED_DATA / "gold" / "disputed_wn19.txt")
    scored_gold = [
        e for e in read_gold_events(SHARED_DATA / "gold" / "dev_wn19.jsonl") if e.sid not in disputed
    ]
    assert wikinews.root.gold == len(scored_gold)
    assert wikinews.disputed == len(disputed)
    petrarch = shared_reports["petrarch"]
    assert isinstance(petrarch, PetrarchReport)
    sentences = (SHARED_DATA / "petrarch" / "PETR.UnitTest.records.dev.xml").read_text(encoding="utf-8")
    assert petrarch.n + len(petrarch.skipped) == sentences.count("<Sentence ")
    assert petrarch.n > 100
