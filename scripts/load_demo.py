"""zconsole script: (re)load the demo data into an existing site ('make demo'). Idempotent."""

import os

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from os2bos_plone.demo import load_demo_data

app = makerequest(globals()["app"])  # noqa: F821 - 'app' is injected by zconsole run
portal = app[os.environ.get("SITE_ID", "Plone")]
admin = app.acl_users.getUserById(os.environ.get("ADMIN_USER", "admin"))
newSecurityManager(None, admin.__of__(app.acl_users))
setSite(portal)
load_demo_data(portal)
transaction.commit()
