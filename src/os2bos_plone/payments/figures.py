"""Cost figures as JSON-ready dicts: payments, yearly/monthly costs and the instant preview.

The REST services (@bos-payments, @bos-costs, @bos-cost-preview; docs/api.md) are thin wrappers
around these functions, and the benchmark calls them directly. Money is a string with exactly two
decimals ("500.00"), dates are "YYYY-MM-DD".

Nothing here writes: figures come from what ``activities.refresh_totals`` stores on every change
(yearly totals in catalog metadata, monthly figures on the activity and the appropriation), so
costs of a case or an appropriation never load payments, and a case's costs wake only its
appropriations.
"""

from decimal import Decimal

from Acquisition import aq_base
from plone import api

from os2bos_plone import logger
from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.adapters.plans import plan_of
from os2bos_plone.engine import clock
from os2bos_plone.engine import costs as engine_costs
from os2bos_plone.engine import payments as engine_payments
from os2bos_plone.engine.money import format_machine
from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.money import format_number
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.accounts import payment_account
from os2bos_plone.payments.paid import paid_registrations
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import appropriation_monthly_of
from os2bos_plone.payments.totals import monthly_totals_of
from os2bos_plone.payments.totals import sum_totals
from os2bos_plone.payments.totals import total_cost_of
from os2bos_plone.payments.totals import yearly_totals_of
from os2bos_plone.validation.activity import InvalidFields
from os2bos_plone.validation.activity import field_errors
from os2bos_plone.validation.activity import fields_from_json

ZERO = Decimal("0")


def iso(day):
    return day.isoformat() if day is not None else None


# -- payments ---------------------------------------------------------------------------------


def payment_item(payment, registration=None, live=None):
    """One stored payment as the REST contract shows it; with the activity's live accounting
    (``live``, payments.accounts.activity_account) also its account string and alias (the
    frozen ones once paid)."""
    item = {
        "payment_id": payment.payment_id or "",
        "date": iso(payment.date),
        "amount": format_machine(payment.amount),
        "paid": bool(payment.paid),
        "paid_amount": format_machine(payment.paid_amount),
        "paid_date": iso(payment.paid_date),
        "note": payment.note or "",
    }
    if live is not None:
        item["account_string"], item["account_alias"] = payment_account(payment, live)
    if registration is not None:
        item["paid_by"] = registration.get("user")
        item["paid_registered"] = registration.get("time")
    return item


def payments_for(activity, year=None):
    """The activity's payments ordered by date, optionally only those planned in ``year``."""
    year = int(year) if year is not None else None
    registrations = paid_registrations(activity)
    live = activity_account(activity)
    return [
        payment_item(payment, registrations.get(payment.date), live)
        for payment in stored_payments(activity)
        if year is None or payment.date.year == year
    ]


# -- costs -------------------------------------------------------------------------------------


def _monthly_items(year, amounts):
    amounts = list(amounts or ()) or [ZERO] * 12
    return [
        {"month": f"{year:04d}-{month:02d}", "amount": format_machine(Decimal(amount))}
        for month, amount in enumerate(amounts, start=1)
    ]


def _activity_brains(**query):
    catalog = api.portal.get_tool("portal_catalog")
    return catalog.unrestrictedSearchResults(portal_type=ACTIVITY_TYPE, **query)


def _expected_overall(brains):
    """The expected cost over all years: the sum of the stored yearly expected totals."""
    total = ZERO
    for brain in brains:
        for _granted, expected in (brain.bos_yearly_totals or {}).values():
            total += Decimal(expected)
    return total


def _activity_costs(activity, year):
    granted, expected = yearly_totals_of(activity).get(year, (ZERO, ZERO))
    monthly = monthly_totals_of(activity).get(year)
    return {
        "year": year,
        "total_cost": format_machine(total_cost_of(activity)),
        "granted": format_machine(granted),
        "expected": format_machine(expected),
        "monthly": _monthly_items(year, monthly),
    }


def _sum_monthly(rows):
    months = [ZERO] * 12
    for row in rows:
        for index, amount in enumerate(row or ()):
            months[index] += Decimal(amount)
    return months


def _aggregate_costs(brains, appropriations, year):
    granted, expected = sum_totals(brains, year)
    monthly = _sum_monthly(
        appropriation_monthly_of(appropriation).get(year) for appropriation in appropriations
    )
    return {
        "year": year,
        "total_cost": format_machine(_expected_overall(brains)),
        "granted": format_machine(granted),
        "expected": format_machine(expected),
        "monthly": _monthly_items(year, monthly),
    }


