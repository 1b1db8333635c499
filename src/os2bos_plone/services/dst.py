"""``GET @bos-dst-export``: Danmarks Statistik's delivery as an XML download (spec 3.6).

``?kind=preventive|handicap&from_date=ÅÅÅÅ-MM-DD&to_date=ÅÅÅÅ-MM-DD&test=true|false
&initial_load=true|false`` (Manager, BOS Ledelse). ``test`` defaults to true (form T201/T231,
nothing kept); ``test=false`` keeps the delivery in the log (dst/deliveries.py) and, in a
browser (cookie) session, needs the CSRF token like any write. The file holds CPR numbers, so
every download is written to the read audit log.
"""

import json

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides

from os2bos_plone.audit.reads import export
from os2bos_plone.dst.export import MSG_NOTHING
from os2bos_plone.dst.export import MSG_SETTINGS
from os2bos_plone.dst.export import DstSettingsMissing
from os2bos_plone.dst.export import read_parameters
from os2bos_plone.dst.export import run
from os2bos_plone.services.csrf import MSG_CSRF
from os2bos_plone.services.csrf import has_authorization_header
from os2bos_plone.services.csrf import has_valid_token
from os2bos_plone.services.errors import forbidden
from os2bos_plone.services.errors import validation_error


def send_file(request, result):
    response = request.response
    response.setHeader("Content-Type", "application/xml; charset=utf-8")
    response.setHeader("Content-Disposition", f'attachment; filename="{result.filename}"')
    response.setHeader("Cache-Control", "no-store")
    export(result.case_count, f"@bos-dst-export {result.filename}")
    return result.content


class DstExportGet(Service):
    """Answers the file itself (not JSON); refusals in the product's JSON error shape."""

    def render(self):
        self.check_permission()
        kind, from_date, to_date, test, initial_load, errors = read_parameters(self.request.form)
        if errors:
            return self._json(validation_error(self.request, errors))
        if not test:
            if not (has_authorization_header(self.request) or has_valid_token(self.request)):
                return self._json(forbidden(self.request, MSG_CSRF))
            alsoProvides(self.request, IDisableCSRFProtection)
        user = api.user.get_current()
        try:
            result = run(kind, from_date, to_date, test, initial_load, user.getId() or "")
        except DstSettingsMissing as error:
            return self._json(
                validation_error(
                    self.request, [("", problem) for problem in error.problems], MSG_SETTINGS
                )
            )
        if not result.records:
            return self._json(validation_error(self.request, [("", MSG_NOTHING)], MSG_NOTHING))
        return send_file(self.request, result)

    def _json(self, content):
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(content, ensure_ascii=False)
