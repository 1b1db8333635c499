"""REST: the classification (regelmotor) as an XLSX workbook, and its import with a dry run.

GET  /regelmotor/@bos-classification-export  -> the workbook (a sheet per kind)
POST /regelmotor/@bos-classification-import  {"data": "<base64 of the workbook>", "dry_run": true}
    -> 200 {"applied", "changes", "summary", "details", "errors": [], "warnings"};
       400 in the error shape when the body or any row is bad: nothing is written and each
       error names its sheet and row.

Both use the same functions as the intranet's export/import screens
(os2bos_plone.classification.importer). Registered under Modify portal content on the
regelmotor: BOS Regelmotor, Site Administrator and Manager.
"""

import base64
import binascii

from plone.restapi.services import Service

from os2bos_plone.classification.importer import import_workbook
from os2bos_plone.classification.importer import send_workbook
from os2bos_plone.services.common import allow_write
from os2bos_plone.services.common import read_dry_run
from os2bos_plone.services.common import read_json
from os2bos_plone.services.errors import bad_json
from os2bos_plone.services.errors import validation_error

MSG_DATA = "Angiv regnearket (.xlsx) som base64 i feltet »data«."
MSG_FORBIDDEN = "Du har ikke adgang til at ændre regelmotoren."


class ExportGet(Service):
    forbidden_message = MSG_FORBIDDEN

    def render(self):
        return send_workbook(self.request.response)


class ImportPost(Service):
    forbidden_message = MSG_FORBIDDEN

    def reply(self):
        body = read_json(self.request)
        if body is None:
            return bad_json(self.request)
        errors = []
        data = None
        try:
            data = base64.b64decode(body.get("data") or "", validate=True)
        except (TypeError, ValueError, binascii.Error):
            pass
        if not data:
            errors.append(("data", MSG_DATA))
        dry_run, dry_run_errors = read_dry_run(body)
        errors.extend(dry_run_errors)
        if errors:
            return validation_error(self.request, errors)
        if not dry_run:
            allow_write(self.request)
        result = import_workbook(data, dry_run=dry_run)
        if result.errors:
            return validation_error(self.request, result.errors)
        return result.as_dict()
