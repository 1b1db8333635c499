"""Submitting activities for approval (indstilling) at the level the rules require.

``submit`` = ``check_submit`` + ``apply_submit``; a bare ``submit`` transition (state menu,
script) is completed by the workflow dispatcher with the same two phases.
"""

from Acquisition import aq_base
from plone import api
from plone.uuid.interfaces import IUUID
from zope.event import notify

from os2bos_plone.adapters.lookup import selected_activities
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.decisions.competence import required_level_and_cost
from os2bos_plone.decisions.events import ActivitiesSubmitted
from os2bos_plone.decisions.transitions import take_transition
from os2bos_plone.engine.approval import SubmitRule

MSG_NOT_DRAFT = "Ydelsen »{title}«: {reason}"
MSG_MAY_NOT_SUBMIT = "Du har ikke adgang til at indstille ydelsen »{title}«."
MSG_OTHER_APPROPRIATION = "Du kan kun indstille ydelser på samme bevilling"
MSG_NONE = "Angiv mindst én ydelse"


def check_submit(appropriation, uids, user=None):
    """``(errors, activities)``: may ``user`` submit the activities ``uids``? Only drafts
    (engine.approval.SubmitRule) the user may edit; nothing changes."""
    user = user or api.user.get_current()
    errors = [] if uids else [MSG_NONE]
    objs = []
    for obj in selected_activities(appropriation, uids):
        if obj is None:
            errors.append(MSG_OTHER_APPROPRIATION)
            continue
        rule = SubmitRule(status_of(obj))
        if not rule.allowed():
            errors.append(MSG_NOT_DRAFT.format(title=obj.Title(), reason=rule.reason()))
        elif not api.user.has_permission("Modify portal content", user=user, obj=obj):
            errors.append(MSG_MAY_NOT_SUBMIT.format(title=obj.Title()))
        objs.append(obj)
    return errors, objs


def apply_submit(appropriation, objs, comment="", today=None, taken=()):
    """Record the required level and the measure's annual cost the rule was given on each
    activity (catalog columns "Til godkendelse" reads), take the ``submit`` transition
    (``taken``: UIDs that have taken it already) and tell the journal and the deciders once.
    Returns the required level."""
    required, cost = required_level_and_cost(objs, when=today)
    for obj in objs:
        obj.required_approval_level = required.key
        # The measure's annual cost as the rule saw it today: it depends on the day (an
        # open-ended plan is valued from it, prices and rates by date), so it is kept, not
        # computed again when "Til godkendelse" lists the activity (catalog column).
        obj.bos_submitted_annual_cost = cost
        if IUUID(obj) not in taken:
            take_transition(obj, "submit", comment)
    notify(ActivitiesSubmitted(appropriation, objs, required, comment or ""))
    return required


def submit(appropriation, uids, comment="", user=None, today=None):
    """Submit (indstil) draft activities for approval at the level the rules require.

    Returns (errors, required_level). Nothing changes when an error is found."""
    errors, objs = check_submit(appropriation, uids, user)
    if errors:
        return errors, None
    return [], apply_submit(appropriation, objs, comment, today)


def submission_of(activity):
    """(actor id, DateTime, comment) of the activity's last ``submit`` in its workflow history,
    or None: where the case worker's note of the submission is kept (decisions.submit passes
    it to the transition)."""
    histories = getattr(aq_base(activity), "workflow_history", None) or {}
    found = None
    for history in histories.values():
        for entry in history or ():
            if entry.get("action") == "submit" and (
                found is None or entry.get("time") >= found.get("time")
            ):
                found = entry
    if found is None:
        return None
    return found.get("actor"), found.get("time"), found.get("comments") or ""
