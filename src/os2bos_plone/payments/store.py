"""Payments are not content: each activity holds one persistent ``PaymentStore`` with its
payments (engine ``Payment`` records, pickled together), loaded only when payments are needed."""

import transaction
from Acquisition import aq_base
from BTrees.Length import Length
from persistent import Persistent
from plone import api
from Products.CMFCore.indexing import processQueue
from zope.annotation.interfaces import IAnnotations

PAYMENT_ID_COUNTER = "os2bos_plone.payment_id_counter"


class PaymentStore(Persistent):
    """An activity's payments, ordered by date, as one persistent record."""

    def __init__(self, payments=()):
        self.payments = sorted(payments, key=lambda payment: payment.date)

    def replace(self, payments):
        self.payments = sorted(payments, key=lambda payment: payment.date)

    def changed(self):
        self._p_changed = True


def release_every(obj, number, every=200):
    """Every ``every`` objects a long job has looked at, empty the connection's object cache of
    what is unchanged: the activities and payment stores it woke come back from the database
    when needed again, and a job over every activity stays within its memory (what it changed
    stays in the cache until it commits)."""
    jar = getattr(obj, "_p_jar", None)
    if number % every == 0 and jar is not None:
        jar.cacheMinimize()


def spill_every(obj, number, every=200):
    """For a job whose changes must commit as one (a PRISME file and every payment it pays):
    every ``every`` objects it has changed, index what is queued, move the changes so far into
    a savepoint (ZODB keeps them in a temporary file) and empty the object cache. The changed
    activities, payment stores and catalog buckets then no longer all stay in memory until the
    one commit (a run paying a thousand activities peaked at 906 MB), and an error later still
    undoes the whole run."""
    jar = getattr(obj, "_p_jar", None)
    if number % every == 0 and jar is not None:
        processQueue()
        transaction.savepoint(optimistic=True)
        jar.cacheMinimize()


def payment_store(activity):
    store = getattr(aq_base(activity), "_bos_payments", None)
    if store is None:
        store = PaymentStore()
        activity._bos_payments = store
    return store


def stored_payments(activity):
    """The activity's payments (read only: never creates the store, so GETs write nothing)."""
    store = getattr(aq_base(activity), "_bos_payments", None)
    return list(store.payments) if store is not None else []


def next_payment_id():
    """A site-wide running number for payment plans (betalings-ID), like a ledger key."""
    annotations = IAnnotations(api.portal.get())
    counter = annotations.get(PAYMENT_ID_COUNTER)
    if counter is None:
        counter = annotations[PAYMENT_ID_COUNTER] = Length(0)
    counter.change(1)
    return str(counter())


def ensure_payment_id(activity):
    if not getattr(aq_base(activity), "payment_id", None):
        activity.payment_id = next_payment_id()
    return activity.payment_id
