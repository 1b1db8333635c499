"""The two top-level containers the add-on installs: /sager and /regelmotor.

The regelmotor container also holds the small lists (target groups, effort steps, municipalities,
...) and the approval rules as data grids: one object to read, edited on its own form or over REST.
"""

from collective.z3cform.datagridfield.datagridfield import DataGridFieldFactory
from collective.z3cform.datagridfield.row import DictRow
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from z3c.form.browser.checkbox import CheckBoxFieldWidget
from zope import schema
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import implementer
from zope.interface import invariant

from os2bos_plone import _
from os2bos_plone.classification.reader import approval_levels
from os2bos_plone.classification.reader import rules_from_rows
from os2bos_plone.engine.approval import validate_rules
from os2bos_plone.engine.validation import MAX_PLAN_PAYMENTS
from os2bos_plone.engine.validation import MAX_PLAN_YEARS


class ICasesFolder(model.Schema):
    """The container of all cases (Sager)."""


@implementer(ICasesFolder)
class CasesFolder(Container):
    # Unordered: an ordered folder keeps one list of every child id, which every new case
    # rewrites (a hot object with ~10,000 ids, a conflict between instances). Cases are listed
    # through the catalog, never by position.
    _ordering = "unordered"


CASE_FIELDS_A_TARGET_GROUP_CAN_REQUIRE = ("district", "effort_step", "scaling_step")


class ITargetGroupRow(Interface):
    key = schema.ASCIILine(title=_("Key"))
    title = schema.TextLine(title=_("Name"))
    directives.widget("required_fields", CheckBoxFieldWidget)
    required_fields = schema.List(
        title=_("Required case fields"),
        value_type=schema.Choice(values=CASE_FIELDS_A_TARGET_GROUP_CAN_REQUIRE),
        required=False,
        default=[],
    )
    active = schema.Bool(title=_("Active"), default=True, required=False)


class IEffortStepRow(Interface):
    number = schema.Int(title=_("Step"), min=1, max=6)
    title = schema.TextLine(title=_("Name"))
    active = schema.Bool(title=_("Active"), default=True, required=False)


class IEffortRow(Interface):
    key = schema.ASCIILine(title=_("Key"))
    title = schema.TextLine(title=_("Name"))
    target_groups = schema.List(
        title=_("Target groups"),
        value_type=schema.Choice(vocabulary="os2bos_plone.vocabularies.TargetGroups"),
        required=False,
        default=[],
    )
    active = schema.Bool(title=_("Active"), default=True, required=False)


class IMunicipalityRow(Interface):
    code = schema.ASCIILine(title=_("Municipality code"))
    name = schema.TextLine(title=_("Name"))
    active = schema.Bool(title=_("Active"), default=True, required=False)


class IKeyTitleRow(Interface):
    key = schema.ASCIILine(title=_("Key"))
    title = schema.TextLine(title=_("Name"))
    active = schema.Bool(title=_("Active"), default=True, required=False)


# A data grid row schema declares every column itself: the datagridfield's row converter reads
# only the schema's own fields (namesAndDescriptions()), so columns inherited from another row
# schema loaded as empty required cells and were dropped on save.


class IUnitRow(Interface):
    """An afsnit: its leader reads the cases of the afsnit's teams (security.localroles)."""

    key = schema.ASCIILine(title=_("Key"))
    title = schema.TextLine(title=_("Name"))
    active = schema.Bool(title=_("Active"), default=True, required=False)
    leader = schema.TextLine(title=_("Leader (user name)"), required=False)


class ITeamRow(Interface):
    key = schema.ASCIILine(title=_("Key"))
    title = schema.TextLine(title=_("Name"))
    active = schema.Bool(title=_("Active"), default=True, required=False)
    leader = schema.TextLine(title=_("Leader (user name)"), required=False)
    unit = schema.Choice(
        title=_("Unit"), vocabulary="os2bos_plone.vocabularies.Units", required=False
    )


class IActivityCategoryRow(Interface):
    category_id = schema.ASCIILine(title=_("Category id"))
    title = schema.TextLine(title=_("Name"))
    active = schema.Bool(title=_("Active"), default=True, required=False)


class IAccountAliasRow(Interface):
    alias = schema.TextLine(title=_("Alias"))
    main_account_number = schema.TextLine(title=_("Main account number"))
    category_id = schema.TextLine(title=_("Category id"))


class IPaymentDateExclusionRow(Interface):
    date = schema.Date(title=_("Date"))
    note = schema.TextLine(title=_("Note"), required=False)


class IApprovalRuleRow(Interface):
    section = schema.TextLine(
        title=_("Section (key or prefix)"),
        description=_("Empty: every section. »BL-43« also matches BL-43-1.1 etc."),
        required=False,
    )
    service = schema.Choice(
        title=_("Service"), vocabulary="os2bos_plone.vocabularies.ServiceIds", required=False
    )
    min_annual_cost = schema.Decimal(title=_("Annual cost from (incl.)"), required=False)
    max_annual_cost = schema.Decimal(title=_("Annual cost below"), required=False)
    level = schema.Choice(
        title=_("Required approval level"),
        vocabulary="os2bos_plone.vocabularies.ApprovalLevels",
    )
    note = schema.TextLine(title=_("Note"), required=False)


def _unique(rows, key, label):
    seen = set()
    for number, row in enumerate(rows or [], start=1):
        value = row.get(key)
        if value in seen:
            raise Invalid(f"{label}, række {number}: »{value}« findes allerede i listen.")
        seen.add(value)


