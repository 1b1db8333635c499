"""zconsole script: import classification data into the site, with a report first.

  make import-os2bos DIR=/path/to/os2bos/fixtures [APPLY=1]   OS2BOS Django fixture JSON files
  make import-xlsx FILE=regelmotor.xlsx [APPLY=1]             a workbook in the export's format
  make seed                                                   the classification shipped with it

Without APPLY=1 nothing is written: the report shows what would change.
"""

import os
import sys
from pathlib import Path

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from os2bos_plone.classification.importer import import_os2bos
from os2bos_plone.classification.importer import import_rows
from os2bos_plone.classification.importer import import_workbook
from os2bos_plone.classification.rows import load_seed_rows

app = makerequest(globals()["app"])  # noqa: F821 - 'app' is injected by zconsole run
portal = app[os.environ.get("SITE_ID", "Plone")]
admin = app.acl_users.getUserById(os.environ.get("ADMIN_USER", "admin"))
newSecurityManager(None, admin.__of__(app.acl_users))
setSite(portal)

source = os.environ.get("SOURCE", "seed")
dry_run = os.environ.get("APPLY", "0") != "1"
if source == "os2bos":
    result = import_os2bos(Path(os.environ["DIR"]), dry_run=dry_run, progress=print)
elif source == "xlsx":
    result = import_workbook(Path(os.environ["FILE"]).read_bytes(), dry_run=dry_run, progress=print)
else:
    result = import_rows(load_seed_rows(), dry_run=dry_run, progress=print)

for line in result.report.summary_lines():
    print(line)
for warning in result.warnings:
    print(f"Advarsel: {warning}")
for error in result.errors:
    print(f"Fejl: {error}")
if result.errors:
    print("Intet er importeret.")
    sys.exit(1)
if result.applied:
    transaction.commit()
    print("Importen er gennemført.")
elif not result.report.is_empty:
    print("Tørkørsel: intet er skrevet. Kør igen med APPLY=1 for at importere.")
else:
    print("Ingen ændringer.")
