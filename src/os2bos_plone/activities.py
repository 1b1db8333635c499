"""Activities and the engine: plans, stored payments, stored totals, validation.

Payments are not content: each activity holds one small persistent store with its payments (plain
engine ``Payment`` records, pickled together), loaded only when payments are needed. Every change to
an activity recomputes the yearly granted/expected totals of its appropriation's activities, which
are kept on the activities and in catalog metadata, so totals over thousands of activities are read
from the catalog, never by waking objects.
"""

import dataclasses
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from BTrees.Length import Length
from persistent import Persistent
from plone import api
from plone.uuid.interfaces import IUUID
from zope.annotation.interfaces import IAnnotations

from os2bos_plone import classification
from os2bos_plone.engine import clock
from os2bos_plone.engine import costs
from os2bos_plone.engine import payments as engine_payments
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.payments import round_ore
from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.prices import parse_amount
from os2bos_plone.engine.prices import parse_date
from os2bos_plone.engine.validation import MSG_ALREADY_PAID
from os2bos_plone.engine.validation import ActivityInput
from os2bos_plone.engine.validation import FieldError
from os2bos_plone.engine.validation import plan_from_input
from os2bos_plone.engine.validation import validate_activity
from os2bos_plone.engine.validation import validate_mark_paid

ACTIVITY_TYPE = "bos_activity"
APPROPRIATION_TYPE = "bos_appropriation"
CASE_TYPE = "bos_case"
ZERO = Decimal("0")
PAYMENT_ID_COUNTER = "os2bos_plone.payment_id_counter"


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
    """The activity's payments (read only: never creates the store, so GETs write nothing)."""
    store = getattr(aq_base(activity), "_bos_payments", None)
    return list(store.payments) if store is not None else []


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
        bank_extra_dates=[
            row["date"] for row in classification.list_rows("payment_date_exclusions")
        ],
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


def main_activity_of(appropriation):
    """The appropriation's main activity that is not an adjustment of another, if any."""
    for activity in activities_of(appropriation):
        if activity.activity_type == "main" and not activity.modifies:
            return activity
    return None


def appropriation_status(appropriation):
    """Derived: "expected" if any activity is expected, else "granted" if any is granted, else
    "draft" (spec 1.5)."""
    states = {status_of(activity) for activity in activities_of(appropriation)}
    for state in ("expected", "granted"):
        if state in states:
            return state
    return "draft"


def granted_period(appropriation):
    """(from, to): the start of the granted main activity that adjusts nothing, and the end of
    the granted main activity no granted adjustment replaces (the last of the chain)."""
    mains = [
        activity
        for activity in activities_of(appropriation)
        if activity.activity_type == "main" and status_of(activity) == "granted"
    ]
    replaced = {activity.modifies for activity in mains if activity.modifies}
    first = next((activity for activity in mains if not activity.modifies), None)
    last = [activity for activity in mains if IUUID(activity) not in replaced]
    return (
        first.start_date if first is not None else None,
        last[-1].end_date if last else None,
    )


def activities_of(appropriation):
    return [
        obj
        for obj in appropriation.objectValues()
        if getattr(obj, "portal_type", None) == ACTIVITY_TYPE
    ]


# -- validation ---------------------------------------------------------------------------------

MSG_INVALID_DATE = "Ugyldig dato (brug formatet ÅÅÅÅ-MM-DD)"
MSG_INVALID_VALUE = "Ugyldig værdi"
MSG_SECOND_MAIN = "Bevillingen har allerede en hovedydelse; der kan kun være én hovedydelse"
MSG_NOTHING_TO_ADJUST = "Den forventede justering har ingen ydelse at justere"
MSG_ADJUST_NOT_GRANTED = "Kun en bevilget ydelse kan justeres"
MSG_ADJUST_SAME_SERVICE = "Den forventede justering skal være samme ydelse som den, den justerer"
MSG_ADJUST_SAME_TYPE = (
    "Den forventede justering skal være samme slags ydelse (hoved- eller følgeydelse) "
    "som den, den justerer"
)
MSG_ADJUST_ONE = "Ydelsen har allerede en forventet justering"
MSG_ADJUST_PAST = "Den forventede justerings startdato må ikke ligge før i dag"
MSG_GRANTED_CHANGE = "Ændringer i en bevilget ydelse laves som en forventet justering"

