"""Score tocsin against the gold sets: PLOVER sentences, Wikinews lead sentences, PETRARCH tests.

Each scorer reads one gold set, codes its text with the pipeline and returns a report with
`to_dict()` (JSON-ready) and `render()` (plain-text tables); `run_all` runs every set present under
a shared data folder and skips the rest with a reason. The scoring rules are those of the gold
sets' README: PLOVER types are compared after `fold_plover`, actor countries are the first three
letters of a code, and each gold event matches at most one coded event and vice versa. A malformed
gold file raises `DictionaryError` naming the file and line (0 where the line is unknown).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, TypeAlias

from spacy.language import Language

from tocsin.actors import ActorCoder, DocumentActors
from tocsin.cameo import fold_plover, root_of
from tocsin.errors import DictionaryError, InputError
from tocsin.geo import DocumentPlaces, PlaceMention, fold_name
from tocsin.ingest import article_from_text, parse_date, read_text_file, record_to_article
from tocsin.lexicon import ROLE_CODES, PhraseTable
from tocsin.normalize import normalize_characters
from tocsin.parse import load_model, parse_articles
from tocsin.petrarch import load_dictionaries
from tocsin.pipeline import Options, code_articles
from tocsin.types import Article, CodedArticle, Event, Quote

LOGGER = logging.getLogger(__name__)

ArticleCoder = Callable[[Iterable[Article]], Iterable[CodedArticle]]
"""Codes a stream of articles in order; `code_articles` with fixed options and model by default."""

NO_ACTOR = "---"  # how PETRARCH writes an actor it could not code (and a missing target)
NONE = "none"  # the confusion table's label for "no event on this side"
MIN_SENTENCE_COVERAGE = 0.5  # share of a gold sentence's words that must be found in the article

# Words that mark a sentence as negated or hypothetical for the founding-article check.
_CUE_RE = re.compile(r"n['’]t\b|\b(?:not|never|no|would|could|if|any)\b", re.IGNORECASE)
_WORD_RE = re.compile(r"\w+")
_SID_RE = re.compile(r"(?P<article>[^#\s]+)#(?P<index>\d+)")

# File names under a shared data folder (`run_all`).
PLOVER_FILE = Path("gold/plover_gsr_dev.json")
WIKINEWS_FILES = (
    Path("gold/articles_wn19.jsonl"),
    Path("gold/sentences_wn19.json"),
    Path("gold/dev_wn19.jsonl"),
    Path("gold/disputed_wn19.txt"),
)
PETRARCH_FILE = Path("petrarch/PETR.UnitTest.records.dev.xml")
FOUNDING_FILE = Path("../seed/proxy-war-report.txt")


# ---------------------------------------------------------------------------------------------
# Shared helpers


def country_of(code: str | None) -> str | None:
    """Return the country part of an actor code, its first three letters (None for no actor)."""
    code = (code or "").strip()
    return code[:3].upper() if code else None


def ratio(part: int, whole: int) -> float:
    """Return part / whole, or 0.0 when there is nothing to divide."""
    return part / whole if whole else 0.0


def describe_event(event: Event) -> str:
    """Return a one-line summary of a coded event: `112 ACCUSE USA->IRN ("accused")`."""
    target = event.target.code if event.target and event.target.code else "-"
    source = event.source.code or "?"
    plover = event.plover_type or "-"
    return f"{event.cameo} {plover} {source}->{target} ({event.predicate!r})"


def default_coder(options: Options | None = None, nlp: Language | None = None) -> ArticleCoder:
    """Return an `ArticleCoder` running the pipeline with these options and model (loaded once)."""
    options = options or Options()
    model = nlp or load_model()

    def coder(articles: Iterable[Article]) -> Iterator[CodedArticle]:
        return code_articles(articles, options, model)

    return coder


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DictionaryError(str(path), 0, f"cannot read the gold file: {error}") from None


def _load_json(path: Path) -> tuple[Any, str]:
    raw = _read_text(path)
    try:
        return json.loads(raw), raw
    except json.JSONDecodeError as error:
        raise DictionaryError(str(path), error.lineno, f"not valid JSON: {error.msg}") from None


def _line_of(raw: str, needle: str) -> int:
    """Return the 1-based line of the first occurrence of `needle` in `raw`, or 0."""
    at = raw.find(needle)
    return raw.count("\n", 0, at) + 1 if at >= 0 else 0


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return rows as a plain-text table: columns padded to their widest cell, numbers right."""
    cells = [[str(h) for h in headers]] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(_is_number(row[i]) for row in cells[1:]) and len(cells) > 1 for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        padded = [
            cell.rjust(width) if numeric[i] and index else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(padded).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _shorten(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------------------------
# PLOVER gold standard


@dataclass(frozen=True, slots=True)
class PloverGold:
    """One gold PLOVER sentence: its type (as written and folded) and first source's country."""

    id: str
    event_type: str
    folded: str
    text: str
    date: date | None
    source_country: str | None
    source_code: str | None = None
    target_code: str | None = None


def actor_key(code: str | None) -> tuple[str | None, str | None] | None:
    """An actor code as (country, first role) for comparisons: "IRNMILIRG" → ("IRN", "MIL"),
    "IGOUNO" → ("IGO", None), "GOV" → (None, "GOV")."""
    if not code:
        return None
    chunks = [code[i : i + 3] for i in range(0, len(code) - 2, 3)]
    if not chunks:
        return None
    country = None if chunks[0] in ROLE_CODES else chunks[0]
    role = next((chunk for chunk in chunks[0 if country is None else 1 :] if chunk in ROLE_CODES), None)
    return country, role


@dataclass(slots=True)
class ActorTally:
    """Actor agreement among events whose type matches gold.

    `judged` counts gold items with a type-matched event; `country` those where one such event has
    the gold source and target countries (no target = no target); `full` those where it has the
    gold source and target codes to country and first role (`actor_key`).
    """

    judged: int = 0
    country: int = 0
    full: int = 0
    # (gold item, gold "source->target", what tocsin coded) where the countries disagree
    disagreements: list[tuple[str, str, str]] = field(default_factory=list)
    # the same where the countries agree but the roles do not
    role_disagreements: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def country_share(self) -> float:
        """country / judged."""
        return ratio(self.country, self.judged)

    @property
    def full_share(self) -> float:
        """full / judged."""
        return ratio(self.full, self.judged)

    def add(self, source: str | None, target: str | None, events: Sequence[Event], item: str = "") -> None:
        """Judge one gold item (its source and target codes) against its type-matched events."""
        if not events or source is None:
            return
        self.judged += 1
        pairs = [(e.source.code, e.target.code if e.target else None) for e in events]
        gold = f"{source}->{target or '-'}"
        coded = "; ".join(describe_event(event) for event in events)
        if any(country_of(s) == country_of(source) and country_of(t) == country_of(target) for s, t in pairs):
            self.country += 1
            if any(actor_key(s) == actor_key(source) and actor_key(t) == actor_key(target) for s, t in pairs):
                self.full += 1
            else:
                self.role_disagreements.append((item, gold, coded))
        else:
            self.disagreements.append((item, gold, coded))

    def to_dict(self) -> dict[str, Any]:
        """Return the tally as a JSON-ready dict."""
        return {
            "judged": self.judged,
            "country": self.country,
            "country_share": self.country_share,
            "full": self.full,
            "full_share": self.full_share,
        }


def render_disagreements(tally: ActorTally) -> str:
    """The gold items whose actor countries tocsin got wrong, then those whose countries agree but
    whose roles do not, as two tables."""
    parts = []
    for label, rows in (
        ("Actor countries disagree", tally.disagreements),
        ("Actor countries agree, roles disagree", tally.role_disagreements),
    ):
        table = format_table(
            ("item", "gold actors", "tocsin coded"),
            [(item, gold, _shorten(coded, 90)) for item, gold, coded in rows],
        )
        parts.append(f"{label} ({len(rows)} of {tally.judged}):\n{table}")
    return "\n\n".join(parts)


@dataclass(slots=True)
class TypeTally:
    """How many gold sentences of one type there were and how many tocsin recalled."""

    n: int = 0
    recalled: int = 0

    @property
    def recall(self) -> float:
        """recalled / n."""
        return ratio(self.recalled, self.n)


@dataclass(frozen=True, slots=True)
class PloverMiss:
    """A gold sentence tocsin did not recall (or recalled with the wrong source country)."""

    id: str
    gold_type: str
    text: str
    produced: tuple[str, ...]
    gold_country: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the miss as a JSON-ready dict."""
        return {
            "id": self.id,
            "gold_type": self.gold_type,
            "gold_country": self.gold_country,
            "text": self.text,
            "produced": list(self.produced),
        }


@dataclass(slots=True)
class PloverReport:
    """Recall of PLOVER types on the gold sentences, and source-country accuracy among recalled.

    `judged` counts recalled sentences whose gold record names a source (the others cannot be
    judged); `country_correct` those where a recalled event's source country is the gold one.
    """

    path: str
    n: int = 0
    recalled: int = 0
    judged: int = 0
    country_correct: int = 0
    per_type: dict[str, TypeTally] = field(default_factory=dict)
    misses: list[PloverMiss] = field(default_factory=list)
    country_misses: list[PloverMiss] = field(default_factory=list)
    actors: ActorTally = field(default_factory=ActorTally)

    name = "plover"

    @property
    def recall(self) -> float:
        """Share of gold sentences where tocsin emitted an event of the gold (folded) type."""
        return ratio(self.recalled, self.n)

    @property
    def source_country_accuracy(self) -> float:
        """Share of judged recalled sentences whose recalled event has the gold source country."""
        return ratio(self.country_correct, self.judged)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "set": self.name,
            "path": self.path,
            "n": self.n,
            "recalled": self.recalled,
            "recall": self.recall,
            "source_country_judged": self.judged,
            "source_country_correct": self.country_correct,
            "source_country_accuracy": self.source_country_accuracy,
            "actors": self.actors.to_dict(),
            "per_type": {
                name: {"n": tally.n, "recalled": tally.recalled}
                for name, tally in sorted(self.per_type.items())
            },
            "misses": [miss.to_dict() for miss in self.misses],
            "country_misses": [miss.to_dict() for miss in self.country_misses],
        }

    def render(self, details: bool = False) -> str:
        """Return the report as plain text; `details` adds the per-type table and the misses."""
        summary = format_table(
            ("PLOVER", "n", "value"),
            [
                ("recall", self.n, self.recall),
                ("source-country accuracy (recalled)", self.judged, self.source_country_accuracy),
                ("actor countries agree (recalled)", self.actors.judged, self.actors.country_share),
                ("actor codes agree (recalled)", self.actors.judged, self.actors.full_share),
            ],
        )
        if not details:
            return summary
        per_type = format_table(
            ("type", "n", "recalled", "recall"),
            [(name, t.n, t.recalled, t.recall) for name, t in sorted(self.per_type.items())],
        )
        misses = format_table(
            ("id", "gold", "tocsin produced", "text"),
            [(m.id, m.gold_type, "; ".join(m.produced) or NONE, _shorten(m.text, 70)) for m in self.misses],
        )
        wrong = format_table(
            ("id", "gold country", "tocsin produced", "text"),
            [
                (m.id, m.gold_country, "; ".join(m.produced), _shorten(m.text, 70))
                for m in self.country_misses
            ],
        )
        return "\n\n".join(
            [
                summary,
                per_type,
                f"Not recalled ({len(self.misses)}):\n{misses}",
                f"Recalled with another source country ({len(self.country_misses)}):\n{wrong}",
                render_disagreements(self.actors),
            ]
        )


def read_plover_gold(path: str | Path) -> list[PloverGold]:
    """Read the PLOVER gold JSON: every record with `text` and `event` except DOCUMENT ones."""
    path = Path(path)
    data, raw = _load_json(path)
    if not isinstance(data, list):
        raise DictionaryError(str(path), 1, "expected a JSON list of records")
    golds: list[PloverGold] = []
    for index, record in enumerate(data):
        if not isinstance(record, dict):
            raise DictionaryError(str(path), 0, f"record {index} is not a JSON object")
        event_type, text = record.get("event"), record.get("text")
        if event_type == "DOCUMENT" or not text or not event_type:
            continue
        record_id = str(record.get("id") or f"record-{index}")
        line = _line_of(raw, f'"{record_id}"')
        if not isinstance(event_type, str) or not isinstance(text, str):
            raise DictionaryError(str(path), line, f"{record_id}: `event` and `text` must be text")
        golds.append(
            PloverGold(
                id=record_id,
                event_type=event_type,
                folded=fold_plover(event_type),
                text=text,
                date=parse_date(record["date"]) if isinstance(record.get("date"), str) else None,
                source_country=_first_source_country(record.get("source"), path, line, record_id),
                source_code=_first_code(record.get("source"), path, line, record_id),
                target_code=_first_code(record.get("target"), path, line, record_id),
            )
        )
    return golds


def _first_code(value: Any, path: Path, line: int, record_id: str) -> str | None:
    """The first actor code of a gold `source` or `target` list; None for "", absent, or a bare
    word where the set names no coded actor (a few records have "diplomatic")."""
    if not value or isinstance(value, str):
        return None
    if not isinstance(value, list) or not isinstance(value[0], dict):
        raise DictionaryError(str(path), line, f"{record_id}: actors must be a list of objects")
    code, sector = value[0].get("code"), value[0].get("sector")
    if code is not None and not isinstance(code, str):
        raise DictionaryError(str(path), line, f"{record_id}: actor code must be text")
    if code and isinstance(sector, str) and sector[:3].isalpha() and sector[:3].isupper():
        code += sector[:3]  # the set writes the role apart: {"code": "ISR", "sector": "MIL"}
    return code or None


def _first_source_country(value: Any, path: Path, line: int, record_id: str) -> str | None:
    if not value:
        return None
    if not isinstance(value, list) or not isinstance(value[0], dict):
        raise DictionaryError(str(path), line, f"{record_id}: `source` must be a list of actors")
    code = value[0].get("code")
    if code is not None and not isinstance(code, str):
        raise DictionaryError(str(path), line, f"{record_id}: source code must be text")
    return country_of(code)


def score_plover(
    path: str | Path,
    *,
    options: Options | None = None,
    nlp: Language | None = None,
    coder: ArticleCoder | None = None,
) -> PloverReport:
    """Score tocsin on the PLOVER gold sentences, each coded as a one-sentence article.

    A sentence is recalled when tocsin emits an event whose folded PLOVER type is the gold one;
    among recalled sentences whose gold record names a source, the source country is right when
    one of those events has the first gold source's country.
    """
    golds = read_plover_gold(path)
    coder = coder or default_coder(options, nlp)
    articles = (article_from_text(gold.text, date=gold.date, origin=f"{path}#{gold.id}") for gold in golds)
    report = PloverReport(path=str(path))
    for gold, coded in zip(golds, coder(articles), strict=True):
        tally = report.per_type.setdefault(gold.folded, TypeTally())
        tally.n += 1
        report.n += 1
        produced = tuple(describe_event(event) for event in coded.events)
        hits = [
            event
            for event in coded.events
            if event.plover_type and fold_plover(event.plover_type) == gold.folded
        ]
        if not hits:
            report.misses.append(PloverMiss(gold.id, gold.event_type, gold.text, produced))
            continue
        tally.recalled += 1
        report.recalled += 1
        report.actors.add(gold.source_code, gold.target_code, hits, gold.id)
        if gold.source_country is None:
            continue
        report.judged += 1
        if any(country_of(event.source.code) == gold.source_country for event in hits):
            report.country_correct += 1
        else:
            report.country_misses.append(
                PloverMiss(
                    gold.id,
                    gold.event_type,
                    gold.text,
                    tuple(describe_event(event) for event in hits),
                    gold.source_country,
                )
            )
    LOGGER.info("PLOVER: recalled %d of %d sentences", report.recalled, report.n)
    return report


# ---------------------------------------------------------------------------------------------
# Wikinews lead sentences (CAMEO)


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One gold CAMEO event of a Wikinews sentence; `alt` lists other defensible codes."""

    sid: str
    source: str | None
    target: str | None
    cameo: str
    alt: tuple[str, ...] = ()
    source_text: str | None = None
    target_text: str | None = None

    def accepts(self, event: Event, digits: int) -> bool:
        """Tell whether a coded event matches this one at the root (2) or 3-digit (3) level.

        Source and target countries must agree (no target = no target) and the event's code,
        cut to `digits`, must be that of `cameo` or of an `alt` code.
        """
        target = event.target.code if event.target else None
        if country_of(event.source.code) != country_of(self.source):
            return False
        if country_of(target) != country_of(self.target):
            return False
        return event.cameo[:digits] in {code[:digits] for code in (self.cameo, *self.alt)}

    def describe(self) -> str:
        """Return a one-line summary: `111 (alt 010,012) USALEG->USALEG`."""
        alt = f" (alt {','.join(self.alt)})" if self.alt else ""
        return f"{self.cameo}{alt} {self.source or '?'}->{self.target or '-'}"


def one_to_one(gold: Sequence[GoldEvent], produced: Sequence[Event], digits: int) -> list[tuple[int, int]]:
    """Return the largest set of (gold index, produced index) pairs that match, each used once.

    A maximum bipartite matching (augmenting paths), so that one event's choice never blocks a
    match that another assignment would allow.
    """
    candidates = [
        [j for j, event in enumerate(produced) if event_gold.accepts(event, digits)] for event_gold in gold
    ]
    owner: dict[int, int] = {}  # produced index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


@dataclass(frozen=True, slots=True)
class SentenceAlignment:
    """Where an article's gold sentences lie in tocsin's (normalised) article text."""

    ranges: Mapping[str, tuple[int, int]]
    unmatched: tuple[str, ...] = ()

    def sid_at(self, offset: int) -> str | None:
        """Return the gold sentence whose text covers character `offset`, if any."""
        for sid, (start, end) in self.ranges.items():
            if start <= offset < end:
                return sid
        return None

    def sid_of_span(self, start: int, end: int) -> str | None:
        """Return the gold sentence covering most of [start, end), if it covers at least half."""
        best, best_overlap = None, 0
        for sid, (low, high) in self.ranges.items():
            overlap = min(end, high) - max(start, low)
            if overlap > best_overlap:
                best, best_overlap = sid, overlap
        return best if best_overlap * 2 >= end - start > 0 else None

    def sid_of_event(self, event: Event) -> str | None:
        """Return the gold sentence holding an event's predicate, else the one of its sentence."""
        start, end = event.predicate_span
        if end > start:
            sid = self.sid_at(start)
            if sid is not None:
                return sid
        return self.sid_of_span(*event.span)


def _words(text: str) -> list[tuple[str, int, int]]:
    return [
        (unicodedata.normalize("NFKC", match.group()).casefold(), match.start(), match.end())
        for match in _WORD_RE.finditer(text)
    ]


def align_sentences(
    text: str, sentences: Sequence[tuple[str, str]], min_coverage: float = MIN_SENTENCE_COVERAGE
) -> SentenceAlignment:
    """Locate numbered gold sentences `(sid, text)` in an article's text by aligning their words.

    The word sequences are aligned (ignoring case, punctuation and whitespace, which
    normalisation may change); a gold sentence spans its first to last aligned word, and is
    unmatched when fewer than `min_coverage` of its words were aligned.
    """
    article_words = _words(text)
    gold_words: list[str] = []
    owners: list[str] = []
    totals: Counter[str] = Counter()
    for sid, sentence in sentences:
        for word, _, _ in _words(sentence):
            gold_words.append(word)
            owners.append(sid)
            totals[sid] += 1
    matcher = SequenceMatcher(None, gold_words, [w for w, _, _ in article_words], autojunk=False)
    spans: dict[str, list[int]] = {}
    found: Counter[str] = Counter()
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            sid = owners[block.a + k]
            _, start, end = article_words[block.b + k]
            found[sid] += 1
            span = spans.setdefault(sid, [start, end])
            span[0], span[1] = min(span[0], start), max(span[1], end)
    ranges: dict[str, tuple[int, int]] = {}
    unmatched: list[str] = []
    for sid, _ in sentences:
        if totals[sid] and found[sid] >= min_coverage * totals[sid]:
            ranges[sid] = (spans[sid][0], spans[sid][1])
        else:
            unmatched.append(sid)
    return SentenceAlignment(ranges, tuple(unmatched))


@dataclass(frozen=True, slots=True)
class CameoMiss:
    """A false positive (a coded event no gold event matches) or a false negative (the reverse)."""

    sid: str
    text: str
    event: str
    produced: tuple[str, ...] = ()  # for a false negative: what tocsin coded in that sentence

    def to_dict(self) -> dict[str, Any]:
        """Return the miss as a JSON-ready dict."""
        return {
            "sid": self.sid,
            "text": self.text,
            "event": self.event,
            "produced": list(self.produced),
        }


@dataclass(frozen=True, slots=True)
class LevelScore:
    """Matches at one level of the CAMEO code (root or 3-digit) and the counts they rest on."""

    matched: int
    produced: int
    gold: int

    @property
    def precision(self) -> float:
        """matched / produced."""
        return ratio(self.matched, self.produced)

    @property
    def recall(self) -> float:
        """matched / gold."""
        return ratio(self.matched, self.gold)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the score as a JSON-ready dict."""
        return {
            "matched": self.matched,
            "produced": self.produced,
            "gold": self.gold,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(slots=True)
class CameoReport:
    """Precision, recall and F1 of CAMEO events on gold sentences, at root and 3-digit level.

    `sentences` counts the gold sentences, `disputed` those left out, `unmatched` the scored gold
    sentences that could not be found in tocsin's article text (their gold events count as
    missed). The confusion table pairs gold and coded roots (root-level matches first, then the
    leftovers of a sentence in order, then `none` for what is left on either side).
    """

    path: str
    articles: int
    sentences: int
    disputed: int
    unmatched: tuple[str, ...]
    root: LevelScore
    digit3: LevelScore
    confusion: Counter[tuple[str, str]]
    false_positives: list[CameoMiss]
    false_negatives: list[CameoMiss]
    actors: ActorTally = field(default_factory=ActorTally)

    name = "wikinews"

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "set": self.name,
            "path": self.path,
            "articles": self.articles,
            "sentences": self.sentences,
            "disputed": self.disputed,
            "unmatched_sentences": list(self.unmatched),
            "root": self.root.to_dict(),
            "digit3": self.digit3.to_dict(),
            "actors": self.actors.to_dict(),
            "confusion": [
                {"gold": gold, "produced": produced, "count": count}
                for (gold, produced), count in sorted(self.confusion.items())
            ],
            "false_positives": [miss.to_dict() for miss in self.false_positives],
            "false_negatives": [miss.to_dict() for miss in self.false_negatives],
        }

    def render(self, details: bool = False) -> str:
        """Return the report as plain text; `details` adds the confusion table and the misses."""
        summary = format_table(
            ("Wikinews CAMEO", "matched", "produced", "gold", "precision", "recall", "F1"),
            [
                (label, s.matched, s.produced, s.gold, s.precision, s.recall, s.f1)
                for label, s in (("root", self.root), ("3-digit", self.digit3))
            ],
        )
        header = (
            f"{self.articles} articles, {self.sentences} gold sentences, {self.disputed} disputed "
            f"left out, {len(self.unmatched)} not found in the coded text"
            + (f" ({', '.join(self.unmatched)})" if self.unmatched else "")
            + f"\namong {self.actors.judged} gold events with an event of their root: actor countries "
            f"agree {self.actors.country_share:.3f}, actor codes agree {self.actors.full_share:.3f}"
        )
        if not details:
            return f"{summary}\n{header}"
        confusion = format_table(
            ("gold root", "tocsin root", "count"),
            [(g, p, n) for (g, p), n in sorted(self.confusion.items())],
        )
        fps = format_table(
            ("sentence", "tocsin coded", "text"),
            [(m.sid, m.event, _shorten(m.text, 80)) for m in self.false_positives],
        )
        fns = format_table(
            ("sentence", "gold", "tocsin coded there", "text"),
            [
                (m.sid, m.event, "; ".join(m.produced) or NONE, _shorten(m.text, 60))
                for m in self.false_negatives
            ],
        )
        return "\n\n".join(
            [
                f"{summary}\n{header}",
                f"Roots, gold against tocsin:\n{confusion}",
                f"False positives at root level ({len(self.false_positives)}):\n{fps}",
                f"False negatives at root level ({len(self.false_negatives)}):\n{fns}",
                render_disagreements(self.actors),
            ]
        )


def read_gold_sentences(path: str | Path) -> dict[str, list[tuple[str, str]]]:
    """Read the numbered gold sentences: article id -> [(sentence id, text), ...] in order."""
    path = Path(path)
    data, raw = _load_json(path)
    if not isinstance(data, list):
        raise DictionaryError(str(path), 1, "expected a JSON list of articles")
    articles: dict[str, list[tuple[str, str]]] = {}
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise DictionaryError(str(path), 0, f"entry {index} has no article `id`")
        article_id = item["id"]
        sentences = item.get("sentences")
        if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
            line = _line_of(raw, f'"{article_id}"')
            raise DictionaryError(str(path), line, f"{article_id}: `sentences` must be a list of text")
        articles[article_id] = [(f"{article_id}#{k}", text) for k, text in enumerate(sentences)]
    return articles


def read_gold_events(path: str | Path, known: Iterable[str] | None = None) -> list[GoldEvent]:
    """Read the gold CAMEO events, one JSON object a line; `known` restricts the sentence ids."""
    path = Path(path)
    known_ids = set(known) if known is not None else None
    events: list[GoldEvent] = []
    for line_no, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DictionaryError(str(path), line_no, f"not valid JSON: {error.msg}") from None
        events.append(_gold_event(record, path, line_no, known_ids))
    return events


def _gold_event(record: Any, path: Path, line: int, known: set[str] | None) -> GoldEvent:
    if not isinstance(record, dict):
        raise DictionaryError(str(path), line, "expected a JSON object")
    sid = record.get("sid")
    if not isinstance(sid, str) or not _SID_RE.fullmatch(sid):
        raise DictionaryError(str(path), line, f"bad sentence id {sid!r}")
    if known is not None and sid not in known:
        raise DictionaryError(str(path), line, f"sentence {sid} is not among the gold sentences")
    codes = [record.get("cameo"), *(record.get("alt") or [])]
    for code in codes:
        try:
            root_of(code if isinstance(code, str) else "")
        except ValueError:
            raise DictionaryError(str(path), line, f"bad CAMEO code {code!r}") from None
    for key in ("source", "target"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise DictionaryError(str(path), line, f"`{key}` must be an actor code or null")
    return GoldEvent(
        sid=sid,
        source=record.get("source"),
        target=record.get("target"),
        cameo=codes[0],
        alt=tuple(codes[1:]),
        source_text=record.get("source_text"),
        target_text=record.get("target_text"),
    )


def read_disputed(path: str | Path) -> set[str]:
    """Read the disputed sentence ids, one a line (blank lines and `#` comments ignored)."""
    path = Path(path)
    disputed: set[str] = set()
    for line_no, line in enumerate(_read_text(path).splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not _SID_RE.fullmatch(text):
            raise DictionaryError(str(path), line_no, f"not a sentence id: {text!r}")
        disputed.add(text)
    return disputed


def read_gold_articles(path: str | Path) -> list[tuple[str, Article]]:
    """Read the gold articles (tocsin's JSONL layout) as (record id, Article) pairs in order."""
    path = Path(path)
    articles: list[tuple[str, Article]] = []
    for line_no, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DictionaryError(str(path), line_no, f"not valid JSON: {error.msg}") from None
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise DictionaryError(str(path), line_no, "expected an object with an `id`")
        try:
            article = record_to_article(record, source=str(path), line=line_no)
        except InputError as error:
            raise DictionaryError(str(path), line_no, error.reason) from None
        articles.append((record["id"], article))
    return articles


def score_cameo(
    sentences: Mapping[str, str],
    gold: Iterable[GoldEvent],
    produced: Mapping[str, Sequence[Event]],
    *,
    disputed: Iterable[str] = (),
    unmatched: Iterable[str] = (),
    path: str = "",
    articles: int = 0,
) -> CameoReport:
    """Score coded events against gold events, sentence by sentence (the README's rules).

    `sentences` maps every gold sentence id to its text; `produced` the coded events mapped to
    each sentence. Disputed sentences are left out of all counts.
    """
    disputed_ids = set(disputed)
    gold_by_sid: dict[str, list[GoldEvent]] = defaultdict(list)
    for event in gold:
        gold_by_sid[event.sid].append(event)
    counts: Counter[str] = Counter()
    actors = ActorTally()
    confusion: Counter[tuple[str, str]] = Counter()
    false_positives: list[CameoMiss] = []
    false_negatives: list[CameoMiss] = []
    for sid, text in sentences.items():
        if sid in disputed_ids:
            continue
        golds, events = gold_by_sid.get(sid, []), list(produced.get(sid, ()))
        root_pairs = one_to_one(golds, events, 2)
        for gold_event in golds:
            roots = {code[:2] for code in (gold_event.cameo, *gold_event.alt)}
            actors.add(
                gold_event.source, gold_event.target, [e for e in events if e.cameo_root in roots], sid
            )
        counts["gold"] += len(golds)
        counts["produced"] += len(events)
        counts["root"] += len(root_pairs)
        counts["digit3"] += len(one_to_one(golds, events, 3))
        for i, j in root_pairs:
            confusion[(golds[i].cameo[:2], events[j].cameo_root)] += 1
        matched_gold = {i for i, _ in root_pairs}
        matched_events = {j for _, j in root_pairs}
        left_gold = [g for i, g in enumerate(golds) if i not in matched_gold]
        left_events = [e for j, e in enumerate(events) if j not in matched_events]
        for k in range(max(len(left_gold), len(left_events))):
            gold_root = left_gold[k].cameo[:2] if k < len(left_gold) else NONE
            coded_root = left_events[k].cameo_root if k < len(left_events) else NONE
            confusion[(gold_root, coded_root)] += 1
        coded_here = tuple(describe_event(event) for event in events)
        false_positives += [CameoMiss(sid, text, describe_event(e)) for e in left_events]
        false_negatives += [CameoMiss(sid, text, g.describe(), coded_here) for g in left_gold]
    return CameoReport(
        path=path,
        articles=articles,
        sentences=len(sentences),
        disputed=len(disputed_ids & set(sentences)),
        unmatched=tuple(sid for sid in unmatched if sid not in disputed_ids),
        root=LevelScore(counts["root"], counts["produced"], counts["gold"]),
        digit3=LevelScore(counts["digit3"], counts["produced"], counts["gold"]),
        confusion=confusion,
        false_positives=false_positives,
        false_negatives=false_negatives,
        actors=actors,
    )


def score_wikinews(
    articles_path: str | Path,
    sentences_path: str | Path,
    gold_path: str | Path,
    disputed_path: str | Path,
    *,
    options: Options | None = None,
    nlp: Language | None = None,
    coder: ArticleCoder | None = None,
) -> CameoReport:
    """Score tocsin on the Wikinews gold sentences, coding each article whole.

    Each coded event is mapped to the gold sentence holding its predicate (events outside the
    numbered lead sentences are ignored), disputed sentences are left out, and the rest is scored
    by `score_cameo`.
    """
    sentences_by_article = read_gold_sentences(sentences_path)
    all_sentences = {sid: text for sentences in sentences_by_article.values() for sid, text in sentences}
    gold = read_gold_events(gold_path, all_sentences)
    disputed = read_disputed(disputed_path)
    records = read_gold_articles(articles_path)
    coder = coder or default_coder(options, nlp)
    produced: dict[str, list[Event]] = defaultdict(list)
    unmatched: list[str] = []
    seen: set[str] = set()
    for (record_id, _), coded in zip(records, coder(a for _, a in records), strict=True):
        sentences = sentences_by_article.get(record_id)
        if sentences is None:
            LOGGER.warning("%s: article %s has no gold sentences", articles_path, record_id)
            continue
        seen.add(record_id)
        alignment = align_sentences(coded.article.text, sentences)
        unmatched += alignment.unmatched
        for event in coded.events:
            sid = alignment.sid_of_event(event)
            if sid is not None:
                produced[sid].append(event)
    for article_id, sentences in sentences_by_article.items():
        if article_id not in seen:
            LOGGER.warning("%s: gold article %s is missing", articles_path, article_id)
            unmatched += [sid for sid, _ in sentences]
    report = score_cameo(
        all_sentences,
        gold,
        produced,
        disputed=disputed,
        unmatched=unmatched,
        path=str(gold_path),
        articles=len(seen),
    )
    LOGGER.info("Wikinews: root F1 %.3f, 3-digit F1 %.3f", report.root.f1, report.digit3.f1)
    return report


# ---------------------------------------------------------------------------------------------
# PETRARCH unit-test records


@dataclass(frozen=True, slots=True)
class PetrarchRecord:
    """One PETRARCH test sentence and the set of (source, target, code) it should yield.

    `expects` is `events`, `noevents` or `error:<kind>` (an input PETRARCH must discard or
    reject, so no event is expected).
    """

    id: str
    category: str
    text: str
    date: date | None
    expected: frozenset[tuple[str, str, str]]
    expects: str = "events"


@dataclass(frozen=True, slots=True)
class PetrarchResult:
    """A record, what tocsin coded, and whether the two sets are equal."""

    record: PetrarchRecord
    produced: frozenset[tuple[str, str, str]]

    @property
    def exact(self) -> bool:
        """True when tocsin's (source, target, code) set equals the expected set."""
        return self.produced == self.record.expected

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict."""
        return {
            "id": self.record.id,
            "category": self.record.category,
            "text": self.record.text,
            "expects": self.record.expects,
            "expected": sorted(list(t) for t in self.record.expected),
            "produced": sorted(list(t) for t in self.produced),
            "exact": self.exact,
        }


@dataclass(slots=True)
class PetrarchReport:
    """Share of PETRARCH test records tocsin codes exactly, with the skipped records and why."""

    path: str
    results: list[PetrarchResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    dictionaries: dict[str, bool] = field(default_factory=dict)  # file -> present in the folder
    dictionaries_loaded: bool = False

    name = "petrarch"

    @property
    def n(self) -> int:
        """Number of records scored."""
        return len(self.results)

    @property
    def exact(self) -> int:
        """Number of records coded exactly."""
        return sum(result.exact for result in self.results)

    @property
    def share(self) -> float:
        """exact / n."""
        return ratio(self.exact, self.n)

    def per_category(self) -> dict[str, TypeTally]:
        """Records and exact codings by the records' category."""
        tallies: dict[str, TypeTally] = {}
        for result in self.results:
            tally = tallies.setdefault(result.record.category, TypeTally())
            tally.n += 1
            tally.recalled += result.exact
        return tallies

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "set": self.name,
            "path": self.path,
            "n": self.n,
            "exact": self.exact,
            "share": self.share,
            "dictionaries": self.dictionaries,
            "dictionaries_loaded": self.dictionaries_loaded,
            "per_category": {
                name: {"n": t.n, "exact": t.recalled} for name, t in sorted(self.per_category().items())
            },
            "skipped": [{"id": rid, "reason": reason} for rid, reason in self.skipped],
            "results": [result.to_dict() for result in self.results],
        }

    def render(self, details: bool = False) -> str:
        """Return the report as plain text; `details` adds categories, skips and mismatches."""
        summary = format_table(
            ("PETRARCH", "n", "exact", "share"),
            [("records coded exactly", self.n, self.exact, self.share)],
        )
        loaded = "loaded" if self.dictionaries_loaded else "not loaded (tocsin's own lexicons used)"
        summary += f"\n{len(self.skipped)} records skipped by the file's markers; dictionaries {loaded}"
        if not details:
            return summary
        categories = format_table(
            ("category", "n", "exact", "share"),
            [(name, t.n, t.recalled, t.recall) for name, t in sorted(self.per_category().items())],
        )
        skipped = format_table(("id", "reason"), self.skipped)
        wrong = format_table(
            ("id", "expected", "tocsin coded", "text"),
            [
                (
                    r.record.id,
                    _triples(r.record.expected) or r.record.expects,
                    _triples(r.produced) or NONE,
                    _shorten(r.record.text, 60),
                )
                for r in self.results
                if not r.exact
            ],
        )
        return "\n\n".join([summary, categories, f"Skipped:\n{skipped}", f"Not coded exactly:\n{wrong}"])


def _triples(triples: Iterable[tuple[str, str, str]]) -> str:
    return "; ".join(f"{s} {t} {c}" for s, t, c in sorted(triples))


@dataclass(frozen=True, slots=True)
class PetrarchFile:
    """A PETRARCH validation file: its scoreable records, skipped ids and dictionary names."""

    records: tuple[PetrarchRecord, ...]
    skipped: tuple[tuple[str, str], ...]
    dictionaries: tuple[str, ...]


def read_petrarch_records(path: str | Path) -> PetrarchFile:
    """Read a PETRARCH validation XML file, honouring its own markers as PETRARCH's validator does.

    - `<Environment><Include>` lists the categories to score: a record of another category is
      skipped; the word `valid` there means only records with `sentence="true"` are scored
      (PETRARCH marks with `sentence="false"` the records it does not implement). Categories in
      `<Exclude>` are skipped.
    - A record with a `<Skip>` element is skipped; a `<Stop>` element ends the file.
    - `<EventCoding noevents="True">` expects no event, and so does `<EventCoding error="...">`
      (an input PETRARCH must reject or discard).
    - Codes are compared as written; `---` stands for an actor that cannot be coded (and for no
      target).
    """
    path = Path(path)
    raw = _read_text(path)
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as error:
        raise DictionaryError(str(path), error.position[0], f"malformed XML: {error}") from None
    environment = root.find("Environment")
    include = _words_of(environment, "Include")
    exclude = _words_of(environment, "Exclude")
    valid_only = "valid" in include
    include.discard("valid")
    dictionaries = tuple(
        (element.text or "").strip()
        for tag in ("Verbfile", "Actorfile", "Agentfile", "Discardfile")
        for element in (environment.findall(tag) if environment is not None else [])
        if (element.text or "").strip()
    )
    container = root.find("Sentences")
    elements = (container if container is not None else root).findall("Sentence")
    if not elements:
        raise DictionaryError(str(path), 0, "no <Sentence> records")
    records: list[PetrarchRecord] = []
    skipped: list[tuple[str, str]] = []
    for element in elements:
        record_id = element.get("id", "").strip()
        line = _line_of(raw, f'"{record_id}"') if record_id else 0
        if not record_id:
            raise DictionaryError(str(path), line, "a <Sentence> has no id")
        if element.find("Stop") is not None:
            break
        category = element.get("category", "").strip()
        reason = None
        if valid_only and element.get("sentence", "").strip().lower() != "true":
            reason = 'sentence="false": not a validated record'
        elif include and category not in include:
            reason = f"category {category!r} not in <Include>"
        elif category in exclude:
            reason = f"category {category!r} in <Exclude>"
        elif element.find("Skip") is not None:
            reason = "<Skip> element"
        if reason:
            skipped.append((record_id, reason))
            continue
        records.append(_petrarch_record(element, record_id, category, path, line))
    return PetrarchFile(tuple(records), tuple(skipped), dictionaries)


def _words_of(environment: ET.Element | None, tag: str) -> set[str]:
    element = environment.find(tag) if environment is not None else None
    return set((element.text or "").split()) if element is not None else set()


def _petrarch_record(
    element: ET.Element, record_id: str, category: str, path: Path, line: int
) -> PetrarchRecord:
    text_element = element.find("Text")
    text = " ".join((text_element.text or "").split()) if text_element is not None else ""
    if not text:
        raise DictionaryError(str(path), line, f"record {record_id} has no <Text>")
    codings = element.findall("EventCoding")
    if not codings:
        raise DictionaryError(str(path), line, f"record {record_id} has no <EventCoding>")
    expected: set[tuple[str, str, str]] = set()
    expects = "events"
    for coding in codings:
        if coding.get("noevents", "").strip().lower() == "true":
            expects = "noevents"
            continue
        if coding.get("error"):
            expects = f"error:{coding.get('error', '').strip()}"
            continue
        triple = tuple(coding.get(key, "").strip() for key in ("sourcecode", "targetcode", "eventcode"))
        if not all(triple):
            raise DictionaryError(
                str(path),
                line,
                f"record {record_id}: <EventCoding> needs sourcecode, "
                "targetcode and eventcode (or noevents/error)",
            )
        expected.add((triple[0], triple[1], triple[2]))
    return PetrarchRecord(
        id=record_id,
        category=category,
        text=text,
        date=_compact_date(element.get("date", "")),
        expected=frozenset(expected),
        expects=expects if not expected else "events",
    )


def _compact_date(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def petrarch_triples(events: Iterable[Event]) -> frozenset[tuple[str, str, str]]:
    """Return coded events as PETRARCH writes them: (source, target, code), `---` for none."""
    return frozenset(
        (
            event.source.code or NO_ACTOR,
            event.target.code if event.target and event.target.code else NO_ACTOR,
            event.cameo,
        )
        for event in events
    )


def score_petrarch(
    records_path: str | Path,
    dictionary_dir: str | Path | None = None,
    *,
    dictionaries: object | None = None,
    options: Options | None = None,
    nlp: Language | None = None,
    coder: ArticleCoder | None = None,
) -> PetrarchReport:
    """Score tocsin on PETRARCH's unit-test records: the share of records coded exactly.

    Each record's text is coded as a one-sentence article. The records use fictional actors
    defined in the `PETR.Validate.*` dictionaries the file names (its `<Environment>` Verbfile,
    Actorfile, Agentfile and Discardfile, looked for in `dictionary_dir`, by default the records'
    folder): when they are all present they are loaded (`tocsin.petrarch.load_dictionaries`) and
    the records are coded with them alone (`builtin_lexicon=False`, no statement events) by a
    coder of its own; `coder` codes the records only when the dictionaries are not all there.
    `dictionaries` (a list of paths) names the files to load instead.
    """
    petrarch = read_petrarch_records(records_path)
    folder = Path(dictionary_dir) if dictionary_dir is not None else Path(records_path).parent
    report = PetrarchReport(
        path=str(records_path),
        skipped=list(petrarch.skipped),
        dictionaries={name: (folder / name).is_file() for name in petrarch.dictionaries},
    )
    if isinstance(dictionaries, (list, tuple)):
        paths = tuple(Path(path) for path in dictionaries)
    else:
        named = [folder / name for name in petrarch.dictionaries]
        paths = tuple(named) if named and all(path.is_file() for path in named) else ()
    if paths:
        loaded = load_dictionaries(paths)  # an unreadable file raises DictionaryError here
        # Only the unit-test world: no built-in predicates, statements or actor tables.
        empty = PhraseTable(())
        options = dataclasses.replace(
            options or Options(),
            dictionary_paths=paths,
            builtin_lexicon=False,
            code_statements=False,
            _lexicon=None,
            _dictionaries=loaded,
            _actor_coder=ActorCoder(empty, empty, empty, dictionaries=loaded.actors),
        )
        report.dictionaries_loaded = True
        coder = default_coder(options, nlp)
    coder = coder or default_coder(options, nlp)
    articles = (
        article_from_text(record.text, date=record.date, origin=f"{records_path}#{record.id}")
        for record in petrarch.records
    )
    for record, coded in zip(petrarch.records, coder(articles), strict=True):
        report.results.append(PetrarchResult(record, petrarch_triples(coded.events)))
    LOGGER.info("PETRARCH: %d of %d records coded exactly", report.exact, report.n)
    return report


# ---------------------------------------------------------------------------------------------
# The founding article: no violent act coded from a negated or hypothetical sentence


@dataclass(slots=True)
class FoundingReport:
    """Events of CAMEO roots 18-20 coded from sentences with a negation or hypothetical cue.

    The cues are the words not, n't, never, no, would, could, if and any (as whole words).
    """

    path: str
    events: int = 0
    flagged: list[tuple[str, str]] = field(default_factory=list)  # (event, sentence)

    name = "founding"

    @property
    def count(self) -> int:
        """Number of flagged events (the target is 0)."""
        return len(self.flagged)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "set": self.name,
            "path": self.path,
            "events": self.events,
            "flagged": [{"event": e, "sentence": s} for e, s in self.flagged],
        }

    def render(self, details: bool = False) -> str:
        """Return the report as plain text; `details` lists the flagged events."""
        summary = format_table(
            ("Founding article", "events", "value"),
            [("root 18-20 events in negated/hypothetical sentences", self.events, self.count)],
        )
        if not details or not self.flagged:
            return summary
        flagged = format_table(("event", "sentence"), [(e, _shorten(s, 80)) for e, s in self.flagged])
        return f"{summary}\n\n{flagged}"


def has_negation_cue(sentence: str) -> bool:
    """Tell whether a sentence contains a negation or hypothetical cue word."""
    return _CUE_RE.search(sentence) is not None


def score_founding_article(
    path: str | Path,
    *,
    options: Options | None = None,
    nlp: Language | None = None,
    coder: ArticleCoder | None = None,
) -> FoundingReport:
    """Count the events of root 18, 19 or 20 coded from negated or hypothetical sentences."""
    article = read_text_file(path)
    coder = coder or default_coder(options, nlp)
    report = FoundingReport(path=str(path))
    for coded in coder([article]):
        report.events += len(coded.events)
        for event in coded.events:
            if event.cameo_root in {"18", "19", "20"} and has_negation_cue(event.sentence):
                report.flagged.append((describe_event(event), event.sentence))
    return report


# ---------------------------------------------------------------------------------------------
# Everything at once


@dataclass(frozen=True, slots=True)
class SkippedReport:
    """A gold set that was not scored, and why."""

    name: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the skip as a JSON-ready dict."""
        return {"set": self.name, "skipped": self.reason}

    def render(self, details: bool = False) -> str:
        """Return one line saying what was skipped and why."""
        return f"{self.name}: skipped ({self.reason})"


Report: TypeAlias = (
    "PloverReport | CameoReport | PetrarchReport | FoundingReport | SkippedReport | QuoteReport | PlaceReport"
)


def run_all(
    shared_data_dir: str | Path, *, options: Options | None = None, nlp: Language | None = None
) -> dict[str, Report]:
    """Score every gold set present under a shared data folder; skip the rest with a reason.

    Returns reports keyed `plover`, `wikinews`, `petrarch`, `founding` (the founding article
    lives in `../seed/` next to the data folder) and `quotes` (the project's quote annotations in
    tests/data/ over the shared Wikinews CSV). The model and the lexicons are loaded once.
    """
    base = Path(shared_data_dir)
    options = options or Options()
    coder = default_coder(options, nlp)
    reports: dict[str, Report] = {}

    def missing(*names: Path) -> str | None:
        absent = [str(name) for name in names if not (base / name).is_file()]
        return f"missing {', '.join(absent)}" if absent else None

    reason = missing(PLOVER_FILE)
    reports["plover"] = (
        SkippedReport("plover", reason) if reason else score_plover(base / PLOVER_FILE, coder=coder)
    )
    reason = missing(*WIKINEWS_FILES)
    reports["wikinews"] = (
        SkippedReport("wikinews", reason)
        if reason
        else score_wikinews(*(base / name for name in WIKINEWS_FILES), coder=coder)
    )
    reason = missing(PETRARCH_FILE)
    reports["petrarch"] = (
        SkippedReport("petrarch", reason)
        if reason
        else score_petrarch(base / PETRARCH_FILE, (base / PETRARCH_FILE).parent, coder=coder)
    )
    reason = missing(FOUNDING_FILE)
    reports["founding"] = (
        SkippedReport("founding", reason)
        if reason
        else score_founding_article(base / FOUNDING_FILE, coder=coder)
    )
    reason = missing(WIKINEWS_CSV) or (
        None if QUOTE_ANNOTATIONS.is_file() else f"missing {QUOTE_ANNOTATIONS}"
    )
    reports["quotes"] = (
        SkippedReport("quotes", reason)
        if reason
        else score_quotes(QUOTE_ANNOTATIONS, base / WIKINEWS_CSV, coder=coder)
    )
    reason = missing(WIKINEWS_CSV) or (
        None if PLACE_ANNOTATIONS.is_file() else f"missing {PLACE_ANNOTATIONS}"
    )
    reports["places"] = (
        SkippedReport("places", reason)
        if reason
        else score_places(PLACE_ANNOTATIONS, base / WIKINEWS_CSV, options=options, nlp=nlp)
    )
    return reports


# ---------------------------------------------------------------------------------------------
# Quote speakers on project-annotated Wikinews quotes

# The annotation file lives with the tests (it is the project's own work, with short credited
# excerpts); the articles it points to are read from the shared Wikinews CSV.
QUOTE_ANNOTATIONS = Path(__file__).resolve().parents[2] / "tests" / "data" / "wikinews_quotes.jsonl"
WIKINEWS_CSV = Path("wikinews/wikinews_2019.csv")
SPEAKER_TYPES = ("named_official", "named_person", "organisation", "media", "anonymous")
QUOTE_PUBLISHER = "Wikinews"
_NAME_STOPWORDS = {"the", "a", "an", "of", "its", "his", "her", "their", "and", "in", "for", "at"}


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One annotated quote: an excerpt to find in the article and who said it."""

    line: int
    url: str
    title: str
    quote: str
    speaker: str
    speaker_type: str
    anonymous: bool
    relay: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteMiss:
    """A gold quote tocsin did not find, or found with another speaker or anonymity."""

    line: int
    quote: str
    gold_speaker: str
    gold_anonymous: bool
    produced_speaker: str | None
    produced_anonymous: bool | None
    reason: str  # not found | speaker | anonymity

    def to_dict(self) -> dict[str, Any]:
        """Return the miss as a JSON-ready dict."""
        return {
            "line": self.line,
            "quote": self.quote,
            "gold_speaker": self.gold_speaker,
            "gold_anonymous": self.gold_anonymous,
            "produced_speaker": self.produced_speaker,
            "produced_anonymous": self.produced_anonymous,
            "reason": self.reason,
        }


@dataclass(slots=True)
class QuoteReport:
    """Quote-speaker accuracy and anonymous-source recall on the annotated Wikinews quotes.

    Every gold quote counts: one tocsin did not find has no speaker and is not flagged anonymous.
    `flagged` counts found quotes tocsin marks anonymous, `flagged_correct` those that are.
    """

    path: str
    articles: int = 0
    n: int = 0
    found: int = 0
    speaker_correct: int = 0
    anonymous_gold: int = 0
    anonymous_recalled: int = 0
    flagged: int = 0
    flagged_correct: int = 0
    misses: list[QuoteMiss] = field(default_factory=list)

    name = "quotes"

    @property
    def found_share(self) -> float:
        """Share of gold quotes located among tocsin's quotes."""
        return ratio(self.found, self.n)

    @property
    def speaker_accuracy(self) -> float:
        """Share of gold quotes whose speaker tocsin names (not found counts as wrong)."""
        return ratio(self.speaker_correct, self.n)

    @property
    def anonymous_recall(self) -> float:
        """Share of gold anonymous-source quotes that tocsin flags anonymous."""
        return ratio(self.anonymous_recalled, self.anonymous_gold)

    @property
    def anonymous_precision(self) -> float:
        """Share of found quotes flagged anonymous by tocsin that are anonymous in the gold."""
        return ratio(self.flagged_correct, self.flagged)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "set": self.name,
            "path": self.path,
            "articles": self.articles,
            "n": self.n,
            "found": self.found,
            "speaker_correct": self.speaker_correct,
            "speaker_accuracy": self.speaker_accuracy,
            "anonymous_gold": self.anonymous_gold,
            "anonymous_recalled": self.anonymous_recalled,
            "anonymous_recall": self.anonymous_recall,
            "anonymous_flagged": self.flagged,
            "anonymous_precision": self.anonymous_precision,
            "misses": [miss.to_dict() for miss in self.misses],
        }

    def render(self, details: bool = False) -> str:
        """Return the report as plain text; `details` lists the misses."""
        summary = format_table(
            ("Wikinews quotes", "n", "value"),
            [
                ("quotes found", self.n, self.found_share),
                ("speaker accuracy", self.n, self.speaker_accuracy),
                ("anonymous-source recall", self.anonymous_gold, self.anonymous_recall),
                ("anonymous-source precision", self.flagged, self.anonymous_precision),
            ],
        )
        if not details or not self.misses:
            return summary
        misses = format_table(
            ("line", "why", "gold speaker", "tocsin speaker", "quote"),
            [
                (
                    m.line,
                    m.reason,
                    m.gold_speaker + (" (anon)" if m.gold_anonymous else ""),
                    (m.produced_speaker or NONE) + (" (anon)" if m.produced_anonymous else ""),
                    _shorten(m.quote, 60),
                )
                for m in self.misses
            ],
        )
        return f"{summary}\n\nMisses ({len(self.misses)}):\n{misses}"


