"""The audit log's files: append-only JSON lines, written in batches by one background thread.

One file per day and per process (``<dir>/<YYYY-MM-DD>.<host>-<pid>.jsonl``), so processes never
write the same file and a day's file is never opened again once the day is over. The directory is
``BOS_AUDIT_DIR`` (default ``var/audit`` under the working directory). ``record`` only puts the
entry on a queue: a case view does not wait for the disk.
"""

import atexit
import json
import os
import queue
import socket
import threading
from datetime import UTC
from datetime import datetime

#: Entries are written at least this often (seconds).
FLUSH_INTERVAL = 1.0

_queue = queue.Queue()
_lock = threading.Lock()
_thread = None
#: Off: ``record`` drops the entry (the benchmark's baseline only).
enabled = True


def audit_dir():
    return os.environ.get("BOS_AUDIT_DIR") or os.path.join(os.getcwd(), "var", "audit")


def file_name(moment):
    return f"{moment.date().isoformat()}.{socket.gethostname()}-{os.getpid()}.jsonl"


def now():
    # The real moment of the read, as the journal keeps it (not the product's clock).
    return datetime.now(UTC)


def record(user, what, case_uid="", case_sbsys="", detail=""):
    """Queue one entry: who (user id) saw what ("case_view", "case_rest", "child_view",
    "child_rest", "cpr_search", "export") of which case. Never pass a CPR number in ``detail``."""
    if not enabled:
        return
    _queue.put(
        {
            "time": now().isoformat(),
            "user": user or "",
            "case": case_uid or "",
            "case_sbsys": case_sbsys or "",
            "what": what,
            "detail": detail or "",
        }
    )
    _ensure_thread()


def _ensure_thread():
    global _thread
    if _thread is not None and _thread.is_alive():
        return
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="bos-audit-writer", daemon=True)
            _thread.start()


def _run():
    while True:
        try:
            first = _queue.get(timeout=FLUSH_INTERVAL)
        except queue.Empty:
            continue
        _write_batch(first)


def _write_batch(first=None):
    """Write what is on the queue (and ``first``), in one append per file."""
    batch = [first] if first is not None else []
    while True:
        try:
            batch.append(_queue.get_nowait())
        except queue.Empty:
            break
    if not batch:
        return
    with _lock:
        directory = audit_dir()
        os.makedirs(directory, exist_ok=True)
        by_file = {}
        for entry in batch:
            name = file_name(datetime.fromisoformat(entry["time"]))
            by_file.setdefault(name, []).append(entry)
        for name, entries in by_file.items():
            lines = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
            # "a": append only; what is written is never rewritten.
            with open(os.path.join(directory, name), "a", encoding="utf-8") as handle:
                handle.write(lines)
    for _entry in batch:
        _queue.task_done()


def flush():
    """Write every queued entry now (tests; and at exit), including a batch the writer thread
    is writing at this moment."""
    _write_batch()
    _queue.join()


atexit.register(flush)


def read_entries(case="", user="", since=None, until=None):
    """The entries of the directory's files that match, newest first.

    ``case`` is a case's SBSYS id or UID; ``since``/``until`` are dates (inclusive, the day of
    the file's name, UTC); files outside them are not opened."""
    flush()
    directory = audit_dir()
    if not os.path.isdir(directory):
        return []
    entries = []
    for name in os.listdir(directory):
        if not name.endswith(".jsonl"):
            continue
        day = name.split(".", 1)[0]
        if since and day < since.isoformat():
            continue
        if until and day > until.isoformat():
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if case and case not in (entry.get("case_sbsys"), entry.get("case")):
                    continue
                if user and entry.get("user") != user:
                    continue
                entries.append(entry)
    entries.sort(key=lambda entry: entry.get("time", ""), reverse=True)
    return entries


COLUMNS = ("time", "user", "case", "case_sbsys", "what", "detail")
CSV_HEADER = ("Tidspunkt", "Bruger", "Sag (UID)", "SBSYS-id", "Hvad", "Detaljer")
WHAT_TITLES = {
    "case_view": "Visning af sag",
    "case_rest": "Sag læst via REST",
    "child_view": "Visning af sagens bevilling, ydelse, journal eller brev",
    "child_rest": "Sagens bevilling, ydelse eller brev læst via REST",
    "cpr_search": "Søgning på CPR-nummer",
    "export": "Eksport med CPR-numre",
}
