"""What the read audit log costs a case view: 200 renderings of the case view with the audit
writer on and off (alternating rounds, in-process). Not collected by the suite; run it by path:
``PYTHONPATH=src .venv/bin/pytest -q -s tests/bench/measure_audit.py``."""

import statistics
import time

from tests.builders import make_case
from tests.builders import view

from os2bos_plone.audit import log

VIEWS = 200
ROUNDS = 5


def test_case_view_with_and_without_the_audit_log(manager, tmp_path, monkeypatch):
    monkeypatch.setenv("BOS_AUDIT_DIR", str(tmp_path))
    case = make_case(manager)
    page = view(manager, "bos-case-view", case)
    page()  # warm the caches

    def run(enabled):
        log.enabled = enabled
        start = time.perf_counter()
        for _ in range(VIEWS):
            page()
        elapsed = time.perf_counter() - start
        log.flush()
        return elapsed

    times = {True: [], False: []}
    try:
        for _ in range(ROUNDS):
            for enabled in (False, True):
                times[enabled].append(run(enabled))
    finally:
        log.enabled = True
    off = statistics.median(times[False])
    on = statistics.median(times[True])
    start = time.perf_counter()
    for _ in range(VIEWS):
        log.record("bench", "case_view", case_uid="u", case_sbsys="s")
    queued = time.perf_counter() - start
    log.flush()
    lines = sum(len(path.read_text().splitlines()) for path in tmp_path.iterdir())
    print(
        f"\n{VIEWS} case views, median of {ROUNDS} rounds: without audit {off * 1000:.1f} ms "
        f"({off / VIEWS * 1000:.2f} ms a view), with audit {on * 1000:.1f} ms "
        f"({on / VIEWS * 1000:.2f} ms a view), difference {(on - off) / off * 100:+.1f} %; "
        f"record() alone {queued / VIEWS * 1e6:.1f} µs an entry; {lines} lines written"
    )
    assert lines == 1 + VIEWS * ROUNDS + VIEWS  # the warm-up view, the rounds with it on, record()
