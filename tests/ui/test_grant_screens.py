"""The grant view and the activity view in a real browser (cookie session, CSRF token in the form).

(a) a case worker grants a measure within own competence (egenkompetence: below 50.000 kr. a
    year in the seed's rules) by ticking it and clicking "Bevilg valgte";
(b) a case worker submits a measure above competence ("Indstil valgte") and the team's leader
    finds it under "Til godkendelse" and grants it;
(c) the activity view shows the plan in words and the payments; "Lav forventet justering" creates
    an expected adjustment.
Each screen is screenshot to test-artifacts/ and checked with axe.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
import transaction
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.uuid.interfaces import IUUID

from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.engine import clock
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case

TEAM = "familie_oest"

TEAM_LEADER = DecisionParameters(approval_level="teamleder")


@pytest.fixture
def team_case(functional_portal, make_user):
    """make(suffix, amount) -> (worker id, leader id, appropriation, activity): a case of the
    team with the worker as case worker, the team led by the leader, one draft main activity."""

    def make(suffix, amount="1000.00"):
        from os2bos_plone.security.teams import sync_team_groups

        worker = make_user(f"gb-worker{suffix}", roles=["BOSCaseWorker"], fullname="Gitte Sagsb")
        leader = make_user(f"gb-leader{suffix}", fullname="Lars Teamleder")
        with api.env.adopt_roles(["Manager"]):
            regelmotor = functional_portal["regelmotor"]
            regelmotor.teams = [
                {**row, "leader": leader} if row["key"] == TEAM else row for row in regelmotor.teams
            ]
            sync_team_groups(regelmotor)
            api.group.add_user(groupname=f"bos_team_{TEAM}", username=worker)
            case = make_case(functional_portal, case_worker=worker, team=TEAM, title="Alma Berg")
            appropriation = make_appropriation(case, note="Forløb aftalt med familien")
            activity = make_activity(appropriation, **main_fields(payment_amount=Decimal(amount)))
        transaction.commit()
        return worker, leader, appropriation, activity

    return make


def _message(page):
    return page.locator("#global_statusmessage").inner_text()


def test_case_worker_grants_within_own_competence(page_as, screen, team_case):
    worker, _leader, appropriation, activity = team_case("-a")
    page = page_as(worker, roles=["BOSCaseWorker"])
    page.goto(appropriation.absolute_url())
    assert page.locator("h1").first.inner_text().startswith("Bevilling")
    assert "Kræver Egenkompetence" in page.locator(".bos-activities").inner_text()
    screen(page, "grant-view-case-worker")
    page.get_by_label("Vælg Familiebehandling").check()
    assert page.locator("#bos-approval-level").input_value() == "egenkompetence"
    page.get_by_label("Bemærkning", exact=True).fill("Inden for egen kompetence")
    page.get_by_role("button", name="Bevilg valgte").click()
    page.wait_for_load_state("networkidle")
    assert "1 ydelse(r) er bevilget." in _message(page)
    row = page.locator(f'tr[data-uid="{IUUID(activity)}"]')
    assert "Bevilget" in row.inner_text()
    assert row.locator("input[type=checkbox]").count() == 0
    screen(page, "grant-view-granted")


def test_submitted_measure_is_granted_by_the_team_leader(page_as, screen, team_case):
    worker, leader, appropriation, activity = team_case("-b", amount="10000.00")
    page = page_as(worker, roles=["BOSCaseWorker"])
    page.goto(appropriation.absolute_url())
    assert "Kræver Teamleder" in page.locator(".bos-activities").inner_text()
    assert "du har ikke denne bevillingskompetence" in page.locator(".bos-decision").inner_text()
    page.get_by_label("Vælg Familiebehandling").check()
    page.get_by_role("button", name="Indstil valgte").click()
    page.wait_for_load_state("networkidle")
    assert "indstillet til godkendelse på niveauet »Teamleder«" in _message(page)
    assert "Forventet" in page.locator(f'tr[data-uid="{IUUID(activity)}"]').inner_text()
    screen(page, "grant-view-submitted")

    boss = page_as(leader)
    boss.goto(f"{api.portal.get().absolute_url()}/@@bos-my-approvals")
    screen(boss, "grant-my-approvals-leader")
    boss.get_by_role("link", name="Åbn bevillingen").first.click()
    boss.wait_for_load_state("networkidle")
    assert boss.url.startswith(appropriation.absolute_url())
    boss.get_by_label("Vælg Familiebehandling").check()
    assert boss.locator("#bos-approval-level").input_value() == "teamleder"
    screen(boss, "grant-view-team-leader")
    boss.get_by_role("button", name="Bevilg valgte").click()
    boss.wait_for_load_state("networkidle")
    assert "1 ydelse(r) er bevilget." in _message(boss)
    assert "Bevilget" in boss.locator(f'tr[data-uid="{IUUID(activity)}"]').inner_text()


def test_activity_view_and_expected_adjustment(page_as, screen, team_case, make_user):
    from zope.event import notify
    from zope.lifecycleevent import ObjectModifiedEvent

    worker, _leader, appropriation, activity = team_case("-c", amount="1000.00")
    make_user("gb-admin", roles=["Manager"])
    login(api.portal.get(), "gb-admin")
    try:
        activity.end_date = date(clock.today().year + 1, 12, 31)
        notify(ObjectModifiedEvent(activity))
        result = grant(appropriation, [IUUID(activity)], TEAM_LEADER)
        assert result.ok, result.errors
        transaction.commit()
    finally:
        logout()
    page = page_as(worker, roles=["BOSCaseWorker"])
    page.goto(activity.absolute_url())
    assert page.locator(".bos-plan-words").inner_text() == "Månedligt den 1."
    payments = page.locator(".bos-payment-year")
    assert payments.count() == 2
    assert "Ikke betalt" in payments.first.inner_text()
    screen(page, "activity-view-granted")

    start = clock.today() + timedelta(days=3)
    page.get_by_label("Justeringen starter den").fill(start.isoformat())
    page.get_by_label("Nyt beløb pr. betaling (valgfri)").fill("1.200,00")
    page.get_by_role("button", name="Lav forventet justering").click()
    page.wait_for_load_state("networkidle")
    assert "Den forventede justering er oprettet" in _message(page)
    assert page.url != activity.absolute_url()
    assert "Forventet" in page.locator("h1").inner_text()
    assert "Justerer:" in page.locator(".bos-links").inner_text()
    screen(page, "activity-view-adjustment")

    page.goto(appropriation.absolute_url())
    rows = page.locator("tr.bos-activity")
    assert rows.count() == 2
    assert "bos-depth-1" in rows.nth(1).get_attribute("class")
    screen(page, "grant-view-adjustment-nested")
