"""REST: the classification as an XLSX workbook, and its import with a dry-run report."""

import base64

from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import BadRequest

from os2bos_plone.browser.classification_io import XLSX
from os2bos_plone.classification.importer import export_workbook
from os2bos_plone.classification.importer import import_workbook


class ExportGet(Service):
    def render(self):
        data = export_workbook()
        self.request.response.setHeader("Content-Type", XLSX)
        self.request.response.setHeader(
            "Content-Disposition", 'attachment; filename="regelmotor.xlsx"'
        )
        return data


class ImportPost(Service):
    """{"data": <base64 of the workbook>, "dry_run": true} -> the change report; 400 on bad rows."""

    def reply(self):
        body = json_body(self.request)
        try:
            data = base64.b64decode(body["data"], validate=True)
        except (KeyError, TypeError, ValueError) as error:
            raise BadRequest("Angiv regnearket som base64 i feltet »data«.") from error
        result = import_workbook(data, dry_run=body.get("dry_run", True) is not False)
        if result.errors:
            self.request.response.setStatus(400)
        return result.as_dict()
