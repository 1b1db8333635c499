"""@bos-costs and @bos-cost-preview: thin wrappers around os2bos_plone.figures.

GET  <activity|appropriation|case>/@bos-costs?year=YYYY  -> figures.costs_for
POST <appropriation>/@bos-cost-preview  {activity fields}  -> figures.cost_preview
"""

from plone.restapi.services import Service

from os2bos_plone.engine import clock
from os2bos_plone.payments import figures
from os2bos_plone.services.common import bad_json
from os2bos_plone.services.common import bad_request
from os2bos_plone.services.common import read_json
from os2bos_plone.validation.activity import InvalidFields

MSG_BAD_YEAR = "Året skal angives som ÅÅÅÅ."


class CostsGet(Service):
    def reply(self):
        year = self.request.form.get("year")
        if year in (None, ""):
            year = clock.today().year
        try:
            year = int(year)
        except ValueError:
            return bad_request(self.request, [("year", MSG_BAD_YEAR)])
        result = figures.costs_for(self.context, year)
        return {"@id": f"{self.context.absolute_url()}/@bos-costs?year={year}", **result}


class CostPreviewPost(Service):
    """Read-only: computes figures, writes nothing (no CSRF exemption needed)."""

    def reply(self):
        data = read_json(self.request)
        if data is None:
            return bad_json(self.request)
        try:
            return figures.cost_preview(self.context, data)
        except InvalidFields as error:
            return bad_request(self.request, error.errors)
