"""zconsole script: (re)load the demo data into an existing site ('make demo'). Idempotent.

Refused with PRODUCTION=1: the demo users have a published password."""

import os

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from os2bos_plone.demo import load_demo_data
from os2bos_plone.setuphandlers.production import refuse_demo_in_production

refuse_demo_in_production(os.environ)
app = makerequest(globals()["app"])  # noqa: F821 - 'app' is injected by zconsole run
portal = app[os.environ.get("SITE_ID", "Plone")]
admin = app.acl_users.getUserById(os.environ.get("ADMIN_USER", "admin"))
newSecurityManager(None, admin.__of__(app.acl_users))
setSite(portal)
load_demo_data(portal)
transaction.commit()
