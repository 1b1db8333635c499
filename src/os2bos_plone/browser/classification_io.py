"""Spreadsheet round trip of the classification in the intranet: export, and import with a
dry-run report before anything is written."""

from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from os2bos_plone.classification.importer import export_workbook
from os2bos_plone.classification.importer import import_workbook
from os2bos_plone.engine import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportView(BrowserView):
    def __call__(self):
        data = export_workbook()
        name = f"regelmotor-{clock.today().isoformat()}.xlsx"
        response = self.request.response
        response.setHeader("Content-Type", XLSX)
        response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
        response.setHeader("Content-Length", str(len(data)))
        return data


class ImportView(BrowserView):
    result = None

    def __call__(self):
        form = self.request.form
        upload = form.get("workbook")
        if self.request.method == "POST" and upload:
            CheckAuthenticator(self.request)
            data = upload.read()
            self.result = import_workbook(data, dry_run=not form.get("apply"))
        return self.index()
