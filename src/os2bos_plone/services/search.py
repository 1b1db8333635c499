"""@search and the CPR number: never in a URL, always in the read audit log.

GET @search?bos_cpr=... would put a child's CPR number in the address (the access log, the
browser history, proxies): it is refused with 400 in Danish. POST @search takes the same query
as a JSON body (``{"bos_cpr": "0101181234", "portal_type": "bos_case"}``), answers as GET
@search does, and a query by CPR is written to the read audit log as the search forms' are
(audit.reads.cpr_search: one entry per case found, the CPR itself never written).
"""

import re

from plone import api
from plone.restapi.search.handler import SearchHandler
from plone.restapi.search.utils import unflatten_dotted_dict
from plone.restapi.services import Service
from plone.restapi.services.search.get import SearchGet
from zope.interface import implementer

from os2bos_plone.audit.reads import cpr_search
from os2bos_plone.services.common import read_json
from os2bos_plone.services.csrf import IReadOnlyService
from os2bos_plone.services.errors import bad_json
from os2bos_plone.services.errors import validation_error

CPR_INDEX = "bos_cpr"
MSG_CPR_IN_URL = (
    "Søg ikke på CPR-nummer i adressen. Send søgningen som POST @search med CPR-nummeret i "
    "forespørgslens indhold, eller brug søgefeltet i sagslisten."
)
#: A CPR number in any other parameter (SearchableText=010118-1234) is refused too.
CPR_PATTERN = re.compile(r"\b\d{6}-?\d{4}\b")


def cpr_in_query_string(request):
    if CPR_INDEX in request.form or any(
        name.split(".", 1)[0] == CPR_INDEX for name in request.form
    ):
        return True
    return bool(CPR_PATTERN.search(request.get("QUERY_STRING", "") or ""))


class ProductSearchGet(SearchGet):
    """GET @search without CPR numbers in the query string."""

    def reply(self):
        if cpr_in_query_string(self.request):
            return validation_error(self.request, [(CPR_INDEX, MSG_CPR_IN_URL)])
        return super().reply()


@implementer(IReadOnlyService)
class SearchPost(Service):
    """POST @search: the query in the body; a search by CPR is logged. It only reads, so a
    cookie session needs no CSRF token for it (services/csrf.py)."""

    def reply(self):
        query = read_json(self.request)
        if query is None:  # not a JSON object
            return bad_json(self.request)
        query = unflatten_dotted_dict(dict(query))
        cpr = query.get(CPR_INDEX)
        if isinstance(cpr, str) and len(re.sub(r"\D", "", cpr)) == 10:
            # Indexed as ten digits; "010118-1234" finds the same case.
            query[CPR_INDEX] = cpr = re.sub(r"\D", "", cpr)
        if cpr:
            self.log_cpr_search(cpr)
        return SearchHandler(self.context, self.request).search(query)

    def log_cpr_search(self, value):
        """The cases the user may see that the CPR query finds (the catalog filters by the
        user's rights, as the answer does)."""
        catalog = api.portal.get_tool("portal_catalog")
        try:
            brains = catalog.searchResults(
                portal_type="bos_case",
                bos_cpr=value,
                path="/".join(self.context.getPhysicalPath()),
            )
        except Exception:  # a malformed query: the search itself answers it
            brains = []
        cpr_search(brains, "@search")
