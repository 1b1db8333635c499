"""The PRISME payment file (KMD GF200001Q/GQ311001Q), as OS2BOS wrote it (spec 3.1).

Pure Python: the Plone side selects the payments, hands them in as :class:`PrismePayment`
records and writes the text this module returns. Nothing here reads the clock.

Which days a run covers (:func:`covered_dates`): a run for the first payment date D also pays
the following closed days and the banking day after them. Walking from D, a later day d is
included if d is a closed day (an exclusion date), or if d-1 is a closed day and d-1 > D; the
walk stops at the first day that is neither. The nightly run on a Thursday (D = Friday) so
covers Friday to Monday, and a run before a holiday covers the holiday and the next banking
day. Closed days are the :class:`~os2bos_plone.engine.bankdays.BankCalendar`'s: weekends,
Danish holidays, the bank closing days and the regelmotor's extra exclusion dates.

The file (:func:`prisme_file`), one record a line:

* line 1, the preamble: ``Z300`` + ``" "`` + org unit (4 digits) + ``6`` + 6 spaces +
  day of year of the file date (3 digits) + ``1``;
* per payment i (1-based) a G69 financial record with line number 2i-1 and a G68 payment
  record with line number 2i (fields in :data:`G69_FIELDS` / :data:`G68_FIELDS`, each written
  ``&`` + field number + value, in increasing field order);
* the trailer ``SLUTD`` + the number of G69/G68 records (5 digits, 2 x payments).

Decisions where the spec is silent or OS2BOS had a flaw (do not "fix" them back):

* Field 40 carries the municipality's own text, "Fra <municipality name> ref: <payment id>"
  (issue 13), not Ballerup's.
* The preamble's day of year is zero-padded to 3 digits ("007" on 7 January): the preamble is a
  fixed-width record (its 6 blanks say so), and OS2BOS's unpadded number shifted the last
  character for the first 99 days of a year.
* Amounts are rounded to øre by :func:`~os2bos_plone.engine.money.round_ore` before they become
  whole øre; OS2BOS truncated (``int(amount * 100)``).
* Line endings are LF with a final LF after the trailer, as OS2BOS's files that PRISME read in
  Ballerup (Python text mode on Linux). Pass ``newline="\\r\\n"`` should a municipality's KMD
  pickup want CRLF; :func:`parse_prisme_file` reads both.
* The account alias (field 111) may not be empty: a posting without an account is refused by
  PRISME, so the payment is refused here instead of producing a file PRISME rejects. OS2BOS
  wrote an empty ``&111``. Callers can sort such payments out first with
  :func:`payment_problems`.
* The payments are written ordered by payment date (stable: the caller's order within a date).
* An empty file is never written: with no payments there is nothing to send.
* Values may not contain ``&`` (the field separator) or line breaks: they would break a record.
  The file's text is returned as ``str``; the field values themselves are ASCII except the
  municipality name in field 40.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from decimal import Decimal

from os2bos_plone.engine.bankdays import BankCalendar
from os2bos_plone.engine.money import round_ore

__all__ = [
    "G68_FIELDS",
    "G69_FIELDS",
    "MAX_PAYMENTS",
    "PrismeError",
    "PrismePayment",
    "PrismeSettings",
    "covered_dates",
    "financial_record",
    "parse_prisme_file",
    "payment_problems",
    "payment_record",
    "preamble_line",
    "prisme_file",
    "prisme_filename",
    "settings_problems",
    "to_ore",
    "trailer_line",
]

#: Widths: the record number (&104) has 7 digits, the line number 5, the trailer count 5.
RECORD_NO_WIDTH = 7
LINE_NO_WIDTH = 5
COUNT_WIDTH = 5
#: Two records a payment, and the trailer counts them in 5 digits.
MAX_PAYMENTS = (10**COUNT_WIDTH - 1) // 2
#: &08 holds the amount in 11 digits of øre (&112 has 12; the narrower one bounds both).
AMOUNT_WIDTH_G68 = 11
AMOUNT_WIDTH_G69 = 12
MAX_ORE = 10**AMOUNT_WIDTH_G68 - 1
MAX_AMOUNT = Decimal(MAX_ORE) / 100
PAYMENT_KEY_WIDTH = 20
ALIAS_MAX_LENGTH = 10
PAYMENT_ID_MAX_LENGTH = 20

#: The fields of each record type, in the order they are written.
G69_FIELDS = ("103", "104", "110", "111", "112", "113", "114", "117", "132", "133", "153")
G68_FIELDS = ("02", "03", "08", "09", "10", "11", "12", "16", "17", "40")

#: The record headers before the first ``&``: fixed parts around the line number and org unit.
G69_HEADER_RE = re.compile(
    r"(?P<reg_location>000)(?P<interface>G69)(?P<line_no>[0-9]{5})(?P<org_unit>[0-9]{4})"
    r"(?P<org_type>01)(?P<post_type>NOR)(?P<line_format>FLYD)"
)
G68_HEADER_RE = re.compile(
    r"(?P<reg_location>000)(?P<interface>G68)(?P<line_no>[0-9]{5})(?P<org_unit>[0-9]{4})"
    r"(?P<transaction_type>01)(?P<line_format>1)"
)
PREAMBLE_RE = re.compile(
    r"(?P<transaction>Z300)(?P<blank> )(?P<org_unit>[0-9]{4})(?P<media_type>6)"
    r"(?P<blanks>      )(?P<day_of_year>[0-9]{3})(?P<mixed>1)"
)
TRAILER_RE = re.compile(r"(?P<transaction>SLUTD)(?P<count>[0-9]{5})")

_CPR_RE = re.compile(r"[0-9]{10}")
_DIGITS_RE = re.compile(r"[0-9]+")
# Printable ASCII without space and "&": what a PRISME account alias is made of ("BOS0000001").
_ALIAS_RE = re.compile(r"[!-%'-~]+")
_BREAKING = re.compile(r"[&\x00-\x1f\x7f]")

MSG_NO_PAYMENTS = "Der er ingen betalinger at skrive i PRISME-filen."
MSG_TOO_MANY = "En PRISME-fil kan højst rumme {max} betalinger; der er {count}."
MSG_DUPLICATE_KEY = "Betalingsnøglen {key} står mere end én gang i filen."
MSG_PAYMENT = "Betaling {payment_id} ({date}): {problem}"
MSG_CPR = "{label} skal være 10 cifre uden bindestreg, ikke »{value}«."
MSG_AMOUNT_TYPE = "beløbet skal være et decimaltal, ikke »{value}«."
MSG_AMOUNT_NOT_POSITIVE = "beløbet skal være større end 0 kr. (er {value} kr.)."
MSG_AMOUNT_TOO_LARGE = "beløbet {value} kr. er for stort til PRISME (højst 999.999.999,99 kr.)."
MSG_ALIAS_EMPTY = "der er ingen kontoalias (felt 111); PRISME kan ikke bogføre uden konto."
MSG_ALIAS_BAD = "kontoaliaset »{value}« skal være højst 10 tegn uden mellemrum og &."
MSG_PAYMENT_ID = "betalings-ID'et »{value}« skal være 1-20 tegn uden & og linjeskift."
MSG_PAYMENT_KEY = "betalingsnøglen »{value}« skal være et heltal med højst 20 cifre."
MSG_DATE = "betalingsdatoen mangler."
MSG_SETTING_DIGITS = "{label} skal være højst {width} cifre, ikke »{value}«."
MSG_MUNICIPALITY = "Kommunens navn skal udfyldes og må ikke indeholde & eller linjeskift."
MSG_NOT_PRISME = "Linje {line_no} er ikke en PRISME-post: »{line}«."


class PrismeError(ValueError):
    """A PRISME file that cannot be written (or read); ``problems`` are Danish messages."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class PrismePayment:
    """One payment as the file needs it.

    ``payment_id`` is the payment plan's betalings-ID (fields 153 and 40); ``payment_key`` the
    payment's own unique number (field 17, at most 20 digits); ``amount`` is in kroner;
    ``child_cpr`` is the case's child (field 133), ``recipient_cpr`` who is paid (field 11);
    ``account_alias`` the PRISME account alias (field 111); ``date`` the payment date.
    """

    payment_id: str
    payment_key: int | str
    amount: Decimal
    child_cpr: str
    recipient_cpr: str
    account_alias: str
    date: date


