"""Activities and the engine: plans, stored payments, stored totals, validation.

Payments are not content: each activity holds one small persistent store with its payments (plain
engine ``Payment`` records, pickled together), loaded only when payments are needed. Every change to
an activity recomputes the yearly granted/expected totals of its appropriation's activities, which
are kept on the activities and in catalog metadata, so totals over thousands of activities are read
from the catalog, never by waking objects.
"""

from datetime import date
from decimal import Decimal

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from BTrees.Length import Length
from persistent import Persistent
from plone import api
from plone.uuid.interfaces import IUUID
from zope.annotation.interfaces import IAnnotations

from os2bos_plone import classification
from os2bos_plone.engine import costs
from os2bos_plone.engine import payments as engine_payments
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.validation import ActivityInput
from os2bos_plone.engine.validation import plan_from_input
from os2bos_plone.engine.validation import validate_activity

ACTIVITY_TYPE = "bos_activity"
APPROPRIATION_TYPE = "bos_appropriation"
PAYMENT_ID_COUNTER = "os2bos_plone.payment_id_counter"


def today():
    return date.today()


# -- stored payments ----------------------------------------------------------------------------


class PaymentStore(Persistent):
    """An activity's payments, ordered by date, as one persistent record."""

    def __init__(self, payments=()):
        self.payments = sorted(payments, key=lambda payment: payment.date)

    def replace(self, payments):
        self.payments = sorted(payments, key=lambda payment: payment.date)

    def changed(self):
        self._p_changed = True


def payment_store(activity):
    store = getattr(aq_base(activity), "_bos_payments", None)
    if store is None:
        store = PaymentStore()
        activity._bos_payments = store
    return store


def stored_payments(activity):
    return list(payment_store(activity).payments)


def next_payment_id():
    """A site-wide running number for payment plans (betalings-ID), like a ledger key."""
    annotations = IAnnotations(api.portal.get())
    counter = annotations.get(PAYMENT_ID_COUNTER)
    if counter is None:
        counter = annotations[PAYMENT_ID_COUNTER] = Length(0)
    counter.change(1)
    return str(counter())


def ensure_payment_id(activity):
    if not getattr(aq_base(activity), "payment_id", None):
        activity.payment_id = next_payment_id()
    return activity.payment_id


# -- plans ---------------------------------------------------------------------------------------


def status_of(activity):
    return api.content.get_state(activity, default="draft")


def appropriation_of(activity):
    parent = aq_parent(aq_inner(activity))
    return parent if getattr(parent, "portal_type", None) == APPROPRIATION_TYPE else None


def vat_factor_of(service_provider_uid):
    provider = classification.by_uid(service_provider_uid)
    return Decimal(provider.vat_factor) if provider is not None else Decimal("100")


def rate_history_of(rate_uid):
    rate = classification.by_uid(rate_uid)
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
        saved = context.payment_date if context.payment_type == "one_time" else context.start_date
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
        today=when or today(),
        is_adjustment=bool(value("modifies")),
        main_start_date=main_start,
        main_end_date=main_end,
        bank_extra_dates=[
            row["date"] for row in classification.list_rows("payment_date_exclusions")
        ],
        saved_start_date=saved,
    )


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


def main_activity_of(appropriation):
    """The appropriation's main activity that is not an adjustment of another, if any."""
    for activity in activities_of(appropriation):
        if activity.activity_type == "main" and not activity.modifies:
            return activity
    return None


def activities_of(appropriation):
    return [
        obj
        for obj in appropriation.objectValues()
        if getattr(obj, "portal_type", None) == ACTIVITY_TYPE
    ]


# -- validation ---------------------------------------------------------------------------------


def validation_errors(data):
    """The engine's field errors for an activity being saved, plus the regelmotor's limits."""
    context = getattr(data, "__context__", None)
    errors = validate_activity(activity_input(data, context))
    errors.extend(catalogue_errors(data, context))
    return errors