#: What may change on a granted activity (the rest goes through an expected adjustment).
GRANTED_CHANGEABLE = frozenset(
    {"end_date", "note", "service_provider", "recipient_type", "recipient_id", "recipient_name"}
)

#: The activity fields the engine and the checks read (REST names).
ACTIVITY_FIELDS = (
    "service",
    "activity_type",
    "start_date",
    "end_date",
    "modifies",
    "service_provider",
    "note",
    "payment_type",
    "payment_frequency",
    "payment_day_of_month",
    "payment_date",
    "payment_cost_type",
    "payment_amount",
    "payment_units",
    "payment_rate",
    "payment_prices",
    "individual_payments",
    "recipient_type",
    "recipient_id",
    "recipient_name",
    "payment_method",
    "fictive",
)
DATE_FIELDS = ("start_date", "end_date", "payment_date")


class InvalidFields(ValueError):
    """Field errors (engine ``FieldError`` values, Danish messages) for a 400 answer."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in self.errors))


def fields_from_json(fields):
    """Activity fields as sent in JSON (strings) -> typed values on a namespace.

    Unreadable dates, days and rows raise :class:`InvalidFields`; amounts stay as given (the
    engine reads "500.00" and "1.234,50" and reports bad ones itself).
    """
    fields = fields if isinstance(fields, dict) else {}
    values = {name: fields.get(name) for name in ACTIVITY_FIELDS}
    errors = []
    for name in DATE_FIELDS:
        try:
            values[name] = parse_date(values[name])
        except (TypeError, ValueError):
            errors.append(FieldError(name, MSG_INVALID_DATE))
            values[name] = None
    day = values["payment_day_of_month"]
    if day not in (None, ""):
        try:
            values["payment_day_of_month"] = int(str(day))
        except ValueError:
            errors.append(FieldError("payment_day_of_month", MSG_INVALID_VALUE))
            values["payment_day_of_month"] = None
    else:
        values["payment_day_of_month"] = None
    for name in ("payment_prices", "individual_payments"):
        rows = values[name]
        if rows in (None, ""):
            values[name] = []
        elif not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            errors.append(FieldError(name, MSG_INVALID_VALUE))
            values[name] = []
    individual = []
    for row in values["individual_payments"]:
        try:
            individual.append(
                {"date": parse_date(row.get("date")), "amount": parse_amount(row.get("amount"))}
            )
        except (TypeError, ValueError):
            errors.append(FieldError("individual_payments", MSG_INVALID_VALUE))
    values["individual_payments"] = individual
    values["fictive"] = bool(values["fictive"])
    for name in ("payment_amount", "payment_units"):
        if isinstance(values[name], (int, float)) and not isinstance(values[name], bool):
            values[name] = str(values[name])
    if errors:
        raise InvalidFields(errors)
    return SimpleNamespace(**values)


def validation_errors(data):
    """The field errors of an activity being saved (z3c.form Data: context in __context__)."""
    return field_errors(data, getattr(data, "__context__", None))


def field_errors(data, context, when=None, structure=True):
    """All field errors of activity values ``data`` saved under/as ``context``: the engine's rules
    (spec 2.6/2.7), the regelmotor's limits and, with ``structure``, one main activity per
    appropriation and the rules of expected adjustments."""
    when = when or clock.today()
    errors = validate_activity(activity_input(data, context, when))
    errors.extend(catalogue_errors(data, context))
    if structure:
        errors.extend(structure_errors(data, context, when))
    return errors


def _appropriation_and_self(context):
    if getattr(context, "portal_type", None) == APPROPRIATION_TYPE:
        return context, None
    if getattr(context, "portal_type", None) == ACTIVITY_TYPE:
        return appropriation_of(context), context
    return None, None


def comparable(value):
    """Empty values compare equal (None, "", [], an unset flag); rows as plain dicts."""
    if value is False or value in (None, "", [], ()):
        return None
    if isinstance(value, (list, tuple)):
        return [dict(row) if isinstance(row, dict) else row for row in value]
    return value


def granted_change_errors(data, activity):
    """A granted activity changes only end date, note, provider and recipient."""
    return [
        FieldError(name, MSG_GRANTED_CHANGE)
        for name in ACTIVITY_FIELDS
        if name not in GRANTED_CHANGEABLE
        and comparable(getattr(data, name, None)) != comparable(getattr(activity, name, None))
    ]


def structure_errors(data, context, when):
    """One main activity per appropriation (adjustments aside); an expected adjustment must adjust
    a granted activity of the same appropriation, the same service, once, from today on."""
    appropriation, own = _appropriation_and_self(context)
    if appropriation is None:
        return []
    own_base = aq_base(own) if own is not None else None
    others = [a for a in activities_of(appropriation) if aq_base(a) is not own_base]
    errors = []
    if own is not None and status_of(own) == "granted" and not hasattr(aq_base(own), SAVED_MARKER):
        # Forms validate before they change anything (REST checks in its deserializer).
        errors.extend(granted_change_errors(data, own))
    modifies = getattr(data, "modifies", None)
    if getattr(data, "activity_type", None) == "main" and not modifies:
        if any(a.activity_type == "main" and not a.modifies for a in others):
            errors.append(FieldError("activity_type", MSG_SECOND_MAIN))
    if not modifies or (own is not None and status_of(own) == "granted"):
        return errors
    original = next((a for a in others if IUUID(a, None) == modifies), None)
    if original is None:
        return [*errors, FieldError("modifies", MSG_NOTHING_TO_ADJUST)]
    if status_of(original) != "granted":
        errors.append(FieldError("modifies", MSG_ADJUST_NOT_GRANTED))
    if original.service != getattr(data, "service", None):
        errors.append(FieldError("service", MSG_ADJUST_SAME_SERVICE))
    if original.activity_type != getattr(data, "activity_type", None):
        errors.append(FieldError("activity_type", MSG_ADJUST_SAME_TYPE))
    if any(a.modifies == modifies for a in others if aq_base(a) is not aq_base(original)):
        errors.append(FieldError("modifies", MSG_ADJUST_ONE))
    one_time = getattr(data, "payment_type", None) == "one_time"
    field_name = "payment_date" if one_time else "start_date"
    start = getattr(data, field_name, None)
    saved = saved_values(own).get(field_name) if own is not None else None
    if start is not None and start != saved and start < when:
        errors.append(FieldError(field_name, MSG_ADJUST_PAST))
    return errors


def catalogue_errors(data, context):
    """Services and providers restricted by the regelmotor (section, main service, frame
    agreements). An appropriation without a section is checked when it gets one (grant)."""
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
    when = when or clock.today()
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


def effective_start(activity):
    """The start date; for a one-time plan without one, its payment date."""
    if activity.start_date is None and activity.payment_type == "one_time":
        return activity.payment_date
    return activity.start_date


def drop_unpaid_payments(activity, from_date=None):
    """Remove the unpaid payments (all, or those dated on/after ``from_date``); paid payments are
    never removed. An individual plan's rows follow its stored payments."""
    store = payment_store(activity)
    kept = [
        payment
        for payment in store.payments
        if payment.settled or (from_date is not None and payment.date < from_date)
    ]
    store.replace(kept)
    if activity.payment_type == "individual":
        dates = {payment.date for payment in kept}
        activity.individual_payments = [
            row for row in activity.individual_payments or [] if row.get("date") in dates
        ]


