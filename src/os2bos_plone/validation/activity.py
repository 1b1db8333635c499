"""What may be saved as an activity: the engine's rules on the plan, the regelmotor's catalogue
(which services a section allows), one main activity per appropriation, the rules of expected
adjustments and what may change on a granted activity. Forms, REST and imports all ask here."""

from types import SimpleNamespace

from Acquisition import aq_base
from plone.uuid.interfaces import IUUID

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import main_activity_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.plans import SAVED_MARKER
from os2bos_plone.adapters.plans import activity_input
from os2bos_plone.adapters.plans import saved_values
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.engine import clock
from os2bos_plone.engine.money import parse_machine
from os2bos_plone.engine.prices import parse_date
from os2bos_plone.engine.validation import FieldError
from os2bos_plone.engine.validation import validate_activity

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
    service = by_uid(getattr(data, "service", None))
    section = by_uid(getattr(appropriation, "section", None))
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
            main_service = by_uid(main.service) if main is not None else None
            follows = set(service.follows_main_services or [])
            if main_service is not None and main_service.service_id not in follows:
                errors.append(
                    FieldError(
                        "service",
                        f"Ydelsen »{service.title}« kan ikke følge hovedydelsen "
                        f"»{main_service.title}«.",
                    )
                )
    provider = by_uid(getattr(data, "service_provider", None))
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
