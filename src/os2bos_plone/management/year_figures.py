"""The persistent sums of one year (engine.ledger), which merge concurrent changes.

Every change of a case's figures writes the sums of the years it touches, so two case workers
saving at the same moment both write the same object. Instead of failing one of them with a
ConflictError, the storage merges them: both only added differences (engine.ledger.merge).
Amounts are stored as decimal strings: a year holds hundreds of entries and is written on every
change, and pickling Decimal objects took several times longer than the change itself.
This module imports nothing of Plone, because a ZEO server loads it to resolve conflicts.
"""

from decimal import Decimal

from persistent import Persistent

from os2bos_plone.engine.ledger import add
from os2bos_plone.engine.ledger import merge


def decoded(values):
    """{key: (granted, expected, cases)} with Decimals, from the stored form."""
    return {key: (Decimal(g), Decimal(e), n) for key, (g, e, n) in values.items()}


def encoded(values):
    return {key: (str(g), str(e), n) for key, (g, e, n) in values.items()}


class YearFigures(Persistent):
    """{key: (granted, expected, cases)} of one year; see engine.ledger for the keys."""

    def __init__(self, values=None):
        self.values = encoded(values or {})

    def figures(self):
        return decoded(self.values)

    def apply(self, changes):
        """Add ``changes`` ({key: Decimal triple}), decoding only the entries they touch."""
        if not changes:
            return
        touched = {key: self.values[key] for key in changes if key in self.values}
        result = dict(self.values)
        for key in touched:
            del result[key]
        result.update(encoded(add(decoded(touched), changes)))
        self.values = result

    def _p_resolveConflict(self, old_state, saved_state, new_state):
        state = dict(new_state)
        state["values"] = encoded(
            merge(
                decoded(old_state.get("values", {})),
                decoded(saved_state.get("values", {})),
                decoded(new_state.get("values", {})),
            )
        )
        return state
