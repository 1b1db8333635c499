"""1001 -> 1002: the catalog metadata column ``bos_step_moves`` on cases.

The effect table of the manager overview (moves on the indsatstrappe during the year) read the
history of every case, waking each one: about 0.3 s on 2,000 cases, growing with the
municipality. Each case now carries its dated effort-step changes as metadata
(``journal.effort_step_moves``) and the overview reads the catalog only. The step adds the
column with the catalog API (no profile step is imported again) and fills it, committing every
``BATCH`` cases; a case whose column is filled already is skipped, so an interrupted run can
simply be started again.
"""

import logging
import time

import transaction
from plone import api

from os2bos_plone.management.figures import CASE_TYPE
from os2bos_plone.management.figures import STEP_MOVES_COLUMN
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import metadata_rows
from os2bos_plone.payments.totals import reindex_metadata

logger = logging.getLogger("os2bos_plone.upgrades.v1002")

BATCH = 500
COLUMN = STEP_MOVES_COLUMN


def commit():
    transaction.commit()


#: Called after every batch; the tests replace it with a savepoint.
checkpoint = commit


def fill_step_moves(portal=None, batch=BATCH, progress=None):
    """Add the column if missing and fill it for every case. Returns (cases, seconds)."""
    progress = progress or logger.info
    portal = portal or api.portal.get()
    catalog = api.portal.get_tool("portal_catalog")
    started = time.perf_counter()
    if COLUMN not in catalog.schema():
        catalog.addColumn(COLUMN)
        progress(f"Kolonnen {COLUMN} er tilføjet kataloget")
    pending = [
        path for path, (moves,) in metadata_rows(catalog, CASE_TYPE, (COLUMN,)) if moves is None
    ]
    total = len(pending)
    progress(f"Indsatstrappen: {total} sager skal have deres trinskift i kataloget")
    for number, path in enumerate(sorted(pending), start=1):
        case = portal.unrestrictedTraverse(path, None)
        if case is not None:
            reindex_metadata(case)
        if number % batch == 0 or number == total:
            catalog.getCounter()  # process the indexing queue of this batch
            checkpoint()
            progress(f"  {number}/{total} sager ({time.perf_counter() - started:.1f} s)")
    clear_cache()
    return total, time.perf_counter() - started


def upgrade(context):
    """The GenericSetup upgrade handler (registered in configure.zcml)."""
    fill_step_moves()
