"""The payment and case reports (reports/) as downloads from the screens.

``@@bos-report?report=payments|cases&kind=expected|granted&format=csv|xlsx`` answers the same
file as ``GET @bos-report/...`` over REST (a link in a browser does not reach a REST service);
``@@bos-report-links`` is the row of links the payment office screen shows to those who may
download them. Both under "os2bos_plone: Read reports"; every download is audit-logged.
"""

from urllib.parse import urlencode

from plone import api
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import BadRequest

from os2bos_plone.audit.reads import export
from os2bos_plone.reports.files import download_errors
from os2bos_plone.reports.files import send


class ReportDownloadView(BrowserView):
    def __call__(self):
        form = self.request.form
        report = form.get("report") or "payments"
        kind = form.get("kind") or "expected"
        fmt = (form.get("format") or "csv").lower()
        errors = download_errors(report, kind, fmt)
        if errors:
            raise BadRequest(" ".join(message for _field, message in errors))
        body, stats, filename = send(self.request.response, report, kind, fmt)
        export(stats.cases, f"@@bos-report/{report} ({filename}, {stats.rows} rækker)")
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
