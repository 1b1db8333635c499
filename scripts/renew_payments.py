"""zconsole script: the daily renewal of open-ended payment plans ('make renew').

Extends every granted activity without an end date to 31 December of next year when its newest
payment is less than six months away (spec 2.1), then refreshes the stored totals of the
appropriations that changed. Safe to run any number of times a day; run it daily from cron:

    5 0 * * * cd /srv/bos && make renew
"""

import os

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from os2bos_plone.payments.sync import renew_all_open_ended

app = makerequest(globals()["app"])  # noqa: F821 - 'app' is injected by zconsole run
portal = app[os.environ.get("SITE_ID", "Plone")]
admin = app.acl_users.getUserById(os.environ.get("ADMIN_USER", "admin"))
newSecurityManager(None, admin.__of__(app.acl_users))
setSite(portal)


def progress(message):
    print(message, flush=True)


renew_all_open_ended(progress=progress, checkpoint=transaction.commit)
transaction.commit()
