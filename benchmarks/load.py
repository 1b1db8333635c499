"""``make load``: a bounded locust run against two instances on a ZEO server, localhost only.

  .venv/bin/python -m benchmarks.load

1. A ZEO server on a fresh FileStorage and two Zope instances on it (``LOAD_THREADS`` = 2
   waitress threads each), all in a temp directory on free ports of 127.0.0.1 (the machinery of
   ``make test-storage``: tests/storage/servers.py).
2. The site with the demo data (its users and teams), then ``LOAD_CASES`` (200) cases of the
   bench's synthetic municipality and ``LOAD_GRANTS`` (60) draft grants to decide
   (benchmarks/load_setup.py, run as one more ZEO client).
3. Each page once per instance (the caches a user meets after a restart are warm soon), then
   ``locust --headless`` with benchmarks/locustfile.py: ``LOAD_USERS`` (20) users started
   ``LOAD_RATE`` (5) a second, for ``LOAD_SECONDS`` (60), spread over both instances.
4. Everything stops afterwards, on failure too, and the temp directory goes
   (``BOS_STORAGE_KEEP=1`` keeps it, with the servers' logs).

It prints p50/p95 per page from locust's CSV statistics and exits 1 when any request answered a
5xx (or failed otherwise). The figures are kept in var/load/results.json (the machine's load
average before and after included); docs/performance.md holds a run's table.
"""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS_DIR = ROOT / "var" / "load"
#: A failure of a 5xx answer as locust's failures CSV writes it: the locustfile's own
#: (``CatchResponseError('HTTP 503: ...')``, see ``failure_message`` there) or requests' one
#: (``HTTPError('500 Server Error: ...')``).
SERVER_ERROR = re.compile(r"^(?:CatchResponseError\(['\"])?(?:HTTP 5\d\d\b|HTTPError\(['\"]5\d\d )")


def read_stats(prefix):
    """Per page (locust's name) and the aggregated row: requests, failures, p50, p95, rps."""
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as stream:
        for row in csv.DictReader(stream):
            rows.append(
                {
                    "name": row["Name"],
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50": _ms(row["50%"]),
                    "p95": _ms(row["95%"]),
                    "max": _ms(row["Max Response Time"]),
                    "rps": round(float(row["Requests/s"]), 2),
                }
            )
    return rows


def _ms(text):
    return None if text in ("", "N/A") else round(float(text))


def read_failures(prefix):
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as stream:
        return [
            {
                "method": row["Method"],
                "name": row["Name"],
                "error": row["Error"],
                "occurrences": int(row["Occurrences"]),
            }
            for row in csv.DictReader(stream)
        ]


def server_errors(failures):
    """How many requests answered 5xx, from locust's failures."""
    return sum(item["occurrences"] for item in failures if SERVER_ERROR.match(item["error"]))


def table(rows, alone=None):
    """The per-page figures as a Markdown table (the aggregated row last, in bold); ``alone``:
    the ms of one request alone on a warm instance per page, where measured."""
    alone = alone or {}
    lines = [
        "| page | requests | failures | p50 ms | p95 ms | max ms | requests/s | alone ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(rows, key=lambda r: (r["name"] == "Aggregated", r["name"])):
        name = row["name"] if row["name"] == "Aggregated" else f"{row['method']} {row['name']}"
        cells = [
            name,
            row["requests"],
            row["failures"],
            row["p50"],
            row["p95"],
            row["max"],
            row["rps"],
            alone.get(name),
        ]
        text = " | ".join(_cell(cell) for cell in cells)
        if row["name"] == "Aggregated":
            text = " | ".join(f"**{cell}**" for cell in text.split(" | "))
        lines.append(f"| {text} |")
    return "\n".join(lines)


def _cell(value):
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else str(value)


def verdict(rows, failures):
    """Exit status and message: 1 when any request answered 5xx or failed otherwise."""
    five_xx = server_errors(failures)
    failed = sum(row["failures"] for row in rows if row["name"] != "Aggregated")
    if five_xx:
        return 1, f"{five_xx} svar med status 5xx"
    if failed:
        return 1, f"{failed} fejlede forespørgsler (ingen 5xx)"
    if not any(row["requests"] for row in rows):
        return 1, "ingen forespørgsler"
    return 0, "ingen fejl, ingen 5xx"


# -- the run -------------------------------------------------------------------------------------


def _environment():
    """Every process serves this worktree's code (src first) and can import benchmarks/."""
    paths = [str(ROOT / "src"), str(ROOT)]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)


def _threads(instance, threads):
    ini = instance.dir / "etc" / "zope.ini"
    text = ini.read_text()
    if "threads = 4" not in text:
        raise RuntimeError(f"{ini}: no 'threads = 4' to change")
    ini.write_text(text.replace("threads = 4", f"threads = {threads}"))


def _checked(result, what):
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
        raise RuntimeError(f"{what} fejlede (exit {result.returncode})")
    return result


