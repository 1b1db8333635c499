"""Approval competence on the site: which level a decision needs, which levels a user holds.

The rules themselves are the engine's (os2bos_plone.engine.approval); this module only gathers
the inputs from content: the appropriation's section, the services, the annual cost, the user's
roles on the case.
"""

from plone import api

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.plans import plan_of
from os2bos_plone.classification.reader import approval_levels
from os2bos_plone.classification.reader import approval_rules
from os2bos_plone.classification.reader import by_key as classification_item
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.classification.reader import required_level as level_for_measure
from os2bos_plone.engine import clock
from os2bos_plone.engine.approval import GrantRule
from os2bos_plone.engine.approval import committee_decision_errors
from os2bos_plone.engine.approval import explain_required_level
from os2bos_plone.engine.approval import levels_for_roles
from os2bos_plone.engine.costs import annual_cost
from os2bos_plone.engine.costs import measure_payments
from os2bos_plone.engine.costs import peak_twelve_months


def activity_annual_cost(activity, when=None):
    return annual_cost(plan_of(activity, activity), when or clock.today())


def measure_annual_cost(appropriation, deciding=(), when=None):
    """The annual cost of the measure as a whole: the most expensive twelve months of the
    appropriation's running activities and the ones being decided, together. Splitting a measure
    into supplements does not dodge a cost rule, nor does a cheap start; an activity replaced by
    an adjustment being decided counts once."""
    when = when or clock.today()
    deciding_uids = {activity.UID() for activity in deciding}
    replaced = {activity.modifies for activity in deciding if activity.modifies}
    payments = []
    for activity in activities_of(appropriation):
        uid = activity.UID()
        counted = uid in deciding_uids or status_of(activity) in ("granted", "expected")
        if counted and uid not in replaced and not _is_replaced(activity, appropriation):
            payments.extend(measure_payments(plan_of(activity, activity), when))
    return peak_twelve_months(payments)


def planned_annual_cost(appropriation, plan, modifies=None, when=None):
    """:func:`measure_annual_cost` with an unsaved plan as the activity being decided (the live
    preview): the appropriation's running activities and the plan together; the activity the
    plan adjusts (``modifies``) counts no more."""
    when = when or clock.today()
    payments = list(measure_payments(plan, when))
    for activity in activities_of(appropriation):
        uid = activity.UID()
        if status_of(activity) not in ("granted", "expected") or uid == modifies:
            continue
        if not _is_replaced(activity, appropriation):
            payments.extend(measure_payments(plan_of(activity, activity), when))
    return peak_twelve_months(payments)


def planned_level(appropriation, service_uid, plan, modifies=None, when=None):
    """``(match, cost)``: the level an unsaved plan under ``appropriation`` will need and why
    (engine.approval.explain_required_level), and the measure's annual cost it was given."""
    section = by_uid(getattr(appropriation, "section", None))
    section_key = section.key if section is not None else None
    service = by_uid(service_uid) if service_uid else None
    service_id = service.service_id if service is not None else ""
    cost = planned_annual_cost(appropriation, plan, modifies=modifies, when=when)
    match = explain_required_level(
        approval_rules(), approval_levels(), section_key, service_id, cost
    )
    return match, cost


def _is_replaced(activity, appropriation):
    """A granted activity already replaced by a granted adjustment no longer runs."""
    uid = activity.UID()
    return any(
        other.modifies == uid and status_of(other) == "granted"
        for other in activities_of(appropriation)
    )


def required_level(activities, when=None):
    """The level a decision on these activities (of one appropriation) needs: the highest the
    rules demand for any of them, given the measure's annual cost."""
    return required_level_and_cost(activities, when)[0]


def required_level_and_cost(activities, when=None):
    """``(level, cost)``: :func:`required_level` and the measure's annual cost the rules were
    given (a submission keeps the cost, so "Til godkendelse" shows the figure the rule used)."""
    activities = list(activities)
    appropriation = appropriation_of(activities[0])
    section = by_uid(getattr(appropriation, "section", None))
    section_key = section.key if section is not None else None
    cost = measure_annual_cost(appropriation, deciding=activities, when=when)
    levels = []
    for activity in activities:
        service = by_uid(activity.service)
        service_id = service.service_id if service is not None else ""
        levels.append(level_for_measure(section_key, service_id, cost))
    return max(levels, key=lambda level: level.rank), cost


