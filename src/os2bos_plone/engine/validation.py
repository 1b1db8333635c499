"""Validation of an activity and its payment plan, and of marking payments paid.

Every rule returns :class:`FieldError` values naming the REST field and a
Danish message for the case worker, so a form can show the message next to the
field. All rules run; the caller gets the full list in one round trip.

Context the rules need (today, whether this is an expected adjustment, the main
activity's period, the administrator's extra closing days) is passed in on the
input, never read from the clock or the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from stdnum.dk import cvr

from os2bos_plone.engine.bankdays import BankCalendar
from os2bos_plone.engine.costs import ActivityStatus
from os2bos_plone.engine.money import parse_danish
from os2bos_plone.engine.payments import CostType
from os2bos_plone.engine.payments import Frequency
from os2bos_plone.engine.payments import Payment
from os2bos_plone.engine.payments import PaymentMethod
from os2bos_plone.engine.payments import PaymentPlan
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.payments import RecipientType
from os2bos_plone.engine.payments import add_months
from os2bos_plone.engine.payments import payment_dates
from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.prices import parse_price_rows

from . import clock

#: Banking days a new cash payment needs between tomorrow and its date, inclusive.
CASH_LEAD_BANKING_DAYS = 2

ALLOWED_METHODS: dict[RecipientType, frozenset[PaymentMethod]] = {
    RecipientType.PERSON: frozenset({PaymentMethod.CASH, PaymentMethod.SD}),
    RecipientType.COMPANY: frozenset({PaymentMethod.INVOICE}),
    RecipientType.INTERNAL: frozenset({PaymentMethod.INTERNAL}),
}

#: Methods an ordinary user may mark paid by hand; the others are paid by the system.
MANUALLY_PAYABLE_METHODS = frozenset({PaymentMethod.INVOICE, PaymentMethod.INTERNAL})

MSG_REQUIRED = "Feltet skal udfyldes"
MSG_INVALID_CHOICE = "Ugyldig værdi"
MSG_INVALID_AMOUNT = "Ugyldigt beløb"
MSG_START_AFTER_END = "Startdatoen skal være før eller samme dag som slutdatoen"
MSG_PLAN_TOO_LONG = "En betalingsplan kan højst løbe {years} år fra sin start (til og med {last})"
MSG_TOO_MANY_PAYMENTS = "Betalingsplanen giver {count} betalinger; der kan højst være {most}"
MSG_DATE_OUT_OF_RANGE = "Datoen skal ligge mellem {first} og {last}"

#: The regelmotor's defaults for how long a plan may run and how many payments it may make;
#: ten years of daily payments fit (3.653).
MAX_PLAN_YEARS = 10
MAX_PLAN_PAYMENTS = 4000
#: No plan of this product starts before or runs after these dates.
FIRST_PLAN_DATE = date(2000, 1, 1)
LAST_PLAN_DATE = date(2099, 12, 31)
MSG_START_REQUIRED = "Der skal angives en startdato for ydelsen"
MSG_PAYMENT_DATE_REQUIRED = "Der skal angives en betalingsdato for engangsbetalingen"
MSG_PAYMENT_DATE_ONE_TIME_ONLY = "Betalingsdato kan kun angives for engangsbetalinger"
MSG_MAIN_ONE_TIME = "Hovedydelser må ikke være engangsbetalinger"
MSG_FREQUENCY_REQUIRED = "Der skal angives en betalingsfrekvens for løbende betalinger"
MSG_FREQUENCY_RUNNING_ONLY = "Betalingsfrekvens kan kun angives for løbende betalinger"
MSG_DAY_RANGE = "Betalingsdagen skal være mellem 1 og 31"
MSG_DAY_MONTHLY_ONLY = "Betalingsdag i måneden kan kun angives for månedlige betalinger"
MSG_NO_PAYMENTS = "Betalingsplanen giver ingen betalinger i perioden"
MSG_CASH_START = (
    "Startdatoen skal være i fremtiden, og der skal være mindst to bankdage "
    "fra i morgen til og med startdatoen"
)
MSG_CASH_PAYMENT_DATE = (
    "Betalingsdatoen skal være i fremtiden, og der skal være mindst to bankdage "
    "fra i morgen til og med betalingsdatoen"
)
MSG_METHOD_FOR_RECIPIENT = "Ugyldig betalingsmåde for betalingsmodtageren"
MSG_CVR = "Ugyldigt CVR-nummer (et CVR-nummer består af 8 cifre)"
MSG_COST_TYPE_REQUIRED = "Der skal angives en betalingspristype"
MSG_AMOUNT_REQUIRED = "Der skal angives et beløb"
MSG_AMOUNT_FIXED_ONLY = "Beløb kan kun angives ved betalingspristypen fast beløb"
MSG_UNITS_REQUIRED = "Der skal angives et antal enheder"
MSG_UNITS_NOT_FIXED = "Antal enheder kan kun angives ved pris pr. enhed eller takst"
MSG_UNITS_NEGATIVE = "Antal enheder må ikke være negativt"
MSG_RATE_REQUIRED = "Der skal vælges en takst"
MSG_RATE_RATE_ONLY = "Takst kan kun angives ved betalingspristypen takst"
MSG_PRICES_REQUIRED = "Der skal angives en pris pr. enhed"
MSG_PRICES_PER_UNIT_ONLY = "Priser kan kun angives ved betalingspristypen pris pr. enhed"
MSG_INDIVIDUAL_FORBIDDEN = "Kan ikke angives for en individuel betalingsplan"
MSG_INDIVIDUAL_ONLY = "Enkeltbetalinger kan kun angives ved betalingstypen individuel betalingsplan"
MSG_PAYMENT_OUTSIDE = "Betalingen skal ligge inden for ydelsens start- og slutdato"
MSG_PAYMENT_SAME_DATE = "En ydelse kan kun have én betaling på en given dato"
MSG_OUTSIDE_MAIN = "Følgeydelsen skal ligge inden for hovedydelsens periode"
MSG_NOT_MANUALLY_PAYABLE = "Denne betaling må ikke markeres betalt manuelt"
MSG_AUTOMATIC_METHOD = (
    "Kun betalinger med betalingsmåden faktura eller intern afregning kan markeres betalt manuelt"
)
MSG_ALREADY_PAID = "Betalingen er allerede markeret betalt"
MSG_PAID_FIELDS = "Ved en betalt betaling skal beløb og dato angives"
MSG_PAID_NEGATIVE = "Det betalte beløb må ikke være negativt"
MSG_GRANTED_PAYMENT_CHANGE = "Dato eller beløb må ikke ændres på en godkendt betaling"


class ActivityType(StrEnum):
    MAIN = "main"
    SUPPLEMENTARY = "supplementary"


@dataclass(frozen=True)
class FieldError:
    """A message for one field (REST name)."""

    field: str
    message: str


@dataclass
class ActivityInput:
    """An activity as entered (REST field names), plus the context to judge it.

    Enum fields accept their string values. ``payment_rate`` is a reference to
    a central rate (its presence is what matters here); ``payment_prices`` is
    the activity's own unit-price history, as rows or a :class:`PriceHistory`.
    ``payments`` are the hand-entered ``(date, amount)`` of an individual plan.
    Leave ``payment_day_of_month`` and ``payment_frequency`` as None when they
    do not apply.

    ``saved_start_date`` is the start (payment date for one-time plans) as
    already stored; the cash start rule is only checked for a new or changed
    date, so a later edit of an activity that has begun is not refused.
    """

    service: str | None = None
    activity_type: ActivityType | str | None = None
    start_date: date | None = None
    end_date: date | None = None
    payment_type: PaymentType | str | None = None
    payment_frequency: Frequency | str | None = None
    payment_day_of_month: int | None = None
    payment_date: date | None = None
    payment_cost_type: CostType | str | None = None
    payment_amount: Decimal | str | None = None
    payment_units: Decimal | str | None = None
    payment_rate: str | None = None
    payment_prices: PriceHistory | Sequence[Mapping[str, Any]] | None = None
    recipient_type: RecipientType | str | None = None
    recipient_id: str | None = None
    recipient_name: str | None = None
    payment_method: PaymentMethod | str | None = None
    fictive: bool = False
    payments: Sequence[tuple[date, Decimal]] = ()
    # Context.
    today: date = field(default_factory=clock.today)
    is_adjustment: bool = False
    main_start_date: date | None = None
    main_end_date: date | None = None
    bank_extra_dates: Iterable[date] = ()
    saved_start_date: date | None = None
    max_plan_years: int = MAX_PLAN_YEARS
    max_plan_payments: int = MAX_PLAN_PAYMENTS


def _da(day: date) -> str:
    return day.strftime("%d.%m.%Y")


class _Checker:
    """Collects errors while the rules run; holds the parsed values."""

    def __init__(self, data: ActivityInput):
        self.data = data
        self.errors: list[FieldError] = []
        self.activity_type = self._choice(ActivityType, "activity_type")
        self.payment_type = self._choice(PaymentType, "payment_type")
        self.frequency = self._choice(Frequency, "payment_frequency")
        self.cost_type = self._choice(CostType, "payment_cost_type")
        self.recipient_type = self._choice(RecipientType, "recipient_type")
        self.method = self._choice(PaymentMethod, "payment_method")
        self.amount = self._amount("payment_amount")
        self.units = self._amount("payment_units")
        self.prices, self.price_errors = self._prices()

    def add(self, field_name: str, message: str) -> None:
        self.errors.append(FieldError(field_name, message))

    def _choice(self, enum: type[StrEnum], field_name: str):
        value = getattr(self.data, field_name)
        if value is None or value == "":
            return None
        try:
            return enum(value)
        except ValueError:
            self.add(field_name, MSG_INVALID_CHOICE)
            return None

    def _amount(self, field_name: str) -> Decimal | None:
        value = getattr(self.data, field_name)
        if value is None or value == "":
            return None
        try:
            return parse_danish(value)
        except ValueError:
            self.add(field_name, MSG_INVALID_AMOUNT)
            return None

    def _prices(self) -> tuple[PriceHistory | None, list[str]]:
        value = self.data.payment_prices
        if value is None:
            return None, []
        if isinstance(value, PriceHistory):
            return (value or None), []
        history, errors = parse_price_rows(value)
        if not history and not errors:
            return None, []
        return history, errors

    @property
    def dates_in_range(self) -> bool:
        """Whether every plan date lies in the product's range; plans outside it are not
        computed (a monthly plan ending 9999-12-31 would step past year 9999)."""
        return all(FIRST_PLAN_DATE <= day <= LAST_PLAN_DATE for day in _plan_dates(self).values())

    @property
    def pay_start(self) -> tuple[str, date | None]:
        """The date a plan starts paying: the payment date for one-time plans."""
        if self.payment_type is PaymentType.ONE_TIME:
            return "payment_date", self.data.payment_date
        return "start_date", self.data.start_date


# --------------------------------------------------------------------------- rules


def _check_required(c: _Checker) -> None:
    if not c.data.service:
        c.add("service", MSG_REQUIRED)
    for field_name in ("activity_type", "payment_type", "recipient_type", "payment_method"):
        if getattr(c.data, field_name) in (None, ""):
            c.add(field_name, MSG_REQUIRED)


def _check_dates(c: _Checker) -> None:
    data = c.data
    if data.start_date and data.end_date and data.start_date > data.end_date:
        c.add("start_date", MSG_START_AFTER_END)
    if c.payment_type is PaymentType.ONE_TIME:
        if data.payment_date is None:
            c.add("payment_date", MSG_PAYMENT_DATE_REQUIRED)
    elif c.payment_type is not None:
        if data.start_date is None:
            c.add("start_date", MSG_START_REQUIRED)
        if data.payment_date is not None:
            c.add("payment_date", MSG_PAYMENT_DATE_ONE_TIME_ONLY)
    if c.activity_type is ActivityType.MAIN and c.payment_type is PaymentType.ONE_TIME:
        c.add("payment_type", MSG_MAIN_ONE_TIME)


def _check_frequency(c: _Checker) -> None:
    if c.payment_type is PaymentType.RUNNING and c.data.payment_frequency in (None, ""):
        c.add("payment_frequency", MSG_FREQUENCY_REQUIRED)
    if c.payment_type in (PaymentType.ONE_TIME, PaymentType.INDIVIDUAL) and c.frequency:
        c.add("payment_frequency", MSG_FREQUENCY_RUNNING_ONLY)
    day = c.data.payment_day_of_month
    if day is None:
        return
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
        c.add("payment_day_of_month", MSG_DAY_RANGE)
    elif c.payment_type is PaymentType.INDIVIDUAL:
        c.add("payment_day_of_month", MSG_INDIVIDUAL_FORBIDDEN)
    elif c.frequency is not Frequency.MONTHLY or c.payment_type is not PaymentType.RUNNING:
        c.add("payment_day_of_month", MSG_DAY_MONTHLY_ONLY)


def _check_cost(c: _Checker) -> None:
    if c.payment_type is PaymentType.INDIVIDUAL:
        _check_individual_fields(c)
        return
    if c.units is not None and c.units < 0:
        c.add("payment_units", MSG_UNITS_NEGATIVE)
    for message in c.price_errors:
        c.add("payment_prices", message)
    if c.prices is not None and not c.price_errors:
        for message in c.prices.validate():
            c.add("payment_prices", message)
    if c.payment_type is None:
        return
    if c.data.payment_cost_type in (None, ""):
        c.add("payment_cost_type", MSG_COST_TYPE_REQUIRED)
        return
    has_prices = c.prices is not None or bool(c.price_errors)
    has_amount = c.data.payment_amount not in (None, "")
    has_units = c.data.payment_units not in (None, "")
    has_rate = bool(c.data.payment_rate)
    if c.cost_type is CostType.FIXED:
        if not has_amount:
            c.add("payment_amount", MSG_AMOUNT_REQUIRED)
        if has_units:
            c.add("payment_units", MSG_UNITS_NOT_FIXED)
    else:
        if c.cost_type is not None and not has_units:
            c.add("payment_units", MSG_UNITS_REQUIRED)
        if c.cost_type is not None and has_amount:
            c.add("payment_amount", MSG_AMOUNT_FIXED_ONLY)
    if c.cost_type is CostType.PER_UNIT and not has_prices:
        c.add("payment_prices", MSG_PRICES_REQUIRED)
    if c.cost_type is CostType.RATE and not has_rate:
        c.add("payment_rate", MSG_RATE_REQUIRED)
    if c.cost_type in (CostType.FIXED, CostType.PER_UNIT) and has_rate:
        c.add("payment_rate", MSG_RATE_RATE_ONLY)
    if c.cost_type in (CostType.FIXED, CostType.RATE) and has_prices:
        c.add("payment_prices", MSG_PRICES_PER_UNIT_ONLY)


def _check_individual_fields(c: _Checker) -> None:
    data = c.data
    given = {
        "payment_cost_type": data.payment_cost_type,
        "payment_amount": data.payment_amount,
        "payment_units": data.payment_units,
        "payment_rate": data.payment_rate,
        "payment_prices": c.prices if not c.price_errors else data.payment_prices,
    }
    for field_name, value in given.items():
        if value not in (None, ""):
            c.add(field_name, MSG_INDIVIDUAL_FORBIDDEN)


def _check_individual_payments(c: _Checker) -> None:
    if c.payment_type is not PaymentType.INDIVIDUAL:
        # Rows kept on another plan would become real payments if the type changed later.
        if c.payment_type is not None and c.data.payments:
            c.add("individual_payments", MSG_INDIVIDUAL_ONLY)
        return
    seen: set[date] = set()
    for day, _amount in c.data.payments:
        for error in validate_individual_payment(
            day, c.data.start_date, c.data.end_date, seen, field_name="payments"
        ):
            c.errors.append(error)
        seen.add(day)


def _check_recipient(c: _Checker) -> None:
    if c.recipient_type is not None and c.method is not None:
        if c.method not in ALLOWED_METHODS[c.recipient_type]:
            c.add("payment_method", MSG_METHOD_FOR_RECIPIENT)
    if c.recipient_type is RecipientType.COMPANY and c.data.recipient_id:
        if not cvr.is_valid(c.data.recipient_id):
            c.add("recipient_id", MSG_CVR)


def _check_main_period(c: _Checker) -> None:
    data = c.data
    if c.activity_type is not ActivityType.SUPPLEMENTARY:
        return
    main_start, main_end = data.main_start_date, data.main_end_date
    if c.payment_type is PaymentType.ONE_TIME and data.start_date is None:
        checks = [("payment_date", data.payment_date)]
    else:
        checks = [("start_date", data.start_date), ("end_date", data.end_date)]
    for field_name, day in checks:
        if day is None:
            continue
        if (main_start is not None and day < main_start) or (
            main_end is not None and day > main_end
        ):
            c.add(field_name, MSG_OUTSIDE_MAIN)


def _check_cash_start(c: _Checker) -> None:
    data = c.data
    if data.fictive:
        return
    if c.recipient_type is not RecipientType.PERSON or c.method is not PaymentMethod.CASH:
        return
    field_name, start = c.pay_start
    if start is None or start == data.saved_start_date:
        return
    if not cash_start_allowed(start, data.today, data.bank_extra_dates):
        message = MSG_CASH_PAYMENT_DATE if field_name == "payment_date" else MSG_CASH_START
        c.add(field_name, message)


def _check_yields_payments(c: _Checker) -> None:
    data = c.data
    if data.is_adjustment:
        return
    if c.payment_type is not PaymentType.RUNNING or c.frequency is not Frequency.MONTHLY:
        return
    if data.start_date is None or data.end_date is None or data.start_date > data.end_date:
        return
    if not c.dates_in_range:
        return  # reported by the plan bounds rule
    day = data.payment_day_of_month or 1
    if not isinstance(day, int) or not 1 <= day <= 31:
        return
    plan = PaymentPlan(
        payment_type=PaymentType.RUNNING,
        frequency=Frequency.MONTHLY,
        day_of_month=day,
        start_date=data.start_date,
        end_date=data.end_date,
    )
    if not payment_dates(plan):
        c.add("end_date", MSG_NO_PAYMENTS)


def _plan_dates(c: _Checker) -> dict[str, date]:
    data = c.data
    named = {"start_date": data.start_date, "end_date": data.end_date}
    named["payment_date"] = data.payment_date
    return {name: day for name, day in named.items() if isinstance(day, date)}


def _check_plan_bounds(c: _Checker) -> None:
    """Dates in the product's range; a plan no longer than the regelmotor allows, with no more
    payments than it allows (a hundred-year daily plan would be 36.525 payments)."""
    data = c.data
    out_of_range = False
    for name, day in _plan_dates(c).items():
        if not FIRST_PLAN_DATE <= day <= LAST_PLAN_DATE:
            first, last = _da(FIRST_PLAN_DATE), _da(LAST_PLAN_DATE)
            c.add(name, MSG_DATE_OUT_OF_RANGE.format(first=first, last=last))
            out_of_range = True
    if out_of_range:
        return
    if c.payment_type is PaymentType.INDIVIDUAL:
        if len(data.payments) > data.max_plan_payments:
            message = MSG_TOO_MANY_PAYMENTS.format(
                count=len(data.payments), most=data.max_plan_payments
            )
            c.add("individual_payments", message)
        return
    if c.payment_type is not PaymentType.RUNNING or data.start_date is None:
        return
    last_allowed = add_months(data.start_date, 12 * data.max_plan_years) - timedelta(days=1)
    if data.end_date is not None and data.end_date > last_allowed:
        c.add(
            "end_date",
            MSG_PLAN_TOO_LONG.format(years=data.max_plan_years, last=_da(last_allowed)),
        )
        return
    if c.frequency is None or data.end_date is None or data.start_date > data.end_date:
        return
    day = data.payment_day_of_month
    if c.frequency is Frequency.MONTHLY and not (isinstance(day, int) and 1 <= day <= 31):
        return  # reported by the frequency rule
    plan = PaymentPlan(
        payment_type=PaymentType.RUNNING,
        frequency=c.frequency,
        day_of_month=day if isinstance(day, int) else 1,
        start_date=data.start_date,
        end_date=data.end_date,
    )
    count = len(payment_dates(plan))
    if count > data.max_plan_payments:
        c.add("end_date", MSG_TOO_MANY_PAYMENTS.format(count=count, most=data.max_plan_payments))


_RULES = (
    _check_required,
    _check_dates,
    _check_plan_bounds,
    _check_frequency,
    _check_cost,
    _check_individual_payments,
    _check_recipient,
    _check_main_period,
    _check_cash_start,
    _check_yields_payments,
)


def validate_activity(data: ActivityInput) -> list[FieldError]:
    """All rule violations of an activity and its payment plan (empty when valid)."""
    checker = _Checker(data)
    for rule in _RULES:
        rule(checker)
    return checker.errors


# --------------------------------------------------------------------------- helpers


def cash_start_allowed(start: date, today: date, extra_dates: Iterable[date] = ()) -> bool:
    """True when a cash payment starting on ``start`` can reach the bank in time.

    The start may not be in the past, and tomorrow..start (inclusive) must hold
    at least two banking days, so the payment file can be sent and booked.
    """
    if start < today:
        return False
    calendar = BankCalendar(extra_dates)
    tomorrow = today + timedelta(days=1)
    return calendar.count_banking_days(tomorrow, start) >= CASH_LEAD_BANKING_DAYS


def validate_individual_payment(
    day: date,
    start_date: date | None,
    end_date: date | None,
    existing_dates: Iterable[date] = (),
    field_name: str = "date",
) -> list[FieldError]:
    """A hand-entered payment must lie in ``[start, end]`` and not share a date."""
    errors = []
    if (start_date is not None and day < start_date) or (end_date is not None and day > end_date):
        errors.append(FieldError(field_name, f"{MSG_PAYMENT_OUTSIDE} ({_da(day)})"))
    if day in set(existing_dates):
        errors.append(FieldError(field_name, f"{MSG_PAYMENT_SAME_DATE} ({_da(day)})"))
    return errors


def validate_mark_paid(
    status: ActivityStatus | str,
    fictive: bool,
    payment_method: PaymentMethod | str,
    paid_amount: Decimal | None,
    paid_date: date | None,
    privileged: bool = False,
    already_paid: bool = False,
) -> list[FieldError]:
    """May this payment be registered as paid, with these values? (spec 2.7)

    Only payments of granted, non-fictive activities. Ordinary users may only
    register invoice and internal payments; cash and SD payments are paid by the
    system. ``privileged`` (administrator / workflow) may register any method.
    A payment is registered once, by anyone (``already_paid``; payments.paid.mark_paid
    refuses a second registration for privileged users too).
    """
    errors = []
    if ActivityStatus(status) is not ActivityStatus.GRANTED or fictive:
        errors.append(FieldError("paid", MSG_NOT_MANUALLY_PAYABLE))
    elif not privileged:
        if PaymentMethod(payment_method) not in MANUALLY_PAYABLE_METHODS:
            errors.append(FieldError("paid", MSG_AUTOMATIC_METHOD))
        elif already_paid:
            errors.append(FieldError("paid", MSG_ALREADY_PAID))
    if paid_amount is None:
        errors.append(FieldError("paid_amount", MSG_PAID_FIELDS))
    elif paid_amount < 0:
        errors.append(FieldError("paid_amount", MSG_PAID_NEGATIVE))
    if paid_date is None:
        errors.append(FieldError("paid_date", MSG_PAID_FIELDS))
    elif not FIRST_PLAN_DATE <= paid_date <= LAST_PLAN_DATE:
        message = MSG_DATE_OUT_OF_RANGE.format(first=_da(FIRST_PLAN_DATE), last=_da(LAST_PLAN_DATE))
        errors.append(FieldError("paid_date", message))
    return errors


def validate_payment_edit(
    status: ActivityStatus | str, before: Payment, after: Payment
) -> list[FieldError]:
    """Planned date and amount of a granted activity's payment are frozen.

    A paid payment is never edited at all: its registration (paid amount, date, note, who and
    when) is written once by ``payments.paid.mark_paid``, which refuses a second registration of
    the same payment for everyone (MSG_ALREADY_PAID). There is no correction endpoint; a
    correction would be a new, journaled registration by BOS Økonomi, never an edit.
    """
    if ActivityStatus(status) is not ActivityStatus.GRANTED:
        return []
    errors = []
    if before.date != after.date:
        errors.append(FieldError("date", MSG_GRANTED_PAYMENT_CHANGE))
    if before.amount != after.amount:
        errors.append(FieldError("amount", MSG_GRANTED_PAYMENT_CHANGE))
    return errors


def plan_from_input(
    data: ActivityInput,
    rate_history: PriceHistory | None = None,
    vat_factor: Decimal = Decimal("100"),
) -> PaymentPlan:
    """The :class:`PaymentPlan` of a validated input (for preview and generation).

    ``rate_history`` is the central rate's history, resolved by the caller from
    ``payment_rate``; per-unit plans use their own ``payment_prices``.
    """
    payment_type = PaymentType(data.payment_type)
    cost_type = CostType(data.payment_cost_type) if data.payment_cost_type else None
    if cost_type is CostType.RATE:
        history = rate_history
    elif cost_type is CostType.PER_UNIT:
        prices = data.payment_prices
        history = prices if isinstance(prices, PriceHistory) else PriceHistory.from_rows(prices)
    else:
        history = None
    individual = payment_type is PaymentType.INDIVIDUAL
    return PaymentPlan(
        payment_type=payment_type,
        frequency=data.payment_frequency or None,
        day_of_month=data.payment_day_of_month or 1,
        payment_date=data.payment_date,
        cost_type=None if individual else cost_type,
        amount=data.payment_amount,
        units=data.payment_units,
        price_history=history,
        vat_factor=vat_factor,
        start_date=data.start_date,
        end_date=data.end_date,
        individual_payments=tuple(data.payments) if individual else (),
    )
