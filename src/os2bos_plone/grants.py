"""Granting (bevilling) the activities of an appropriation, and creating expected adjustments.

The checks and effects are decided by the plain-Python planner (``engine.grant.plan_grant``) on a
snapshot of the appropriation; this module builds the snapshot from content, reads the
regelmotor for the catalogue rules, and applies the plan in the documented order:

1. expected adjustments are merged: the adjustment takes over the original's payment id, the
   activities the plan supersedes are deleted, the adjustment points at what is left, and what
   is left ends the day before the adjustment starts (its unpaid payments after that go; paid
   payments are never removed);
2. supplementary end dates are capped to the main activity's end;
3. every activity of the grant takes the ``grant`` workflow transition (already granted ones are
   re-granted: only the approval data changes) and records approval level, note, user and the
   appropriation date (today).

Nothing changes when any rule is broken: all checks run before the first change.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field
from types import SimpleNamespace

from Acquisition import aq_base
from plone import api
from plone.uuid.interfaces import IUUID
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone import activities
from os2bos_plone import classification
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.grant import ActivitySnapshot
from os2bos_plone.engine.grant import AppropriationSnapshot
from os2bos_plone.engine.grant import plan_grant
from os2bos_plone.engine.validation import FieldError
from os2bos_plone.events import ActivitiesGranted
from os2bos_plone.events import ActivitiesSubmitted

MSG_LEVEL_REQUIRED = "Angiv venligst bevillingskompetence"
MSG_LEVEL_UNKNOWN = "Bevillingskompetencen »{key}« findes ikke"
MSG_LEVEL_INACTIVE = "Bevillingskompetencen »{title}« er ikke længere aktiv"
MSG_PAID_SUPERSEDED = (
    "Ydelsen »{title}« har betalte betalinger og kan ikke erstattes helt af den forventede "
    "justering, der starter {start}."
)

MSG_ADJUST_NOT_GRANTED = "Der kan kun laves en forventet justering af en bevilget ydelse"
MSG_ADJUST_EXISTS = "Ydelsen har allerede en forventet justering"
MSG_ADJUST_START_REQUIRED = "Angiv startdatoen for den forventede justering"
MSG_ADJUST_FIXED = "Ydelse og ydelsestype kan ikke ændres i en forventet justering"

#: Fields an expected adjustment may not change (they identify what is adjusted).
ADJUSTMENT_FIXED_FIELDS = ("service", "activity_type", "modifies")


# -- the regelmotor as the planner's catalogue rules -------------------------------------------


class ContentCatalogueRules:
    """Which services a section allows, read from the service rows (by section key)."""

    def __init__(self):
        self._services = {}

    def _service(self, service_id):
        if service_id not in self._services:
            self._services[service_id] = classification.by_key("bos_service", service_id)
        return self._services[service_id]

    def _row(self, section_key, service_id):
        service = self._service(service_id)
        for row in getattr(service, "sections", None) or []:
            if row.get("section") == section_key:
                return service, row
        return service, None

    def allowed_as_main(self, section_key, service_id):
        _service, row = self._row(section_key, service_id)
        return bool(row and row.get("main"))

    def allowed_as_supplementary(self, section_key, service_id, main_service_id):
        service, row = self._row(section_key, service_id)
        if not (row and row.get("supplementary")):
            return False
        return main_service_id in set(service.follows_main_services or [])


# -- snapshots -----------------------------------------------------------------------------------


def _service_id(uid):
    service = classification.by_uid(uid)
    return service.service_id if service is not None else (uid or "")


def activity_snapshot(activity, status=None):
    """The planner's view of an activity. In the planner (as in OS2BOS) "expected" means an
    expected adjustment; here a new activity may also be submitted for approval (draft ->
    expected) without adjusting anything, which the planner must see as a draft.
    ``status`` overrides the workflow state (an activity that has just taken the transition)."""
    individual = activity.payment_type == "individual"
    status = status or activities.status_of(activity)
    if status == "expected" and not activity.modifies:
        status = "draft"
    return ActivitySnapshot(
        uid=IUUID(activity),
        activity_type=activity.activity_type or "",
        status=status,
        service_id=_service_id(activity.service),
        start_date=activity.start_date,
        end_date=activity.end_date,
        payment_type=activity.payment_type or "",
        payment_date=activity.payment_date,
        modifies=activity.modifies or None,
        recipient_type=activity.recipient_type or "",
        recipient_name=activity.recipient_name or "",
        has_service_provider=bool(activity.service_provider),
        individual_payment_count=len(activities.stored_payments(activity)) if individual else 0,
        fictive=bool(activity.fictive),
        title=activity.Title(),
    )


def appropriation_snapshot(appropriation, previous_states=None):
    section = classification.by_uid(appropriation.section)
    previous_states = previous_states or {}
    return AppropriationSnapshot(
        section_key=section.key if section is not None else None,
        activities=[
            activity_snapshot(a, previous_states.get(IUUID(a)))
            for a in activities.activities_of(appropriation)
        ],
    )


# -- granting ------------------------------------------------------------------------------------


@dataclass
class GrantResult:
    errors: list = field(default_factory=list)
    granted: list = field(default_factory=list)
    forbidden: bool = False

    @property
    def ok(self):
        return not self.errors


def approval_level_errors(token):
    if not token:
        return [MSG_LEVEL_REQUIRED], None
    level = classification.by_key("bos_approval_level", token)
    if level is None:
        return [MSG_LEVEL_UNKNOWN.format(key=token)], None
    if not getattr(level, "active", True):
        return [MSG_LEVEL_INACTIVE.format(title=level.title)], None
    return [], level


#: Set while a decision (grant or submit of a batch) is being applied, so that the workflow
#: subscribers do not apply it a second time for each activity.
_deciding = ContextVar("os2bos_plone_deciding", default=False)

MSG_LEVEL_TOO_LOW = (
    "Bevillingsniveauet »{given}« er lavere end det niveau, ydelserne kræver: »{required}«."
)
MSG_LEVEL_NOT_HELD = "Du har ikke bevillingskompetence på niveauet »{given}«."
MSG_NOT_DRAFT = "Ydelsen »{title}« er ikke en kladde og kan ikke indstilles."
MSG_MAY_NOT_SUBMIT = "Du har ikke adgang til at indstille ydelsen »{title}«."
MSG_NOT_EXPECTED = "Ydelsen »{title}« afventer ikke godkendelse og kan ikke afvises."


def deciding(value=True):
    return _deciding.set(value)


def is_deciding():
    return _deciding.get()


def competence_errors(
    user, objs, approval_level, meeting_date, decision_reference, decision_text, today
):
    """The approval rules: the user must hold a level at or above the required one, the
    recorded level must be one of theirs and high enough, and a committee decision needs its
    meeting date and reference. Returns (errors, forbidden_reason, rule)."""
    from os2bos_plone.approvals import grant_rule

    rule = grant_rule(user, objs, when=today)
    if not rule.allowed():
        return [], rule.reason(), rule
    held = {level.key for level in rule.user_levels}
    given = {level.key: level for level in classification.approval_levels()}.get(approval_level)
    if given is not None and given.rank < rule.required.rank:
        too_low = MSG_LEVEL_TOO_LOW.format(given=given.title, required=rule.required.title)
        return [too_low], None, rule
    if given is None or given.key not in held:
        return [MSG_LEVEL_NOT_HELD.format(given=approval_level)], None, rule
    errors = []
    if given.committee:
        from os2bos_plone.engine.approval import committee_decision_errors

        errors = committee_decision_errors(
            given, meeting_date, decision_reference, decision_text, today=today
        )
    return errors, None, rule


def grant(
    appropriation,
    uids,
    approval_level,
    approval_note="",
    user=None,
    today=None,
    meeting_date=None,
    decision_reference="",
    decision_text="",
    already_granted=None,
    dry_run=False,
):
    """Grant the activities ``uids`` of ``appropriation``; a :class:`GrantResult`.

    ``already_granted``: {uid: previous state} of activities that took the grant transition
    themselves (the standard @workflow endpoint); the decision is completed for them, not
    transitioned again.
    """
    already_granted = already_granted or {}
    today = today or clock.today()
    user = user or api.user.get_current()
    errors, _level = approval_level_errors(approval_level)
    plan = plan_grant(
        appropriation_snapshot(appropriation, already_granted),
        list(uids),
        ContentCatalogueRules(),
        today,
    )
    errors.extend(plan.errors)
    by_uid = {IUUID(a): a for a in activities.activities_of(appropriation)}
    forbidden_reason = None
    rule = None
    if plan.ok and not errors:
        granted_objs = [by_uid[uid] for uid in plan.granted if uid in by_uid]
        more, forbidden_reason, rule = competence_errors(
            user,
            granted_objs,
            approval_level,
            meeting_date,
            decision_reference,
            decision_text,
            today,
        )
        errors.extend(more)
    if plan.ok:
        for merge in plan.merges:
            adjustment = by_uid[merge.adjustment]
            start = activities.effective_start(adjustment)
            for uid in merge.deleted:
                if any(p.settled for p in activities.stored_payments(by_uid[uid])):
                    errors.append(
                        MSG_PAID_SUPERSEDED.format(
                            title=by_uid[uid].Title(), start=format_date(start)
                        )
                    )
    if forbidden_reason:
        return GrantResult(errors=[forbidden_reason], forbidden=True)
    if errors or dry_run:
        return GrantResult(errors=errors, granted=[] if errors else list(plan.granted))

    token = deciding()
    try:
        merges = _apply_merges(appropriation, plan, by_uid)
        # 2. supplementary end dates capped to the main activity's end
        for uid, end in plan.end_date_changes.items():
            target = by_uid.get(uid)
            if target is not None:
                target.end_date = end
                notify(ObjectModifiedEvent(target))
        # 3. the grant itself
        level = classification.by_key("bos_approval_level", approval_level)
        user_id = user.getId() or user.getUserName()
        granted = []
        for uid in plan.granted:
            obj = by_uid[uid]
            obj.approval_level = approval_level
            obj.approval_note = approval_note or ""
            obj.approval_user = user_id
            obj.appropriation_date = today
            obj.required_approval_level = rule.required.key
            obj.meeting_date = meeting_date
            obj.decision_reference = decision_reference or ""
            obj.decision_text = decision_text or ""
            if activities.status_of(obj) == "granted" or uid in already_granted:
                notify(ObjectModifiedEvent(obj))
            else:
                api.content.transition(obj=obj, transition="grant")
            granted.append(obj)
    finally:
        _deciding.reset(token)
    decision = {
        "approval_level": approval_level,
        "approval_level_title": level.title if level is not None else approval_level,
        "approval_note": approval_note or "",
        "approval_user": user_id,
        "appropriation_date": today,
        "required_level": rule.required.key,
        "meeting_date": meeting_date,
        "decision_reference": decision_reference or "",
        "decision_text": decision_text or "",
        "merges": merges,
        "end_date_changes": dict(plan.end_date_changes),
    }
    notify(ActivitiesGranted(appropriation, granted, decision))
    return GrantResult(granted=list(plan.granted))


def _apply_merges(appropriation, plan, by_uid):
    """1. merges of expected adjustments; returns a plain description for the journal."""
    described = []
    for merge in plan.merges:
        adjustment = by_uid[merge.adjustment]
        source = by_uid.get(merge.payment_id_from)
        if source is not None:
            adjustment.payment_id = activities.ensure_payment_id(source)
        for uid in merge.deleted:
            obj = by_uid.pop(uid, None)
            if obj is not None:
                appropriation._delObject(obj.getId())
        adjustment.modifies = merge.modifies
        described.append(
            {
                "adjustment": merge.adjustment,
                "original": merge.original,
                "kind": merge.kind,
                "deleted": list(merge.deleted),
            }
        )
        target = by_uid.get(merge.modifies) if merge.modifies else None
        if target is None:
            continue
        if merge.drop_all_payments:
            activities.drop_unpaid_payments(target)
        elif merge.drop_payments_from is not None:
            activities.drop_unpaid_payments(target, merge.drop_payments_from)
        for name, value in merge.set_dates.items():
            setattr(target, name, value)
        notify(ObjectModifiedEvent(target))
    return described


def submit(appropriation, uids, comment="", user=None, today=None):
    """Submit (indstil) draft activities for approval at the level the rules require.

    Returns (errors, required_level). Nothing changes when an error is found."""
    from os2bos_plone.approvals import required_level

    user = user or api.user.get_current()
    by_uid = {IUUID(a): a for a in activities.activities_of(appropriation)}
    errors = []
    objs = []
    for uid in uids:
        obj = by_uid.get(uid)
        if obj is None:
            errors.append("Du kan kun indstille ydelser på samme bevilling")
            continue
        if activities.status_of(obj) != "draft":
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


def reject(appropriation, uids, comment, user=None):
    """Send submitted (expected) activities back to draft, with the reason in ``comment``.

    Rejecting is a decision: it takes the competence the activities need together (the same
    rule as the workflow's reject guard, which checks each activity again). Returns the errors;
    nothing changes when there is one."""
    from os2bos_plone.approvals import required_level
    from os2bos_plone.approvals import user_levels
    from os2bos_plone.engine.approval import RejectRule

    user = user or api.user.get_current()
    by_uid = {IUUID(a): a for a in activities.activities_of(appropriation)}
    errors = []
    objs = []
    for uid in uids:
        obj = by_uid.get(uid)
        if obj is None:
            errors.append("Du kan kun afvise ydelser på samme bevilling")
        elif activities.status_of(obj) != "expected":
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


# -- expected adjustments ("Lav forventet justering") --------------------------------------------


def existing_adjustment(activity):
    uid = IUUID(activity)
    appropriation = activities.appropriation_of(activity)
    for other in activities.activities_of(appropriation):
        if other.modifies == uid and aq_base(other) is not aq_base(activity):
            return other
    return None


def adjustment_fields(activity, changes):
    """The fields of a new expected adjustment: a copy of ``activity``'s fields, the typed
    ``changes`` applied, ``modifies`` = its UID."""
    values = {name: getattr(aq_base(activity), name, None) for name in activities.ACTIVITY_FIELDS}
    values["payment_prices"] = [dict(row) for row in activity.payment_prices or []]
    values["individual_payments"] = [dict(row) for row in activity.individual_payments or []]
    values.update(changes)
    values["modifies"] = IUUID(activity)
    return values


def create_adjustment(activity, data, today=None):
    """Create the expected adjustment of granted ``activity`` from REST ``data`` (start_date and
    changed plan fields), submit it (draft -> expected) and return it.

    Raises ``activities.InvalidFields`` with field errors; nothing is created then.
    """
    today = today or clock.today()
    errors = []
    if activities.status_of(activity) != "granted":
        errors.append(FieldError("modifies", MSG_ADJUST_NOT_GRANTED))
    elif existing_adjustment(activity) is not None:
        errors.append(FieldError("modifies", MSG_ADJUST_EXISTS))
    for name in ADJUSTMENT_FIXED_FIELDS:
        if name in data and data[name] not in (None, getattr(activity, name, None)):
            if name != "modifies" or data[name] != IUUID(activity):
                errors.append(FieldError(name, MSG_ADJUST_FIXED))
    one_time = data.get("payment_type", activity.payment_type) == "one_time"
    start_field = "payment_date" if one_time else "start_date"
    if data.get(start_field) in (None, ""):
        errors.append(FieldError(start_field, MSG_ADJUST_START_REQUIRED))
    if errors:
        raise activities.InvalidFields(errors)
    typed = activities.fields_from_json(data)
    changes = {
        name: getattr(typed, name)
        for name in activities.ACTIVITY_FIELDS
        if name in data and name not in ADJUSTMENT_FIXED_FIELDS
    }
    values = adjustment_fields(activity, changes)
    if values["payment_type"] == "individual" and "individual_payments" not in data:
        # The adjustment starts with the original's payments from its own start (spec 2.5).
        start, end = values["start_date"], values["end_date"]
        values["individual_payments"] = [
            row
            for row in values["individual_payments"]
            if (start is None or row["date"] >= start) and (end is None or row["date"] <= end)
        ]
    appropriation = activities.appropriation_of(activity)
    field_errors = activities.field_errors(SimpleNamespace(**values), appropriation, today)
    if field_errors:
        raise activities.InvalidFields(field_errors)
    adjustment = api.content.create(
        container=appropriation,
        type=activities.ACTIVITY_TYPE,
        id="justering",
        safe_id=True,
        **values,
    )
    errors, _required = submit(appropriation, [IUUID(adjustment)])
    if errors:
        raise activities.InvalidFields([FieldError("", message) for message in errors])
    return adjustment
