"""1004 -> 1005: section leaders and committee secretaries read only the cases that are theirs.

Until 1004 the global roles BOS Afsnitsleder and BOS Udvalgssekretær read every case. From 1005
the local role BOS Læser af sagen (BOSCaseReader, given by security.localroles) reads a case: the
leader of the afsnit of the case's team holds it, and so does the committee secretaries' group
while the case is before the committee. This step

* adds the role to the site;
* in the permission maps of the case and activity workflows, replaces the two global roles by
  the new role for reading (View, Access contents information, List folder contents) *in place*:
  the definitions are not imported again, so an administrator's other changes are kept;
* adds the empty list of afsnit (``units``) to the regelmotor;
* stores on every case whether it is before the committee, updates the role mappings of the case
  and its content and re-catalogs their security, in batches of ``BATCH`` with a commit after
  each (``checkpoint``).

Running it again changes nothing more.
"""

import logging

import transaction
from Acquisition import aq_base
from plone import api

from os2bos_plone.classification.reader import regelmotor
from os2bos_plone.security.committee import committee_level_keys
from os2bos_plone.security.committee import is_before_committee
from os2bos_plone.security.roles import CASE_READER_ROLE
from os2bos_plone.security.teams import team_unit_leaders

logger = logging.getLogger("os2bos_plone.upgrades.v1005")

BATCH = 200
WORKFLOWS = ("bos_case_workflow", "bos_activity_workflow")
READ_PERMISSIONS = ("View", "Access contents information", "List folder contents")
GLOBAL_READERS = ("BOSSectionLeader", "BOSCommitteeSecretary")


def commit():
    transaction.commit()


#: Called after every batch; the tests replace it with a savepoint.
checkpoint = commit


def add_case_reader_role():
    """Returns True when the role was added."""
    portal = api.portal.get()
    if CASE_READER_ROLE in portal.valid_roles():
        return False
    portal._addRole(CASE_READER_ROLE)
    return True


def update_permission_maps():
    """Reading cases and activities: the global section leader and committee secretary roles
    give way to the local case reader role, state by state. Returns the changed
    (workflow, state, permission) triples."""
    tool = api.portal.get_tool("portal_workflow")
    changed = []
    for workflow_id in WORKFLOWS:
        workflow = tool.getWorkflowById(workflow_id)
        if workflow is None:
            continue
        for state in workflow.states.objectValues():
            for permission in READ_PERMISSIONS:
                if permission not in workflow.permissions:
                    continue
                roles = (state.permission_roles or {}).get(permission)
                if roles is None or not set(roles) & set(GLOBAL_READERS):
                    continue
                acquired = isinstance(roles, list)
                kept = [role for role in roles if role not in GLOBAL_READERS]
                if CASE_READER_ROLE not in kept:
                    kept.append(CASE_READER_ROLE)
                state.setPermission(permission, acquired, kept)
                changed.append((workflow_id, state.getId(), permission))
    return changed


def add_units_list():
    """The regelmotor's list of afsnit, empty; teams keep their rows (no afsnit yet)."""
    container = regelmotor()
    if container is None:
        return False
    added = getattr(container, "units", None) is None
    if added:
        container.units = []
    container._bos_team_unit_leaders = team_unit_leaders(container)
    return added


def _update_role_mappings(case, workflow_tool):
    """The role mappings of the case and everything in it, as its state's map now says."""
    objects = [case]
    while objects:
        obj = objects.pop()
        for workflow in workflow_tool.getWorkflowsFor(obj):
            if workflow.getId() in WORKFLOWS:
                workflow.updateRoleMappingsFor(obj)
        if getattr(obj, "isPrincipiaFolderish", False):
            objects.extend(obj.objectValues())


def update_cases(batch=BATCH, progress=None, after_batch=None):
    """Every case: its committee flag, its role mappings and its catalogued security."""
    progress = progress or logger.info
    after_batch = after_batch or checkpoint
    workflow_tool = api.portal.get_tool("portal_workflow")
    levels = committee_level_keys()
    paths = [
        brain.getPath() for brain in api.content.find(portal_type="bos_case", unrestricted=True)
    ]
    portal = api.portal.get()
    before = 0
    for number, path in enumerate(paths, start=1):
        case = portal.unrestrictedTraverse(path, None)
        if case is not None:
            flag = is_before_committee(case, levels)
            if getattr(aq_base(case), "before_committee", None) is not flag:
                case.before_committee = flag
            before += flag
            _update_role_mappings(case, workflow_tool)
            case.reindexObjectSecurity()
        if number % batch == 0 or number == len(paths):
            after_batch()
            progress(
                f"Sagernes læseadgang: {number} af {len(paths)} sager opdateret, "
                f"{before} for udvalget"
            )
    return len(paths), before


def upgrade(context):
    """The GenericSetup upgrade handler (registered in configure.zcml)."""
    if add_case_reader_role():
        logger.info("Rollen BOS Læser af sagen er tilføjet")
    for workflow_id, state_id, permission in update_permission_maps():
        logger.info(f"{workflow_id}/{state_id}: {permission} læses nu med BOS Læser af sagen")
    if add_units_list():
        logger.info("Regelmotorens liste over afsnit er tilføjet")
    update_cases()
    logger.warning(
        "Afsnitsledere læser nu kun sagerne i de afsnit, de leder: opret afsnittene i regelmotoren "
        "(listen Afsnit, med leder) og angiv hvert teams afsnit. Udvalgssekretærer skal være "
        "medlemmer af gruppen bos_committee_secretaries."
    )
