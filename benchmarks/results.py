"""How the phases of ``make bench`` hand their figures to the driver (benchmarks.run): each phase
prints one line, RESULT_PREFIX + JSON; the build's state and the collected results are kept as
JSON files beside the bench's database."""

import json

from benchmarks import zope_env

RESULT_PREFIX = "BENCH-RESULT "
STATE = zope_env.BENCH_DIR / "build.json"
RESULTS = zope_env.BENCH_DIR / "results.json"


def emit(result):
    print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)
