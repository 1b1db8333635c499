"""The nightly jobs (jobs/nightly.py) on the built municipality, each in a process of its own
as the nightly timer runs them, so each reports its own time and peak memory.

The reports job is left out here: its reports are measured one by one (report_measure.py).
The jobs commit their work as a nightly run does (payments marked paid, a PRISME file, plans
renewed), so this phase runs after the other measurements. Their files go to a temporary
CLIENT_HOME, not beside the bench database.
"""

import os
import tempfile
import time

from benchmarks import zope_env
from benchmarks.results import emit

JOBS = ("mark_paid", "prisme", "expired", "renew", "reprice")


def phase_job(name):
    from os2bos_plone.jobs import nightly

    os.environ["CLIENT_HOME"] = tempfile.mkdtemp(prefix="bos-bench-jobs-")
    app = zope_env.open_app()
    portal = zope_env.portal_of(app)
    if name == "prisme":
        _prisme_settings(portal)
    baseline = zope_env.peak_memory_mb()
    lines = []

    def progress(text):
        lines.append(text)
        print(text, flush=True)

    started, started_cpu = time.perf_counter(), time.process_time()
    [(_name, counts, error, _seconds)] = nightly.run([name], progress=progress)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    result = {
        "name": name,
        "counts": counts,
        "error": error,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "baseline_mb": round(baseline),
        "peak_mb": round(zope_env.peak_memory_mb()),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
    print(
        f"{name}: {seconds:,.1f} s (CPU {cpu_seconds:,.1f} s), top {result['peak_mb']} MB "
        f"(før {result['baseline_mb']} MB)",
        flush=True,
    )
    app._p_jar.db().close()
    emit(result)


def _prisme_settings(portal):
    """The build has neither the PRISME settings (organisation unit, machine number) nor
    account aliases (a municipality's own chart of accounts), without which the job writes no
    file: set them as the demo site does, so the job writes the whole file."""
    import transaction

    from os2bos_plone.demo.settings import set_demo_account_aliases
    from os2bos_plone.demo.settings import set_demo_settings

    set_demo_settings(portal)
    set_demo_account_aliases(portal)
    transaction.commit()