def renew_open_ended(activity, when=None):
    """The daily renewal: extend an open-ended granted plan to 31 December of next year."""
    when = when or clock.today()
    store = payment_store(activity)
    before = len(store.payments)
    renewed = engine_payments.renew_open_ended(
        list(store.payments), plan_of(activity, activity), when
    )
    for payment in renewed:
        payment.payment_id = payment.payment_id or ensure_payment_id(activity)
    store.replace(renewed)
    return len(store.payments) - before


def renew_all_open_ended(when=None, progress=print, checkpoint=None, every=200):
    """The daily renewal job over every granted activity without an end date (found through the
    catalog: review_state and the bos_end_date metadata), then the totals of the appropriations
    that changed. ``checkpoint`` (e.g. transaction.commit) is called every ``every`` changed
    appropriations. Returns (activities looked at, activities extended, payments added)."""
    when = when or clock.today()
    catalog = api.portal.get_tool("portal_catalog")
    brains = [
        brain
        for brain in catalog.unrestrictedSearchResults(
            portal_type=ACTIVITY_TYPE, review_state="granted"
        )
        if brain.bos_end_date is None
    ]
    progress(f"Fornyer betalinger: {len(brains)} bevilgede ydelser uden slutdato")
    extended = added_total = changed = 0
    for number, brain in enumerate(brains, start=1):
        activity = brain._unrestrictedGetObject()
        added = renew_open_ended(activity, when)
        if added:
            extended += 1
            added_total += added
            appropriation = appropriation_of(activity)
            if appropriation is not None:
                refresh_totals(appropriation)
                changed += 1
                if checkpoint is not None and changed % every == 0:
                    checkpoint()
        if number % 1000 == 0:
            progress(f"  {number}/{len(brains)} ydelser gennemgået, {extended} forlænget")
    progress(
        f"Færdig: {len(brains)} ydelser gennemgået, {extended} forlænget "
        f"med i alt {added_total} betalinger"
    )
    return len(brains), extended, added_total


