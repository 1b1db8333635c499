"""Parsing and display of single values in interchange rows.

The parsers accept what a Danish user types into a spreadsheet as well as what the JSON files
and the Plone side hold: Python values (``Decimal``, ``date``, ``int``, ``bool``) and text.
Every parser raises :class:`ValueError` for a value it cannot read; callers turn that into a
Danish message that names the row.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from datetime import datetime
from decimal import Decimal

from os2bos_plone.engine.formatting import format_date_short
from os2bos_plone.engine.money import ORE
from os2bos_plone.engine.money import format_amount
from os2bos_plone.engine.money import parse_danish

__all__ = [
    "CENT",
    "compact_cvr",
    "display_value",
    "lower_first",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "slugify",
    "text_of",
]

CENT = ORE  # "more than two decimals" checks compare with this

_TRUE_WORDS = frozenset({"ja", "j", "true", "sand", "1", "x", "yes", "y"})
_FALSE_WORDS = frozenset({"nej", "n", "false", "falsk", "0", "no"})

# 31-12-2025, 31.12.2025, 31/12/2025 (day first, as Danish writes dates)
_DANISH_DATE_RE = re.compile(r"([0-9]{1,2})[-./]([0-9]{1,2})[-./]([0-9]{4})")
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ].*)?")
_INT_RE = re.compile(r"[+-]?[0-9]+")

_SLUG_MAP = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"})


def text_of(value) -> str:
    """A cell or JSON value as trimmed text; integral floats lose their ".0" ("4000.0" -> "4000").

    ``None`` gives "". Line endings are normalised to "\\n".
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def parse_bool(value) -> bool:
    """``True``/``False`` from a bool, 0/1 or text (ja/nej, true/false, sand/falsk, 1/0, x)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise ValueError(f"not a yes/no value: {value!r}")


def parse_int(value) -> int:
    """An integer from an int, an integral float or Decimal, or text of digits."""
    if isinstance(value, bool):
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if _INT_RE.fullmatch(text):
            return int(text)
        # "3,0" / "3.00" typed into a number column
        try:
            number = parse_decimal(text)
        except ValueError:
            raise ValueError(f"not an integer: {value!r}") from None
        if number == number.to_integral_value():
            return int(number)
    raise ValueError(f"not an integer: {value!r}")


def parse_decimal(value) -> Decimal:
    """A finite Decimal from a cell: :func:`os2bos_plone.engine.money.parse_danish` (the one
    Danish reader: "1.234,50", "10.000", "1234,5"; floats via their text, so 206.1 stays 206.1)
    after a trailing "%" ("95,4%") is dropped."""
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    return parse_danish(value, amount=False)  # the callers refuse a third decimal themselves


def parse_date(value) -> date:
    """A date from a date/datetime, an ISO string ("2025-01-31", also with a time part) or a
    Danish day-first string ("31-01-2025", "31.1.2025", "31/01/2025")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        match = _ISO_DATE_RE.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
        match = _DANISH_DATE_RE.fullmatch(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    raise ValueError(f"not a date: {value!r}")


def compact_cvr(value: str) -> str:
    """A CVR number without spaces, hyphens and a "DK" prefix ("DK 25 05 29 44" -> "25052944").

    Anything else is left as it is, so that validation can name the value the user wrote.
    """
    text = re.sub(r"[\s\u00a0.\-]", "", value)
    if text[:2].casefold() == "dk":
        text = text[2:]
    return text


def slugify(text: str) -> str:
    """A lowercase ASCII key: æ->ae, ø->oe, å->aa, accents dropped, other characters -> "_".

    Runs of underscores collapse, and leading/trailing ones are removed:
    "Lommepenge, 3-10 år pr. uge" -> "lommepenge_3_10_aar_pr_uge".
    """
    lowered = text.casefold().translate(_SLUG_MAP)
    ascii_text = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the word is an abbreviation ("CVR-nummeret")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def display_value(value, field_type: str | None = None) -> str:
    """A normalised value as a Danish user reads it in a change report.

    Lists are joined with ", ", booleans are ja/nej, decimals (``field_type`` "decimal") use
    the Danish number format, dates (``field_type`` "date") are shown as 31.12.2025 and an
    empty value as "(tom)".
    """
    if value is None or value == "" or value == []:
        return "(tom)"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, list):
        return ", ".join(display_value(item) for item in value)
    if field_type == "decimal":
        try:
            return format_amount(parse_decimal(value))
        except ValueError:
            return str(value)
    if field_type == "date":
        try:
            return format_date_short(parse_date(value))
        except ValueError:
            return str(value)
    return str(value)
