"""A case worker creates a case through Plone's add form, lands on the case view, finds it in
"Mine sager" and filters the list by CPR. Screenshots and axe of the list and the case view."""

import uuid

import transaction
from plone import api

CPR = "120317-4242"
CHILD = "Åse Ærø Østergaard"


def test_case_worker_creates_a_case_and_finds_it(page_as, site_url, screen, functional_portal):
    from tests.builders import main_fields
    from tests.builders import make_activity
    from tests.builders import make_appropriation
    from tests.builders import make_case

    page = page_as("bs_case_worker", roles=["BOSCaseWorker"], fullname="Birthe Sørensen")
    # someone else's case: never in her "Mine sager"
    with api.env.adopt_roles(["Manager"]):
        other = make_case(functional_portal, title="Anden Andersen", case_worker="admin")
        make_activity(make_appropriation(other), **main_fields())
    transaction.commit()

    sbsys_id = f"27.24.00-G01-{uuid.uuid4().hex[:6]}-26"
    page.goto(f"{site_url}/sager/++add++bos_case")
    page.fill("#form-widgets-sbsys_id", sbsys_id)
    page.fill("#form-widgets-cpr_number", CPR)
    page.fill("#form-widgets-title", CHILD)
    page.select_option("#form-widgets-target_group", "familie")
    page.select_option("#form-widgets-district", "nord")
    page.select_option("#form-widgets-paying_municipality", "151")
    page.select_option("#form-widgets-acting_municipality", "151")
    page.select_option("#form-widgets-residence_municipality", "101")
    page.locator("nav.autotoc-nav a", has_text="Vurdering").click()
    page.select_option("#form-widgets-effort_step", "3")
    page.fill("#form-widgets-scaling_step", "6")
    page.fill("#form-widgets-assessment_comment", "Skolen er bekymret.")
    page.locator("#form-buttons-save").click()
    page.wait_for_load_state("networkidle")

    # the case view
    assert page.locator("h1.documentFirstHeading").inner_text() == CHILD
    content = page.locator("#content").inner_text()
    assert CPR in content and sbsys_id in content
    assert "Birthe Sørensen" in content
    assert "Trin 3" in content
    assert "Skolen er bekymret." in content
    assert "Historik" in content
    assert page.get_by_role("link", name="Tilføj bevilling").is_visible()
    assert page.get_by_role("link", name="Journal").first.is_visible()
    screen(page, "case-view")

    # "Mine sager": her case, not the other
    page.goto(f"{site_url}/sager")
    assert page.locator("h1.documentFirstHeading").inner_text() == "Mine sager"
    table = page.locator("table.bos-cases-table")
    assert CHILD in table.inner_text()
    assert "Anden Andersen" not in table.inner_text()
    screen(page, "cases-listing")

    # filter by CPR (posted: never in the URL), then reset
    page.get_by_label("CPR-nummer").fill(CPR)
    page.get_by_role("button", name="Vis").click()
    page.wait_for_load_state("networkidle")
    assert "120317" not in page.url
    rows = page.locator("table.bos-cases-table tbody tr")
    assert rows.count() == 1
    assert CHILD in rows.first.inner_text()
    screen(page, "cases-listing-cpr")
    page.get_by_label("CPR-nummer").fill("010101-0000")
    page.get_by_role("button", name="Vis").click()
    page.wait_for_load_state("networkidle")
    assert "Ingen sager passer til filtrene." in page.locator("#content").inner_text()
    page.get_by_role("link", name="Nulstil").click()
    page.wait_for_load_state("networkidle")
    assert "cpr=" not in page.url
    assert CHILD in page.locator("table.bos-cases-table").inner_text()

    # from the list to the case
    page.get_by_role("link", name=CHILD).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1.documentFirstHeading").inner_text() == CHILD


def test_manager_sees_all_cases_with_grants(page_as, site_url, screen, functional_portal):
    from tests.builders import main_fields
    from tests.builders import make_activity
    from tests.builders import make_appropriation
    from tests.builders import make_case

    with api.env.adopt_roles(["Manager"]):
        case = make_case(functional_portal, title="Grete Grøn", case_worker="admin")
        make_activity(make_appropriation(case), **main_fields())
    transaction.commit()
    page = page_as("bs_leder", roles=["BOSManagement"])
    page.goto(f"{site_url}/sager")
    assert page.locator("h1.documentFirstHeading").inner_text() == "Alle sager"
    assert "Grete Grøn" in page.locator("table.bos-cases-table").inner_text()
    screen(page, "cases-listing-all")
    page.goto(case.absolute_url())
    grants = page.locator("table.bos-case-grants")
    assert grants.is_visible()
    assert "Kladde" in grants.inner_text()
    assert "I alt" in grants.inner_text()
    screen(page, "case-view-grants")
