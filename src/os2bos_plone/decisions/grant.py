"""Granting: the one operation behind @bos-grant, @workflow/grant, the grant view and the demo.

``grant`` = ``check_grant`` (every rule, nothing changes) + ``apply_grant`` (merges, end dates,
approval data, the ``grant`` transitions, then one ActivitiesGranted event: journal entry,
letter, mail). A ``grant`` transition taken outside the operation (the state menu, a script) is
completed by the workflow dispatcher with the same two phases: ``check_grant`` before the
transition, ``apply_grant(..., taken=...)`` after it (os2bos_plone.workflows.actions).
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from plone import api
from plone.uuid.interfaces import IUUID
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.classification.catalogue import ContentCatalogueRules
from os2bos_plone.classification.reader import by_key
from os2bos_plone.decisions.competence import approval_level_errors
from os2bos_plone.decisions.competence import competence_errors
from os2bos_plone.decisions.competence import grant_rule
from os2bos_plone.decisions.events import ActivitiesGranted
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.decisions.serial import serialize
from os2bos_plone.decisions.snapshots import appropriation_snapshot
from os2bos_plone.decisions.transitions import take_transition
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.grant import plan_grant
from os2bos_plone.payments.store import ensure_payment_id
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.sync import drop_unpaid_payments
from os2bos_plone.payments.sync import effective_start

MSG_GRANTED_BY_OTHER = "Ydelsen »{title}« er allerede bevilget af en anden."
MSG_PAID_SUPERSEDED = (
    "Ydelsen »{title}« har betalte betalinger og kan ikke erstattes helt af den forventede "
    "justering, der starter {start}."
)


@dataclass
class GrantResult:
    errors: list = field(default_factory=list)
    granted: list = field(default_factory=list)
    forbidden: bool = False
    #: Another decider granted the activities first (a concurrent grant): 409 at the doors.
    conflict: bool = False

    @property
    def ok(self):
        return not self.errors


@dataclass
class GrantCheck:
    """A grant decision checked against every rule: refused (``errors``; ``forbidden`` when the
    user lacks the competence) or ready for :func:`apply_grant`."""

    appropriation: object
    parameters: DecisionParameters
    user: object
    today: date
    errors: list = field(default_factory=list)
    forbidden: bool = False
    plan: object = None
    rule: object = None
    by_uid: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    def result(self, granted=None):
        if self.errors:
            return GrantResult(errors=list(self.errors), forbidden=self.forbidden)
        return GrantResult(granted=list(self.plan.granted if granted is None else granted))


def default_level(user, activities):
    """The key of the level a decision is taken at when a door names none (the state menu,
    @workflow/grant without ``approval_level``): the user's least senior sufficient level, or,
    when they hold none, the required level, which the competence check then refuses with its
    reason (403)."""
    rule = grant_rule(user, activities)
    return (rule.deciding_level or rule.required).key


def check_grant(appropriation, uids, parameters, user=None, today=None):
    """Check a grant of the activities ``uids`` of ``appropriation``; nothing changes."""
    today = today or clock.today()
    user = user or api.user.get_current()
    check = GrantCheck(appropriation, parameters, user, today)
    check.errors, _level = approval_level_errors(parameters.approval_level)
    check.plan = plan = plan_grant(
        appropriation_snapshot(appropriation),
        list(uids),
        ContentCatalogueRules(),
        today,
    )
    check.errors.extend(plan.errors)
    check.by_uid = by_uid = {IUUID(a): a for a in activities_of(appropriation)}
    if plan.ok and not check.errors:
        deciding = [by_uid[uid] for uid in plan.granted if uid in by_uid]
        more, forbidden_reason, check.rule = competence_errors(
            user,
            deciding,
            parameters.approval_level,
            parameters.meeting_date,
            parameters.decision_reference,
            parameters.decision_text,
            today,
        )
        if forbidden_reason:
            check.errors, check.forbidden = [forbidden_reason], True
            return check
        check.errors.extend(more)
    if plan.ok:
        check.errors.extend(_superseded_paid_errors(plan, by_uid))
    return check


def _superseded_paid_errors(plan, by_uid):
    """A merge never deletes an activity with paid payments."""
    errors = []
    for merge in plan.merges:
        start = effective_start(by_uid[merge.adjustment])
        for uid in merge.deleted:
            if any(p.settled for p in stored_payments(by_uid[uid])):
                title = by_uid[uid].Title()
                errors.append(MSG_PAID_SUPERSEDED.format(title=title, start=format_date(start)))
    return errors


def apply_grant(check, taken=()):
    """Apply a checked grant: (1) merges of expected adjustments, (2) supplementary end dates
    capped to the main activity's end, (3) the approval data and the ``grant`` transition of
    each activity (``taken``: UIDs that have taken it already), then one ActivitiesGranted
    event. Returns the granted UIDs."""
    plan, by_uid, parameters = check.plan, dict(check.by_uid), check.parameters
    # An activity granted already is not decided again: granting it with nothing else to do
    # records no second decision, letter or mail.
    deciding = [uid for uid in plan.granted if uid in taken or status_of(by_uid[uid]) != "granted"]
    if not deciding and not plan.merges and not plan.end_date_changes:
        return []
    merges = _apply_merges(check.appropriation, plan, by_uid)
    for uid, end in plan.end_date_changes.items():
        target = by_uid.get(uid)
        if target is not None:
            target.end_date = end
            notify(ObjectModifiedEvent(target))
    user_id = check.user.getId() or check.user.getUserName()
    granted = []
    for uid in deciding:
        obj = by_uid[uid]
        obj.approval_level = parameters.approval_level
        obj.approval_note = parameters.note
        obj.approval_user = user_id
        obj.appropriation_date = check.today
        obj.required_approval_level = check.rule.required.key
        obj.meeting_date = parameters.meeting_date
        obj.decision_reference = parameters.decision_reference
        obj.decision_text = parameters.decision_text
        if uid in taken:
            notify(ObjectModifiedEvent(obj))
        else:
            take_transition(obj, "grant", parameters.note)
        granted.append(obj)
    level = by_key("bos_approval_level", parameters.approval_level)
    decision = {
        "approval_level": parameters.approval_level,
        "approval_level_title": level.title if level is not None else parameters.approval_level,
        "approval_note": parameters.note,
        "approval_user": user_id,
        "appropriation_date": check.today,
        "required_level": check.rule.required.key,
        "meeting_date": parameters.meeting_date,
        "decision_reference": parameters.decision_reference,
        "decision_text": parameters.decision_text,
        "merges": merges,
        "end_date_changes": dict(plan.end_date_changes),
    }
    notify(ActivitiesGranted(check.appropriation, granted, decision))
    return deciding


def grant(appropriation, uids, parameters, user=None, today=None):
    """Grant the activities ``uids`` of ``appropriation`` with ``parameters``
    (:class:`DecisionParameters`); a :class:`GrantResult`. Nothing changes on an error.

    Grants in one process take turns (decisions.serial): parallel grants do not conflict."""
    serialize()
    check = check_grant(appropriation, uids, parameters, user=user, today=today)
    if not check.ok:
        return check.result()
    granted = apply_grant(check)
    if not granted:
        errors = _granted_by_others(check)
        if errors:
            return GrantResult(errors=errors, conflict=True)
    return check.result(granted)


def _granted_by_others(check):
    """Nothing was left to decide: when another user took the decision (two deciders granting
    the same activities at once; the loser's request is retried after the ZODB conflict and
    finds them granted), the loser is told so. The same user repeating the grant is a no-op."""
    user_id = check.user.getId() or check.user.getUserName()
    others = [
        check.by_uid[uid]
        for uid in check.plan.granted
        if uid in check.by_uid
        and status_of(check.by_uid[uid]) == "granted"
        and (getattr(check.by_uid[uid], "approval_user", None) or user_id) != user_id
    ]
    return [MSG_GRANTED_BY_OTHER.format(title=obj.Title()) for obj in others]


def _apply_merges(appropriation, plan, by_uid):
    """1. merges of expected adjustments; returns a plain description for the journal."""
    described = []
    for merge in plan.merges:
        adjustment = by_uid[merge.adjustment]
        source = by_uid.get(merge.payment_id_from)
        if source is not None:
            adjustment.payment_id = ensure_payment_id(source)
        for uid in merge.deleted:
            obj = by_uid.pop(uid, None)
            if obj is not None:
                # Replaced entirely by the adjustment: the one removal retention allows.
                obj.bos_superseded_by = merge.adjustment
                appropriation._delObject(obj.getId())
        adjustment.modifies = merge.modifies
        described.append(
            {
                "adjustment": merge.adjustment,
                "original": merge.original,
                "modifies": merge.modifies,
                "kind": merge.kind,
                "deleted": list(merge.deleted),
            }
        )
        target = by_uid.get(merge.modifies) if merge.modifies else None
        if target is None:
            continue
        if merge.drop_all_payments:
            drop_unpaid_payments(target)
        elif merge.drop_payments_from is not None:
            drop_unpaid_payments(target, merge.drop_payments_from)
        for name, value in merge.set_dates.items():
            setattr(target, name, value)
        notify(ObjectModifiedEvent(target))
    return described
