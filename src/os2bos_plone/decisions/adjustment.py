"""Expected adjustments (forventede justeringer) of granted activities."""

from types import SimpleNamespace

from Acquisition import aq_base
from plone import api
from plone.uuid.interfaces import IUUID

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.decisions.submit import submit
from os2bos_plone.engine import activity_rules
from os2bos_plone.engine import clock
from os2bos_plone.engine.validation import FieldError
from os2bos_plone.validation.activity import ACTIVITY_FIELDS
from os2bos_plone.validation.activity import InvalidFields
from os2bos_plone.validation.activity import field_errors
from os2bos_plone.validation.activity import fields_from_json

# One message per adjustment rule, shared with a save (engine.activity_rules).
MSG_ADJUST_NOT_GRANTED = activity_rules.MSG_ADJUST_NOT_GRANTED


MSG_ADJUST_EXISTS = activity_rules.MSG_ADJUST_ONE


MSG_ADJUST_START_REQUIRED = "Angiv startdatoen for den forventede justering"


MSG_ADJUST_FIXED = "Ydelse og ydelsestype kan ikke ændres i en forventet justering"


#: Fields an expected adjustment may not change (they identify what is adjusted).
ADJUSTMENT_FIXED_FIELDS = ("service", "activity_type", "modifies")


def existing_adjustment(activity):
    uid = IUUID(activity)
    appropriation = appropriation_of(activity)
    for other in activities_of(appropriation):
        if other.modifies == uid and aq_base(other) is not aq_base(activity):
            return other
    return None


def adjustment_fields(activity, changes):
    """The fields of a new expected adjustment: a copy of ``activity``'s fields, the typed
    ``changes`` applied, ``modifies`` = its UID."""
    values = {name: getattr(aq_base(activity), name, None) for name in ACTIVITY_FIELDS}
    values["payment_prices"] = [dict(row) for row in activity.payment_prices or []]
    values["individual_payments"] = [dict(row) for row in activity.individual_payments or []]
    values.update(changes)
    values["modifies"] = IUUID(activity)
    return values


def create_adjustment(activity, data, today=None):
    """Create the expected adjustment of granted ``activity`` from REST ``data`` (start_date and
    changed plan fields), submit it (draft -> expected) and return it.

    Raises ``activities.InvalidFields`` with field errors; nothing is created then.
    """
    today = today or clock.today()
    errors = []
    if status_of(activity) != "granted":
        errors.append(FieldError("modifies", MSG_ADJUST_NOT_GRANTED))
    elif existing_adjustment(activity) is not None:
        errors.append(FieldError("modifies", MSG_ADJUST_EXISTS))
    for name in ADJUSTMENT_FIXED_FIELDS:
        if name in data and data[name] not in (None, getattr(activity, name, None)):
            if name != "modifies" or data[name] != IUUID(activity):
                errors.append(FieldError(name, MSG_ADJUST_FIXED))
    one_time = data.get("payment_type", activity.payment_type) == "one_time"
    start_field = "payment_date" if one_time else "start_date"
    if data.get(start_field) in (None, ""):
        errors.append(FieldError(start_field, MSG_ADJUST_START_REQUIRED))
    if errors:
        raise InvalidFields(errors)
    typed = fields_from_json(data)
    changes = {
        name: getattr(typed, name)
        for name in ACTIVITY_FIELDS
        if name in data and name not in ADJUSTMENT_FIXED_FIELDS
    }
    values = adjustment_fields(activity, changes)
    if values["payment_type"] != "individual":
        # Hand-entered rows belong to an individual plan only: a new plan type leaves them.
        values["individual_payments"] = []
    elif "individual_payments" not in data:
        # The adjustment starts with the original's payments from its own start (spec 2.5).
        start, end = values["start_date"], values["end_date"]
        values["individual_payments"] = [
            row
            for row in values["individual_payments"]
            if (start is None or row["date"] >= start) and (end is None or row["date"] <= end)
        ]
    appropriation = appropriation_of(activity)
    errors = field_errors(SimpleNamespace(**values), appropriation, today)
    if errors:
        raise InvalidFields(errors)
    adjustment = api.content.create(
        container=appropriation,
        type=ACTIVITY_TYPE,
        id="justering",
        safe_id=True,
        **values,
    )
    errors, _required = submit(appropriation, [IUUID(adjustment)])
    if errors:
        raise InvalidFields([FieldError("", message) for message in errors])
    return adjustment
