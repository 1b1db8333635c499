"""Rejecting submitted activities back to draft, with a reason."""

from plone import api
from plone.uuid.interfaces import IUUID

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import status_of

MSG_NOT_EXPECTED = "Ydelsen »{title}« afventer ikke godkendelse og kan ikke afvises."


def reject(appropriation, uids, comment, user=None):
    """Send submitted (expected) activities back to draft, with the reason in ``comment``.

    Rejecting is a decision: it takes the competence the activities need together (the same
    rule as the workflow's reject guard, which checks each activity again). Returns the errors;
    nothing changes when there is one."""
    from os2bos_plone.decisions.competence import required_level
    from os2bos_plone.decisions.competence import user_levels
    from os2bos_plone.engine.approval import RejectRule

    user = user or api.user.get_current()
    by_uid = {IUUID(a): a for a in activities_of(appropriation)}
    errors = []
    objs = []
    for uid in uids:
        obj = by_uid.get(uid)
        if obj is None:
            errors.append("Du kan kun afvise ydelser på samme bevilling")
        elif status_of(obj) != "expected":
            errors.append(MSG_NOT_EXPECTED.format(title=obj.Title()))
        else:
            objs.append(obj)
    if not uids:
        errors.append("Angiv mindst én ydelse")
    if objs:
        rule = RejectRule(comment, required_level(objs), user_levels(user, objs[0]))
        if not rule.allowed():
            errors.append(rule.reason())
    elif not (comment or "").strip():
        errors.append(RejectRule.MISSING_COMMENT)
    if errors:
        return errors
    for obj in objs:
        api.content.transition(obj=obj, transition="reject", comment=comment.strip())
    return []