def read_quote_gold(path: str | Path) -> list[GoldQuote]:
    """Read the quote annotations (JSONL, one quote a line; see tests/data/README.md)."""
    path = Path(path)
    gold: list[GoldQuote] = []
    for line_no, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DictionaryError(str(path), line_no, f"not valid JSON: {error.msg}") from None
        if not isinstance(record, dict):
            raise DictionaryError(str(path), line_no, "expected a JSON object")
        for key in ("url", "quote", "speaker", "speaker_type"):
            if not isinstance(record.get(key), str) or not record[key].strip():
                raise DictionaryError(str(path), line_no, f"`{key}` must be a non-empty string")
        if record["speaker_type"] not in SPEAKER_TYPES:
            raise DictionaryError(str(path), line_no, f"unknown speaker_type {record['speaker_type']!r}")
        if not isinstance(record.get("anonymous"), bool):
            raise DictionaryError(str(path), line_no, "`anonymous` must be true or false")
        relay = record.get("relay")
        if relay is not None and not isinstance(relay, str):
            raise DictionaryError(str(path), line_no, "`relay` must be a string or null")
        gold.append(
            GoldQuote(
                line=line_no,
                url=record["url"],
                title=str(record.get("article_title") or ""),
                quote=record["quote"],
                speaker=record["speaker"],
                speaker_type=record["speaker_type"],
                anonymous=record["anonymous"],
                relay=relay,
                note=record.get("note"),
            )
        )
    return gold


