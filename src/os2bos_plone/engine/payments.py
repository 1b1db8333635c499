"""Payment plans (betalingsplaner) and the payments they generate.

A plan describes when and how much to pay; payments are the concrete dated
amounts that get stored, exported and marked paid. The functions here are pure:
they never mutate their inputs and never read the clock (``today`` is passed in).

Rules in brief:

* one-time: one payment on ``payment_date``;
* daily: every calendar day, weekends included (payments are not moved to
  banking days; the export handles that);
* weekly / biweekly: every 7 / 14 days counted from the start date;
* monthly: on ``day_of_month``, clamped to the last day of shorter months
  (31 -> 30 April, 28/29 February), each month on its own;
* individual: the hand-entered payments;
* an open end generates up to 31 December of next year; a nightly job renews;
* each payment is priced on its own date (rates change over time), then the
  VAT factor is applied and the result rounded to øre.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

from os2bos_plone.engine.money import parse_danish
from os2bos_plone.engine.money import round_ore
from os2bos_plone.engine.prices import PriceHistory

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

#: Open-ended plans are renewed when their newest payment is closer than this.
RENEWAL_MONTHS = 6


class PaymentType(StrEnum):
    ONE_TIME = "one_time"
    RUNNING = "running"
    INDIVIDUAL = "individual"


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class CostType(StrEnum):
    FIXED = "fixed"
    PER_UNIT = "per_unit"
    RATE = "rate"


class RecipientType(StrEnum):
    PERSON = "person"
    COMPANY = "company"
    INTERNAL = "internal"


class PaymentMethod(StrEnum):
    CASH = "cash"
    SD = "sd"
    INVOICE = "invoice"
    INTERNAL = "internal"


def last_day_of_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(day.day, last_day_of_month(year, month)))


def end_of_next_year(today: date) -> date:
    """31 December of the year after ``today``: the generation horizon for open ends."""
    return date(today.year + 1, 12, 31)


def _optional_decimal(value: object) -> Decimal | None:
    # Text here comes from forms and tests (Danish); REST text is read to Decimal at its boundary.
    if value is None or value == "":
        return None
    return parse_danish(value)


@dataclass(frozen=True)
class PaymentPlan:
    """What an activity pays, to whom it is irrelevant here: dates and amounts only.

    ``end_date`` None means open-ended. ``vat_factor`` is the percentage of the
    price actually paid (the service provider's momsfaktor), 100 by default.
    String values for the enums and amounts are accepted and converted, so a
    form or catalog record can be passed straight in.
    """

    payment_type: PaymentType
    frequency: Frequency | None = None
    day_of_month: int = 1
    payment_date: date | None = None
    cost_type: CostType | None = CostType.FIXED
    amount: Decimal | None = None
    units: Decimal | None = None
    price_history: PriceHistory | None = None
    vat_factor: Decimal = HUNDRED
    start_date: date | None = None
    end_date: date | None = None
    individual_payments: Sequence[tuple[date, Decimal]] = ()

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "payment_type", PaymentType(self.payment_type))
        if self.frequency is not None:
            set_(self, "frequency", Frequency(self.frequency))
        if self.cost_type is not None:
            set_(self, "cost_type", CostType(self.cost_type))
        set_(self, "amount", _optional_decimal(self.amount))
        set_(self, "units", _optional_decimal(self.units))
        vat = _optional_decimal(self.vat_factor)
        set_(self, "vat_factor", HUNDRED if vat is None else vat)
        set_(self, "day_of_month", int(self.day_of_month or 1))
        set_(
            self,
            "individual_payments",
            tuple((day, parse_danish(amount)) for day, amount in self.individual_payments),
        )

    @property
    def is_open_ended(self) -> bool:
        return self.end_date is None

    def replace(self, **changes) -> PaymentPlan:
        """A copy with some fields changed (e.g. a new end date)."""
        return dataclasses.replace(self, **changes)


@dataclass
class Payment:
    """One planned payment; mutable, because this is what gets persisted and marked paid.

    ``payment_id`` identifies the stored payment; the engine only carries it. The saved account
    string and alias are frozen when the payment is paid (spec 1.8; None: not frozen, the
    activity's live values apply). Payments pickled before these fields existed read the
    class defaults.
    """

    date: date
    amount: Decimal
    paid: bool = False
    paid_amount: Decimal | None = None
    paid_date: date | None = None
    note: str = ""
    payment_id: str = ""
    saved_account_string: str | None = None
    saved_account_alias: str | None = None

    @property
    def settled(self) -> bool:
        """True once any paid information is recorded; such a payment is never changed."""
        return self.paid or self.paid_amount is not None or self.paid_date is not None

    @property
    def effective_amount(self) -> Decimal:
        """The paid amount when known, else the planned amount."""
        return self.amount if self.paid_amount is None else self.paid_amount

    @property
    def effective_date(self) -> date:
        """The paid date when known, else the planned date (decides year and month)."""
        return self.date if self.paid_date is None else self.paid_date


# --------------------------------------------------------------------------- dates


def _recurrence(plan: PaymentPlan, first: date, last: date) -> list[date]:
    """Occurrences of a running plan's recurrence within ``[first, last]``.

    The recurrence is anchored at the plan's start date, so extending a plan
    later continues the same rhythm.
    """
    start = plan.start_date
    if start is None or plan.frequency is None:
        return []
    first = max(first, start)
    if last < first:
        return []
    if plan.frequency is Frequency.MONTHLY:
        return _monthly(plan.day_of_month, first, last)
    step = {Frequency.DAILY: 1, Frequency.WEEKLY: 7, Frequency.BIWEEKLY: 14}[plan.frequency]
    skipped = -(-(first - start).days // step)  # ceiling division
    day = start + timedelta(days=skipped * step)
    count = (last - day).days // step + 1
    if count <= 0:
        return []
    delta = timedelta(days=step)
    dates = [day]
    for _ in range(count - 1):
        day += delta
        dates.append(day)
    return dates


def _monthly(day_of_month: int, first: date, last: date) -> list[date]:
    dates = []
    year, month = first.year, first.month
    while True:
        day = date(year, month, min(day_of_month, last_day_of_month(year, month)))
        if day > last:
            return dates
        if day >= first:
            dates.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def payment_dates(plan: PaymentPlan, until: date | None = None) -> list[date]:
    """The payment dates of ``plan``, in order.

    Running plans stop at the end date, or at ``until`` when that is earlier or
    the plan is open-ended. One-time and individual plans ignore ``until``.
    """
    if plan.payment_type is PaymentType.ONE_TIME:
        return [] if plan.payment_date is None else [plan.payment_date]
    if plan.payment_type is PaymentType.INDIVIDUAL:
        return sorted(day for day, _amount in plan.individual_payments)
    if plan.start_date is None:
        return []
    if plan.end_date is None and until is None:
        raise ValueError("an open-ended plan needs an 'until' date")
    last = plan.end_date if until is None else min(plan.end_date or until, until)
    return _recurrence(plan, plan.start_date, last)


def horizon_end(plan: PaymentPlan, today: date) -> date:
    """The last date to generate for: the end date, or 31 Dec next year when open."""
    return plan.end_date if plan.end_date is not None else end_of_next_year(today)


# --------------------------------------------------------------------------- amounts


def per_payment_amount(plan: PaymentPlan, on_date: date) -> Decimal:
    """The amount of one payment of ``plan`` dated ``on_date``, VAT factor applied, in øre.

    Fixed: the amount. Per unit / rate: units times the price valid on that
    date. Missing inputs count as 0 so an incomplete draft still previews.
    Individual plans have no single per-payment amount (``ValueError``).
    """
    if plan.payment_type is PaymentType.INDIVIDUAL:
        raise ValueError("individual plans have no per-payment amount")
    if plan.cost_type in (CostType.PER_UNIT, CostType.RATE):
        price = plan.price_history.amount_on(on_date) if plan.price_history else ZERO
        base = (plan.units or ZERO) * price
    else:
        base = plan.amount or ZERO
    return round_ore(base * plan.vat_factor / HUNDRED)


def _pricer(plan: PaymentPlan):
    """A per-date price function; a fixed plan is priced once, not per payment."""
    if plan.cost_type in (CostType.PER_UNIT, CostType.RATE) and plan.price_history:
        cache: dict[Decimal, Decimal] = {}

        def price(day: date) -> Decimal:
            unit_price = plan.price_history.amount_on(day)
            result = cache.get(unit_price)
            if result is None:
                result = round_ore((plan.units or ZERO) * unit_price * plan.vat_factor / HUNDRED)
                cache[unit_price] = result
            return result

        return price
    constant = per_payment_amount(plan, date.min)
    return lambda day: constant


def _new_payments(plan: PaymentPlan, dates: Iterable[date]) -> list[Payment]:
    price = _pricer(plan)
    return [Payment(day, price(day)) for day in dates]


# --------------------------------------------------------------------------- generation


def generate_payments(plan: PaymentPlan, today: date) -> list[Payment]:
    """All payments of a draft or expected plan (full regeneration)."""
    if plan.payment_type is PaymentType.INDIVIDUAL:
        return sorted(
            (Payment(day, round_ore(amount)) for day, amount in plan.individual_payments),
            key=lambda payment: payment.date,
        )
    return _new_payments(plan, payment_dates(plan, horizon_end(plan, today)))


def _by_date(payments: Iterable[Payment]) -> list[Payment]:
    return sorted(payments, key=lambda payment: payment.date)


def _reprice(payment: Payment, price) -> Payment:
    if payment.settled:
        return payment
    amount = price(payment.date)
    return payment if amount == payment.amount else dataclasses.replace(payment, amount=amount)


def synchronize_granted(
    existing: Sequence[Payment], plan: PaymentPlan, today: date
) -> list[Payment]:
    """Bring a granted activity's payments in line with a changed end date, rate or price.

    * Unpaid payments after a new end date are removed.
    * Payments are added after the newest unpaid one (the newest one when all
      are paid), following the plan's rhythm, up to the end date (or the
      open-end horizon); dates that already have a payment are skipped.
    * Unpaid payments are repriced at their own date.
    * A settled (paid) payment is never removed or changed, even after a new
      end date: money that has left must stay visible.

    Individual plans are returned unchanged; one-time plans are only repriced.
    Inputs are not mutated: unchanged payments are returned as the same
    objects, changed ones as copies (with payment_id and note kept).
    """
    if plan.payment_type is PaymentType.INDIVIDUAL:
        return _by_date(existing)
    price = _pricer(plan)
    if plan.payment_type is PaymentType.ONE_TIME:
        return _by_date(_reprice(payment, price) for payment in existing)
    if not existing:
        return generate_payments(plan, today)

    last = horizon_end(plan, today)
    kept = [
        _reprice(payment, price) for payment in existing if payment.settled or payment.date <= last
    ]
    # Extend after the newest unpaid payment (or the newest one if all are
    # paid): a payment paid in advance, or kept beyond an earlier shorter end,
    # must not hide the dates before it. Dates already taken are skipped.
    if not kept:
        # An end before the first payment keeps nothing: the plan as it now reads (no 500).
        return generate_payments(plan, today)
    unpaid = [payment.date for payment in kept if not payment.settled]
    newest = max(unpaid or [payment.date for payment in kept])
    first = newest + timedelta(days=1)
    taken = {payment.date for payment in kept}
    new_dates = [day for day in _recurrence(plan, first, last) if day not in taken]
    return _by_date(kept + _new_payments(plan, new_dates))


def renew_open_ended(existing: Sequence[Payment], plan: PaymentPlan, today: date) -> list[Payment]:
    """The nightly renewal: extend an open-ended running plan to 31 Dec next year.

    Only done when the newest payment is less than six months after ``today``,
    so the job does not touch every plan every night. Existing payments are
    left as they are (no repricing).
    """
    if plan.payment_type is not PaymentType.RUNNING or plan.end_date is not None:
        return _by_date(existing)
    if not existing:
        return generate_payments(plan, today)
    newest = max(payment.date for payment in existing)
    if newest >= add_months(today, RENEWAL_MONTHS):
        return _by_date(existing)
    added = _new_payments(
        plan, _recurrence(plan, newest + timedelta(days=1), end_of_next_year(today))
    )
    return _by_date(list(existing) + added)


@dataclass
class PaymentChanges:
    """What a regeneration changed, keyed by date (a plan has one payment per date)."""

    added: list[Payment] = field(default_factory=list)
    removed: list[Payment] = field(default_factory=list)
    changed: list[tuple[Payment, Payment]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff_payments(old: Iterable[Payment], new: Iterable[Payment]) -> PaymentChanges:
    """Compare two payment lists by date, so storage only touches what changed."""
    old_by_date = {payment.date: payment for payment in old}
    new_by_date = {payment.date: payment for payment in new}
    changes = PaymentChanges()
    for day in sorted(old_by_date.keys() | new_by_date.keys()):
        before, after = old_by_date.get(day), new_by_date.get(day)
        if before is None:
            changes.added.append(after)
        elif after is None:
            changes.removed.append(before)
        elif before != after:
            changes.changed.append((before, after))
    return changes
