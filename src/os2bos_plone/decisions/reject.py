"""Rejecting submitted activities back to draft, with a reason.

``reject`` = ``check_reject`` + the ``reject`` transitions. The transition's own effects (its
journal entry, the mail to the case worker) follow every ``reject`` transition, through the
workflow dispatcher (os2bos_plone.workflows.actions), so a bare transition has them too.
"""

from plone import api

from os2bos_plone.adapters.lookup import selected_activities
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.decisions.competence import required_level
from os2bos_plone.decisions.competence import user_levels
from os2bos_plone.decisions.transitions import take_transition
from os2bos_plone.engine.approval import RejectRule

MSG_NOT_EXPECTED = "Ydelsen »{title}« afventer ikke godkendelse og kan ikke afvises."
MSG_OTHER_APPROPRIATION = "Du kan kun afvise ydelser på samme bevilling"
MSG_NONE = "Angiv mindst én ydelse"


def check_reject(appropriation, uids, comment, user=None):
    """``(errors, activities)``: rejecting is a decision, so it takes the competence the
    activities need together (engine.approval.RejectRule, as the workflow's reject guard checks
    for each activity) and always a reason. Nothing changes."""
    user = user or api.user.get_current()
    errors = [] if uids else [MSG_NONE]
    objs = []
    for obj in selected_activities(appropriation, uids):
        if obj is None:
            errors.append(MSG_OTHER_APPROPRIATION)
        elif status_of(obj) != "expected":
            errors.append(MSG_NOT_EXPECTED.format(title=obj.Title()))
        else:
            objs.append(obj)
    if objs:
        rule = RejectRule(comment, required_level(objs), user_levels(user, objs[0]))
    else:
        rule = RejectRule(comment)
    if not rule.allowed():
        errors.append(rule.reason())
    return errors, objs


def reject(appropriation, uids, comment, user=None):
    """Send submitted (expected) activities back to draft with the reason ``comment``.
    Returns the errors; nothing changes when there is one."""
    errors, objs = check_reject(appropriation, uids, comment, user)
    if errors:
        return errors
    for obj in objs:
        take_transition(obj, "reject", comment.strip())
    return []
