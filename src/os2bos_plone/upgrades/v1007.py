"""1006 -> 1007: the catalog index ``bos_payment_rate`` (the central rate an activity is priced
by), so the nightly repricing finds the activities of a changed rate without waking the others;
and the cases folder without an order list.

The cases folder is unordered now (content.containers.CasesFolder): the order list every new case
rewrote (one persistent list of every case id, a conflict between instances) is removed.

The index is added with the catalog API (no profile step is imported again) and filled for the
activities priced by a rate, in batches of ``BATCH`` with a commit after each
(``checkpoint``). Running the step again adds nothing and indexes only what is missing.
"""

import logging

import transaction
from Acquisition import aq_base
from plone import api
from zope.annotation.interfaces import IAnnotations

logger = logging.getLogger("os2bos_plone.upgrades.v1007")

INDEX = "bos_payment_rate"
ACTIVITY_TYPE = "bos_activity"
BATCH = 500


def commit():
    transaction.commit()


#: Called after every batch; the tests replace it with a savepoint.
checkpoint = commit


#: Where plone.folder's default ordering keeps a folder's order.
ORDER_KEYS = ("plone.folder.ordered.order", "plone.folder.ordered.pos")


def drop_case_order(progress):
    """Remove the cases folders' order lists (the folders are unordered now)."""
    catalog = api.portal.get_tool("portal_catalog")
    dropped = []
    for brain in catalog.unrestrictedSearchResults(portal_type="bos_cases_folder"):
        # The folder's own annotations, never ones acquired from a parent.
        annotations = IAnnotations(aq_base(brain._unrestrictedGetObject()))
        for key in ORDER_KEYS:
            if annotations.get(key) is not None:
                del annotations[key]
                dropped.append(key)
    if dropped:
        progress("Sagsmappens rækkefølgeliste er fjernet (mappen er uordnet)")
    return bool(dropped)


def upgrade(context=None, progress=None):
    progress = progress or logger.info
    drop_case_order(progress)
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
