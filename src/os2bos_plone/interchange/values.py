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
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation

from os2bos_plone.engine.formatting import format_amount
from os2bos_plone.engine.formatting import format_date_short

__all__ = [
    "CENT",
    "compact_cvr",
    "display_value",
    "lower_first",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "quantize",
    "slugify",
    "text_of",
]

CENT = Decimal("0.01")

_TRUE_WORDS = frozenset({"ja", "j", "true", "sand", "1", "x", "yes", "y"})
_FALSE_WORDS = frozenset({"nej", "n", "false", "falsk", "0", "no"})

# "1.234,50", "1234,5", "-12,00"
_DANISH_COMMA_RE = re.compile(r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),[0-9]*")
# "1.234" or "10.000.000" read as Danish thousands (a point followed by exactly three digits)
_DANISH_THOUSANDS_RE = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+")
# "1,234.50" (English thousands separators with a decimal point)
_ENGLISH_RE = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_PLAIN_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

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
    """A finite Decimal from a Decimal, int, float or text.

    Floats (as a spreadsheet returns numbers) are converted via ``str()`` so that 206.1 stays
    206.1. Text may use the Danish forms "1.234,50", "1234,5" and "10.000" (a point followed by
    exactly three digits is a thousands separator), the English "1,234.50", or a plain
    "1234.50"; spaces, "kr." and "%" are ignored ("95,4%", "1.234,50 kr.").
    """
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        number = _parse_decimal_text(value)
    else:
        raise ValueError(f"not a number: {value!r}")
    if not number.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return number


def _parse_decimal_text(value: str) -> Decimal:
    text = value.strip().casefold()
    for noise in ("kr.", "kr", "dkk", "%"):
        text = text.replace(noise, "")
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    if _DANISH_COMMA_RE.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _DANISH_THOUSANDS_RE.fullmatch(text):
        text = text.replace(".", "")
    elif _ENGLISH_RE.fullmatch(text):
        text = text.replace(",", "")
    elif not _PLAIN_RE.fullmatch(text):
        raise ValueError(f"not a number: {value!r}")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def quantize(number: Decimal) -> Decimal:
    """Round half up to two decimals (øre); -0.00 becomes 0.00."""
    result = number.quantize(CENT, rounding=ROUND_HALF_UP)
    return result + 0 if result.is_zero() else result


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
