"""The product's one clock: which day it is in the municipality.

Every "today" of the product (plans, costs, renewal, the overview, letters, screens) is read
here. Tests and jobs run "as of" a day set it with :func:`set_today` or :func:`frozen_at`,
never by patching ``time.time``, which ZODB's transaction ids depend on.
"""

from contextlib import contextmanager
from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

#: The municipality's day changes at midnight in Denmark, not at midnight UTC.
LOCAL_TIMEZONE = ZoneInfo("Europe/Copenhagen")

_fixed_day: date | None = None


def today() -> date:
    """The current day in Denmark, or the day the clock is set to."""
    if _fixed_day is not None:
        return _fixed_day
    return datetime.now(LOCAL_TIMEZONE).date()


def now() -> datetime:
    """The current local time; on a set day, that day at the current time of day."""
    current = datetime.now(LOCAL_TIMEZONE)
    if _fixed_day is None:
        return current
    return current.replace(year=_fixed_day.year, month=_fixed_day.month, day=_fixed_day.day)


def instant() -> datetime:
    """The real moment in UTC, whatever day the clock is set to: what audit records stamp
    (when a mail was sent, a payment file made), never the product's day."""
    return datetime.now(UTC)


def set_today(day: date | None) -> None:
    """Set the product's day (``None``: follow the real calendar again)."""
    global _fixed_day
    if day is not None and not isinstance(day, date):
        raise TypeError(f"not a date: {day!r}")
    _fixed_day = day.date() if isinstance(day, datetime) else day


def fixed_day() -> date | None:
    """The day the clock is set to, or ``None`` when it follows the real calendar."""
    return _fixed_day


@contextmanager
def frozen_at(day: date):
    """Within the block, today is ``day``; afterwards the previous setting returns."""
    previous = _fixed_day
    set_today(day)
    try:
        yield day
    finally:
        set_today(previous)
