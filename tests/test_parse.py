"""The parse stage: sentences with their spans, the document's text without rebuilding it, and
the model's attribute rules applied from an index."""

from __future__ import annotations

import csv
import importlib
import itertools
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.attrs import LEMMA, MORPH, POS
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.vocab import Vocab

from tocsin.parse import (
    MODEL_PACKAGE,
    PARAGRAPH_COMPONENT,
    IndexedAttributeRuler,
    _TokenTest,
    parse_article,
    sentences_of,
    text_of,
)
from tocsin.types import Article

WIKINEWS_CSV = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wikinews" / "wikinews_2019.csv"
)

TEXT = "Iran warned Israel on Monday.\n\nThe army said it was ready. "


def test_text_of_takes_the_parsed_string_and_refuses_another(nlp: Language) -> None:
    doc = nlp(TEXT)
    assert text_of(doc, TEXT) is TEXT
    assert text_of(doc, TEXT.replace("Monday", "Sunday.")) == TEXT  # another length
    assert text_of(doc, "X" + TEXT[1:]) == TEXT  # another first word
    assert text_of(doc, TEXT[:-2] + "! ") == TEXT  # another last word
    assert text_of(doc) == TEXT
    assert text_of(nlp(""), "") == ""


def test_sentences_keep_their_spans_in_the_text(nlp: Language) -> None:
    doc = nlp(TEXT)
    sentences = sentences_of(doc, TEXT)
    assert sentences == sentences_of(doc)
    assert [s.text for s in sentences] == ["Iran warned Israel on Monday.", "The army said it was ready."]
    assert all(TEXT[s.start : s.end] == s.text for s in sentences)


def test_parse_article_splits_paragraphs(nlp: Language) -> None:
    article = Article(id="a1", text="Iran warned Israel\n\nthe army said it was ready")
    parsed = parse_article(article, nlp)
    assert parsed.doc.text == article.text  # what coding reads the document's text from
    assert [s.text for s in parsed.sentences] == ["Iran warned Israel", "the army said it was ready"]


# The indexed attribute ruler: the same rules as spaCy's, the same result.

ANNOTATIONS = [POS, MORPH, LEMMA]

# Sentences for the model's exception rules: two-token rules ("gonna", "y all", "let's", "ain't",
# "there is"), a searched word ("nothin'"), listed words with a tag ("whilst", "anyone"), "but"
# as an adverb, and runs of spaces.
EXCEPTIONS = (
    "Y all gonna see: there is a war, and there's no peace. Ain't nobody gonna come, let's go, "
    "c'mon, we gotta win.  \n\n  Nothin' was said whilst anyone could hear, but he did it all but "
    "alone. Those who can, should; that is something."
)


def annotations(doc: Doc) -> list[tuple[str, str, str]]:
    """Each token's part of speech, morphology and lemma."""
    return [(token.pos_, str(token.morph), token.lemma_) for token in doc]


@pytest.fixture(scope="module")
def spacy_ruled() -> Language:
    """The model with spaCy's own attribute ruler (and tocsin's paragraph breaks)."""
    model = importlib.import_module(MODEL_PACKAGE).load()
    model.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    assert isinstance(model.get_pipe("attribute_ruler"), AttributeRuler)
    return model


def test_the_pipeline_indexes_the_models_attribute_rules(nlp: Language) -> None:
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, IndexedAttributeRuler)
    assert nlp.pipe_names.index("attribute_ruler") == nlp.pipe_names.index("parser") + 1
    assert len(ruler.token_tests) > 150  # the tag map and one-word exceptions, indexed
    assert len(ruler.matcher) == 8  # the rules of two tokens


def test_indexed_rules_annotate_as_spacys_ruler(nlp: Language, spacy_ruled: Language) -> None:
    texts = [EXCEPTIONS, TEXT, "", "  "]
    if WIKINEWS_CSV.exists():
        with WIKINEWS_CSV.open(encoding="utf-8") as rows:
            texts += [row["text"] for row in itertools.islice(csv.DictReader(rows), 40)]
    for ours, theirs in zip(nlp.pipe(texts), spacy_ruled.pipe(texts), strict=True):
        assert annotations(ours) == annotations(theirs)
        assert (ours.to_array(ANNOTATIONS) == theirs.to_array(ANNOTATIONS)).all()
    exceptions = nlp(EXCEPTIONS)
    assert {token.lemma_ for token in exceptions if token.lower_ in {"gon", "na", "y"}} == {
        "go",
        "to",
        "you",
    }


