"""Payments other systems pay (spec 3.2, mark_payments_paid): SD payroll payments, and cash
payments to others than persons, are registered paid on their day by the nightly job.

Granted, not fictive activities paid through SD, or in cash to a company or internally; every
unpaid payment dated up to the job's day (a night the job did not run is caught up) is marked
paid with its planned amount on its own date, journaled in its case. Person payments in cash go
through the PRISME file instead. Running it again finds nothing.
"""

from plone import api

from os2bos_plone.engine import clock
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import release_every
from os2bos_plone.payments.store import stored_payments

ACTIVITY_TYPE = "bos_activity"
NOTE = "Registreret som betalt af natkørslen"


def _paid_elsewhere(activity):
    if activity.fictive:
        return False
    if activity.payment_method == "sd":
        return True
    return activity.payment_method == "cash" and activity.recipient_type != "person"


def mark_due_paid(when=None, progress=print, checkpoint=None, every=200):
    """Mark the due payments paid; returns {"activities", "payments"} counts."""
    when = when or clock.today()
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type=ACTIVITY_TYPE,
        review_state="granted",
        bos_payment_method=["sd", "cash"],
        bos_start_date={"query": when, "range": "max"},
    )
    progress(f"Betalinger via SD og kontant til andre end personer: {len(brains)} ydelser")
    activities = marked = 0
    for number, brain in enumerate(brains, start=1):
        activity = brain._unrestrictedGetObject()
        release_every(activity, number)
        if not _paid_elsewhere(activity):
            continue
        due = [p for p in stored_payments(activity) if p.date <= when and not p.settled]
        for payment in due:
            mark_paid(
                activity,
                payment.date,
                str(payment.amount),
                payment.date.isoformat(),
                note=NOTE,
                user_id="",
                privileged=True,
            )
            marked += 1
        if due:
            activities += 1
            if checkpoint is not None and activities % every == 0:
                checkpoint()
    progress(f"Færdig: {marked} betalinger på {activities} ydelser registreret som betalt")
    return {"activities": activities, "payments": marked}
