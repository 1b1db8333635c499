"""The case worker's screens: the case list in /sager ("Mine sager") and the case view.

Rendered as a given user in-process (integration layer), and over HTTP for what anonymous
users get and for @bos-costs (functional layer).
"""

import itertools
import re
from datetime import date
from decimal import Decimal

import pytest
from plone import api
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.dexterity.utils import createContentInContainer
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.browser import containers
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_money
from os2bos_plone.payments import figures
from os2bos_plone.payments.store import stored_payments
from tests.builders import add_activity
from tests.builders import ensure_user
from tests.builders import make_appropriation
from tests.builders import view

YEAR = clock.today().year
_serial = itertools.count(1)


def make_case(portal, worker, team="familie_oest", cpr="010118-1234", title=None, step=3):
    number = next(_serial)
    return createContentInContainer(
        portal["sager"],
        "bos_case",
        sbsys_id=f"27.24.00-G01-{number}-SC{number:04d}",
        cpr_number=cpr,
        title=title or f"Barn {number:03d}",
        case_worker=worker,
        team=team,
        target_group="familie",
        district="nord",
        effort_step=step,
        scaling_step=5,
        paying_municipality="151",
        acting_municipality="151",
        residence_municipality="101",
    )


@pytest.fixture
def cases(manager):
    """Mette has two cases (one with grants), Jonas one (in another team, closed later)."""
    portal = manager
    ensure_user("mette", "Mette Mortensen", roles=["BOSCaseWorker"])
    ensure_user("jonas", "Jonas Kristiansen", roles=["BOSCaseWorker"])
    ensure_user("leder", "Lise Ledelse", roles=["BOSManagement"])
    alma = make_case(portal, "mette", cpr="010118-1234", title="Alma Andersen")
    bo = make_case(portal, "mette", cpr="020219-4321", title="Bo Berg", step=4)
    carl = make_case(portal, "jonas", team="unge", cpr="030320-5555", title="Carl Carlsen")
    treatment = make_appropriation(alma, "BL-32-1.5")
    add_activity(treatment, amount="10000.00")
    leisure = make_appropriation(alma, "BL-35-3")
    add_activity(leisure, state="expected", amount="500.00", start=date(YEAR, 7, 1))
    draft = make_appropriation(bo, "BL-32-1.5")
    add_activity(draft, state="draft", amount="2000.00")
    return {
        "portal": portal,
        "alma": alma,
        "bo": bo,
        "carl": carl,
        "treatment": treatment,
        "leisure": leisure,
        "draft": draft,
    }


def listing_as(portal, user_id, **form):
    login(portal, user_id)
    page = view(portal, "bos-cases-listing", context=portal["sager"], **form)
    html = page()
    return page, html


def names_in(page):
    return [row["title"] for row in page.rows()]


# -- the list --------------------------------------------------------------------------------


def test_my_cases_by_default(cases):
    page, html = listing_as(cases["portal"], "mette")
    assert names_in(page) == ["Alma Andersen", "Bo Berg"]
    assert "Mine sager" in html
    assert "Carl Carlsen" not in html
    assert "cases.css" in html


def test_user_without_own_cases_sees_all(cases):
    """Someone with no cases of their own gets the list of all they may see, said clearly."""
    page, html = listing_as(cases["portal"], "leder")
    assert names_in(page) == ["Alma Andersen", "Bo Berg", "Carl Carlsen"]
    assert "Alle sager" in html
    assert "Du er ikke sagsbehandler på nogen sag" in html


def test_explicit_mine_does_not_fall_back(cases):
    page, html = listing_as(cases["portal"], "leder", case_worker="mine")
    assert names_in(page) == []
    assert "Mine sager" in html


def test_filter_case_worker(cases):
    page, html = listing_as(cases["portal"], "leder", case_worker="jonas")
    assert names_in(page) == ["Carl Carlsen"]
    assert "Sager for Jonas Kristiansen" in html
    page, _html = listing_as(cases["portal"], "leder", case_worker="")
    assert len(names_in(page)) == 3
    # "all case workers" is kept in the links (an empty value is not the default)
    assert "case_worker=&" in page.url(team="x") or page.url().endswith("case_worker=")


def test_filter_team(cases):
    page, _html = listing_as(cases["portal"], "leder", team="unge")
    assert names_in(page) == ["Carl Carlsen"]
    page, _html = listing_as(cases["portal"], "leder", team="familie_oest")
    assert names_in(page) == ["Alma Andersen", "Bo Berg"]


