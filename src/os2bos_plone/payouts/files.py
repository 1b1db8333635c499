"""The payment files a run made, kept in the site (who, when, what) and written to disk.

Kept in an OOBTree on the portal's annotations, keyed by file name: a file is never changed or
removed by the product. The text holds CPR numbers: only the payment office reads it.
"""

import logging
import os

from BTrees.OOBTree import OOBTree

from os2bos_plone.adapters.site_records import site_record
from os2bos_plone.engine import clock

FILES_KEY = "os2bos_plone.payment_files"
logger = logging.getLogger("os2bos_plone.payouts")


def keep(result, user_id):
    """Keep the run's file; returns the kept record."""
    record = {
        "filename": result.filename,
        "created": clock.instant().isoformat(),
        "user": user_id or "",
        "date": result.first_day.isoformat(),
        "dates": [day.isoformat() for day in result.dates],
        "payments": len(result.selected),
        "cases": result.case_count,
        "total": str(result.total),
        "content": result.content,
    }
    site_record(FILES_KEY, OOBTree)[result.filename] = record
    return record


def kept_files():
    """Every kept file's record without its text, newest first."""
    tree = site_record(FILES_KEY)
    if tree is None:
        return []
    records = [
        {name: value for name, value in record.items() if name != "content"}
        for record in tree.values()
    ]
    return sorted(records, key=lambda record: record["created"], reverse=True)


def kept_file(filename):
    tree = site_record(FILES_KEY)
    record = tree.get(filename) if tree is not None else None
    return dict(record) if record is not None else None


def write_after_commit(committed, record, folder):
    """After the commit: write the file where PRISME picks it up (never over another)."""
    if not committed:
        return
    try:
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, record["filename"])
        # "x": a file of the same name is never overwritten.
        with open(path, "x", encoding="utf-8", newline="") as handle:
            handle.write(record["content"])
        logger.info("PRISME file %s written: %s payments", path, record["payments"])
    except OSError:
        logger.exception(
            "PRISME file %s could not be written to %s; fetch it from @bos-prisme-files",
            record["filename"],
            folder,
        )
