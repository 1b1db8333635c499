"""Deserialising activities: engine field errors as field-level 400 errors, and the rules for
changing a granted activity.

* The activity invariant raises ``ActivityInvalid`` carrying (field, message) pairs; they come
  back as one error per field ({"field": "start_date", "message": "..."}).
* The rules of a save (validation.activity.json_errors, the same as the edit form's) run on the
  sent values before plone.restapi sets them: a granted activity may only change end date,
  note, service provider and recipient ("Ændringer i en bevilget ydelse laves som en forventet
  justering").
* Amounts and dates get Danish messages when unreadable; a body that is not a JSON object is a
  400 in the error shape (services/errors.py), which also gives zope.schema's messages in Danish.
"""

from datetime import date

from plone.restapi.deserializer.dxcontent import DeserializeFromJson
from plone.restapi.deserializer.dxfields import ChoiceFieldDeserializer as BaseChoiceDeserializer
from plone.restapi.deserializer.dxfields import DefaultFieldDeserializer
from plone.restapi.interfaces import IDeserializeFromJson
from plone.restapi.interfaces import IFieldDeserializer
from zExceptions import BadRequest
from zope.component import adapter
from zope.component import queryMultiAdapter
from zope.interface import implementer
from zope.schema import getFields

from os2bos_plone.content.activity import ActivityInvalid
from os2bos_plone.content.activity import IActivity
from os2bos_plone.engine.money import parse_machine
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.services.common import read_json
from os2bos_plone.services.errors import MSG_BAD_JSON
from os2bos_plone.validation.activity import MSG_GRANTED_CHANGE
from os2bos_plone.validation.activity import MSG_INVALID_DATE
from os2bos_plone.validation.activity import json_errors

MSG_AMOUNT = "Ugyldigt beløb"
MSG_CHOICE = "Ugyldig værdi."
MSG_ROWS = "Angiv rækkerne som en liste af objekter."

#: The list fields of rows (datagrid); their deserializer fails on anything but a list of objects.
ROW_FIELDS = ("payment_prices", "individual_payments")


def row_errors(data):
    """A row field that is not a list of objects: one error each, before any other reading."""
    errors = []
    for name in ROW_FIELDS:
        rows = data.get(name)
        if rows is None:
            continue
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            errors.append(_error(name, MSG_ROWS))
    return errors


@implementer(IFieldDeserializer)
class AmountFieldDeserializer(DefaultFieldDeserializer):
    def __call__(self, value):
        if value is None or value == "":
            self.field.validate(None)
            return None
        try:
            amount = parse_machine(value)
        except ValueError:
            raise ValueError(MSG_AMOUNT) from None
        self.field.validate(amount)
        return amount


@implementer(IFieldDeserializer)
class ChoiceFieldDeserializer(BaseChoiceDeserializer):
    """A choice is a token (text or number) or {"token": ...}; a list or an object without a
    token is no choice (the vocabulary would fail on an unhashable token)."""

    def __call__(self, value):
        if isinstance(value, dict):
            if "token" not in value:
                raise ValueError(MSG_CHOICE)
            value = value["token"]
        if value is not None and not isinstance(value, (str, int, float)):
            raise ValueError(MSG_CHOICE)
        return super().__call__(value)


@implementer(IFieldDeserializer)
class DateFieldDeserializer(DefaultFieldDeserializer):
    def __call__(self, value):
        if value is None or value == "":
            self.field.validate(None)
            return None
        if isinstance(value, date):
            day = value
        else:
            try:
                day = date.fromisoformat(str(value).strip()[:10])
            except ValueError:
                raise ValueError(MSG_INVALID_DATE) from None
        self.field.validate(day)
        return day


def _error(field, message):
    return {"field": field, "message": message, "error": "ValidationError"}


@implementer(IDeserializeFromJson)
@adapter(IActivity, IOs2BosPloneLayer)
class ActivityDeserializer(DeserializeFromJson):
    def __call__(self, validate_all=False, data=None, create=False, mask_validation_errors=True):
        if data is None:
            data = read_json(self.request)
            if data is None:
                raise BadRequest([_error("", MSG_BAD_JSON)])
        if not isinstance(data, dict):
            raise BadRequest([_error("", MSG_BAD_JSON)])
        shape = row_errors(data)
        if shape:
            raise BadRequest(shape)
        # plone.restapi sets the new values before it validates: judge them before that.
        errors = self.errors_before_setting(data, create)
        if errors:
            raise BadRequest([_error(error.field, error.message) for error in errors])
        try:
            return super().__call__(
                validate_all=validate_all,
                data=data,
                create=create,
                mask_validation_errors=False,
            )
        except BadRequest as exc:
            errors = exc.args[0] if exc.args else None
            if not isinstance(errors, list):
                raise
            raise BadRequest(self.expand(errors, mask_validation_errors)) from None

    @staticmethod
    def expand(errors, mask):
        """One error per field message; engine messages for a field whose value could not be
        read at all ("Ugyldigt beløb") are left out, they would only repeat it."""
        unreadable = {error.get("field") for error in errors if isinstance(error, dict)}
        unreadable.discard(None)
        expanded = []
        for error in errors:
            if not isinstance(error, dict):
                expanded.append(error)
                continue
            instance = error.get("error")
            if isinstance(instance, ActivityInvalid):
                expanded.extend(
                    _error(field, message)
                    for field, message in instance.errors
                    if field not in unreadable
                )
                continue
            if mask:
                error = {**error, "error": "ValidationError"}
            expanded.append(error)
        return expanded

    def errors_before_setting(self, data, create):
        """The rules of a save (validation.activity.json_errors) on the sent fields, read by their
        field deserializers. Unreadable values of an activity that is not granted are left to
        plone.restapi, which reports them with the rules' other messages."""
        typed, unreadable = {}, {}
        for name, field in getFields(IActivity).items():
            if name not in data or field.readonly:
                continue
            value = data[name]
            if value is None:
                typed[name] = field.missing_value
                continue
            deserializer = queryMultiAdapter(
                (field, self.context, self.request), IFieldDeserializer
            )
            try:
                typed[name] = deserializer(value) if deserializer is not None else value
            except Exception as error:  # noqa: BLE001 - unreadable input is reported either way
                unreadable[name] = str(error)
        errors = json_errors(self.context, typed, unreadable, create)
        if unreadable and not any(error.message == MSG_GRANTED_CHANGE for error in errors):
            return []
        return errors
