"""The activity (ydelse) with its payment plan. Field names are the REST contract (docs/api.md)."""

from collective.z3cform.datagridfield.datagridfield import DataGridFieldFactory
from collective.z3cform.datagridfield.row import DictRow
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.component import getUtility
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import implementer
from zope.interface import invariant
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from os2bos_plone import _
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.content.case import NAME_LENGTH
from os2bos_plone.content.case import BoundedText
from os2bos_plone.content.case import BoundedTextLine
from os2bos_plone.engine.activity_rules import PAYMENT_PLAN_FIELDS
from os2bos_plone.engine.activity_rules import RECIPIENT_FIELDS


def _choices(*pairs):
    return SimpleVocabulary([SimpleTerm(value=v, token=v, title=t) for v, t in pairs])


ACTIVITY_TYPES = _choices(("main", _("Main activity")), ("supplementary", _("Supplementary")))
PAYMENT_TYPES = _choices(
    ("one_time", _("One-time payment")),
    ("running", _("Running payment")),
    ("individual", _("Individual payment plan")),
)
FREQUENCIES = _choices(
    ("daily", _("Daily")),
    ("weekly", _("Weekly")),
    ("biweekly", _("Every second week")),
    ("monthly", _("Monthly")),
)
COST_TYPES = _choices(
    ("fixed", _("Fixed amount")),
    ("per_unit", _("Price per unit")),
    ("rate", _("Central rate x units")),
)
RECIPIENT_TYPES = _choices(
    ("person", _("Person")), ("company", _("Company")), ("internal", _("Internal"))
)
PAYMENT_METHODS = _choices(
    ("cash", _("Cash payment")),
    ("sd", _("SD payroll")),
    ("invoice", _("Invoice")),
    ("internal", _("Internal settlement")),
)


class IActivityRules(Interface):
    """The rules a whole activity is saved under, as one callable ``rules(data)`` returning the
    engine's field errors of z3c.form data (the context in ``data.__context__``).

    The schema's invariant asks for it as a utility: the rules read the appropriation, the
    sibling activities and the regelmotor, so they live above content (os2bos_plone.validation
    registers ``validation.activity.validation_errors``)."""

    def __call__(data):
        """The field errors (engine ``FieldError``) of the activity values ``data``."""


class ActivityInvalid(Invalid):
    """The engine's field errors for an activity: ``errors`` are (field, message) pairs.

    The REST deserializer (services/deserializers.py) answers them as field-level 400 errors;
    forms show the joined message."""

    def __init__(self, errors):
        self.errors = [(error.field, error.message) for error in errors]
        super().__init__(" ".join(message for _field, message in self.errors))


class IPriceRow(Interface):
    start_date = schema.Date(title=_("From (inclusive)"), required=False)
    end_date = schema.Date(title=_("To (exclusive)"), required=False)
    amount = schema.Decimal(title=_("Amount"))


class IIndividualPaymentRow(Interface):
    date = schema.Date(title=_("Date"))
    amount = schema.Decimal(title=_("Amount"))


class IActivity(model.Schema):
    service = schema.Choice(title=_("Service"), vocabulary="os2bos_plone.vocabularies.Services")
    activity_type = schema.Choice(title=_("Activity type"), vocabulary=ACTIVITY_TYPES)
    start_date = schema.Date(title=_("Start date"), required=False)
    end_date = schema.Date(
        title=_("End date"), description=_("Empty: the activity runs on."), required=False
    )
    directives.mode(modifies="hidden")
    modifies = schema.ASCIILine(
        title=_("Adjusts"),
        max_length=NAME_LENGTH,
        description=_("The granted activity this expected adjustment replaces."),
        required=False,
    )
    service_provider = schema.Choice(
        title=_("Service provider"),
        vocabulary="os2bos_plone.vocabularies.ServiceProviders",
        required=False,
    )
    note = BoundedText(title=_("Note"), required=False)

    model.fieldset(
        "payment",
        label=_("Payment plan"),
        fields=[*PAYMENT_PLAN_FIELDS, *RECIPIENT_FIELDS, "fictive"],
    )
    payment_type = schema.Choice(title=_("Payment type"), vocabulary=PAYMENT_TYPES)
    payment_frequency = schema.Choice(title=_("Frequency"), vocabulary=FREQUENCIES, required=False)
    payment_day_of_month = schema.Int(title=_("Day of month"), min=1, max=31, required=False)
    payment_date = schema.Date(title=_("Payment date (one-time)"), required=False)
    payment_cost_type = schema.Choice(title=_("Cost type"), vocabulary=COST_TYPES, required=False)
    payment_amount = schema.Decimal(title=_("Amount per payment"), required=False)
    payment_units = schema.Decimal(title=_("Units"), required=False)
    payment_rate = schema.Choice(
        title=_("Rate"), vocabulary="os2bos_plone.vocabularies.Rates", required=False
    )
    directives.widget("payment_prices", DataGridFieldFactory, auto_append=False)
    payment_prices = schema.List(
        title=_("Price per unit (dated)"),
        value_type=DictRow(title=_("Price"), schema=IPriceRow),
        required=False,
        default=[],
    )
    directives.widget("individual_payments", DataGridFieldFactory, auto_append=False)
    individual_payments = schema.List(
        title=_("Individual payments"),
        description=_("Only for an individual payment plan: each payment's date and amount."),
        value_type=DictRow(title=_("Payment"), schema=IIndividualPaymentRow),
        required=False,
        default=[],
    )
    recipient_type = schema.Choice(title=_("Recipient type"), vocabulary=RECIPIENT_TYPES)
    recipient_id = BoundedTextLine(
        title=_("Recipient id"), description=_("CPR, CVR or internal id."), required=False
    )
    recipient_name = BoundedTextLine(title=_("Recipient name"), required=False)
    payment_method = schema.Choice(title=_("Payment method"), vocabulary=PAYMENT_METHODS)
    fictive = schema.Bool(
        title=_("Fictive"),
        description=_("Planned and costed, but never paid out or exported."),
        default=False,
        required=False,
    )

    model.fieldset(
        "approval",
        label=_("Approval"),
        fields=[
            "payment_id",
            "approval_level",
            "approval_note",
            "approval_user",
            "appropriation_date",
        ],
    )
    # Set by the system (payment id on the first save, the rest by the grant service).
    payment_id = schema.TextLine(title=_("Payment id"), required=False, readonly=True)
    approval_level = schema.TextLine(title=_("Approval level"), required=False, readonly=True)
    approval_note = BoundedText(title=_("Approval note"), required=False, readonly=True)
    approval_user = schema.TextLine(title=_("Approved by"), required=False, readonly=True)
    appropriation_date = schema.Date(title=_("Appropriation date"), required=False, readonly=True)

    @invariant
    def plan_is_valid(data):
        """The engine's rules (spec 2.6/2.7) on the whole activity, with Danish messages.

        For code that validates through the schema; the activity forms and REST judge the values
        before they set them (validation.activity) and do not run this again."""
        errors = getUtility(IActivityRules)(data)
        if errors:
            raise ActivityInvalid(errors)


@implementer(IActivity)
class Activity(Item):
    def Title(self):
        service = by_uid(getattr(self, "service", None))
        return service.title if service is not None else self.id
