"""The reports (spec 3.4) on the built municipality, each in a process of its own, so each
reports its own peak memory: the expected and granted payments and the cases as CSV, as the
nightly job writes them, and the expected payments as XLSX (``BENCH_REPORT_XLSX=0`` leaves the
XLSX out). Each is written once, from a cold object cache (a fresh process), to a temporary
file as the REST download does (``reports.files.write_temporary``).
"""

import os
import time

from benchmarks import zope_env
from benchmarks.results import emit

REPORTS = (
    ("expected_payments_3", "csv"),
    ("granted_payments_3", "csv"),
    ("expected_cases_0", "csv"),
    ("expected_payments_3", "xlsx"),
)


def selected():
    if os.environ.get("BENCH_REPORT_XLSX", "1") == "0":
        return tuple(report for report in REPORTS if report[1] != "xlsx")
    return REPORTS


def phase_report(name, fmt):
    from os2bos_plone.reports.files import write_temporary

    app = zope_env.open_app()
    zope_env.portal_of(app)
    baseline = zope_env.peak_memory_mb()
    started, started_cpu = time.perf_counter(), time.process_time()
    path, stats = write_temporary(name, fmt)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    size = path.stat().st_size
    path.unlink()
    result = {
        "name": name,
        "format": fmt,
        "rows": stats.rows,
        "cases": stats.cases,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "bytes": size,
        "baseline_mb": round(baseline),
        "peak_mb": round(zope_env.peak_memory_mb()),
    }
    print(
        f"{name}.{fmt}: {stats.rows:,} rækker, {seconds:,.1f} s, "
        f"top {result['peak_mb']} MB (før {result['baseline_mb']} MB)",
        flush=True,
    )
    app._p_jar.db().close()
    emit(result)
