"""Safe file access for the readers: size caps, gzip, binary sniffing and text decoding.

Every failure becomes an `InputError` with a one-line reason, so a reader never lets an `OSError`,
a gzip error or a `UnicodeDecodeError` escape to the user.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import os
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tocsin.errors import InputError

LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""The largest file (after decompression) a reader accepts; JSONL applies it to each line."""

MAX_GZIP_RATIO = 200
"""A gzip stream that inflates to more than this many times its compressed size is refused as a
compression bomb (news text compresses 3 to 10 times; a bomb of zeros or blank lines 1,000 times)."""
_GZIP_RATIO_AFTER = 4 * 1024 * 1024
"""The ratio is judged once this much has been inflated, so that small files are never refused."""

SNIFF_BYTES = 8192
"""How much of a file's start is inspected to tell text from binary."""

# Errors the gzip module raises for a stream that is not gzip, is corrupt or ends too early.
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)

# C0 controls other than tab, newline, form feed and carriage return (and escape, seen in logs).
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def is_gzip_name(path: Path) -> bool:
    """True when the file name ends in `.gz` (any case)."""
    return path.suffix.lower() == ".gz"


def format_size(size: int) -> str:
    """Return a byte count as a short human size: `512 bytes`, `3.2 MB`."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def describe_os_error(error: OSError) -> str:
    """Return a one-line reason for an operating-system error on a path."""
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if isinstance(error, NotADirectoryError):
        return "a parent of the path is not a directory"
    return f"cannot read file ({error.strerror or error})"


def describe_gzip_error(error: BaseException) -> str:
    """Return a one-line reason for a gzip stream that could not be decompressed."""
    if isinstance(error, EOFError):
        return "truncated gzip file"
    if isinstance(error, gzip.BadGzipFile) and "not a gzipped file" in str(error).lower():
        return "not a gzip file"
    return f"corrupt gzip file ({error})"


def check_regular_file(path: Path, max_bytes: int | None) -> None:
    """Raise `InputError` unless `path` is a readable, non-empty regular file no larger than
    `max_bytes` (None: any size)."""
    origin = str(path)
    try:
        info = path.stat()
    except OSError as error:
        raise InputError(origin, describe_os_error(error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(origin, "is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(origin, "not a regular file")
    if info.st_size == 0:
        raise InputError(origin, "empty file")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError(
            origin,
            f"file is {format_size(info.st_size)}, over the {format_size(max_bytes)} limit",
        )
    if not os.access(path, os.R_OK):
        raise InputError(origin, "permission denied")


class _BombGuard(io.RawIOBase):
    """A gzip stream that raises `InputError` once it has inflated to more than `MAX_GZIP_RATIO`
    times the compressed bytes read, so a gzip bomb is stopped after a few MB, not a few GB."""

    def __init__(self, unzipped: gzip.GzipFile, compressed: io.BufferedIOBase, origin: str) -> None:
        self._unzipped = unzipped
        self._compressed = compressed
        self._origin = origin

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._unzipped.seek(offset, whence)

    def tell(self) -> int:
        return self._unzipped.tell()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._unzipped.read1(len(buffer))  # what one step inflates: a truncated stream
        count = len(data)  # gives all it has before its EOFError
        buffer[:count] = data
        inflated = self._unzipped.tell()
        if inflated > _GZIP_RATIO_AFTER and inflated > MAX_GZIP_RATIO * max(self._compressed.tell(), 1):
            raise InputError(
                self._origin,
                f"gzip bomb: inflates to more than {MAX_GZIP_RATIO} times its compressed size "
                f"(stopped after {format_size(inflated)})",
            )
        return count


@contextmanager
def open_binary(path: Path, max_bytes: int | None) -> Iterator[io.BufferedReader]:
    """Open a regular file for reading bytes, decompressing it on the fly when it ends in `.gz`.

    Raises `InputError` for a missing, unreadable, empty or non-regular file, and for one whose
    size on disk is over `max_bytes` (None: any size); reading a gzip bomb raises `InputError`.
    """
    check_regular_file(path, max_bytes)
    try:
        raw = path.open("rb")
    except OSError as error:
        raise InputError(str(path), describe_os_error(error)) from None
    with raw:
        if is_gzip_name(path):
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield io.BufferedReader(_BombGuard(unzipped, raw, str(path)), buffer_size=1 << 16)
        else:
            yield raw


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Return a file's bytes (decompressed for `.gz`), refusing anything over `max_bytes`.

    Raises `InputError` with a one-line reason for every way the read can fail, including an
    empty file and a `.gz` that is truncated, corrupt or not gzip at all.
    """
    origin = str(path)
    try:
        with open_binary(path, max_bytes) as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        if isinstance(error, gzip.BadGzipFile):
            raise InputError(origin, describe_gzip_error(error)) from None
        raise InputError(origin, describe_os_error(error)) from None
    except GZIP_ERRORS as error:
        raise InputError(origin, describe_gzip_error(error)) from None
    if len(data) > max_bytes:
        raise InputError(origin, f"decompressed size is over the {format_size(max_bytes)} limit")
    if not data:
        raise InputError(origin, "empty file")
    return data


