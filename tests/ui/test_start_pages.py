"""The way in: each role logs in through Plone's login form, lands on its start page and reaches
its work in one click. Screenshots and axe of each start page (test-artifacts/start-*.png)."""

import re
from decimal import Decimal

import pytest
import transaction

from os2bos_plone.engine import clock

YEAR = clock.today().year


@pytest.fixture
def work(functional_portal):
    """A case of the case worker in team familie_oest with a granted and a submitted activity;
    the team's leader and the leader of its afsnit are UI test users; this year's budget."""
    from plone.app.testing import TEST_USER_ID
    from plone.app.testing import TEST_USER_NAME
    from plone.app.testing import login
    from plone.app.testing import logout
    from plone.app.testing import setRoles

    from os2bos_plone.decisions.submit import submit
    from os2bos_plone.demo.budget import create_demo_budget
    from os2bos_plone.management.figures import clear_cache
    from os2bos_plone.security.teams import sync_team_groups
    from tests.builders import grant_decision
    from tests.builders import internal_main_fields
    from tests.builders import lead_unit
    from tests.builders import main_fields
    from tests.builders import make_activity
    from tests.builders import make_appropriation
    from tests.builders import make_case
    from tests.builders import unit_of

    portal = functional_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    try:
        regelmotor = portal["regelmotor"]
        regelmotor.teams = [
            {**row, "leader": "ui_teamleder"} if row["key"] == "familie_oest" else row
            for row in regelmotor.teams
        ]
        sync_team_groups(regelmotor)
        lead_unit("ui_afsnitsleder", unit_of("familie_oest"))
        case = make_case(
            portal, title="Start Sidesen", case_worker="ui_sagsbehandler", team="familie_oest"
        )
        treatment = make_appropriation(case)
        grant_decision(treatment, [make_activity(treatment, **main_fields())])
        pending = make_activity(
            make_appropriation(case),
            **internal_main_fields(payment_amount=Decimal("10000.00")),
        )
        errors, _required = submit(pending.__parent__, [pending.UID()])
        assert not errors, errors
        clear_cache()
        create_demo_budget(portal, YEAR, progress=lambda message: None)
    finally:
        logout()
    transaction.commit()
    return case


#: (user, roles, groups, the link to click on the start page, the heading it leads to)
ROLES = [
    ("ui_sagsbehandler", ["BOSCaseWorker"], [], "#bos-start-all-cases", "Mine sager"),
    ("ui_teamleder", ["BOSTeamLeader"], [], "#bos-start-approvals", "Til godkendelse"),
    ("ui_afsnitsleder", ["BOSSectionLeader"], [], "#bos-start-approvals", "Til godkendelse"),
    (
        "ui_udvalgssekretaer",
        [],
        ["bos_committee_secretaries"],
        "#bos-start-approvals",
        "Til godkendelse",
    ),
    ("ui_okonomi", ["BOSFinance"], [], "#bos-start-payment-office", "Udbetalinger"),
    ("ui_ledelse", ["BOSManagement"], [], "#bos-start-overview", f"Ledelsesinformation {YEAR}"),
    ("ui_regelmotor", ["BOSClassificationAdmin"], [], "#bos-start-regelmotor", "Regelmotor"),
]


@pytest.mark.parametrize(("username", "roles", "groups", "link", "heading"), ROLES)
def test_each_role_lands_on_its_start_page_and_reaches_its_work(
    page_as, site_url, screen, work, username, roles, groups, link, heading
):
    page = page_as(username, roles=roles, groups=groups, fullname=f"Bruger {username}")
    # Logged in through the form, the user lands on the site's front page: the start page.
    assert page.url.rstrip("/") == site_url
    assert page.locator("h1.documentFirstHeading").inner_text() == f"Velkommen, Bruger {username}"
    chrome = page.locator("body").inner_text()
    assert "Powered by Plone" not in chrome
    assert "Sidst opdateret" not in chrome
    assert "You are now logged in" not in chrome  # Plone's message after login, in Danish
    screen(page, f"start-{username}")

    target = page.locator(link)
    label = target.inner_text()
    count = None
    if link == "#bos-start-approvals":
        count = int(re.fullmatch(r"Til godkendelse \((\d+)\)", label.strip()).group(1))
    target.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#content h1").first.inner_text().strip() == heading
    if count is not None:
        # The start page's count is what the approvals screen lists.
        assert page.locator("table.bos-my-approvals tbody tr").count() == count
        if username != "ui_udvalgssekretaer":
            assert count >= 1
    if username == "ui_sagsbehandler":
        assert "Start Sidesen" in page.locator("#content").inner_text()


def test_the_tabs_lead_to_the_work(page_as, site_url, work):
    page = page_as("ui_teamleder", roles=["BOSTeamLeader"], fullname="Bruger ui_teamleder")
    tabs = page.locator("#portal-globalnav").inner_text()
    for tab in ("Sager", "Til godkendelse", "Ledelsesinformation", "Budget"):
        assert tab in tabs
    for tab in ("Udbetalinger", "Regelmotor"):
        assert tab not in tabs
    page.locator("#portal-globalnav a", has_text="Til godkendelse").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1.documentFirstHeading").inner_text().strip() == "Til godkendelse"


def test_anonymous_sees_only_a_login_prompt(chromium, site_url, screen, work):
    from os2bos_plone.settings.reader import write

    write(municipality_name="Demo Kommune")  # the site's title and logo follow it
    transaction.commit()
    context = chromium.new_context(locale="da-DK", viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(site_url)
        assert "Demo Kommune" in page.title()
        assert page.locator("#portal-logo img").get_attribute("alt") == "Demo Kommune"
        assert "Plone" not in page.title()
        content = page.locator("#content").inner_text()
        assert "Log ind" in content
        assert "Start Sidesen" not in content
        assert "Til godkendelse" not in page.locator("body").inner_text()
        screen(page, "start-anonymous")
    finally:
        context.close()