@pytest.mark.parametrize("cpr", ["020219-4321", "0202194321", " 020219 4321 ", "020219"])
def test_filter_cpr(cases, cpr):
    page, _html = listing_as(cases["portal"], "leder", cpr=cpr)
    assert names_in(page) == ["Bo Berg"]


def test_filter_sbsys_id(cases):
    sbsys_id = cases["carl"].sbsys_id
    page, _html = listing_as(cases["portal"], "leder", sbsys=sbsys_id)
    assert names_in(page) == ["Carl Carlsen"]
    page, _html = listing_as(cases["portal"], "leder", sbsys=sbsys_id[:-2])
    assert names_in(page) == ["Carl Carlsen"]
    page, html = listing_as(cases["portal"], "leder", sbsys="99.99")
    assert names_in(page) == []
    assert "Ingen sager passer til filtrene" in html


def test_filter_status(cases):
    api.content.transition(obj=cases["carl"], transition="close")
    page, html = listing_as(cases["portal"], "leder", status="closed")
    assert names_in(page) == ["Carl Carlsen"]
    assert "Lukket" in html
    page, _html = listing_as(cases["portal"], "leder", status="active")
    assert names_in(page) == ["Alma Andersen", "Bo Berg"]


def test_filters_combine_and_stay_in_the_links(cases):
    page, html = listing_as(cases["portal"], "leder", case_worker="mette", cpr="010118-1234")
    assert names_in(page) == ["Alma Andersen"]
    assert 'value="010118-1234"' in html
    assert re.search(r'<option\s+value="mette"\s+selected', html) or (
        'value="mette" selected' in html
    )
    url = page.url(page="2")
    assert "case_worker=mette" in url and "page=2" in url
    # the CPR number is never in a URL (issue 12, item 5): the form and the pager post it
    assert "010118" not in url and "cpr=" not in url
    assert {"name": "cpr", "value": "010118-1234"} in page.posted_filters()


def test_reset_link_goes_back_to_my_cases(cases):
    page, html = listing_as(cases["portal"], "mette", case_worker="jonas", team="unge")
    reset = page.reset_url()
    assert reset == cases["portal"]["sager"].absolute_url()
    assert f'href="{reset}"' in html
    assert "Nulstil" in html
    page, html = listing_as(cases["portal"], "mette")
    assert names_in(page) == ["Alma Andersen", "Bo Berg"]


def test_the_total_of_every_case_comes_from_the_running_sums(cases, monkeypatch):
    """Management lists every case: the totals row is the municipality's (management.ledger),
    the same as the sum of every case's costs, and the rows' figures are read for the page only.
    """
    carl_grant = make_appropriation(cases["carl"], "BL-32-1.5")
    add_activity(carl_grant, amount="700.00", provider=None)
    monkeypatch.setattr(containers.CasesListingView, "page_size", 2)
    read = []
    real = containers.case_totals
    monkeypatch.setattr(
        containers, "case_totals", lambda uids, year: read.append(len(uids)) or real(uids, year)
    )
    page, html = listing_as(cases["portal"], "leder", case_worker="")
    assert page.total_count == 3 and len(page.rows()) == 2
    granted = expected = Decimal("0")
    for name in ("alma", "bo", "carl"):
        costs = figures.costs_for(cases[name], YEAR)
        granted += Decimal(costs["granted"])
        expected += Decimal(costs["expected"])
    assert granted > 0
    assert page.total() == {"granted": format_money(granted), "expected": format_money(expected)}
    assert read == [2]  # the page's two cases, not all three
    # Filtered to one team, the total is summed over the listed cases.
    page, _html = listing_as(cases["portal"], "leder", case_worker="", team="unge")
    carl = figures.costs_for(cases["carl"], YEAR)
    assert page.total() == {
        "granted": format_money(Decimal(carl["granted"])),
        "expected": format_money(Decimal(carl["expected"])),
    }


