"""Danish banking days."""

from datetime import date

import pytest

from os2bos_plone.engine.bankdays import BankCalendar
from os2bos_plone.engine.bankdays import count_banking_days
from os2bos_plone.engine.bankdays import easter_sunday
from os2bos_plone.engine.bankdays import is_banking_day
from os2bos_plone.engine.bankdays import is_weekend
from os2bos_plone.engine.bankdays import non_banking_days
from os2bos_plone.engine.bankdays import non_banking_days_named
from os2bos_plone.engine.bankdays import public_holidays_named


def dmy(year, pairs):
    return {date(year, month, day) for day, month in pairs}


def closed_not_sunday(year):
    """Named closing days except the Sunday holidays (Påskedag, Pinsedag)."""
    return {day for day in non_banking_days_named(year) if day.weekday() != 6}


def closed_weekdays(year):
    return {day for day in non_banking_days(year) if day.weekday() < 5}


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (1818, date(1818, 3, 22)),  # earliest possible date
        (1943, date(1943, 4, 25)),  # latest possible date
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2023, date(2023, 4, 9)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2028, date(2028, 4, 16)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected


def test_2026_matches_nationalbank_list_plus_may_day():
    nationalbank_2026 = dmy(
        2026,
        [
            (1, 1),
            (2, 4),
            (3, 4),
            (6, 4),
            (14, 5),
            (15, 5),
            (25, 5),
            (5, 6),
            (24, 12),
            (25, 12),
            (26, 12),
            (31, 12),
        ],
    )
    assert closed_not_sunday(2026) == nationalbank_2026 | {date(2026, 5, 1)}


def test_2026_weekday_closing_days():
    # 26 December 2026 is a Saturday, so it is not among the weekday closing days.
    expected = dmy(
        2026,
        [
            (1, 1),
            (2, 4),
            (3, 4),
            (6, 4),
            (1, 5),
            (14, 5),
            (15, 5),
            (25, 5),
            (5, 6),
            (24, 12),
            (25, 12),
            (31, 12),
        ],
    )
    assert closed_weekdays(2026) == expected


def test_2024_weekday_closing_days():
    expected = dmy(
        2024,
        [
            (1, 1),
            (28, 3),
            (29, 3),
            (1, 4),
            (1, 5),
            (9, 5),
            (10, 5),
            (20, 5),
            (5, 6),
            (24, 12),
            (25, 12),
            (26, 12),
            (31, 12),
        ],
    )
    assert closed_weekdays(2024) == expected


def test_2025_weekday_closing_days():
    expected = dmy(
        2025,
        [
            (1, 1),
            (17, 4),
            (18, 4),
            (21, 4),
            (1, 5),
            (29, 5),
            (30, 5),
            (5, 6),
            (9, 6),
            (24, 12),
            (25, 12),
            (26, 12),
            (31, 12),
        ],
    )
    assert closed_weekdays(2025) == expected


def test_2027_without_may_day_matches_nationalbank():
    # Nationalbank 2027: 1/1, 25/3, 26/3, 29/3, 6/5, 7/5, 17/5, 5/6 (a Saturday), 24/12, 31/12.
    expected = dmy(2027, [(1, 1), (25, 3), (26, 3), (29, 3), (6, 5), (7, 5), (17, 5), (24, 12)])
    expected.add(date(2027, 12, 31))
    weekdays = {d for d in non_banking_days(2027, include_may_day=False) if d.weekday() < 5}
    assert weekdays == expected


def test_store_bededag_until_2023_only():
    assert public_holidays_named(2023)[date(2023, 5, 5)] == "Store bededag"
    assert date(2023, 5, 5) in non_banking_days(2023)
    assert "Store bededag" not in public_holidays_named(2024).values()
    assert date(2024, 4, 26) not in non_banking_days(2024)
    assert is_banking_day(date(2024, 4, 26))


def test_named_days_have_danish_names():
    named = non_banking_days_named(2026)
    assert named[date(2026, 4, 3)] == "Langfredag"
    assert named[date(2026, 4, 2)] == "Skærtorsdag"
    assert named[date(2026, 5, 14)] == "Kristi himmelfartsdag"
    assert named[date(2026, 5, 15)].startswith("Banklukkedag")
    assert named[date(2026, 6, 5)] == "Grundlovsdag"
    assert named[date(2026, 12, 24)] == "Juleaftensdag"
    assert named[date(2026, 12, 31)] == "Nytårsaftensdag"
    assert named[date(2026, 5, 1)] == "1. maj"


def test_may_day_can_be_left_out():
    assert date(2026, 5, 1) in non_banking_days(2026)
    assert date(2026, 5, 1) not in non_banking_days(2026, include_may_day=False)
    assert is_banking_day(date(2026, 5, 1), include_may_day=False)


def test_weekends_are_closed():
    assert is_weekend(date(2026, 3, 7))
    assert is_weekend(date(2026, 3, 8))
    assert not is_weekend(date(2026, 3, 9))
    assert not is_banking_day(date(2026, 3, 7))
    assert is_banking_day(date(2026, 3, 9))


def test_year_2026_has_104_weekend_days_and_250_banking_days():
    days = non_banking_days(2026)
    assert sum(1 for day in days if day.weekday() >= 5) == 104
    assert 365 - len(days) == 365 - 104 - 12


def test_extra_dates_are_closed_only_in_their_year():
    extra = [date(2026, 3, 10), date(2027, 3, 10)]
    days_2026 = non_banking_days(2026, extra)
    assert date(2026, 3, 10) in days_2026
    assert date(2027, 3, 10) not in days_2026
    assert not is_banking_day(date(2026, 3, 10), extra)
    assert is_banking_day(date(2026, 3, 10))


def test_bank_calendar_caches_per_year():
    calendar = BankCalendar([date(2026, 3, 10)])
    assert calendar.non_banking_days(2026) is calendar.non_banking_days(2026)
    assert not calendar.is_banking_day(date(2026, 3, 10))
    assert calendar.is_banking_day(date(2026, 3, 11))


def test_count_banking_days_over_easter_2026():
    # Wed 1 April .. Tue 7 April 2026: only 1/4 and 7/4 are open.
    assert count_banking_days(date(2026, 4, 1), date(2026, 4, 7)) == 2
    assert count_banking_days(date(2026, 4, 7), date(2026, 4, 1)) == 0


def test_next_and_add_banking_days():
    calendar = BankCalendar()
    assert calendar.next_banking_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert calendar.next_banking_day(date(2026, 12, 28)) == date(2026, 12, 28)
    assert calendar.add_banking_days(date(2026, 12, 30), 1) == date(2027, 1, 4)
    assert calendar.add_banking_days(date(2026, 4, 1), 2) == date(2026, 4, 8)
    with pytest.raises(ValueError):
        calendar.add_banking_days(date(2026, 4, 1), 0)
