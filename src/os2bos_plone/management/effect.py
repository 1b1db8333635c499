"""The effect on the indsatstrappe: movements between effort steps, from the catalog."""

import time
from collections import defaultdict
from datetime import date

from plone import api

from os2bos_plone.engine import clock
from os2bos_plone.journal.history import effort_step_moves
from os2bos_plone.management.catalog_rows import metadata_rows
from os2bos_plone.management.figures import CASE_TYPE
from os2bos_plone.management.figures import STEP_MOVES_COLUMN
from os2bos_plone.management.figures import _cached


def as_step(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def step_movements(year, today=None):
    """Moves on the indsatstrappe between 1 January of ``year`` and today (or 31 December).

    Returns {"available": bool, "per_step": {step: {"new", "up_into", "down_into", "left",
    "up_from", "down_from"}}, "up": n, "down": n}. A move is a dated change of the case's
    effort step from one step to another; a first step (a new case, or a step set for the first
    time) counts as "new". Read from the catalog column ``bos_step_moves`` (``available`` stays
    for the template: the history is always there).
    """
    today = today or clock.today()

    def count(moves_of_cases):
        """Counts the moves dated within the year (up to today) of [(day, old, new), ...]s."""
        first = date(year, 1, 1).isoformat()
        last = min(today, date(year, 12, 31)).isoformat()
        per_step = defaultdict(lambda: dict.fromkeys(MOVE_KEYS, 0))
        up = down = 0
        for moves in moves_of_cases:
            for day, old, new in moves or ():
                if not first <= day <= last:
                    continue
                old, new = as_step(old), as_step(new)
                if new is None or old == new:
                    continue
                if old is None:
                    per_step[new]["new"] += 1
                elif new > old:
                    up += 1
                    per_step[new]["up_into"] += 1
                    per_step[old]["up_from"] += 1
                    per_step[old]["left"] += 1
                else:
                    down += 1
                    per_step[new]["down_into"] += 1
                    per_step[old]["down_from"] += 1
                    per_step[old]["left"] += 1
        return {"available": True, "per_step": dict(per_step), "up": up, "down": down}

    def compute():
        catalog = api.portal.get_tool("portal_catalog")
        if STEP_MOVES_COLUMN in catalog.schema():
            rows = metadata_rows(catalog, CASE_TYPE, (STEP_MOVES_COLUMN,))
            return count(values[0] for _path, values in rows)
        # A site not yet upgraded to 1002: read every case's history (wakes every case).
        cases = catalog.unrestrictedSearchResults(portal_type=CASE_TYPE)
        return count(effort_step_moves(brain._unrestrictedGetObject()) for brain in cases)

    return _cached("step_movements", (year, today), compute, stamp=_cases_stamp())


def _cases_stamp():
    """What the moves depend on: each case's effort step and modification time (a full reindex
    of a changed case sets it), so saving an activity does not make the cases be read again."""
    catalog = api.portal.get_tool("portal_catalog")
    rows = metadata_rows(catalog, CASE_TYPE, ("UID", "bos_effort_step", "modified"))
    digest = hash(frozenset(values for _path, values in rows))
    portal = api.portal.get()
    hour = int(time.time() // 3600)
    return ("/".join(portal.getPhysicalPath()), "cases", digest, hour)


MOVE_KEYS = ("new", "up_into", "down_into", "left", "up_from", "down_from")


def steps_now(overview):
    """{step or None: [active case uids]}: the children on each step now (closed cases left out)."""
    result = defaultdict(list)
    for info in overview.cases.values():
        if info.state == "closed":
            continue
        result[as_step(info.effort_step)].append(info.uid)
    return dict(result)
