"""Budgets: one per year, with budget lines per law section or account number.

They live in the top-level folder /budget (created on install). The workflow
``bos_budget_workflow`` lets management (BOS Ledelse, Manager, Site Administrator) add and edit
them and the leaders who see the management information read them; case workers do not see them.
"""

from decimal import Decimal

from collective.z3cform.datagridfield.datagridfield import DataGridFieldFactory
from collective.z3cform.datagridfield.row import DictRow
from plone import api
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from plone.supermodel import model
from plone.uuid.interfaces import IUUID
from zope import schema
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import implementer
from zope.interface import invariant
from zope.interface import provider
from zope.schema.interfaces import IContextAwareDefaultFactory
from zope.schema.interfaces import IInt

from os2bos_plone import _
from os2bos_plone.content.constraints import context_of
from os2bos_plone.engine import clock


class IBudgetFolder(model.Schema):
    """The container of the yearly budgets (/budget)."""


@implementer(IBudgetFolder)
class BudgetFolder(Container):
    pass


BUDGET_TYPE = "bos_budget"


def budget_years():
    """The years that have a budget, in order."""
    catalog = api.portal.get_tool("portal_catalog")
    return sorted(
        {
            getattr(brain._unrestrictedGetObject(), "year", None)
            for brain in catalog.unrestrictedSearchResults(portal_type=BUDGET_TYPE)
        }
        - {None}
    )


@provider(IContextAwareDefaultFactory)
def next_free_year(context):
    """This year, or the first later year without a budget."""
    year = clock.today().year
    taken = set(budget_years())
    while year in taken:
        year += 1
    return year


class IBudgetLine(Interface):
    section = schema.Choice(
        title=_("Law section"),
        vocabulary="os2bos_plone.vocabularies.SectionKeys",
        required=False,
    )
    account = schema.TextLine(
        title=_("Account number"),
        description=_("Instead of a section: the main account of the services."),
        required=False,
    )
    amount = schema.Decimal(title=_("Budget (kr.)"), min=Decimal("0"))
    note = schema.TextLine(title=_("Note"), required=False)


def line_errors(lines):
    """Danish messages for lines without exactly one of section/account, or repeated ones."""
    errors = []
    seen = set()
    for number, line in enumerate(lines or [], start=1):
        section = (line.get("section") or "").strip()
        account = (line.get("account") or "").strip()
        if bool(section) == bool(account):
            errors.append(f"Linje {number}: angiv enten en paragraf eller et kontonummer.")
            continue
        key = ("section", section) if section else ("account", account)
        if key in seen:
            errors.append(f"Linje {number}: »{section or account}« har allerede en budgetlinje.")
        seen.add(key)
    return errors


class IYear(IInt):
    """A year: shown and typed as 2026, never as a number with a thousands separator."""


@implementer(IYear)
class Year(schema.Int):
    pass


class IBudget(model.Schema):
    year = Year(title=_("Year"), min=2000, max=2100, defaultFactory=next_free_year, required=True)
    directives.widget("lines", DataGridFieldFactory, auto_append=False)
    lines = schema.List(
        title=_("Budget lines"),
        description=_(
            "One line per law section or per account number. An activity counts on the line of "
            "its account when there is one, else on the line of its section."
        ),
        value_type=DictRow(title=_("Budget line"), schema=IBudgetLine),
        required=False,
        default=[],
    )
    note = schema.Text(title=_("Note"), required=False)

    @invariant
    def lines_are_valid(data):
        errors = line_errors(data.lines)
        if errors:
            raise Invalid(" ".join(errors))

    @invariant
    def one_budget_per_year(data):
        context = context_of(data)
        own_uid = IUUID(context, None) if context is not None else None
        for brain in api.content.find(portal_type=BUDGET_TYPE, unrestricted=True):
            if brain.UID == own_uid:
                continue
            if getattr(brain._unrestrictedGetObject(), "year", None) == data.year:
                raise Invalid(f"Der findes allerede et budget for {data.year}.")


@implementer(IBudget)
class Budget(Item):
    """A year's budget; its title is "Budget <year>"."""

    @property
    def title(self):
        year = getattr(self, "year", None)
        return f"Budget {year}" if year else "Budget"

    @title.setter
    def title(self, value):
        """The title follows the year."""

    def total(self):
        return sum((Decimal(str(line.get("amount") or 0)) for line in self.lines or []), Decimal(0))
