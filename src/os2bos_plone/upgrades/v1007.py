"""1006 -> 1007: the catalog index ``bos_payment_rate`` (the central rate an activity is priced
by), so the nightly repricing finds the activities of a changed rate without waking the others.

The index is added with the catalog API (no profile step is imported again) and filled for the
activities priced by a rate, in batches of ``BATCH`` with a commit after each
(``checkpoint``). Running the step again adds nothing and indexes only what is missing.
"""

import logging

import transaction
from plone import api

logger = logging.getLogger("os2bos_plone.upgrades.v1007")

INDEX = "bos_payment_rate"
ACTIVITY_TYPE = "bos_activity"
BATCH = 500


def commit():
    transaction.commit()


#: Called after every batch; the tests replace it with a savepoint.
checkpoint = commit


def upgrade(context=None, progress=None):
    progress = progress or logger.info
    catalog = api.portal.get_tool("portal_catalog")
    if INDEX not in catalog.indexes():
        catalog.addIndex(INDEX, "FieldIndex", extra={"indexed_attrs": INDEX})
    index = catalog._catalog.getIndex(INDEX)
    brains = catalog.unrestrictedSearchResults(portal_type=ACTIVITY_TYPE)
    done = 0
    for number, brain in enumerate(brains, start=1):
        if index.getEntryForObject(brain.getRID()) is not None:
            continue
        activity = brain._unrestrictedGetObject()
        if activity.payment_cost_type == "rate":
            catalog.catalog_object(activity, idxs=[INDEX], update_metadata=False)
            done += 1
        if number % BATCH == 0:
            checkpoint()
            progress(f"{number}/{len(brains)} ydelser gennemgået, {done} med takst indekseret")
    progress(f"Indekset {INDEX}: {done} ydelser med takst")
    return done
