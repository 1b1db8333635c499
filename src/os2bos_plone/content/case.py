"""The child's case (sag) and its grants (bevillinger)."""

from collective.z3cform.datagridfield.datagridfield import DataGridFieldFactory
from collective.z3cform.datagridfield.row import DictRow
from plone import api
from plone.app.z3cform.widgets.select import AjaxSelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import implementer
from zope.interface import invariant
from zope.schema.interfaces import IList
from zope.schema.interfaces import TooLong
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from os2bos_plone import _
from os2bos_plone.classification.reader import list_row
from os2bos_plone.content.constraints import ensure_unique
from os2bos_plone.engine.identifiers import InvalidIdentifier
from os2bos_plone.engine.identifiers import validate_cpr
from os2bos_plone.engine.identifiers import validate_sbsys_id
from os2bos_plone.interfaces import constraint_from

#: Bounds of free text: names and titles, and notes and comments (characters).
NAME_LENGTH = 200
NOTE_LENGTH = 10000
MSG_TOO_LONG = "Teksten er for lang (højst {most} tegn)."


class TextTooLong(TooLong):
    """zope.schema's TooLong with a Danish message that names the bound (forms and REST)."""

    def doc(self):
        return MSG_TOO_LONG.format(most=self.bound)


class _Bounded:
    def _validate(self, value):
        # Before zope.schema's own check, whose message does not name the bound.
        if self.max_length is not None and isinstance(value, str):
            if len(value) > self.max_length:
                raise TextTooLong(value, self.max_length).with_field_and_value(self, value)
        super()._validate(value)


class BoundedTextLine(_Bounded, schema.TextLine):
    """A one-line text of at most ``max_length`` characters (default: a name's)."""

    def __init__(self, max_length=NAME_LENGTH, **kw):
        super().__init__(max_length=max_length, **kw)


class BoundedText(_Bounded, schema.Text):
    """A text of at most ``max_length`` characters (default: a note's)."""

    def __init__(self, max_length=NOTE_LENGTH, **kw):
        super().__init__(max_length=max_length, **kw)


# The case fields whose changes are kept as a dated history (assessment and responsibility).
HISTORY_FIELDS = (
    "case_worker",
    "effort_step",
    "scaling_step",
    "assessment_comment",
    "acting_municipality",
)

REQUIRED_FIELD_LABELS = {
    "district": "skoledistrikt",
    "effort_step": "trin på indsatstrappen",
    "scaling_step": "trin på skaleringstrappen",
}


def _check_user(value):
    if value and api.user.get(userid=value) is None:
        raise ValueError(f"Brugeren »{value}« findes ikke.")


def _check_cpr(value):
    validate_cpr(value)


def _check_sbsys_id(value):
    validate_sbsys_id(value)


# -- the family (related persons, spec 1.10) ---------------------------------------------------

#: The relations a related person may have to the child: {key: Danish title}. "mor"/"far" are
#: the parents Danmarks Statistik's L201 delivery reports (the first of them).
RELATIONS = {
    "mor": "Mor",
    "far": "Far",
    "soeskende": "Søskende",
    "plejeforaelder": "Plejeforælder",
    "bedsteforaelder": "Bedsteforælder",
    "andet": "Anden relation",
}
PARENT_RELATIONS = ("mor", "far")
RELATION_VOCABULARY = SimpleVocabulary(
    [SimpleTerm(key, key, title) for key, title in RELATIONS.items()]
)
MSG_NO_CASE = "Der findes ingen sag med UID »{uid}«."


def _check_related_case(value):
    if not value:
        return
    found = api.content.find(portal_type="bos_case", UID=value, unrestricted=True)
    if not found:
        raise ValueError(MSG_NO_CASE.format(uid=value))


def format_cpr(value):
    """A valid CPR number as DDMMÅÅ-XXXX (the family's stored form)."""
    digits = validate_cpr(value)
    return f"{digits[:6]}-{digits[6:]}"


class CprTextLine(BoundedTextLine):
    """A CPR number; a valid one typed on the form is stored as DDMMÅÅ-XXXX, as REST does."""

    def fromUnicode(self, value):
        try:
            value = format_cpr(value)
        except InvalidIdentifier:
            pass  # validation gives the message
        return super().fromUnicode(value)


class IRelatedPersonRow(Interface):
    relation = schema.Choice(
        title=_("label_related_relation", default="Relation"), vocabulary=RELATION_VOCABULARY
    )
    cpr = CprTextLine(
        title=_("label_related_cpr", default="CPR-nummer"),
        description=_("help_related_cpr", default="DDMMÅÅ-XXXX"),
        max_length=11,
        constraint=constraint_from(_check_cpr),
    )
    name = BoundedTextLine(title=_("label_related_name", default="Navn"))
    related_case = BoundedTextLine(
        title=_("label_related_case", default="Egen sag (UID)"),
        description=_(
            "help_related_case", default="UID på personens egen sag, hvis personen har en."
        ),
        max_length=NAME_LENGTH,
        required=False,
        # "" (not None) when empty, on the form as over REST: one shape for every reader.
        missing_value="",
        default="",
        constraint=constraint_from(_check_related_case),
    )


