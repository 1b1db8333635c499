"""1008 -> 1009: the submission of an activity in the catalog, so "Til godkendelse"
(decisions.awaiting) lists from brains alone.

Four metadata columns (indexers.catalog): who submitted the activity (``bos_submitted_by``),
when (``bos_submitted``), the note (``bos_submission_note``) and the measure's annual cost the
approval rule was given (``bos_submitted_annual_cost``). They are added with the catalog API
(no profile step is imported again) and filled for the expected activities only, the ones that
await a decision; the others get theirs when they are next reindexed (a submission reindexes).

An activity submitted before this step has no kept annual cost (decisions.submit keeps it since):
it is computed as the rule computed it at the submission, with the submission's day (the cost
depends on the day: open-ended plans are valued from it, prices and rates are dated) and the
grant's expected activities as the ones being decided. Batches of ``BATCH`` with a commit after
each (``checkpoint``); running the step again fills only what is missing.
"""

import logging

import transaction
from Acquisition import aq_base
from DateTime import DateTime
from plone import api

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.decisions.competence import measure_annual_cost
from os2bos_plone.decisions.submit import submission_of
from os2bos_plone.payments.totals import reindex_metadata

logger = logging.getLogger("os2bos_plone.upgrades.v1009")

COLUMNS = ("bos_submitted_by", "bos_submitted", "bos_submission_note", "bos_submitted_annual_cost")
ACTIVITY_TYPE = "bos_activity"
BATCH = 500


def commit():
    transaction.commit()


#: Called after every batch; the tests replace it with a savepoint.
checkpoint = commit


def add_columns(catalog):
    added = [name for name in COLUMNS if name not in catalog.schema()]
    for name in added:
        catalog.addColumn(name)
    return added


def filled(brain):
    """The columns hold the activity's submission (a submitted activity has a time)."""
    return isinstance(getattr(brain, "bos_submitted", None), DateTime)


def keep_annual_cost(activity, cache):
    """Keep the annual cost on an activity submitted before decisions.submit kept it."""
    if getattr(aq_base(activity), "bos_submitted_annual_cost", None) is not None:
        return False
    appropriation = appropriation_of(activity)
    if appropriation is None:
        return False
    found = submission_of(activity)
    when = found[1].asdatetime().date() if found and found[1] is not None else None
    key = (appropriation.UID(), when)
    if key not in cache:
        deciding = [a for a in activities_of(appropriation) if status_of(a) == "expected"]
        try:
            cache[key] = measure_annual_cost(appropriation, deciding=deciding, when=when)
        except Exception:  # noqa: BLE001 - an incomplete plan has no annual cost
            cache[key] = None
    if cache[key] is None:
        return False
    activity.bos_submitted_annual_cost = cache[key]
    return True


def upgrade(context=None, progress=None):
    progress = progress or logger.info
    catalog = api.portal.get_tool("portal_catalog")
    for name in add_columns(catalog):
        progress(f"Kolonnen {name} er tilføjet kataloget")
    brains = catalog.unrestrictedSearchResults(portal_type=ACTIVITY_TYPE, review_state="expected")
    done, cache = 0, {}
    for number, brain in enumerate(brains, start=1):
        if not filled(brain):
            activity = brain._unrestrictedGetObject()
            keep_annual_cost(activity, cache)
            reindex_metadata(activity)
            done += 1
        if number % BATCH == 0:
            catalog.getCounter()  # process the indexing queue of this batch
            checkpoint()
            progress(f"{number}/{len(brains)} indstillede ydelser gennemgået")
    catalog.getCounter()
    progress(f"Indstillingen i kataloget for {done} ydelser")
    return done
