"""Which cases are before the committee: the committee secretaries read those (localroles).

A case is before the committee while one of its activities awaits a decision at a committee level
(expected, its required level is a committee level) or was decided at one (granted at a committee
level). The fact is stored on the case (``before_committee``) after each transition of an
activity, so that the local-role adapter reads one attribute and never the activities. Expected
and granted activities cannot be deleted (retention), so only a transition changes it.
"""

from Acquisition import aq_base

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.classification.reader import approval_levels

APPROPRIATION_TYPE = "bos_appropriation"


def before_committee(case):
    """The stored fact (the case's own attribute, never one acquired from a parent)."""
    return bool(getattr(aq_base(case), "before_committee", False))


def committee_level_keys():
    return {level.key for level in approval_levels() if level.committee}


def _activity_before_committee(activity, committee_levels):
    state = status_of(activity)
    if state == "expected":
        return getattr(activity, "required_approval_level", None) in committee_levels
    if state == "granted":
        return getattr(activity, "approval_level", None) in committee_levels
    return False


def is_before_committee(case, committee_levels=None):
    """True when an activity of the case awaits or holds a committee-level decision."""
    levels = committee_level_keys() if committee_levels is None else committee_levels
    if not levels:
        return False
    for appropriation in case.objectValues():
        if getattr(appropriation, "portal_type", None) != APPROPRIATION_TYPE:
            continue
        for activity in activities_of(appropriation):
            if _activity_before_committee(activity, levels):
                return True
    return False


def update_before_committee(case, committee_levels=None):
    """Store whether the case is before the committee; re-catalog its security only when that
    changed. Returns True when it changed."""
    if case is None:
        return False
    before = is_before_committee(case, committee_levels)
    if before_committee(case) == before:
        return False
    case.before_committee = before
    case.reindexObjectSecurity()
    return True


def activity_transition_taken(activity, taken):
    """After-transition step (workflows.actions): the activity's case may have come before the
    committee (submitted or granted at a committee level) or left it (sent back)."""
    update_before_committee(case_of(activity))