@dataclass(frozen=True)
class PrismeSettings:
    """The municipality's PRISME settings.

    ``org_unit`` (PRISM_ORG_UNIT, the municipality number) is written in 4 digits and
    ``machine_no`` (PRISM_MACHINE_NO) in 5, zero-padded: 151 and "151" both give "0151".
    ``municipality_name`` goes into field 40 as written, e.g. "Ballerup Kommune".
    """

    org_unit: int | str
    machine_no: int | str
    municipality_name: str


# -- which days a run covers -------------------------------------------------------------------


def covered_dates(first_day: date, calendar: BankCalendar) -> list[date]:
    """Every payment date a run for ``first_day`` (D) pays, in order, D first.

    The spec's walk: a later day d is included if d is a closed day, or if d-1 is a closed day
    and d-1 > D; the first day that is neither ends the walk. So D+1 is included only when it
    is closed, and a later day when it or the day before it is closed.
    """
    one_day = timedelta(days=1)

    def closed(day: date) -> bool:
        return not calendar.is_banking_day(day)

    days = [first_day]
    day = first_day + one_day
    while closed(day) or (day - one_day > first_day and closed(day - one_day)):
        days.append(day)
        day += one_day
    return days


# -- checks --------------------------------------------------------------------------------------


def to_ore(amount: Decimal) -> int:
    """Kroner as whole øre, rounded by the product's one rule (half up): 12.345 -> 1235."""
    return int(round_ore(amount) * 100)


