"""Who is responsible for a case decides who sees it."""

from plone import api
from zope.container.interfaces import IContainerModifiedEvent


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
    """Case worker and team decide who sees the case: re-catalog its security when they change.

    An object added to or removed from the case (a grant, a letter) changes neither: without
    this check every letter re-catalogued the security of everything the case holds."""
    if IContainerModifiedEvent.providedBy(event):
        return
    changed = set()
    for description in getattr(event, "descriptions", ()) or ():
        changed.update(name.split(".")[-1] for name in getattr(description, "attributes", ()))
    if not changed or changed & {"case_worker", "team"}:
        case.reindexObjectSecurity()
