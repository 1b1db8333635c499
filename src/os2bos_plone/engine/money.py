"""Money: the one place that reads, rounds and writes amounts (plain Python, no Plone import).

Two readers, because two kinds of text arrive:

* :func:`parse_danish` reads what a Danish user types on a screen or in a spreadsheet cell
  (and the numbers a spreadsheet cell holds). Dot is the thousands separator, comma the decimal
  mark; a reading that is not certain is refused with a Danish message rather than guessed.
* :func:`parse_machine` reads the documented machine form of the REST API and of stored text:
  ``"10000.50"`` (point before øre, no thousands separator) and JSON numbers.

One rounding rule, :func:`round_ore`: to øre, half up (1.125 -> 1.13, -1.125 -> -1.13), as on a
Danish payslip; the pricing engine, the journal, letters and the REST figures all use it.

Formatters: :func:`format_money` ("1.234,50 kr."), :func:`format_amount` ("1.234,50"),
:func:`format_number` (any number of decimals) for display, and :func:`format_machine`
("1234.50") for REST, the journal and storage. :func:`display_money` shows stored machine text.

How :func:`parse_danish` reads text (spaces, "kr.", "kr", "DKK" are ignored everywhere; a sign
may lead; ",-" means no øre):

======================  ============  =========================================================
typed                   read as       why
======================  ============  =========================================================
``10000``               10000         digits only
``10.000``              10000         a dot followed by exactly three digits is always a
                                      thousands separator (Danish writes "10.000" for ten
                                      thousand) - also ``1.125`` is 1125, never 1,125
``1.234.567``           1234567       groups of three after the first group of one to three
``10.000,00``           10000.00      thousands dots and a decimal comma
``10000,5``             10000.50      a decimal comma without thousands dots
``1.234,50``            1234.50
``1 234,50 kr.``        1234.50       spaces and the currency are ignored
``10.000,-``            10000         ",-" is the Danish "no øre"
``-12,00``              -12.00        a leading sign (also "+", and the typographic minus)
``10.50``, ``0.5``      10.50, 0.5    a dot followed by one or two digits (or four and more)
``1.2345``              1.2345        cannot separate thousands: it is a decimal point (the
                                      numeric keypad)
``1,234.50``            1234.50       both marks (an English spreadsheet): commas group
                                      thousands, the dot is the decimal point
``1,234,567``           1234567       several comma groups: English thousands
``1,250``               refused       ambiguous: Danish 1,25 kr. with a third decimal, or
                                      English 1250? (one to three digits, a comma and exactly
                                      three digits; with ``amount=False`` it is 1.250)
``0,125``               0.125         not ambiguous: "0,125" is never English thousands
``1234.567``            refused       a dot before three digits must separate thousands, and
                                      "1234" is not a first group; ``0.125`` alike
``1.23.456``, ``1,2,3`` refused       not a number
``1e3``, ``NaN``, ``∞`` refused       not what a person types for an amount
``10000000000``         refused       at or beyond 10^10 kr. (:data:`MAX_AMOUNT`)
======================  ============  =========================================================

:func:`parse_machine` reads only ``-?digits(.digits)?`` text ("10000.50", "750.5", "-3") and
JSON numbers (int, float, Decimal); "1.234,50", "1e30", "NaN", "Infinity" and amounts at or
beyond 10^10 are refused. "10.000" in machine form is ten kroner: REST callers are programs.

Who reads with which: the payment office screen, the adjustment form, the engine's text inputs
(forms) and spreadsheet cells (``interchange.values.parse_decimal``, ``amount=False``) read Danish;
the REST field deserializers, ``@bos-payments`` registrations, the JSON fields of
``validation.activity.fields_from_json`` (before the engine sees them), classification rows and
stored journal text read the machine form.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP
from decimal import Decimal

__all__ = [
    "MAX_AMOUNT",
    "ORE",
    "AmountError",
    "display_money",
    "format_amount",
    "format_machine",
    "format_money",
    "format_number",
    "parse_danish",
    "parse_machine",
    "round_ore",
]

ORE = Decimal("0.01")

#: Amounts are refused at or beyond this many kroner (no Danish municipality pays 10 billion).
MAX_AMOUNT = Decimal(10) ** 10

MSG_NOT_AMOUNT = "»{text}« er ikke et beløb. Skriv fx 1.234,50."
MSG_AMBIGUOUS = (
    "»{text}« kan læses på to måder. Skriv {large} for {large} kr. eller {small} for {small} kr. "
    "(punktum mellem tusinder, komma før øre)."
)
MSG_BAD_DOT = (
    "»{text}« er ikke et beløb: punktum står kun mellem tusinder (fx 10.000) og komma før øre "
    "(fx 10,50)."
)
MSG_TOO_LARGE = "»{text}« er for stort et beløb; et beløb skal være mindre end 10.000.000.000 kr."
MSG_NOT_MACHINE = (
    "»{text}« er ikke et beløb på den aftalte form: cifre med punktum før øre, fx 10000.50."
)


class AmountError(ValueError):
    """An amount that cannot be read; ``str()`` is a Danish message for the user.

    ``kind`` says why, so a screen can keep its own wording for plain nonsense and show this
    message where it explains more: "unreadable", "ambiguous", "dot", "too_large", "machine".
    """

    def __init__(self, message: str, kind: str = "unreadable"):
        super().__init__(message)
        self.kind = kind


# -- rounding ----------------------------------------------------------------------------------


def round_ore(amount: Decimal) -> Decimal:
    """Round to øre (0.01), half up; never -0.00.

    1.125 -> 1.13, 1.115 -> 1.12, -1.125 -> -1.13 (half up rounds away from zero).
    """
    rounded = amount.quantize(ORE, rounding=ROUND_HALF_UP)
    return rounded + 0 if rounded.is_zero() else rounded  # + 0 drops the sign of -0.00


# -- readers -----------------------------------------------------------------------------------

_GROUPED = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+"
# integer part (dot-grouped or plain, may be empty as in ",50"), a comma, øre (or "-"/"--")
_COMMA_RE = re.compile(rf"(?P<whole>{_GROUPED}|[0-9]*),(?P<fraction>[0-9]*|-{{1,2}})")
_GROUPED_RE = re.compile(_GROUPED)
_DIGITS_RE = re.compile(r"[0-9]+")
_POINT_RE = re.compile(r"[0-9]*\.(?:[0-9]{1,2}|[0-9]{4,})")
_ENGLISH_RE = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_AMBIGUOUS_COMMA_RE = re.compile(r"[1-9][0-9]{0,2},[0-9]{3}")
_SPACES_RE = re.compile(r"[\s\u00a0\u202f]")
_CURRENCY_RE = re.compile(r"kr\.?|dkk", re.IGNORECASE)
_MACHINE_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _bounded(amount: Decimal, text: str) -> Decimal:
    if not amount.is_finite():
        raise AmountError(MSG_NOT_AMOUNT.format(text=text))
    if abs(amount) >= MAX_AMOUNT:
        raise AmountError(MSG_TOO_LARGE.format(text=text), "too_large")
    return amount


def _number(value, text: str, message: str) -> Decimal:
    """A Python number (not text) as Decimal; floats through their shortest text (0.1 -> 0.1)."""
    if isinstance(value, bool):
        raise AmountError(message.format(text=text))
    if isinstance(value, Decimal):
        return _bounded(value, text)
    if isinstance(value, int):
        return _bounded(Decimal(value), text)
    if isinstance(value, float):
        return _bounded(Decimal(repr(value)), text)
    raise AmountError(message.format(text=text))


def _danish_digits(text: str, shown: str, amount: bool) -> str:
    """``text`` (no sign, spaces or currency) as plain "1234.5" digits, or AmountError naming
    ``shown``, the value as the user wrote it."""
    match = _COMMA_RE.fullmatch(text)
    if match is not None:
        whole, fraction = match["whole"], match["fraction"]
        if not whole and not fraction.isdigit():
            raise AmountError(MSG_NOT_AMOUNT.format(text=shown))
        if amount and _AMBIGUOUS_COMMA_RE.fullmatch(text):
            small = round_ore(Decimal(text.replace(",", ".")))
            large = Decimal(text.replace(",", ""))
            raise AmountError(
                MSG_AMBIGUOUS.format(
                    text=shown, small=format_number(small, 2), large=format_number(large, 0)
                ),
                "ambiguous",
            )
        whole = whole.replace(".", "") or "0"
        return f"{whole}.{fraction}" if fraction.isdigit() else whole
    if _GROUPED_RE.fullmatch(text):
        return text.replace(".", "")
    if _DIGITS_RE.fullmatch(text) or _POINT_RE.fullmatch(text):
        return text
    if _ENGLISH_RE.fullmatch(text):
        return text.replace(",", "")
    if re.fullmatch(r"[0-9.]+", text):
        raise AmountError(MSG_BAD_DOT.format(text=shown), "dot")
    raise AmountError(MSG_NOT_AMOUNT.format(text=shown))


def parse_danish(value, *, amount: bool = True) -> Decimal:
    """An amount as a Danish user types it on a screen or in a spreadsheet (see the table above).

    A ``Decimal``, ``int`` or ``float`` (a spreadsheet's number cell) is taken as it is. The
    result is exact, not rounded: round with :func:`round_ore` where an amount is stored. Raises
    :class:`AmountError` (a ``ValueError``) with a Danish message.

    ``amount=False`` reads a number that is not kroner (a VAT percentage, a spreadsheet cell that
    its caller checks for decimals itself): there "1,250" is simply 1,25 with a third decimal,
    since nobody means 1250 by it; everything else is read the same way.
    """
    if not isinstance(value, str):
        return _number(value, str(value), MSG_NOT_AMOUNT)
    shown = value.strip()
    text = _CURRENCY_RE.sub("", _SPACES_RE.sub("", value)).replace("\u2212", "-")
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = text[:1], text[1:]
    number = Decimal(f"{sign}{_danish_digits(text, shown, amount)}")  # only digits get here
    return _bounded(number, shown)


def parse_machine(value) -> Decimal:
    """An amount in the machine form of the REST API and of stored text: "10000.50", "-3",
    or a JSON number. No thousands separator, no comma, no exponent, no NaN/Infinity, less than
    10^10 in size. Raises :class:`AmountError` (a ``ValueError``) with a Danish message."""
    if not isinstance(value, str):
        return _number(value, str(value), MSG_NOT_MACHINE)
    text = value.strip()
    if not _MACHINE_RE.fullmatch(text):
        raise AmountError(MSG_NOT_MACHINE.format(text=text), "machine")
    return _bounded(Decimal(text), text)


# -- formatters --------------------------------------------------------------------------------


def _to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"expected a Decimal, got {type(value).__name__}")


def format_number(value, decimals: int = 2) -> str:
    """A number with "." as thousands separator and "," as decimal mark.

    Rounds half up to ``decimals`` places: ``format_number(Decimal("1234.5"))`` gives
    "1.234,50", ``format_number(Decimal("2.5"), 1)`` gives "2,5". A value that rounds to zero is
    shown without a minus sign.
    """
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    number = _to_decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {number}")
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    negative = rounded < 0
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    if decimals:
        text = f"{text},{fraction}"
    return f"-{text}" if negative else text


def format_amount(value: Decimal | None) -> str:
    """An amount in kroner with two decimals, rounded by :func:`round_ore`: "1.234,50"
    (None gives "")."""
    if value is None:
        return ""
    return format_number(round_ore(_to_decimal(value)), 2)


def format_money(value: Decimal | None) -> str:
    """An amount with currency: "1.234,50 kr.", "-1.234,50 kr." (None gives "")."""
    if value is None:
        return ""
    return f"{format_amount(value)} kr."


def format_machine(value) -> str | None:
    """ "1234.50": the machine form, rounded by :func:`round_ore`, never "-0.00".

    Takes a Decimal, an int or machine text ("500", "1234.5"); None and "" give None.
    """
    if value is None or value == "":
        return None
    amount = value if isinstance(value, Decimal) else parse_machine(value)
    return f"{round_ore(amount):f}"


def display_money(value, empty: str = "–") -> str:
    """A stored amount (Decimal or machine text such as "500.00") as "500,00 kr."; ``empty`` for
    None or ""."""
    if value is None or value == "":
        return empty
    try:
        return format_money(value if isinstance(value, Decimal) else parse_machine(value))
    except ValueError:
        return str(value)  # an old record in another form: shown as stored, never an error