def utf16_without_bom(sample: bytes) -> str | None:
    """Return "utf-16-le" or "utf-16-be" when `sample` (a file's first bytes) is UTF-16 text
    without a byte-order mark (mostly Latin script: every other byte NUL), else None."""
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    for encoding, nuls, others in (("utf-16-le", odd_nuls, even_nuls), ("utf-16-be", even_nuls, odd_nuls)):
        if nuls >= 0.7 * pairs and others <= 0.02 * pairs:
            text = sample[: pairs * 2].decode(encoding, errors="replace")
            controls = sum(1 for char in text if char < " " and char not in "\t\n\r\f")
            # 16-bit numbers below 256 (audio, images) look the same; as text they are controls
            return encoding if controls <= 0.05 * len(text) and text.count("\ufffd") <= 2 else None
    return None


def binary_reason(sample: bytes) -> str | None:
    """Return why `sample` (a file's first bytes) looks binary, or None when it looks like text
    (UTF-16 text, with or without a byte-order mark, counts as text)."""
    if sample.startswith(_UTF16_BOMS) or utf16_without_bom(sample):
        return None
    if b"\x00" in sample:
        return "binary file (contains NUL bytes)"
    if not sample:
        return None
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    if controls / len(sample) > 0.05:
        return "binary file (mostly non-text bytes)"
    return None


def _looks_like_single_byte_text(sample: bytes) -> bool:
    """True when bytes that are not UTF-8 still look like text in a legacy 8-bit encoding."""
    if not sample:
        return False
    high = sum(1 for byte in sample if byte >= 0x80)
    return high / len(sample) <= 0.3


def codec_name(encoding: str | None) -> str | None:
    """Return Python's name for an encoding label (`latin-1` → `iso8859-1`), or None if unknown."""
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def decode_text(data: bytes, origin: str, declared: str | None = None) -> str:
    """Decode a text file's bytes: UTF-8 (with or without a byte-order mark), UTF-16 with a BOM
    or without one, then the `declared` encoding (a page's `charset`) when it is not UTF-8, then
    line by line UTF-8 or Windows-1252 when the bytes still look like text (so a file that mixes
    the two keeps both right).

    Raises `InputError` for binary data and for bytes that are neither UTF-8 nor plausibly text.
    """
    sample = data[:SNIFF_BYTES]
    reason = binary_reason(sample)
    if reason:
        raise InputError(origin, reason)
    utf16 = "utf-16" if data.startswith(_UTF16_BOMS) else utf16_without_bom(sample)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            raise InputError(origin, "cannot decode: invalid UTF-16") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        codec = codec_name(declared)
        if codec and not codec.startswith("utf"):
            return data.decode(codec, errors="replace")
        if not _looks_like_single_byte_text(sample):
            raise InputError(
                origin, f"cannot decode: not UTF-8 text (bad byte at offset {error.start})"
            ) from None
    LOGGER.debug("%s: not UTF-8, decoding the lines that are not as Windows-1252", origin)
    return "".join(_decode_mixed_line(line) for line in data.removeprefix(codecs.BOM_UTF8).splitlines(True))


def _decode_mixed_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def decode_line(line: bytes, *, first: bool) -> str | None:
    """Decode one line of a line-based file, or return None when it is not text.

    The first line may carry a UTF-8 byte-order mark; a line that is not UTF-8 is read as
    Windows-1252 when it looks like text.
    """
    try:
        return line.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError:
        if binary_reason(line) or not _looks_like_single_byte_text(line):
            return None
    return line.decode("cp1252", errors="replace")