def ruled_doc(vocab: Vocab) -> Doc:
    """A tagged and parsed document of a blank pipeline, for hand-written rules."""
    words = ["She", "could", "n't", "stop", "it", "whilst", "nothin'", "happened", "  "]
    tags = ["PRP", "MD", "RB", "VB", "PRP", "IN", "NN", "VBD", "_SP"]
    deps = ["nsubj", "aux", "neg", "ROOT", "dobj", "mark", "nsubj", "advcl", "dep"]
    heads = [3, 3, 3, 3, 3, 7, 7, 3, 7]
    return Doc(vocab, words=words, tags=tags, deps=deps, heads=heads)


HAND_RULES: list[dict[str, Any]] = [
    {"patterns": [[{"TAG": {"IN": ["MD", "VB", "VBD"]}}]], "attrs": {"POS": "VERB"}},
    {"patterns": [[{"TAG": "MD"}]], "attrs": {"POS": "AUX", "MORPH": "VerbForm=Fin"}},  # later wins
    {"patterns": [[{"LOWER": {"NOT_IN": ["they", "it"]}, "TAG": "PRP"}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"LOWER": {"REGEX": "^n[ou]thin'$"}}], [{"LOWER": "whilst"}]], "attrs": {"LEMMA": "w"}},
    {"patterns": [[{"IS_SPACE": True, "DEP": "dep"}]], "attrs": {"POS": "SPACE"}},
    {"patterns": [[{"TAG": "MD"}, {"LOWER": {"REGEX": "^n'?t$"}}]], "attrs": {"LEMMA": "not"}, "index": -1},
    {"patterns": [[{"LENGTH": 2, "TAG": "PRP"}]], "attrs": {"POS": "PRON"}},  # a test left to the matcher
    {"patterns": [[{"TAG": "VB"}, {"TAG": "PRP", "OP": "?"}]], "attrs": {"MORPH": "VerbForm=Inf"}},
    {"patterns": [[{"TAG": "PRP"}]], "attrs": {"MORPH": "PronType=Prs"}},
]


def test_hand_written_rules_annotate_as_spacys_ruler() -> None:
    blank = spacy.blank("en")
    spacys = AttributeRuler(blank.vocab)
    spacys.add_patterns(HAND_RULES)
    indexed = IndexedAttributeRuler(blank.vocab)
    indexed.take_rules(spacys)
    assert len(indexed.matcher) == 3  # two rules of two tokens and the LENGTH test
    expected = annotations(spacys(ruled_doc(blank.vocab)))
    assert annotations(indexed(ruled_doc(blank.vocab))) == expected
    assert annotations(indexed(ruled_doc(blank.vocab))) == expected  # and again, from the index
    assert expected[1][:2] == ("AUX", "VerbForm=Fin")
    assert [expected[position][2] for position in (2, 5, 6)] == ["not", "w", "w"]
    assert expected[0][:2] == ("X", "PronType=Prs")  # "She": not in the NOT_IN list
    assert expected[4][:2] == ("PRON", "PronType=Prs")  # "it": in it, but LENGTH 2


def test_the_index_takes_only_tests_it_evaluates_as_spacy_does() -> None:
    assert _TokenTest.supports({"TAG": "NN", "LOWER": {"IN": ["a"], "REGEX": "^a"}, "IS_SPACE": False})
    assert _TokenTest.supports({})  # any token, as in spaCy
    assert not _TokenTest.supports({"LOWER": {"IN": "abc"}})  # a string, not a list
    assert not _TokenTest.supports({"LOWER": {"FUZZY": "war"}})
    assert not _TokenTest.supports({"TEXT": "war"})
    assert not _TokenTest.supports({"IS_SPACE": 1})
