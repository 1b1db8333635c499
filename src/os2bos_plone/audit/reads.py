"""The doors' calls: log that the current user saw a case, searched by CPR or exported CPRs."""

from plone import api

from os2bos_plone.audit import log


def current_user():
    user = api.user.get_current()
    return user.getId() or user.getUserName() if user is not None else ""


def case_read(case, what, detail=""):
    """One entry: the current user saw ``case`` (a case object or a catalog brain)."""
    uid = case.UID() if callable(getattr(case, "UID", None)) else getattr(case, "UID", "")
    sbsys = getattr(case, "sbsys_id", None) or getattr(case, "bos_sbsys_id", None) or ""
    log.record(current_user(), what, case_uid=uid, case_sbsys=sbsys, detail=detail)


def cpr_search(cases, where):
    """A search by CPR number: one entry per case found (the CPR itself is not written), or one
    entry without a case when nothing was found."""
    found = list(cases)
    if not found:
        log.record(current_user(), "cpr_search", detail=f"{where}: ingen sager fundet")
        return
    for case in found:
        case_read(case, "cpr_search", detail=where)


def export(count, where):
    """An export holding CPR numbers: one entry with the number of cases in it."""
    log.record(current_user(), "export", detail=f"{where}: {count} sager")
