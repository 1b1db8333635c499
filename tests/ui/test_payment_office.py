"""The payment office's table in a real browser at 1280 px (issue 15): a payment officer
selects several payments, registers them with one paid date and sees them paid; overdue
payments are marked; a payment not yet due asks first; the headers sort; the table fits.

The product's today is 10 June of this year (frozen_today; the server thread reads the same
clock). Screenshots and axe results go to test-artifacts/.
"""

from datetime import date
from decimal import Decimal

import pytest
import transaction
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles

from os2bos_plone.engine import clock
from os2bos_plone.payments.paid import find_payment
from tests.builders import internal_main_fields
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case

YEAR = clock.today().year
TODAY = date(YEAR, 6, 10)
WIDTH = 1280


@pytest.fixture
def payments_due(functional_portal, frozen_today):
    """Ida: an invoice of 2.000 kr. (1.940 kr. at Kompasrosen's 97 %) on the 1st; Bo: an
    internal settlement of 500 kr. on the 15th; both granted for the whole year."""
    frozen_today(TODAY)
    portal = functional_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    try:
        ida = make_case(portal, cpr_number="151213-4321", title="Ida Iversen")
        invoice = make_activity(
            make_appropriation(ida), **main_fields(payment_amount=Decimal("2000.00"))
        )
        api.content.transition(obj=invoice, transition="grant")
        bo = make_case(portal, cpr_number="020219-4321", title="Bo Berg")
        internal = make_activity(
            make_appropriation(bo),
            **internal_main_fields(payment_day_of_month=15, payment_amount=Decimal("500.00")),
        )
        api.content.transition(obj=internal, transition="grant")
    finally:
        logout()
    transaction.commit()
    return {"ida": ida, "bo": bo, "invoice": invoice, "internal": internal}


def open_office(page_as, site_url):
    page = page_as("po-okonomi", roles=["BOSFinance"], fullname="Pia Økonomi")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(
        f"{site_url}/@@bos-payments?period=custom&date_from={YEAR}-05-01&date_to={YEAR}-06-30"
    )
    return page


def rows_text(page):
    rows = page.locator("table.bos-payments-table tbody tr")
    return [rows.nth(index).inner_text() for index in range(rows.count())]


def test_officer_registers_several_payments_with_one_date(page_as, site_url, screen, payments_due):
    page = open_office(page_as, site_url)
    table = page.locator("table.bos-payments-table")
    rows = table.locator("tbody tr")
    assert rows.count() == 4
    # the case by the child's name and SBSYS id
    text = table.inner_text()
    assert "Ida Iversen" in text and payments_due["ida"].sbsys_id in text
    assert "Bo Berg" in text and payments_due["bo"].sbsys_id in text
    # overdue: due before 10 June and unpaid (1 May, 15 May, 1 June), not 15 June
    overdue = table.locator("tbody tr.bos-overdue")
    assert overdue.count() == 3
    assert all("Forfalden" in overdue.nth(i).inner_text() for i in range(3))
    assert "Forfalden" not in rows.nth(3).inner_text()
    # the table fits 1280 px: no horizontal scrolling of the table or the page
    fits = page.evaluate(
        """() => {
            const table = document.querySelector("table.bos-payments-table");
            const register = table.querySelector("thead th.bos-register-col");
            return {
                right: table.getBoundingClientRect().right,
                registerRight: register.getBoundingClientRect().right,
                viewport: window.innerWidth,
                page: document.documentElement.scrollWidth,
                parent: table.parentElement.scrollWidth - table.parentElement.clientWidth,
            };
        }"""
    )
    assert fits["viewport"] == WIDTH
    assert fits["right"] <= WIDTH and fits["registerRight"] <= WIDTH, fits
    assert fits["page"] <= WIDTH and fits["parent"] <= 0, fits
    screen(page, "payment-office-table")

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    for day in (f"01.05.{YEAR}", f"15.05.{YEAR}", f"01.06.{YEAR}"):
        page.get_by_label(f"Vælg {day}").check()
    assert "3 valgt" in page.locator("#bos-pay-selected-count").inner_text()
    paid_date = page.get_by_label("Betalingsdato")
    assert paid_date.input_value() == f"{TODAY:%d.%m.%Y}"  # a Danish text field
    paid_date.fill(f"09.06.{YEAR}")
    page.get_by_label("Bemærkning").fill("Bunke 24")
    page.get_by_role("button", name="Registrér som betalt").click()
    page.wait_for_load_state("networkidle")
    assert dialogs == []  # all were due: no question
    message = page.locator("#global_statusmessage").inner_text()
    assert f"3 betalinger er registreret som betalt den 9. juni {YEAR}" in message
    texts = rows_text(page)
    assert sum("Ubetalt" not in text and "Betalt" in text for text in texts) == 3
    assert page.locator("table.bos-payments-table tbody tr.bos-overdue").count() == 0
    screen(page, "payment-office-registered")

    transaction.begin()  # see what the server thread committed
    invoice, internal = payments_due["invoice"], payments_due["internal"]
    for activity, day in (
        (invoice, date(YEAR, 5, 1)),
        (invoice, date(YEAR, 6, 1)),
        (internal, date(YEAR, 5, 15)),
    ):
        payment = find_payment(activity, day)
        assert payment.paid and payment.paid_date == date(YEAR, 6, 9)
        assert payment.note == "Bunke 24"
    assert find_payment(invoice, date(YEAR, 6, 1)).paid_amount == Decimal("1940.00")
    assert not find_payment(internal, date(YEAR, 6, 15)).settled


