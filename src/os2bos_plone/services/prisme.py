"""The PRISME payment file (payouts/): run it, and read the files runs made.

* ``POST @bos-prisme-export`` ``{"date": "ÅÅÅÅ-MM-DD" (default tomorrow), "dry_run": bool
  (default true)}`` -> ``{"date", "dates", "payments", "total", "filename", "content",
  "refused"}``;
* ``GET @bos-prisme-files`` -> the kept files (without their text), newest first;
  ``GET @bos-prisme-files/<filename>`` -> one file with its text.

The payment office (BOS Økonomi) and Manager; the text holds CPR numbers, so every answer that
carries it is written to the read audit log.
"""

from datetime import date

from plone import api
from plone.restapi.services import Service

from os2bos_plone.audit.reads import export
from os2bos_plone.payouts import files
from os2bos_plone.payouts.prisme import PrismeSettingsMissing
from os2bos_plone.payouts.prisme import run
from os2bos_plone.services.common import SubpathService
from os2bos_plone.services.common import allow_write
from os2bos_plone.services.common import read_dry_run
from os2bos_plone.services.common import read_json
from os2bos_plone.services.errors import MSG_BAD_JSON
from os2bos_plone.services.errors import MSG_DATE
from os2bos_plone.services.errors import not_found
from os2bos_plone.services.errors import validation_error

MSG_SETTINGS = "Betalingsfilen kan ikke dannes, før indstillingerne er udfyldt."


class PrismeExportPost(Service):
    def reply(self):
        data = read_json(self.request)
        if data is None:
            return validation_error(self.request, [("", MSG_BAD_JSON)])
        errors = []
        first_day = None
        if data.get("date") not in (None, ""):
            try:
                first_day = date.fromisoformat(str(data["date"]))
            except ValueError:
                errors.append(("date", MSG_DATE))
        dry_run, dry_run_errors = read_dry_run(data)
        errors.extend(dry_run_errors)
        if errors:
            return validation_error(self.request, errors)
        if not dry_run:
            allow_write(self.request)
        user = api.user.get_current()
        try:
            result = run(first_day, dry_run=dry_run, user_id=user.getId() or "")
        except PrismeSettingsMissing as error:
            return validation_error(
                self.request, [("", problem) for problem in error.problems], MSG_SETTINGS
            )
        if result.selected:
            export(result.case_count, "@bos-prisme-export")
        return result.as_json()


class PrismeFilesGet(SubpathService):
    def reply(self):
        if not self.params:
            return {"items": files.kept_files()}
        record = files.kept_file(self.params[0])
        if record is None:
            return not_found(self.request)
        export(record.get("cases", record["payments"]), "@bos-prisme-files")
        return record
