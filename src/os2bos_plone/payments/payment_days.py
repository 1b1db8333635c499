"""The payment office's day indexes follow every change of stored payments.

``bos_payment_days`` holds the days (ints YYYYMMDD) of an activity's stored payments,
``bos_unpaid_days`` those whose payment is not settled (indexers.payment_days). Every door that
changes an activity's stored payments or their paid flag ends in
``payments.totals.refresh_totals`` for its appropriation: saving and adding (handlers ->
sync.after_save), the grant and the merge of an adjustment (which drops payments and then
saves), the renewal (sync.renew_all_open_ended), the repricing, ``paid.mark_paid`` (the screen,
REST, the nightly SD/cash marking and PRISME). ``refresh_totals`` ends with ``FiguresRefreshed``
of the appropriation, and :func:`figures_refreshed` queues a reindex of only these two indexes
of its activities (no metadata): the indexing queue merges repeated requests, and a KeywordIndex
writes only the days that changed, so an amount edit writes nothing.
"""

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.payments.store import stored_payments

PAYMENT_DAYS = "bos_payment_days"
UNPAID_DAYS = "bos_unpaid_days"
INDEXES = (PAYMENT_DAYS, UNPAID_DAYS)


def day_key(day):
    """20260601 for 1 June 2026: what the indexes hold (ints intersect cheaply in the catalog)."""
    return day.year * 10000 + day.month * 100 + day.day


def payment_days_of(activity):
    return sorted({day_key(payment.date) for payment in stored_payments(activity)})


def unpaid_days_of(activity):
    return sorted(
        {day_key(payment.date) for payment in stored_payments(activity) if not payment.settled}
    )


def reindex_payment_days(activity):
    """Queue the reindex of the two day indexes of ``activity`` (not its metadata)."""
    activity.reindexObject(idxs=list(INDEXES), update_metadata=0)


def figures_refreshed(appropriation, event):
    for activity in activities_of(appropriation):
        reindex_payment_days(activity)
