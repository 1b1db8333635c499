"""Cost arithmetic: granted vs expected amounts, totals, monthly and yearly figures.

Terms (spec 2.4):

* An EXPECTED adjustment (forventet justering) ``modifies`` a granted
  activity and will replace it. Adjustments can be chained.
* The *applicable* payments of an activity are what it is expected to cost.
  For a granted activity with a chain of modifiers, only its payments dated
  before the earliest payment anywhere in that chain apply (the adjustment
  takes over from there, even after the adjustment's own end); a granted
  one-time activity with a modifier has none. Otherwise all own payments apply.
* *Granted* totals count every payment of GRANTED activities (what has been
  approved, including what an adjustment would replace). *Expected* totals
  count the applicable payments of GRANTED and EXPECTED activities. Drafts
  count in neither.
* A payment counts with its paid amount when known, else its planned amount,
  in the year/month of its paid date when known, else its planned date.

Yearly totals per activity are meant to be stored on the activity and
catalogued, so overviews sum numbers instead of loading payments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from os2bos_plone.engine.payments import ZERO
from os2bos_plone.engine.payments import Frequency
from os2bos_plone.engine.payments import Payment
from os2bos_plone.engine.payments import PaymentPlan
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.payments import add_months
from os2bos_plone.engine.payments import generate_payments
from os2bos_plone.engine.payments import horizon_end
from os2bos_plone.engine.payments import per_payment_amount


class ActivityStatus(StrEnum):
    DRAFT = "draft"
    EXPECTED = "expected"
    GRANTED = "granted"


@dataclass
class ActivityCostInput:
    """The little an activity needs to contribute to cost figures."""

    uid: str
    status: ActivityStatus
    payment_type: PaymentType
    modifies: str | None = None
    payments: Sequence[Payment] = field(default_factory=list)

    def __post_init__(self):
        self.status = ActivityStatus(self.status)
        self.payment_type = PaymentType(self.payment_type)


class YearTotals(NamedTuple):
    granted: Decimal
    expected: Decimal


# --------------------------------------------------------------------------- applicability


class _Index:
    """Activities by uid plus the reverse ``modifies`` links, built once per call."""

    def __init__(self, activities: Iterable[ActivityCostInput]):
        self.by_uid: dict[str, ActivityCostInput] = {}
        self.modified_by: dict[str, list[ActivityCostInput]] = defaultdict(list)
        for activity in activities:
            self.by_uid[activity.uid] = activity
        for activity in self.by_uid.values():
            if activity.modifies is not None:
                self.modified_by[activity.modifies].append(activity)

    def modifier_chain(self, activity: ActivityCostInput) -> list[ActivityCostInput]:
        """Every activity that (transitively) modifies ``activity``."""
        chain: list[ActivityCostInput] = []
        seen = {activity.uid}
        pending = list(self.modified_by.get(activity.uid, ()))
        while pending:
            modifier = pending.pop()
            if modifier.uid in seen:  # defensive: a cycle in bad data
                continue
            seen.add(modifier.uid)
            chain.append(modifier)
            pending.extend(self.modified_by.get(modifier.uid, ()))
        return chain

    def applicable(self, activity: ActivityCostInput) -> list[Payment]:
        if activity.status is not ActivityStatus.GRANTED:
            return list(activity.payments)
        chain = self.modifier_chain(activity)
        if not chain:
            return list(activity.payments)
        if activity.payment_type is PaymentType.ONE_TIME:
            return []
        chain_dates = [payment.date for modifier in chain for payment in modifier.payments]
        if not chain_dates:
            return list(activity.payments)
        cutoff = min(chain_dates)
        return [payment for payment in activity.payments if payment.date < cutoff]


def applicable_payments(
    activity: ActivityCostInput, activities: Iterable[ActivityCostInput] = ()
) -> list[Payment]:
    """The payments that make up ``activity``'s expected cost.

    ``activities`` are the other activities of the appropriation (the modifier
    chain is looked up among them); ``activity`` itself may be among them.
    """
    index = _Index([*activities, activity])
    return index.applicable(activity)


def _sum(payments: Iterable[Payment]) -> Decimal:
    return sum((payment.effective_amount for payment in payments), ZERO)


def _in_year(payments: Iterable[Payment], year: int) -> list[Payment]:
    return [payment for payment in payments if payment.effective_date.year == year]


def total_cost(
    activity: ActivityCostInput, activities: Iterable[ActivityCostInput] = ()
) -> Decimal:
    """The sum of ``activity``'s applicable payments, whatever its status."""
    return _sum(applicable_payments(activity, activities))


