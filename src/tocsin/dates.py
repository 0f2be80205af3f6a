"""Resolve the date expressions of news text ("on Wednesday", "three weeks ago", "May 14") to dates.

News reports date events relative to the day of publication. Given the article date, a weekday
name means the latest such day on or before it (or the next one when the clause is about the
future), "N days/weeks/months ago" counts back, and a month-day without a year takes the year that
puts it nearest before the article date.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "several": 3,
    "few": 3,
    "a few": 3,
    "couple": 2,
    "a couple of": 2,
}
_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14}

_AGO = re.compile(
    r"\b(?P<count>\d+|a couple of|a few|[a-z]+)\s+(?P<unit>day|week|fortnight|month|year)s?\s+ago\b"
)
_LAST = re.compile(r"\b(?P<which>last|past|previous|next|this|coming)\s+(?P<unit>week|month|year)\b")
_MONTH_DAY = re.compile(
    r"\b(?P<month>[a-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?\b"
)
_DAY_MONTH = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]{3,9})\.?(?:,?\s+(?P<year>\d{4}))?\b"
)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def _shift_months(day: date, months: int) -> date:
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day(month_word: str, day: int, year: str | None, reference: date | None) -> date | None:
    month = _MONTHS.get(month_word)
    if month is None:
        return None
    if year:
        return _safe_date(int(year), month, day)
    if reference is None:
        return None
    candidate = _safe_date(reference.year, month, day)
    if candidate is None:
        return None
    # A month-day after the reporting date (by more than a week) most likely belongs to last year.
    if candidate - reference > timedelta(days=7):
        candidate = _safe_date(reference.year - 1, month, day)
    return candidate


def resolve_expression(expression: str, reference: date | None, *, future: bool = False) -> date | None:
    """Return the day a date expression denotes, relative to the article date `reference`.

    Returns None when the expression names no single day (e.g. "recently", "last month") or
    when it is relative and no reference date is known.
    """
    text = expression.lower().strip()
    match = _ISO.search(text)
    if match:
        return _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        match = pattern.search(text)
        if match and match["month"] in _MONTHS:
            return _month_day(match["month"], int(match["day"]), match["year"], reference)
    if reference is None:
        return None
    if re.search(r"\b(today|tonight|this morning|this afternoon|this evening)\b", text):
        return reference
    if re.search(r"\byesterday\b", text):
        return reference - timedelta(days=1)
    if re.search(r"\btomorrow\b", text):
        return reference + timedelta(days=1)
    match = _AGO.search(text)
    if match:
        count = _count(match["count"])
        if count is None:
            return None
        unit = match["unit"]
        if unit in _UNIT_DAYS:
            return reference - timedelta(days=count * _UNIT_DAYS[unit])
        months = count * (12 if unit == "year" else 1)
        return _shift_months(reference, -months)
    for name, weekday in _WEEKDAYS.items():
        if re.search(rf"\b{name}\b", text):
            if re.search(rf"\bnext\s+{name}\b", text) or future:
                delta = (weekday - reference.weekday()) % 7 or 7
                return reference + timedelta(days=delta)
            delta = (reference.weekday() - weekday) % 7
            if re.search(rf"\blast\s+{name}\b", text) and delta == 0:
                delta = 7
            return reference - timedelta(days=delta)
    return None
