"""1002 -> 1003: drop the catalog metadata column ``bos_status``.

No indexer filled it and nothing read it (the workflow state is ``review_state``); it only made
every brain larger. New sites never get it (profiles/default/catalog.xml); this removes it from
existing ones with the catalog API, so no profile step is imported again. Removing a column
rewrites the metadata of every catalogued object in one go (ZCatalog.delColumn); there is
nothing to batch. Running the step again does nothing.
"""

import logging

from plone import api

logger = logging.getLogger("os2bos_plone.upgrades.v1003")

COLUMN = "bos_status"


def remove_status_column(progress=None):
    """Remove the column if the catalog has it. Returns True when it was removed."""
    progress = progress or logger.info
    catalog = api.portal.get_tool("portal_catalog")
    if COLUMN not in catalog.schema():
        return False
    catalog.delColumn(COLUMN)
    progress(f"Kolonnen {COLUMN} er fjernet fra kataloget")
    return True


def upgrade(context):
    """The GenericSetup upgrade handler (registered in configure.zcml)."""
    remove_status_column()
