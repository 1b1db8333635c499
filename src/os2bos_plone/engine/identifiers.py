"""Validation of Danish identifiers: CPR, CVR, service ids and SBSYS case numbers.

Every validator returns the normalised value or raises :class:`InvalidIdentifier` with a
Danish message that a form can show as it is.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum import exceptions as stdnum_exceptions
from stdnum.dk import cvr as stdnum_cvr

__all__ = [
    "InvalidIdentifier",
    "cpr_birth_date",
    "kle_of_sbsys_id",
    "sbsys_case_file_number",
    "sbsys_id_has_kle",
    "validate_cpr",
    "validate_cvr",
    "validate_sbsys_id",
    "validate_service_id",
]


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; ``message`` is Danish and user-facing."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# [0-9] rather than \d: \d also matches non-ASCII digits.
_CPR_RE = re.compile(r"([0-9]{6})-?([0-9]{4})")
_CVR_RE = re.compile(r"[0-9]{8}")
_SERVICE_ID_RE = re.compile(r"[0-9]{6}")
_KLE_RE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}")

CPR_FORMAT_MESSAGE = "CPR-nummeret skal have formen DDMMÅÅXXXX eller DDMMÅÅ-XXXX (10 cifre)."
CPR_DATE_MESSAGE = "CPR-nummeret indeholder ikke en gyldig fødselsdato."


def _cpr_century(year_of_century: int, seventh_digit: int) -> int:
    """The century of a CPR birth year from the first digit of the serial number.

    0-3: 1900s. 4 and 9: 2000s for years 00-36, else 1900s. 5-8: 2000s for years 00-57,
    else 1800s.
    """
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if year_of_century <= 36 else 1900
    return 2000 if year_of_century <= 57 else 1800


def _parse_cpr(value: str | None) -> tuple[str, date]:
    if not isinstance(value, str):
        raise InvalidIdentifier(CPR_FORMAT_MESSAGE)
    match = _CPR_RE.fullmatch(value.strip())
    if match is None:
        raise InvalidIdentifier(CPR_FORMAT_MESSAGE)
    digits = match.group(1) + match.group(2)
    day, month, year_of_century = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    year = _cpr_century(year_of_century, int(digits[6])) + year_of_century
    try:
        birth = date(year, month, day)
    except ValueError:
        raise InvalidIdentifier(CPR_DATE_MESSAGE) from None
    return digits, birth


def validate_cpr(value: str | None) -> str:
    """The CPR number as 10 digits without hyphen.

    Accepts "DDMMYYSSSS" or "DDMMYY-SSSS" (surrounding whitespace is ignored) and checks that
    the birth date exists, using the 7th digit for the century. There is deliberately no
    modulus-11 check: CPR numbers issued since 2007 need not satisfy it.
    """
    return _parse_cpr(value)[0]


def cpr_birth_date(value: str | None) -> date:
    """The birth date encoded in a CPR number (validated as :func:`validate_cpr`)."""
    return _parse_cpr(value)[1]


def validate_cvr(value: str | None) -> str:
    """The CVR number as 8 digits; modulus-11 checked with python-stdnum.

    Spaces and a "DK" prefix are removed first (as written on invoices).
    """
    if not isinstance(value, str):
        raise InvalidIdentifier("CVR-nummeret skal være 8 cifre")
    compact = stdnum_cvr.compact(value)
    if not _CVR_RE.fullmatch(compact):
        raise InvalidIdentifier("CVR-nummeret skal være 8 cifre")
    try:
        return stdnum_cvr.validate(compact)
    except stdnum_exceptions.InvalidChecksum:
        raise InvalidIdentifier("CVR-nummeret er ugyldigt (kontrolciffer)") from None
    except stdnum_exceptions.ValidationError:
        # 8 digits but refused anyway: a CVR number never starts with 0.
        raise InvalidIdentifier("CVR-nummeret er ugyldigt (det kan ikke begynde med 0)") from None


def validate_service_id(value: str | None) -> str:
    """A service (ydelse) id: exactly 6 digits, leading zeros kept ("015031")."""
    if not isinstance(value, str) or not _SERVICE_ID_RE.fullmatch(value.strip()):
        raise InvalidIdentifier("Ydelses-id skal være præcis 6 cifre")
    return value.strip()


def validate_sbsys_id(value: str | None) -> str:
    """An SBSYS case number: any non-empty text, trimmed."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidIdentifier("Angiv SBSYS-sagsnummeret")
    return text


def kle_of_sbsys_id(value: str | None) -> str | None:
    """The KLE number an SBSYS case number starts with ("27.24.00-G01-1-23" -> "27.24.00").

    ``None`` when the first "-"-separated part is not a KLE number (NN.NN.NN).
    """
    if not isinstance(value, str):
        return None
    first = value.strip().split("-", 1)[0].strip()
    return first if _KLE_RE.fullmatch(first) else None


def sbsys_id_has_kle(value: str | None, kle: str) -> bool:
    """True when the SBSYS case number starts with the KLE number ``kle``.

    Cases (hovedsager) are expected under KLE 27.24.00; a view may warn when this is False.
    """
    return kle_of_sbsys_id(value) == kle.strip()


def sbsys_case_file_number(value: str | None) -> str:
    """The SBSYS case file number: the first four "-"-separated parts of the case number
    ("27.24.36-G01-7-20-Far" -> "27.24.36-G01-7-20")."""
    text = validate_sbsys_id(value)
    return "-".join(text.split("-")[:4])
