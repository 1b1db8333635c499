"""Upgrade step 1004 -> 1005: section leaders and committee secretaries read only their cases."""

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from plone import api
from Products.GenericSetup.upgrade import listUpgradeSteps

from os2bos_plone.security.users import create_user
from os2bos_plone.upgrades import v1005
from tests.builders import add_activity
from tests.builders import make_appropriation
from tests.builders import make_case

PROFILE = "os2bos_plone:default"
READER = "BOSCaseReader"
GLOBAL_READERS = ("BOSSectionLeader", "BOSCommitteeSecretary")


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1004")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1004",), ("1005",)),
        (("1005",), ("1006",)),
        (("1006",), ("1007",)),
        (("1007",), ("1008",)),
        (("1008",), ("1009",)),
        (("1009",), ("1010",)),
        (("1010",), ("1011",)),
    ]
    assert setup.getVersionForProfile(PROFILE) == "1011"


def _as_1004_left_it(portal):
    """A site before 1005: the global roles read every case, no case reader role, no afsnit."""
    workflows = api.portal.get_tool("portal_workflow")
    for workflow_id in v1005.WORKFLOWS:
        workflow = workflows[workflow_id]
        for state in workflow.states.objectValues():
            for permission in v1005.READ_PERMISSIONS:
                roles = (state.permission_roles or {}).get(permission)
                if roles is None:
                    continue
                old = [role for role in roles if role != READER] + list(GLOBAL_READERS)
                state.setPermission(permission, isinstance(roles, list), old)
    # an administrator's own change, which the upgrade must keep
    active = workflows["bos_case_workflow"].states["active"]
    modify = list(active.permission_roles["Modify portal content"]) + ["Reviewer"]
    active.setPermission("Modify portal content", False, modify)
    portal._delRoles([READER])
    regelmotor = portal["regelmotor"]
    del regelmotor.units
    regelmotor.teams = [{k: v for k, v in row.items() if k != "unit"} for row in regelmotor.teams]
    workflows.updateRoleMappings()


def _user(user_id, group):
    if api.user.get(userid=user_id) is None:
        create_user(user_id, "secret-pw-123")
    api.group.add_user(groupname=group, username=user_id)
    return user_id


def _can_view(user_id, obj):
    portal = api.portal.get()
    user = portal.acl_users.getUserById(user_id).__of__(portal.acl_users)
    return bool(user.has_permission("View", obj))


def test_upgrade_scopes_the_readers(manager, monkeypatch):
    portal = manager
    section_leader = _user("al-upgrade", "bos_section_leaders")
    secretary = _user("us-upgrade", "bos_committee_secretaries")
    committee_case = make_case(portal, team="familie_oest")
    placement = make_appropriation(committee_case, section="BL-47")
    expected = add_activity(placement, state="expected", service="100406", provider=None)
    assert expected.required_approval_level == "boerne_og_ungeudvalget"
    plain_case = make_case(portal, team="familie_oest")
    add_activity(make_appropriation(plain_case), state="granted", amount="1000.00")
    _as_1004_left_it(portal)
    for case in (committee_case, plain_case):
        if "before_committee" in case.__dict__:
            del case.before_committee
    assert _can_view(section_leader, plain_case) and _can_view(secretary, plain_case)

    checkpoints = []
    monkeypatch.setattr(
        v1005, "checkpoint", lambda: checkpoints.append(transaction.savepoint(optimistic=True))
    )
    messages = []
    monkeypatch.setattr(v1005.logger, "info", messages.append)
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1004")
    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)  # and on to 1011
    assert READER in portal.valid_roles()
    workflows = api.portal.get_tool("portal_workflow")
    for workflow_id in v1005.WORKFLOWS:
        for state in workflows[workflow_id].states.objectValues():
            for permission in v1005.READ_PERMISSIONS:
                roles = (state.permission_roles or {}).get(permission)
                if roles is not None:
                    assert READER in roles, (workflow_id, state.getId(), permission)
                    assert not set(roles) & set(GLOBAL_READERS)
    # the administrator's change is kept: the definitions were not imported again
    active = workflows["bos_case_workflow"].states["active"]
    assert "Reviewer" in active.permission_roles["Modify portal content"]
    assert portal["regelmotor"].units == []
    assert committee_case.before_committee is True
    assert plain_case.before_committee is False
    # the section leader leads no afsnit yet: no case; the secretaries read the committee's
    assert not _can_view(section_leader, plain_case)
    assert not _can_view(section_leader, committee_case)
    assert _can_view(secretary, committee_case) and _can_view(secretary, expected)
    assert not _can_view(secretary, plain_case)
    # the catalog answers the same
    catalog = api.portal.get_tool("portal_catalog")
    newSecurityManager(None, portal.acl_users.getUserById(secretary).__of__(portal.acl_users))
    found = {brain.UID for brain in catalog(portal_type="bos_case")}
    assert committee_case.UID() in found and plain_case.UID() not in found
    assert checkpoints
    assert any("for udvalget" in str(message) for message in messages)
    # again: nothing left to change
    assert v1005.add_case_reader_role() is False
    assert v1005.update_permission_maps() == []