def read_wikinews_csv(path: str | Path, urls: Iterable[str] | None = None) -> dict[str, Article]:
    """Read Wikinews articles (`url,date,title,text` CSV) as Articles keyed by URL.

    Only the URLs in `urls` are kept when it is given. The articles' outlet is Wikinews.
    """
    path = Path(path)
    wanted = set(urls) if urls is not None else None
    articles: dict[str, Article] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            url = row.get("url") or ""
            if wanted is not None and url not in wanted:
                continue
            try:
                day = date.fromisoformat((row.get("date") or "").strip())
            except ValueError:
                day = None
            articles[url] = article_from_text(
                row.get("text") or "",
                title=row.get("title"),
                date=day,
                url=url,
                outlet=QUOTE_PUBLISHER,
                origin=str(path),
            )
    return articles


def _excerpt_span(text: str, excerpt: str) -> tuple[int, int] | None:
    """Where an excerpt lies in normalised article text (whitespace and quote marks folded)."""
    words = normalize_characters(excerpt).split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(word) for word in words), text)
    return (match.start(), match.end()) if match else None


def _name_words(name: str) -> list[str]:
    """Lower-cased, accent-free words of a name, without articles and possessives."""
    folded = unicodedata.normalize("NFKD", name.replace("'s", ""))
    folded = "".join(char for char in folded if not unicodedata.combining(char)).lower()
    return [word for word in re.findall(r"[a-z0-9]+", folded) if word not in _NAME_STOPWORDS]


