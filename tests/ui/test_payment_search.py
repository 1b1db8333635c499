"""The payment office screen in a real browser (cookie session, CSRF token in the form).

A payment officer (BOS Økonomi) opens "Udbetalinger", searches by CPR number and "Denne måned",
registers this month's invoice payment as paid and sees it paid. Each screen is screenshot to
test-artifacts/ and checked with axe.
"""

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
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case

CPR = "151213-4321"


@pytest.fixture
def granted_invoice(functional_portal):
    """A case with CPR ``CPR`` and a granted invoice activity paying on the 1st of every month
    of this year; and another case whose payments must not show."""
    setRoles(functional_portal, TEST_USER_ID, ["Manager"])
    login(functional_portal, TEST_USER_NAME)
    case = make_case(functional_portal, cpr_number=CPR, title="Ida Iversen")
    activity = make_activity(
        make_appropriation(case), **main_fields(payment_amount=Decimal("2000.00"))
    )
    api.content.transition(obj=activity, transition="grant")
    other = make_case(functional_portal, cpr_number="010101-1111", title="Ole Olsen")
    other_activity = make_activity(make_appropriation(other), **main_fields())
    api.content.transition(obj=other_activity, transition="grant")
    logout()
    transaction.commit()
    return case, activity


def test_payment_officer_registers_a_payment_as_paid(page_as, screen, site_url, granted_invoice):
    case, activity = granted_invoice
    first_of_month = clock.today().replace(day=1)
    planned = find_payment(activity, first_of_month)
    assert planned is not None and not planned.settled
    page = page_as("ps-okonomi", roles=["BOSFinance"])
    page.goto(f"{site_url}/@@bos-payments")
    assert page.locator("h1").first.inner_text() == "Udbetalinger"
    page.get_by_label("CPR-nummer").fill(CPR)
    page.get_by_label("Periode").select_option("this_month")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state("networkidle")
    # the CPR number is posted, never in the URL
    assert CPR not in page.url
    table = page.locator("table.bos-payments-table")
    rows = table.locator("tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert "Ubetalt" in row.inner_text()
    assert case.sbsys_id in row.inner_text()
    assert "1 betaling" in page.locator(".bos-payments-count").inner_text()
    screen(page, "payments-search")

    amount = row.get_by_label("Betalt beløb")
    assert amount.input_value() == "1.940,00"  # 2.000 kr. at the provider's VAT factor of 97
    # One paid date and one note for the selected payments (issue 15), above the table.
    assert page.get_by_label("Betalingsdato").input_value() == f"{clock.today():%d.%m.%Y}"
    page.get_by_label("Bemærkning").fill("Faktura 2024-118")
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Registrér som betalt").click()
    page.wait_for_load_state("networkidle")

    message = page.locator("#global_statusmessage").inner_text()
    assert "er registreret som betalt" in message
    # after the redirect the case's UID carries the search on, never the CPR number
    assert CPR not in page.url and f"cases={case.UID()}" in page.url
    assert "period=this_month" in page.url
    row = page.locator("table.bos-payments-table tbody tr").first
    text = row.inner_text()
    assert "Betalt" in text and "Ubetalt" not in text
    assert "Faktura 2024-118" in text
    assert row.locator("form").count() == 0
    assert row.locator("input").count() == 0  # a paid payment is not registered again
    screen(page, "payments-registered")

    transaction.begin()  # see what the server thread committed
    paid = find_payment(activity, first_of_month)
    assert paid.paid and paid.paid_amount == Decimal("1940.00")
    assert paid.paid_date == clock.today()
