"""``make load`` cannot rot silently: its locustfile imports and defines the three kinds of users
with their pages, and the run's verdict finds a 5xx in the CSV files locust itself writes.

Locust patches the standard library with gevent when imported, so it runs in a subprocess here,
never in the test process."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from benchmarks import load

ROOT = Path(__file__).resolve().parents[2]

# Imports the locustfile, lists its users and tasks, and writes locust's CSV files (through
# locust's own writer) for a run with the failures given in argv[2] (status codes).
PROBE = textwrap.dedent(
    """
    import csv, inspect, json, sys
    from locust import HttpUser
    from locust.env import Environment
    from locust.exception import CatchResponseError
    from locust.stats import PERCENTILES_TO_REPORT, StatsCSV
    from benchmarks import locustfile

    users = {
        cls.__name__: {
            "weight": cls.weight,
            "role": cls.role,
            "tasks": sorted({task.__name__ for task in cls.tasks}),
        }
        for _name, cls in inspect.getmembers(locustfile, inspect.isclass)
        if issubclass(cls, HttpUser) and not cls.abstract
    }
    env = Environment(user_classes=[])
    for _ in range(10):
        env.stats.log_request("GET", "Sag", 120, 5000)
    for status in json.loads(sys.argv[2]):
        env.stats.log_request("GET", "Sag", 300, 100)
        message = locustfile.failure_message(status, "Fejl på siden 27.24.00-G01-500-25")
        env.stats.log_error("GET", "Sag", CatchResponseError(message))
    writer = StatsCSV(env, PERCENTILES_TO_REPORT)
    with open(sys.argv[1] + "_stats.csv", "w", newline="") as stream:
        writer.requests_csv(csv.writer(stream))
    with open(sys.argv[1] + "_failures.csv", "w", newline="") as stream:
        writer.failures_csv(csv.writer(stream))
    print(json.dumps(users))
    """
)


def probe(prefix, statuses=()):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(prefix), json.dumps(list(statuses))],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_locustfile_defines_case_workers_approvers_and_management(tmp_path):
    users = probe(tmp_path / "run")
    assert set(users) == {"CaseWorker", "Approver", "Management"}
    assert users["CaseWorker"]["tasks"] == [
        "case_list",
        "case_view",
        "cost_preview",
        "grant_view",
        "save_activity",
    ]
    assert users["Approver"]["tasks"] == ["awaiting", "decision_view", "grant"]
    assert users["Management"]["tasks"] == ["overview", "overview_csv"]
    assert users["CaseWorker"]["weight"] > users["Approver"]["weight"]
    assert users["Approver"]["weight"] >= users["Management"]["weight"]
    # The roles are the sections benchmarks/load_setup.py writes into the targets.
    setup = (ROOT / "benchmarks" / "load_setup.py").read_text()
    for role in ("case_workers", "approvers", "management"):
        assert {users[name]["role"] for name in users} >= {role}
        assert f'"{role}"' in setup


def test_a_clean_run_passes(tmp_path):
    probe(tmp_path / "run")
    rows = load.read_stats(tmp_path / "run")
    failures = load.read_failures(tmp_path / "run")
    (page,) = [row for row in rows if row["name"] == "Sag"]
    assert (page["method"], page["requests"], page["failures"]) == ("GET", 10, 0)
    assert page["p50"] == 120 and page["p95"] == 120
    assert load.server_errors(failures) == 0
    assert load.verdict(rows, failures) == (0, "ingen fejl, ingen 5xx")
    assert "| GET Sag | 10 | 0 | 120 | 120 |" in load.table(rows)


def test_a_server_error_fails_the_run(tmp_path):
    probe(tmp_path / "run", statuses=[500, 503, 409])
    rows = load.read_stats(tmp_path / "run")
    failures = load.read_failures(tmp_path / "run")
    assert load.server_errors(failures) == 2
    assert load.verdict(rows, failures) == (1, "2 svar med status 5xx")


def test_other_failures_fail_the_run_but_are_no_5xx(tmp_path):
    # The page text names case 500: only the status counts, not a number in the message.
    probe(tmp_path / "run", statuses=[409, 404])
    rows = load.read_stats(tmp_path / "run")
    failures = load.read_failures(tmp_path / "run")
    assert load.server_errors(failures) == 0
    assert load.verdict(rows, failures) == (1, "2 fejlede forespørgsler (ingen 5xx)")


def test_requests_own_http_errors_count_as_5xx():
    failures = [
        {
            "method": "GET",
            "name": "Sag",
            "error": "HTTPError('502 Server Error: x')",
            "occurrences": 3,
        },
        {"method": "GET", "name": "Sag", "error": "ConnectionError('sag-500')", "occurrences": 1},
    ]
    assert load.server_errors(failures) == 3
