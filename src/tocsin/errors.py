"""tocsin's exceptions: a small hierarchy with messages a user can act on."""

from __future__ import annotations


class TocsinError(Exception):
    """Base class of every error tocsin raises on purpose."""


class InputError(TocsinError):
    """An input file, URL or record could not be read as an article."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class DictionaryError(TocsinError):
    """A lexicon or dictionary file is malformed; names the file and line."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class StoreError(TocsinError):
    """The database could not be opened, read or written."""


class ModelError(TocsinError):
    """The spaCy model could not be loaded."""


class ConfigError(TocsinError):
    """The settings file is malformed; names the file (and line where known)."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
