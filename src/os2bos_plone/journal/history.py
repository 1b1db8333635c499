"""The case's dated history of assessment fields (effort step, target group, ...)."""

from os2bos_plone.journal.storage import HISTORY_KEY
from os2bos_plone.journal.storage import LOCAL_TIMEZONE
from os2bos_plone.journal.storage import _log
from os2bos_plone.payments.totals import reindex_metadata


def case_history(case):
    """The dated history of the case's responsibility and assessment fields, oldest first:
    a list of {time (UTC datetime), actor, field, old, new}."""
    log = _log(case, HISTORY_KEY)
    return [record.as_dict() for record in log or ()]


def effort_step_moves(case):
    """((local date "YYYY-MM-DD", old step, new step), ...) of the case's effort-step changes,
    oldest first: what the effect overview counts, small enough for catalog metadata."""
    moves = []
    for record in _log(case, HISTORY_KEY) or ():
        if record.field != "effort_step" or record.time is None:
            continue
        when = record.time if record.time.tzinfo else record.time.replace(tzinfo=LOCAL_TIMEZONE)
        day = when.astimezone(LOCAL_TIMEZONE).date().isoformat()
        moves.append((day, record.old, record.new))
    return tuple(moves)


def _reindex_moves(case):
    # The catalog keeps the moves as metadata (bos_step_moves); a search that flushed the
    # indexing queue before the history changed would otherwise leave them stale.
    reindex_metadata(case)


def history_as_of(case, field, when):
    """The value of a history field at the end of ``when`` (a date), from the history; the
    earliest known value when ``when`` is before the first record (spec 3.4)."""
    records = [record for record in case_history(case) if record["field"] == field]
    if not records:
        return getattr(case, field, None)
    value = records[0]["old"] if records[0]["old"] is not None else records[0]["new"]
    for record in records:
        if record["time"].astimezone(LOCAL_TIMEZONE).date() <= when:
            value = record["new"]
    return value
