"""Language identification: which articles tocsin can code (English), and why others are skipped.

The identifier is py3langid (langid.py's model, shipped inside the package: nothing is downloaded),
loaded once per process on first use and run on the start of the text, which is enough to tell a
language and keeps the cost per article near a millisecond.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from tocsin.types import Article

LOGGER = logging.getLogger(__name__)

SAMPLE_CHARS = 1000
"""How much of an article's text the identifier reads: a paragraph or two is plenty, and the
identifier's time grows with the length."""
MIN_CONFIDENCE = 0.5
"""Below this probability the identifier's answer is not trusted; a declared language is used then."""
SHORT_TEXT_CHARS = 60
"""Texts shorter than this are too short to identify; their declared language (if any) decides."""

_NAMES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
    "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "nb": "Norwegian", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip

_LOCK = threading.Lock()
_IDENTIFIER: Any = None


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The language identified for a text: ISO 639-1 code, probability, and how it was decided."""

    code: str | None
    confidence: float
    basis: str  # text | declared | none


def language_name(code: str | None) -> str:
    """Return the English name of a language code (`de` → German), or the code itself."""
    if not code:
        return "unknown"
    return _NAMES.get(code, code)


def _identifier() -> Any:
    """The py3langid identifier with normalised probabilities, loaded once per process."""
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _IDENTIFIER


def _declared(language: str | None) -> str | None:
    if not language:
        return None
    code = language.strip().replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def identify_language(text: str, declared: str | None = None) -> LanguageGuess:
    """Identify the language of `text`; `declared` (a page's or feed's language tag) decides for
    texts too short to identify and when the identifier is unsure."""
    sample = text[:SAMPLE_CHARS]
    declared_code = _declared(declared)
    if len(sample.strip()) >= SHORT_TEXT_CHARS:
        code, probability = _identifier().classify(sample)
        if probability >= MIN_CONFIDENCE or declared_code is None:
            return LanguageGuess(str(code), float(probability), "text")
    if declared_code is not None:
        return LanguageGuess(declared_code, 1.0, "declared")
    return LanguageGuess(None, 0.0, "none")


def skip_reason(article: Article, accepted: tuple[str, ...] = ("en",)) -> str | None:
    """Return why an article is skipped for its language, or None when it is in `accepted`
    (or its language cannot be told, in which case it is coded)."""
    guess = identify_language(article.text, article.language)
    if guess.code is None or guess.code in accepted:
        return None
    wanted = " or ".join(language_name(code) for code in accepted)
    how = "identified from the text" if guess.basis == "text" else "as declared"
    return (
        f"skipped: language is {language_name(guess.code)} ({guess.code}, {how}, "
        f"p={guess.confidence:.2f}), not {wanted}"
    )