def cost_input(activity):
    return costs.ActivityCostInput(
        uid=activity.UID(),
        status=status_of(activity),
        payment_type=PaymentType(activity.payment_type),
        modifies=activity.modifies or None,
        payments=stored_payments(activity),
    )


def _months():
    return [ZERO] * 12


def _as_stored(by_year):
    return {year: tuple(str(amount) for amount in months) for year, months in by_year.items()}


def appropriation_figures(appropriation):
    """Everything the stored figures hold, computed from the payments of the appropriation's
    activities: per activity {uid: (activity, yearly, monthly, total_cost, monthly_totals)} and
    the monthly expected figures of the appropriation.

    ``monthly_totals`` is what the catalog column ``bos_monthly_totals`` holds: {"YYYY-MM":
    (granted, expected)} as decimal strings (``management.monthly_totals_for``); summed over a
    year it equals the activity's yearly totals of that year."""
    from os2bos_plone.management import monthly_totals_for

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


# -- marking payments paid -------------------------------------------------------------------

MSG_PAID_AMOUNT = "Angiv det betalte beløb"
MSG_PAID_DATE = "Angiv betalingsdatoen (ÅÅÅÅ-MM-DD)"


def paid_registrations(activity):
    """{planned date: the last registration {user, time, ...}} of the activity's paid payments."""
    return {parse_date(entry["date"]): entry for entry in paid_history(activity)}


def paid_history(activity):
    """Every registration of a payment as paid on the activity, oldest first."""
    store = getattr(aq_base(activity), "_bos_payments", None)
    return list(getattr(store, "history", None) or [])


def find_payment(activity, day):
    for payment in stored_payments(activity):
        if payment.date == day:
            return payment
    return None


def mark_paid(activity, day, paid_amount, paid_date, note="", user_id="", privileged=False):
    """Register the payment planned on ``day`` as paid (spec 2.7) and keep who did it and when.

    Raises KeyError when there is no payment on ``day`` and :class:`InvalidFields` when the rules
    refuse it. A paid payment is never changed again, by anyone.
    """
    payment = find_payment(activity, day)
    if payment is None:
        raise KeyError(day)
    errors = []
    try:
        amount = None if paid_amount in (None, "") else round_ore(parse_amount(paid_amount))
    except ValueError:
        amount = None
        errors.append(FieldError("paid_amount", "Ugyldigt beløb"))
    try:
        when_paid = parse_date(paid_date)
    except (TypeError, ValueError):
        when_paid = None
        errors.append(FieldError("paid_date", MSG_INVALID_DATE))
    rule_errors = validate_mark_paid(
        status_of(activity),
        bool(activity.fictive),
        activity.payment_method,
        amount,
        when_paid,
        privileged=privileged,
        already_paid=payment.settled,
    )
    reported = {error.field for error in errors}
    errors.extend(error for error in rule_errors if error.field not in reported)
    if payment.settled and not any(error.message == MSG_ALREADY_PAID for error in errors):
        errors.insert(0, FieldError("paid", MSG_ALREADY_PAID))
    if errors:
        raise InvalidFields(errors)
    store = payment_store(activity)
    paid = dataclasses.replace(
        payment,
        paid=True,
        paid_amount=amount,
        paid_date=when_paid,
        note=note if note not in (None, "") else payment.note,
    )
    store.replace([paid if p is payment else p for p in store.payments])
    history = list(getattr(store, "history", None) or [])
    history.append(
        {
            "date": day.isoformat(),
            "paid_amount": str(amount),
            "paid_date": when_paid.isoformat(),
            "note": paid.note,
            "user": user_id,
            "time": datetime.now().isoformat(timespec="seconds"),
        }
    )
    store.history = history
    appropriation = appropriation_of(activity)
    if appropriation is not None:
        refresh_totals(appropriation)
    from os2bos_plone.journal import notify_payment_paid

    notify_payment_paid(activity, paid)
    return paid
