"""Who may take which transition: the rules behind the workflow guards.

Each guard id maps to one method; the methods ask plain questions (roles in context, permissions)
and, for approval, the engine's rule objects.
"""

from plone import api

LEADER_ROLES = {"Manager", "Site Administrator", "BOSTeamLeader", "BOSSectionLeader"}
CASE_EDITOR_ROLES = LEADER_ROLES | {"BOSCaseWorker"}


class TransitionController:
    def __init__(self, context, user):
        self.context = context
        self.user = user

    def allowed(self, guard_id):
        check = getattr(self, f"guard_{guard_id}", None)
        return bool(check and check())

    def roles(self):
        return set(self.user.getRolesInContext(self.context))

    def can_modify(self):
        return bool(
            api.user.has_permission("Modify portal content", user=self.user, obj=self.context)
        )

    # -- case --------------------------------------------------------------------------------
    def guard_case_close(self):
        return self.can_modify()

    def guard_case_reopen(self):
        return bool(self.roles() & CASE_EDITOR_ROLES)

    # -- activity ----------------------------------------------------------------------------
    def guard_activity_submit(self):
        return self.can_modify()

    def guard_activity_grant(self):
        return bool(self.roles() & {"Manager", "BOSTeamLeader"})

    def guard_activity_reject(self):
        return bool(self.roles() & LEADER_ROLES)
