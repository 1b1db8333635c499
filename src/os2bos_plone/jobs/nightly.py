"""The nightly jobs, in the order they run (spec 3.2), and how one run goes.

``run(names, when)`` runs the named jobs (all by default) as of the day ``when``: each logs
what it did with counts and time, commits its own work (in batches where it is large) and,
when it fails, is rolled back and reported while the jobs after it still run. The run's result
says which failed; the script (scripts/run_jobs.py) then exits non-zero.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import transaction

from os2bos_plone.engine import clock
from os2bos_plone.outbox.payment_office import mail_expired
from os2bos_plone.payments.repricing import reprice_changed_rates
from os2bos_plone.payments.sync import renew_all_open_ended
from os2bos_plone.payouts import prisme
from os2bos_plone.payouts.due import mark_due_paid
from os2bos_plone.reports.files import write_folder
from os2bos_plone.settings import read as read_settings

logger = logging.getLogger("os2bos_plone.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    function: object  # (when, progress, checkpoint) -> dict of counts


def _prisme(when, progress, checkpoint):
    """The payment file for the next banking day(s): a run as of ``when`` pays from the day
    after (covered_dates rolls over the closed days)."""
    result = prisme.run(when + timedelta(days=1), dry_run=False, user_id="")
    progress(
        f"PRISME: {len(result.selected)} betalinger, i alt {result.total} kr."
        + (f", fil {result.filename}" if result.filename else ", ingen fil")
        + (f"; {len(result.refused)} kunne ikke komme med" if result.refused else "")
    )
    for refused in result.refused:
        progress(f"  Ikke med: {refused['payment_id']} {refused['date']}: {refused['problems']}")
    return {"payments": len(result.selected), "refused": len(result.refused)}


def _renew(when, progress, checkpoint):
    looked_at, extended, added = renew_all_open_ended(
        when=when, progress=progress, checkpoint=checkpoint
    )
    return {"activities": looked_at, "extended": extended, "payments": added}


def _reports(when, progress, checkpoint):
    """The report files (reports/) in the settings' report folder, as of ``when``."""
    folder = read_settings().reports_path
    counts = write_folder(folder, today=when)
    for name, rows in counts.items():
        progress(f"  {name}: {rows} rækker" + ("" if rows else ", ingen fil"))
    return counts


JOBS = (
    Job("mark_paid", "Betalinger via SD og kontant til andre end personer", mark_due_paid),
    Job("prisme", "Betalingsfil til PRISME", _prisme),
    Job("expired", "Mails om udgåede ydelser", mail_expired),
    Job("renew", "Fornyelse af løbende betalingsplaner", _renew),
    Job("reprice", "Genberegning efter ændrede takster", reprice_changed_rates),
    Job("reports", "Rapporter over betalinger og sager", _reports),
)
JOB_NAMES = tuple(job.name for job in JOBS)


class UnknownJob(ValueError):
    pass


def selected(names=None):
    if not names:
        return JOBS
    unknown = [name for name in names if name not in JOB_NAMES]
    if unknown:
        raise UnknownJob(f"Ukendt job: {', '.join(unknown)}. Mulige: {', '.join(JOB_NAMES)}.")
    return tuple(job for job in JOBS if job.name in names)


def run(names=None, when=None, progress=print, commit=transaction.commit, abort=transaction.abort):
    """Run the jobs as of ``when`` (default today); returns [(job name, counts or None, error
    text or None, seconds)]. ``commit`` ends each job's work and its batches, ``abort`` drops
    a failed job's uncommitted work (tests pass savepoints)."""
    when = when or clock.today()
    results = []
    with clock.frozen_at(when):
        for job in selected(names):
            progress(f"== {job.name}: {job.title} (som {when.isoformat()})")
            started = time.monotonic()
            try:
                counts = job.function(when, progress, commit)
                commit()
                error = None
            except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
                abort()
                logger.exception("Job %s failed", job.name)
                counts, error = None, f"{type(exc).__name__}: {exc}"
            seconds = time.monotonic() - started
            status = "FEJL " + error if error else f"ok {counts}"
            progress(f"   {job.name}: {status} ({seconds:.1f} s)")
            results.append((job.name, counts, error, seconds))
    return results
