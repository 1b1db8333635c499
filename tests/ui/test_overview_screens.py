"""The manager's screens in a real browser: Ledelsesinformation, the budgets, "Til godkendelse"
and the regelmotor overview. Screenshots to test-artifacts/ and axe on each.

The overview's key figures (granted and expected this year) must equal the sum of @bos-costs
over every case of the site (REST, site owner), formatted in Danish.
"""

from datetime import date
from decimal import Decimal

import pytest
import requests
import transaction
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles

from os2bos_plone.decisions.submit import submit
from os2bos_plone.demo.budget import create_demo_budget
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_money
from os2bos_plone.management.figures import clear_cache

YEAR = clock.today().year
TEAM = "familie_oest"


@pytest.fixture
def municipality(functional_portal):
    """Two children: granted, expected (awaiting the section leader) and draft activities, last
    year's too, and this year's budget made by the demo step. Committed for the server."""
    from tests.builders import grant_decision
    from tests.builders import internal_main_fields
    from tests.builders import main_fields
    from tests.builders import make_activity
    from tests.builders import make_appropriation
    from tests.builders import make_case
    from tests.builders import supplementary_fields

    portal = functional_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    try:
        alma = make_case(portal, title="Alma Berg", team=TEAM, case_worker=TEST_USER_ID)
        treatment = make_appropriation(alma)
        main = make_activity(treatment, **main_fields())
        extra = make_activity(treatment, **supplementary_fields())
        grant_decision(treatment, [main, extra])
        make_activity(
            make_appropriation(alma, section="BL-35-3"),
            **internal_main_fields(payment_amount=Decimal("777.00")),
        )  # a draft: counts nowhere
        bo = make_case(portal, title="Bo Dahl", team="unge", target_group="unge", effort_step=5)
        placement = make_appropriation(bo)
        lasting = make_activity(
            placement,
            **main_fields(
                start_date=date(YEAR - 1, 7, 1),
                end_date=date(YEAR, 12, 31),
                payment_amount=Decimal("3000.00"),
            ),
        )
        grant_decision(placement, [lasting])
        pending = make_activity(
            make_appropriation(bo, section="BL-32-1.5"),
            **internal_main_fields(payment_amount=Decimal("10000.00")),
        )
        errors, _required = submit(pending.__parent__, [pending.UID()])
        assert not errors, errors
        clear_cache()
        budget = create_demo_budget(portal, YEAR, progress=lambda message: None)
        assert budget is not None and budget.lines
    finally:
        logout()
    transaction.commit()
    return {"portal": portal, "budget": budget, "pending": pending}


def rest_costs(site_url):
    """(granted, expected) this year: @bos-costs of every case of the site, summed."""
    session = requests.Session()
    session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    session.headers["Accept"] = "application/json"
    found = session.get(
        f"{site_url}/@search", params={"portal_type": "bos_case", "b_size": 1000}
    ).json()
    assert found["items_total"] >= 2
    granted = expected = Decimal(0)
    for item in found["items"]:
        response = session.get(f"{item['@id']}/@bos-costs", params={"year": YEAR})
        assert response.status_code == 200, response.text
        granted += Decimal(response.json()["granted"] or 0)
        expected += Decimal(response.json()["expected"] or 0)
    session.close()
    return granted, expected


def key_figures(page):
    cards = page.locator(".bos-key-figures .bos-card")
    return {
        cards.nth(index).locator("dt").inner_text().strip(): cards.nth(index)
        .locator("dd.bos-card-value")
        .inner_text()
        .strip()
        for index in range(cards.count())
    }


def test_manager_overview_equals_the_costs_of_the_cases(page_as, site_url, screen, municipality):
    granted, expected = rest_costs(site_url)
    assert granted > 0 and expected > granted  # the expected activity counts in expected only

    page = page_as("ov_ledelse", roles=["BOSManagement"], fullname="Lise Ledelse")
    page.goto(f"{site_url}/@@bos-overview?year={YEAR}")
    heading = page.locator("h1.documentFirstHeading").inner_text()
    assert "Ledelsesinformation" in heading and str(YEAR) in heading
    figures = key_figures(page)
    assert figures[f"Bevilget {YEAR}"] == format_money(granted)
    assert figures[f"Forventet {YEAR}"] == format_money(expected)
    assert figures[f"Budget {YEAR}"] == format_money(municipality["budget"].total())
    content = page.locator("#content").inner_text()
    assert "Prognose måned for måned" in content
    assert "Månedstallene er beregnet ud fra de gemte betalinger" not in content
    screen(page, "overview-manager")

    # The budget: listing and this year's budget against the forecast.
    page.goto(f"{site_url}/budget")
    listing = page.locator("table.bos-budget-list").inner_text()
    assert str(YEAR) in listing and format_money(municipality["budget"].total()) in listing
    screen(page, "budget-listing")
    page.get_by_role("link", name=municipality["budget"].Title()).click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == municipality["budget"].absolute_url()
    table = page.locator("table.bos-figures")
    assert format_money(expected) in table.locator("tfoot").inner_text()
    assert page.get_by_role("link", name="Redigér budgetlinjerne").is_visible()
    screen(page, "budget-view")

    # The regelmotor overview, read by management.
    page.goto(f"{site_url}/regelmotor")
    assert page.locator("#content h1").first.inner_text().strip() == "Regelmotor"
    assert "Paragraffer" in page.locator("#content").inner_text()
    screen(page, "regelmotor-overview-manager")


def test_section_leader_sees_what_awaits_approval(page_as, site_url, screen, municipality):
    from tests.builders import lead_unit
    from tests.builders import unit_of

    pending = municipality["pending"]
    # A section leader reads (and decides on) the cases of the afsnit they lead.
    lead_unit("ov_afsnitsleder", unit_of("unge"))
    transaction.commit()
    page = page_as("ov_afsnitsleder", roles=["BOSSectionLeader"], fullname="Anne Afsnitsleder")
    page.goto(f"{site_url}/@@bos-my-approvals")
    assert page.locator("h1.documentFirstHeading").inner_text() == "Til godkendelse"
    rows = page.locator("table.bos-my-approvals tbody tr")
    assert rows.count() >= 1
    assert pending.Title() in page.locator("table.bos-my-approvals").inner_text()
    screen(page, "my-approvals-section-leader")
    # The section leader sees the overview too (its permission), with the same figures.
    page.goto(f"{site_url}/@@bos-overview?year={YEAR}")
    granted, expected = rest_costs(site_url)
    assert key_figures(page)[f"Forventet {YEAR}"] == format_money(expected)
