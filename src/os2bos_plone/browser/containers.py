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
