"""The payment office's search by period reads the day indexes (payments.payment_days.PaymentDays):
its count and every page equal a brute-force read of every granted activity's stored payments,
for daily, weekly and monthly plans, paid and unpaid; a large search wakes only the activities
of its page and sums the page."""

from datetime import date
from decimal import Decimal

import pytest
from plone import api

from os2bos_plone.browser import payments
from os2bos_plone.engine import clock
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import stored_payments
from tests.browser.test_payment_views import OFFICER
from tests.browser.test_payment_views import _granted
from tests.browser.test_payment_views import _user
from tests.browser.test_payment_views import search
from tests.builders import internal_main_fields
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import text_of

YEAR = clock.today().year
FIRST, LAST = date(YEAR, 3, 1), date(YEAR, 3, 31)
PERIOD = {"period": "custom", "date_from": FIRST.isoformat(), "date_to": LAST.isoformat()}


@pytest.fixture
def plans(manager, monkeypatch):
    portal = manager
    _user(OFFICER, ["BOSFinance"])
    monkeypatch.setattr(payments.PaymentSearchView, "today", lambda self: date(YEAR, 3, 20))
    case = make_case(portal, cpr_number="010118-1234", title="Alma Andersen")
    other = make_case(portal, cpr_number="020219-4321", title="Bo Berg")
    daily = _granted(
        make_appropriation(case),
        **main_fields(
            payment_frequency="daily",
            payment_day_of_month=None,
            payment_amount=Decimal("100.00"),
            start_date=date(YEAR, 2, 20),
            end_date=date(YEAR, 3, 10),
        ),
    )
    weekly = _granted(
        make_appropriation(other),
        **internal_main_fields(
            payment_frequency="weekly",
            payment_day_of_month=None,
            payment_amount=Decimal("700.00"),
            start_date=date(YEAR, 3, 3),
        ),
    )
    monthly = _granted(make_appropriation(other), **main_fields(payment_day_of_month=10))
    first_of_month = _granted(make_appropriation(case), **internal_main_fields())
    draft = make_activity(make_appropriation(case), **main_fields(payment_day_of_month=5))
    for day in (date(YEAR, 3, 2), date(YEAR, 3, 3), date(YEAR, 3, 9)):
        mark_paid(daily, day, "97", day.isoformat(), privileged=True)
    mark_paid(weekly, date(YEAR, 3, 3), "650", date(YEAR, 3, 4).isoformat(), privileged=True)
    mark_paid(monthly, date(YEAR, 3, 10), "9700", date(YEAR, 3, 10).isoformat(), privileged=True)
    return {
        "portal": portal,
        "activities": [daily, weekly, monthly, first_of_month],
        "draft": draft,
    }


def brute_force(activities, paid="", method=""):
    """(date, path, amount) of every wanted payment in the period, read from every store."""
    rows = []
    for activity in activities:
        if method and activity.payment_method != method:
            continue
        for payment in stored_payments(activity):
            if not FIRST <= payment.date <= LAST:
                continue
            if (paid == "paid" and not payment.settled) or (paid == "unpaid" and payment.settled):
                continue
            rows.append((payment.date, activity.getPhysicalPath(), payment.amount))
    return sorted(rows)


def every_page(portal, **form):
    """(rows of every page as (date, path, amount), the views) of a search."""
    rows, views = [], []
    page, _html = search(portal, **form)
    views.append(page)
    for number in range(1, page.page_count + 1):
        page, _html = search(portal, page=str(number), **form)
        views.append(page)
        rows.extend(
            (payment.date, activity.getPhysicalPath(), payment.amount)
            for payment, activity in page.page_rows
        )
    return rows, views


@pytest.mark.parametrize("paid", ["", "paid", "unpaid"])
@pytest.mark.parametrize("method", ["", "internal"])
def test_a_large_search_pages_exactly_what_the_stores_hold(plans, monkeypatch, paid, method):
    monkeypatch.setattr(payments.PaymentSearchView, "exact_rows", 0)  # always a large search
    monkeypatch.setattr(payments.PaymentSearchView, "page_size", 7)
    expected = brute_force(plans["activities"], paid, method)
    assert expected
    rows, views = every_page(plans["portal"], paid=paid, payment_method=method, **PERIOD)
    assert rows == expected
    assert {view.total_count for view in views} == {len(expected)}
    assert all(view.day_rows is not None for view in views)
    # Each page wakes only the activities of its own rows.
    assert all(view.read_activities <= 7 for view in views)


