"""The guard controller on its own: a fake user and a fake competence rule, no Plone site.

Each stable guard id asks one thing of the user (a permission, a role, the competence rule);
an unknown guard id and a user who cannot see the object allow nothing."""

import pytest

from os2bos_plone.engine.approval import DEFAULT_LEVELS
from os2bos_plone.engine.approval import GrantRule
from os2bos_plone.workflows.controller import GUARD_IDS
from os2bos_plone.workflows.controller import TransitionController

LEVELS = {level.key: level for level in DEFAULT_LEVELS}
CONTEXT = object()


class FakeUser:
    def __init__(self, roles=(), permissions=("View",)):
        self.roles = set(roles)
        self.permissions = set(permissions)
        self.asked = []

    def getRolesInContext(self, context):
        assert context is CONTEXT
        return sorted(self.roles)

    def has_permission(self, permission, context):
        assert context is CONTEXT
        self.asked.append(permission)
        return permission in self.permissions


def rule(required, *held):
    """A fake ``rule_for``: the engine's GrantRule for ``required`` and the ``held`` levels,
    recording what it was asked about."""
    asked = []

    def rule_for(user, activities):
        asked.append((user, list(activities)))
        return GrantRule(LEVELS[required], [LEVELS[key] for key in held])

    rule_for.asked = asked
    return rule_for


def controller(user, rule_for=None):
    return TransitionController(CONTEXT, user, rule_for=rule_for or rule("egenkompetence"))


def test_the_guard_ids_are_the_ones_the_workflows_name():
    assert set(GUARD_IDS) == {
        "case_close",
        "case_reopen",
        "activity_submit",
        "activity_grant",
        "activity_reject",
    }


@pytest.mark.parametrize("guard_id", ["case_close", "activity_submit"])
def test_close_and_submit_need_modify_permission(guard_id):
    editor = FakeUser(permissions=("View", "Modify portal content"))
    reader = FakeUser(permissions=("View",))
    assert controller(editor).allowed(guard_id) is True
    assert controller(reader).allowed(guard_id) is False
    assert reader.asked == ["View", "Modify portal content"]


@pytest.mark.parametrize(
    "role", ["Manager", "Site Administrator", "BOSCaseTeam", "BOSSectionLeader"]
)
def test_reopen_needs_one_of_the_reopen_roles(role):
    assert controller(FakeUser(roles=[role, "Member"])).allowed("case_reopen") is True


def test_reopen_refused_without_a_reopen_role():
    editor = FakeUser(roles=["Member", "BOSFinance"], permissions=("View", "Modify portal content"))
    assert controller(editor).allowed("case_reopen") is False


@pytest.mark.parametrize("guard_id", ["activity_grant", "activity_reject"])
def test_grant_and_reject_follow_the_competence_rule(guard_id):
    user = FakeUser()
    enough = rule("teamleder", "egenkompetence", "teamleder")
    assert controller(user, enough).allowed(guard_id) is True
    assert enough.asked == [(user, [CONTEXT])]  # the rule is asked about this activity
    too_low = rule("teamleder", "egenkompetence")
    assert controller(user, too_low).allowed(guard_id) is False
    nothing = rule("egenkompetence")
    assert controller(user, nothing).allowed(guard_id) is False


def test_grant_rule_of_a_batch_is_asked_about_the_batch():
    rule_for = rule("egenkompetence", "egenkompetence")
    batch = [object(), object()]
    assert controller(FakeUser(), rule_for).grant_rule(batch).allowed()
    assert rule_for.asked[0][1] == batch


@pytest.mark.parametrize("guard_id", ["", "activity_delete", "grant", "allowed", "_roles"])
def test_unknown_guard_id_allows_nothing(guard_id):
    everything = FakeUser(
        roles=["Manager"], permissions=("View", "Modify portal content", "Delete objects")
    )
    assert (
        controller(everything, rule("egenkompetence", "egenkompetence")).allowed(guard_id) is False
    )


@pytest.mark.parametrize("guard_id", GUARD_IDS)
def test_without_view_nothing_is_allowed(guard_id):
    blind = FakeUser(roles=["Manager"], permissions=("Modify portal content",))
    rule_for = rule("egenkompetence", "egenkompetence")
    assert controller(blind, rule_for).allowed(guard_id) is False
    assert rule_for.asked == []  # refused before any rule is evaluated
