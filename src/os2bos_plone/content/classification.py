"""The classification (regelmotor) as content: law sections, services, rates, providers and
approval levels. Administrators edit them through the web; nothing about the law is in code.

References inside the classification use keys (section key, 6-digit service id, CVR number), as in
the spreadsheets municipalities keep; cases refer to classification objects by UID.
"""

import re
from decimal import Decimal

from collective.z3cform.datagridfield.datagridfield import DataGridFieldFactory
from collective.z3cform.datagridfield.row import DictRow
from plone.app.z3cform.widgets.select import AjaxSelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import implementer
from zope.interface import invariant

from os2bos_plone import _
from os2bos_plone.content.constraints import ensure_unique
from os2bos_plone.engine.identifiers import validate_cvr
from os2bos_plone.engine.identifiers import validate_service_id
from os2bos_plone.engine.prices import parse_price_rows
from os2bos_plone.interfaces import constraint_from

SECTION_KEY = re.compile(r"^[A-ZÆØÅ]{2,4}-[0-9A-Za-z][0-9A-Za-z.\-]*$")


def _check_section_key(value):
    if not SECTION_KEY.match(value or ""):
        raise ValueError(
            "Nøglen skal have formen LOV-paragraf[-stk.nr], fx »BL-32-1.3« eller »BL-46«."
        )


def _check_vat_factor(value):
    if value is not None and not (Decimal("0") < value <= Decimal("100")):
        raise ValueError("Momsfaktoren skal være større end 0 og højst 100 procent.")


def _check_cvr(value):
    validate_cvr(value)


def _check_service_id(value):
    validate_service_id(value)


class IClassificationItem(model.Schema):
    """Common to every classification entry: an active flag (inactive entries stay on old data)."""

    active = schema.Bool(
        title=_("Active"),
        description=_("Inactive entries are not offered for new choices but still show on data."),
        default=True,
        required=False,
    )


# -- Section (paragraf) ---------------------------------------------------------------------------


class ISection(IClassificationItem):
    key = schema.TextLine(
        title=_("Key"),
        description=_("Unique key of the section, e.g. BL-32-1.3."),
        constraint=constraint_from(_check_section_key),
    )
    title = schema.TextLine(title=_("Title"))
    law_name = schema.TextLine(title=_("Law"), default="Barnets lov")
    text = schema.Text(title=_("Explanatory text"), required=False)
    target_groups = schema.List(
        title=_("Allowed target groups"),
        description=_("Empty: the section may be used for every target group."),
        value_type=schema.Choice(vocabulary="os2bos_plone.vocabularies.TargetGroups"),
        required=False,
        default=[],
    )
    effort_steps = schema.List(
        title=_("Allowed effort steps"),
        description=_("Empty: the section may be used on every step."),
        value_type=schema.Choice(vocabulary="os2bos_plone.vocabularies.EffortSteps"),
        required=False,
        default=[],
    )
    old_sel_keys = schema.TextLine(title=_("Former Serviceloven section"), required=False)

    model.fieldset(
        "dst",
        label=_("Danmarks Statistik"),
        fields=["dst_code", "dst_preventative_measures", "dst_handicap"],
    )
    dst_code = schema.TextLine(title=_("DST code"), required=False)
    dst_preventative_measures = schema.Bool(
        title=_("Reported as preventive measure (L201)"), default=False, required=False
    )
    dst_handicap = schema.Bool(
        title=_("Reported as disability case (L231)"), default=False, required=False
    )

    @invariant
    def unique_key(data):
        ensure_unique(
            data,
            "bos_section",
            "bos_key",
            data.key,
            f"Der findes allerede en paragraf med nøglen »{data.key}«.",
        )


@implementer(ISection)
class Section(Item):
    def Title(self):
        return f"{self.key} {self.title}" if getattr(self, "key", None) else self.title or ""


# -- Service (ydelse) ------------------------------------------------------------------------------


class IServiceSectionRow(Interface):
    section = schema.Choice(title=_("Section"), vocabulary="os2bos_plone.vocabularies.SectionKeys")
    main = schema.Bool(title=_("Main"), required=False, default=False)
    supplementary = schema.Bool(title=_("Supplementary"), required=False, default=False)
    kle_number = schema.TextLine(title=_("KLE number"), required=False)
    sbsys_template_id = schema.TextLine(title=_("SBSYS template id"), required=False)
    main_account_number = schema.TextLine(title=_("Main account number"), required=False)
    supplementary_main_account_number = schema.TextLine(
        title=_("Main account for supplementary services"), required=False
    )
    activity_category = schema.Choice(
        title=_("Activity category"),
        vocabulary="os2bos_plone.vocabularies.ActivityCategories",
        required=False,
    )


