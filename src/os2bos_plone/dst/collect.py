"""The cases and grants as the delivery's rules read them (engine.dst.DstGrant)."""

from datetime import date

from plone import api

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.adapters.lookup import granted_period
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.content.case import PARENT_RELATIONS
from os2bos_plone.engine.dst import HANDICAP
from os2bos_plone.engine.dst import PREVENTIVE
from os2bos_plone.engine.dst import DstGrant
from os2bos_plone.engine.dst import main_period
from os2bos_plone.engine.identifiers import InvalidIdentifier
from os2bos_plone.engine.identifiers import validate_cpr
from os2bos_plone.journal.history import case_history
from os2bos_plone.journal.storage import LOCAL_TIMEZONE

#: The section flag that puts a section's grants in each delivery.
SECTION_FLAGS = {PREVENTIVE: "dst_preventative_measures", HANDICAP: "dst_handicap"}

CASE_WORKER_LENGTH = 100


def _digits(cpr):
    try:
        return validate_cpr(cpr)
    except InvalidIdentifier:
        return ""


def parent_cpr(case):
    """The CPR number (10 digits) of the case's first mother or father, or ""."""
    for row in getattr(case, "related_persons", None) or []:
        if row.get("relation") in PARENT_RELATIONS:
            digits = _digits(row.get("cpr"))
            if digits:
                return digits
    return ""


def acting_municipality_changed(case, from_date, to_date):
    """Whether the case's acting municipality changed from one municipality to another between
    the two days (local dates)."""
    for record in case_history(case):
        if record["field"] != "acting_municipality" or record["time"] is None:
            continue
        if record["old"] in (None, "") or record["old"] == record["new"]:
            continue  # the case's first value (made in the period) is no change
        when = record["time"]
        if when.tzinfo is None:
            when = when.replace(tzinfo=LOCAL_TIMEZONE)
        if from_date <= when.astimezone(LOCAL_TIMEZONE).date() <= to_date:
            return True
    return False


def grant_of(appropriation, case, section, changed=False):
    """The DstGrant of one appropriation, or None when no main activity is granted."""
    mains = [
        activity
        for activity in activities_of(appropriation)
        if activity.activity_type == "main" and status_of(activity) == "granted"
    ]
    if not mains:
        return None
    start, end = granted_period(appropriation)
    original = next((activity for activity in mains if not activity.modifies), mains[0])
    start, end = main_period(
        start,
        end,
        one_time=getattr(original, "payment_type", None) == "one_time",
        payment_date=getattr(original, "payment_date", None),
    )
    worker = getattr(case, "case_worker", None) or ""
    return DstGrant(
        sbsys_id=appropriation.sbsys_id or "",
        code=(getattr(section, "dst_code", None) or "").strip(),
        start=start,
        end=end,
        appropriated=tuple(
            activity.appropriation_date
            for activity in mains
            if isinstance(getattr(activity, "appropriation_date", None), date)
        ),
        child_cpr=_digits(case.cpr_number),
        parent_cpr=parent_cpr(case),
        case_worker=(user_name(worker) if worker else "")[:CASE_WORKER_LENGTH],
        case_changed=changed,
        case_uid=case.UID(),
    )


def reported_sections(kind):
    """{UID: section} of the sections whose grants the delivery reports."""
    flag = SECTION_FLAGS[kind]
    sections = {}
    for brain in api.content.find(portal_type="bos_section", unrestricted=True):
        section = brain._unrestrictedGetObject()
        if getattr(section, flag, False):
            sections[brain.UID] = section
    return sections


def grants(kind, from_date, to_date, initial_load):
    """The candidate grants of one delivery: every appropriation under a section reported in
    it (the rules in engine.dst decide which are reported). Only those sections' appropriations
    are read (the catalog's bos_section index)."""
    sections = reported_sections(kind)
    if not sections:
        return []
    changed = {}
    result = []
    brains = api.content.find(
        portal_type="bos_appropriation", bos_section=list(sections), unrestricted=True
    )
    for brain in brains:
        appropriation = brain._unrestrictedGetObject()
        section = sections.get(getattr(appropriation, "section", None))
        if section is None:
            continue
        case = case_of(appropriation)
        if case is None:
            continue
        case_uid = case.UID()
        if case_uid not in changed:
            changed[case_uid] = not initial_load and acting_municipality_changed(
                case, from_date, to_date
            )
        grant = grant_of(appropriation, case, section, changed[case_uid])
        if grant is not None:
            result.append(grant)
    return result
