"""Upgrade step 1002 -> 1003: the unused catalog column bos_status goes."""

from plone import api
from Products.GenericSetup.upgrade import listUpgradeSteps

from os2bos_plone.upgrades import v1003
from os2bos_plone.upgrades import v1005
from tests.builders import make_case

PROFILE = "os2bos_plone:default"
COLUMN = "bos_status"


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1002")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1002",), ("1003",)),
        (("1003",), ("1004",)),
        (("1004",), ("1005",)),
        (("1005",), ("1006",)),
        (("1006",), ("1007",)),
        (("1007",), ("1008",)),
        (("1008",), ("1009",)),
        (("1009",), ("1010",)),
        (("1010",), ("1011",)),
    ]


def test_a_new_site_has_no_such_column(manager):
    assert COLUMN not in api.portal.get_tool("portal_catalog").schema()


def test_upgrade_removes_the_column(manager, monkeypatch):
    case = make_case(manager, effort_step=2, team="familie_oest")
    catalog = api.portal.get_tool("portal_catalog")
    # A site as 1002 left it: the column is there (empty, as no indexer ever filled it).
    catalog.addColumn(COLUMN)
    catalog.refreshCatalog()  # every brain gets the column's (missing) value
    (brain,) = catalog.unrestrictedSearchResults(UID=case.UID())
    assert hasattr(brain, COLUMN)
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1002")
    messages = []
    monkeypatch.setattr(v1003.logger, "info", messages.append)
    monkeypatch.setattr(v1005, "checkpoint", lambda: None)  # on through 1005: no commit

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)  # and on to 1011
    assert COLUMN not in catalog.schema()
    assert messages == ["Kolonnen bos_status er fjernet fra kataloget"]
    (brain,) = catalog.unrestrictedSearchResults(UID=case.UID())
    assert not hasattr(brain, COLUMN)
    # The rest of the case's metadata is untouched.
    assert brain.bos_effort_step == 2
    assert brain.bos_step_moves


def test_running_it_again_does_nothing(manager):
    assert v1003.remove_status_column() is False
    assert COLUMN not in api.portal.get_tool("portal_catalog").schema()
