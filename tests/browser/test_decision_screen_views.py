"""The decision screen (the grant view's decision form): what the decision costs whatever the
year selector says, why the level is required, the case worker's submission note and the budget
the decision falls on. In-process, as given users (integration layer).

The seed's rules: from 50.000 kr. a year the team leader decides. A measure of 6.000 kr. a month
paid internally (no VAT factor) costs 72.000 kr. a year.
"""

from datetime import date
from decimal import Decimal

from plone import api
from plone.dexterity.utils import createContentInContainer
from plone.uuid.interfaces import IUUID

from os2bos_plone.decisions.adjustment import create_adjustment
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.submit import submit
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.payments import figures
from tests.browser.test_grant_views import LEADER
from tests.browser.test_grant_views import TEAM_LEADER
from tests.browser.test_grant_views import WORKER
from tests.browser.test_grant_views import YEAR
from tests.browser.test_grant_views import render
from tests.browser.test_grant_views import team  # noqa: F401 - the fixture
from tests.builders import internal_main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import text_of

NEXT = YEAR + 1


def next_year_measure(appropriation, amount="6000.00"):
    return make_activity(
        appropriation,
        **internal_main_fields(
            start_date=date(NEXT, 1, 1),
            end_date=date(NEXT, 12, 31),
            payment_amount=Decimal(amount),
        ),
    )


def view_of(portal, appropriation, user, **form):
    from plone.app.testing import login

    from tests.browser.test_grant_views import _request

    login(portal, user)
    request = _request(portal, **form)
    return api.content.get_view(
        name="bos-appropriation-view", context=appropriation, request=request
    )


def test_a_grant_starting_next_year_opens_on_next_year(team):  # noqa: F811
    portal, case = team
    appropriation = make_appropriation(case)
    next_year_measure(appropriation)
    view = view_of(portal, appropriation, WORKER)
    assert view.year == NEXT
    # The selector still wins when the user chooses.
    assert view_of(portal, appropriation, WORKER, year=str(YEAR)).year == YEAR


def test_the_decision_costs_equal_bos_costs_whatever_the_year(team):  # noqa: F811
    portal, case = team
    appropriation = make_appropriation(case)
    activity = next_year_measure(appropriation)
    errors, _level = submit(appropriation, [IUUID(activity)], comment="Familien har brug for det")
    assert not errors
    for year in (str(YEAR), str(NEXT)):
        costs = view_of(portal, appropriation, LEADER, year=year).decision_costs()
        assert (costs["this_year"], costs["next_year"]) == (YEAR, NEXT)
        now_this = figures.costs_for(appropriation, YEAR)
        now_next = figures.costs_for(appropriation, NEXT)
        own_next = figures.costs_for(activity, NEXT)
        assert costs["selected"]["this_year_value"] == now_this["expected"] == "0.00"
        assert costs["selected"]["next_year_value"] == now_next["expected"] == "72000.00"
        assert sum(Decimal(m["amount"]) for m in own_next["monthly"]) == Decimal("72000.00")
        assert costs["selected"]["total_value"] == own_next["total_cost"] == "72000.00"
        assert costs["grant_now"]["total_value"] == now_this["total_cost"] == "72000.00"
        assert costs["grant_after"] == costs["grant_now"]
        assert costs["grant_before"]["total"] == "0,00 kr."
        assert costs["annual"] == "72.000,00 kr."
    text = text_of(render(portal, appropriation, "bos-appropriation-view", LEADER, year=str(YEAR)))
    assert "Hvad koster afgørelsen?" in text
    assert f"I år ({YEAR}) Næste år ({NEXT}) I alt over perioden" in text
    assert "De uafgjorte ydelser 0,00 kr. 72.000,00 kr. 72.000,00 kr." in text
    assert "Bevillingen efter afgørelsen 0,00 kr. 72.000,00 kr. 72.000,00 kr." in text
    assert "Indsatsens årlige udgift (grundlaget for bevillingsniveauet): 72.000,00 kr." in text


def test_a_draft_counts_as_much_as_an_expected_activity(team):  # noqa: F811
    portal, case = team
    appropriation = make_appropriation(case)
    next_year_measure(appropriation)
    costs = view_of(portal, appropriation, WORKER).decision_costs()
    # @bos-costs of the grant does not count a draft; the decision screen does.
    assert figures.costs_for(appropriation, NEXT)["expected"] == "0.00"
    assert costs["grant_now"]["next_year"] == "0,00 kr."
    assert costs["selected"]["next_year"] == "72.000,00 kr."
    assert costs["grant_after"]["next_year"] == "72.000,00 kr."
    assert costs["grant_after"]["total"] == "72.000,00 kr."


