"""Demo cases: loaded through the normal add path, valid, idempotent, with figures to show."""

import pytest
from plone import api

from os2bos_plone.adapters.plans import activity_input
from os2bos_plone.demo import load_demo_data
from os2bos_plone.demo.cases import DEMO_CASE_WORKERS
from os2bos_plone.demo.cases import DEMO_CASES
from os2bos_plone.demo.cases import TEAM_MEMBERS
from os2bos_plone.engine import clock
from os2bos_plone.engine.validation import validate_activity
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import sum_totals
from os2bos_plone.security.committee import before_committee
from os2bos_plone.security.teams import team_group_id
from os2bos_plone.validation.activity import catalogue_errors


def _counts():
    return {
        portal_type: len(api.content.find(portal_type=portal_type, unrestricted=True))
        for portal_type in ("bos_case", "bos_appropriation", "bos_activity")
    }


@pytest.fixture
def demo(manager):
    portal = manager
    messages = []
    load_demo_data(portal, progress=messages.append)
    return messages


class TestDemoCases:
    def test_loaded_twice_gives_the_same_content(self, portal, demo):
        first = _counts()
        assert first["bos_case"] == len(DEMO_CASES) >= 30
        assert first["bos_appropriation"] > first["bos_case"]
        assert first["bos_activity"] > first["bos_appropriation"]
        messages = []
        load_demo_data(portal, progress=messages.append)
        assert _counts() == first
        assert any("findes allerede" in message for message in messages)
        assert any(f"[{len(DEMO_CASES)}/{len(DEMO_CASES)}] sager" in m for m in demo)

    def test_content_is_valid_and_has_figures(self, demo):
        """One load, several checks (loading takes seconds): states and adjustments, the spread
        over teams and steps, the approval metadata, the rules, the stored totals."""
        self._states_and_adjustments()
        self._spread_over_teams_groups_steps_and_workers()
        self._granted_activities_carry_the_approval()
        self._activities_pass_the_engine_and_regelmotor_rules()
        self._yearly_totals_in_catalog_metadata()
        self._the_readers_of_the_demo_cases()

    def _states_and_adjustments(self):
        brains = api.content.find(portal_type="bos_activity", unrestricted=True)
        states = {}
        for brain in brains:
            states[brain.review_state] = states.get(brain.review_state, 0) + 1
        assert states["granted"] >= 40
        assert states["expected"] >= 10
        assert states["draft"] >= 5
        adjustments = [brain for brain in brains if brain.bos_modifies]
        assert len(adjustments) >= 2
        for brain in adjustments:
            assert brain.review_state == "expected"
            original = api.content.get(UID=brain.bos_modifies)
            assert api.content.get_state(original) == "granted"

    def _spread_over_teams_groups_steps_and_workers(self):
        cases = [b._unrestrictedGetObject() for b in api.content.find(portal_type="bos_case")]
        assert {case.team for case in cases} == set(TEAM_MEMBERS)
        assert {case.target_group for case in cases} == {"familie", "handicap", "unge"}
        assert {case.effort_step for case in cases} == {1, 2, 3, 4, 5, 6}
        workers = {case.case_worker for case in cases}
        assert {user.username for user in DEMO_CASE_WORKERS} | {"sagsbehandler"} <= workers
        for team, usernames in TEAM_MEMBERS.items():
            members = {m.getId() for m in api.user.get_users(groupname=team_group_id(team))}
            assert set(usernames) <= members

    def _granted_activities_carry_the_approval(self):
        for brain in api.content.find(
            portal_type="bos_activity", review_state="granted", unrestricted=True
        ):
            activity = brain._unrestrictedGetObject()
            assert activity.approval_level
            assert api.user.get(userid=activity.approval_user) is not None
            assert activity.appropriation_date <= clock.today()

    def _activities_pass_the_engine_and_regelmotor_rules(self):
        for brain in api.content.find(portal_type="bos_activity", unrestricted=True):
            activity = brain._unrestrictedGetObject()
            errors = validate_activity(activity_input(activity, activity))
            errors += catalogue_errors(activity, activity)
            assert errors == [], (brain.getPath(), errors)
            assert stored_payments(activity), brain.getPath()

    def _yearly_totals_in_catalog_metadata(self):
        year = clock.today().year
        brains = api.content.find(portal_type="bos_activity", unrestricted=True)
        assert all(isinstance(brain.bos_yearly_totals, dict) for brain in brains)
        granted, expected = sum_totals(brains, year)
        assert granted > 0 and expected > 0
        assert sum_totals(brains, year + 1)[1] > 0
        drafts = [b for b in brains if b.review_state == "draft"]
        assert sum_totals(drafts, year) == (0, 0)

    def _the_readers_of_the_demo_cases(self):
        """The demo section leader leads the afsnit of the demo teams and reads every demo case;
        the committee secretary reads the demo cases before the committee and no other."""
        cases = api.content.find(portal_type="bos_case", unrestricted=True)
        with api.env.adopt_user(username="afsnitsleder"):
            assert len(api.content.find(portal_type="bos_case")) == len(cases)
        before = {b.UID for b in cases if before_committee(b._unrestrictedGetObject())}
        assert before  # the demo has committee decisions
        with api.env.adopt_user(username="udvalgssekretaer"):
            assert {b.UID for b in api.content.find(portal_type="bos_case")} == before
