from datetime import date

from tocsin.dates import resolve_expression

FRIDAY = date(2019, 5, 17)


def test_weekdays_resolve_to_the_latest_such_day() -> None:
    assert resolve_expression("Thursday night", FRIDAY) == date(2019, 5, 16)
    assert resolve_expression("on Tuesday", FRIDAY) == date(2019, 5, 14)
    assert resolve_expression("Friday", FRIDAY) == FRIDAY
    assert resolve_expression("last Friday", FRIDAY) == date(2019, 5, 10)


def test_future_weekday_looks_forward() -> None:
    assert resolve_expression("Tuesday", FRIDAY, future=True) == date(2019, 5, 21)
    assert resolve_expression("next Monday", FRIDAY) == date(2019, 5, 20)


def test_counted_expressions() -> None:
    assert resolve_expression("three weeks ago", FRIDAY) == date(2019, 4, 26)
    assert resolve_expression("two days ago", FRIDAY) == date(2019, 5, 15)
    assert resolve_expression("yesterday", FRIDAY) == date(2019, 5, 16)
    assert resolve_expression("a year ago", FRIDAY) == date(2018, 5, 17)
    assert resolve_expression("3 months ago", date(2019, 5, 31)) == date(2019, 2, 28)


def test_calendar_dates() -> None:
    assert resolve_expression("May 14", FRIDAY) == date(2019, 5, 14)
    assert resolve_expression("14 May 2018", FRIDAY) == date(2018, 5, 14)
    assert resolve_expression("December 30", date(2019, 1, 4)) == date(2018, 12, 30)
    assert resolve_expression("2019-01-02", None) == date(2019, 1, 2)


def test_vague_or_unanchored_expressions_give_none() -> None:
    assert resolve_expression("recently", FRIDAY) is None
    assert resolve_expression("last month", FRIDAY) is None
    assert resolve_expression("on Wednesday", None) is None
    assert resolve_expression("February 30", FRIDAY) is None
