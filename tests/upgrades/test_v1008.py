"""Upgrade step 1007 -> 1008: the start page as the site's default view, the navigation tabs,
no colophon or byline, the letter's sender setting and the municipality's name as site title."""

from plone import api
from plone.app.viewletmanager.interfaces import IViewletSettingsStorage
from plone.registry.interfaces import IRegistry
from Products.GenericSetup.upgrade import listUpgradeSteps
from zope.component import getUtility

from os2bos_plone import settings
from os2bos_plone.browser import startpage
from os2bos_plone.upgrades import v1008

PROFILE = "os2bos_plone:default"
TABS = ("bos_cases", "bos_approvals", "bos_budget", "bos_regelmotor")
RECORD = "os2bos_plone.settings.letter_sender"


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1007")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1007",), ("1008",)),
        (("1008",), ("1009",)),
        (("1009",), ("1010",)),
        (("1010",), ("1011",)),
    ]
    assert setup.getVersionForProfile(PROFILE) == "1011"


def _as_1007_left_it(portal):
    from zope.annotation.interfaces import IAnnotations

    tabs = api.portal.get_tool("portal_actions").portal_tabs
    tabs.manage_delObjects(list(TABS))
    portal.setLayout("listing_view")
    IAnnotations(portal).pop(startpage.VISITS_KEY, None)
    storage = getUtility(IViewletSettingsStorage)
    skin = api.portal.get_tool("portal_skins").getDefaultSkin()
    storage.setHidden("plone.portalfooter", skin, ())
    storage.setHidden("plone.belowcontenttitle", skin, ())
    registry = getUtility(IRegistry)
    del registry.records[RECORD]
    registry["plone.site_title"] = "Plone site"


def test_upgrade_sets_up_the_way_in_and_the_chrome(manager):
    portal = manager
    settings.reader.write(municipality_name="Ballerup Kommune")
    settings.reader.write(payment_office_email="betaling@ballerup.dk")
    _as_1007_left_it(portal)
    registry = getUtility(IRegistry)
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1007")

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)  # and on to 1011
    assert portal.getLayout() == "bos-start"
    assert startpage.visits(portal) is not None
    tabs = api.portal.get_tool("portal_actions").portal_tabs
    assert tabs.objectIds()[:7] == [
        "index_html",
        "bos_cases",
        "bos_approvals",
        "bos_payments",
        "bos_overview",
        "bos_budget",
        "bos_regelmotor",
    ]
    assert tabs["bos_approvals"].permissions == ("os2bos_plone: Decide on activities",)
    storage = getUtility(IViewletSettingsStorage)
    skin = api.portal.get_tool("portal_skins").getDefaultSkin()
    assert "plone.colophon" in storage.getHidden("plone.portalfooter", skin)
    assert "plone.documentbyline" in storage.getHidden("plone.belowcontenttitle", skin)
    assert RECORD in registry.records
    # What an administrator set is kept, the site's title follows the municipality's name.
    assert settings.read().payment_office_email == "betaling@ballerup.dk"
    assert registry["plone.site_title"] == "Ballerup Kommune"
    # Again: nothing changes.
    before = (tabs.objectIds(), portal.getLayout(), registry["plone.site_title"])
    v1008.upgrade()
    assert (tabs.objectIds(), portal.getLayout(), registry["plone.site_title"]) == before
