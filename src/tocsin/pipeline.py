"""The whole pipeline, stage after stage: article → parse → actors → attribution → events."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from spacy.language import Language

from tocsin.actors import ActorCoder, DocumentActors
from tocsin.attribution import ArticleAttribution
from tocsin.events import (
    CodingContext,
    PredicateLexicon,
    code_sentence_events,
    code_statement_events,
    infer_implicit_targets,
    load_lexicon,
)
from tocsin.geo import DocumentPlaces
from tocsin.ingest import article_from_text
from tocsin.parse import ParsedArticle, load_model, parse_article, parse_articles
from tocsin.petrarch import LoadedDictionaries, load_dictionaries
from tocsin.types import Article, CodedArticle, Event, KnownPerson

LOGGER = logging.getLogger(__name__)

_Item = TypeVar("_Item")


@dataclass(slots=True)
class Options:
    """Settings for one coding run, in one place rather than flags threaded through calls."""

    lexicon_paths: tuple[Path, ...] = ()
    dictionary_paths: tuple[Path, ...] = ()  # PETRARCH/TABARI actor, agent, verb, discard files
    builtin_lexicon: bool = True  # False: only the user's lexicon files and verb dictionaries
    code_statements: bool = True
    # People learned in earlier runs (the store's person table), by lower-case full name. Fixed
    # for the run, so that parallel and serial runs code alike; what a run learns is stored.
    known_people: Mapping[str, KnownPerson] = field(default_factory=dict)
    batch_size: int = 16
    workers: int = 1
    _lexicon: PredicateLexicon | None = field(default=None, repr=False)
    _dictionaries: LoadedDictionaries | None = field(default=None, repr=False)
    _actor_coder: ActorCoder | None = field(default=None, repr=False)

    def lexicon(self) -> PredicateLexicon:
        """The predicate lexicon these options select (loaded once)."""
        if self._lexicon is None:
            self._lexicon = load_lexicon(self.lexicon_paths, builtin=self.builtin_lexicon)
        return self._lexicon

    def dictionaries(self) -> LoadedDictionaries:
        """The PETRARCH/TABARI-format dictionaries these options name (loaded once)."""
        if self._dictionaries is None:
            self._dictionaries = load_dictionaries(self.dictionary_paths)
        return self._dictionaries

    def actor_coder(self) -> ActorCoder:
        """The actor coder: built-in tables, with loaded actor dictionaries consulted first."""
        if self._actor_coder is None:
            self._actor_coder = ActorCoder(
                dictionaries=self.dictionaries().actors, known_people=self.known_people
            )
        return self._actor_coder


def batched(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    """The items in lists of `size` (the last may be shorter), each read as it is wanted."""
    batch: list[_Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def code_parsed(parsed: ParsedArticle, options: Options | None = None) -> CodedArticle:
    """Code one parsed article: its actor mentions, quotes and events."""
    options = options or Options()
    article, doc = parsed.article, parsed.doc
    actors = DocumentActors(doc, options.actor_coder(), article.date, text=article.text)
    attribution = ArticleAttribution(doc, actors, article.outlet)
    context = CodingContext(
        article.id,
        article.date,
        doc,
        actors,
        options.lexicon(),
        options.dictionaries().verbs,
        places=DocumentPlaces(doc, actors.mentions(), text=actors.text),
    )
    spans = [span for span in doc.sents if actors.text[span.start_char : span.end_char].strip()]
    events: list[Event] = []
    for sentence, span in zip(parsed.sentences, spans, strict=False):
        found = code_sentence_events(
            context, span, sentence.index, sentence.start, attribution.attribution_for
        )
        if options.code_statements:
            found += code_statement_events(
                context, span, sentence.index, sentence.start, found, attribution.attribution_for
            )
        events.extend(found)
    events = infer_implicit_targets(events)
    quotes = attribution.quotes(article.id, spans)
    people = tuple(actors.learned_people(article.id, article.date))
    return CodedArticle(
        article, parsed.sentences, tuple(actors.mentions()), tuple(quotes), tuple(events), people
    )


def code_article(
    article: Article, options: Options | None = None, nlp: Language | None = None
) -> CodedArticle:
    """Parse and code one article."""
    return code_parsed(parse_article(article, nlp or load_model()), options)


def code_articles(
    articles: Iterable[Article], options: Options | None = None, nlp: Language | None = None
) -> Iterator[CodedArticle]:
    """Parse and code a stream of articles with `nlp.pipe` (in worker processes if asked). The
    model is loaded when the first article arrives, so a stream of rejections never loads it."""
    options = options or Options()
    stream = iter(articles)
    first = next(stream, None)
    if first is None:
        return
    for parsed in parse_articles(
        itertools.chain([first], stream),
        nlp or load_model(),
        batch_size=options.batch_size,
        n_process=options.workers,
    ):
        yield code_parsed(parsed, options)


def code(
    text: str,
    *,
    title: str | None = None,
    date: date | None = None,
    url: str | None = None,
    outlet: str | None = None,
    options: Options | None = None,
) -> list[Event]:
    """Code a news text and return its events: `tocsin.code("Iran threatened Israel.")`."""
    article = article_from_text(text, title=title, date=date, url=url, outlet=outlet)
    return list(code_article(article, options).events)
