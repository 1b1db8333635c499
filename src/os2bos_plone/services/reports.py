"""The reports (reports/) as downloads.

* ``GET @bos-report/payments?kind=expected|granted&format=csv|xlsx`` (default expected, csv);
* ``GET @bos-report/cases?format=csv|xlsx``.

BOS Økonomi, BOS Ledelse and Manager (permission ``os2bos_plone: Read reports``). The file is
written and sent by ``reports.files.send``, as on the screens. The reports hold CPR numbers, so
every download is written to the read audit log.
"""

import json

from os2bos_plone.audit.reads import export
from os2bos_plone.reports.files import DOWNLOADS
from os2bos_plone.reports.files import download_errors
from os2bos_plone.reports.files import send
from os2bos_plone.services.common import SubpathService
from os2bos_plone.services.errors import not_found
from os2bos_plone.services.errors import validation_error

MSG_FORBIDDEN = "Du har ikke adgang til rapporterne."


class ReportGet(SubpathService):
    forbidden_message = MSG_FORBIDDEN

    def render(self):
        self.check_permission()
        form = self.request.form
        if len(self.params) != 1 or self.params[0] not in DOWNLOADS:
            return self._json(not_found(self.request))
        report = self.params[0]
        kind = form.get("kind") or "expected"
        fmt = (form.get("format") or "csv").lower()
        errors = download_errors(report, kind, fmt)
        if errors:
            return self._json(validation_error(self.request, errors))
        body, stats, filename = send(self.request.response, report, kind, fmt)
        export(stats.cases, f"@bos-report/{report} ({filename}, {stats.rows} rækker)")
        return body

    def _json(self, content):
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(content, indent=2, sort_keys=True)
