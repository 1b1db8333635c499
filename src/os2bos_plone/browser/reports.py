"""The payment and case reports (reports/) as downloads from the screens.

``@@bos-report?report=payments|cases&kind=expected|granted&format=csv|xlsx`` answers the same
file as ``GET @bos-report/...`` over REST (a link in a browser does not reach a REST service);
``@@bos-report-links`` is the row of links the payment office screen shows to those who may
download them. Both under "os2bos_plone: Read reports"; every download is audit-logged.
"""

import os
from urllib.parse import urlencode

from plone import api
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import BadRequest
from ZPublisher.Iterators import filestream_iterator

from os2bos_plone.audit.reads import export
from os2bos_plone.reports.files import CONTENT_TYPES
from os2bos_plone.reports.files import FORMATS
from os2bos_plone.reports.files import report_name
from os2bos_plone.reports.files import write_temporary
from os2bos_plone.reports.rows import KINDS

REPORTS = ("payments", "cases")


class ReportDownloadView(BrowserView):
    def __call__(self):
        form = self.request.form
        report = form.get("report") or "payments"
        kind = form.get("kind") or "expected"
        fmt = (form.get("format") or "csv").lower()
        if report not in REPORTS:
            raise BadRequest("report skal være payments eller cases")
        if report == "payments" and kind not in KINDS:
            raise BadRequest("kind skal være expected eller granted")
        if fmt not in FORMATS:
            raise BadRequest("format skal være csv eller xlsx")
        name = report_name(report, kind)
        path, stats = write_temporary(name, fmt)
        export(stats.cases, f"@@bos-report/{report} ({name}.{fmt}, {stats.rows} rækker)")
        response = self.request.response
        response.setHeader("Content-Type", CONTENT_TYPES[fmt])
        response.setHeader("Content-Disposition", f'attachment; filename="{name}.{fmt}"')
        response.setHeader("Cache-Control", "private, no-store")
        body = filestream_iterator(str(path), "rb")
        os.unlink(path)  # the open file keeps its data; nothing is left behind
        response.setHeader("Content-Length", str(len(body)))
        return body


class ReportLinksView(BrowserView):
    index = ViewPageTemplateFile("templates/report_links.pt")

    def url(self, **params):
        return f"{api.portal.get().absolute_url()}/@@bos-report?{urlencode(params)}"

    def links(self):
        return [
            ("Expected payments", self.url(report="payments", kind="expected")),
            ("Granted payments", self.url(report="payments", kind="granted")),
            ("Cases", self.url(report="cases")),
        ]

    def __call__(self):
        return self.index()
