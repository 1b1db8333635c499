"""'Til godkendelse' (@@bos-my-approvals) in-process: per row the child, the grant, the service,
the measure's cost, the required level, who submitted it (full name) and when, and the note; one
row per item however many levels the user holds; the leaders of the case's team get it."""

from datetime import date
from decimal import Decimal

from plone import api
from plone.app.testing import login
from plone.uuid.interfaces import IUUID

from os2bos_plone.decisions.submit import submit
from tests.browser.test_grant_views import LEADER
from tests.browser.test_grant_views import TEAM
from tests.browser.test_grant_views import WORKER
from tests.browser.test_grant_views import YEAR
from tests.browser.test_grant_views import _user
from tests.browser.test_grant_views import render
from tests.browser.test_grant_views import team  # noqa: F401 - the fixture
from tests.builders import internal_main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import text_of

NEXT = YEAR + 1


def submitted_measure(portal, case, note="Familien har brug for støtte hele året"):
    appropriation = make_appropriation(case)
    activity = make_activity(
        appropriation,
        **internal_main_fields(
            start_date=date(NEXT, 1, 1),
            end_date=date(NEXT, 12, 31),
            payment_amount=Decimal("6000.00"),
        ),
    )
    login(portal, WORKER)
    errors, level = submit(appropriation, [IUUID(activity)], comment=note)
    assert not errors and level.key == "teamleder"
    return appropriation, activity


def items_for(portal, user):
    login(portal, user)
    from tests.browser.test_grant_views import _request

    request = _request(portal)
    return api.content.get_view(name="bos-my-approvals", context=portal, request=request).items()


def test_a_row_tells_the_approver_what_to_decide(team):  # noqa: F811
    portal, case = team
    appropriation, activity = submitted_measure(portal, case)
    [item] = [i for i in items_for(portal, LEADER) if i["url"] == activity.absolute_url()]
    assert item["child"] == "Alma Andersen"
    assert item["case_sbsys_id"] == case.sbsys_id
    assert item["grant"] == appropriation.sbsys_id
    assert item["service"] == activity.Title()
    assert (item["annual"], item["total"]) == ("72.000,00 kr.", "72.000,00 kr.")
    assert item["level"] == "Teamleder"
    assert item["submitted_by"] == "Gitte Sagsbehandler"
    assert " kl. " in item["submitted"]
    assert item["note"] == "Familien har brug for støtte hele året"
    text = text_of(render(portal, portal, "bos-my-approvals", LEADER))
    assert "Barn Bevilling Ydelse Årlig udgift Samlet udgift" in text
    assert "Alma Andersen" in text and appropriation.sbsys_id in text
    assert "72.000,00 kr. 72.000,00 kr. Teamleder Gitte Sagsbehandler" in text
    assert "Familien har brug for støtte hele året" in text
    assert WORKER not in text.replace(f"{WORKER}@", "")


def test_an_item_appears_once_for_a_user_with_several_levels(team):  # noqa: F811
    portal, case = team
    _appropriation, activity = submitted_measure(portal, case)
    # The team's leader also holds the team leader's and section leader's roles globally.
    api.user.grant_roles(username=LEADER, roles=["BOSTeamLeader", "BOSSectionLeader"])
    items = items_for(portal, LEADER)
    assert [i["url"] for i in items].count(activity.absolute_url()) == 1
    html = render(portal, portal, "bos-my-approvals", LEADER)
    assert html.count(f'href="{activity.absolute_url()}"') == 1
    # The same at the REST door (GET @bos-my-approvals builds its items with approval_items).
    from os2bos_plone.services.approvals import approval_items

    login(portal, LEADER)
    rest = [item["UID"] for item in approval_items(api.user.get_current())]
    assert rest.count(IUUID(activity)) == 1


def test_a_submission_reaches_the_leaders_of_the_cases_team_only(team):  # noqa: F811
    from os2bos_plone.security.teams import sync_team_groups

    portal, case = team
    other = _user("gs-other-leader", (), "Ole Andenleder")
    regelmotor = portal["regelmotor"]
    regelmotor.teams = [
        {**row, "leader": other} if row["key"] == "familie_vest" else row
        for row in regelmotor.teams
    ]
    sync_team_groups(regelmotor)
    assert case.team == TEAM
    _appropriation, activity = submitted_measure(portal, case)
    assert activity.absolute_url() in [i["url"] for i in items_for(portal, LEADER)]
    assert activity.absolute_url() not in [i["url"] for i in items_for(portal, other)]


def test_the_screen_pages_and_shows_the_total(team, monkeypatch):  # noqa: F811
    from os2bos_plone.browser.approvals import MyApprovalsView

    portal, case = team
    activities = [submitted_measure(portal, case)[1] for _ in range(3)]
    monkeypatch.setattr(MyApprovalsView, "page_size", 2)
    first = render(portal, portal, "bos-my-approvals", LEADER)
    text = text_of(first)
    assert "Viser 1–2 af 3" in text
    assert first.count('class="bos-approval-item"') == 2
    assert f"{portal.absolute_url()}/@@bos-my-approvals?page=2" in first
    assert "Næste side" in text and "Forrige side" not in text
    second = render(portal, portal, "bos-my-approvals", LEADER, page="2")
    assert "Viser 3–3 af 3" in text_of(second)
    assert second.count('class="bos-approval-item"') == 1
    assert "Forrige side" in text_of(second) and "Næste side" not in text_of(second)
    shown = [a.absolute_url() for a in activities if f'href="{a.absolute_url()}"' in first]
    shown += [a.absolute_url() for a in activities if f'href="{a.absolute_url()}"' in second]
    assert sorted(shown) == sorted(a.absolute_url() for a in activities)
    # The start page's count stays the total, not the page.
    from os2bos_plone.decisions.competence import awaiting

    login(portal, LEADER)
    assert len(awaiting(api.user.get_current())) == 3
