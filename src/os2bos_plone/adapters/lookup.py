"""Where an object sits: its case, appropriation, activities and state; user names.

One copy of each lookup for the whole product (cases, grants, the journal, letters and mails)."""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api
from plone.uuid.interfaces import IUUID

ACTIVITY_TYPE = "bos_activity"


APPROPRIATION_TYPE = "bos_appropriation"


CASE_TYPE = "bos_case"


def status_of(activity):
    return api.content.get_state(activity, default="draft")


def main_activity_of(appropriation):
    """The appropriation's main activity that is not an adjustment of another, if any."""
    for activity in activities_of(appropriation):
        if activity.activity_type == "main" and not activity.modifies:
            return activity
    return None


def appropriation_status(appropriation):
    """Derived: "expected" if any activity is expected, else "granted" if any is granted, else
    "draft" (spec 1.5)."""
    states = {status_of(activity) for activity in activities_of(appropriation)}
    for state in ("expected", "granted"):
        if state in states:
            return state
    return "draft"


def granted_period(appropriation):
    """(from, to): the start of the granted main activity that adjusts nothing, and the end of
    the granted main activity no granted adjustment replaces (the last of the chain)."""
    mains = [
        activity
        for activity in activities_of(appropriation)
        if activity.activity_type == "main" and status_of(activity) == "granted"
    ]
    replaced = {activity.modifies for activity in mains if activity.modifies}
    first = next((activity for activity in mains if not activity.modifies), None)
    last = [activity for activity in mains if IUUID(activity) not in replaced]
    return (
        first.start_date if first is not None else None,
        last[-1].end_date if last else None,
    )


def activities_of(appropriation):
    return [
        obj
        for obj in appropriation.objectValues()
        if getattr(obj, "portal_type", None) == ACTIVITY_TYPE
    ]


CASE_TYPE = "bos_case"


ACTIVITY_TYPE = "bos_activity"


APPROPRIATION_TYPE = "bos_appropriation"


def case_of(obj):
    """The case an object lives in (the object itself for a case), or None."""
    current = aq_inner(obj)
    while current is not None:
        if getattr(aq_base(current), "portal_type", None) == CASE_TYPE:
            return current
        current = aq_parent(current)
    return None


def appropriation_of(obj):
    current = aq_inner(obj)
    while current is not None:
        portal_type = getattr(aq_base(current), "portal_type", None)
        if portal_type == APPROPRIATION_TYPE:
            return current
        if portal_type == CASE_TYPE:
            return None
        current = aq_parent(current)
    return None


def user_name(user_id):
    """The full name of a user id, or the id itself."""
    if not user_id:
        return ""
    member = api.user.get(userid=user_id)
    name = member.getProperty("fullname", "") if member is not None else ""
    return name or user_id


def selected_activities(appropriation, uids):
    """The activities ``uids`` of ``appropriation``, in the order asked; None for a UID that is
    not one of its activities (a decision takes activities of one appropriation only)."""
    by_uid = {IUUID(activity): activity for activity in activities_of(appropriation)}
    return [by_uid.get(uid) for uid in uids]
