"""One clock: the product's day and local time come from ``engine.clock`` only.

The journal's entries and history records are stamped with the real instant in UTC (an audit
trail, never the day a test or job runs as); cache buckets count real seconds. Nothing else in
src or tests asks the system for the date or time.
"""

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
CLOCK = ROOT / "src" / "os2bos_plone" / "engine" / "clock.py"
#: Reads of the system's day or time.
SYSTEM_CLOCK = re.compile(
    r"\b(date\.today\(|datetime\.(now|today|utcnow)\(|DateTime\(\)|activities\.today\b)"
)
#: What may read it: the clock itself and the journal's UTC instants.
ALLOWED = {
    (CLOCK, "datetime.now("),
    (ROOT / "src" / "os2bos_plone" / "journal" / "storage.py", "datetime.now(UTC)"),
    # the read audit log stamps the real instant of a read, as the journal does
    (ROOT / "src" / "os2bos_plone" / "audit" / "log.py", "datetime.now(UTC)"),
}


def _reads():
    for folder in ("src", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == Path(__file__):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = SYSTEM_CLOCK.search(line)
                if match is None:
                    continue
                if any(path == allowed and text in line for allowed, text in ALLOWED):
                    continue
                yield f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


def test_nothing_but_the_clock_reads_the_system_day():
    assert list(_reads()) == []
