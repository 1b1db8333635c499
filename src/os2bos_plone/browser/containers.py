"""Views of the top-level containers."""

from plone import api
from Products.Five.browser import BrowserView


class CasesListingView(BrowserView):
    """The list of cases in /sager, read from the catalog (cases are never woken to list them)."""

    def cases(self):
        return api.content.find(
            context=self.context,
            portal_type="bos_case",
            sort_on="sortable_title",
        )


class RegelmotorOverviewView(BrowserView):
    """Entry page of the classification: what it holds, with links to each kind."""

    def sections(self):
        return [
            {"title": obj.Title(), "url": obj.absolute_url(), "count": len(obj.objectIds())}
            for obj in self.context.objectValues()
        ]
