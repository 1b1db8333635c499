"""Every list's headers sort (issue 15): one script, static/table_sort.js, on every product table
marked data-bos-sortable. In a real browser: a header's button sorts by its column, again in
reverse, aria-sort names the order, Enter on the focused button sorts; amounts sort by value
("999,00 kr." before "1.140,00 kr."), dates by time ("1. januar" before "1. april"), names by
Danish collation (Æ, Ø, Å after Z); the total row stays at the bottom.
"""

import re
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
from tests.builders import internal_main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.ui.test_overview_screens import municipality  # noqa: F401 (the fixture)

YEAR = clock.today().year
#: child -> monthly amount: granted this year 999,00 / 1.140,00 / 18.000,00 / 120.000,00 kr.,
#: so that the text order ("1.140" before "120.000" before "18.000" before "999") is wrong.
CHILDREN = {
    "Åse Ås": Decimal("83.25"),
    "Zenia Zink": Decimal("95.00"),
    "Ørnulf Øst": Decimal("1500.00"),
    "Anna And": Decimal("10000.00"),
    "Ærtebjerg Æbelø": Decimal("1500.00"),
}
DANISH_ORDER = ["Anna And", "Zenia Zink", "Ærtebjerg Æbelø", "Ørnulf Øst", "Åse Ås"]


@pytest.fixture
def children(functional_portal):
    """A case a child, each with a granted internal monthly activity of this year."""
    setRoles(functional_portal, TEST_USER_ID, ["Manager"])
    login(functional_portal, TEST_USER_NAME)
    activities = {}
    try:
        for title, amount in CHILDREN.items():
            case = make_case(functional_portal, title=title, case_worker=TEST_USER_ID)
            activity = make_activity(
                make_appropriation(case), **internal_main_fields(payment_amount=amount)
            )
            api.content.transition(obj=activity, transition="grant")
            activities[title] = activity
    finally:
        logout()
    transaction.commit()
    return activities


def amount(text):
    """1.234,50 kr. -> Decimal("1234.50")"""
    found = re.search(r"-?[\d.]+,\d+", text.replace("\u2212", "-"))
    assert found, text
    return Decimal(found.group(0).replace(".", "").replace(",", "."))


def granted_values(table):
    cells = table.locator("tbody td.bos-money:nth-child(7)")
    return [amount(text) for text in cells.all_inner_texts()]


def header(table, name):
    return table.get_by_role("columnheader", name=name, exact=True)


def test_the_parser_reads_danish_values(page_as, site_url, children):
    page = page_as("ts_parse", roles=["BOSManagement"])
    page.goto(f"{site_url}/sager")
    parsed = page.evaluate(
        """(texts) => texts.map((text) => window.bosTableSort.parse(text, false))""",
        [
            "1.234,50 kr.",
            "-2.000,00 kr.",
            "12",
            "596,0 %",
            "01.04.2026",
            "1. april 2026",
            "1. januar 2026 – 31. december 2026",
            "01.04.2026 14.03",
            "27.24.00-G01-1-25",
            "010118-1234",
            "–",
        ],
    )
    kinds = [item["kind"] for item in parsed]
    assert kinds == ["number"] * 4 + ["date"] * 4 + ["text", "text", "empty"]
    assert [item["value"] for item in parsed[:4]] == [1234.5, -2000, 12, 596]
    april = parsed[4]["value"]
    assert parsed[5]["value"] == april
    assert parsed[6]["value"] < april < parsed[7]["value"]


def test_cases_list_sorts_by_name_and_amount(page_as, site_url, screen, children):
    page = page_as("ts_leder", roles=["BOSManagement"])
    page.goto(f"{site_url}/sager")
    table = page.locator("table.bos-cases-table")
    names = header(table, "Barnets navn")
    assert names.get_attribute("aria-sort") is None

    def mine():
        return [
            text
            for text in table.locator("tbody tr th").all_inner_texts()
            if text.strip() in CHILDREN
        ]

    names.get_by_role("button").click()
    assert names.get_attribute("aria-sort") == "ascending"
    assert mine() == DANISH_ORDER
    names.get_by_role("button").click()
    assert names.get_attribute("aria-sort") == "descending"
    assert mine() == DANISH_ORDER[::-1]

    granted = header(table, f"Bevilget {YEAR}")
    granted.get_by_role("button").click()
    assert granted.get_attribute("aria-sort") == "ascending"
    assert names.get_attribute("aria-sort") is None
    values = granted_values(table)
    assert len(values) >= len(CHILDREN)
    assert values == sorted(values), values
    assert Decimal("999.00") in values and Decimal("1140.00") in values
    # the total stays the last row, outside the sorted body
    assert "I alt" in table.locator("tr").last.inner_text()

    # Enter on the focused header button sorts (the other way)
    granted.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert granted.get_attribute("aria-sort") == "descending"
    values = granted_values(table)
    assert values == sorted(values, reverse=True), values
    # the focus is visible: the button draws an outline
    outline = granted.get_by_role("button").evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline != "none"
    screen(page, "table-sort-cases")