def test_why_the_level_is_required_and_the_submission_note(team):  # noqa: F811
    portal, case = team
    appropriation = make_appropriation(case)
    activity = next_year_measure(appropriation)
    from plone.app.testing import login

    login(portal, WORKER)
    errors, _level = submit(appropriation, [IUUID(activity)], comment="Aftalt på teammødet")
    assert not errors
    view = view_of(portal, appropriation, LEADER)
    reason = view.level_reason()
    assert reason["level"] == "Teamleder"
    assert reason["rule"] == "alle paragraffer · alle ydelser · årlig udgift fra 50.000,00 kr."
    assert reason["note"].startswith("Alle indsatser med en årlig udgift på 50.000 kr.")
    [submission] = view.submissions()
    assert submission["who"] == "Gitte Sagsbehandler"
    assert submission["note"] == "Aftalt på teammødet"
    assert " kl. " in submission["when"]
    text = text_of(render(portal, appropriation, "bos-appropriation-view", LEADER))
    assert "Hvorfor dette bevillingsniveau?" in text
    assert "Krævet niveau: Teamleder – bevillingsregel 1:" in text
    assert "indstillet af Gitte Sagsbehandler den " in text
    assert "Aftalt på teammødet" in text


def test_an_adjustment_shows_before_and_after(team):  # noqa: F811
    portal, case = team
    appropriation = make_appropriation(case)
    main = next_year_measure(appropriation, amount="1000.00")
    assert grant(appropriation, [IUUID(main)], TEAM_LEADER, user=api.user.get_current()).ok
    adjustment = create_adjustment(
        main, {"start_date": date(NEXT, 1, 1).isoformat(), "payment_amount": "1500.00"}
    )
    costs = view_of(portal, appropriation, LEADER).decision_costs()
    [row] = costs["adjustments"]
    assert row["title"] == adjustment.Title()
    assert (row["before_annual"], row["after_annual"]) == ("12.000,00 kr.", "18.000,00 kr.")
    assert (row["before_next"], row["after_next"]) == ("12.000,00 kr.", "18.000,00 kr.")
    assert costs["grant_before"]["next_year"] == "12.000,00 kr."
    assert costs["grant_after"]["next_year"] == "18.000,00 kr."
    text = text_of(render(portal, appropriation, "bos-appropriation-view", LEADER))
    assert "Justeringer: før og efter" in text


def test_the_budget_line_before_and_after_with_an_overrun(team):  # noqa: F811
    portal, case = team
    appropriation = make_appropriation(case)
    next_year_measure(appropriation)
    clear_cache()
    view = view_of(portal, appropriation, WORKER)
    [entry] = view.budget_effect()
    assert (entry["year"], entry["has_budget"]) == (NEXT, False)
    with api.env.adopt_roles(["Manager"]):
        createContentInContainer(
            portal["budget"],
            "bos_budget",
            year=NEXT,
            lines=[{"section": "BL-32-1.5", "amount": Decimal("100000"), "note": ""}],
        )
    clear_cache()
    from os2bos_plone.management.budget import budget_lines
    from os2bos_plone.management.figures import classification_titles
    from os2bos_plone.management.figures import collect

    keys = {uid: key for uid, (key, _title) in classification_titles("bos_section").items()}
    budget = portal["budget"][f"budget-{NEXT}"]
    [line], _rest = budget_lines(budget, collect(NEXT), keys)
    forecast = line["expected"]
    [entry] = view_of(portal, appropriation, WORKER).budget_effect()
    [shown] = entry["lines"]
    assert shown["title"].startswith("Barnets lov § 32, stk. 1, nr. 5")
    assert shown["budget"] == "100.000,00 kr."
    assert shown["before"] == figures_money(forecast)
    assert shown["after"] == figures_money(forecast + Decimal("72000"))
    assert shown["left"] == figures_money(Decimal("100000") - forecast - Decimal("72000"))
    assert shown["over"] is (forecast + Decimal("72000") > Decimal("100000"))
    # A budget the decision overruns is marked.
    budget.lines = [{"section": "BL-32-1.5", "amount": forecast + Decimal("1000"), "note": ""}]
    clear_cache()
    [entry] = view_of(portal, appropriation, WORKER).budget_effect()
    assert entry["lines"][0]["over"] is True
    assert entry["lines"][0]["left"] == "-71.000,00 kr."
    text = text_of(render(portal, appropriation, "bos-appropriation-view", WORKER))
    assert "Budgettet, afgørelsen falder på" in text
    assert "Overskridelse" in text


def figures_money(value):
    from os2bos_plone.engine.money import format_money

    return format_money(value)
