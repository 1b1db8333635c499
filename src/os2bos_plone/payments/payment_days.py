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

from datetime import timedelta

from BTrees.IIBTree import IISet
from BTrees.IIBTree import difference
from BTrees.IIBTree import intersection
from BTrees.IIBTree import multiunion
from plone import api

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


# -- reading them: the payment office's search by period (browser.payments) -------------------


def catalog_rids(catalog, query):
    """The record ids the catalog finds for ``query`` (with the user's security, as
    ``searchResults`` adds it), as an IISet, without making a brain of any."""
    found = catalog.searchResults(**query)
    if not len(found):
        return IISet()
    sequence = found._seq  # LazyMap over the record ids
    return sequence if isinstance(sequence, IISet) else IISet(sequence)


def _index_set(index, key):
    """The record ids a KeywordIndex holds for ``key`` (it keeps a lone one as an int)."""
    value = index._index.get(key)
    if value is None:
        return IISet()
    return IISet((value,)) if isinstance(value, int) else value


class MissingDayIndexes(Exception):
    """The site has not run upgrade step 1011, which adds and fills the day indexes."""


class PaymentDays:
    """The payments of a search by period, day by day: for each day from ``start`` to ``end``
    with a payment, the record ids of the activities found by ``query`` that have a payment
    that day (``paid``: "" any, "unpaid", "paid") in the ``bos_payment_days`` and
    ``bos_unpaid_days`` indexes (payments.payment_days). One lookup and one intersection a day;
    no brain and no activity is loaded. An activity has at most one payment a day (its
    payments are keyed by date: payments.paid.find_payment; the engine never plans two on one
    day), so a day's activities are its payments and their number is the count."""

    def __init__(self, query, start, end, paid=""):
        self.catalog = api.portal.get_tool("portal_catalog")
        self.by_day = []
        self._objects = {}
        indexes = self.catalog._catalog.indexes
        if PAYMENT_DAYS not in indexes or UNPAID_DAYS not in indexes:
            raise MissingDayIndexes()
        base = catalog_rids(self.catalog, query)
        every = indexes[PAYMENT_DAYS]
        unpaid = indexes[UNPAID_DAYS]
        if not base:
            return
        day = start
        while day <= end:
            key = day_key(day)
            if paid == "unpaid":
                found = intersection(base, _index_set(unpaid, key))
            else:
                found = intersection(base, _index_set(every, key))
                if paid == "paid" and found:
                    found = difference(found, _index_set(unpaid, key))
            if found:
                self.by_day.append((day, found))
            day += timedelta(days=1)

    def activities(self):
        """The record ids of every activity with a payment found."""
        return multiunion([rids for _day, rids in self.by_day])

    def count(self):
        return sum(len(rids) for _day, rids in self.by_day)

    def keep(self, rids):
        """Keep only the activities ``rids`` (a filter the indexes cannot answer)."""
        kept = IISet(rids)
        by_day = ((day, intersection(found, kept)) for day, found in self.by_day)
        self.by_day = [(day, found) for day, found in by_day if found]

    def path_key(self, rid):
        """What the rows of a day are sorted by: the activity's path, read from the catalog's
        paths, not from the object; "/" made the lowest character, so the strings sort as
        the tuples of ``getPhysicalPath`` do."""
        return self.catalog._catalog.paths[rid].replace("/", "\x00")

    def activity(self, rid):
        """The activity of a record id found (through the user's own search), woken once."""
        if rid not in self._objects:
            path = self.catalog._catalog.paths[rid]
            self._objects[rid] = self.catalog.unrestrictedTraverse(path)
        return self._objects[rid]