def _same_word(one: str, other: str) -> bool:
    if one == other:
        return True
    return min(len(one), len(other)) >= 5 and SequenceMatcher(None, one, other).ratio() >= 0.8


def same_speaker(gold: str, produced: str) -> bool:
    """Tell whether a produced speaker names the gold one.

    Names are compared as lower-case words without accents or articles: they match when equal,
    when the gold name's last word (a surname, or an organisation's head word) is among the
    produced words or the produced name's last word among the gold words (near spellings of five
    letters or more count), or when one is the initials of the other (SDF).
    """
    gold_words, produced_words = _name_words(gold), _name_words(produced)
    if not gold_words or not produced_words:
        return False
    if gold_words == produced_words:
        return True
    if any(_same_word(gold_words[-1], word) for word in produced_words):
        return True
    if any(_same_word(produced_words[-1], word) for word in gold_words):
        return True
    initials = "".join(word[0] for word in gold_words)
    produced_initials = "".join(word[0] for word in produced_words)
    return (len(produced_words) == 1 and produced_words[0] == initials) or (
        len(gold_words) == 1 and gold_words[0] == produced_initials
    )


def _quote_at(coded: CodedArticle, span: tuple[int, int]) -> Quote | None:
    """The tocsin quote overlapping the span most (ties: the direct quote, then the shortest)."""
    start, end = span
    best: tuple[int, int, int] | None = None
    found: Quote | None = None
    for quote in coded.quotes:
        overlap = min(end, quote.end) - max(start, quote.start)
        if overlap <= 0:
            continue
        key = (overlap, int(quote.direct), -(quote.end - quote.start))
        if best is None or key > best:
            best, found = key, quote
    return found


