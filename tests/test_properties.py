"""Property tests (hypothesis) over the real pipeline: any Unicode text codes without error, and
every span the coder reports (sentences, events, predicates, quotes, actor mentions) lies inside
the article text and holds the text it names; normalisation is idempotent.

Two kinds of text are drawn: any Unicode at all (every category, lone surrogates included), and
texts built from news words, actors, quotations and punctuation, so that events really occur
(`test_news_like_texts_do_produce_events` makes sure they do).
"""

from __future__ import annotations

from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from tocsin.ingest.text import NoArticleTextError, article_from_text
from tocsin.normalize import normalize_characters, normalize_text
from tocsin.parse import load_model
from tocsin.pipeline import Options, code_article
from tocsin.types import ActorMention, CodedArticle

CODING = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
CHEAP = settings(max_examples=400, deadline=None, database=None)

ANY_CHARACTER = st.characters(exclude_categories=())  # every category, surrogates too
AWKWARD = st.sampled_from(
    [*"\u200b\u200d\u2060\ufeff\u00ad\u202a\u202e\u2066\u2069\u0301\u0308\u00a0\u3000\u2028\u0085",
     *"\r\n\t\x00\x01\x0b\x0c\x1b\x7f", *".!?,;:\"'()[]“”‘’„«»‹›—–…-", "\ud800", "\udfff"]
)  # fmt: skip
ANY_TEXT = st.text(st.one_of(ANY_CHARACTER, AWKWARD), max_size=250)

ACTORS = [
    "Iran", "Israel", "Iran's army", "the United States", "Russian troops", "Ukraine's foreign minister",
    "President Vladimir Putin", "police", "protesters", "the European Union", "Hamas", "NATO",
    "an unnamed official", "Saudi Arabia", "China", "North Korea", "Britain's prime minister", "they",
]  # fmt: skip
ACTS = [
    "attacked", "condemned", "threatened", "met", "accused", "praised", "shelled", "arrested",
    "criticised", "signed an agreement with", "rejected", "urged", "warned", "did not attack",
    "would attack", "plans to meet", "imposed sanctions on", "held talks with", "seized a tanker from",
]  # fmt: skip
TAILS = ["", " in Baghdad", " near Kharkiv", " on Monday", " in the Gulf of Oman", " at the border", " again"]
CUES = ["", ", officials said", ", Reuters reported", ", according to a source", ", the ministry said"]
NOISE = [
    "\u200b",
    "\u202e",
    "“",
    "”",
    "«",
    "»",
    "\n\n",
    "\n",
    "  ",
    " — ",
    "…",
    "\u00a0",
    "(",
    ")",
    "\t",
    '"',
    "'",
]

actor = st.sampled_from(ACTORS)
report = st.builds(
    "{} {} {}{}{}.".format, actor, st.sampled_from(ACTS), actor, st.sampled_from(TAILS), st.sampled_from(CUES)
)
quotation = st.builds(
    '"{} {} {}," {} {}.'.format,
    actor,
    st.sampled_from(ACTS),
    actor,
    actor,
    st.sampled_from(["said", "told reporters", "warned", "added"]),
)
NEWS_TEXT = st.lists(
    st.one_of(report, report, quotation, st.sampled_from(NOISE), st.text(max_size=6)), min_size=1, max_size=14
).map(" ".join)


OPTIONS = Options()
"""One set of coding options (lexicon and actor tables loaded once) for every example; module
level rather than a fixture, so hypothesis never has to print it."""


def coded_or_empty(text: str) -> CodedArticle | None:
    """Code a text as `tocsin.code` does; None when it holds no article text (its one allowed
    refusal: nothing with a letter or digit is left once normalised)."""
    try:
        article = article_from_text(text)
    except NoArticleTextError:
        assert not any(char.isalnum() for char in normalize_text(text))
        return None
    return code_article(article, OPTIONS, load_model())


def check_spans(coded: CodedArticle) -> None:
    """Every span lies inside the article and holds the text it names."""
    text = coded.article.text
    for sentence in coded.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
    for mention in coded.mentions:
        check_mention(mention, text)
    for quote in coded.quotes:
        assert 0 <= quote.start <= quote.end <= len(text)
        assert quote.text in text[quote.start : quote.end]
    for event in coded.events:
        start, end = event.span
        assert 0 <= start < end <= len(text) and text[start:end] == event.sentence
        assert event.sentence == coded.sentences[event.sentence_index].text
        p_start, p_end = event.predicate_span  # the evidence word; the predicate's text may add
        assert start <= p_start < p_end <= end  # its light verb: "imposed … sanctions"
        assert text[p_start:p_end] in event.predicate
        assert 0 <= event.source.start <= event.source.end <= len(text)
        if event.target is not None:
            assert 0 <= event.target.start <= event.target.end <= len(text)


def check_mention(mention: ActorMention, text: str) -> None:
    """An actor mention's span lies inside the text and holds its words."""
    assert 0 <= mention.start < mention.end <= len(text)
    assert text[mention.start : mention.end] == mention.text


@CODING
@given(ANY_TEXT)
def test_any_unicode_text_codes_without_error(text: str) -> None:
    coded = coded_or_empty(text)
    if coded is not None:
        check_spans(coded)


@CODING
@given(NEWS_TEXT)
def test_news_like_text_codes_with_every_span_inside_the_article(text: str) -> None:
    coded = coded_or_empty(text)
    if coded is not None:
        check_spans(coded)
        assert all(event.source.code or event.source.text for event in coded.events)


def test_news_like_texts_do_produce_events() -> None:
    def has_events_and_quotes(text: str) -> bool:
        coded = coded_or_empty(text)
        return coded is not None and bool(coded.events) and bool(coded.quotes)

    found = find(NEWS_TEXT, has_events_and_quotes, settings=settings(max_examples=200, database=None))
    coded = coded_or_empty(found)
    assert coded is not None and coded.events
    check_spans(coded)


@CHEAP
@given(st.one_of(ANY_TEXT, NEWS_TEXT))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    characters = normalize_characters(text)
    assert normalize_characters(characters) == characters


@CHEAP
@given(st.one_of(ANY_TEXT, NEWS_TEXT))
def test_a_stored_text_read_again_is_the_same_article(text: str) -> None:
    try:
        article = article_from_text(text)
    except NoArticleTextError:
        return
    again = article_from_text(article.text)
    assert (again.text, again.id) == (article.text, article.id)
    assert article.text.encode("utf-8")  # storable: no lone surrogate survives
