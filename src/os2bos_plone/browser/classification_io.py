"""Spreadsheet round trip of the classification in the intranet: export, and import with a
dry-run report before anything is written."""

from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from os2bos_plone.classification.importer import import_workbook
from os2bos_plone.classification.importer import send_workbook


class ExportView(BrowserView):
    def __call__(self):
        return send_workbook(self.request.response)


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
