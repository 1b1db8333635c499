"""Event subscribers: side effects of edits live here, not in views or content classes."""

from plone import api

TEAM_GROUP_PREFIX = "bos_team_"


def team_group_id(team_key):
    return f"{TEAM_GROUP_PREFIX}{team_key}"


def sync_team_groups(container, event=None):
    """Every team row has a group of its members; titles follow the rows. Groups are not deleted
    when a row goes (membership is history an administrator removes deliberately).

    A team's leader holds roles on the team's cases (os2bos_plone.localroles), so a new leader
    means new security on those cases."""
    leaders = {row["key"]: row.get("leader") for row in getattr(container, "teams", None) or []}
    previous = getattr(container, "_bos_team_leaders", None) or {}
    if leaders != previous:
        container._bos_team_leaders = leaders
        changed = {
            key for key in leaders.keys() | previous.keys() if leaders.get(key) != previous.get(key)
        }
        for brain in api.content.find(
            portal_type="bos_case", bos_team=list(changed), unrestricted=True
        ):
            brain._unrestrictedGetObject().reindexObjectSecurity()
    for row in getattr(container, "teams", None) or []:
        group_id = team_group_id(row["key"])
        title = f"Team: {row['title']}"
        group = api.group.get(groupname=group_id)
        if group is None:
            api.group.create(groupname=group_id, title=title)
        elif group.getProperty("title") != title:
            group.setGroupProperties({"title": title})


# -- activities: payments and totals follow every change -------------------------------------


def activity_changed(activity, event=None):
    from os2bos_plone.activities import appropriation_of
    from os2bos_plone.activities import refresh_payments
    from os2bos_plone.activities import refresh_totals

    refresh_payments(activity)
    appropriation = appropriation_of(activity)
    if appropriation is not None:
        refresh_totals(appropriation)
    activity.reindexObject()


def activity_removed(activity, event):
    from os2bos_plone.activities import refresh_totals

    appropriation = event.oldParent
    if getattr(appropriation, "portal_type", None) == "bos_appropriation":
        refresh_totals(appropriation)


def case_added(case, event):
    """The creator becomes the case worker when none is given (a site user, not the Zope root
    administrator), stored once."""
    if getattr(case, "case_worker", None):
        return
    user = api.user.get_current()
    user_id = None if user is None else user.getId()
    if user_id and api.user.get(userid=user_id) is not None:
        case.case_worker = user_id
        case.reindexObject()
        case.reindexObjectSecurity()


def case_modified(case, event):
    """Case worker and team decide who sees the case: re-catalog its security when they change."""
    changed = set()
    for description in getattr(event, "descriptions", ()) or ():
        changed.update(name.split(".")[-1] for name in getattr(description, "attributes", ()))
    if not changed or changed & {"case_worker", "team"}:
        case.reindexObjectSecurity()


# -- decisions taken through the standard workflow (@workflow, the state menu) ----------------

MSG_REJECT_COMMENT = "Angiv en begrundelse for afvisningen."


def activity_before_transition(activity, event):
    """Refuse a transition the decision rules do not allow, before anything changes."""
    from Products.CMFCore.WorkflowCore import WorkflowException

    from os2bos_plone import grants

    if event.transition is None or grants.is_deciding():
        return
    transition = event.transition.id
    if transition == "reject" and not (event.kwargs or {}).get("comment", "").strip():
        raise WorkflowException(MSG_REJECT_COMMENT)
    if transition == "grant":
        result = _grant_through_workflow(activity, event, dry_run=True)
        if result.errors:
            raise WorkflowException(" ".join(result.errors))


def activity_after_transition(activity, event):
    """Complete a decision taken through the standard workflow the way @bos-grant/@bos-submit do:
    approval data, merges, letter and journal (grant); required level and notice (submit)."""
    from os2bos_plone import grants

    if event.transition is None or grants.is_deciding():
        return
    transition = event.transition.id
    if transition == "grant":
        _grant_through_workflow(activity, event)
    elif transition == "submit":
        from zope.event import notify

        from os2bos_plone.activities import appropriation_of
        from os2bos_plone.approvals import required_level
        from os2bos_plone.events import ActivitiesSubmitted

        required = required_level([activity])
        activity.required_approval_level = required.key
        comment = (event.kwargs or {}).get("comment", "")
        notify(ActivitiesSubmitted(appropriation_of(activity), [activity], required, comment))


def _grant_through_workflow(activity, event, dry_run=False):
    from os2bos_plone import grants
    from os2bos_plone.activities import appropriation_of
    from os2bos_plone.approvals import grant_rule

    user = api.user.get_current()
    level = grant_rule(user, [activity]).deciding_level
    return grants.grant(
        appropriation_of(activity),
        [activity.UID()],
        level.key if level is not None else "",
        approval_note=(event.kwargs or {}).get("comment", ""),
        user=user,
        already_granted={activity.UID(): event.old_state.id},
        dry_run=dry_run,
    )
