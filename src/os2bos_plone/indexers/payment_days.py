"""The payment office's indexes ``bos_payment_days`` and ``bos_unpaid_days`` (ints YYYYMMDD of
the days with a stored payment, and with an unpaid one), so a search by period counts and pages
payments from the catalog without waking activities (browser.payments). They follow every change
through payments.payment_days.figures_refreshed.

An activity has at most one payment a day (the engine's recurrences give distinct days,
individual plans refuse two rows on one date, payments.paid.find_payment keys a payment by its
date), so the activities with a payment on a day count that day's payments.
"""

from plone.indexer import indexer

from os2bos_plone.content.activity import IActivity
from os2bos_plone.payments.payment_days import payment_days_of
from os2bos_plone.payments.payment_days import unpaid_days_of


@indexer(IActivity)
def activity_payment_days(obj):
    return payment_days_of(obj)


@indexer(IActivity)
def activity_unpaid_days(obj):
    return unpaid_days_of(obj)