def level_reason(activities, when=None):
    """Why a decision on these activities needs :func:`required_level`: ``(match, cost,
    activity)`` with the engine's RuleMatch (level, matched rule, its row index) of the activity
    whose level is the highest (the first among equals, as in :func:`required_level`), the
    measure's annual cost the rules were given and that activity."""
    activities = list(activities)
    appropriation = appropriation_of(activities[0])
    section = by_uid(getattr(appropriation, "section", None))
    section_key = section.key if section is not None else None
    cost = measure_annual_cost(appropriation, deciding=activities, when=when)
    rules, levels = approval_rules(), approval_levels()
    best = None
    for activity in activities:
        service = by_uid(activity.service)
        service_id = service.service_id if service is not None else ""
        match = explain_required_level(rules, levels, section_key, service_id, cost)
        if best is None or match.level.rank > best[0].level.rank:
            best = (match, activity)
    return best[0], cost, best[1]


def user_levels(user, context):
    """The approval levels the user holds on this object (global and local roles).

    A Manager holds every level: the site's administrator can always act."""
    levels = approval_levels()
    roles = set(user.getRolesInContext(context))
    if "Manager" in roles:
        return levels
    return levels_for_roles(levels, roles)


def grant_rule(user, activities, when=None):
    activities = list(activities)
    return GrantRule(required_level(activities, when), user_levels(user, activities[0]))


def awaiting(user):
    """What awaits this user's decision ("Til godkendelse"): expected activities the user may
    read and whose required level the user can decide, from catalog brains only.

    Competence per brain: the user's global roles, plus BOS Teamleder on the teams the user leads
    (the same rule as os2bos_plone.localroles)."""

    levels = approval_levels()
    by_key = {level.key: level for level in levels}
    global_roles = set(user.getRoles())
    user_id = user.getId()
    led_teams = {row["key"] for row in list_rows("teams") if row.get("leader") == user_id}
    brains = api.content.find(
        portal_type="bos_activity",
        review_state="expected",
        sort_on="modified",
        sort_order="reverse",
    )
    result = []
    for brain in brains:
        required = by_key.get(brain.bos_required_level)
        if required is None:
            continue
        roles = set(global_roles)
        if brain.bos_team in led_teams:
            roles.add("BOSTeamLeader")
        held = levels if "Manager" in roles else levels_for_roles(levels, roles)
        if any(level.rank >= required.rank for level in held):
            result.append((brain, required))
    return result


MSG_LEVEL_REQUIRED = "Angiv venligst bevillingskompetence"


MSG_LEVEL_UNKNOWN = "Bevillingskompetencen »{key}« findes ikke"


MSG_LEVEL_INACTIVE = "Bevillingskompetencen »{title}« er ikke længere aktiv"


def approval_level_errors(token):
    if not token:
        return [MSG_LEVEL_REQUIRED], None
    level = classification_item("bos_approval_level", token)
    if level is None:
        return [MSG_LEVEL_UNKNOWN.format(key=token)], None
    if not getattr(level, "active", True):
        return [MSG_LEVEL_INACTIVE.format(title=level.title)], None
    return [], level


MSG_LEVEL_TOO_LOW = (
    "Bevillingsniveauet »{given}« er lavere end det niveau, ydelserne kræver: »{required}«."
)


MSG_LEVEL_NOT_HELD = "Du har ikke bevillingskompetence på niveauet »{given}«."


def competence_errors(
    user, objs, approval_level, meeting_date, decision_reference, decision_text, today
):
    """The approval rules: the user must hold a level at or above the required one, the
    recorded level must be one of theirs and high enough, and a committee decision needs its
    meeting date and reference. Returns (errors, forbidden_reason, rule)."""
    rule = grant_rule(user, objs, when=today)
    if not rule.allowed():
        return [], rule.reason(), rule
    held = {level.key for level in rule.user_levels}
    given = {level.key: level for level in approval_levels()}.get(approval_level)
    if given is not None and given.rank < rule.required.rank:
        too_low = MSG_LEVEL_TOO_LOW.format(given=given.title, required=rule.required.title)
        return [too_low], None, rule
    if given is None or given.key not in held:
        return [MSG_LEVEL_NOT_HELD.format(given=approval_level)], None, rule
    errors = []
    if given.committee:
        errors = committee_decision_errors(
            given, meeting_date, decision_reference, decision_text, today=today
        )
    return errors, None, rule
