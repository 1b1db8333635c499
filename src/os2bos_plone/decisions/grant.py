"""Granting: the one operation behind @bos-grant, the grant view and @workflow/grant."""

from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field

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
from os2bos_plone.decisions.events import ActivitiesGranted
from os2bos_plone.decisions.snapshots import appropriation_snapshot
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.grant import plan_grant
from os2bos_plone.payments.store import ensure_payment_id
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.sync import drop_unpaid_payments
from os2bos_plone.payments.sync import effective_start

MSG_PAID_SUPERSEDED = (
    "Ydelsen »{title}« har betalte betalinger og kan ikke erstattes helt af den forventede "
    "justering, der starter {start}."
)


@dataclass
class GrantResult:
    errors: list = field(default_factory=list)
    granted: list = field(default_factory=list)
    forbidden: bool = False

    @property
    def ok(self):
        return not self.errors


#: Set while a decision (grant or submit of a batch) is being applied, so that the workflow
#: subscribers do not apply it a second time for each activity.
_deciding = ContextVar("os2bos_plone_deciding", default=False)


def deciding(value=True):
    return _deciding.set(value)


def is_deciding():
    return _deciding.get()


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
    by_uid = {IUUID(a): a for a in activities_of(appropriation)}
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
            start = effective_start(adjustment)
            for uid in merge.deleted:
                if any(p.settled for p in stored_payments(by_uid[uid])):
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
        level = by_key("bos_approval_level", approval_level)
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
            if status_of(obj) == "granted" or uid in already_granted:
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
            adjustment.payment_id = ensure_payment_id(source)
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
            drop_unpaid_payments(target)
        elif merge.drop_payments_from is not None:
            drop_unpaid_payments(target, merge.drop_payments_from)
        for name, value in merge.set_dates.items():
            setattr(target, name, value)
        notify(ObjectModifiedEvent(target))
    return described
