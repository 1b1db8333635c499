"""Deserialising activities: engine field errors as field-level 400 errors, and the rules for
changing a granted activity.

* The activity invariant raises ``ActivityInvalid`` carrying (field, message) pairs; they come
  back as one error per field ({"field": "start_date", "message": "..."}).
* A granted activity may only change end date, note, service provider and recipient; any other
  change is refused ("Ændringer i en bevilget ydelse laves som en forventet justering").
* Amounts and dates get Danish messages when unreadable; a body that is not a JSON object is a
  400 in the error shape (services/errors.py), which also gives zope.schema's messages in Danish.
"""

from datetime import date

from plone.restapi.deserializer.dxcontent import DeserializeFromJson
from plone.restapi.deserializer.dxfields import DefaultFieldDeserializer
from plone.restapi.interfaces import IDeserializeFromJson
from plone.restapi.interfaces import IFieldDeserializer
from zExceptions import BadRequest
from zope.component import adapter
from zope.component import queryMultiAdapter
from zope.interface import implementer
from zope.schema import getFields

from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.plans import forget_saved_values
from os2bos_plone.adapters.plans import remember_saved_values
from os2bos_plone.content.activity import ActivityInvalid
from os2bos_plone.content.activity import IActivity
from os2bos_plone.engine.money import parse_machine
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.services.common import read_json
from os2bos_plone.services.errors import MSG_BAD_JSON
from os2bos_plone.validation.activity import GRANTED_CHANGEABLE
from os2bos_plone.validation.activity import MSG_GRANTED_CHANGE
from os2bos_plone.validation.activity import MSG_INVALID_DATE
from os2bos_plone.validation.activity import comparable

MSG_AMOUNT = "Ugyldigt beløb"


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
        if not create and status_of(self.context) == "granted":
            self.refuse_granted_changes(data)
        # plone.restapi sets the new values before it validates: keep what the rules compare with.
        remember_saved_values(self.context, new=create)
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
        finally:
            forget_saved_values(self.context)

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

    def refuse_granted_changes(self, data):
        errors = []
        for name, field in getFields(IActivity).items():
            if name not in data or field.readonly or name in GRANTED_CHANGEABLE:
                continue
            current = getattr(self.context, name, None)
            value = data[name]
            if value is not None:
                deserializer = queryMultiAdapter(
                    (field, self.context, self.request), IFieldDeserializer
                )
                try:
                    value = deserializer(value) if deserializer is not None else value
                except Exception:  # noqa: BLE001 - unreadable input is a change too
                    errors.append(_error(name, MSG_GRANTED_CHANGE))
                    continue
            if comparable(value) != comparable(current):
                errors.append(_error(name, MSG_GRANTED_CHANGE))
        if errors:
            raise BadRequest(errors)
