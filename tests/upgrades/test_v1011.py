"""Upgrade step 1010 -> 1011: the day indexes bos_payment_days and bos_unpaid_days, added and
filled for every activity."""

from datetime import date

import transaction
from plone import api
from Products.CMFCore.indexing import processQueue
from Products.GenericSetup.upgrade import listUpgradeSteps

from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.upgrades import v1011
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import this_year

PROFILE = "os2bos_plone:default"


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1010")
    assert [(step["source"], step["dest"]) for step in steps] == [(("1010",), ("1011",))]
    assert setup.getVersionForProfile(PROFILE) == "1011"


def _days(activity, unpaid=False):
    return sorted(
        {
            int(payment.date.strftime("%Y%m%d"))
            for payment in stored_payments(activity)
            if not (unpaid and payment.settled)
        }
    )


def test_the_indexes_are_added_and_filled(manager, monkeypatch):
    year = this_year()
    appropriation = make_appropriation(make_case(manager))
    granted = make_activity(appropriation, **main_fields())
    api.content.transition(obj=granted, transition="grant")
    mark_paid(granted, date(year, 1, 1), "9700", date(year, 1, 2).isoformat(), privileged=True)
    draft = make_activity(
        make_appropriation(make_case(manager)), **main_fields(payment_day_of_month=15)
    )
    catalog = api.portal.get_tool("portal_catalog")
    processQueue()
    for name in ("bos_payment_days", "bos_unpaid_days"):
        catalog.delIndex(name)
    monkeypatch.setattr(v1011, "checkpoint", lambda: transaction.savepoint(optimistic=True))
    monkeypatch.setattr(v1011, "BATCH", 1)  # a checkpoint after every activity
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1010")

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)
    for activity in (granted, draft):
        rid = catalog.getrid("/".join(activity.getPhysicalPath()))
        every = catalog._catalog.getIndex("bos_payment_days").getEntryForObject(rid)
        unpaid = catalog._catalog.getIndex("bos_unpaid_days").getEntryForObject(rid)
        assert sorted(every) == _days(activity)
        assert sorted(unpaid) == _days(activity, unpaid=True)
    assert int(f"{year}0101") not in catalog._catalog.getIndex("bos_unpaid_days").getEntryForObject(
        catalog.getrid("/".join(granted.getPhysicalPath()))
    )
    found = catalog.unrestrictedSearchResults(bos_payment_days=int(f"{year}0115"))
    assert [brain.UID for brain in found] == [draft.UID()]
    assert v1011.upgrade() >= 2  # a second run reindexes the same days
