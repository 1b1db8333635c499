"""The stored monthly totals (catalog column ``bos_monthly_totals``) follow every change.

After each change the overview's totals and month-by-month forecast must equal the sums of
@bos-costs (``figures.costs_for``) over the cases, and the overview must not fall back to the
payments (which would wake activities).
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from plone import api
from plone.uuid.interfaces import IUUID
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.decisions.adjustment import create_adjustment
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.management import figures as management
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import collect
from os2bos_plone.payments import figures
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import yearly_totals_of
from tests.builders import YEAR

CASES = ("alma", "bo", "carl")

TEAM_LEADER = DecisionParameters(approval_level="teamleder")


def cost_figures(data):
    granted = expected = Decimal(0)
    months = defaultdict(Decimal)
    for name in CASES:
        result = figures.costs_for(data[name], YEAR)
        granted += Decimal(result["granted"])
        expected += Decimal(result["expected"])
        for item in result["monthly"]:
            months[item["month"]] += Decimal(item["amount"])
    return granted, expected, dict(months)


def overview_figures(monkeypatch):
    clear_cache()
    with monkeypatch.context() as patch:

        def forbidden(*args, **kwargs):
            raise AssertionError("the overview woke an activity")

        patch.setattr(management, "_appropriation_monthly", forbidden)
        patch.setattr(management, "cost_input", forbidden)
        overview = collect(YEAR)
    assert overview.monthly_source == "ledger"
    this_year = f"{YEAR}-"
    months = {
        month: values[1]
        for month, values in overview.monthly.items()
        if month.startswith(this_year)
    }
    return overview.totals[0], overview.totals[1], months, overview


def assert_overview_matches_costs(data, monkeypatch):
    granted, expected, months, overview = overview_figures(monkeypatch)
    cost_granted, cost_expected, cost_months = cost_figures(data)
    assert (granted, expected) == (cost_granted, cost_expected)
    assert months == cost_months
    # Granted per month adds up to the granted total too.
    assert (
        sum(values[0] for month, values in overview.monthly.items() if month.startswith(f"{YEAR}-"))
        == granted
    )
    return overview


def test_initial_figures(data, monkeypatch):
    assert_overview_matches_costs(data, monkeypatch)


def test_after_editing_an_amount(data, monkeypatch):
    before = assert_overview_matches_costs(data, monkeypatch)
    activity = data["family_treatment"]
    activity.payment_amount = Decimal("12345.67")
    notify(ObjectModifiedEvent(activity))
    after = assert_overview_matches_costs(data, monkeypatch)
    assert after.totals[0] > before.totals[0]


def test_after_a_grant(data, monkeypatch):
    before = assert_overview_matches_costs(data, monkeypatch)
    draft = data["draft"]
    draft.payment_amount = Decimal("1000")
    notify(ObjectModifiedEvent(draft))
    result = grant(data["bo_draft"], [IUUID(draft)], TEAM_LEADER, user=api.user.get_current())
    assert result.ok, result.errors
    assert status_of(draft) == "granted"
    after = assert_overview_matches_costs(data, monkeypatch)
    granted_now = yearly_totals_of(draft)[YEAR][0]
    assert granted_now > 0
    assert after.totals[0] == before.totals[0] + granted_now


def test_after_an_adjustment_and_its_merge(data, monkeypatch, frozen_today):
    # The original runs through this year; an adjustment must start inside it and not in the
    # past, whatever day the suite runs on: decide on 10 June and adjust from 1 July.
    frozen_today(date(YEAR, 6, 10))
    original = data["family_treatment"]
    start = date(YEAR, 7, 1)
    adjustment = create_adjustment(
        original, {"start_date": start.isoformat(), "payment_amount": "11000"}
    )
    assert status_of(adjustment) == "expected"
    expected_state = assert_overview_matches_costs(data, monkeypatch)
    result = grant(
        data["alma_treatment"], [IUUID(adjustment)], TEAM_LEADER, user=api.user.get_current()
    )
    assert result.ok, result.errors
    merged = assert_overview_matches_costs(data, monkeypatch)
    # After the merge the expected figures stay; granted follows them.
    assert merged.totals[1] == expected_state.totals[1]


def test_after_marking_a_payment_paid_in_another_month(data, monkeypatch):
    activity = data["placement"]
    payment = next(p for p in stored_payments(activity) if p.date.year == YEAR)
    paid_date = date(YEAR, payment.date.month, 28) if payment.date.month < 12 else payment.date
    mark_paid(activity, payment.date, "100.00", paid_date.isoformat(), privileged=True)
    overview = assert_overview_matches_costs(data, monkeypatch)
    assert overview.totals[0] > 0


def test_stored_monthly_totals_sum_to_the_yearly_totals(data):
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="bos_activity"):
        for year, (granted, expected) in (brain.bos_yearly_totals or {}).items():
            months = [v for m, v in brain.bos_monthly_totals.items() if m.startswith(f"{year}-")]
            assert sum(Decimal(g) for g, _e in months) == Decimal(granted)
            assert sum(Decimal(e) for _g, e in months) == Decimal(expected)