def costs_for(obj, year):
    """The @bos-costs payload of an activity, an appropriation or a case for ``year``.

    ``granted``/``expected`` are the year's totals (spec 2.4); ``monthly`` the expected view per
    month of that year (applicable payments; for a single activity its own applicable payments,
    whatever its status, so a draft shows what it would cost); ``total_cost`` is, for an
    activity, the sum of its applicable payments over all years, and for an appropriation or a
    case the expected cost over all years (granted and expected activities).
    """
    year = int(year)
    portal_type = getattr(aq_base(obj), "portal_type", None)
    if portal_type == ACTIVITY_TYPE:
        return _activity_costs(obj, year)
    if portal_type == APPROPRIATION_TYPE:
        brains = _activity_brains(bos_appropriation_uid=obj.UID())
        return _aggregate_costs(brains, [obj], year)
    if portal_type == CASE_TYPE:
        brains = _activity_brains(bos_case_uid=obj.UID())
        catalog = api.portal.get_tool("portal_catalog")
        appropriations = [
            brain._unrestrictedGetObject()
            for brain in catalog.unrestrictedSearchResults(
                portal_type=APPROPRIATION_TYPE, bos_case_uid=obj.UID()
            )
        ]
        return _aggregate_costs(brains, appropriations, year)
    raise TypeError(f"no costs for {portal_type!r}")


# -- preview -----------------------------------------------------------------------------------


def vat_figures(plan, today):
    """The VAT factor when it changes the typed amount: ``{"factor": "97.00", "text": "6.500,00
    kr. × 97 % = 6.305,00 kr."}`` (the typed amount, or units times the price, on the date the
    preview prices a payment); None with a factor of 100 %."""
    factor = plan.vat_factor
    if factor is None or factor == engine_payments.HUNDRED:
        return None
    percent = format_number(factor, 0 if factor == factor.to_integral_value() else 2)
    if plan.payment_type is engine_payments.PaymentType.INDIVIDUAL:
        text = f"De indtastede beløb × {percent} %"
    else:
        if plan.payment_type is engine_payments.PaymentType.ONE_TIME:
            on = plan.payment_date or today
        else:
            on = plan.start_date if plan.start_date and plan.start_date > today else today
        typed = engine_payments.per_payment_amount(
            plan.replace(vat_factor=engine_payments.HUNDRED), on
        )
        priced = engine_payments.per_payment_amount(plan, on)
        text = f"{format_money(typed)} × {percent} % = {format_money(priced)}"
    return {"factor": format_machine(factor), "text": text}


def cost_preview(appropriation, fields, today=None, level=None):
    """The @bos-cost-preview payload: the price of an unsaved activity under ``appropriation``.

    ``fields`` are REST activity fields (strings as sent in JSON). They are validated like a
    save; ``activities.InvalidFields`` (with field errors) is raised on bad input. Nothing is
    written and no object is created. ``vat`` names the provider's VAT factor when it changes
    the typed amount (:func:`vat_figures`). ``level(appropriation, data, plan, today)``, given by
    the service (the approval rules live in a layer above), adds the approval level's keys.
    """
    today = today or clock.today()
    data = fields_from_json(fields)
    # A preview may price changes to an existing activity, so the one-main-activity and
    # adjustment rules of a save do not apply; the plan and the regelmotor's limits do.
    errors = field_errors(data, appropriation, today, structure=False)
    if errors:
        raise InvalidFields(errors)
    plan = plan_of(data, appropriation)
    preview = engine_costs.cost_preview(plan, today)
    return {
        "per_payment_amount": format_machine(preview["per_payment_amount"]),
        "payments_count": preview["payments_count"],
        "first_payment": iso(preview["first_payment"]),
        "last_payment": iso(preview["last_payment"]),
        "this_year": format_machine(preview["this_year"]),
        "next_year": format_machine(preview["next_year"]),
        "total_cost": format_machine(preview["total_cost"]),
        "annual_cost": format_machine(preview["annual_cost"]),
        "vat": vat_figures(plan, today),
        **(level(appropriation, data, plan, today) if level is not None else {}),
    }


__all__ = ["cost_preview", "costs_for", "payments_for"]


def _status(obj):
    return api.content.get_state(obj, default=None)


def activity_figures(activity, today=None):
    """{per_payment, this_year, total, annual} of an activity from its plan and stored payments
    (per_payment None for an individual plan)."""
    today = today or clock.today()
    per_payment = annual = None
    try:
        plan = plan_of(activity, activity)
        annual = engine_costs.annual_cost(plan, today)
        if activity.payment_type == "one_time":
            per_payment = engine_payments.per_payment_amount(plan, plan.payment_date or today)
        elif activity.payment_type != "individual":
            start = plan.start_date
            reference = start if start is not None and start > today else today
            per_payment = engine_payments.per_payment_amount(plan, reference)
    except Exception:  # noqa: BLE001 - an incomplete plan has no figures, the entry still goes
        logger.debug("no plan figures for %s", activity.absolute_url(), exc_info=True)
    this_year = sum(
        (
            payment.effective_amount
            for payment in stored_payments(activity)
            if payment.effective_date.year == today.year
        ),
        Decimal("0"),
    )
    return {
        "per_payment": format_machine(per_payment),
        "this_year": format_machine(this_year),
        "total": format_machine(total_cost_of(activity)),
        "annual": format_machine(annual),
    }