def test_a_payment_not_due_yet_asks_before_it_is_registered(
    page_as, site_url, screen, payments_due
):
    page = open_office(page_as, site_url)
    answers = iter([False, True])
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        if next(answers):
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_label(f"Vælg 15.06.{YEAR}").check()
    page.get_by_role("button", name="Registrér som betalt").click()
    page.wait_for_timeout(300)
    assert len(dialogs) == 1
    assert "endnu ikke forfaldne" in dialogs[0] and "før forfaldsdatoen" in dialogs[0]
    transaction.begin()
    assert not find_payment(payments_due["internal"], date(YEAR, 6, 15)).settled
    # asked again and confirmed: registered
    page.get_by_role("button", name="Registrér som betalt").click()
    page.wait_for_load_state("networkidle")
    assert len(dialogs) == 2
    message = page.locator("#global_statusmessage").inner_text()
    assert "er registreret som betalt" in message
    transaction.begin()
    assert find_payment(payments_due["internal"], date(YEAR, 6, 15)).paid


def test_headers_sort_the_table(page_as, site_url, screen, payments_due):
    page = open_office(page_as, site_url)
    table = page.locator("table.bos-payments-table")
    amount_header = table.get_by_role("columnheader", name="Beløb", exact=True)
    date_header = table.get_by_role("columnheader", name="Forfaldsdato", exact=True)
    assert date_header.get_attribute("aria-sort") == "ascending"
    amount_header.get_by_role("button").click()
    assert amount_header.get_attribute("aria-sort") == "ascending"
    assert date_header.get_attribute("aria-sort") is None
    amounts = table.locator("tbody tr td.bos-money")
    assert amounts.first.inner_text().startswith("500,00")
    amount_header.get_by_role("button").click()
    assert amount_header.get_attribute("aria-sort") == "descending"
    assert amounts.first.inner_text().startswith("1.940,00")
    case_header = table.get_by_role("columnheader", name="Sag", exact=True)
    case_header.get_by_role("button").click()
    assert case_header.get_attribute("aria-sort") == "ascending"
    first_rows = rows_text(page)
    assert "Bo Berg" in first_rows[0] and "Ida Iversen" in first_rows[-1]
    # the sort button is reachable by keyboard and named by its header
    case_header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert case_header.get_attribute("aria-sort") == "descending"
    assert "Ida Iversen" in rows_text(page)[0]
    screen(page, "payment-office-sorted")
