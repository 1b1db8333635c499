"""What may be saved as an activity: the engine's rules on the plan (engine.validation) and on
the activity's place on its appropriation (engine.activity_rules: the regelmotor's catalogue, one
main activity per appropriation, expected adjustments, what may change on a granted activity).

Forms, REST, the preview and imports all ask :func:`field_errors`; this module only adapts
content to the engine's inputs. A save validates the values *before* they are set on the object
and passes the stored values along (``stored``), so nothing is kept on the object meanwhile:

* edit form: ``ActivityFormMixin.extractData`` -> :func:`field_errors`;
* REST POST/PATCH: ``ActivityDeserializer`` -> :func:`json_errors` -> :func:`field_errors`;
* preview: ``payments.figures.cost_preview`` -> :func:`field_errors` (``structure=False``).
"""

from types import SimpleNamespace

from Acquisition import aq_base
from plone.uuid.interfaces import IUUID
from z3c.form.validator import InvariantsValidator
from zope.interface import Interface

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import main_activity_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.plans import activity_input
from os2bos_plone.adapters.plans import stored_values
from os2bos_plone.classification.catalogue import service_entry
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.content.activity import IActivity
from os2bos_plone.engine import activity_rules
from os2bos_plone.engine import clock
from os2bos_plone.engine.activity_rules import ACTIVITY_FIELDS
from os2bos_plone.engine.activity_rules import MSG_GRANTED_CHANGE  # noqa: F401 - re-exported
from os2bos_plone.engine.activity_rules import Placement
from os2bos_plone.engine.money import parse_machine
from os2bos_plone.engine.prices import parse_date
from os2bos_plone.engine.validation import FieldError
from os2bos_plone.engine.validation import validate_activity

MSG_INVALID_DATE = "Ugyldig dato (brug formatet ÅÅÅÅ-MM-DD)"


MSG_INVALID_VALUE = "Ugyldig værdi"


DATE_FIELDS = ("start_date", "end_date", "payment_date")


#: Fields sent as text: choices and references by their token or UID, and free text.
TEXT_FIELDS = (
    "service",
    "activity_type",
    "modifies",
    "service_provider",
    "note",
    "payment_type",
    "payment_frequency",
    "payment_cost_type",
    "payment_rate",
    "recipient_type",
    "recipient_id",
    "recipient_name",
    "payment_method",
)


