"""Who may take which transition: the rules behind the workflow guards.

Each guard id maps to one method. The approval rules themselves are the engine's rule objects
(os2bos_plone.engine.approval: GrantRule, RejectRule); this class only gathers the inputs from
the site through os2bos_plone.decisions.competence. It reads nothing but ``context``, ``user``
(``getRolesInContext`` and ``has_permission``) and ``rule_for`` (user, activities -> an engine
GrantRule), so its tests pass fakes of all three (tests/workflows/test_controller.py).
"""

from os2bos_plone.decisions.competence import grant_rule

CASE_REOPEN_ROLES = {"Manager", "Site Administrator", "BOSCaseTeam", "BOSSectionLeader"}

#: The stable guard ids the workflow definitions name; each is the method ``guard_<id>``.
GUARD_IDS = (
    "case_close",
    "case_reopen",
    "activity_submit",
    "activity_grant",
    "activity_reject",
)


class TransitionController:
    def __init__(self, context, user, rule_for=grant_rule):
        self.context = context
        self.user = user
        self.rule_for = rule_for

    def allowed(self, guard_id):
        """The guard view is public (guards are evaluated for every user); nobody may take a
        transition on an object they cannot see. An unknown guard id allows nothing."""
        if guard_id not in GUARD_IDS or not self.has_permission("View"):
            return False
        return bool(getattr(self, f"guard_{guard_id}")())

    def roles(self):
        return set(self.user.getRolesInContext(self.context))

    def has_permission(self, permission):
        """Asked of the user object itself, so temporarily adopted roles count."""
        return bool(self.user.has_permission(permission, self.context))

    def can_modify(self):
        return self.has_permission("Modify portal content")

    # -- case --------------------------------------------------------------------------------
    def guard_case_close(self):
        return self.can_modify()

    def guard_case_reopen(self):
        return bool(self.roles() & CASE_REOPEN_ROLES)

    # -- activity ----------------------------------------------------------------------------
    def guard_activity_submit(self):
        return self.can_modify()

    def grant_rule(self, activities=None):
        return self.rule_for(self.user, activities or [self.context])

    def guard_activity_grant(self):
        return self.grant_rule().allowed()

    def guard_activity_reject(self):
        # Sending back is a decision too: it takes the competence the activity needs.
        return self.grant_rule().allowed()
