"""Views of the budgets: the list in /budget and one year's budget against its forecast."""

from plone import api
from Products.Five.browser import BrowserView

from os2bos_plone.browser.overview import OverviewView
from os2bos_plone.browser.overview import ReportBuilder
from os2bos_plone.engine import clock
from os2bos_plone.engine.money import format_money


class BudgetsView(BrowserView):
    """The yearly budgets, newest first, with their totals (a handful of objects)."""

    def budgets(self):
        result = []
        for brain in api.content.find(context=self.context, portal_type="bos_budget"):
            budget = brain.getObject()
            result.append(
                {
                    "year": budget.year,
                    "title": budget.Title(),
                    "url": budget.absolute_url(),
                    "lines": len(budget.lines or []),
                    "total": format_money(budget.total()),
                    "overview_url": self.overview_url(budget.year),
                }
            )
        return sorted(result, key=lambda item: item["year"] or 0, reverse=True)

    def can_add(self):
        return api.user.has_permission("os2bos_plone: Add Budget", obj=self.context)

    def add_url(self):
        return f"{self.context.absolute_url()}/++add++bos_budget"

    def overview_url(self, year=None):
        url = f"{api.portal.get().absolute_url()}/@@bos-overview"
        return f"{url}?year={year}" if year else url

    def can_see_overview(self):
        return api.user.has_permission(
            "os2bos_plone: View management information", obj=api.portal.get()
        )


class BudgetView(OverviewView):
    """A year's budget: its lines against the forecast (the overview's budget table)."""

    def __call__(self):
        self.year = self.context.year or clock.today().year
        builder = ReportBuilder(self.year, self.request)
        self.budget_table = builder.budget_table(self.context)
        return self.index()

    def base_url(self):
        return f"{api.portal.get().absolute_url()}"

    def can_edit(self):
        return api.user.has_permission("Modify portal content", obj=self.context)

    def overview_url(self):
        return f"{api.portal.get().absolute_url()}/@@bos-overview?year={self.year}"

    def can_see_overview(self):
        return api.user.has_permission(
            "os2bos_plone: View management information", obj=api.portal.get()
        )
