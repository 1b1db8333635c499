"""Upgrade step 1000 -> 1001: the catalog column bos_monthly_totals is added and filled."""

import transaction
from plone import api
from Products.GenericSetup.upgrade import listUpgradeSteps

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import collect
from os2bos_plone.management.figures import metadata_rows
from os2bos_plone.payments.totals import MONTHLY_COLUMN
from os2bos_plone.payments.totals import cost_input
from os2bos_plone.payments.totals import monthly_totals_for
from os2bos_plone.upgrades import v1001
from os2bos_plone.upgrades import v1005
from tests.builders import YEAR
from tests.builders import add_activity
from tests.builders import make_appropriation
from tests.builders import make_case

PROFILE = "os2bos_plone:default"


def as_before_1001(portal):
    """A site as version 1000 left it: no column, no stored monthly totals."""
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delColumn(MONTHLY_COLUMN)
    for brain in catalog.unrestrictedSearchResults(portal_type="bos_activity"):
        activity = brain._unrestrictedGetObject()
        del activity.bos_monthly_totals
    api.portal.get_tool("portal_actions").portal_tabs.manage_delObjects(["bos_payments"])
    api.portal.get_tool("portal_setup").setLastVersionForProfile(PROFILE, "1000")
    clear_cache()


def tab_properties(tab_id):
    tab = api.portal.get_tool("portal_actions").portal_tabs[tab_id]
    return {name: tab.getProperty(name) for name in tab.propertyIds()}


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1000")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1000",), ("1001",)),
        (("1001",), ("1002",)),
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


def test_upgrade_adds_and_fills_the_column(manager, monkeypatch):
    portal = manager
    case = make_case(portal, team="familie_oest")
    appropriation = make_appropriation(case)
    granted = add_activity(appropriation, amount="10000")
    expected = add_activity(appropriation, state="expected", amount="500", service="100108")
    draft = add_activity(appropriation, state="draft", amount="700", service="100108")
    overview_before = collect(YEAR)
    installed_tab = tab_properties("bos_payments")
    as_before_1001(portal)
    catalog = api.portal.get_tool("portal_catalog")
    assert MONTHLY_COLUMN not in catalog.schema()
    checkpoints = []
    monkeypatch.setattr(
        v1001,
        "checkpoint",
        lambda: checkpoints.append(transaction.savepoint(optimistic=True)),
    )
    messages = []
    monkeypatch.setattr(v1001.logger, "info", messages.append)
    monkeypatch.setattr(v1005, "checkpoint", lambda: None)  # on through 1005: no commit

    setup = api.portal.get_tool("portal_setup")
    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)  # and on through 1011
    assert MONTHLY_COLUMN in catalog.schema()
    # The payment office tab is back, exactly as a fresh install has it.
    assert tab_properties("bos_payments") == installed_tab
    assert checkpoints  # the batch was committed (here: a savepoint)
    assert any("bevillinger" in message for message in messages)
    inputs = [cost_input(a) for a in activities_of(appropriation)]
    wanted = monthly_totals_for(inputs)
    for activity in (granted, expected, draft):
        (brain,) = catalog.unrestrictedSearchResults(UID=activity.UID())
        assert brain.bos_monthly_totals == wanted[activity.UID()]
    assert catalog.unrestrictedSearchResults(UID=granted.UID())[0].bos_monthly_totals
    assert catalog.unrestrictedSearchResults(UID=draft.UID())[0].bos_monthly_totals == {}
    # Every activity of the site has the column filled, and the overview reads it.
    rows = metadata_rows(catalog, "bos_activity", ("UID", MONTHLY_COLUMN))
    assert all(months is not None for _path, (_uid, months) in rows)
    clear_cache()
    overview = collect(YEAR)
    assert overview.monthly_source == "ledger"  # and on to the running sums (1010)
    assert overview.monthly == overview_before.monthly

    # Running it again finds nothing to do.
    messages.clear()
    total, done, _seconds = v1001.fill_monthly_totals(batch=1)
    assert (total, done) == (0, 0)


def test_upgrade_corrects_the_management_role_description(manager):
    from os2bos_plone.security.roles import PRODUCT_ROLES

    portal = manager
    role_manager = portal.acl_users.portal_role_manager
    role_manager.updateRole("BOSManagement", "BOS Ledelse", "Læser alt, ændrer intet.")
    api.group.get(groupname="bos_management").setGroupProperties(
        {"description": "Læser alt, ændrer intet."}
    )
    v1001.update_role_descriptions(portal, progress=lambda message: None)
    (role,) = [role for role in PRODUCT_ROLES if role.role_id == "BOSManagement"]
    assert "budget" in role.description
    assert role_manager.getRoleInfo("BOSManagement")["description"] == role.description
    group = api.group.get(groupname="bos_management")
    assert group.getProperty("description") == role.description
