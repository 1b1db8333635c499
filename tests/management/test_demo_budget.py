"""The demo loader makes this year's budget, so Ledelsesinformation shows budget vs forecast."""

from os2bos_plone.browser.overview import ReportBuilder
from os2bos_plone.demo import DEMO_STEPS
from os2bos_plone.demo import load_demo_data
from os2bos_plone.management.budget import budget_for
from os2bos_plone.management.figures import clear_cache
from tests.builders import YEAR


def test_demo_steps_end_with_the_budget_after_the_cases():
    names = [step.__name__ for _title, step in DEMO_STEPS]
    assert names.index("create_demo_budget") > names.index("create_demo_cases")


def test_demo_data_has_a_budget_for_this_year(manager):
    portal = manager
    messages = []
    load_demo_data(portal, progress=messages.append)
    budget = budget_for(YEAR)
    assert budget is not None
    sections = {line["section"] for line in budget.lines}
    assert len(sections) == len(budget.lines) >= 3
    assert any(f"Budget {YEAR} oprettet" in message for message in messages)
    clear_cache()
    report = ReportBuilder(YEAR, portal.REQUEST).build()
    statuses = {row["status"] for row in report.table("budget").rows}
    assert "over" in statuses and "under" in statuses
    # Loading again leaves the budget alone.
    messages.clear()
    load_demo_data(portal, progress=messages.append)
    assert f"Budget {YEAR} findes allerede" in messages
