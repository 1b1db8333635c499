"""Stored yearly and monthly totals of each activity, kept on the activity and in catalog metadata,
so figures over thousands of activities are read from the catalog, never by waking objects."""

from collections import defaultdict
from decimal import Decimal

from Acquisition import aq_base
from zope.event import notify

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.engine import costs
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.payments.events import FiguresRefreshed
from os2bos_plone.payments.store import stored_payments

ZERO = Decimal("0")


def _months():
    return [ZERO] * 12


def _as_stored(by_year):
    return {year: tuple(str(amount) for amount in months) for year, months in by_year.items()}


def cost_input(activity):
    """What the cost figures read of an activity: its stored payments and status."""
    return costs.ActivityCostInput(
        uid=activity.UID(),
        status=status_of(activity),
        payment_type=PaymentType(activity.payment_type),
        modifies=activity.modifies or None,
        payments=stored_payments(activity),
    )


def appropriation_figures(appropriation):
    """Everything the stored figures hold, computed from the payments of the appropriation's
    activities: per activity {uid: (activity, yearly, monthly, total_cost, monthly_totals)} and
    the monthly expected figures of the appropriation.

    ``monthly_totals`` is what the catalog column ``bos_monthly_totals`` holds: {"YYYY-MM":
    (granted, expected)} as decimal strings (``management.monthly_totals_for``); summed over a
    year it equals the activity's yearly totals of that year."""
    activities = activities_of(appropriation)
    inputs = [cost_input(activity) for activity in activities]
    totals = costs.yearly_totals(inputs)
    monthly_totals = monthly_totals_for(inputs)
    per_activity = {}
    expected_monthly = defaultdict(_months)
    for activity, data in zip(activities, inputs, strict=True):
        monthly = defaultdict(_months)
        total = ZERO
        for payment in costs.applicable_payments(data, inputs):
            day, amount = payment.effective_date, payment.effective_amount
            monthly[day.year][day.month - 1] += amount
            total += amount
        if data.status != "draft":
            for year, months in monthly.items():
                for index, amount in enumerate(months):
                    expected_monthly[year][index] += amount
        yearly = {
            year: (str(value.granted), str(value.expected))
            for year, value in totals.get(data.uid, {}).items()
        }
        per_activity[data.uid] = (
            activity,
            yearly,
            _as_stored(monthly),
            str(total),
            monthly_totals.get(data.uid, {}),
        )
    return per_activity, _as_stored(expected_monthly)


def refresh_totals(appropriation):
    """Recompute and store the figures of every activity of the appropriation.

    Stored per activity: yearly granted/expected totals and granted/expected per month (both
    also catalog metadata: ``bos_yearly_totals``, ``bos_monthly_totals``), the monthly figures
    of its applicable payments and their total; on the appropriation: the monthly expected
    figures of its granted and expected activities. An adjustment changes what its original
    contributes, so the whole appropriation is recomputed (a handful of activities). Only what
    changed is written (and reindexed). Every change of the figures comes through here: saving,
    granting, submitting, merging an adjustment, marking a payment paid, the renewal job.
    """
    per_activity, expected_monthly = appropriation_figures(appropriation)
    for activity, yearly, monthly, total, monthly_totals in per_activity.values():
        base = aq_base(activity)
        if getattr(base, "bos_monthly", None) != monthly:
            activity.bos_monthly = monthly
        if getattr(base, "bos_total_cost", None) != total:
            activity.bos_total_cost = total
        changed = False
        if getattr(base, "bos_yearly_totals", None) != yearly:
            activity.bos_yearly_totals = yearly
            changed = True
        if getattr(base, "bos_monthly_totals", None) != monthly_totals:
            activity.bos_monthly_totals = monthly_totals
            changed = True
        if changed:
            reindex_metadata(activity)
    if getattr(aq_base(appropriation), "bos_monthly_expected", None) != expected_monthly:
        appropriation.bos_monthly_expected = expected_monthly
    notify(FiguresRefreshed(appropriation))


