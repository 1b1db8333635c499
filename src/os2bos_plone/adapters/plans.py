"""The one place that turns an activity (stored, being edited, or REST fields) into engine input.

``activity_input`` gathers the fields, the main activity's period and the regelmotor's bank
calendar; ``plan_of`` adds rates and the provider's VAT factor and asks the engine for the plan;
``cost_input`` is what the cost figures read."""

from decimal import Decimal

from Acquisition import aq_base
from plone.uuid.interfaces import IUUID

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import main_activity_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.engine import clock
from os2bos_plone.engine import costs
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.validation import ActivityInput
from os2bos_plone.engine.validation import plan_from_input
from os2bos_plone.payments.store import stored_payments


def vat_factor_of(service_provider_uid):
    provider = by_uid(service_provider_uid)
    return Decimal(provider.vat_factor) if provider is not None else Decimal("100")


def rate_history_of(rate_uid):
    rate = by_uid(rate_uid)
    return rate.price_history() if rate is not None else PriceHistory(())


def activity_input(source, context=None, when=None):
    """An engine ActivityInput from an activity, a z3c.form Data object or a dict of REST fields."""

    def value(name):
        if isinstance(source, dict):
            return source.get(name)
        return getattr(source, name, None)

    individual = [
        (row["date"], Decimal(row["amount"]))
        for row in value("individual_payments") or []
        if row.get("date") is not None and row.get("amount") is not None
    ]
    main_start = main_end = None
    appropriation = context if getattr(context, "portal_type", None) == APPROPRIATION_TYPE else None
    if appropriation is None and context is not None:
        appropriation = appropriation_of(context)
    own_uid = IUUID(context, None) if context is not None else None
    if appropriation is not None and value("activity_type") == "supplementary":
        main = main_activity_of(appropriation)
        if main is not None and IUUID(main) != own_uid:
            main_start, main_end = main.start_date, main.end_date
    saved = None
    if context is not None and getattr(context, "portal_type", None) == ACTIVITY_TYPE:
        stored = saved_values(context)
        one_time = stored.get("payment_type") == "one_time"
        saved = stored.get("payment_date") if one_time else stored.get("start_date")
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
        today=when or clock.today(),
        is_adjustment=bool(value("modifies")),
        main_start_date=main_start,
        main_end_date=main_end,
        bank_extra_dates=[row["date"] for row in list_rows("payment_date_exclusions")],
        saved_start_date=saved,
    )


SAVED_MARKER = "_v_bos_saved"


def remember_saved_values(activity, new=False):
    """Before REST sets new values on ``activity`` (and only then validates), keep the stored
    dates the rules compare with (a new object has none)."""
    names = ("start_date", "payment_date", "payment_type")
    values = {} if new else {name: getattr(aq_base(activity), name, None) for name in names}
    setattr(activity, SAVED_MARKER, values)


def forget_saved_values(activity):
    if hasattr(aq_base(activity), SAVED_MARKER):
        delattr(aq_base(activity), SAVED_MARKER)


def saved_values(activity):
    """The stored start/payment date and payment type, as before the change being validated."""
    values = getattr(aq_base(activity), SAVED_MARKER, None)
    if values is not None:
        return values
    base = aq_base(activity)
    return {
        name: getattr(base, name, None) for name in ("start_date", "payment_date", "payment_type")
    }


def plan_of(source, context=None):
    """The engine PaymentPlan of an activity (or of unsaved activity fields)."""
    data = activity_input(source, context)

    def value(name):
        return source.get(name) if isinstance(source, dict) else getattr(source, name, None)

    rate_history = None
    if value("payment_cost_type") == "rate":
        rate_history = rate_history_of(value("payment_rate"))
    return plan_from_input(
        data,
        rate_history=rate_history,
        vat_factor=vat_factor_of(value("service_provider")),
    )


def cost_input(activity):
    return costs.ActivityCostInput(
        uid=activity.UID(),
        status=status_of(activity),
        payment_type=PaymentType(activity.payment_type),
        modifies=activity.modifies or None,
        payments=stored_payments(activity),
    )
