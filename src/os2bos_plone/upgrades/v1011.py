"""1010 -> 1011: the payment office's day indexes ``bos_payment_days`` and ``bos_unpaid_days``
(indexers.payment_days), so the search by period (browser.payments) counts and pages payments
from the catalog instead of waking every activity of the period.

The indexes are added with the catalog API (no profile step is imported again) and filled for
every activity, unrestricted, with a commit (``checkpoint``) every ``BATCH`` activities and the
object cache emptied of what is unchanged as it goes (payments.store.release_every), so the step
stays within its memory at 10,000 cases. Running it again reindexes the same days (a
KeywordIndex writes nothing for days it already holds).
"""

import logging

import transaction
from plone import api

from os2bos_plone.payments.payment_days import INDEXES
from os2bos_plone.payments.store import release_every

logger = logging.getLogger("os2bos_plone.upgrades.v1011")

ACTIVITY_TYPE = "bos_activity"
BATCH = 500


def commit():
    transaction.commit()


#: Called after every batch; the tests replace it with a savepoint.
checkpoint = commit


def upgrade(context=None, progress=None):
    progress = progress or logger.info
    catalog = api.portal.get_tool("portal_catalog")
    for name in INDEXES:
        if name not in catalog.indexes():
            catalog.addIndex(name, "KeywordIndex", extra={"indexed_attrs": name})
    brains = catalog.unrestrictedSearchResults(portal_type=ACTIVITY_TYPE)
    total = len(brains)
    number = 0
    for number, brain in enumerate(brains, start=1):
        activity = brain._unrestrictedGetObject()
        catalog.catalog_object(activity, idxs=list(INDEXES), update_metadata=False)
        if number % BATCH == 0:
            checkpoint()
            progress(f"{number}/{total} ydelser indekseret med betalingsdage")
        # After the commit, so what was indexed is written before it is released.
        release_every(activity, number, every=BATCH)
    progress(f"Betalingsdage indekseret for {number} ydelser")
    return number
