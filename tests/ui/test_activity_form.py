"""Adding and editing an activity in a real browser, with the live cost preview.

A case worker (cookie session) opens "Tilføj ydelse" in an appropriation, fills in family
treatment (Familiebehandling) from 1 December this year to 31 May next year, 10.000 kr. on the
1st of each month, invoiced by Kompasrosen, whose VAT factor is 97 %: the panel "Hvad koster
det?" shows 9.700,00 kr. per payment, six payments, 9.700,00 kr. this year and 58.200,00 kr. in
all. At 12.000 kr. it shows 11.640,00 kr. this year and 69.840,00 kr. in all; the saved activity
costs the same. The edit form of the draft shows the same preview at once.
"""

from datetime import date

import pytest
import transaction
from plone import api

from os2bos_plone.engine import clock
from os2bos_plone.payments import figures
from tests.builders import make_appropriation
from tests.builders import make_case

TEAM = "familie_oest"
YEAR = clock.today().year
PROVIDER = "Kompasrosen Familie- og Ungerådgivning ApS"
PROVIDER_CVR = "97643024"


@pytest.fixture
def worker_appropriation(functional_portal, make_user):
    """(worker id, appropriation): an empty appropriation (BL-32-1.5) of the worker's case."""
    worker = make_user("af-browser-worker", roles=["BOSCaseWorker"], fullname="Gitte Sagsb")
    with api.env.adopt_roles(["Manager"]):
        api.group.add_user(groupname=f"bos_team_{TEAM}", username=worker)
        case = make_case(functional_portal, case_worker=worker, team=TEAM, title="Alma Berg")
        appropriation = make_appropriation(case, section="BL-32-1.5")
    transaction.commit()
    return worker, appropriation


def figure(page, name):
    return page.locator(f'#bos-cost-preview dd[data-figure="{name}"]')


def expect_figures(page, **expected):
    from playwright.sync_api import expect

    for name, text in expected.items():
        expect(figure(page, name)).to_have_text(text)


def test_case_worker_adds_an_activity_with_the_live_preview(page_as, screen, worker_appropriation):
    from playwright.sync_api import expect

    worker, appropriation = worker_appropriation
    page = page_as(worker, roles=["BOSCaseWorker"])
    page.goto(f"{appropriation.absolute_url()}/++add++bos_activity")
    expect(page.get_by_role("heading", name="Hvad koster det?")).to_be_visible()
    status = page.locator("#bos-cost-preview-status")
    expect(status).to_have_text(
        "Udfyld ydelse, datoer og betalingsplan for at se, hvad det koster."
    )

    service = page.get_by_label("Ydelse", exact=True)
    service.select_option(label="Familiebehandling")
    # The service's preferred providers come first.
    provider = page.locator("#form-widgets-service_provider")
    second = provider.locator("option").nth(1)
    expect(second).to_contain_text("(foretrukken leverandør)")
    page.fill("#form-widgets-start_date", f"{YEAR}-12-01")
    page.fill("#form-widgets-end_date", f"{YEAR + 1}-05-31")
    page.select_option("#form-widgets-payment_type", "running")
    page.select_option("#form-widgets-payment_frequency", "monthly")
    page.fill("#form-widgets-payment_day_of_month", "1")
    page.select_option("#form-widgets-payment_cost_type", "fixed")
    page.fill("#form-widgets-payment_amount", "10.000")
    provider.select_option(label=PROVIDER)
    page.select_option("#form-widgets-recipient_type", "company")
    page.fill("#form-widgets-recipient_id", PROVIDER_CVR)
    page.fill("#form-widgets-recipient_name", "Kompasrosen")
    page.select_option("#form-widgets-payment_method", "invoice")

    expect_figures(
        page,
        per_payment_amount="9.700,00 kr.",
        payments_count="6",
        first_payment=f"1. december {YEAR}",
        last_payment=f"1. maj {YEAR + 1}",
        this_year="9.700,00 kr.",
        next_year="48.500,00 kr.",
        total_cost="58.200,00 kr.",
        annual_cost="58.200,00 kr.",  # six months: their total
    )
    expect(page.locator('#bos-cost-preview dt[data-label="this_year"]')).to_have_text(
        f"I år ({YEAR})"
    )
    screen(page, "activity-add-preview")

    page.fill("#form-widgets-payment_amount", "12.000")
    expect_figures(
        page,
        per_payment_amount="11.640,00 kr.",
        this_year="11.640,00 kr.",
        next_year="58.200,00 kr.",
        total_cost="69.840,00 kr.",
        annual_cost="69.840,00 kr.",
    )

    # A rule broken while typing: the service's Danish message, linked to the field.
    page.fill("#form-widgets-end_date", f"{YEAR}-11-01")
    errors = page.locator("#bos-cost-preview .bos-cost-preview-errors")
    expect(errors).to_contain_text("Startdatoen skal være før eller samme dag som slutdatoen")
    expect(figure(page, "total_cost")).to_be_hidden()
    screen(page, "activity-add-preview-errors")
    page.fill("#form-widgets-end_date", f"{YEAR + 1}-05-31")
    expect_figures(page, total_cost="69.840,00 kr.")

    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state("networkidle")
    transaction.begin()  # see what the server committed
    activity = [obj for obj in appropriation.objectValues() if obj.portal_type == "bos_activity"]
    assert len(activity) == 1
    activity = activity[0]
    # Gem leads back to the grant, where the decision is made.
    assert page.url.rstrip("/") == appropriation.absolute_url()
    page.goto(activity.absolute_url())
    costs = page.locator(".bos-grant")
    expect(costs).to_contain_text("11.640,00 kr.")
    expect(costs).to_contain_text("69.840,00 kr.")
    assert figures.costs_for(activity, YEAR)["total_cost"] == "69840.00"

    # The edit form of the draft shows its cost at once.
    page.goto(f"{activity.absolute_url()}/@@edit")
    expect(page.locator("#form-widgets-payment_amount")).to_have_value("12.000")
    expect_figures(page, this_year="11.640,00 kr.", total_cost="69.840,00 kr.")
    screen(page, "activity-edit-preview")
    page.fill("#form-widgets-payment_amount", "10.000,00")
    expect_figures(page, this_year="9.700,00 kr.", total_cost="58.200,00 kr.")


