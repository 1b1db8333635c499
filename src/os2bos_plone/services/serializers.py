"""Money on our content types serialises as a decimal string with exactly two decimals ("500.00"),
also inside dated rows (unit prices, rate periods, individual payments)."""

from decimal import Decimal

from plone import api
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.serializer.dxcontent import SerializeFolderToJson
from plone.restapi.serializer.dxcontent import SerializeToJson
from plone.restapi.serializer.dxfields import DefaultFieldSerializer
from zope.component import adapter
from zope.interface import implementer

from os2bos_plone.adapters.lookup import appropriation_status
from os2bos_plone.adapters.lookup import granted_period
from os2bos_plone.classification.reader import by_key
from os2bos_plone.content.activity import IActivity
from os2bos_plone.content.case import IAppropriation
from os2bos_plone.decisions.competence import grant_rule
from os2bos_plone.engine.money import format_machine
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.figures import iso


@implementer(IFieldSerializer)
class MoneyFieldSerializer(DefaultFieldSerializer):
    def __call__(self):
        value = self.get_value()
        return format_machine(value) if value is not None else None


@implementer(IFieldSerializer)
class RowsFieldSerializer(DefaultFieldSerializer):
    """Lists of dict rows (datagrid fields): Decimal values as money, the rest as usual."""

    def __call__(self):
        value = self.get_value()
        if not value:
            return json_compatible(value)
        rows = []
        for row in value:
            if isinstance(row, dict):
                row = {
                    key: format_machine(item) if isinstance(item, Decimal) else item
                    for key, item in row.items()
                }
            rows.append(row)
        return json_compatible(rows)


@implementer(ISerializeToJson)
@adapter(IAppropriation, IOs2BosPloneLayer)
class SerializeAppropriationToJson(SerializeFolderToJson):
    """An appropriation with its derived status and granted period (spec 1.5)."""

    def __call__(self, version=None, include_items=True, include_expansion=True):
        result = super().__call__(
            version=version, include_items=include_items, include_expansion=include_expansion
        )
        granted_from, granted_to = granted_period(self.context)
        result["status"] = appropriation_status(self.context)
        result["granted_from_date"] = iso(granted_from)
        result["granted_to_date"] = iso(granted_to)
        return result


@implementer(ISerializeToJson)
@adapter(IActivity, IOs2BosPloneLayer)
class SerializeActivityToJson(SerializeToJson):
    """An activity with the approval level it needs (as submitted, or as the rules say now for
    a draft), whether the current user may grant it, and the recorded committee decision."""

    def __call__(self, version=None, include_items=True):
        result = super().__call__(version=version, include_items=include_items)
        rule = grant_rule(api.user.get_current(), [self.context])
        stored = getattr(self.context, "required_approval_level", None)
        required = by_key("bos_approval_level", stored) if stored else None
        result["required_approval_level"] = {
            "token": required.key if required is not None else rule.required.key,
            "title": required.title if required is not None else rule.required.title,
        }
        result["may_grant"] = rule.allowed()
        result["meeting_date"] = iso(getattr(self.context, "meeting_date", None))
        result["decision_reference"] = getattr(self.context, "decision_reference", "") or ""
        result["decision_text"] = getattr(self.context, "decision_text", "") or ""
        # Accounting (spec 2.8), derived and read only: a write of these keys is ignored, as
        # of every key that is no schema field.
        account = activity_account(self.context)
        result["account_number"] = account.account_number
        result["account_string"] = account.account_string
        result["account_alias"] = account.account_alias
        return result
