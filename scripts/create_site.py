"""zconsole script: create or update the site. Run by 'make site' / 'make start'.

  .venv/bin/zconsole run instance/etc/zope.conf scripts/create_site.py

Environment: SITE_ID (Plone), ADMIN_USER (admin), ADMIN_PASSWORD (admin),
DEMO (1; 0 skips the demo data), PRODUCTION (1 refuses ADMIN_PASSWORD=admin and demo data;
DEMO then defaults to 0), SECURE_COOKIES (the login cookie only over HTTPS; 1 by default with
PRODUCTION=1). Demo data is loaded only when the site is created here; an existing
site never gets it again by itself ('make demo' loads it on purpose).
"""

import os

import transaction
from Testing.makerequest import makerequest

from os2bos_plone.setuphandlers.production import refuse_unsafe_production
from os2bos_plone.setuphandlers.production import set_cookie_policy
from os2bos_plone.setuphandlers.production import wants_demo
from os2bos_plone.setuphandlers.site import ensure_admin
from os2bos_plone.setuphandlers.site import ensure_site

refuse_unsafe_production(os.environ)
app = makerequest(globals()["app"])  # noqa: F821 - 'app' is injected by zconsole run
site_id = os.environ.get("SITE_ID", "Plone")
ensure_admin(app, os.environ.get("ADMIN_USER", "admin"), os.environ.get("ADMIN_PASSWORD", "admin"))
transaction.commit()

from AccessControl.SecurityManagement import newSecurityManager  # noqa: E402

admin = app.acl_users.getUserById(os.environ.get("ADMIN_USER", "admin"))
newSecurityManager(None, admin.__of__(app.acl_users))
portal, _created = ensure_site(app, site_id=site_id, with_demo=wants_demo(os.environ))
if set_cookie_policy(portal, os.environ):
    transaction.commit()
