"""Publication dates as sources write them: ISO dates and datetimes, RFC 2822, and English prose.

A datetime is reduced to the calendar date in its own time zone, the date the outlet printed.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

LOGGER = logging.getLogger(__name__)

# English month names, spelled out here because `calendar` follows the process locale.
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({name[:3]: number for number, name in enumerate(_MONTH_NAMES, 1)}, sept=9)

_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
# What may follow the year: nothing, or a separator and a time ("May 16, 2019, 10:04 AM EDT").
_REST = r"(?:[\s,T].*)?"

_ISO_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T\s].*)?")
_SLASHED = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})" + _REST)
_MONTH_FIRST = re.compile(
    _WEEKDAY + r"(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})" + _ORDINAL + r",?\s+(?P<year>\d{4})" + _REST,
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    _WEEKDAY
    + r"(?P<day>\d{1,2})"
    + _ORDINAL
    + r"\s+(?:of\s+)?(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})"
    + _REST,
    re.IGNORECASE,
)


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: str | None) -> date | None:
    """Return the calendar date written in `value`, or None when there is none; never raises.

    Accepts ISO 8601 dates and datetimes (`2019-05-16`, `2019-05-16T09:30:00Z`), RFC 2822
    (`Thu, 16 May 2019 09:30:00 +0000`), `2019/05/16`, and English forms such as
    `May 16, 2019`, `16 May 2019` and `Thursday, May 16, 2019`. Ambiguous all-numeric forms like
    `05/06/2019` are refused rather than guessed.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 80:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    match = _ISO_PREFIX.fullmatch(text) or _SLASHED.fullmatch(text)
    if match:
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        match = pattern.fullmatch(text)
        if match:
            month = _MONTHS.get(match.group("month").lower())
            if month is None:
                continue
            return _make_date(int(match.group("year")), month, int(match.group("day")))
    LOGGER.debug("not a date: %r", text[:40])
    return None
