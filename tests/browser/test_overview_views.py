"""The management screen (@@bos-overview) as the page renders it: law sections in numeric order,
the headline never better than its worst budget line, a budget-against-forecast chart and the
tables folded under their headings (issue 15)."""

from decimal import Decimal

import pytest
from plone.dexterity.utils import createContentInContainer

from os2bos_plone.browser.overview import ReportBuilder
from os2bos_plone.management.figures import clear_cache
from tests.builders import YEAR
from tests.builders import add_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import text_of
from tests.builders import view


@pytest.fixture
def sections(manager):
    """Granted activities under § 114, § 32 and § 30 (made in that order), 1.000 kr. a month
    each; a budget whose total is well within, while the § 114 line stands at 600 %."""
    portal = manager
    clear_cache()
    case = make_case(portal, title="Ida Iversen")
    add_activity(
        make_appropriation(case, "BL-114-1.2"), amount="1000", service="100203", provider=None
    )
    add_activity(make_appropriation(case, "BL-32-1.5"), amount="1000")
    add_activity(
        make_appropriation(case, "BL-30-1.1"), amount="1000", service="100101", provider=None
    )
    createContentInContainer(
        portal["budget"],
        "bos_budget",
        year=YEAR,
        lines=[
            {"section": "BL-114-1.2", "amount": Decimal("2000"), "note": "Efterværn"},
            {"section": "BL-32-1.5", "amount": Decimal("500000"), "note": ""},
            {"section": "BL-30-1.1", "amount": Decimal("500000"), "note": ""},
        ],
    )
    yield portal
    clear_cache()


def test_sections_are_in_law_order_on_the_page_and_in_the_budget(sections):
    report = ReportBuilder(YEAR, sections.REQUEST).build()
    titles = [row["title"] for row in report.table("section").rows]
    assert [title.split(" – ")[0] for title in titles] == [
        "§ 30, stk. 1, nr. 1",
        "§ 32, stk. 1, nr. 5",
        "§ 114, stk. 1, nr. 2",
    ]
    budget_titles = [row["title"].split(" – ")[0] for row in report.table("budget").rows]
    assert budget_titles == ["§ 30, stk. 1, nr. 1", "§ 32, stk. 1, nr. 5", "§ 114, stk. 1, nr. 2"]


def test_the_headline_is_over_budget_when_a_line_is(sections):
    report = ReportBuilder(YEAR, sections.REQUEST).build()
    budget = report.table("budget")
    assert budget.total["status"] == "under"  # the total alone is well within
    lines = {row["note"]: row for row in budget.rows}
    assert lines["Efterværn"]["status"] == "over"
    assert lines["Efterværn"]["usage_pct"] == Decimal(600)
    headline = next(f for f in report.key_figures if f["label"] == f"Budget {YEAR}")
    assert headline["status"] == "over"
    assert headline["status_text"] == "Overskridelse"
    assert headline["lines_detail"] == "1 budgetlinje over budgettet"
    html = view(sections, "bos-overview", year=YEAR)()
    text = text_of(html)
    cards = html.split('<dl class="bos-cards">')[1].split("</dl>")[0]
    assert "Overskridelse" in cards and "Inden for budget" not in cards
    assert "bos-card bos-status-over" in html
    assert "1 budgetlinje over budgettet" in text


def test_budget_chart_full_width_and_tables_folded(sections):
    html = view(sections, "bos-overview", year=YEAR)()
    assert 'id="bos-chart-budget"' in html
    assert "Budget mod prognose pr. budgetlinje" in html
    # charts are never drawn narrower than their viewBox: 12 px labels stay 12 px or more
    assert 'style="min-width: 760px"' in html and "max-width: 760px" not in html
    # every table is folded under its heading
    assert html.count('<details class="bos-table-details">') == html.count("<table ")
    assert html.count("<summary>") >= 3
    assert "Vis tabellen" in html
