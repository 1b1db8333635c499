"""Submitting activities for approval (indstilling) at the level the rules require."""

from plone import api
from plone.uuid.interfaces import IUUID
from zope.event import notify

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.decisions.events import ActivitiesSubmitted
from os2bos_plone.decisions.grant import _deciding
from os2bos_plone.decisions.grant import deciding

MSG_NOT_DRAFT = "Ydelsen »{title}« er ikke en kladde og kan ikke indstilles."


MSG_MAY_NOT_SUBMIT = "Du har ikke adgang til at indstille ydelsen »{title}«."


def submit(appropriation, uids, comment="", user=None, today=None):
    """Submit (indstil) draft activities for approval at the level the rules require.

    Returns (errors, required_level). Nothing changes when an error is found."""
    from os2bos_plone.decisions.competence import required_level

    user = user or api.user.get_current()
    by_uid = {IUUID(a): a for a in activities_of(appropriation)}
    errors = []
    objs = []
    for uid in uids:
        obj = by_uid.get(uid)
        if obj is None:
            errors.append("Du kan kun indstille ydelser på samme bevilling")
            continue
        if status_of(obj) != "draft":
            errors.append(MSG_NOT_DRAFT.format(title=obj.Title()))
        elif not api.user.has_permission("Modify portal content", user=user, obj=obj):
            errors.append(MSG_MAY_NOT_SUBMIT.format(title=obj.Title()))
        objs.append(obj)
    if not uids:
        errors.append("Angiv mindst én ydelse")
    if errors:
        return errors, None
    required = required_level(objs, when=today)
    token = deciding()
    try:
        for obj in objs:
            obj.required_approval_level = required.key
            api.content.transition(obj=obj, transition="submit", comment=comment or "")
    finally:
        _deciding.reset(token)
    notify(ActivitiesSubmitted(appropriation, objs, required, comment or ""))
    return [], required
