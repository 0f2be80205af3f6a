"""Near-duplicate stories: MinHash signatures of word shingles, found with locality-sensitive hashing.

A syndicated or lightly edited copy of a story (another outlet's byline, a changed sentence, a
wire-service prefix) shares most of its word 5-grams with the original. `NearDuplicateIndex` keeps
a MinHash signature for each original story and finds, for a new text, the stored story whose
estimated Jaccard similarity is highest and at least the threshold. Signatures are plain lists of
integers, so the store keeps them and a later run rebuilds the same index.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

LOGGER = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.6
"""Estimated Jaccard similarity of word 5-grams at or above which a text is a near-duplicate."""
NUM_PERM = 128
SHINGLE_WORDS = 5
SEED = 1
SCHEME = "affine32"
"""datasketch's permutation scheme: 32-bit hash values, stored as unsigned 32-bit integers."""

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """The stored story a text copies, and the estimated Jaccard similarity of the two."""

    article_id: str
    similarity: float


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Return the text's word `size`-grams (lower-cased), or its words when it is shorter."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {word.encode("utf-8") for word in words}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@lru_cache(maxsize=1)
def _permutations() -> Any:
    """The MinHash permutations of `NUM_PERM` and `SEED`, drawn once (a MinHash draws them anew)."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(text: str) -> list[int]:
    """Return the MinHash signature of a text: `NUM_PERM` integers, the same on every machine."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    grams = shingles(text)
    if grams:
        minhash.update_batch(list(grams))
    return [int(value) for value in minhash.hashvalues]


def _lean(values: Sequence[int] | np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=np.asarray(values, dtype=np.uint32), scheme=SCHEME)


def similarity(first: Sequence[int], second: Sequence[int]) -> float:
    """Return the Jaccard similarity two signatures estimate."""
    a, b = np.asarray(first, dtype=np.uint32), np.asarray(second, dtype=np.uint32)
    return float(np.count_nonzero(a == b)) / float(len(a))


class NearDuplicateIndex:
    """Signatures of original stories, searchable by similarity with MinHash LSH.

    Only originals are added (a copy points to its original), so every match is a first report.
    Among several matches the most similar wins, then the smallest article id, so the outcome does
    not depend on the order the index was filled in.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._signatures

    def add(self, article_id: str, values: Sequence[int]) -> None:
        """Add an original story's signature; adding an id twice keeps the first."""
        if article_id in self._signatures:
            return
        array = np.asarray(values, dtype=np.uint32)
        self._signatures[article_id] = array
        self._lsh.insert(article_id, _lean(array), check_duplication=False)

    def add_all(self, items: Iterable[tuple[str, Sequence[int]]]) -> int:
        """Add many (article id, signature) pairs; returns how many there were."""
        count = 0
        for article_id, values in items:
            self.add(article_id, values)
            count += 1
        return count

    def find(self, values: Sequence[int]) -> DuplicateMatch | None:
        """Return the stored story that a signature's text copies, or None."""
        if not self._signatures:
            return None
        array = np.asarray(values, dtype=np.uint32)
        best: DuplicateMatch | None = None
        for candidate in self._lsh.query(_lean(array)):
            score = float(np.count_nonzero(self._signatures[candidate] == array)) / float(len(array))
            if score < self.threshold:
                continue
            if best is None or (score, _reverse(candidate)) > (best.similarity, _reverse(best.article_id)):
                best = DuplicateMatch(candidate, round(score, 4))
        return best


def _reverse(article_id: str) -> tuple[int, ...]:
    """A sort key under which smaller ids compare greater (ties go to the smallest id)."""
    return tuple(-ord(char) for char in article_id)