def granted_in_year(activities: Iterable[ActivityCostInput], year: int) -> Decimal:
    """All payments of GRANTED activities in ``year`` (replaced ones included)."""
    return sum(
        (
            _sum(_in_year(activity.payments, year))
            for activity in activities
            if activity.status is ActivityStatus.GRANTED
        ),
        ZERO,
    )


def expected_in_year(activities: Iterable[ActivityCostInput], year: int) -> Decimal:
    """Applicable payments of GRANTED and EXPECTED activities in ``year``."""
    index = _Index(activities)
    return sum(
        (
            _sum(_in_year(index.applicable(activity), year))
            for activity in index.by_uid.values()
            if activity.status is not ActivityStatus.DRAFT
        ),
        ZERO,
    )


def monthly(payments: Iterable[Payment], year: int) -> list[tuple[str, Decimal]]:
    """``("YYYY-MM", amount)`` for all 12 months of ``year`` (months without payments are 0)."""
    months = [ZERO] * 12
    for payment in payments:
        day = payment.effective_date
        if day.year == year:
            months[day.month - 1] += payment.effective_amount
    return [(f"{year:04d}-{month:02d}", amount) for month, amount in enumerate(months, start=1)]


def yearly_totals(
    activities: Iterable[ActivityCostInput],
) -> dict[str, dict[int, YearTotals]]:
    """Per activity uid: ``{year: (granted, expected)}`` for every year with a payment.

    One pass over the payments. A draft has zeros (it counts in neither total),
    so an appropriation's figures are the plain sum of its activities' figures
    (see :func:`sum_yearly_totals`). Years missing from a dict are zero.
    """
    index = _Index(activities)
    result: dict[str, dict[int, YearTotals]] = {}
    for activity in index.by_uid.values():
        granted: dict[int, Decimal] = defaultdict(lambda: ZERO)
        expected: dict[int, Decimal] = defaultdict(lambda: ZERO)
        if activity.status is ActivityStatus.GRANTED:
            for payment in activity.payments:
                granted[payment.effective_date.year] += payment.effective_amount
        if activity.status is not ActivityStatus.DRAFT:
            for payment in index.applicable(activity):
                expected[payment.effective_date.year] += payment.effective_amount
        result[activity.uid] = {
            year: YearTotals(granted.get(year, ZERO), expected.get(year, ZERO))
            for year in sorted(granted.keys() | expected.keys())
        }
    return result


def sum_yearly_totals(totals: Iterable[dict[int, YearTotals]]) -> dict[int, YearTotals]:
    """Add several activities' yearly totals (e.g. for an appropriation)."""
    granted: dict[int, Decimal] = defaultdict(lambda: ZERO)
    expected: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for per_year in totals:
        for year, (year_granted, year_expected) in per_year.items():
            granted[year] += year_granted
            expected[year] += year_expected
    return {year: YearTotals(granted[year], expected[year]) for year in sorted(granted)}


# --------------------------------------------------------------------------- plan figures


def _reference_date(plan: PaymentPlan, today: date) -> date:
    """Today, or the start when the plan has not begun yet."""
    if plan.start_date is not None and plan.start_date > today:
        return plan.start_date
    return today


