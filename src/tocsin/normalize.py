"""Text normalisation before parsing: whitespace, quotes, glued sentences, bylines and pull quotes.

The normalised text is the article text tocsin stores; every character offset in its output
(sentence spans, actor and quote spans) points into this normalised text.
"""

from __future__ import annotations

import logging
import re
import unicodedata

LOGGER = logging.getLogger(__name__)

_QUOTE_MAP = str.maketrans(
    {
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9
        "\u201f": '"',
        "\u00ab": '"',  # guillemets
        "\u00bb": '"',
        "\u2033": '"',
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u2013": "-",  # en dash
        "\u2014": " - ",  # em dash, spaced so clauses stay apart
        "\u2212": "-",
        "\u00a0": " ",  # no-break space
        "\u2009": " ",
        "\u202f": " ",
        "\u2026": "...",
    }
)

# Invisible characters that only confuse tokenisation: zero-width and bidirectional controls.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates (from JSON escapes such as "\ud800" or undecodable file names) are not text: no
# encoder accepts them, so they become the replacement character.
_SURROGATE = re.compile("[\ud800-\udfff]")

# "night.By mobilizing" -> a sentence end glued to the next sentence's start. The character before
# the stop must be a lower-case letter, a digit or a closing bracket, so that abbreviations like
# "U.S.A" (upper-case before the stop) are left alone. An optional quotation mark may sit between.
_GLUED = re.compile(r"(?<=[a-z0-9)\]])([.!?]+)([\"\u201d\u2019]?)([\"\u201c\u2018]?)(?=[A-Z])")

MAX_SYMBOL_RUN = 100
"""Runs of punctuation and symbols longer than this are broken with a space every this many
characters: the tokenizer strips such characters one at a time, in time that grows with the
square of the run, and no news text has a hundred of them in a row."""
_SYMBOL_RUN = re.compile(rf"(?:[^\w\s]|_){{{MAX_SYMBOL_RUN + 1},}}")

_BYLINE = re.compile(
    r"^\s*(by\s+[A-Z][\w.'\- ]{1,80}|(staff|agency)\s+(writer|reporter)s?|"
    r"[A-Z][A-Za-z .'\-]{1,60}\s+(staff|correspondent|reporter|contributor)s?)\s*$",
    re.IGNORECASE,
)
_DATELINE_ONLY = re.compile(
    r"^\s*(updated|published|posted)?[:\s]*"
    r"((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(,|\s)\s*\d{4}"
    r"([\s,]+\d{1,2}:\d{2}\s*(am|pm)?\s*([A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)


def normalize_characters(text: str) -> str:
    """Return `text` in NFC with curly quotes straightened, invisible characters removed and lone
    surrogates replaced by U+FFFD. The invisible characters go before NFC, so that a letter and an
    accent they kept apart are composed now, not in a second pass."""
    text = _INVISIBLE.sub("", _SURROGATE.sub("\ufffd", text))
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_MAP)
    text = _CONTROL.sub(" ", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_glued_sentences(text: str) -> str:
    """Insert the missing space in sentences glued by bad markup (`night.By` -> `night. By`).

    A straight quotation mark between the two sentences is read as closing when an odd number of
    straight quotes precede it in the paragraph, and as opening otherwise. The quotes are counted
    as the matches go, so the time stays linear in the length of the text.
    """
    counted_to = 0  # the quotes of the current paragraph before this position are counted
    quotes = 0

    def repair(match: re.Match[str]) -> str:
        nonlocal counted_to, quotes
        stop, closing, opening = match.group(1), match.group(2), match.group(3)
        position = match.start(2)
        line_break = text.rfind("\n", counted_to, position)
        if line_break >= 0:
            quotes = text.count('"', line_break + 1, position)
        else:
            quotes += text.count('"', counted_to, position)
        counted_to = position
        if closing == '"' and not opening and quotes % 2 == 0:
            closing, opening = "", '"'
        return f"{stop}{closing} {opening}"

    return _GLUED.sub(repair, text)


def is_byline(line: str) -> bool:
    """True for a line that only names the author(s) or only gives a date, not article content."""
    stripped = line.strip()
    if not stripped or len(stripped) > 100:
        return False
    return bool(_BYLINE.match(stripped) or _DATELINE_ONLY.match(stripped))


def _words(line: str) -> list[str]:
    return re.findall(r"\w+", line.lower())


def _repeated_later(line: str, later: set[tuple[str, str, str]]) -> bool:
    """True when most of the line's word trigrams occur again later in the article."""
    words = _words(line)
    trigrams = {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
    if len(trigrams) < 4:
        return False
    return len(trigrams & later) / len(trigrams) >= 0.8


def _break_symbol_runs(text: str) -> str:
    """Break runs of more than `MAX_SYMBOL_RUN` punctuation characters and symbols with spaces."""

    def broken(match: re.Match[str]) -> str:
        run = match.group()
        return " ".join(run[start : start + MAX_SYMBOL_RUN] for start in range(0, len(run), MAX_SYMBOL_RUN))

    return _SYMBOL_RUN.sub(broken, text)


def normalize_text(text: str) -> str:
    """Return the article body ready for parsing and storing.

    Characters are normalised, glued sentences split, byline and bare date lines dropped, a line
    repeated later in the body (a pull quote or standfirst) dropped, runs of spaces collapsed,
    runs of over `MAX_SYMBOL_RUN` punctuation characters broken with spaces and paragraphs kept as
    single blank-line separated blocks. Normalising normalised text changes nothing.
    """
    text = _break_symbol_runs(split_glued_sentences(normalize_characters(text)))
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line and not is_byline(line)]
    kept: list[str] = []
    later: set[tuple[str, str, str]] = set()
    for line in reversed(lines):
        if _repeated_later(line, later):
            LOGGER.debug("dropping repeated line (pull quote): %s", line[:60])
            continue
        words = _words(line)
        later.update((words[i], words[i + 1], words[i + 2]) for i in range(len(words) - 2))
        kept.append(line)
    kept.reverse()
    return "\n\n".join(kept)
