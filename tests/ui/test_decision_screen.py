"""The decision screen in a real browser: the cost of a decision on the screen where it is made.

A case worker submits a measure starting next year (6.000 kr. a month, paid internally: 72.000
kr. a year, so the team leader decides). The team leader finds it under "Til godkendelse" (child,
grant, service, annual and total cost, level, who submitted it and the note), opens the grant and
sees what the decision costs this year, next year and in total: the amounts equal GET @bos-costs
for those years (the issue's acceptance), whatever the year selector says. The screen says which
approval rule demands the level and shows the case worker's note; the leader grants it. The
activity form's live preview names the level and the VAT factor. axe on every screen.
"""

from datetime import date
from decimal import Decimal

import pytest
import transaction
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.uuid.interfaces import IUUID

from os2bos_plone.decisions.submit import submit
from os2bos_plone.engine import clock
from os2bos_plone.engine.money import format_money
from tests.builders import internal_main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case

TEAM = "familie_oest"
YEAR = clock.today().year
NEXT = YEAR + 1
NOTE = "Familien har brug for støtte hele næste år"


@pytest.fixture
def submitted(functional_portal, make_user):
    """(worker, leader, appropriation, activity): a measure starting next year, submitted by the
    case worker with a note; the leader leads the case's team (no global role)."""
    from os2bos_plone.security.teams import sync_team_groups

    worker = make_user("ds-worker", roles=["BOSCaseWorker"], fullname="Gitte Sagsbehandler")
    leader = make_user("ds-leader", fullname="Lars Teamleder")
    with api.env.adopt_roles(["Manager"]):
        regelmotor = functional_portal["regelmotor"]
        regelmotor.teams = [
            {**row, "leader": leader} if row["key"] == TEAM else row for row in regelmotor.teams
        ]
        sync_team_groups(regelmotor)
        api.group.add_user(groupname=f"bos_team_{TEAM}", username=worker)
        case = make_case(functional_portal, case_worker=worker, team=TEAM, title="Bo Decision")
        appropriation = make_appropriation(case)
        activity = make_activity(
            appropriation,
            **internal_main_fields(
                start_date=date(NEXT, 1, 1),
                end_date=date(NEXT, 12, 31),
                payment_amount=Decimal("6000.00"),
            ),
        )
    transaction.commit()
    login(api.portal.get(), worker)
    try:
        errors, level = submit(appropriation, [IUUID(activity)], comment=NOTE)
        assert not errors and level.key == "teamleder"
        transaction.commit()
    finally:
        logout()
    return worker, leader, appropriation, activity


def bos_costs(page, url, year):
    response = page.request.get(
        f"{url}/@bos-costs?year={year}", headers={"Accept": "application/json"}
    )
    assert response.ok, response.text()
    return response.json()


def shown(row):
    return [
        row.locator(f".bos-cost-{name}").inner_text().strip()
        for name in ("this-year", "next-year", "total")
    ]


@pytest.fixture
def next_year_budget(functional_portal):
    """A budget for next year whose line of the grant's section (BL-32-1.5) the measure
    overruns; removed afterwards (the functional site is shared)."""
    from plone.dexterity.utils import createContentInContainer

    from os2bos_plone.management.budget import budget_for

    if budget_for(NEXT) is not None:
        pytest.skip(f"a budget for {NEXT} exists already")
    with api.env.adopt_roles(["Manager"]):
        budget = createContentInContainer(
            functional_portal["budget"],
            "bos_budget",
            year=NEXT,
            lines=[{"section": "BL-32-1.5", "amount": Decimal("50000"), "note": ""}],
        )
    transaction.commit()
    yield budget
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(obj=budget, check_linkintegrity=False)
    transaction.commit()


