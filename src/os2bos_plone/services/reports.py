"""The reports (reports/) as downloads.

* ``GET @bos-report/payments?kind=expected|granted&format=csv|xlsx`` (default expected, csv);
* ``GET @bos-report/cases?format=csv|xlsx``.

BOS Økonomi, BOS Ledelse and Manager (permission ``os2bos_plone: Read reports``). The rows are
written one appropriation at a time to a temporary file, which is then sent in chunks and
removed: a response body written with ``response.write`` would stay in memory until the
request ends under WSGI, and a stream iterator may not read the database. The reports hold CPR
numbers, so every download is written to the read audit log.
"""

import json
import os

from ZPublisher.Iterators import filestream_iterator

from os2bos_plone.audit.reads import export
from os2bos_plone.reports.files import CONTENT_TYPES
from os2bos_plone.reports.files import FORMATS
from os2bos_plone.reports.files import report_name
from os2bos_plone.reports.files import write_temporary
from os2bos_plone.reports.rows import KINDS
from os2bos_plone.services.common import SubpathService
from os2bos_plone.services.errors import not_found
from os2bos_plone.services.errors import validation_error

MSG_KIND = "Angiv »kind« som expected eller granted."
MSG_FORMAT = "Angiv »format« som csv eller xlsx."
MSG_FORBIDDEN = "Du har ikke adgang til rapporterne."
REPORTS = ("payments", "cases")


class ReportGet(SubpathService):
    forbidden_message = MSG_FORBIDDEN

    def render(self):
        self.check_permission()
        form = self.request.form
        if len(self.params) != 1 or self.params[0] not in REPORTS:
            return self._json(not_found(self.request))
        report = self.params[0]
        errors = []
        kind = form.get("kind") or "expected"
        if report == "payments" and kind not in KINDS:
            errors.append(("kind", MSG_KIND))
        fmt = (form.get("format") or "csv").lower()
        if fmt not in FORMATS:
            errors.append(("format", MSG_FORMAT))
        if errors:
            return self._json(validation_error(self.request, errors))
        name = report_name(report, kind)
        path, stats = write_temporary(name, fmt)
        export(stats.cases, f"@bos-report/{report} ({name}.{fmt}, {stats.rows} rækker)")
        response = self.request.response
        response.setHeader("Content-Type", CONTENT_TYPES[fmt])
        response.setHeader("Content-Disposition", f'attachment; filename="{name}.{fmt}"')
        response.setHeader("Cache-Control", "private, no-store")
        body = filestream_iterator(str(path), "rb")
        # The open file keeps its data; its name goes now, so nothing is left behind.
        os.unlink(path)
        response.setHeader("Content-Length", str(len(body)))
        return body

    def _json(self, content):
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(content, indent=2, sort_keys=True)
