"""Create (or find) the Plone site with the add-on installed: used by 'make start' and tests."""

import transaction
from plone import api
from Products.CMFPlone.factory import addPloneSite
from zope.component.hooks import setSite

from os2bos_plone.demo import load_demo_data

SITE_TITLE = "Bevilling og Styring"


def ensure_admin(app, username, password):
    """The Zope root manager: created when missing, its password set to the configured one."""
    user_folder = app.acl_users
    if user_folder.getUserById(username) is None:
        user_folder._doAddUser(username, password, ["Manager"], [])
    elif hasattr(user_folder, "users"):
        # The root is a PluggableAuthService: its ZODB user manager holds the password.
        user_folder.users.updateUserPassword(username, password)
    else:
        user_folder._doChangeUser(username, password, ["Manager"], [])


def ensure_site(app, site_id="Plone", with_demo=True, progress=print):
    """Return (portal, created). A site that exists is kept as it is, data and all.

    Demo data (users with a published password included) is loaded only when the site is
    created here; on an existing site it is never loaded again by itself (a deleted demo user
    stays deleted). 'make demo' (scripts/load_demo.py) loads it on purpose.
    """
    created = site_id not in app.objectIds()
    if created:
        progress(f"Opretter Plone-site '{site_id}' (Classic UI, dansk) ...")
        portal = addPloneSite(
            app,
            site_id,
            title=SITE_TITLE,
            distribution_name="classic",
            default_language="da",
            portal_timezone="Europe/Copenhagen",
            setup_content=False,
        )
    else:
        portal = app[site_id]
        progress(f"Plone-site '{site_id}' findes allerede; data bevares.")
    setSite(portal)
    with api.env.adopt_roles(["Manager"]):
        if "os2bos_plone" not in api.addon.get_addon_ids(limit="installed"):
            progress("Installerer os2bos_plone ...")
            api.addon.install("os2bos_plone")
        if with_demo and created:
            load_demo_data(portal, progress=progress)
    transaction.commit()
    return portal, created
