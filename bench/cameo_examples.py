"""Code the CAMEO codebook's example sentences and score tocsin per CAMEO root.

    python bench/cameo_examples.py [--shared PATH] [--details]

Reads `cameo/icews_cameo-codes_with_goldstein.csv` under the shared data folder (default:
`../shared/data` next to the repository): every CAMEO code with its name, description, usage notes
and one example sentence. Each example (without the codebook's trailing "Note: ...") is coded as a
one-sentence article, all of them in one batch. The table shows, per root, how many examples there
are and the share for which tocsin produced an event of the right root, of the right 3-digit code
and of the exact code; "lexicon root" is the share for which the predicate lexicon matched a word of
the right root at all (whether or not the actors were coded, and before negation and modality),
which tells lexicon gaps from actor or matcher failures. `--details` lists every miss.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tocsin.evaluate import format_table
from tocsin.events import builtin_lexicon, match_predicates
from tocsin.ingest import article_from_text
from tocsin.parse import load_model, parse_articles
from tocsin.pipeline import Options, code_parsed
from tocsin.types import Event

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
CODES_FILE = Path("cameo/icews_cameo-codes_with_goldstein.csv")
_NOTE_RE = re.compile(r"\s+Note:.*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Example:
    """One codebook example: the CAMEO code it illustrates, the code's name and the sentence."""

    code: str
    name: str
    sentence: str

    @property
    def root(self) -> str:
        """The two-digit CAMEO root."""
        return self.code[:2]


@dataclass(frozen=True, slots=True)
class Result:
    """What tocsin made of one example: its events and the lexicon's codes for its words."""

    example: Example
    events: tuple[Event, ...]
    lexicon_codes: tuple[tuple[str, str], ...]  # (code, word) for every lexicon match

    @property
    def root_hit(self) -> bool:
        """True when an event has the example's root."""
        return any(event.cameo[:2] == self.example.root for event in self.events)

    @property
    def digit3_hit(self) -> bool:
        """True when an event has the example's 3-digit code."""
        return any(event.cameo[:3] == self.example.code[:3] for event in self.events)

    @property
    def exact_hit(self) -> bool:
        """True when an event has exactly the example's code."""
        return any(event.cameo == self.example.code for event in self.events)

    @property
    def lexicon_hit(self) -> bool:
        """True when the lexicon matched a word with the example's root, actors aside."""
        return any(code[:2] == self.example.root for code, _ in self.lexicon_codes)


def _unmangle(text: str) -> str:
    """Undo the file's double encoding (UTF-8 read as Mac Roman, saved as cp1252) where present."""
    if text.isascii():
        return text
    try:
        return text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def read_examples(path: Path) -> list[Example]:
    """The codebook's examples, one per CAMEO code that has one, in file order."""
    text = path.read_bytes().decode("cp1252", errors="replace")
    examples: list[Example] = []
    for row in csv.DictReader(io.StringIO(text)):
        sentence = _unmangle((row.get("example") or "").strip())
        code = (row.get("code") or "").strip()
        if not code or sentence in {"", "NA"} or sentence.upper().startswith("NEED EXAMPLE"):
            continue
        sentence = _NOTE_RE.sub("", sentence).strip()
        sentence = " ".join(sentence.replace("``", '"').replace("''", '"').split())
        if sentence:
            examples.append(Example(code, _unmangle((row.get("name") or "").strip()), sentence))
    return examples


def code_examples(examples: Sequence[Example]) -> list[Result]:
    """Code every example as a one-sentence article, in one batch of parses."""
    nlp = load_model()
    options = Options()
    lexicon = builtin_lexicon()
    articles = [article_from_text(example.sentence) for example in examples]
    results: list[Result] = []
    for example, parsed in zip(examples, parse_articles(articles, nlp, batch_size=64), strict=True):
        coded = code_parsed(parsed, options)
        matches = [
            (match.rule.code, match.predicate.text)
            for sentence in parsed.doc.sents
            for match in match_predicates(sentence, lexicon)
        ]
        results.append(Result(example, coded.events, tuple(matches)))
    return results


def _share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def summary_rows(results: Iterable[Result]) -> list[tuple[object, ...]]:
    """One row per root: examples, shares of root, 3-digit, exact and lexicon hits."""
    by_root: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_root[result.example.root].append(result)
    rows: list[tuple[object, ...]] = []
    for root in sorted(by_root):
        group = by_root[root]
        n = len(group)
        rows.append(
            (
                root,
                n,
                _share(sum(r.root_hit for r in group), n),
                _share(sum(r.digit3_hit for r in group), n),
                _share(sum(r.exact_hit for r in group), n),
                _share(sum(r.lexicon_hit for r in group), n),
            )
        )
    return rows


def _produced(result: Result) -> str:
    if result.events:
        return "; ".join(
            f"{e.cameo} {e.source.code}->{e.target.code if e.target else '-'} ({e.predicate!r})"
            for e in result.events
        )
    if result.lexicon_codes:
        return "no event; lexicon: " + ", ".join(f"{code} ({word!r})" for code, word in result.lexicon_codes)
    return "none"


def miss_rows(results: Iterable[Result]) -> list[tuple[str, str, str, str]]:
    """Every example without an event of its 3-digit code: code, kind of miss, produced, sentence."""
    rows: list[tuple[str, str, str, str]] = []
    for result in results:
        if result.digit3_hit:
            continue
        kind = "3-digit" if result.root_hit else "root"
        rows.append((result.example.code, kind, _produced(result), result.example.sentence))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Code the codebook's examples and print the per-root table (and the misses when asked)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--details", action="store_true", help="list every example coded wrong")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    path = args.shared / CODES_FILE
    if not path.is_file():
        print(f"no CAMEO code table at {path} (give the shared data folder with --shared)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    examples = read_examples(path)
    if not examples:
        print(f"no example sentences in {path}", file=sys.stderr)
        return 2
    results = code_examples(examples)
    finished = time.perf_counter()
    if args.details:
        misses = miss_rows(results)
        print(f"Misses ({len(misses)}):")
        print(format_table(("code", "missed", "tocsin produced", "sentence"), misses), end="\n\n")
    print(
        format_table(("root", "examples", "root", "3-digit", "exact", "lexicon root"), summary_rows(results))
    )
    n = len(results)
    print(
        f"\noverall ({n} examples): root {_share(sum(r.root_hit for r in results), n):.3f}, "
        f"3-digit {_share(sum(r.digit3_hit for r in results), n):.3f}, "
        f"exact {_share(sum(r.exact_hit for r in results), n):.3f}, "
        f"lexicon root {_share(sum(r.lexicon_hit for r in results), n):.3f}"
    )
    print(f"coded in {finished - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
