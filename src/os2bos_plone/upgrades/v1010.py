"""1009 -> 1010: the manager overview reads running sums per year (management.ledger).

Computes the sums once from the catalog metadata of every case and activity (nothing woken
but the cases, which get what they contributed, committed every 500 cases); from then on every
change adds its difference. Running the step again computes them again.
"""

import logging

import transaction
from plone import api

from os2bos_plone.management.ledger import rebuild

logger = logging.getLogger("os2bos_plone.upgrades.v1010")


def checkpoint():
    transaction.commit()


def upgrade(context=None):
    tree = rebuild(
        api.portal.get(), commit_every=500, checkpoint=lambda: checkpoint(), progress=logger.info
    )
    logger.info("Årstal med tal i overblikket: %s", ", ".join(str(year) for year in tree.keys()))
