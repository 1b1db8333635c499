"""The start page (@@bos-start, the site's default view) and the chrome: a section per role's
work, the approvals count of the approvals screen, nothing for anonymous, no case or activity
woken; the tabs shown per role; the municipality's name as the site's title; no colophon or
byline. Rendered as given users in-process (integration layer)."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.viewletmanager.interfaces import IViewletSettingsStorage
from plone.formwidget.namedfile.converter import b64decode_file
from plone.formwidget.namedfile.converter import b64encode_file
from plone.registry.interfaces import IRegistry
from Products.ZCatalog.CatalogBrains import AbstractCatalogBrain
from zope.component import getUtility

from os2bos_plone import settings
from os2bos_plone.browser import chrome
from os2bos_plone.browser import startpage
from os2bos_plone.engine import clock
from tests.builders import add_activity
from tests.builders import ensure_user
from tests.builders import internal_main_fields
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import text_of
from tests.builders import view

YEAR = clock.today().year

USERS = {
    "sp-worker": ["BOSCaseWorker"],
    "sp-teamleader": ["BOSTeamLeader"],
    "sp-sectionleader": ["BOSSectionLeader"],
    "sp-secretary": ["BOSCommitteeSecretary"],
    "sp-finance": ["BOSFinance"],
    "sp-management": ["BOSManagement"],
    "sp-regelmotor": ["BOSClassificationAdmin"],
    "sp-worker-finance": ["BOSCaseWorker", "BOSFinance"],
}

SECTIONS = {
    "sp-worker": ["case_worker"],
    "sp-teamleader": ["approver", "management"],
    "sp-sectionleader": ["approver", "management"],
    "sp-secretary": ["approver"],
    "sp-finance": ["payments"],
    "sp-management": ["management"],
    "sp-regelmotor": ["regelmotor"],
    "sp-worker-finance": ["case_worker", "payments"],
}

TABS = {
    "sp-worker": ["bos_cases"],
    "sp-teamleader": ["bos_cases", "bos_approvals", "bos_overview", "bos_budget"],
    "sp-sectionleader": ["bos_cases", "bos_approvals", "bos_overview", "bos_budget"],
    "sp-secretary": ["bos_cases", "bos_approvals"],
    "sp-finance": ["bos_cases", "bos_payments"],
    "sp-management": ["bos_cases", "bos_overview", "bos_budget"],
    "sp-regelmotor": ["bos_cases", "bos_regelmotor"],
    "sp-worker-finance": ["bos_cases", "bos_payments"],
}


@pytest.fixture
def users(manager):
    for user_id, roles in USERS.items():
        ensure_user(user_id, f"Bruger {user_id}", roles=roles)
    return manager


def render(portal, **form):
    page = view(portal, "bos-start", **form)
    html = page()
    return page, html


class Woken:
    """Records the portal types of the objects woken through catalog brains."""

    def __init__(self, monkeypatch):
        self.types = []
        for name in ("getObject", "_unrestrictedGetObject"):
            original = getattr(AbstractCatalogBrain, name)
            monkeypatch.setattr(AbstractCatalogBrain, name, self.recording(original))

    def recording(self, original):
        woken = self

        def wake(brain, *args, **kwargs):
            woken.types.append(brain.portal_type)
            return original(brain, *args, **kwargs)

        return wake


# -- the default view and login ----------------------------------------------------------------


def test_the_start_page_is_the_sites_default_view(manager):
    assert manager.getLayout() == "bos-start"
    assert manager.getDefaultPage() is None


@pytest.mark.parametrize("user_id", sorted(USERS))
def test_each_role_sees_its_sections(users, user_id):
    login(users, user_id)
    page, html = render(users)
    assert page.sections() == SECTIONS[user_id]
    text = text_of(html)
    assert "Velkommen, Bruger " + user_id in text
    assert ("Mine sager" in text) == ("case_worker" in SECTIONS[user_id])
    assert ("Til godkendelse (" in text) == ("approver" in SECTIONS[user_id])
    assert ("Betalinger at registrere" in text) == ("payments" in SECTIONS[user_id])
    assert ("Åbn ledelsesinformationen" in text) == ("management" in SECTIONS[user_id])
    assert ("Ændret for nylig i regelmotoren" in text) == ("regelmotor" in SECTIONS[user_id])


def test_anonymous_sees_a_login_prompt_and_nothing_of_the_product(users):
    login(users, "sp-worker")
    case = make_case(users, title="Hemmelig Hansen", case_worker="sp-worker")
    add_activity(make_appropriation(case), state="draft")
    logout()
    page, html = render(users)
    assert page.sections() == []
    text = text_of(html)
    assert "Log ind" in text
    assert f"{users.absolute_url()}/login" in html
    for word in ("Hemmelig", "Mine sager", "Til godkendelse", "Budget", "Regelmotor", "kr."):
        assert word not in text


# -- case worker ------------------------------------------------------------------------------


@pytest.fixture
def worker_cases(users):
    """sp-worker's case with a granted, a submitted and a draft activity; another worker's case.
    The team leader leads the cases' team, the section leader its afsnit."""
    from os2bos_plone.security.teams import sync_team_groups
    from tests.builders import lead_unit
    from tests.builders import unit_of

    portal = users
    regelmotor = portal["regelmotor"]
    regelmotor.teams = [
        {**row, "leader": "sp-teamleader"} if row["key"] == "familie_oest" else row
        for row in regelmotor.teams
    ]
    sync_team_groups(regelmotor)
    lead_unit("sp-sectionleader", unit_of("familie_oest"))
    mine = make_case(portal, title="Alma Andersen", case_worker="sp-worker", team="familie_oest")
    other = make_case(portal, title="Bo Berg", case_worker="sp-teamleader", team="familie_oest")
    appropriation = make_appropriation(mine)
    granted = add_activity(appropriation, amount="10000.00")
    submitted = add_activity(
        appropriation,
        state="expected",
        amount="500.00",
        service="100108",
        activity_type="supplementary",
        provider=None,
    )
    draft = add_activity(
        appropriation,
        state="draft",
        amount="700.00",
        service="100108",
        activity_type="supplementary",
        provider=None,
        start=date(YEAR, 6, 1),
    )
    other_draft = add_activity(make_appropriation(other), state="draft")
    return {
        "mine": mine,
        "granted": granted,
        "submitted": submitted,
        "draft": draft,
        "other_draft": other_draft,
    }


