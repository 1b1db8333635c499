"""The one place that turns an activity (stored, being edited, or REST fields) into engine input.

``activity_input`` gathers the fields, the main activity's period and the regelmotor's bank
calendar; ``plan_of`` adds rates and the provider's VAT factor and asks the engine for the plan.
The cost figures' input, read from the stored payments, is ``payments.totals.cost_input``."""

from dataclasses import replace
from decimal import Decimal

from Acquisition import aq_base
from plone.uuid.interfaces import IUUID
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import main_activity_of
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.classification.reader import plan_limits
from os2bos_plone.engine import clock
from os2bos_plone.engine.activity_rules import ACTIVITY_FIELDS
from os2bos_plone.engine.activity_rules import comparable
from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.validation import ActivityInput
from os2bos_plone.engine.validation import plan_from_input


def vat_factor_of(service_provider_uid):
    provider = by_uid(service_provider_uid)
    return Decimal(provider.vat_factor) if provider is not None else Decimal("100")


def rate_history_of(rate_uid):
    rate = by_uid(rate_uid)
    return rate.price_history() if rate is not None else PriceHistory(())


def _reader(source):
    if isinstance(source, dict):
        return source.get
    return lambda name: getattr(source, name, None)


def _fingerprint(value):
    """The activity fields as one hashable key (values compared as the rules compare them)."""
    return tuple(repr(comparable(value(name))) for name in ACTIVITY_FIELDS)


def _main_period(context, activity_type):
    """(start, end) of the appropriation's main activity, for a supplementary activity."""
    appropriation = context if getattr(context, "portal_type", None) == APPROPRIATION_TYPE else None
    if appropriation is None and context is not None:
        appropriation = appropriation_of(context)
    if appropriation is None or activity_type != "supplementary":
        return None, None
    main = main_activity_of(appropriation)
    own_uid = IUUID(context, None) if context is not None else None
    if main is None or IUUID(main) == own_uid:
        return None, None
    return main.start_date, main.end_date


def _memo():
    """A dict living as long as the request (or None outside one): one save, preview or grant
    builds each engine input once, however many steps read it."""
    request = getRequest()
    if request is None:
        return None
    annotations = IAnnotations(request, None)
    if annotations is None:
        return None
    return annotations.setdefault(MEMO_KEY, {})


MEMO_KEY = "os2bos_plone.adapters.plans"


def activity_input(source, context=None, when=None, stored=None):
    """An engine ActivityInput from an activity, a z3c.form Data object or a dict of REST fields.

    ``stored``: the values as stored before the change being judged (the cash start rule only
    judges a new start); read from ``context`` when it is an activity and ``stored`` is None.

    Built once per request for the same fields and appropriation (validation, then the payment
    sync after the values are set, read the same input); only the context of the check (today,
    the stored start) is put on anew."""
    value = _reader(source)
    if stored is None and getattr(context, "portal_type", None) == ACTIVITY_TYPE:
        stored = stored_values(context)
    saved = None
    if stored:
        one_time = stored.get("payment_type") == "one_time"
        saved = stored.get("payment_date") if one_time else stored.get("start_date")
    main_start, main_end = _main_period(context, value("activity_type"))
    today = when or clock.today()
    bank_dates = tuple(row["date"] for row in list_rows("payment_date_exclusions"))
    memo = _memo()
    key = (_fingerprint(value), main_start, main_end, bank_dates)
    data = memo.get(key) if memo is not None else None
    if data is None:
        data = _build_input(value, main_start, main_end, bank_dates)
        if memo is not None:
            memo[key] = data
    years, payments = plan_limits()
    return replace(
        data,
        today=today,
        saved_start_date=saved,
        max_plan_years=years,
        max_plan_payments=payments,
    )


def _build_input(value, main_start, main_end, bank_dates):
    individual = [
        (row["date"], Decimal(row["amount"]))
        for row in value("individual_payments") or []
        if row.get("date") is not None and row.get("amount") is not None
    ]
    return ActivityInput(
        service=value("service"),
        activity_type=value("activity_type"),
        start_date=value("start_date"),
        end_date=value("end_date"),
        payment_type=value("payment_type"),
        payment_frequency=value("payment_frequency"),
        payment_day_of_month=value("payment_day_of_month"),
        payment_date=value("payment_date"),
        payment_cost_type=value("payment_cost_type"),
        payment_amount=value("payment_amount"),
        payment_units=value("payment_units"),
        payment_rate=value("payment_rate"),
        payment_prices=list(value("payment_prices") or []),
        recipient_type=value("recipient_type"),
        recipient_id=value("recipient_id"),
        recipient_name=value("recipient_name"),
        payment_method=value("payment_method"),
        fictive=bool(value("fictive")),
        payments=individual,
        is_adjustment=bool(value("modifies")),
        main_start_date=main_start,
        main_end_date=main_end,
        bank_extra_dates=list(bank_dates),
    )


def stored_values(activity):
    """The activity fields as stored (REST names): what a save compares the new values with.

    Read before a form or REST sets anything, and passed along to the rules."""
    base = aq_base(activity)
    return {name: getattr(base, name, None) for name in ACTIVITY_FIELDS}


def plan_of(source, context=None):
    """The engine PaymentPlan of an activity (or of unsaved activity fields), from the same
    input the rules judged (:func:`activity_input`)."""
    data = activity_input(source, context)
    value = _reader(source)
    rate_history = None
    if value("payment_cost_type") == "rate":
        rate_history = rate_history_of(value("payment_rate"))
    return plan_from_input(
        data,
        rate_history=rate_history,
        vat_factor=vat_factor_of(value("service_provider")),
    )