class InvalidFields(ValueError):
    """Field errors (engine ``FieldError`` values, Danish messages) for a 400 answer."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in self.errors))


def _machine_or_as_given(value):
    if value is None or value == "":
        return value
    try:
        return parse_machine(value)
    except ValueError:
        return value


def fields_from_json(fields):
    """Activity fields as sent in JSON (strings) -> typed values on a namespace.

    Unreadable dates, days and rows raise :class:`InvalidFields`; amounts in the machine form
    ("500.00", JSON numbers) become Decimals, other amounts stay as given (the engine reads
    "1.234,50" and reports bad ones itself).
    """
    fields = fields if isinstance(fields, dict) else {}
    values = {name: fields.get(name) for name in ACTIVITY_FIELDS}
    errors = []
    for name in TEXT_FIELDS:
        # A list or an object is no token (and no UID to look up).
        if values[name] is not None and not isinstance(values[name], str):
            errors.append(FieldError(name, MSG_INVALID_VALUE))
            values[name] = None
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
                {"date": parse_date(row.get("date")), "amount": parse_machine(row.get("amount"))}
            )
        except (TypeError, ValueError):
            errors.append(FieldError("individual_payments", MSG_INVALID_VALUE))
    values["individual_payments"] = individual
    values["fictive"] = bool(values["fictive"])
    # REST sends the machine form ("2.125" is two and an eighth): read it here, so the engine,
    # which reads text as Danish ("2.125" would be 2125), gets a Decimal; other text is left for
    # the engine to read or report.
    for name in ("payment_amount", "payment_units"):
        values[name] = _machine_or_as_given(values[name])
    values["payment_prices"] = [
        {**row, "amount": _machine_or_as_given(row.get("amount"))}
        for row in values["payment_prices"]
    ]
    if errors:
        raise InvalidFields(errors)
    return SimpleNamespace(**values)


def validation_errors(data):
    """The field errors of an activity being saved (z3c.form Data: context in __context__)."""
    return field_errors(data, getattr(data, "__context__", None))


def _own_activity(context):
    return context if getattr(context, "portal_type", None) == ACTIVITY_TYPE else None


def field_errors(data, context, when=None, structure=True, stored=None):
    """All field errors of activity values ``data`` saved under/as ``context``: the engine's rules
    (spec 2.6/2.7), the regelmotor's limits and, with ``structure``, one main activity per
    appropriation, the rules of expected adjustments and what may change on a granted activity.

    ``stored``: the activity's values as stored before this change (read from ``context`` when
    not given, which is right as long as the new values are not set yet)."""
    when = when or clock.today()
    own = _own_activity(context)
    if stored is None:
        stored = stored_values(own) if own is not None else {}
    errors = validate_activity(activity_input(data, context, when, stored=stored))
    errors.extend(catalogue_errors(data, context))
    if structure:
        errors.extend(structure_errors(data, context, when, stored))
    return errors


def _appropriation_and_self(context):
    if getattr(context, "portal_type", None) == APPROPRIATION_TYPE:
        return context, None
    if getattr(context, "portal_type", None) == ACTIVITY_TYPE:
        return appropriation_of(context), context
    return None, None


def placement(activity, values=None, status=None):
    """An activity (or the values being saved for it) as the structure rules see it."""
    values = activity if values is None else values
    return Placement(
        uid=IUUID(activity, None) if activity is not None else None,
        activity_type=getattr(values, "activity_type", None),
        service=getattr(values, "service", None),
        status=status or (status_of(activity) if activity is not None else "draft"),
        modifies=getattr(values, "modifies", None) or None,
    )


def values_of(data):
    """The activity fields of ``data`` (any object with the fields as attributes)."""
    return {name: getattr(data, name, None) for name in ACTIVITY_FIELDS}


def structure_errors(data, context, when, stored=None):
    """The engine's rules on the activity's place on its appropriation (engine.activity_rules):
    what may change when granted, one main activity, expected adjustments."""
    appropriation, own = _appropriation_and_self(context)
    if appropriation is None:
        return []
    own_base = aq_base(own) if own is not None else None
    others = [placement(a) for a in activities_of(appropriation) if aq_base(a) is not own_base]
    mine = placement(own, data) if own is not None else placement(None, data)
    if stored is None:
        stored = stored_values(own) if own is not None else {}
    errors = []
    if mine.status == activity_rules.GRANTED:
        errors.extend(activity_rules.granted_change_errors(stored, values_of(data)))
    errors.extend(activity_rules.main_errors(mine, others))
    start_field = (
        "payment_date" if getattr(data, "payment_type", None) == "one_time" else ("start_date")
    )
    errors.extend(
        activity_rules.adjustment_errors(
            mine,
            others,
            start_field,
            getattr(data, start_field, None),
            stored.get(start_field),
            when,
        )
    )
    return errors


def catalogue_errors(data, context):
    """Services and providers restricted by the regelmotor (section, main service, frame
    agreements): the values adapted to engine.activity_rules.catalogue_errors."""
    appropriation = context if getattr(context, "portal_type", None) == APPROPRIATION_TYPE else None
    if appropriation is None and context is not None:
        appropriation = appropriation_of(context)
    service = by_uid(getattr(data, "service", None))
    if service is None:
        return []
    section = by_uid(getattr(appropriation, "section", None))
    main_service = None
    if getattr(data, "activity_type", None) == activity_rules.SUPPLEMENTARY:
        main = main_activity_of(appropriation) if appropriation is not None else None
        main_service = by_uid(main.service) if main is not None else None
    provider = by_uid(getattr(data, "service_provider", None))
    return activity_rules.catalogue_errors(
        getattr(data, "activity_type", None),
        service_entry(service),
        section.key if section is not None else None,
        service_entry(main_service),
        (provider.cvr, provider.title) if provider is not None else None,
    )


def json_errors(activity, typed, unreadable, create=False):
    """The field errors of a REST save of ``activity`` before anything is set: ``typed`` are the
    sent fields as read by their field deserializers, ``unreadable`` {field: message} those that
    could not be read. Nothing is set on the object.

    A granted activity refuses every change but those ``GRANTED_CHANGEABLE`` allows (an
    unreadable value counts as a change); otherwise the same rules as the edit form run on the
    stored values with the sent ones applied, and an unreadable field's own message replaces the
    rules' messages about it."""
    stored = {} if create else stored_values(activity)
    changed = {name: typed[name] for name in ACTIVITY_FIELDS if name in typed}
    if not create and status_of(activity) == activity_rules.GRANTED:
        # An unreadable value counts as a change; an unreadable end date is reported as such
        # (it cannot be compared with the decided one).
        unknown = {name: object() for name in unreadable if name != "end_date"}
        granted = activity_rules.granted_change_errors(stored, {**changed, **unknown})
        if granted:
            return granted
    values = SimpleNamespace(**{**dict.fromkeys(ACTIVITY_FIELDS), **stored, **changed})
    errors = [FieldError(name, message) for name, message in unreadable.items()]
    errors.extend(
        error
        for error in field_errors(values, activity, stored=stored)
        if error.field not in unreadable
    )
    return errors


class IValidatesWholeActivity(Interface):
    """A form (or one of its groups) that checks the whole activity itself, before it sets any
    value (browser.activity_form)."""


class ValidatedBeforeSetting(InvariantsValidator):
    """The activity schema's invariant is not run again where the whole activity was judged
    before anything was set: the activity forms (IValidatesWholeActivity) and REST saves
    (services.deserializers.ActivityDeserializer, on API requests). Other schemas' invariants
    (behaviours) still run."""

    def validate(self, data):
        if self.schema is IActivity:
            return ()
        return super().validate(data)