def test_paging(cases, monkeypatch):
    portal = cases["portal"]
    for number in range(5):
        make_case(portal, "mette", title=f"Zeta {number}")
    monkeypatch.setattr(containers.CasesListingView, "page_size", 3)
    page, html = listing_as(portal, "mette")
    assert page.total_count == 7
    assert page.page_count == 3
    assert names_in(page) == ["Alma Andersen", "Bo Berg", "Zeta 0"]
    assert 'aria-current="page"' in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    page, html = listing_as(portal, "mette", page="3")
    assert names_in(page) == ["Zeta 4"]
    assert 'rel="prev"' in html and 'rel="next"' not in html
    # the totals row counts every matching case, not only the page
    assert "7 sager" in html
    page, _html = listing_as(portal, "mette", page="99")
    assert page.page == 3
    page, _html = listing_as(portal, "mette", page="x")
    assert page.page == 1


def test_cost_columns_equal_the_case_costs(cases):
    page, html = listing_as(cases["portal"], "mette")
    rows = {row["title"]: row for row in page.rows()}
    total_granted = total_expected = Decimal("0")
    for name in ("alma", "bo"):
        case = cases[name]
        costs = figures.costs_for(case, YEAR)
        row = rows[case.title]
        assert row["granted"] == format_money(Decimal(costs["granted"]))
        assert row["expected"] == format_money(Decimal(costs["expected"]))
        total_granted += Decimal(costs["granted"])
        total_expected += Decimal(costs["expected"])
    assert rows["Alma Andersen"]["granted"] == "116.400,00 kr."  # VAT factor 97
    assert page.total() == {
        "granted": format_money(total_granted),
        "expected": format_money(total_expected),
    }
    assert format_money(total_expected) in html


def test_columns(cases):
    page, html = listing_as(cases["portal"], "mette")
    row = page.rows()[0]
    assert row["sbsys_id"] == cases["alma"].sbsys_id
    assert row["cpr"] == "010118-1234"
    assert row["case_worker"] == "Mette Mortensen"
    assert row["team"] == "Familierådgivning Øst"
    assert row["effort_step"].startswith("Trin 3")
    assert row["status"] == "Aktiv"
    assert row["url"] == cases["alma"].absolute_url()
    for header in ("SBSYS-id", "Barnets navn", "CPR-nummer", "Sagsbehandler", "Team"):
        assert f'scope="col">{header}</th>' in html
    assert "<caption>" in html


def test_case_worker_sees_only_cases_they_may_see(cases):
    """Jonas (no team group) sees his own case only, never Mette's, even asking for them."""
    page, html = listing_as(cases["portal"], "jonas", case_worker="mette")
    assert names_in(page) == []
    assert "010118-1234" not in html


# -- the case view ---------------------------------------------------------------------------


def case_view_as(portal, user_id, case):
    login(portal, user_id)
    page = view(portal, "bos-case-view", context=case)
    return page, page()


def test_case_view_header(cases):
    page, html = case_view_as(cases["portal"], "mette", cases["alma"])
    facts = {fact["label"]: fact["value"] for fact in page.facts()}
    assert facts["CPR-nummer"] == "010118-1234"
    assert facts["Sagsbehandler"] == "Mette Mortensen"
    assert facts["Team"] == "Familierådgivning Øst"
    assert facts["Betalingskommune"] != "151"
    assert facts["Bopælskommune"] != "101"
    assert "Alma Andersen" in html
    assert "@@bos-journal" in html


def test_case_view_history(cases):
    portal = cases["portal"]
    alma = cases["alma"]
    login(portal, TEST_USER_NAME)
    alma.effort_step = 5
    alma.assessment_comment = "Barnet trives bedre i skolen."
    notify(ObjectModifiedEvent(alma))
    page, html = case_view_as(portal, "mette", alma)
    history = page.history()
    fields = [row["field"] for row in history]
    assert "Trin på indsatstrappen" in fields
    step = next(row for row in history if row["field"] == "Trin på indsatstrappen")
    assert step["old"].startswith("Trin 3") and step["new"].startswith("Trin 5")
    assert "Barnet trives bedre i skolen." in html
    assert "Ændret af" in html