def catalogue_errors(data, context):
    """Services and providers restricted by the regelmotor (section, main service, frame
    agreements). An appropriation without a section is checked when it gets one (grant)."""
    from os2bos_plone.engine.validation import FieldError

    appropriation = context if getattr(context, "portal_type", None) == APPROPRIATION_TYPE else None
    if appropriation is None and context is not None:
        appropriation = appropriation_of(context)
    errors = []
    service = classification.by_uid(getattr(data, "service", None))
    section = classification.by_uid(getattr(appropriation, "section", None))
    if service is not None and section is not None:
        rows = {row["section"]: row for row in service.sections or []}
        row = rows.get(section.key)
        if getattr(data, "activity_type", None) == "main" and not (row and row.get("main")):
            errors.append(
                FieldError(
                    "service",
                    f"Ydelsen »{service.title}« kan ikke bevilges som hovedydelse efter "
                    f"{section.key}.",
                )
            )
        if getattr(data, "activity_type", None) == "supplementary":
            if not (row and row.get("supplementary")):
                errors.append(
                    FieldError(
                        "service",
                        f"Ydelsen »{service.title}« kan ikke bevilges som følgeydelse efter "
                        f"{section.key}.",
                    )
                )
            main = main_activity_of(appropriation)
            main_service = classification.by_uid(main.service) if main is not None else None
            follows = set(service.follows_main_services or [])
            if main_service is not None and main_service.service_id not in follows:
                errors.append(
                    FieldError(
                        "service",
                        f"Ydelsen »{service.title}« kan ikke følge hovedydelsen "
                        f"»{main_service.title}«.",
                    )
                )
    provider = classification.by_uid(getattr(data, "service_provider", None))
    if service is not None and provider is not None and service.only_preferred:
        if provider.cvr not in set(service.preferred_providers or []):
            errors.append(
                FieldError(
                    "service_provider",
                    f"Leverandøren »{provider.title}« er ikke en af ydelsens foretrukne "
                    "leverandører, og kun dem kan vælges.",
                )
            )
    return errors


# -- payments follow the plan -----------------------------------------------------------------


def refresh_payments(activity, when=None):
    """Bring the stored payments in line with the plan.

    Draft and expected activities are planned from scratch. A granted activity keeps every paid
    payment as it is; unpaid ones are extended, cut or repriced (the engine decides).
    """
    when = when or today()
    plan = plan_of(activity, activity)
    store = payment_store(activity)
    payment_id = ensure_payment_id(activity)
    if status_of(activity) == "granted":
        planned = engine_payments.synchronize_granted(list(store.payments), plan, when)
    else:
        planned = engine_payments.generate_payments(plan, when)
    for payment in planned:
        payment.payment_id = payment_id
    store.replace(planned)
    return planned


def renew_open_ended(activity, when=None):
    """The daily renewal: extend an open-ended granted plan to 31 December of next year."""
    when = when or today()
    store = payment_store(activity)
    before = len(store.payments)
    renewed = engine_payments.renew_open_ended(
        list(store.payments), plan_of(activity, activity), when
    )
    for payment in renewed:
        payment.payment_id = payment.payment_id or ensure_payment_id(activity)
    store.replace(renewed)
    return len(store.payments) - before


def cost_input(activity):
    return costs.ActivityCostInput(
        uid=activity.UID(),
        status=status_of(activity),
        payment_type=PaymentType(activity.payment_type),
        modifies=activity.modifies or None,
        payments=stored_payments(activity),
    )


def refresh_totals(appropriation):
    """Recompute and store the yearly totals of every activity of the appropriation.

    An adjustment changes what its original contributes to the expected total, so the whole
    appropriation is recomputed (a handful of activities)."""
    activities = activities_of(appropriation)
    totals = costs.yearly_totals([cost_input(activity) for activity in activities])
    for activity in activities:
        stored = {
            year: (str(value.granted), str(value.expected))
            for year, value in totals.get(activity.UID(), {}).items()
        }
        if getattr(aq_base(activity), "bos_yearly_totals", None) != stored:
            activity.bos_yearly_totals = stored
            activity.reindexObject(idxs=["bos_yearly_totals"])


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
