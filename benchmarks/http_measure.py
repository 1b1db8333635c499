"""Timings over HTTP: runwsgi on the bench storage (one waitress thread, localhost), requests.

Medians of BENCH_REPEAT requests after one warm-up request, like OS2BOS's figures (loopback, one
worker): GET @bos-costs of the case with 10 grants, POST @bos-cost-preview of a two-year daily
plan, and PATCH of the two-year daily draft activity (the REST save path). A service that is not
registered (404) is reported as missing.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from benchmarks import zope_env
from benchmarks.results import emit

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


def paths():
    """Paths of the measured objects, read in-process before the server starts."""
    from benchmarks import measure
    from benchmarks import municipality

    app = zope_env.open_app()
    zope_env.portal_of(app)
    appropriation, activity = measure.save_target()
    case = measure.case_of(municipality.TEN_GRANTS_CASE)
    fields = measure.preview_fields(date.today())
    result = {
        "case": "/".join(case.getPhysicalPath()),
        "appropriation": "/".join(appropriation.getPhysicalPath()),
        "activity": "/".join(activity.getPhysicalPath()),
        "fields": fields,
    }
    app._p_jar.db().close()
    return result


def start_server(port):
    zope_env.write_config(port=port)
    log = open(zope_env.BENCH_DIR / "log" / "bench-http.log", "w")  # noqa: SIM115
    runwsgi = Path(sys.executable).parent / "runwsgi"
    process = subprocess.Popen(
        [str(runwsgi), str(zope_env.ZOPE_INI)], stdout=log, stderr=subprocess.STDOUT
    )
    return process, log


def wait_for(session, url, process, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("runwsgi stopped; see var/bench/log/bench-http.log")
        try:
            if session.get(url, timeout=5).status_code < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return None


def timed_requests(send):
    """(status of the warm-up request, median ms of REPEAT requests) or a missing service."""
    first = send()
    if first.status_code == 404:
        return {"missing": True, "status": 404}
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = send()
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            return {"status": response.status_code, "error": response.text[:300]}
    return {"status": first.status_code, "ms": round(statistics.median(times), 2)}


def phase_http():
    import requests

    targets = paths()
    port = free_port()
    process, log = start_server(port)
    # Loopback by address: with the name "localhost" requests spent ~14 ms more per request.
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    session.auth = zope_env.ADMIN
    session.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
    results = {"port": port, "repeat": REPEAT}
    try:
        wait_for(session, f"{base}/{zope_env.SITE_ID}", process)
        year = date.today().year
        results["case_costs"] = timed_requests(
            lambda: session.get(f"{base}{targets['case']}/@bos-costs", params={"year": year})
        )
        results["preview"] = timed_requests(
            lambda: session.post(
                f"{base}{targets['appropriation']}/@bos-cost-preview", json=targets["fields"]
            )
        )
        amounts = iter(range(3000, 100000))
        results["save"] = timed_requests(
            lambda: session.patch(
                f"{base}{targets['activity']}", json={"payment_amount": f"{next(amounts)}.00"}
            )
        )
        results["server_peak_mb"] = peak_rss_mb(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    emit(results)
