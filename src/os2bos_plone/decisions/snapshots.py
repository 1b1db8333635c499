"""The grant planner's view of an appropriation and its activities (engine snapshots)."""

from plone.uuid.interfaces import IUUID

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.engine.grant import ActivitySnapshot
from os2bos_plone.engine.grant import AppropriationSnapshot
from os2bos_plone.payments.store import stored_payments


def _service_id(uid):
    service = by_uid(uid)
    return service.service_id if service is not None else (uid or "")


def activity_snapshot(activity):
    """The planner's view of an activity. In the planner (as in OS2BOS) "expected" means an
    expected adjustment; here a new activity may also be submitted for approval (draft ->
    expected) without adjusting anything, which the planner must see as a draft."""
    individual = activity.payment_type == "individual"
    running = stored_payments(activity) if activity.payment_type == "running" else ()
    status = status_of(activity)
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
        individual_payment_count=len(stored_payments(activity)) if individual else 0,
        fictive=bool(activity.fictive),
        title=activity.Title(),
        payment_dates=tuple(payment.date for payment in running),
        paid_dates=tuple(payment.date for payment in running if payment.settled),
    )


def appropriation_snapshot(appropriation):
    section = by_uid(appropriation.section)
    return AppropriationSnapshot(
        section_key=section.key if section is not None else None,
        activities=[activity_snapshot(a) for a in activities_of(appropriation)],
    )
