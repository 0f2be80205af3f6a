"""PETRARCH/TABARI-format dictionaries: actors (with dated codes), agents, verb patterns, discards.

`load_dictionaries(paths)` reads the files a user names (`--dictionary PATH`) and returns what the
actors stage (`ActorDictionary`) and the events stage (`VerbPatterns`) consult.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tocsin.actors import ActorDictionary
from tocsin.errors import DictionaryError
from tocsin.events import VerbPatterns


@dataclass(frozen=True, slots=True)
class LoadedDictionaries:
    """What a set of dictionary files gives the pipeline."""

    actors: tuple[ActorDictionary, ...] = ()
    verbs: tuple[VerbPatterns, ...] = ()
    problems: tuple[DictionaryError, ...] = ()  # malformed entries, reported and skipped


def load_dictionaries(paths: Sequence[str | Path]) -> LoadedDictionaries:
    """Load PETRARCH/TABARI dictionary files (the kind is told from the file's content)."""
    if paths:
        raise DictionaryError(str(paths[0]), 0, "PETRARCH dictionaries are not supported yet")
    return LoadedDictionaries()
