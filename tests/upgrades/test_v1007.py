"""Upgrade step 1006 -> 1007: the catalog index bos_payment_rate, filled for the activities
priced by a central rate."""

from decimal import Decimal

import transaction
from plone import api
from Products.GenericSetup.upgrade import listUpgradeSteps

from os2bos_plone.upgrades import v1007
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case

PROFILE = "os2bos_plone:default"


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1006")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1006",), ("1007",)),
        (("1007",), ("1008",)),
        (("1008",), ("1009",)),
        (("1009",), ("1010",)),
        (("1010",), ("1011",)),
    ]
    assert setup.getVersionForProfile(PROFILE) == "1011"


def test_the_index_is_added_and_filled(manager, monkeypatch):
    rate = api.content.find(portal_type="bos_rate", bos_key="kost_logi_under_10")[0]
    appropriation = make_appropriation(make_case(manager))
    priced = make_activity(
        appropriation,
        **main_fields(
            payment_cost_type="rate",
            payment_rate=rate.UID,
            payment_units=Decimal("2"),
            payment_amount=None,
        ),
    )
    fixed = make_activity(appropriation, **main_fields(activity_type="supplementary"))
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delIndex(v1007.INDEX)
    assert v1007.INDEX not in catalog.indexes()
    monkeypatch.setattr(v1007, "checkpoint", lambda: transaction.savepoint(optimistic=True))
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1006")

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)  # and on to 1011
    found = catalog.unrestrictedSearchResults(bos_payment_rate=rate.UID)
    assert [brain.UID for brain in found] == [priced.UID()]
    assert fixed.UID() not in [brain.UID for brain in found]
    assert v1007.upgrade() == 0  # a second run indexes nothing again


def test_the_cases_folder_keeps_no_order_list(manager):
    """Every new case rewrote one list of all case ids (a hot object between instances)."""
    from Acquisition import aq_base
    from zope.annotation.interfaces import IAnnotations

    folder = manager["sager"]
    annotations = IAnnotations(aq_base(folder))
    annotations["plone.folder.ordered.order"] = ["left-by-an-ordered-folder"]
    v1007.upgrade()
    assert not any(key in annotations for key in v1007.ORDER_KEYS)
    make_case(manager)
    make_case(manager)
    assert not any(key in annotations for key in v1007.ORDER_KEYS)
    assert len(folder.objectIds()) >= 2
