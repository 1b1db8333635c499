"""'make start' creates the site once and keeps it; demo data never doubles."""

import transaction
from plone import api
from zope.component.hooks import setSite

from os2bos_plone.demo import load_demo_data
from os2bos_plone.demo.users import DEMO_USERS
from os2bos_plone.setuphandlers.site import ensure_site


def _demo_user_ids():
    return sorted(u.getId() for u in api.user.get_users() if u.getId() in _DEMO_IDS)


_DEMO_IDS = {user.username for user in DEMO_USERS}


class TestSiteCreation:
    def test_creates_danish_classic_site_with_addon_and_demo(self, functional_app):
        # The test database caches 400 objects (production: ZODB_CACHE_SIZE, 30,000). Creating a
        # site and its demo cases in one transaction with savepoints (letters, adjustments) then
        # ghosts the new site's component registry, and the indexing queue's tpc_finish cannot
        # load it back before the commit has finished (POSKeyError).
        functional_app._p_jar._cache.cache_size = 100_000
        messages = []
        portal, created = ensure_site(functional_app, site_id="bos", progress=messages.append)
        setSite(portal)
        assert created is True
        assert portal.Language() == "da"
        assert api.portal.get_registry_record("plone.portal_timezone") == "Europe/Copenhagen"
        assert "os2bos_plone" in api.addon.get_addon_ids(limit="installed")
        assert {"sager", "regelmotor"} <= set(portal.objectIds())
        assert _demo_user_ids() == sorted(_DEMO_IDS)
        assert any("[7/7] brugere" in message for message in messages)

        # A second run keeps the site and its content and adds no demo data twice.
        with api.env.adopt_roles(["Manager"]):
            marker = api.content.create(portal, type="Document", id="keep-me", title="Behold")
        again, created_again = ensure_site(functional_app, site_id="bos", progress=messages.append)
        assert created_again is False
        assert again.getPhysicalPath() == portal.getPhysicalPath()
        assert "keep-me" in again.objectIds() and marker.title == "Behold"
        assert _demo_user_ids() == sorted(_DEMO_IDS)

        # A deleted demo user stays deleted: the next start (create_site.py runs ensure_site
        # with demo data wanted) does not load the demo data, and so its published password,
        # again. Only 'make demo' does.
        gone = DEMO_USERS[0].username
        with api.env.adopt_roles(["Manager"]):
            api.user.delete(username=gone)
        transaction.commit()
        messages.clear()
        _again, created_again = ensure_site(
            functional_app, site_id="bos", with_demo=True, progress=messages.append
        )
        assert created_again is False
        assert api.user.get(userid=gone) is None
        assert gone not in _demo_user_ids()
        assert _demo_user_ids() == sorted(_DEMO_IDS - {gone})
        assert not any("demodata" in message.lower() for message in messages)

    def test_demo_users_in_their_groups_and_idempotent(self, portal):
        load_demo_data(portal, progress=lambda message: None)
        load_demo_data(portal, progress=lambda message: None)
        for user in DEMO_USERS:
            members = [m.getId() for m in api.user.get_users(groupname=user.group_id)]
            assert members.count(user.username) == 1
        assert _demo_user_ids() == sorted(_DEMO_IDS)
