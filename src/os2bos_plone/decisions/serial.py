"""Grants in one process one at a time, each reading what the one before it committed.

Every grant writes a letter and reindexes its case, appropriation and activity: new catalog
records and intids whose keys follow each other (sequential rids and oids), so parallel grants
on different cases split and change the same buckets of the catalog's and the intid utility's
BTrees, which ZODB cannot resolve (measured: "Conflicting bucket split", "Conflicting changes" on
OIBucket/IOBucket). Zope retries a ConflictError three times, with random waits, and ten grants at
once still ran out of retries. So a grant waits for the grant before it in this process to
commit and then starts from a fresh snapshot; it does not conflict with it at all. Between
processes (several instances) the publisher's retries and the 409 of services/errors.py remain.

The lock is held from the start of the grant until its transaction ends (commit or abort: a data
manager joined to the transaction releases it), and never longer than ``WAIT`` for a waiter.
"""

import threading

import transaction

from os2bos_plone import logger

#: A waiting grant goes on after this many seconds (it may then conflict and be retried).
WAIT = 10.0

_lock = threading.Lock()
_KEY = "os2bos_plone.grant_serial"


class _Release:
    """Joined to the transaction holding the lock: releases it when the transaction ends."""

    transaction_manager = transaction.manager

    def __init__(self):
        self.released = False

    def release(self, _txn=None):
        if not self.released:
            self.released = True
            _lock.release()

    def sortKey(self):
        # Last: the lock is given up after every other resource has finished committing.
        return "~~~os2bos_plone_grant_serial"

    def abort(self, txn):
        self.release()

    def savepoint(self):
        # Savepoints (content moves, batches, tests) keep the turn: nothing to roll back here.
        return _NoRollback()

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        pass

    def tpc_finish(self, txn):
        self.release()

    def tpc_abort(self, txn):
        self.release()


def serialize():
    """Take this process's grant turn for the current transaction (once per transaction).

    When the transaction has written nothing yet (a request that is about to grant), it is
    begun again so that the grant reads what the grant before it committed."""
    txn = transaction.get()
    try:
        txn.data(_release_key_holder)
        return  # this transaction holds the turn already
    except KeyError:
        pass
    acquired = _lock.acquire(timeout=WAIT)
    if not acquired:
        logger.warning("A grant waited %s s for the grant before it; it goes on.", WAIT)
        return
    if not txn._resources:
        # Nothing written yet: start again from the newest committed state (keeping the
        # publisher's user and note for the undo log).
        user, description = txn.user, txn.description
        txn = transaction.begin()
        txn.user, txn.description = user, description
    release = _Release()
    try:
        txn.join(release)
    except Exception:
        release.release()
        raise
    txn.set_data(_release_key_holder, release)


class _NoRollback:
    def rollback(self):
        pass


class _KeyHolder:
    """The key of the transaction's data (``Transaction.data`` wants an object)."""


_release_key_holder = _KeyHolder()
