"""zconsole script: the nightly jobs ('make jobs'; JOB=<name> for one, DATE=ÅÅÅÅ-MM-DD to run
as of a day). Exits 1 when a job failed, 2 on a bad JOB or DATE. Run it daily after midnight:

    10 0 * * * cd /srv/bos && make jobs >> var/log/jobs.log 2>&1
"""

import os
import sys
from datetime import date

from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from os2bos_plone.jobs.nightly import UnknownJob
from os2bos_plone.jobs.nightly import run

app = makerequest(globals()["app"])  # noqa: F821 - 'app' is injected by zconsole run
portal = app[os.environ.get("SITE_ID", "Plone")]
admin = app.acl_users.getUserById(os.environ.get("ADMIN_USER", "admin"))
newSecurityManager(None, admin.__of__(app.acl_users))
setSite(portal)


def progress(message):
    print(message, flush=True)


names = [name for name in os.environ.get("JOB", "").replace(",", " ").split() if name]
try:
    when = date.fromisoformat(os.environ["DATE"]) if os.environ.get("DATE") else None
except ValueError:
    print(f"Ugyldig DATE: {os.environ['DATE']} (ÅÅÅÅ-MM-DD)", file=sys.stderr)
    sys.exit(2)
try:
    results = run(names, when, progress=progress)
except UnknownJob as error:
    print(error, file=sys.stderr)
    sys.exit(2)
failed = [name for name, _counts, error, _seconds in results if error]
if failed:
    print(f"Fejl i: {', '.join(failed)}", file=sys.stderr)
    sys.exit(1)