def test_the_case_worker_sees_cases_costs_drafts_submissions_and_decisions(
    worker_cases, monkeypatch
):
    portal = api.portal.get()
    login(portal, "sp-worker")
    woken = Woken(monkeypatch)
    page, html = render(portal)
    assert not {"bos_case", "bos_activity", "bos_appropriation"} & set(woken.types)

    work = page.case_worker()
    assert [case["title"] for case in work["cases"]] == ["Alma Andersen"]
    assert work["cases_total"] == 1
    (case,) = work["cases"]
    granted_total, expected_total = startpage.case_totals([worker_cases["mine"].UID()], YEAR)[
        worker_cases["mine"].UID()
    ]
    assert case["granted"] == startpage.format_money(granted_total)
    assert case["expected"] == startpage.format_money(expected_total)
    assert granted_total > 0 and expected_total > granted_total
    assert [row["url"] for row in work["drafts"]] == [worker_cases["draft"].absolute_url()]
    assert [row["url"] for row in work["submitted"]] == [worker_cases["submitted"].absolute_url()]
    assert work["submitted"][0]["level"]
    # The first visit looks back 14 days: the grant of today is in it.
    assert [row["url"] for row in work["decided"]] == [worker_cases["granted"].absolute_url()]
    assert worker_cases["other_draft"].absolute_url().rsplit("/", 1)[0] not in html
    text = text_of(html)
    assert "Alma Andersen" in text and case["granted"] in text


def test_decided_counts_from_the_previous_visit(worker_cases):
    portal = api.portal.get()
    login(portal, "sp-worker")
    now = clock.now()
    # This visit began after the grant (the catalog's dates count in minutes): nothing is new.
    after = now + timedelta(minutes=1)
    startpage.set_last_visit(portal, "sp-worker", after, after)
    page, _html = render(portal)
    assert page.case_worker()["decided"] == []
    assert "Bevilget siden dit sidste besøg" in page.case_worker()["since"]
    # The previous visit ended before the grant and a new visit begins: the grant shows, and
    # the end of the previous visit is what "since" counts from while this visit lasts.
    granted = worker_cases["granted"].absolute_url()
    before = now - timedelta(hours=2)
    startpage.set_last_visit(portal, "sp-worker", before)
    page, _html = render(portal)
    assert [row["url"] for row in page.case_worker()["decided"]] == [granted]
    last_seen, previous = startpage.last_visit(portal, "sp-worker")
    assert previous == before
    assert last_seen >= now
    page, _html = render(portal)
    assert [row["url"] for row in page.case_worker()["decided"]] == [granted]


