"""The management screen (Ledelsesinformation) in a real browser at 1280 px (issue 15): charts
full width with labels of at least 12 px as the browser draws them, a budget-against-forecast
chart, law sections in numeric order, a headline consistent with its lines, and the tables
folded under their headings. Screenshot and axe to test-artifacts/.
"""

import re

from os2bos_plone.engine import clock
from tests.ui.test_overview_screens import municipality  # noqa: F401 (the fixture)

YEAR = clock.today().year
WIDTH = 1280

#: The drawn size of every chart label: its font size times the scale of the SVG on screen.
LABEL_SIZES = """() => Array.from(document.querySelectorAll("svg.bos-chart text")).map((text) => {
    const size = parseFloat(getComputedStyle(text).fontSize);
    const matrix = text.getScreenCTM();
    return size * Math.hypot(matrix.a, matrix.b);
})"""

#: (chart width, the content column's width) of every chart.
CHART_WIDTHS = """() => Array.from(document.querySelectorAll("svg.bos-chart")).map((svg) => [
    svg.getBoundingClientRect().width,
    svg.closest("section").getBoundingClientRect().width,
])"""


def paragraph_numbers(titles):
    return [int(re.match(r"§ (\d+)", title).group(1)) for title in titles if title.startswith("§")]


def test_management_screen_charts_headline_and_folded_tables(
    page_as,
    site_url,
    screen,
    municipality,  # noqa: F811
):
    page = page_as("ms_ledelse", roles=["BOSManagement"], fullname="Lise Ledelse")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(f"{site_url}/@@bos-overview?year={YEAR}")

    # charts: full width of their section, labels at least 12 px on the screen
    widths = page.evaluate(CHART_WIDTHS)
    assert len(widths) >= 3
    for chart, column in widths:
        assert chart >= column - 1, widths
    sizes = page.evaluate(LABEL_SIZES)
    assert sizes and min(sizes) >= 12, sorted(sizes)[:5]
    # a budget against forecast chart per budget line
    budget_chart = page.locator("#bos-chart-budget")
    assert budget_chart.is_visible()
    assert (
        "Budget mod prognose pr. budgetlinje" in budget_chart.locator("title").first.text_content()
    )
    assert budget_chart.locator("rect.bar-budget").count() == len(municipality["budget"].lines)

    # the tables are folded under their headings
    details = page.locator("details.bos-table-details")
    assert details.count() >= 3
    assert all(not details.nth(i).evaluate("d => d.open") for i in range(details.count()))
    assert not page.locator("#bos-table-section table").is_visible()
    screen(page, "management-overview")

    # the headline agrees with the lines: over budget when any line is
    budget_section = page.locator("#bos-table-budget")
    budget_section.locator("summary").click()
    assert budget_section.locator("table").is_visible()
    lines_over = budget_section.locator("tbody .bos-status-over").count()
    card = page.locator(".bos-key-figures .bos-card", has_text=f"Budget {YEAR}")
    if lines_over:
        assert "bos-status-over" in card.get_attribute("class")
        assert "Overskridelse" in card.inner_text()
        assert "Inden for budget" not in card.inner_text()

    # sections by law section number, numerically
    section = page.locator("#bos-table-section")
    section.locator("summary").click()
    titles = section.locator("tbody th").all_inner_texts()
    numbers = paragraph_numbers(titles)
    assert numbers and numbers == sorted(numbers), titles
    budget_titles = budget_section.locator("tbody th").all_inner_texts()
    budget_numbers = paragraph_numbers(budget_titles)
    assert budget_numbers == sorted(budget_numbers), budget_titles
    screen(page, "management-overview-open")