def test_payment_search_sorts_amounts_and_dates(page_as, site_url, screen, children):
    page = page_as("ts_okonomi", roles=["BOSFinance"])
    page.goto(
        f"{site_url}/@@bos-payments?period=custom&date_from={YEAR}-01-01&date_to={YEAR}-03-31"
    )
    table = page.locator("table.bos-payments-table")
    due = header(table, "Forfaldsdato")
    assert due.get_attribute("aria-sort") == "ascending"

    def dates():
        return [
            date(int(y), int(m), int(d))
            for d, m, y in (
                re.match(r"(\d{2})\.(\d{2})\.(\d{4})", text.strip()).groups()
                for text in table.locator("tbody tr > th").all_inner_texts()
            )
        ]

    due.get_by_role("button").click()
    assert due.get_attribute("aria-sort") == "descending"
    assert dates() == sorted(dates(), reverse=True)
    due.get_by_role("button").click()
    assert due.get_attribute("aria-sort") == "ascending"
    assert dates() == sorted(dates())

    amounts = header(table, "Beløb")
    amounts.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert amounts.get_attribute("aria-sort") == "ascending"
    values = [amount(text) for text in table.locator("tbody td.bos-money").all_inner_texts()]
    assert values[0] == Decimal("83.25") and values[-1] == Decimal("10000.00")
    assert values == sorted(values), values
    assert table.locator("tr").last.evaluate("row => row.parentNode.tagName") == "TFOOT"
    screen(page, "table-sort-payments")


def test_activity_payments_sort_by_text_dates(page_as, site_url, children):
    page = page_as("ts_view", roles=["BOSManagement"])
    page.goto(children["Anna And"].absolute_url())
    details = page.locator("details", has=page.locator("table.bos-payments")).first
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    table = details.locator("table.bos-payments")
    dates = header(table, "Dato")
    months = (
        "januar februar marts april maj juni juli august september oktober november december"
    ).split()

    def shown():
        return [
            months.index(text.split()[1]) for text in table.locator("tbody th").all_inner_texts()
        ]

    dates.get_by_role("button").click()
    assert dates.get_attribute("aria-sort") == "ascending"
    assert shown() == list(range(12))
    dates.get_by_role("button").click()
    assert dates.get_attribute("aria-sort") == "descending"
    assert shown() == list(range(11, -1, -1))


def test_management_table_sorts_numerically(
    page_as,
    site_url,
    screen,
    municipality,  # noqa: F811
):
    page = page_as("ts_ledelse", roles=["BOSManagement"])
    page.goto(f"{site_url}/@@bos-overview?year={YEAR}")
    # a table of several rows with a column of amounts in kroner (all unfolded first)
    folded = page.locator("details.bos-table-details")
    for position in range(folded.count()):
        folded.nth(position).locator("summary").click()
    found = page.evaluate(
        """() => {
        const tables = Array.from(
          document.querySelectorAll("table.bos-figures[data-bos-sortable]"));
        for (const [number, table] of tables.entries()) {
          const rows = table.tBodies[0].rows;
          if (rows.length < 2) continue;
          const column = Array.from(rows[0].cells).findIndex(
            (cell) => /kr\\.$/.test(cell.textContent.trim()));
          if (column > 0) return [number, column];
        }
        return null;
        }"""
    )
    assert found, "no management table of several rows with amounts"
    table = page.locator("table.bos-figures[data-bos-sortable]").nth(found[0])
    index = found[1]
    column = table.locator("thead th").nth(index)
    title = column.inner_text().strip()
    column.get_by_role("button").click()
    assert column.get_attribute("aria-sort") == "ascending"
    index += 1  # nth-child counts from 1

    def values():
        return [
            amount(text)
            for text in table.locator(f"tbody tr > :nth-child({index})").all_inner_texts()
        ]

    assert len(values()) >= 2, title
    assert values() == sorted(values()), (title, values())
    column.get_by_role("button").click()
    assert column.get_attribute("aria-sort") == "descending"
    assert values() == sorted(values(), reverse=True), (title, values())
    assert table.locator("tr").last.evaluate("row => row.parentNode.tagName") == "TFOOT"
    screen(page, "table-sort-management")
