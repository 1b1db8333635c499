"""decisions.awaiting: "Til godkendelse" from the catalog alone. The submission (who, when, the
note) and the measure's annual cost the approval rule used are catalog columns, filled when the
activity is submitted; listing wakes no activity; the list pages."""

from datetime import date
from decimal import Decimal

import transaction
from plone import api
from plone.app.testing import login
from plone.uuid.interfaces import IUUID

from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.decisions.awaiting import awaiting_items
from os2bos_plone.decisions.awaiting import awaiting_page
from os2bos_plone.decisions.competence import measure_annual_cost
from os2bos_plone.decisions.competence import required_level_and_cost
from os2bos_plone.decisions.reject import reject
from os2bos_plone.decisions.submit import submission_of
from os2bos_plone.decisions.submit import submit
from os2bos_plone.engine import clock
from tests.browser.test_grant_views import LEADER
from tests.browser.test_grant_views import WORKER
from tests.browser.test_grant_views import team  # noqa: F401 - the fixture
from tests.browser.test_my_approvals_views import NEXT
from tests.browser.test_my_approvals_views import submitted_measure
from tests.builders import grant_decision
from tests.builders import internal_main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation


def leader_items(portal):
    login(portal, LEADER)
    return {item.brain.UID: item for item in awaiting_items(api.user.get_current())}


def test_an_item_holds_what_the_objects_held(team):  # noqa: F811
    """The figures the list showed when it woke every activity (its workflow history, the
    grant's plans), now read from the columns."""
    portal, case = team
    appropriation, activity = submitted_measure(portal, case, note="Se vedlagte handleplan")
    item = leader_items(portal)[IUUID(activity)]
    actor, moment, note = submission_of(activity)
    assert item.case.Title == "Alma Andersen"
    assert item.grant.bos_sbsys_id == appropriation.sbsys_id
    assert item.service == activity.Title()
    assert item.annual == measure_annual_cost(appropriation, when=clock.today())
    assert item.annual == Decimal("72000.00")
    # The figure the approval rule was given at the submission.
    level, cost = required_level_and_cost([activity], when=clock.today())
    assert (item.annual, item.required.key) == (cost, level.key) == (cost, "teamleder")
    assert item.total == Decimal("72000.00")
    assert (item.submitted_by, item.submitted_by_name) == (WORKER, "Gitte Sagsbehandler")
    assert item.submitted_by_name == user_name(actor)
    assert item.submitted == moment and item.submitted is not None
    assert item.note == note == "Se vedlagte handleplan"
    assert item.case_worker_name == "Gitte Sagsbehandler"
    assert item.start == date(NEXT, 1, 1)


def test_a_resubmitted_adjustment_shows_the_new_note(team):  # noqa: F811
    from os2bos_plone.decisions.adjustment import create_adjustment

    portal, case = team
    appropriation = make_appropriation(case)
    activity = make_activity(
        appropriation,
        **internal_main_fields(start_date=date(NEXT, 1, 1), end_date=date(NEXT, 12, 31)),
    )
    grant_decision(appropriation, [activity])
    login(portal, WORKER)
    adjustment = create_adjustment(
        activity, {"start_date": f"{NEXT}-06-01", "payment_amount": "7000.00"}
    )
    uid = IUUID(adjustment)
    first = leader_items(portal)[uid]
    assert first.note == ""
    login(portal, LEADER)
    assert reject(appropriation, [uid], "Beløbet mangler begrundelse") == []
    assert uid not in leader_items(portal)
    login(portal, WORKER)
    errors, _level = submit(appropriation, [uid], comment="Ny pris fra leverandøren")
    assert not errors
    again = leader_items(portal)[uid]
    assert again.note == "Ny pris fra leverandøren"
    assert again.submitted >= first.submitted
    assert again.submitted_by_name == "Gitte Sagsbehandler"


def test_listing_wakes_no_activity(team):  # noqa: F811
    from os2bos_plone.services.approvals import approval_items

    portal, case = team
    measures = [submitted_measure(portal, case) for _ in range(3)]
    api.portal.get_tool("portal_catalog").getCounter()  # index what is queued (wakes them)
    transaction.savepoint(optimistic=True)  # the new objects can be ghosts now
    login(portal, LEADER)
    user = api.user.get_current()
    for list_them in (
        lambda: awaiting_items(user),
        lambda: approval_items(user),
        lambda: api.content.get_view("bos-my-approvals", portal, portal.REQUEST)(),
    ):
        for appropriation, activity in measures:
            activity._p_deactivate()
            appropriation._p_deactivate()
            assert activity._p_changed is None
        listed = list_them()
        assert listed
        for appropriation, activity in measures:
            assert activity._p_changed is None, "an activity was woken"
            assert appropriation._p_changed is None, "a grant was woken"


def test_the_list_pages_and_counts_them_all(team):  # noqa: F811
    portal, case = team
    for number in range(3):
        submitted_measure(portal, case, note=f"Nummer {number}")
    login(portal, LEADER)
    user = api.user.get_current()
    everything = [item.brain.UID for item in awaiting_items(user)]
    assert len(everything) == 3
    first, total = awaiting_page(user, 0, 2)
    second, total_again = awaiting_page(user, 2, 2)
    assert total == total_again == 3
    assert [item.brain.UID for item in first + second] == everything
    assert awaiting_page(user, 10, 2) == ([], 3)
