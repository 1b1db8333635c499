"""Danish formatting of dates, sections and payment plans.

Used by views, PDFs and e-mails. Everything is done by hand rather than through the ``locale``
module, so the output does not depend on the locales installed on the server. Money and numbers
are formatted by :mod:`os2bos_plone.engine.money` (re-exported here for callers not yet moved).
"""

from __future__ import annotations

import re
from datetime import date
from datetime import datetime

from os2bos_plone.engine.money import format_amount
from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.money import format_number

__all__ = [
    "MONTH_NAMES",
    "parse_date_da",
    "describe_plan",
    "format_amount",
    "format_date",
    "section_citation",
    "section_label",
    "format_date_short",
    "format_money",
    "format_month",
    "format_number",
    "month_name",
]

#: Danish month names, January first (lower case, as Danish writes them in running text).
MONTH_NAMES: tuple[str, ...] = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def month_name(month: int) -> str:
    """The Danish name of month 1..12."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return MONTH_NAMES[month - 1]


def format_date(value: date | None) -> str:
    """ "1. december 2025" (None gives "")."""
    if value is None:
        return ""
    day = _as_date(value)
    return f"{day.day}. {month_name(day.month)} {day.year}"


def format_date_short(value: date | None) -> str:
    """ "01.12.2025" (None gives "")."""
    if value is None:
        return ""
    day = _as_date(value)
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def format_month(value: date) -> str:
    """ "december 2025" for any date in that month."""
    day = _as_date(value)
    return f"{month_name(day.month)} {day.year}"


# "BL-32-1.5": a law prefix, the paragraph, then stk. and nr. (the regelmotor's key convention).
_SECTION_KEY = re.compile(r"^[A-ZÆØÅ]+-(\d+[a-z]?)(?:-(\d+)(?:\.(\d+))?)?$")


def section_citation(key: str | None) -> str:
    """ "§ 32, stk. 1, nr. 5" for the key "BL-32-1.5"; a key of another shape as it is."""
    match = _SECTION_KEY.match(key or "")
    if match is None:
        return key or ""
    paragraph, subsection, number = match.groups()
    parts = [f"§ {paragraph}"]
    if subsection:
        parts.append(f"stk. {subsection}")
    if number:
        parts.append(f"nr. {number}")
    return ", ".join(parts)


def section_label(key: str | None, title: str | None, law_name: str | None = None) -> str:
    """ "Barnets lov § 32, stk. 1, nr. 5 – Familiebehandling …": how a section is shown."""
    citation = " ".join(part for part in (law_name, section_citation(key)) if part)
    return " – ".join(part for part in (citation, title) if part)


_PAYMENT_TYPES = {
    "one_time": "one_time",
    "one_time_payment": "one_time",
    "running": "running",
    "running_payment": "running",
    "individual": "individual",
    "individual_payment": "individual",
}

_FREQUENCY_TEXT = {
    "daily": "Dagligt",
    "weekly": "Ugentligt",
    "biweekly": "Hver 14. dag",
}


def describe_plan(
    payment_type: str, frequency: str | None = None, day_of_month: int | None = None
) -> str:
    """A one-line Danish description of a payment plan.

    ``payment_type`` is "one_time", "running" or "individual" (the OS2BOS spellings
    "ONE_TIME_PAYMENT", "RUNNING_PAYMENT", "INDIVIDUAL_PAYMENT" are accepted too, in any case);
    ``frequency`` is "daily", "weekly", "biweekly" or "monthly" for running plans, and
    ``day_of_month`` (default 1) is used for monthly ones. Unknown values raise ``ValueError``.
    """
    kind = _PAYMENT_TYPES.get((payment_type or "").strip().lower())
    if kind is None:
        raise ValueError(f"unknown payment type: {payment_type!r}")
    if kind == "one_time":
        return "Engangsudgift"
    if kind == "individual":
        return "Individuel betalingsplan"
    freq = (frequency or "").strip().lower()
    if freq == "monthly":
        day = 1 if day_of_month is None else int(day_of_month)
        if not 1 <= day <= 31:
            raise ValueError(f"day of month must be 1..31, got {day_of_month}")
        return f"Månedligt den {day}."
    text = _FREQUENCY_TEXT.get(freq)
    if text is None:
        raise ValueError(f"unknown payment frequency: {frequency!r}")
    return text


MSG_DATE_FORMAT = "Skriv datoen som dd.mm.åååå, fx 01.12.2026."
MSG_DATE_INVALID = "Datoen {text} findes ikke."
_DANISH_DATE = re.compile(r"^(\d{1,2})[.\-/ ](\d{1,2})[.\-/ ](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DIGITS_DATE = re.compile(r"^(\d{2})(\d{2})(\d{4})$")


def parse_date_da(text: str) -> date | None:
    """A date as a Danish user types it: "1.12.2026", "01.12.2026", "1-12-2026", "01122026",
    or the ISO form "2026-12-01" (what a browser or a script sends). Empty text gives None;
    anything else raises ValueError with a Danish message."""
    text = (text or "").strip()
    if not text:
        return None
    match = _DANISH_DATE.match(text) or _DIGITS_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            raise ValueError(MSG_DATE_FORMAT)
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(MSG_DATE_INVALID.format(text=text)) from None