def test_the_leader_sees_what_the_decision_costs_and_grants_it(
    page_as, screen, submitted, next_year_budget
):
    from playwright.sync_api import expect

    _worker, leader, appropriation, activity = submitted
    boss = page_as(leader)

    boss.goto(f"{api.portal.get().absolute_url()}/@@bos-my-approvals")
    row = boss.locator(
        "tr.bos-approval-item", has=boss.locator(f'a[href="{activity.absolute_url()}"]')
    )
    expect(row).to_have_count(1)
    text = row.inner_text()
    for part in ("Bo Decision", appropriation.sbsys_id, "72.000,00 kr.", "Teamleder"):
        assert part in text
    assert "Gitte Sagsbehandler" in text and NOTE in text
    screen(boss, "decision-my-approvals")

    row.get_by_role("link", name="Åbn bevillingen").click()
    boss.wait_for_load_state("networkidle")
    assert boss.url.startswith(appropriation.absolute_url())
    # A grant starting next year opens on next year, not on 0,00 kr.
    assert boss.locator("#bos-grant-year").input_value() == str(NEXT)

    this_year = bos_costs(boss, appropriation.absolute_url(), YEAR)
    next_year = bos_costs(boss, appropriation.absolute_url(), NEXT)
    expected = [
        format_money(Decimal(this_year["expected"])),
        format_money(Decimal(next_year["expected"])),
        format_money(Decimal(next_year["total_cost"])),
    ]
    assert expected == ["0,00 kr.", "72.000,00 kr.", "72.000,00 kr."]
    panel = boss.locator(".bos-decision-cost")
    expect(panel.get_by_role("heading", name="Hvad koster afgørelsen?")).to_be_visible()
    assert shown(panel.locator("tr.bos-cost-selected")) == expected
    assert shown(panel.locator("tr.bos-cost-grant-after")) == expected
    expect(boss.locator("#bos-annual-cost")).to_have_text("72.000,00 kr.")
    # The same figures whatever the year selector says.
    boss.goto(f"{appropriation.absolute_url()}?year={YEAR}")
    assert shown(boss.locator("tr.bos-cost-selected")) == expected

    reason = boss.locator(".bos-level-reason")
    expect(reason).to_contain_text("Krævet niveau: Teamleder")
    expect(reason).to_contain_text("årlig udgift fra 50.000,00 kr.")
    submission = boss.locator(".bos-submissions")
    expect(submission).to_contain_text("indstillet af Gitte Sagsbehandler")
    expect(submission).to_contain_text(NOTE)

    # The budget line the decision falls on, before and after; 72.000 kr. more overruns it.
    budget = boss.locator(".bos-budget-effect")
    expect(budget.locator("caption")).to_have_text(f"Budget {NEXT}")
    line = budget.locator("tbody tr").first
    expect(line.locator("th")).to_contain_text("Barnets lov § 32, stk. 1, nr. 5")
    expect(line).to_contain_text("50.000,00 kr.")
    expect(line.locator(".bos-overrun")).to_contain_text("Overskridelse")

    boss.get_by_label("Vælg Familiebehandling").check()
    selected = boss.locator("tr.bos-cost-selected")
    expect(selected.locator("th")).to_have_text("De valgte ydelser")
    assert shown(selected) == expected
    screen(boss, "decision-screen-team-leader")

    boss.get_by_role("button", name="Bevilg valgte").click()
    boss.wait_for_load_state("networkidle")
    assert "1 ydelse(r) er bevilget." in boss.locator("#global_statusmessage").inner_text()
    assert "Bevilget" in boss.locator(f'tr[data-uid="{IUUID(activity)}"]').inner_text()
    # Granted, the grant costs what the screen showed.
    after = bos_costs(boss, appropriation.absolute_url(), NEXT)
    assert (after["granted"], after["total_cost"]) == ("72000.00", "72000.00")
    screen(boss, "decision-screen-granted")


def test_the_live_preview_names_the_level_and_the_vat_factor(page_as, screen, submitted):
    from playwright.sync_api import expect

    worker, _leader, submitted_grant, _activity = submitted
    with api.env.adopt_roles(["Manager"]):
        appropriation = make_appropriation(submitted_grant.__parent__)
    transaction.commit()
    page = page_as(worker, roles=["BOSCaseWorker"])
    page.goto(f"{appropriation.absolute_url()}/++add++bos_activity")
    page.get_by_label("Ydelse", exact=True).select_option(label="Familiebehandling")
    page.fill("#form-widgets-start_date", f"{NEXT}-01-01")
    page.fill("#form-widgets-end_date", f"{NEXT}-12-31")
    page.select_option("#form-widgets-payment_type", "running")
    page.select_option("#form-widgets-payment_frequency", "monthly")
    page.fill("#form-widgets-payment_day_of_month", "1")
    page.select_option("#form-widgets-payment_cost_type", "fixed")
    page.fill("#form-widgets-payment_amount", "6.500")
    page.locator("#form-widgets-service_provider").select_option(
        label="Kompasrosen Familie- og Ungerådgivning ApS"
    )
    page.select_option("#form-widgets-recipient_type", "company")
    page.fill("#form-widgets-recipient_id", "97643024")
    page.fill("#form-widgets-recipient_name", "Kompasrosen")
    page.select_option("#form-widgets-payment_method", "invoice")

    panel = page.locator("#bos-cost-preview")
    expect(panel.locator('dd[data-figure="per_payment_amount"]')).to_have_text("6.305,00 kr.")
    vat = panel.locator('[data-extra="vat"]')
    expect(vat.locator(".bos-extra-label")).to_have_text("Momsfaktor:")
    expect(vat.locator(".bos-extra-text")).to_have_text("6.500,00 kr. × 97 % = 6.305,00 kr.")
    # 12 x 6.305 kr. = 75.660 kr. a year: from 50.000 kr. the team leader decides.
    level = panel.locator('[data-extra="approval_level"]')
    expect(level.locator(".bos-extra-label")).to_have_text("Kræver bevillingsniveau:")
    expect(level.locator(".bos-extra-text")).to_have_text(
        "Teamleder (alle paragraffer · alle ydelser · årlig udgift fra 50.000,00 kr.)"
    )
    # Cheaper, the case worker's own competence; without the provider, no VAT factor.
    page.fill("#form-widgets-payment_amount", "1.000")
    expect(level.locator(".bos-extra-text")).to_have_text("Egenkompetence")
    screen(page, "decision-preview-level-vat")
