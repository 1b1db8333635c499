"""Upgrade step 1008 -> 1009: the submission columns of "Til godkendelse", filled for the
expected activities only, with the annual cost the rule computed at the submission for an
activity submitted before the cost was kept."""

import transaction
from Acquisition import aq_base
from DateTime import DateTime
from plone import api
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.uuid.interfaces import IUUID
from Products.GenericSetup.upgrade import listUpgradeSteps

from os2bos_plone.decisions.awaiting import awaiting_items
from os2bos_plone.decisions.competence import required_level_and_cost
from os2bos_plone.engine import clock
from os2bos_plone.upgrades import v1009
from tests.browser.test_grant_views import LEADER
from tests.browser.test_grant_views import team  # noqa: F401 - the fixture
from tests.browser.test_my_approvals_views import submitted_measure
from tests.builders import grant_decision

PROFILE = "os2bos_plone:default"


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1008")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1008",), ("1009",)),
        (("1009",), ("1010",)),
        (("1010",), ("1011",)),
    ]
    assert setup.getVersionForProfile(PROFILE) == "1011"


def _as_1008_left_it(catalog, activities):
    """No columns, and no annual cost kept on the activities (submitted before 1009)."""
    for activity in activities:
        del aq_base(activity).bos_submitted_annual_cost
    catalog.getCounter()
    for name in v1009.COLUMNS:
        catalog.delColumn(name)


def test_the_columns_are_added_and_filled_for_what_awaits(team, monkeypatch):  # noqa: F811
    portal, case = team
    appropriation, activity = submitted_measure(portal, case, note="Før opgraderingen")
    level, cost = required_level_and_cost([activity], when=clock.today())
    other, granted = submitted_measure(portal, case, note="Bevilges")
    login(portal, TEST_USER_NAME)
    grant_decision(other, [granted])
    catalog = api.portal.get_tool("portal_catalog")
    _as_1008_left_it(catalog, [activity])
    assert not any(name in catalog.schema() for name in v1009.COLUMNS)
    monkeypatch.setattr(v1009, "checkpoint", lambda: transaction.savepoint(optimistic=True))
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1008")

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)
    assert all(name in catalog.schema() for name in v1009.COLUMNS)
    assert aq_base(activity).bos_submitted_annual_cost == cost
    login(portal, LEADER)
    [item] = [i for i in awaiting_items(api.user.get_current()) if i.brain.UID == IUUID(activity)]
    assert (item.annual, item.required.key) == (cost, level.key)
    assert item.note == "Før opgraderingen"
    assert item.submitted_by_name == "Gitte Sagsbehandler"
    assert isinstance(item.submitted, DateTime)
    # Only what awaits a decision is reindexed: a granted one (submitted too) waits for its
    # next change.
    assert api.content.get_state(granted) == "granted"
    [brain] = catalog.unrestrictedSearchResults(UID=IUUID(granted))
    assert not isinstance(brain.bos_submitted, DateTime)
    assert v1009.upgrade() == 0  # a second run finds everything filled
