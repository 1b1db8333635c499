"""The activity workflow's transitions, taken through the standard workflow (@workflow, the state
menu): refused before anything changes when the rules do not allow them, and completed the way
the decision operations complete them."""

from plone import api

from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.grant import is_deciding

MSG_REJECT_COMMENT = "Angiv en begrundelse for afvisningen."


def activity_before_transition(activity, event):
    """Refuse a transition the decision rules do not allow, before anything changes."""
    from Products.CMFCore.WorkflowCore import WorkflowException

    if event.transition is None or is_deciding():
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

    if event.transition is None or is_deciding():
        return
    transition = event.transition.id
    if transition == "grant":
        _grant_through_workflow(activity, event)
    elif transition == "submit":
        from zope.event import notify

        from os2bos_plone.adapters.lookup import appropriation_of
        from os2bos_plone.decisions.competence import required_level
        from os2bos_plone.decisions.events import ActivitiesSubmitted

        required = required_level([activity])
        activity.required_approval_level = required.key
        comment = (event.kwargs or {}).get("comment", "")
        notify(ActivitiesSubmitted(appropriation_of(activity), [activity], required, comment))


def _grant_through_workflow(activity, event, dry_run=False):
    from os2bos_plone.adapters.lookup import appropriation_of
    from os2bos_plone.decisions.competence import grant_rule

    user = api.user.get_current()
    level = grant_rule(user, [activity]).deciding_level
    return grant(
        appropriation_of(activity),
        [activity.UID()],
        level.key if level is not None else "",
        approval_note=(event.kwargs or {}).get("comment", ""),
        user=user,
        already_granted={activity.UID(): event.old_state.id},
        dry_run=dry_run,
    )