def score_quotes(
    annotation_path: str | Path,
    wikinews_csv: str | Path,
    *,
    options: Options | None = None,
    nlp: Language | None = None,
    coder: ArticleCoder | None = None,
) -> QuoteReport:
    """Score tocsin's quote speakers and anonymity on the annotated Wikinews quotes.

    Each annotated article is coded whole (outlet Wikinews); each gold excerpt is located in the
    normalised text and matched to the tocsin quote overlapping it most. A speaker is right when
    `same_speaker` holds, or, for an anonymous gold source, when tocsin flags its speaker
    anonymous too.
    """
    gold = read_quote_gold(annotation_path)
    articles = read_wikinews_csv(wikinews_csv, {quote.url for quote in gold})
    report = QuoteReport(path=str(annotation_path))
    by_url: dict[str, list[GoldQuote]] = defaultdict(list)
    for quote in gold:
        if quote.url not in articles:
            LOGGER.warning(
                "%s:%d: article %s is not in %s", annotation_path, quote.line, quote.url, wikinews_csv
            )
        by_url[quote.url].append(quote)
    ordered = [articles[url] for url in by_url if url in articles]
    coder = coder or default_coder(options, nlp)
    coded_by_url = {coded.article.url: coded for coded in coder(ordered)}
    report.articles = len(coded_by_url)
    for quote in gold:
        report.n += 1
        report.anonymous_gold += int(quote.anonymous)
        coded = coded_by_url.get(quote.url)
        span = _excerpt_span(coded.article.text, quote.quote) if coded is not None else None
        produced = _quote_at(coded, span) if coded is not None and span is not None else None
        if produced is None:
            report.misses.append(
                QuoteMiss(quote.line, quote.quote, quote.speaker, quote.anonymous, None, None, "not found")
            )
            continue
        report.found += 1
        speaker = produced.speaker
        flagged = speaker is not None and speaker.anonymous
        report.flagged += int(flagged)
        report.flagged_correct += int(flagged and quote.anonymous)
        report.anonymous_recalled += int(flagged and quote.anonymous)
        if quote.anonymous:
            right = flagged
        else:
            right = speaker is not None and not flagged and same_speaker(quote.speaker, speaker.text)
        report.speaker_correct += int(right)
        if not right:
            reason = "anonymity" if flagged != quote.anonymous else "speaker"
            report.misses.append(
                QuoteMiss(
                    quote.line,
                    quote.quote,
                    quote.speaker,
                    quote.anonymous,
                    speaker.text if speaker else None,
                    flagged,
                    reason,
                )
            )
    LOGGER.info(
        "Quotes: speaker accuracy %.3f, anonymous recall %.3f",
        report.speaker_accuracy,
        report.anonymous_recall,
    )
    return report


