"""The parse stage: sentences with their spans, and the document's text without rebuilding it."""

from __future__ import annotations

from spacy.language import Language

from tocsin.parse import parse_article, sentences_of, text_of
from tocsin.types import Article

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