def test_a_visit_is_recorded_in_a_small_entry_per_user(portal):
    from BTrees.OOBTree import OOBTree

    tree = startpage.visits(portal, create=True)
    assert isinstance(tree, OOBTree)
    start = clock.now()
    assert startpage.record_visit(portal, "sp-a", now=start) is None
    assert startpage.last_visit(portal, "sp-a") == (start, None)
    # Within the same visit nothing is written and "since" stays.
    assert startpage.record_visit(portal, "sp-a", now=start + timedelta(minutes=5)) is None
    assert startpage.last_visit(portal, "sp-a") == (start, None)
    # After the touch interval the last-seen moment moves, "since" stays.
    later = start + timedelta(minutes=20)
    assert startpage.record_visit(portal, "sp-a", now=later) is None
    assert startpage.last_visit(portal, "sp-a") == (later, None)
    # A new visit: "since" is the end of the previous one.
    next_day = later + timedelta(days=1)
    assert startpage.record_visit(portal, "sp-a", now=next_day) == later
    assert startpage.last_visit(portal, "sp-a") == (next_day, later)
    assert tree["sp-a"] == (next_day.timestamp(), later.timestamp())
    assert startpage.record_visit(portal, "sp-a", now=next_day + timedelta(minutes=30)) == later
    assert "sp-b" not in tree
    # What is stored pickles in the ZODB (a datetime's zone would not): a savepoint writes it.
    import transaction

    transaction.savepoint()


# -- approver ---------------------------------------------------------------------------------


def test_the_approvals_count_is_the_approvals_screens(worker_cases):
    portal = api.portal.get()
    for user_id in ("sp-teamleader", "sp-sectionleader", "sp-secretary"):
        login(portal, user_id)
        listed = view(portal, "bos-my-approvals").items()
        page, html = render(portal)
        assert page.approvals_count() == len(listed)
        assert f"Til godkendelse ({len(listed)})" in text_of(html)
        assert f"{portal.absolute_url()}/@@bos-my-approvals" in html
    login(portal, "sp-teamleader")
    assert view(portal, "bos-my-approvals").items()  # the submitted one awaits the team leader


# -- payment office ---------------------------------------------------------------------------


def test_the_payment_office_sees_this_weeks_and_overdue_payments(users, frozen_today):
    portal = users
    today = date(YEAR, 6, 1)
    frozen_today(today)
    case = make_case(portal, title="Carl Carlsen")
    appropriation = make_appropriation(case)
    on_the_first = make_activity(appropriation, **main_fields())
    api.content.transition(obj=on_the_first, transition="grant")
    on_the_20th = make_activity(
        make_appropriation(case),
        **main_fields(payment_day_of_month=20),
    )
    api.content.transition(obj=on_the_20th, transition="grant")
    internal = make_activity(
        make_appropriation(case), **internal_main_fields(payment_amount=Decimal("500.00"))
    )
    api.content.transition(obj=internal, transition="grant")
    paid_by_sd = make_activity(
        make_appropriation(case),
        **main_fields(
            service_provider=None,
            recipient_type="person",
            recipient_id="0301201234",
            recipient_name="Carls mor",
            payment_method="sd",
        ),
    )
    api.content.transition(obj=paid_by_sd, transition="grant")
    login(portal, "sp-finance")
    page, html = render(portal)
    figures = page.payments()
    # 1 June is due this week: the invoice (9.700,00 kr. at the provider's VAT factor) and the
    # internal settlement; the SD payment is paid by the system. 20 May is overdue.
    assert figures["week_count"] == 2
    assert figures["week_sum"] == "10.200,00 kr."
    assert figures["overdue_count"] == 1
    assert figures["overdue_sum"] == "9.700,00 kr."
    assert "period=this_week&amp;paid=unpaid" in html
    overdue_from = (today - timedelta(days=startpage.OVERDUE_DAYS)).isoformat()
    assert f"date_from={overdue_from}" in figures["overdue_url"]
    assert f"{portal.absolute_url()}/@@bos-payments" in html