class IRelatedPersonsField(IList):
    """The case's family: a list of related-person rows (its own REST deserializer)."""


@implementer(IRelatedPersonsField)
class RelatedPersonsField(schema.List):
    pass


class ICase(model.Schema):
    sbsys_id = BoundedTextLine(
        title=_("SBSYS id"),
        description=_("The main case number in SBSYS, e.g. 27.24.00-G01-1-25."),
        constraint=constraint_from(_check_sbsys_id),
    )
    cpr_number = BoundedTextLine(
        title=_("CPR number"),
        description=_("The child's CPR number (DDMMÅÅ-XXXX)."),
        constraint=constraint_from(_check_cpr),
    )
    title = BoundedTextLine(title=_("Child's name"))
    directives.widget(
        "case_worker", AjaxSelectFieldWidget, vocabulary="plone.app.vocabularies.Users"
    )
    # No default factory: Dexterity evaluates defaults lazily for unset attributes, so a
    # "current user" default would make every reader the case worker (and give them access).
    # The creator is stored once, when the case is added (subscribers.case_added).
    case_worker = BoundedTextLine(
        title=_("Case worker"),
        description=_("User name of the responsible case worker; empty: the creator."),
        constraint=constraint_from(_check_user),
        required=False,
    )
    team = schema.Choice(
        title=_("Team"), vocabulary="os2bos_plone.vocabularies.Teams", required=False
    )
    target_group = schema.Choice(
        title=_("Target group"), vocabulary="os2bos_plone.vocabularies.TargetGroups"
    )
    district = schema.Choice(
        title=_("School district"),
        vocabulary="os2bos_plone.vocabularies.SchoolDistricts",
        required=False,
    )
    paying_municipality = schema.Choice(
        title=_("Paying municipality"), vocabulary="os2bos_plone.vocabularies.Municipalities"
    )
    acting_municipality = schema.Choice(
        title=_("Acting municipality"), vocabulary="os2bos_plone.vocabularies.Municipalities"
    )
    residence_municipality = schema.Choice(
        title=_("Residence municipality"), vocabulary="os2bos_plone.vocabularies.Municipalities"
    )

    model.fieldset(
        "assessment",
        label=_("Assessment"),
        fields=["effort_step", "scaling_step", "assessment_comment", "efforts"],
    )
    effort_step = schema.Choice(
        title=_("Effort step"), vocabulary="os2bos_plone.vocabularies.EffortSteps", required=False
    )
    scaling_step = schema.Int(title=_("Scaling step (1-10)"), min=1, max=10, required=False)
    assessment_comment = BoundedText(title=_("Assessment comment"), required=False)
    efforts = schema.List(
        title=_("Efforts"),
        value_type=schema.Choice(vocabulary="os2bos_plone.vocabularies.Efforts"),
        required=False,
        default=[],
    )
    note = BoundedText(title=_("Note"), required=False)

    model.fieldset("family", label=_("label_family", default="Familie"), fields=["related_persons"])
    # Default []: cases made before the field read it as empty, no upgrade step needed.
    directives.widget("related_persons", DataGridFieldFactory, auto_append=False)
    related_persons = RelatedPersonsField(
        title=_("label_related_persons", default="Familie"),
        description=_(
            "help_related_persons",
            default="Relaterede personer: mor, far, søskende, plejeforældre og andre.",
        ),
        value_type=DictRow(
            title=_("label_related_person", default="Person"), schema=IRelatedPersonRow
        ),
        required=False,
        default=[],
    )

    @invariant
    def unique_sbsys_id(data):
        ensure_unique(
            data,
            "bos_case",
            "bos_sbsys_id",
            data.sbsys_id,
            f"Der findes allerede en sag med SBSYS-id »{data.sbsys_id}«.",
        )

    @invariant
    def target_group_required_fields(data):
        group = list_row("target_groups", data.target_group) if data.target_group else None
        for name in (group or {}).get("required_fields") or []:
            if getattr(data, name, None) in (None, ""):
                label = REQUIRED_FIELD_LABELS.get(name, name)
                raise Invalid(f"En sag med målgruppen »{group['title']}« skal have feltet {label}.")


@implementer(ICase)
class Case(Container):
    def Title(self):
        return self.title or ""


class IAppropriation(model.Schema):
    sbsys_id = BoundedTextLine(
        title=_("SBSYS id"),
        description=_("The appropriation's own SBSYS case (foranstaltningssag)."),
        constraint=constraint_from(_check_sbsys_id),
    )
    section = schema.Choice(
        title=_("Section"), vocabulary="os2bos_plone.vocabularies.Sections", required=False
    )
    note = BoundedText(title=_("Note"), required=False)

    @invariant
    def unique_sbsys_id(data):
        ensure_unique(
            data,
            "bos_appropriation",
            "bos_sbsys_id",
            data.sbsys_id,
            f"Der findes allerede en bevilling med SBSYS-id »{data.sbsys_id}«.",
        )


@implementer(IAppropriation)
class Appropriation(Container):
    def Title(self):
        return self.sbsys_id or ""
