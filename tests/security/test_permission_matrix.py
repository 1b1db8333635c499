"""The permission matrix: for each BOS role, Manager and anonymous, and each state of case,
appropriation and activity, exactly which permissions and transitions are granted.

Users: the case's case worker, a teammate (member of the team's group), the team's leader, a case
worker of another team, the leader of the team's afsnit, the leader of another afsnit, a committee
secretary, the payment office, management, the classification administrator, a Manager and
anonymous. The activities cost 1.000 kr. a month, within own competence (egenkompetence), so every
holder of an approval level who may read the case may decide them. The case is not before the
committee, so the committee secretary reads none of it (tests/security/test_case_access.py has the
cases the secretary reads).
"""

from datetime import date
from decimal import Decimal

import pytest
from AccessControl import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SpecialUsers import nobody
from plone import api

from os2bos_plone.security.teams import sync_team_groups
from os2bos_plone.security.users import create_user

USERS = {
    "worker": ["BOSCaseWorker"],
    "teammate": ["BOSCaseWorker"],
    "leader": [],
    "outsider": ["BOSCaseWorker"],
    "section_leader": ["BOSSectionLeader"],
    "other_section_leader": ["BOSSectionLeader"],
    "secretary": ["BOSCommitteeSecretary"],
    "finance": ["BOSFinance"],
    "management": ["BOSManagement"],
    "regelmotor": ["BOSClassificationAdmin"],
    "manager": ["Manager"],
}
EVERYONE = set(USERS) | {"anonymous"}
READERS = {
    "worker",
    "teammate",
    "leader",
    "section_leader",
    "finance",
    "management",
    "manager",
}
TEAM = {"worker", "teammate", "leader", "manager"}
DECIDERS = {"worker", "teammate", "leader", "section_leader", "manager"}
NOBODY = set()

VIEW, MODIFY, ADD, DELETE = "View", "Modify portal content", "Add portal content", "Delete objects"
PAY = "os2bos_plone: Register payments"

# (object, permission or "transition:<id>") -> users allowed
MATRIX = {
    ("case_active", VIEW): READERS,
    ("case_active", MODIFY): TEAM,
    ("case_active", ADD): TEAM,
    ("case_active", DELETE): TEAM,
    ("case_active", "transition:close"): TEAM,
    ("case_active", "transition:reopen"): NOBODY,
    ("case_closed", VIEW): READERS,
    ("case_closed", MODIFY): {"manager"},
    ("case_closed", ADD): {"manager"},
    ("case_closed", DELETE): {"manager"},
    ("case_closed", "transition:close"): NOBODY,
    ("case_closed", "transition:reopen"): TEAM | {"section_leader"},
    ("appropriation_active", VIEW): READERS,
    ("appropriation_active", MODIFY): TEAM,
    ("appropriation_active", ADD): TEAM,
    ("appropriation_active", DELETE): TEAM,
    ("appropriation_closed", VIEW): READERS,
    ("appropriation_closed", MODIFY): {"manager"},
    ("appropriation_closed", ADD): {"manager"},
    ("appropriation_closed", DELETE): {"manager"},
    ("activity_draft", VIEW): READERS,
    ("activity_draft", MODIFY): TEAM,
    ("activity_draft", DELETE): TEAM,
    ("activity_draft", PAY): NOBODY,
    ("activity_draft", "transition:submit"): TEAM,
    ("activity_draft", "transition:grant"): DECIDERS,
    ("activity_draft", "transition:reject"): NOBODY,
    ("activity_expected", VIEW): READERS,
    ("activity_expected", MODIFY): {"manager"},
    ("activity_expected", DELETE): TEAM,
    ("activity_expected", PAY): NOBODY,
    ("activity_expected", "transition:submit"): NOBODY,
    ("activity_expected", "transition:grant"): DECIDERS,
    ("activity_expected", "transition:reject"): DECIDERS,
    ("activity_granted", VIEW): READERS,
    ("activity_granted", MODIFY): TEAM,
    ("activity_granted", DELETE): NOBODY,
    ("activity_granted", PAY): {"finance", "manager"},
    ("activity_granted", "transition:submit"): NOBODY,
    ("activity_granted", "transition:grant"): NOBODY,
    ("activity_granted", "transition:reject"): NOBODY,
}