@pytest.mark.parametrize("paid", ["", "paid", "unpaid"])
def test_a_small_search_reads_every_row_and_finds_the_same(plans, paid):
    expected = brute_force(plans["activities"], paid)
    page, _html = search(plans["portal"], paid=paid, **PERIOD)
    assert page.day_rows is None
    found = [(p.date, a.getPhysicalPath(), p.amount) for p, a in page.rows_found]
    assert found == expected
    assert page.total_count == len(expected)


def test_a_large_search_sums_its_page_and_says_so(plans, monkeypatch):
    monkeypatch.setattr(payments.PaymentSearchView, "exact_rows", 0)
    monkeypatch.setattr(payments.PaymentSearchView, "page_size", 5)
    page, html = search(plans["portal"], **PERIOD)
    text = text_of(html)
    planned = sum((payment.amount for payment, _a in page.page_rows), Decimal("0"))
    assert page.sums()["planned"] == payments.format_money(planned)
    assert "I alt på denne side (5 betalinger)" in text
    assert f"{len(brute_force(plans['activities']))} betalinger" in text
    monkeypatch.setattr(payments.PaymentSearchView, "exact_rows", payments.EXACT_ROWS)
    small, html = search(plans["portal"], **PERIOD)
    assert "I alt på denne side" not in text_of(html)
    assert small.sums()["planned"] == payments.format_money(
        sum((amount for _d, _p, amount in brute_force(plans["activities"])), Decimal("0"))
    )


def test_the_recipient_filter_reads_the_activities_within_a_bound(plans, monkeypatch):
    monkeypatch.setattr(payments.PaymentSearchView, "exact_rows", 0)
    internal = [a for a in plans["activities"] if a.recipient_name == "Familiehuset"]
    rows, _views = every_page(plans["portal"], recipient="familiehuset", **PERIOD)
    assert rows == brute_force(internal)
    monkeypatch.setattr(payments.PaymentSearchView, "max_read", 2)
    page, html = search(plans["portal"], recipient="familiehuset", **PERIOD)
    assert "En søgning på modtager kan omfatte højst 2 ydelser, og denne omfatter 4" in html
    assert page.total_count == 0


def test_a_period_search_is_not_refused_for_its_size(plans):
    page, _html = search(plans["portal"], **PERIOD)
    assert page.too_many is None
    assert payments.MAX_ACTIVITIES >= 200_000


def test_the_start_page_figures_of_a_large_search(plans, monkeypatch):
    """The start page's count comes from the indexes when the search is large (no sum)."""
    expected = [
        row
        for method in payments.MANUAL_METHODS
        for row in brute_force(plans["activities"], "unpaid", method)
    ]
    figures = []
    for exact_rows in (payments.EXACT_ROWS, 0):
        monkeypatch.setattr(payments.PaymentSearchView, "exact_rows", exact_rows)
        count, total = 0, Decimal("0")
        for method in payments.MANUAL_METHODS:
            page, _html = search(plans["portal"], paid="unpaid", payment_method=method, **PERIOD)
            found, amount = page.markable_figures()
            count += found
            total = None if total is None or amount is None else total + amount
        figures.append((count, total))
    assert figures[0] == (len(expected), sum((amount for *_r, amount in expected), Decimal("0")))
    assert figures[1] == (len(expected), None)


def test_the_page_of_a_large_search_is_the_users_own(plans, monkeypatch):
    """The rows come from the user's own catalog search (its security): a draft never shows."""
    monkeypatch.setattr(payments.PaymentSearchView, "exact_rows", 0)
    rows, _views = every_page(plans["portal"], period="this_year")
    paths = {path for _d, path, _a in rows}
    assert plans["draft"].getPhysicalPath() not in paths
    assert api.content.get_state(plans["draft"]) != "granted"


def test_before_the_upgrade_a_period_search_says_so_in_danish(plans):
    """A site on this code that has not run step 1011 lacks the day indexes: the search by
    period says what to do instead of failing; a CPR search of all dates still works."""
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delIndex("bos_unpaid_days")
    page, html = search(plans["portal"], **PERIOD)
    assert "kræver, at sitet er opgraderet (trin 1011" in html
    assert page.total_count == 0
    page, html = search(plans["portal"], period="all", cpr="010118-1234")
    assert page.total_count > 0
