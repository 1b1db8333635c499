"""The hand-written date fields in a real browser (issue 15: no browser's English date message):
a text field typed the Danish way, 01.12.2026, read by the server; a wrong date is answered in
Danish by the server, never by the browser.
"""

from os2bos_plone.engine import clock
from tests.ui.test_table_sort import CHILDREN
from tests.ui.test_table_sort import children  # noqa: F401 (the fixture)

YEAR = clock.today().year


def test_payment_search_dates_are_typed_the_danish_way(
    page_as,
    site_url,
    screen,
    children,  # noqa: F811
):
    page = page_as("df_okonomi", roles=["BOSFinance"])
    page.goto(f"{site_url}/@@bos-payments")
    date_from = page.get_by_label("Fra dato")
    assert date_from.get_attribute("type") == "text"
    assert date_from.get_attribute("placeholder") == "dd.mm.åååå"
    date_from.fill(f"01.12.{YEAR}")
    page.get_by_label("Til dato").fill(f"31.12.{YEAR}")
    # typing a date chooses "the dates from and to"
    assert page.get_by_label("Periode").input_value() == "custom"
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert not page.locator(".alert-danger").count()
    dates = page.locator("table.bos-payments-table tbody tr > th").all_inner_texts()
    assert [text.strip() for text in dates] == [f"01.12.{YEAR}"] * len(CHILDREN)
    assert page.get_by_label("Fra dato").input_value() == f"01.12.{YEAR}"
    screen(page, "date-fields-payments")

    # a date that does not exist: the server says so in Danish, the field keeps it
    page.get_by_label("Fra dato").fill(f"31.11.{YEAR}")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert (
        f"Fra dato: Datoen 31.11.{YEAR} findes ikke." in page.locator(".alert-danger").inner_text()
    )
    assert page.get_by_label("Fra dato").input_value() == f"31.11.{YEAR}"
    assert not page.locator("table.bos-payments-table").count()