def _digits_setting(value, width: int) -> str | None:
    """``value`` (an int or a digit string) zero-padded to ``width``, or None when it does not
    fit (settings, and the payment key of field 17)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value) if value >= 0 else ""
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if not _DIGITS_RE.fullmatch(text) or len(text) > width:
        return None
    return text.zfill(width)


def settings_problems(settings: PrismeSettings) -> list[str]:
    """What keeps ``settings`` from being written, as Danish messages (empty when fine)."""
    problems = []
    for value, width, label in (
        (settings.org_unit, 4, "PRISME-organisationsenheden (kommunenummer)"),
        (settings.machine_no, 5, "PRISME-maskinnummeret"),
    ):
        if _digits_setting(value, width) is None:
            problems.append(MSG_SETTING_DIGITS.format(label=label, width=width, value=value))
    name = settings.municipality_name
    if not isinstance(name, str) or not name.strip() or _BREAKING.search(name):
        problems.append(MSG_MUNICIPALITY)
    return problems


def _payment_key(value) -> str | None:
    return _digits_setting(value, PAYMENT_KEY_WIDTH)


def payment_problems(payment: PrismePayment) -> list[str]:
    """What keeps ``payment`` out of a PRISME file, as Danish messages (empty when fine)."""
    problems = []
    payment_id = payment.payment_id
    if (
        not isinstance(payment_id, str)
        or not payment_id.strip()
        or len(payment_id) > PAYMENT_ID_MAX_LENGTH
        or _BREAKING.search(payment_id)
    ):
        problems.append(MSG_PAYMENT_ID.format(value=payment_id))
    if _payment_key(payment.payment_key) is None:
        problems.append(MSG_PAYMENT_KEY.format(value=payment.payment_key))
    amount = payment.amount
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        problems.append(MSG_AMOUNT_TYPE.format(value=amount))
    elif not Decimal(amount).is_finite():
        problems.append(MSG_AMOUNT_TYPE.format(value=amount))
    elif Decimal(amount) > MAX_AMOUNT:
        # Checked before rounding: a huge Decimal would overflow the quantize.
        problems.append(MSG_AMOUNT_TOO_LARGE.format(value=amount))
    else:
        ore = to_ore(Decimal(amount))
        if ore <= 0:
            problems.append(MSG_AMOUNT_NOT_POSITIVE.format(value=amount))
        elif ore > MAX_ORE:
            problems.append(MSG_AMOUNT_TOO_LARGE.format(value=amount))
    for value, label in (
        (payment.child_cpr, "Barnets CPR-nummer (felt 133)"),
        (payment.recipient_cpr, "Modtagerens CPR-nummer (felt 11)"),
    ):
        if not isinstance(value, str) or not _CPR_RE.fullmatch(value):
            problems.append(MSG_CPR.format(label=label, value=value))
    alias = payment.account_alias
    if not alias:
        problems.append(MSG_ALIAS_EMPTY)
    elif (
        not isinstance(alias, str)
        or len(alias) > ALIAS_MAX_LENGTH
        or not _ALIAS_RE.fullmatch(alias)
    ):
        problems.append(MSG_ALIAS_BAD.format(value=alias))
    if not isinstance(payment.date, date):
        problems.append(MSG_DATE)
    return problems


# -- writing -------------------------------------------------------------------------------------


def _org(settings: PrismeSettings) -> str:
    return _digits_setting(settings.org_unit, 4)


def _machine(settings: PrismeSettings) -> str:
    return _digits_setting(settings.machine_no, 5)


def _fields(values: dict[str, str]) -> str:
    return "".join(f"&{number}{value}" for number, value in values.items())


def preamble_line(settings: PrismeSettings, file_date: date) -> str:
    """``Z300 <org>6      <day of year>1``, the day of year of ``file_date`` in 3 digits."""
    day_of_year = file_date.timetuple().tm_yday
    return f"Z300 {_org(settings)}6      {day_of_year:03d}1"


def financial_record(payment: PrismePayment, settings: PrismeSettings, record_no: int) -> str:
    """The G69 financial record of the ``record_no``-th payment (line number 2 x record_no - 1)."""
    line_no = 2 * record_no - 1
    payment_date = f"{payment.date:%Y%m%d}"
    machine = _machine(settings)
    number = f"{record_no:0{RECORD_NO_WIDTH}d}"
    values = {
        "103": machine,
        "104": number,
        "110": payment_date,
        "111": payment.account_alias,
        "112": f"{to_ore(Decimal(payment.amount)):0{AMOUNT_WIDTH_G69}d} ",  # blank sign: plus
        "113": "D",  # debit
        "114": f"{payment.date.year:04d}",
        "117": payment_date + machine + number,
        "132": "02",  # field 133 is a CPR number
        "133": payment.child_cpr,
        "153": payment.payment_id,
    }
    header = f"000G69{line_no:0{LINE_NO_WIDTH}d}{_org(settings)}01NORFLYD"
    return header + _fields(values)


def payment_record(payment: PrismePayment, settings: PrismeSettings, record_no: int) -> str:
    """The G68 payment record of the ``record_no``-th payment (line number 2 x record_no)."""
    line_no = 2 * record_no
    payment_date = f"{payment.date:%Y%m%d}"
    org = _org(settings)
    values = {
        "02": org,
        "03": "00",
        "08": f"{to_ore(Decimal(payment.amount)):0{AMOUNT_WIDTH_G68}d}",
        "09": "+",
        "10": "02",  # field 11 is a CPR number: a payment to a person
        "11": payment.recipient_cpr,
        "12": payment_date,
        "16": payment_date + _machine(settings) + f"{record_no:0{RECORD_NO_WIDTH}d}",
        "17": _payment_key(payment.payment_key),
        "40": f"Fra {settings.municipality_name.strip()} ref: {payment.payment_id}",
    }
    header = f"000G68{line_no:0{LINE_NO_WIDTH}d}{org}011"
    return header + _fields(values)


def trailer_line(record_count: int) -> str:
    """``SLUTD`` + the number of G69/G68 records in 5 digits."""
    return f"SLUTD{record_count:0{COUNT_WIDTH}d}"


def _file_problems(payments: Sequence[PrismePayment], settings: PrismeSettings) -> list[str]:
    problems = settings_problems(settings)
    if not payments:
        problems.append(MSG_NO_PAYMENTS)
    elif len(payments) > MAX_PAYMENTS:
        problems.append(MSG_TOO_MANY.format(max=MAX_PAYMENTS, count=len(payments)))
    seen: set[str] = set()
    for payment in payments:
        for problem in payment_problems(payment):
            problems.append(
                MSG_PAYMENT.format(
                    payment_id=payment.payment_id,
                    date=payment.date.strftime("%d.%m.%Y")
                    if isinstance(payment.date, date)
                    else "-",
                    problem=problem,
                )
            )
        key = _payment_key(payment.payment_key)
        if key is not None:
            if key in seen:
                problems.append(MSG_DUPLICATE_KEY.format(key=payment.payment_key))
            seen.add(key)
    return problems


def prisme_file(
    payments: Iterable[PrismePayment],
    settings: PrismeSettings,
    file_date: date,
    newline: str = "\n",
) -> str:
    """The PRISME file's text for ``payments``; ``file_date`` is the run's "tomorrow" (the
    preamble's day of year).

    Raises :class:`PrismeError` listing every problem (Danish) when any payment or setting
    cannot be written; then nothing is written at all.
    """
    payments = sorted(payments, key=lambda payment: _sort_date(payment.date))
    problems = _file_problems(payments, settings)
    if problems:
        raise PrismeError(problems)
    lines = [preamble_line(settings, file_date)]
    for record_no, payment in enumerate(payments, 1):
        lines.append(financial_record(payment, settings, record_no))
        lines.append(payment_record(payment, settings, record_no))
    lines.append(trailer_line(2 * len(payments)))
    return newline.join(lines) + newline


def _sort_date(value) -> date:
    # A payment without a date is refused later; sorting must not fail first.
    return value if isinstance(value, date) else date.min


def prisme_filename(first_day: date, microsecond: int, version: int = 0) -> str:
    """``{YYYYMMDD of the first payment date}_{microsecond}_{version}``; the microsecond of the
    run keeps a second run from overwriting a file; only version 0 exists."""
    return f"{first_day:%Y%m%d}_{microsecond}_{version}"


# -- reading -------------------------------------------------------------------------------------


def _split_fields(rest: str, numbers: Sequence[str], line_no: int, line: str) -> dict[str, str]:
    if not rest.startswith("&"):
        raise PrismeError([MSG_NOT_PRISME.format(line_no=line_no, line=line)])
    width = len(numbers[0])
    fields = {}
    for part in rest[1:].split("&"):
        number, value = part[:width], part[width:]
        if number not in numbers or number in fields:
            raise PrismeError([MSG_NOT_PRISME.format(line_no=line_no, line=line)])
        fields[number] = value
    return fields


def parse_prisme_file(text: str) -> list[dict]:
    """Split a PRISME file back into its records, for tests and operators.

    One dict per line: ``{"record": "Z300" | "G69" | "G68" | "SLUTD", "header": {...},
    "fields": {field number: value}}``; header values and field values are the exact text
    in the file (widths included, e.g. ``"112": "000000012345 "``). LF and CRLF both read.
    Raises :class:`PrismeError` on a line that is no PRISME record.
    """
    records = []
    for line_no, line in enumerate(text.splitlines(), 1):
        if match := PREAMBLE_RE.fullmatch(line):
            records.append({"record": "Z300", "header": match.groupdict(), "fields": {}})
            continue
        if match := TRAILER_RE.fullmatch(line):
            records.append({"record": "SLUTD", "header": match.groupdict(), "fields": {}})
            continue
        for kind, header_re, numbers in (
            ("G69", G69_HEADER_RE, G69_FIELDS),
            ("G68", G68_HEADER_RE, G68_FIELDS),
        ):
            match = header_re.match(line)
            if match:
                fields = _split_fields(line[match.end() :], numbers, line_no, line)
                records.append({"record": kind, "header": match.groupdict(), "fields": fields})
                break
        else:
            raise PrismeError([MSG_NOT_PRISME.format(line_no=line_no, line=line)])
    return records
