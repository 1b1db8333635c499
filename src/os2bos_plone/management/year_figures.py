"""The persistent sums of one year (engine.ledger), which merge concurrent changes.

Every change of a case's figures writes the sums of the years it touches, so two case workers
saving at the same moment both write the same object. Instead of failing one of them with a
ConflictError, the storage merges them: both only added differences (engine.ledger.merge).
This module imports nothing of Plone, because a ZEO server loads it to resolve conflicts.
"""

from persistent import Persistent

from os2bos_plone.engine.ledger import add
from os2bos_plone.engine.ledger import merge


class YearFigures(Persistent):
    """{key: (granted, expected, cases)} of one year; see engine.ledger for the keys."""

    def __init__(self):
        self.values = {}

    def apply(self, changes):
        if changes:
            self.values = add(self.values, changes)

    def _p_resolveConflict(self, old_state, saved_state, new_state):
        state = dict(new_state)
        state["values"] = merge(
            old_state.get("values", {}), saved_state.get("values", {}), new_state.get("values", {})
        )
        return state