def test_case_view_grants_with_totals(cases):
    page, html = case_view_as(cases["portal"], "mette", cases["alma"])
    grants = page.grants()
    by_id = {row["sbsys_id"]: row for row in grants["rows"]}
    treatment = by_id[cases["treatment"].sbsys_id]
    leisure = by_id[cases["leisure"].sbsys_id]
    assert treatment["status_title"] == "Bevilget"
    assert leisure["status_title"] == "Forventet"
    assert treatment["section"].startswith("Barnets lov § 32, stk. 1, nr. 5 – ")
    assert treatment["main_service"]
    assert treatment["period"] == f"01.01.{YEAR} – 31.12.{YEAR}"
    costs = figures.costs_for(cases["alma"], YEAR)
    assert grants["totals"][0] == format_money(Decimal(costs["granted"]))
    assert grants["totals"][1] == format_money(Decimal(costs["expected"]))
    next_year = figures.costs_for(cases["alma"], YEAR + 1)
    assert grants["totals"][2] == format_money(Decimal(next_year["granted"]))
    assert "Tilføj bevilling" in html
    assert "I alt" in html


def test_case_view_draft_grant(cases):
    page, html = case_view_as(cases["portal"], "mette", cases["bo"])
    (row,) = page.grants()["rows"]
    assert row["status_title"] == "Kladde"
    assert row["period"] == ""
    # Neither granted nor expected, but the cost of the draft is shown beside its status.
    assert row["amounts"][:2] == ["0,00 kr.", "0,00 kr."]
    (draft,) = cases["draft"].objectValues()
    this_year = sum(
        (p.effective_amount for p in stored_payments(draft) if p.date.year == YEAR),
        Decimal("0"),
    )
    assert this_year > 0
    assert row["draft_cost"] == format_money(this_year)
    assert f"Kladder: {format_money(this_year)} i {YEAR}" in " ".join(html.split())
    alma_rows = case_view_as(cases["portal"], "mette", cases["alma"])[0].grants()["rows"]
    assert all(r["draft_cost"] is None for r in alma_rows)


def test_case_view_without_add_permission_has_no_add_link(cases):
    _page, html = case_view_as(cases["portal"], "leder", cases["alma"])
    assert "Tilføj bevilling" not in html


# -- over HTTP: anonymous and @bos-costs -------------------------------------------------------


def refused(response):
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and ("require_login" in location or "login" in location)


def test_anonymous_gets_no_case_data(http, functional_portal):
    import requests

    from tests.builders import create_case

    case = create_case(http(), title="Hemmelig Hansen", cpr_number="040421-1111")
    base = functional_portal.absolute_url()
    for url in (
        f"{base}/sager",
        f"{base}/sager/@@bos-cases-listing?cpr=040421-1111&case_worker=",
        case["@id"],
        f"{case['@id']}/@@bos-case-view",
    ):
        response = requests.get(url, headers={"Accept": "text/html"}, allow_redirects=False)
        assert refused(response), (url, response.status_code)
        assert "040421" not in response.text
        assert "Hemmelig" not in response.text


def test_listing_costs_equal_bos_costs_over_http(http, functional_portal):
    import transaction

    from tests.builders import create_activity
    from tests.builders import create_appropriation
    from tests.builders import create_case
    from tests.builders import provider_uid
    from tests.builders import service_uid

    worker = http("screens_worker", roles=["BOSCaseWorker"])
    case = create_case(worker, title="Dorte Dahl", cpr_number="050522-2222")
    appropriation = create_appropriation(worker, case["@id"])
    activity = create_activity(
        worker,
        appropriation["@id"],
        service=service_uid(worker, "100206"),
        activity_type="main",
        start_date=f"{YEAR}-01-01",
        end_date=f"{YEAR}-12-31",
        payment_type="running",
        payment_frequency="monthly",
        payment_day_of_month=1,
        payment_cost_type="fixed",
        payment_amount="1234.50",
        recipient_type="company",
        recipient_id="97643024",
        recipient_name="Kompasrosen",
        service_provider=provider_uid(worker, "97643024"),
        payment_method="invoice",
    )
    assert worker.post(f"{activity['@id']}/@workflow/submit").status_code == 200
    transaction.commit()
    costs = worker.get(f"{case['@id']}/@bos-costs?year={YEAR}").json()
    listing = worker.get(f"{worker.base}/sager", headers={"Accept": "text/html"})
    assert listing.status_code == 200
    html = listing.text
    assert "Mine sager" in html
    assert "Dorte Dahl" in html and "050522-2222" in html
    assert format_money(Decimal(costs["granted"])) in html
    assert format_money(Decimal(costs["expected"])) in html
    assert Decimal(costs["expected"]) > 0
    page = worker.get(case["@id"], headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert format_money(Decimal(costs["expected"])) in page.text
