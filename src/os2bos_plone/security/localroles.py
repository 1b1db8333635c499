"""Who works on a case follows from the case itself, not from manual sharing.

A case's case worker, the members of its team's group and the team's leader get the local role
BOS Sagens team (BOSCaseTeam): read and edit the case. The team leader also holds BOS Teamleder on
the team's cases, which gives teamleder competence there. The leader of the team's afsnit (the
regelmotor's list ``units``) gets BOS Læser af sagen (BOSCaseReader): read only; so does the
committee secretaries' group while the case is before the committee (``before_committee``, kept by
security.committee). Global roles (groups) say what job a user has; this adapter says on which
cases they do it.

Security checks call this often: it reads the case's own attributes and the regelmotor's lists
only, never the catalog or the case's activities.
"""

from borg.localrole.interfaces import ILocalRoleProvider
from zope.component import adapter
from zope.interface import implementer

from os2bos_plone.classification.reader import list_row
from os2bos_plone.content.case import ICase
from os2bos_plone.security.committee import before_committee
from os2bos_plone.security.roles import CASE_READER_ROLE
from os2bos_plone.security.teams import team_group_id

CASE_TEAM_ROLE = "BOSCaseTeam"
TEAM_LEADER_ROLE = "BOSTeamLeader"
COMMITTEE_GROUP = "bos_committee_secretaries"


@implementer(ILocalRoleProvider)
@adapter(ICase)
class CaseLocalRoles:
    def __init__(self, context):
        self.context = context

    def _assignments(self):
        assignments = {}
        case_worker = getattr(self.context, "case_worker", None)
        if case_worker:
            assignments.setdefault(case_worker, set()).add(CASE_TEAM_ROLE)
        team_key = getattr(self.context, "team", None)
        if team_key:
            assignments.setdefault(team_group_id(team_key), set()).add(CASE_TEAM_ROLE)
            team = list_row("teams", team_key) or {}
            leader = team.get("leader")
            if leader:
                assignments.setdefault(leader, set()).update({CASE_TEAM_ROLE, TEAM_LEADER_ROLE})
            unit = list_row("units", team["unit"]) if team.get("unit") else None
            unit_leader = (unit or {}).get("leader")
            if unit_leader:
                assignments.setdefault(unit_leader, set()).add(CASE_READER_ROLE)
        if before_committee(self.context):
            assignments.setdefault(COMMITTEE_GROUP, set()).add(CASE_READER_ROLE)
        return assignments

    def getRoles(self, principal_id):
        return tuple(self._assignments().get(principal_id, ()))

    def getAllRoles(self):
        for principal_id, roles in self._assignments().items():
            yield principal_id, tuple(roles)