class IService(IClassificationItem):
    service_id = schema.TextLine(
        title=_("Service id"),
        description=_("Six digits, unique."),
        constraint=constraint_from(_check_service_id),
    )
    title = schema.TextLine(title=_("Name"))
    description = schema.Text(title=_("Description"), required=False)
    activity_category = schema.Choice(
        title=_("Activity category"),
        vocabulary="os2bos_plone.vocabularies.ActivityCategories",
        required=False,
    )
    directives.widget("sections", DataGridFieldFactory, allow_reorder=True, auto_append=False)
    sections = schema.List(
        title=_("Sections"),
        description=_(
            "The sections the service may be granted under, as main and/or supplementary service, "
            "with KLE number, SBSYS template and accounts."
        ),
        value_type=DictRow(title=_("Section"), schema=IServiceSectionRow),
        required=False,
        default=[],
    )
    directives.widget(
        "follows_main_services",
        AjaxSelectFieldWidget,
        vocabulary="os2bos_plone.vocabularies.ServiceIds",
    )
    follows_main_services = schema.List(
        title=_("May follow these main services"),
        description=_("As a supplementary service, only after one of these main services."),
        value_type=schema.Choice(vocabulary="os2bos_plone.vocabularies.ServiceIds"),
        required=False,
        default=[],
    )
    directives.widget(
        "preferred_providers",
        AjaxSelectFieldWidget,
        vocabulary="os2bos_plone.vocabularies.ProviderCVRs",
    )
    preferred_providers = schema.List(
        title=_("Preferred service providers"),
        description=_("The administration's frame agreements, offered first."),
        value_type=schema.Choice(vocabulary="os2bos_plone.vocabularies.ProviderCVRs"),
        required=False,
        default=[],
    )
    only_preferred = schema.Bool(
        title=_("Only preferred providers may be chosen"), default=False, required=False
    )

    @invariant
    def unique_service_id(data):
        ensure_unique(
            data,
            "bos_service",
            "bos_key",
            data.service_id,
            f"Der findes allerede en ydelse med ydelses-id »{data.service_id}«.",
        )

    @invariant
    def one_row_per_section(data):
        seen = set()
        for row in data.sections or []:
            key = row.get("section")
            if key in seen:
                raise Invalid(f"Paragraf »{key}« står mere end én gang på ydelsen.")
            seen.add(key)


@implementer(IService)
class Service(Item):
    def Title(self):
        return self.title or ""


# -- Rate (takst) ----------------------------------------------------------------------------------


class IRatePeriod(Interface):
    start_date = schema.Date(title=_("From (inclusive)"), required=False)
    end_date = schema.Date(title=_("To (exclusive)"), required=False)
    amount = schema.Decimal(title=_("Amount"))


class IRate(IClassificationItem):
    key = schema.ASCIILine(
        title=_("Key"), description=_("Unique short key, e.g. kost_logi_under_10.")
    )
    title = schema.TextLine(title=_("Name"))
    description = schema.Text(title=_("Description"), required=False)
    directives.widget("periods", DataGridFieldFactory, auto_append=False)
    periods = schema.List(
        title=_("Periods"),
        description=_("The amount valid from a date (inclusive) to a date (exclusive, or open)."),
        value_type=DictRow(title=_("Period"), schema=IRatePeriod),
        required=False,
        default=[],
    )

    @invariant
    def periods_well_formed(data):
        history, errors = parse_price_rows(list(data.periods or []))
        errors = errors or history.validate()
        if errors:
            raise Invalid(" ".join(errors))

    @invariant
    def unique_key(data):
        ensure_unique(
            data, "bos_rate", "bos_key", data.key, f"Der findes allerede en takst »{data.key}«."
        )


@implementer(IRate)
class Rate(Item):
    def Title(self):
        return self.title or ""

    def price_history(self):
        history, _errors = parse_price_rows(list(self.periods or []))
        return history


# -- Service provider (leverandør) -----------------------------------------------------------------


class IServiceProvider(IClassificationItem):
    cvr = schema.TextLine(
        title=_("CVR number"),
        description=_("8 digits with a valid check digit."),
        constraint=constraint_from(_check_cvr),
    )
    title = schema.TextLine(title=_("Name"))
    street = schema.TextLine(title=_("Street address"), required=False)
    zip_code = schema.TextLine(title=_("Postal code"), required=False)
    city = schema.TextLine(title=_("City"), required=False)
    business_code = schema.TextLine(title=_("Business code"), required=False)
    business_code_text = schema.TextLine(title=_("Business code text"), required=False)
    vat_factor = schema.Decimal(
        title=_("VAT factor (percent)"),
        description=_("The share of the price actually paid, 0 < factor <= 100."),
        default=Decimal("100.00"),
        constraint=constraint_from(_check_vat_factor),
    )

    @invariant
    def unique_cvr(data):
        ensure_unique(
            data,
            "bos_service_provider",
            "bos_key",
            data.cvr,
            f"Der findes allerede en leverandør med CVR-nummer {data.cvr}.",
        )


@implementer(IServiceProvider)
class ServiceProvider(Item):
    def Title(self):
        return self.title or ""


# -- Approval level (bevillingsniveau) -------------------------------------------------------------


class IApprovalLevel(IClassificationItem):
    key = schema.ASCIILine(title=_("Key"), description=_("Unique short key, e.g. teamleder."))
    title = schema.TextLine(title=_("Name"))
    rank = schema.Int(
        title=_("Rank"), description=_("Higher rank decides more; the lowest is own competence.")
    )
    role = schema.Choice(
        title=_("Deciding role"),
        description=_("Holders of this role (globally or on the case) decide at this level."),
        vocabulary="os2bos_plone.vocabularies.DecidingRoles",
    )
    committee = schema.Bool(
        title=_("Committee level"),
        description=_("The decision needs a meeting date and a decision reference."),
        default=False,
        required=False,
    )

    @invariant
    def unique_key(data):
        ensure_unique(
            data,
            "bos_approval_level",
            "bos_key",
            data.key,
            f"Der findes allerede et bevillingsniveau »{data.key}«.",
        )


@implementer(IApprovalLevel)
class ApprovalLevel(Item):
    def Title(self):
        return self.title or ""