# -- management and regelmotor ----------------------------------------------------------------


def test_management_sees_the_budget_headline(users):
    portal = users
    case = make_case(portal)
    add_activity(make_appropriation(case), amount="1000.00")
    login(portal, "sp-management")
    page, html = render(portal)
    figures = page.management()
    assert figures["expected"] == startpage.format_money(
        startpage.collect(YEAR, clock.today()).totals[1]
    )
    assert figures["status"] in ("over", "near", "under", "none")
    assert f"{portal.absolute_url()}/@@bos-overview" in html
    assert "Prognose" in text_of(html)


def test_regelmotor_sees_what_changed_lately(users):
    portal = users
    service = api.content.find(portal_type="bos_service", unrestricted=True)[0]
    service = service._unrestrictedGetObject()
    service.title = "Netop ændret ydelse"
    service.reindexObject()
    # The catalog's dates count in minutes: a minute later than the rest of the setup.
    service.setModificationDate(service.modified() + 1 / 1440.0)
    service.reindexObject(idxs=["modified"])
    login(portal, "sp-regelmotor")
    page, html = render(portal)
    items = page.regelmotor()["rows"]
    assert items[0]["title"] == "Netop ændret ydelse"
    assert items[0]["url"] == service.absolute_url()
    assert items[0]["kind"] == "Ydelse"
    assert len(items) <= startpage.LIST_SIZE
    assert f"{portal.absolute_url()}/regelmotor" in html


# -- tabs and chrome --------------------------------------------------------------------------


def visible_tabs(portal):
    actions = api.portal.get_tool("portal_actions").listFilteredActionsFor(portal)
    return [action["id"] for action in actions["portal_tabs"] if action["id"].startswith("bos_")]


@pytest.mark.parametrize("user_id", sorted(USERS))
def test_each_role_sees_its_tabs(users, user_id):
    login(users, user_id)
    assert visible_tabs(users) == TABS[user_id]


def test_anonymous_sees_no_product_tab(users):
    logout()
    assert visible_tabs(users) == []


def test_the_tabs_are_in_order_after_the_start_page(manager):
    tabs = api.portal.get_tool("portal_actions").portal_tabs
    assert tabs.objectIds()[:7] == [
        "index_html",
        "bos_cases",
        "bos_approvals",
        "bos_payments",
        "bos_overview",
        "bos_budget",
        "bos_regelmotor",
    ]


def test_the_municipality_name_is_the_site_title_and_logo(manager):
    registry = getUtility(IRegistry)
    settings.reader.write(municipality_name="Ballerup Kommune")
    assert registry["plone.site_title"] == "Ballerup Kommune"
    assert manager.Title() == "Ballerup Kommune"
    filename, data = b64decode_file(registry["plone.site_logo"])
    assert filename == chrome.LOGO_FILENAME
    assert b"Ballerup Kommune" in data
    # A logo of the municipality's own is kept.
    registry["plone.site_logo"] = b64encode_file("ballerup.png", b"PNG")
    settings.reader.write(municipality_name="Ballerup")
    assert registry["plone.site_title"] == "Ballerup"
    assert b64decode_file(registry["plone.site_logo"])[0] == "ballerup.png"


def test_no_colophon_no_byline_no_plone_footer(manager):
    storage = getUtility(IViewletSettingsStorage)
    skin = api.portal.get_tool("portal_skins").getDefaultSkin()
    assert "plone.colophon" in storage.getHidden("plone.portalfooter", skin)
    assert "plone.documentbyline" in storage.getHidden("plone.belowcontenttitle", skin)
    settings.reader.write(municipality_name="Ballerup Kommune")
    html = manager()
    assert "Powered by Plone" not in html
    assert "Plone Foundation" not in html
    assert 'id="portal-colophon"' not in html


def test_the_letter_sender_is_a_setting(manager):
    registry = getUtility(IRegistry)
    assert "os2bos_plone.settings.letter_sender" in registry.records
    settings.reader.write(letter_sender="Ballerup Kommune\nBørn og Familie")
    assert settings.read().letter_sender == "Ballerup Kommune\nBørn og Familie"
