"""``make bench``: build the synthetic municipality and measure it.

  .venv/bin/python -m benchmarks.run            # all phases, writes docs/performance.md
  .venv/bin/python -m benchmarks.run build      # only (re)build var/bench/
  .venv/bin/python -m benchmarks.run measure    # in-process timings on an existing build
  .venv/bin/python -m benchmarks.run http       # timings over HTTP (runwsgi, one thread)
  .venv/bin/python -m benchmarks.run reports    # the payment and case reports (one process each)
  .venv/bin/python -m benchmarks.run jobs       # the other nightly jobs (they commit)
  .venv/bin/python -m benchmarks.run report     # docs/performance.md again from the last results

Environment: BENCH_CASES (2000), BENCH_REPEAT (15 repetitions per median), BENCH_REUSE=1 (keep an
existing build of the same size), BENCH_PROFILE=<file> (cProfile the build), BENCH_COMMIT_EVERY
(20 cases per transaction), BENCH_DIR (var/bench).

Each phase runs in its own process (so each reports its own peak memory) and prints one JSON
line that the driver collects.
"""

import json
import logging
import os
import subprocess
import sys
import time
from datetime import date

from benchmarks import zope_env
from benchmarks.results import RESULT_PREFIX
from benchmarks.results import RESULTS
from benchmarks.results import STATE
from benchmarks.results import emit


def phase_build():
    import transaction

    from benchmarks import municipality
    from os2bos_plone.setuphandlers.site import ensure_site

    n_cases = int(os.environ.get("BENCH_CASES", "2000"))
    zope_env.write_config()
    zope_env.remove_storage()
    started = time.perf_counter()
    app = zope_env.open_app()
    transaction.commit()
    portal, _created = ensure_site(app, site_id=zope_env.SITE_ID, with_demo=False)
    site_seconds = time.perf_counter() - started
    today = date.today()
    # The bench site has no mail server: the grant notifications' "not sent" warnings would
    # drown the progress lines (the mails are still composed).
    logging.getLogger("os2bos_plone").setLevel(logging.ERROR)
    cases = municipality.workload(n_cases, today)
    print(f"Bygger {municipality.shape(cases)} ...", flush=True)
    profile_to = os.environ.get("BENCH_PROFILE")
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started_cpu = time.process_time()
    seconds = municipality.build(
        portal, cases, today=today, commit_every=int(os.environ.get("BENCH_COMMIT_EVERY", "20"))
    )
    cpu_seconds = time.process_time() - started_cpu
    if profile_to:
        profiler.disable()
        profiler.dump_stats(profile_to)
    counts = catalog_counts(portal)
    app._p_jar.db().close()
    size = zope_env.DATA_FS.stat().st_size
    result = {
        "n_cases": n_cases,
        "today": today.isoformat(),
        "site_seconds": round(site_seconds, 1),
        "build_seconds": round(seconds, 1),
        "build_cpu_seconds": round(cpu_seconds, 1),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "data_fs_bytes": size,
        "build_peak_mb": round(zope_env.peak_memory_mb()),
        **counts,
    }
    result.update(pack())
    STATE.write_text(json.dumps(result, indent=1))
    emit(result)


def pack():
    """Pack away the revisions the batched commits left behind (as an operator would)."""
    import ZODB.FileStorage
    import ZODB.serialize

    started = time.perf_counter()
    storage = ZODB.FileStorage.FileStorage(str(zope_env.DATA_FS))
    storage.pack(time.time(), ZODB.serialize.referencesf)
    storage.close()
    for leftover in ("Data.fs.old", "Data.fs.tmp"):
        (zope_env.DATA_FS.parent / leftover).unlink(missing_ok=True)
    return {
        "packed_bytes": zope_env.DATA_FS.stat().st_size,
        "pack_seconds": round(time.perf_counter() - started, 1),
    }


def catalog_counts(portal):
    from plone import api

    from os2bos_plone.payments.store import stored_payments

    counts = {}
    for name, portal_type in (
        ("cases", "bos_case"),
        ("appropriations", "bos_appropriation"),
        ("activities", "bos_activity"),
    ):
        counts[name] = len(api.content.find(portal_type=portal_type, unrestricted=True))
    brains = api.content.find(portal_type="bos_activity", unrestricted=True)
    states = {}
    payments = 0
    for brain in brains:
        states[brain.review_state] = states.get(brain.review_state, 0) + 1
    counts["adjustments"] = sum(1 for brain in brains if brain.bos_modifies)
    counts["states"] = states
    for brain in brains:
        obj = brain._unrestrictedGetObject()
        payments += len(stored_payments(obj))
        obj._p_deactivate()
        obj._bos_payments._p_deactivate()
    counts["payments"] = payments
    return counts


def run_phase(name, *args):
    """Run one phase in a fresh process and return its result."""
    command = [sys.executable, "-m", "benchmarks.run", name, *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, cwd=zope_env.ROOT, env=os.environ.copy()
    )
    result = None
    for line in process.stdout:
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0:
        sys.exit(f"Fasen '{name}' fejlede (exit {process.returncode})")
    return result


def reusable_build():
    if os.environ.get("BENCH_REUSE") != "1" or not STATE.exists() or not zope_env.DATA_FS.exists():
        return None
    state = json.loads(STATE.read_text())
    if state.get("n_cases") != int(os.environ.get("BENCH_CASES", "2000")):
        return None
    return state


def main(argv):
    phases = {"build": phase_build}
    if len(argv) > 1:
        if argv[1] == "measure":
            from benchmarks.measure import phase_measure

            return phase_measure()
        if argv[1] == "http":
            from benchmarks.http_measure import phase_http

            return phase_http()
        if argv[1] == "report-one":
            from benchmarks.report_measure import phase_report

            return phase_report(argv[2], argv[3])
        if argv[1] == "report-job":
            from benchmarks.jobs_measure import phase_job

            return phase_job(argv[2])
        if argv[1] == "reports":
            return print(json.dumps(run_reports(), indent=1))
        if argv[1] == "jobs":
            jobs = run_jobs()
            if RESULTS.exists():
                results = json.loads(RESULTS.read_text())
                results["jobs"] = jobs
                RESULTS.write_text(json.dumps(results, indent=1))
            return print(json.dumps(jobs, indent=1))
        if argv[1] in phases:
            return phases[argv[1]]()
    from benchmarks.report import write_report

    if len(argv) > 1 and argv[1] == "report":
        results = json.loads(RESULTS.read_text())
        return write_report(
            results["build"],
            results["measure"],
            results["http"],
            results.get("reports"),
            results.get("jobs"),
        )
    build = reusable_build() or run_phase("build")
    measured = run_phase("measure")
    over_http = run_phase("http")
    reports = run_reports()
    jobs = run_jobs()
    RESULTS.write_text(
        json.dumps(
            {
                "build": build,
                "measure": measured,
                "http": over_http,
                "reports": reports,
                "jobs": jobs,
            },
            indent=1,
        )
    )
    write_report(build, measured, over_http, reports, jobs)


def run_reports():
    """The reports, each written in a process of its own (benchmarks/report_measure.py)."""
    from benchmarks.report_measure import selected

    return [run_phase("report-one", name, fmt) for name, fmt in selected()]


def run_jobs():
    """The other nightly jobs, each in a process of its own (benchmarks/jobs_measure.py); last,
    because they commit their work."""
    from benchmarks.jobs_measure import JOBS

    return [run_phase("report-job", name) for name in JOBS]


if __name__ == "__main__":
    main(sys.argv)
