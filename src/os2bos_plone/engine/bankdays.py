"""Danish banking days, computed for any year.

A payment can only leave the municipality on a banking day. The cash start rule
(a new cash payment needs two banking days of lead time) and the PRISME export
both depend on knowing which days are closed. The closed days are:

* Saturdays and Sundays;
* the Danish public holidays (Easter-based ones from a Gregorian computus);
  Store Bededag only up to and including 2023, since it was abolished from 2024
  (lov nr. 214 af 06/03/2023);
* the Nationalbank's extra bank closing days: the Friday after Ascension,
  5 June, 24 December and 31 December;
* 1 May, which the product treats as closed (payment-office practice),
  although it is not on the Nationalbank list; pass ``include_may_day=False``
  to get the strict Nationalbank calendar;
* any extra dates an administrator adds (``extra_dates``).

The yearly sets are small and computed from rules, so they are cached per year.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from datetime import timedelta
from functools import lru_cache

#: The last year in which Store Bededag was a public holiday.
LAST_STORE_BEDEDAG_YEAR = 2023


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian computus)."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    moon_correction = (century + 8) // 25
    moon_offset = (century - moon_correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon_offset + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday_offset = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    correction = (golden + 11 * epact + 22 * weekday_offset) // 451
    month, day = divmod(epact + weekday_offset - 7 * correction + 114, 31)
    return date(year, month, day + 1)


def public_holidays_named(year: int) -> dict[date, str]:
    """The Danish public holidays (helligdage) of ``year`` with their Danish names.

    Sunday holidays (Påskedag, Pinsedag) are included for completeness.
    """
    easter = easter_sunday(year)

    def from_easter(days: int) -> date:
        return easter + timedelta(days=days)

    holidays = {
        date(year, 1, 1): "Nytårsdag",
        from_easter(-3): "Skærtorsdag",
        from_easter(-2): "Langfredag",
        easter: "Påskedag",
        from_easter(1): "2. påskedag",
        from_easter(39): "Kristi himmelfartsdag",
        from_easter(49): "Pinsedag",
        from_easter(50): "2. pinsedag",
        date(year, 12, 25): "1. juledag",
        date(year, 12, 26): "2. juledag",
    }
    if year <= LAST_STORE_BEDEDAG_YEAR:
        holidays[from_easter(26)] = "Store bededag"
    return dict(sorted(holidays.items()))


@lru_cache(maxsize=256)
def _named_closing_days(year: int, include_may_day: bool) -> tuple[tuple[date, str], ...]:
    days = public_holidays_named(year)
    ascension = easter_sunday(year) + timedelta(days=39)
    extra = {
        ascension + timedelta(days=1): "Banklukkedag (fredag efter Kristi himmelfartsdag)",
        date(year, 6, 5): "Grundlovsdag",
        date(year, 12, 24): "Juleaftensdag",
        date(year, 12, 31): "Nytårsaftensdag",
    }
    if include_may_day:
        extra[date(year, 5, 1)] = "1. maj"
    for day, name in extra.items():
        # A public holiday keeps its own name if the dates ever coincide.
        days.setdefault(day, name)
    return tuple(sorted(days.items()))


def non_banking_days_named(year: int, include_may_day: bool = True) -> dict[date, str]:
    """All named closing days of ``year`` (holidays and bank closing days), weekends aside.

    Days that fall on a weekend are listed as well; they are closed either way.
    """
    return dict(_named_closing_days(year, include_may_day))


def is_weekend(day: date) -> bool:
    """Saturday or Sunday."""
    return day.weekday() >= 5


@lru_cache(maxsize=256)
def _weekends(year: int) -> frozenset[date]:
    first = date(year, 1, 1)
    days_in_year = 366 if calendar.isleap(year) else 365
    every_day = (first + timedelta(days=offset) for offset in range(days_in_year))
    return frozenset(day for day in every_day if is_weekend(day))


@lru_cache(maxsize=256)
def _base_non_banking_days(year: int, include_may_day: bool) -> frozenset[date]:
    named = (day for day, _name in _named_closing_days(year, include_may_day))
    return _weekends(year).union(named)


def non_banking_days(
    year: int, extra_dates: Iterable[date] = (), include_may_day: bool = True
) -> frozenset[date]:
    """Every closed day of ``year``: weekends, named closing days and extra dates in that year."""
    base = _base_non_banking_days(year, include_may_day)
    extra = {day for day in extra_dates if day.year == year}
    return base.union(extra) if extra else base


def is_banking_day(
    day: date, extra_dates: Iterable[date] = (), include_may_day: bool = True
) -> bool:
    """True when banks are open on ``day``."""
    return day not in non_banking_days(day.year, extra_dates, include_may_day)


class BankCalendar:
    """Banking days with administrator-added closing days.

    Holds the extra dates once and caches the closed-day set per year, so
    repeated questions (the payment export asks for many dates) stay cheap.
    """

    def __init__(self, extra_dates: Iterable[date] = (), include_may_day: bool = True):
        self.extra_dates: frozenset[date] = frozenset(extra_dates)
        self.include_may_day = include_may_day
        self._cache: dict[int, frozenset[date]] = {}

    def __repr__(self) -> str:
        return f"BankCalendar(extra_dates={sorted(self.extra_dates)!r})"

    def non_banking_days(self, year: int) -> frozenset[date]:
        """The closed days of ``year`` (cached)."""
        days = self._cache.get(year)
        if days is None:
            days = non_banking_days(year, self.extra_dates, self.include_may_day)
            self._cache[year] = days
        return days

    def is_banking_day(self, day: date) -> bool:
        return day not in self.non_banking_days(day.year)

    def count_banking_days(self, first: date, last: date) -> int:
        """Number of banking days in ``[first, last]`` (0 when last < first)."""
        count = 0
        day = first
        while day <= last:
            if self.is_banking_day(day):
                count += 1
            day += timedelta(days=1)
        return count

    def next_banking_day(self, day: date) -> date:
        """``day`` itself when it is a banking day, else the first banking day after it."""
        while not self.is_banking_day(day):
            day += timedelta(days=1)
        return day

    def add_banking_days(self, day: date, count: int) -> date:
        """The ``count``-th banking day after ``day`` (``count`` >= 1)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        while count:
            day += timedelta(days=1)
            if self.is_banking_day(day):
                count -= 1
        return day


def count_banking_days(first: date, last: date, extra_dates: Iterable[date] = ()) -> int:
    """Number of banking days in ``[first, last]``."""
    return BankCalendar(extra_dates).count_banking_days(first, last)
