"""The regelmotor role edits one list on its own form: from the overview to the approval rules,
one amount changed and saved, the teams untouched. Screenshots to test-artifacts/, axe on each."""

import copy
from decimal import Decimal

import pytest
import transaction

USER = "ui-regelmotor"


@pytest.fixture
def regelmotor(functional_portal):
    """The regelmotor, its lists restored afterwards (the functional site is shared)."""
    container = functional_portal["regelmotor"]
    rules, teams = copy.deepcopy(container.approval_rules), copy.deepcopy(container.teams)
    yield container
    transaction.begin()
    container.approval_rules = rules
    container.teams = teams
    transaction.commit()


def test_the_regelmotor_role_changes_one_approval_rule(page_as, site_url, screen, regelmotor):
    teams_before = copy.deepcopy(regelmotor.teams)
    amount = regelmotor.approval_rules[1]["min_annual_cost"]
    assert amount == Decimal("250000")
    page = page_as(USER, roles=["BOSClassificationAdmin"], fullname="Rasmus Regelmotor")
    page.goto(f"{site_url}/regelmotor")
    screen(page, "regelmotor-overview-lists")

    page.get_by_role("link", name="Redigér Godkendelsesregler").click()
    page.wait_for_load_state("networkidle")
    assert "@@bos-regelmotor-edit?list=approval_rules" in page.url
    assert page.locator("h1.documentFirstHeading").inner_text().strip() == "Godkendelsesregler"
    # One list on the form: no teams, no other fieldsets.
    assert page.locator("[name^='form.widgets.teams']").count() == 0
    cell = page.locator("#form-widgets-approval_rules-1-widgets-min_annual_cost")
    assert cell.input_value() == "250.000,00"
    assert page.get_by_role("button", name="Tilføj række").first.is_visible()
    screen(page, "regelmotor-form-approval-rules")

    cell.fill("260.000,00")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == f"{site_url}/regelmotor"
    assert "Listen er gemt." in page.locator("#global_statusmessage").inner_text()
    screen(page, "regelmotor-approval-rules-saved")

    transaction.begin()  # see what the server thread committed
    assert regelmotor.approval_rules[1]["min_annual_cost"] == Decimal("260000")
    assert regelmotor.teams == teams_before

    # The teams' form shows the teams with their keys and names (no empty required rows).
    page.get_by_role("link", name="Redigér Teams").click()
    page.wait_for_load_state("networkidle")
    first = teams_before[0]
    assert page.locator("#form-widgets-teams-0-widgets-key").input_value() == first["key"]
    assert page.locator("#form-widgets-teams-0-widgets-title").input_value() == first["title"]
    screen(page, "regelmotor-form-teams")