def _activity(appropriation, portal, number):
    return api.content.create(
        container=appropriation,
        type="bos_activity",
        id=f"ydelse-{number}",
        service=portal["regelmotor"]["ydelse-100206"].UID(),
        activity_type="main",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        payment_type="running",
        payment_frequency="monthly",
        payment_day_of_month=1,
        payment_cost_type="fixed",
        payment_amount=Decimal("1000.00"),
        recipient_type="internal",
        recipient_id="familiehuset",
        recipient_name="Familiehuset",
        payment_method="internal",
    )


def _case(portal, name):
    case = api.content.create(
        container=portal["sager"],
        type="bos_case",
        id=name,
        sbsys_id=f"27.24.00-G01-{name}",
        cpr_number="0101181234",
        title="Alma Andersen",
        case_worker="worker",
        team="familie_oest",
        target_group="handicap",
        effort_step=3,
        scaling_step=4,
        paying_municipality="151",
        acting_municipality="151",
        residence_municipality="151",
    )
    return case


def _appropriation(case, portal, number):
    return api.content.create(
        container=case,
        type="bos_appropriation",
        id=f"bevilling-{number}",
        sbsys_id=f"{case.sbsys_id}-{number}",
        section=portal["regelmotor"]["bl-32-1.5"].UID(),
    )


@pytest.fixture
def objects(manager):
    portal = manager
    for username, roles in USERS.items():
        if api.user.get(username=username) is None:
            create_user(username, "secret-pw-123")
            if roles:
                api.user.grant_roles(username=username, roles=roles)
    regelmotor = portal["regelmotor"]
    regelmotor.units = [
        {"key": "familie", "title": "Familieafsnittet", "leader": "section_leader"},
        {"key": "handicap_unge", "title": "Handicap og unge", "leader": "other_section_leader"},
    ]
    regelmotor.teams = [
        {**row, "leader": "leader", "unit": "familie"} if row["key"] == "familie_oest" else row
        for row in regelmotor.teams
    ]
    sync_team_groups(regelmotor)
    api.group.add_user(groupname="bos_team_familie_oest", username="teammate")
    api.group.add_user(groupname="bos_committee_secretaries", username="secretary")

    active = _case(portal, "matrix-active")
    draft = _activity(_appropriation(active, portal, 1), portal, 1)
    expected = _activity(_appropriation(active, portal, 2), portal, 2)
    api.content.transition(obj=expected, transition="submit")
    granted = _activity(_appropriation(active, portal, 3), portal, 3)
    api.content.transition(obj=granted, transition="grant")
    closed = _case(portal, "matrix-closed")
    closed_appropriation = _appropriation(closed, portal, 1)
    api.content.transition(obj=closed, transition="close")
    for case in (active, closed):
        case.reindexObjectSecurity()
    return {
        "case_active": active,
        "case_closed": closed,
        "appropriation_active": draft.__parent__,
        "appropriation_closed": closed_appropriation,
        "activity_draft": draft,
        "activity_expected": expected,
        "activity_granted": granted,
    }


def _allowed(user, obj, what):
    if what.startswith("transition:"):
        transition = what.split(":", 1)[1]
        workflow = api.portal.get_tool("portal_workflow")
        return transition in {t["id"] for t in workflow.getTransitionsFor(obj)}
    return bool(api.user.has_permission(what, obj=obj)) if user else None


def _who(obj, what):
    allowed = set()
    for username in EVERYONE:
        if username == "anonymous":
            manager = getSecurityManager().getUser()
            newSecurityManager(None, nobody)
            try:
                if _allowed(True, obj, what):
                    allowed.add(username)
            finally:
                newSecurityManager(None, manager)
            continue
        with api.env.adopt_user(username=username):
            if _allowed(True, obj, what):
                allowed.add(username)
    return allowed


def test_permission_matrix(objects):
    states = {name: api.content.get_state(obj, default=None) for name, obj in objects.items()}
    assert states == {
        "case_active": "active",
        "case_closed": "closed",
        "appropriation_active": None,
        "appropriation_closed": None,
        "activity_draft": "draft",
        "activity_expected": "expected",
        "activity_granted": "granted",
    }
    actual = {cell: _who(objects[cell[0]], cell[1]) for cell in MATRIX}
    differences = {
        cell: {"expected": sorted(MATRIX[cell]), "actual": sorted(actual[cell])}
        for cell in MATRIX
        if actual[cell] != MATRIX[cell]
    }
    assert differences == {}