class IRegelmotor(model.Schema):
    """The container of the classification (regelmotor), with the small lists."""

    model.fieldset(
        "rules",
        label=_("Approval rules"),
        fields=["approval_rules"],
    )
    directives.widget("approval_rules", DataGridFieldFactory, auto_append=False)
    approval_rules = schema.List(
        title=_("Approval rules"),
        description=_(
            "A measure needs the highest-ranked level among the matching rules; when no rule "
            "matches, the lowest level (own competence)."
        ),
        value_type=DictRow(title=_("Rule"), schema=IApprovalRuleRow),
        required=False,
        default=[],
    )

    model.fieldset(
        "case_lists",
        label=_("Case lists"),
        fields=["target_groups", "effort_steps", "efforts", "school_districts", "units", "teams"],
    )
    directives.widget("target_groups", DataGridFieldFactory, auto_append=False)
    target_groups = schema.List(
        title=_("Target groups"),
        value_type=DictRow(title=_("Target group"), schema=ITargetGroupRow),
        required=False,
        default=[],
    )
    directives.widget("effort_steps", DataGridFieldFactory, auto_append=False)
    effort_steps = schema.List(
        title=_("Effort steps (indsatstrappen)"),
        value_type=DictRow(title=_("Effort step"), schema=IEffortStepRow),
        required=False,
        default=[],
    )
    directives.widget("efforts", DataGridFieldFactory, auto_append=False)
    efforts = schema.List(
        title=_("Efforts"),
        value_type=DictRow(title=_("Effort"), schema=IEffortRow),
        required=False,
        default=[],
    )
    directives.widget("school_districts", DataGridFieldFactory, auto_append=False)
    school_districts = schema.List(
        title=_("School districts"),
        value_type=DictRow(title=_("School district"), schema=IKeyTitleRow),
        required=False,
        default=[],
    )
    directives.widget("units", DataGridFieldFactory, auto_append=False)
    units = schema.List(
        title=_("Organisational units"),
        description=_("The unit's leader reads the cases of the teams in the unit."),
        value_type=DictRow(title=_("Unit"), schema=IUnitRow),
        required=False,
        default=[],
    )
    directives.widget("teams", DataGridFieldFactory, auto_append=False)
    teams = schema.List(
        title=_("Teams"),
        description=_(
            "Each team has a group »bos_team_<key>«; add its members in the groups control panel."
        ),
        value_type=DictRow(title=_("Team"), schema=ITeamRow),
        required=False,
        default=[],
    )

    model.fieldset(
        "payment_lists",
        label=_("Payment lists"),
        fields=[
            "municipalities",
            "activity_categories",
            "account_aliases",
            "internal_recipients",
            "payment_date_exclusions",
            "max_plan_years",
            "max_plan_payments",
        ],
    )
    directives.widget("municipalities", DataGridFieldFactory, auto_append=False)
    municipalities = schema.List(
        title=_("Municipalities"),
        value_type=DictRow(title=_("Municipality"), schema=IMunicipalityRow),
        required=False,
        default=[],
    )
    directives.widget("activity_categories", DataGridFieldFactory, auto_append=False)
    activity_categories = schema.List(
        title=_("Activity categories"),
        value_type=DictRow(title=_("Activity category"), schema=IActivityCategoryRow),
        required=False,
        default=[],
    )
    directives.widget("account_aliases", DataGridFieldFactory, auto_append=False)
    account_aliases = schema.List(
        title=_("Account aliases"),
        description=_(
            "The finance system's alias (PRISME field 111) for a main account and activity "
            "category."
        ),
        value_type=DictRow(title=_("Account alias row"), schema=IAccountAliasRow),
        required=False,
        default=[],
    )
    directives.widget("internal_recipients", DataGridFieldFactory, auto_append=False)
    internal_recipients = schema.List(
        title=_("Internal payment recipients"),
        value_type=DictRow(title=_("Internal recipient"), schema=IKeyTitleRow),
        required=False,
        default=[],
    )
    directives.widget("payment_date_exclusions", DataGridFieldFactory, auto_append=False)
    payment_date_exclusions = schema.List(
        title=_("Extra non-payment dates"),
        description=_(
            "Weekends and Danish bank holidays are computed for every year; add extra dates here."
        ),
        value_type=DictRow(title=_("Date"), schema=IPaymentDateExclusionRow),
        required=False,
        default=[],
    )
    max_plan_years = schema.Int(
        title=_("Longest payment plan (years from its start)"),
        default=MAX_PLAN_YEARS,
        min=1,
        max=50,
    )
    max_plan_payments = schema.Int(
        title=_("Most payments in one payment plan"),
        default=MAX_PLAN_PAYMENTS,
        min=1,
        max=100000,
    )

    @invariant
    def lists_have_unique_keys(data):
        _unique(data.target_groups, "key", "Målgrupper")
        _unique(data.effort_steps, "number", "Indsatstrappen")
        _unique(data.efforts, "key", "Indsatser")
        _unique(data.school_districts, "key", "Skoledistrikter")
        _unique(data.units, "key", "Afsnit")
        _unique(data.teams, "key", "Teams")
        _unique(data.municipalities, "code", "Kommuner")
        _unique(data.activity_categories, "category_id", "Aktivitetskategorier")
        _unique(data.account_aliases, "alias", "Kontoaliaser")
        _unique(data.internal_recipients, "key", "Interne modtagere")
        _unique(data.payment_date_exclusions, "date", "Betalingsundtagelser")

    @invariant
    def rules_are_valid(data):
        errors = validate_rules(rules_from_rows(data.approval_rules or []), approval_levels())
        if errors:
            raise Invalid(" ".join(errors))


@implementer(IRegelmotor)
class Regelmotor(Container):
    pass
