"""The case worker's whole path in one browser session, through the screens only.

A case worker of team Familie Øst creates a child's case, adds a grant (bevilling) under
Barnets Lov § 32, stk. 1, nr. 5 from the case view, adds family treatment to it and watches the
price change while typing the amount, saves, and grants it within her own competence on the grant
view. The case view then shows the granted cost of this year, and the case's journal holds the
decision. Nothing is prepared on the server except the user.
"""

import uuid

import transaction
from plone import api

from os2bos_plone.classification.reader import by_key
from os2bos_plone.engine import clock
from os2bos_plone.payments import figures

YEAR = clock.today().year
TEAM = "familie_oest"
CHILD = "Ida Holm Kjær"
PROVIDER = "Kompasrosen Familie- og Ungerådgivning ApS"
PROVIDER_CVR = "97643024"


def test_case_worker_creates_case_grant_and_activity_and_grants_it(page_as, site_url, screen):
    from playwright.sync_api import expect

    page = page_as(
        "journey-worker",
        roles=["BOSCaseWorker"],
        groups=[f"bos_team_{TEAM}"],
        fullname="Hanne Sagsbehandler",
    )

    # -- the case ---------------------------------------------------------------------------
    case_id = f"27.24.00-G01-{uuid.uuid4().hex[:6]}-26"
    page.goto(f"{site_url}/sager/++add++bos_case")
    page.fill("#form-widgets-sbsys_id", case_id)
    page.fill("#form-widgets-cpr_number", "050316-4321")
    page.fill("#form-widgets-title", CHILD)
    page.select_option("#form-widgets-team", TEAM)
    page.select_option("#form-widgets-target_group", "familie")
    page.select_option("#form-widgets-district", "syd")
    page.select_option("#form-widgets-paying_municipality", "151")
    page.select_option("#form-widgets-acting_municipality", "151")
    page.select_option("#form-widgets-residence_municipality", "151")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1.documentFirstHeading")).to_have_text(CHILD)

    # -- the grant --------------------------------------------------------------------------
    page.get_by_role("link", name="Tilføj bevilling").click()
    page.wait_for_load_state("networkidle")
    grant_id = f"27.24.00-G01-{uuid.uuid4().hex[:6]}-26"
    page.fill("#form-widgets-sbsys_id", grant_id)
    section = by_key("bos_section", "BL-32-1.5")
    page.select_option("#form-widgets-section", section.UID())
    page.fill("#form-widgets-note", "Familien har selv bedt om hjælp.")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1").first).to_contain_text("Bevilling")
    screen(page, "journey-grant-empty")

    # -- the activity, priced while typing ---------------------------------------------------
    page.get_by_role("link", name="Tilføj ydelse").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Ydelse", exact=True).select_option(label="Familiebehandling")
    page.fill("#form-widgets-start_date", f"{YEAR}-12-01")
    page.fill("#form-widgets-end_date", f"{YEAR + 1}-05-31")
    page.select_option("#form-widgets-payment_type", "running")
    page.select_option("#form-widgets-payment_frequency", "monthly")
    page.fill("#form-widgets-payment_day_of_month", "1")
    page.select_option("#form-widgets-payment_cost_type", "fixed")
    page.locator("#form-widgets-service_provider").select_option(label=PROVIDER)
    page.select_option("#form-widgets-recipient_type", "company")
    page.fill("#form-widgets-recipient_id", PROVIDER_CVR)
    page.fill("#form-widgets-recipient_name", "Kompasrosen")
    page.select_option("#form-widgets-payment_method", "invoice")
    page.fill("#form-widgets-payment_amount", "3.000")
    total = page.locator('#bos-cost-preview dd[data-figure="total_cost"]')
    this_year = page.locator('#bos-cost-preview dd[data-figure="this_year"]')
    # 3.000 kr. a month at the provider's VAT factor of 97 %, six payments.
    expect(total).to_have_text("17.460,00 kr.")
    expect(this_year).to_have_text("2.910,00 kr.")
    page.fill("#form-widgets-payment_amount", "3.500")
    expect(total).to_have_text("20.370,00 kr.")
    expect(this_year).to_have_text("3.395,00 kr.")
    screen(page, "journey-activity-preview")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".bos-grant")).to_contain_text("20.370,00 kr.")

    # -- grant it within own competence ------------------------------------------------------
    transaction.begin()  # see what the server committed
    (case,) = [
        brain._unrestrictedGetObject()
        for brain in api.content.find(
            portal_type="bos_case", bos_sbsys_id=case_id, unrestricted=True
        )
    ]
    (appropriation,) = case.objectValues()
    (activity,) = appropriation.objectValues()
    page.goto(appropriation.absolute_url())
    page.get_by_label("Vælg Familiebehandling").check()
    expect(page.locator("#bos-approval-level")).to_have_value("egenkompetence")
    page.get_by_role("button", name="Bevilg valgte").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#global_statusmessage")).to_contain_text("1 ydelse(r) er bevilget.")
    expect(page.locator(f'tr[data-uid="{activity.UID()}"]')).to_contain_text("Bevilget")
    screen(page, "journey-grant-granted")
    transaction.begin()
    assert figures.costs_for(case, YEAR)["granted"] == "3395.00"

    # -- the case shows it, the journal records it -------------------------------------------
    page.goto(case.absolute_url())
    grants = page.locator("table.bos-case-grants")
    expect(grants).to_contain_text("Bevilget")
    expect(grants).to_contain_text("3.395,00 kr.")
    page.get_by_role("link", name="Journal").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#content")).to_contain_text("Familiebehandling")
    expect(page.locator("#content")).to_contain_text("Hanne Sagsbehandler")
    screen(page, "journey-journal")