def reindex_metadata(obj):
    """Bring the object's catalog metadata (every column) up to date, and no index but the
    cheap ``getId``: naming only metadata columns in ``reindexObject(idxs=...)`` leaves no
    valid index, and an empty list means *all* indexes to the catalog."""
    obj.reindexObject(idxs=["getId"])


def monthly_totals_of(activity):
    """{year: [12 Decimals]}: the activity's applicable payments per month (stored)."""
    stored = getattr(aq_base(activity), "bos_monthly", None)
    if stored is None:
        appropriation = appropriation_of(activity)
        if appropriation is None:
            return {}
        per_activity, _monthly = appropriation_figures(appropriation)
        stored = per_activity.get(activity.UID(), (None, {}, {}, "0", {}))[2]
    return {int(year): [Decimal(a) for a in months] for year, months in stored.items()}


def total_cost_of(activity):
    """The sum of the activity's applicable payments over all years (stored)."""
    stored = getattr(aq_base(activity), "bos_total_cost", None)
    if stored is None:
        appropriation = appropriation_of(activity)
        if appropriation is None:
            return ZERO
        per_activity, _monthly = appropriation_figures(appropriation)
        stored = per_activity.get(activity.UID(), (None, {}, {}, "0", {}))[3]
    return Decimal(stored)


def appropriation_monthly_of(appropriation):
    """{year: [12 Decimals]}: expected figures per month of the appropriation (stored)."""
    stored = getattr(aq_base(appropriation), "bos_monthly_expected", None)
    if stored is None:
        stored = appropriation_figures(appropriation)[1]
    return {int(year): [Decimal(a) for a in months] for year, months in stored.items()}


def yearly_totals_of(activity):
    """{year: (granted, expected)} as Decimals, from the stored sums."""
    stored = getattr(aq_base(activity), "bos_yearly_totals", None) or {}
    return {int(year): (Decimal(g), Decimal(e)) for year, (g, e) in stored.items()}


def sum_totals(brains, year):
    """Granted and expected in a year over catalog brains of activities (no object is woken)."""
    granted = expected = Decimal("0")
    for brain in brains:
        values = (brain.bos_yearly_totals or {}).get(year)
        if values:
            granted += Decimal(values[0])
            expected += Decimal(values[1])
    return granted, expected


MONTHLY_COLUMN = "bos_monthly_totals"


def month_key(day):
    return f"{day.year:04d}-{day.month:02d}"


def monthly_totals_for(cost_inputs):
    """Per activity uid the granted and expected amounts per month: ``{uid: {"YYYY-MM": (granted,
    expected)}}`` with decimal strings, months without payments left out.

    ``cost_inputs`` are the ``engine.costs.ActivityCostInput`` of ALL activities of one
    appropriation (``[cost_input(a) for a in activities_of(appr)]``), as
    for ``costs.yearly_totals``: granted counts every payment of a granted activity, expected
    the applicable payments of granted and expected activities, a draft counts in neither, and a
    payment counts with its paid amount in the month of its paid date when known. Summed over a
    year the figures equal the activity's ``bos_yearly_totals`` for that year.
    """
    inputs = list(cost_inputs)
    result = {}
    for activity in inputs:
        months = defaultdict(lambda: [ZERO, ZERO])
        if activity.status is costs.ActivityStatus.GRANTED:
            for payment in activity.payments:
                months[month_key(payment.effective_date)][0] += payment.effective_amount
        if activity.status is not costs.ActivityStatus.DRAFT:
            for payment in costs.applicable_payments(activity, inputs):
                months[month_key(payment.effective_date)][1] += payment.effective_amount
        result[activity.uid] = {
            month: (str(granted), str(expected))
            for month, (granted, expected) in sorted(months.items())
            if granted or expected
        }
    return result
