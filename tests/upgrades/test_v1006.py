"""Upgrade step 1005 -> 1006: the settings records and their control panel."""

from plone import api
from plone.registry.interfaces import IRegistry
from Products.GenericSetup.upgrade import listUpgradeSteps
from zope.component import getUtility

from os2bos_plone import settings
from os2bos_plone.settings.interfaces import PREFIX
from os2bos_plone.settings.reader import FIELD_NAMES

PROFILE = "os2bos_plone:default"


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1005")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1005",), ("1006",)),
        (("1006",), ("1007",)),
        (("1007",), ("1008",)),
        (("1008",), ("1009",)),
        (("1009",), ("1010",)),
        (("1010",), ("1011",)),
    ]
    assert setup.getVersionForProfile(PROFILE) == "1011"


def test_upgrade_registers_the_records_and_the_configlet(manager):
    registry = getUtility(IRegistry)
    for name in FIELD_NAMES:
        del registry.records[f"{PREFIX}.{name}"]
    panel = api.portal.get_tool("portal_controlpanel")
    panel.unregisterConfiglet("bos-settings")
    assert settings.read() == settings.Settings()  # defaults before the records exist
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1005")

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)  # and on to 1011
    assert all(f"{PREFIX}.{name}" in registry.records for name in FIELD_NAMES)
    assert registry[f"{PREFIX}.account_unknown"] == "UKENDT"
    assert "bos-settings" in [action.getId() for action in panel.listActions()]


def test_upgrade_keeps_values_already_set(manager):
    settings.reader.write(municipality_name="Ballerup Kommune", account_unknown="UKENDT KONTO")
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1005")

    setup.upgradeProfile(PROFILE)

    current = settings.read()
    assert current.municipality_name == "Ballerup Kommune"
    assert current.account_unknown == "UKENDT KONTO"