def occurrences_in_year(plan: PaymentPlan, year: int) -> int:
    """How often a running plan's rhythm pays in a whole calendar ``year``.

    Daily 365/366; weekly 52 or 53 and biweekly 26 or 27, depending on where
    the plan's weekday rhythm falls in that year; monthly 12. The plan's own
    start and end are ignored: this is the yearly figure "if it ran all year".
    """
    if plan.frequency is Frequency.MONTHLY:
        return 12
    first, last = date(year, 1, 1), date(year, 12, 31)
    if plan.frequency is Frequency.DAILY:
        return (last - first).days + 1
    step = 14 if plan.frequency is Frequency.BIWEEKLY else 7
    anchor = plan.start_date or first
    offset = (anchor - first).days % step
    return ((last - first).days - offset) // step + 1


def peak_twelve_months(payments: Iterable[Payment]) -> Decimal:
    """The most expensive twelve consecutive months of ``payments``: the largest sum of the
    payments dated from any payment's date up to (not including) the same day a year later.
    Payments spanning less than a year: their total. No payments: 0.

    This, not "the price today times a year", is what a measure costs a year: a plan priced low
    for its first weeks and high after would otherwise be valued at the low price.
    """
    ordered = sorted((p.effective_date, p.effective_amount) for p in payments)
    best = window = ZERO
    first = 0
    first_year_end = add_months(ordered[0][0], 12) if ordered else None
    for day, amount in ordered:
        window += amount
        # Drop payments a year or more before this one, so the window spans [start, day].
        while first_year_end <= day:
            window -= ordered[first][1]
            first += 1
            first_year_end = add_months(ordered[first][0], 12)
        if window > best:
            best = window
    return best


def measure_horizon(plan: PaymentPlan, today: date) -> date:
    """How far to plan a measure to value it: its end, or (open-ended) at least a full year
    from its start and never less than the usual generation horizon."""
    if plan.end_date is not None:
        return plan.end_date
    start = plan.start_date or today
    return max(horizon_end(plan, today), add_months(start, 12) - timedelta(days=1))


def measure_payments(plan: PaymentPlan, today: date) -> list[Payment]:
    """The payments a plan makes, planned far enough to value a year of it."""
    if plan.payment_type is not PaymentType.INDIVIDUAL and plan.end_date is None:
        plan = plan.replace(end_date=measure_horizon(plan, today))
    return generate_payments(plan, today)


def annual_cost(plan: PaymentPlan, today: date, planned: list[Payment] | None = None) -> Decimal:
    """The measure's annual cost: its most expensive twelve months as planned (prices, central
    rates and VAT factor on each payment's date); a plan shorter than a year costs its total.

    ``planned``: the plan's payments from ``generate_payments(plan, today)`` when the caller has
    them; they are the measure's own when the plan has an end (or is individual)."""
    if planned is None or (plan.payment_type is not PaymentType.INDIVIDUAL and not plan.end_date):
        planned = measure_payments(plan, today)
    return peak_twelve_months(planned)


def cost_preview(plan: PaymentPlan, today: date) -> dict:
    """Instant figures for an unsaved decision, shown while the form is edited.

    Keys: per_payment_amount (None for individual plans), payments_count,
    first_payment, last_payment, this_year, next_year, total_cost, annual_cost.
    """
    payments = generate_payments(plan, today)
    this_year = next_year = ZERO
    for payment in payments:
        if payment.date.year == today.year:
            this_year += payment.amount
        elif payment.date.year == today.year + 1:
            next_year += payment.amount
    if plan.payment_type is PaymentType.INDIVIDUAL:
        per_payment = None
    elif plan.payment_type is PaymentType.ONE_TIME:
        per_payment = per_payment_amount(plan, plan.payment_date or today)
    else:
        per_payment = per_payment_amount(plan, _reference_date(plan, today))
    return {
        "per_payment_amount": per_payment,
        "payments_count": len(payments),
        "first_payment": payments[0].date if payments else None,
        "last_payment": payments[-1].date if payments else None,
        "this_year": this_year,
        "next_year": next_year,
        "total_cost": _sum(payments),
        "annual_cost": annual_cost(plan, today, planned=payments),
    }