# ---------------------------------------------------------------------------------------------
# Place resolution on project-annotated Wikinews place mentions

PLACE_ANNOTATIONS = Path(__file__).resolve().parents[2] / "tests" / "data" / "wikinews_places.jsonl"
PLACE_PRECISIONS = ("country", "admin1", "city")


@dataclass(frozen=True, slots=True)
class GoldPlace:
    """One annotated place mention: where to find it in the article and the place it names."""

    line: int
    url: str
    mention: str
    context: str
    country: str
    geonames_id: int | None
    name: str
    precision: str


@dataclass(frozen=True, slots=True)
class PlaceMiss:
    """A gold place mention tocsin resolved wrongly (or not at all)."""

    line: int
    mention: str
    gold: str
    produced: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the miss as a JSON-ready dict."""
        return dataclasses.asdict(self)


@dataclass(slots=True)
class PlaceReport:
    """How often tocsin resolves an annotated place mention to the right country and the right place."""

    path: str
    n: int = 0
    articles: int = 0
    found: int = 0  # gold mentions tocsin saw as a place mention at all
    country_correct: int = 0
    exact_correct: int = 0
    misses: list[PlaceMiss] = field(default_factory=list)

    name = "places"

    @property
    def country_accuracy(self) -> float:
        """Share of gold mentions resolved to the right country (ISO-3)."""
        return ratio(self.country_correct, self.n)

    @property
    def exact_accuracy(self) -> float:
        """Share of gold mentions resolved to exactly the right place at the right precision."""
        return ratio(self.exact_correct, self.n)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return {
            "set": self.name,
            "path": self.path,
            "n": self.n,
            "articles": self.articles,
            "found": self.found,
            "country_accuracy": self.country_accuracy,
            "exact_accuracy": self.exact_accuracy,
            "misses": [miss.to_dict() for miss in self.misses],
        }

    def render(self, details: bool = False) -> str:
        """Return the report as plain text; `details` lists the misses."""
        summary = format_table(
            ("Places", "n", "articles", "found", "country right", "exact place"),
            [
                (
                    "annotated Wikinews mentions",
                    self.n,
                    self.articles,
                    self.found,
                    self.country_accuracy,
                    self.exact_accuracy,
                )
            ],
        )
        if not details or not self.misses:
            return summary
        misses = format_table(
            ("line", "mention", "gold", "tocsin", "why"),
            [(m.line, m.mention, m.gold, _shorten(m.produced, 50), m.reason) for m in self.misses],
        )
        return f"{summary}\n\n{misses}"


def read_place_gold(path: str | Path) -> list[GoldPlace]:
    """Read place annotations (JSON lines: url, mention, context, country, geonames_id, name,
    precision); a malformed line raises `DictionaryError` naming the file and line."""
    path = Path(path)
    gold: list[GoldPlace] = []
    for line_no, raw in enumerate(_read_text(path).splitlines(), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            raise DictionaryError(str(path), line_no, f"not valid JSON: {error.msg}") from None
        missing = [
            key
            for key in ("url", "mention", "context", "country", "name", "precision")
            if not record.get(key)
        ]
        if missing:
            raise DictionaryError(str(path), line_no, f"missing {', '.join(missing)}")
        if record["precision"] not in PLACE_PRECISIONS:
            raise DictionaryError(
                str(path), line_no, f"precision {record['precision']!r} is not one of {PLACE_PRECISIONS}"
            )
        if record["mention"] not in record["context"]:
            raise DictionaryError(str(path), line_no, "the mention is not inside its context")
        geonames_id = record.get("geonames_id")
        gold.append(
            GoldPlace(
                line=line_no,
                url=record["url"],
                mention=record["mention"],
                context=record["context"],
                country=str(record["country"]).upper(),
                geonames_id=int(geonames_id) if geonames_id is not None else None,
                name=record["name"],
                precision=record["precision"],
            )
        )
    return gold


def place_matches(gold: GoldPlace, mention: PlaceMention | None) -> tuple[bool, bool]:
    """(country right, exact place right) for a resolved mention against its annotation.

    Exact means the same precision and the same GeoNames id, or, where the annotation has none
    (countries, regions the gazetteer has no id for, towns it lacks), the same country and name.
    """
    place = mention.place if mention is not None else None
    if place is None or mention is None:
        return False, False
    country_right = place.country == gold.country
    precision = "city" if mention.precision == "site" else mention.precision
    if precision != gold.precision or not country_right:
        return country_right, False
    if gold.geonames_id is not None:
        return True, place.geonames_id == gold.geonames_id
    return True, gold.precision == "country" or fold_name(place.name) == fold_name(gold.name)


def score_places(
    annotation_path: str | Path,
    wikinews_csv: str | Path,
    *,
    options: Options | None = None,
    nlp: Language | None = None,
) -> PlaceReport:
    """Score tocsin's place resolution on the annotated Wikinews place mentions.

    Each annotated article is parsed and its places resolved as the pipeline does
    (`geo.DocumentPlaces` over the actor mentions); each gold context is located in the
    normalised text, and the gold mention inside it matched to the place mention overlapping it
    most. A mention tocsin did not find or left unresolved counts as wrong on both measures.
    """
    gold = read_place_gold(annotation_path)
    options = options or Options()
    articles = read_wikinews_csv(wikinews_csv, {place.url for place in gold})
    report = PlaceReport(path=str(annotation_path))
    places_by_url: dict[str, tuple[Article, DocumentPlaces]] = {}
    ordered = [articles[url] for url in dict.fromkeys(place.url for place in gold) if url in articles]
    for parsed in parse_articles(ordered, nlp or load_model(), batch_size=options.batch_size):
        actors = DocumentActors(parsed.doc, options.actor_coder(), parsed.article.date)
        places_by_url[parsed.article.url or ""] = (
            parsed.article,
            DocumentPlaces(parsed.doc, actors.mentions()),
        )
    report.articles = len(places_by_url)
    for place in gold:
        report.n += 1
        entry = places_by_url.get(place.url)
        span = _excerpt_span(entry[0].text, place.context) if entry is not None else None
        mention: PlaceMention | None = None
        if entry is not None and span is not None:
            excerpt = entry[0].text[span[0] : span[1]]
            at = excerpt.find(normalize_characters(place.mention))
            if at >= 0:
                start = span[0] + at
                mention = entry[1].at_span(start, start + len(place.mention))
        report.found += int(mention is not None)
        country_right, exact = place_matches(place, mention)
        report.country_correct += int(country_right)
        report.exact_correct += int(exact)
        if not exact:
            resolved = mention.place if mention is not None else None
            produced = (
                f"{resolved.name} ({mention.precision}, {resolved.country}, {resolved.geonames_id})"
                if resolved is not None and mention is not None
                else (f"unresolved: {mention.why}" if mention is not None else "no place mention")
            )
            gold_text = f"{place.name} ({place.precision}, {place.country}, {place.geonames_id})"
            reason = "country" if not country_right else "place"
            report.misses.append(PlaceMiss(place.line, place.mention, gold_text, produced, reason))
    LOGGER.info(
        "Places: country right %.3f, exact %.3f (n=%d)",
        report.country_accuracy,
        report.exact_accuracy,
        report.n,
    )
    return report