def _warm_up(instances, targets):
    """Each GET page twice per instance as the user the run logs in as (not counted): the first
    fills the caches, the second is timed, one request alone on the instance. Returns the
    median of those times over the instances per page (locust's names)."""
    import statistics

    import requests

    site, year = targets["site"], targets["year"]
    worker_name, worker = sorted(targets["case_workers"].items())[0]
    approver = targets["approvers"]["teamleder"]
    worker_auth = (worker_name, worker["password"])
    pages = [
        ("GET Sager (sagsliste)", f"{site}/sager", worker_auth),
        ("GET Sag", worker["cases"][0], worker_auth),
        ("GET Bevilling", worker["appropriations"][0], worker_auth),
        ("GET Til godkendelse", f"{site}/@@bos-my-approvals", ("teamleder", approver["password"])),
        (
            "GET Bevilling (afgørelse)",
            approver["appropriations"][0],
            ("teamleder", approver["password"]),
        ),
        ("GET Overblik", f"{site}/@@bos-overview?year={year}", ("ledelse", "bosdemo2026")),
        (
            "GET Overblik, CSV",
            f"{site}/@@bos-overview-export?table=months&format=csv&year={year}",
            ("ledelse", "bosdemo2026"),
        ),
    ]
    alone = {}
    for instance in instances:
        root = instance.base.rsplit("/", 1)[0]
        for name, page, auth in pages:
            for timed in (False, True):
                started = time.perf_counter()
                status = requests.get(root + page, auth=auth, timeout=300).status_code
                if status != 200:
                    raise RuntimeError(f"opvarmning: {page} svarede {status}")
                if timed:
                    alone.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    return {name: round(statistics.median(times)) for name, times in alone.items()}


def run():
    from tests.storage.servers import Instance
    from tests.storage.servers import ZeoServer
    from tests.storage.servers import remove

    _environment()
    users = os.environ.get("LOAD_USERS", "20")
    rate = os.environ.get("LOAD_RATE", "5")
    seconds = os.environ.get("LOAD_SECONDS", "60")
    threads = int(os.environ.get("LOAD_THREADS", "2"))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bos-load-"))
    server, instances = None, []
    started = time.perf_counter()
    try:
        server = ZeoServer(tmp)
        instances = [Instance(tmp, name, server.settings()) for name in ("a", "b")]
        for instance in instances:
            _threads(instance, threads)
        a = instances[0]
        print(f"ZEO på {server.address}; opretter sitet med demodata ...", flush=True)
        _checked(a.zconsole("create_site.py", DEMO="1"), "create_site.py")
        target_file = tmp / "targets.json"
        setup = subprocess.Popen(
            [str(BIN / "zconsole"), "run", str(a.conf), str(ROOT / "benchmarks/load_setup.py")],
            env={**a.env, "LOAD_TARGETS": str(target_file)},
            cwd=a.dir,
        )
        if setup.wait(timeout=3600) != 0:
            raise RuntimeError(f"load_setup.py fejlede (exit {setup.returncode})")
        targets = json.loads(target_file.read_text())
        for instance in instances:
            instance.serve()
        alone = _warm_up(instances, targets)
        setup_seconds = round(time.perf_counter() - started)
        roots = [instance.base.rsplit("/", 1)[0] for instance in instances]
        prefix = RESULTS_DIR / "locust"
        load_before = os.getloadavg()
        print(f"Belastning: {users} brugere i {seconds} s mod {', '.join(roots)}", flush=True)
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "-u",
                users,
                "-r",
                rate,
                "-t",
                f"{seconds}s",
                "--host",
                roots[0],
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            env={
                **os.environ,
                "LOAD_TARGETS": str(target_file),
                "LOAD_HOSTS": ",".join(roots),
            },
            cwd=ROOT,
        )
        load_after = os.getloadavg()
    finally:
        for instance in instances:
            instance.stop()
        if server is not None:
            server.stop()
        remove(tmp)
    rows, failures = read_stats(prefix), read_failures(prefix)
    status, message = verdict(rows, failures)
    results = {
        "users": int(users),
        "spawn_rate": float(rate),
        "seconds": int(seconds),
        "threads_per_instance": threads,
        "instances": 2,
        "counts": targets["counts"],
        "grants_available": len(targets["approvers"]["teamleder"]["grants"]),
        "setup_seconds": setup_seconds,
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "locust_exit": locust.returncode,
        "alone_ms": alone,
        "pages": rows,
        "failures": failures,
        "server_errors": server_errors(failures),
        "verdict": message,
    }
    (RESULTS_DIR / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print()
    print(table(rows, alone))
    print()
    for item in failures:
        print(f"FEJL {item['occurrences']} x {item['method']} {item['name']}: {item['error']}")
    print(
        f"Maskinens belastning (1/5/15 min): før {results['load_average_before']}, "
        f"efter {results['load_average_after']}"
    )
    print(f"Resultat: {message} (var/load/results.json)")
    return status


def main():
    # A stop from outside (SIGTERM) still ends the servers: it unwinds through run()'s finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(run())


if __name__ == "__main__":
    main()