def test_supplementary_type_offers_other_services(page_as, worker_appropriation):
    from playwright.sync_api import expect

    worker, appropriation = worker_appropriation
    page = page_as(worker, roles=["BOSCaseWorker"])
    page.goto(f"{appropriation.absolute_url()}/++add++bos_activity")
    family = page.locator("#form-widgets-service option", has_text="Familiebehandling")
    expect(family).to_be_enabled()
    page.select_option("#form-widgets-activity_type", "supplementary")
    expect(family).to_be_disabled()
    leisure = page.locator("#form-widgets-service option", has_text="Fritidsaktiviteter")
    expect(leisure).to_be_enabled()


def test_the_form_shows_the_plan_fields_fills_the_recipient_and_returns_to_the_grant(
    page_as, screen, worker_appropriation
):
    """Only the fields of the chosen payment type, cost type and frequency show; the grant's
    first activity is its main activity; a provider fills in the recipient; from the first
    field to Gem the keyboard stops only at the fields of a monthly fixed plan, each with a
    visible focus, fewer than 20 of them."""
    from playwright.sync_api import expect

    worker, appropriation = worker_appropriation
    page = page_as(worker, roles=["BOSCaseWorker"])
    page.goto(f"{appropriation.absolute_url()}/++add++bos_activity")
    expect(page.locator("#form-widgets-activity_type")).to_have_value("main")

    def shown(*names):
        for name in names:
            expect(page.locator(f"#formfield-form-widgets-{name}")).to_be_visible()

    def hidden(*names):
        for name in names:
            expect(page.locator(f"#formfield-form-widgets-{name}")).to_be_hidden()

    plan = ("payment_frequency", "payment_day_of_month", "payment_date", "payment_cost_type")
    costs = ("payment_amount", "payment_units", "payment_rate", "payment_prices")
    # The payment type starts as one-time (the widget's first choice): its date and cost type.
    expect(page.locator("#form-widgets-payment_type")).to_have_value("one_time")
    shown("payment_date", "payment_cost_type")
    hidden("payment_frequency", "payment_day_of_month", "individual_payments")
    page.select_option("#form-widgets-payment_type", "running")
    shown("payment_frequency", "payment_cost_type")
    hidden("payment_day_of_month", "payment_date", *costs)
    page.select_option("#form-widgets-payment_frequency", "monthly")
    shown("payment_day_of_month")
    page.select_option("#form-widgets-payment_cost_type", "rate")
    shown("payment_units", "payment_rate")
    hidden("payment_amount", "payment_prices")
    page.select_option("#form-widgets-payment_type", "individual")
    shown("individual_payments")
    hidden(*plan, *costs)
    page.select_option("#form-widgets-payment_type", "one_time")
    shown("payment_date", "payment_cost_type", "payment_units", "payment_rate")
    hidden("payment_frequency", "payment_day_of_month")

    page.select_option("#form-widgets-payment_type", "running")
    page.select_option("#form-widgets-payment_cost_type", "fixed")
    shown("payment_amount", "payment_day_of_month")
    hidden("payment_units", "payment_rate", "payment_prices")
    screen(page, "activity-add-monthly-fixed")

    page.get_by_label("Ydelse", exact=True).select_option(label="Familiebehandling")
    page.fill("#form-widgets-start_date", f"1.12.{YEAR}")  # typed the Danish way
    page.fill("#form-widgets-end_date", f"31.05.{YEAR + 1}")
    page.fill("#form-widgets-payment_day_of_month", "1")
    page.fill("#form-widgets-payment_amount", "10.000")
    page.locator("#form-widgets-service_provider").select_option(label=PROVIDER)
    expect(page.locator("#form-widgets-recipient_type")).to_have_value("company")
    expect(page.locator("#form-widgets-recipient_id")).to_have_value(PROVIDER_CVR)
    expect(page.locator("#form-widgets-recipient_name")).to_have_value(PROVIDER)
    expect(page.locator("#form-widgets-payment_method")).to_have_value("invoice")

    # The keyboard: from the first field to Gem, every stop with a visible focus.
    page.bring_to_front()
    page.locator("#form-widgets-service").focus()
    stops, seen = 0, []
    while stops < 40:
        focused = page.evaluate(
            """() => {
                const element = document.activeElement;
                const style = getComputedStyle(element);
                return {
                    id: element.id,
                    visible: style.outlineStyle !== "none" || style.boxShadow !== "none",
                    outline: style.outlineStyle + " " + style.outlineWidth,
                    focus: element.matches(":focus, :focus-within"),
                    doc: document.hasFocus(),
                };
            }"""
        )
        seen.append(focused)
        assert focused["visible"], seen
        if focused["id"] == "form-buttons-save":
            break
        page.keyboard.press("Tab")
        stops += 1
    # Fewer than 20 stops, each a field this plan uses, in the form's order; nothing hidden
    # takes a stop (the dates are one text field each: widgets.DanishDateWidget).
    assert stops < 20, stops
    order = list(dict.fromkeys(stop["id"].removeprefix("form-widgets-") for stop in seen))
    assert order == [
        "service",
        "activity_type",
        "start_date",
        "end_date",
        "note",
        "payment_type",
        "payment_frequency",
        "payment_day_of_month",
        "payment_cost_type",
        "payment_amount",
        "fictive-0",
        "service_provider",
        "recipient_type",
        "recipient_id",
        "recipient_name",
        "payment_method",
        "form-buttons-save",
    ], " ".join(order)
    assert page.locator('a[href$="#content"]').count() >= 1  # the skip link

    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == appropriation.absolute_url()
    transaction.begin()
    [activity] = [obj for obj in appropriation.objectValues() if obj.portal_type == "bos_activity"]
    assert activity.activity_type == "main"
    assert (activity.recipient_id, activity.payment_method) == (PROVIDER_CVR, "invoice")
    assert activity.payment_units is None and activity.payment_rate in (None, "")
    assert (activity.start_date, activity.end_date) == (date(YEAR, 12, 1), date(YEAR + 1, 5, 31))
    page.goto(f"{activity.absolute_url()}/@@edit")
    expect(page.locator("#form-widgets-start_date")).to_have_value(f"01.12.{YEAR}")
    page.fill("#form-widgets-end_date", "31.02.2028")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#formfield-form-widgets-end_date")).to_contain_text(
        "Datoen 31.02.2028 findes ikke."
    )
