"""The reports as files: CSV as Danish Excel reads it, or XLSX, written row by row.

CSV is what the product's other exports write (the management overview, the audit log):
``;`` between cells, UTF-8 with a byte order mark, CRLF, decimal comma without thousands
separators, dates as ÅÅÅÅ-MM-DD, "ja"/"nej" for yes/no, and a
``'`` before a text a spreadsheet would run as a formula (engine.cells). XLSX (reports.xlsx, a
streaming writer: openpyxl's write-only mode is ten times too slow for a municipality's report)
holds numbers as numbers, dates as dates and every text as an inline string, never a formula.
The header row is the spec's column names (reports.columns).

Names as OS2BOS wrote them, so the municipality's readers of its report folder find them:
``expected_payments_3``, ``granted_payments_3`` (version 3 of the columns) and
``expected_cases_0``.
"""

import csv
import os
import tempfile
from datetime import date
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from ZPublisher.Iterators import filestream_iterator

from os2bos_plone.engine.cells import csv_text
from os2bos_plone.reports.columns import CASE_COLUMNS
from os2bos_plone.reports.columns import PAYMENT_COLUMNS
from os2bos_plone.reports.rows import KINDS
from os2bos_plone.reports.rows import Stats
from os2bos_plone.reports.rows import case_rows
from os2bos_plone.reports.rows import payment_rows
from os2bos_plone.reports.xlsx import SheetWriter
from os2bos_plone.reports.xlsx import cell as xlsx_cell

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: report name -> (header, rows(convert, stats, today))
REPORTS = {
    "expected_payments_3": (
        PAYMENT_COLUMNS,
        lambda convert, stats, today: payment_rows("expected", today, convert, stats),
    ),
    "granted_payments_3": (
        PAYMENT_COLUMNS,
        lambda convert, stats, today: payment_rows("granted", today, convert, stats),
    ),
    "expected_cases_0": (CASE_COLUMNS, lambda convert, stats, today: case_rows(convert, stats)),
}
NIGHTLY = tuple(REPORTS)


def report_name(report, kind=None):
    """The file name (without extension) of ``report`` ("payments" or "cases")."""
    if report == "cases":
        return "expected_cases_0"
    return f"{kind}_payments_3"


# -- cells -----------------------------------------------------------------------------------


def _csv_decimal(value):
    return f"{value:f}".replace(".", ",")


_CSV_BY_TYPE = {
    type(None): lambda value: "",
    str: lambda value: csv_text(value),
    Decimal: _csv_decimal,
    bool: lambda value: "ja" if value else "nej",
    int: str,
    float: lambda value: str(value).replace(".", ","),
    date: date.isoformat,
    datetime: lambda value: value.strftime("%Y-%m-%d %H:%M:%S"),
}


def csv_cell(value):
    """A cell as Danish Excel reads a CSV file."""
    convert = _CSV_BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(str(value))


# -- writing ---------------------------------------------------------------------------------


def write_csv(name, target, today=None):
    """Write the report ``name`` as CSV to the binary file ``target``; returns its Stats."""
    header, rows = REPORTS[name]
    stats = Stats()
    stream = _TextOut(target)
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    stream.write("\ufeff")
    writer.writerow([csv_text(title) for title in header])
    writer.writerows(rows(csv_cell, stats, today))
    stream.flush()
    return stats


class _TextOut:
    """A text writer over a binary file that encodes in chunks of about 64 KiB."""

    def __init__(self, target, size=1 << 16):
        self.target = target
        self.size = size
        self.parts = []
        self.length = 0

    def write(self, text):
        self.parts.append(text)
        self.length += len(text)
        if self.length >= self.size:
            self.flush()

    def flush(self):
        if self.parts:
            self.target.write("".join(self.parts).encode("utf-8"))
            self.parts = []
            self.length = 0


def write_xlsx(name, target, today=None):
    """Write the report ``name`` as an XLSX workbook to the binary file ``target``."""
    header, rows = REPORTS[name]
    stats = Stats()
    sheet = SheetWriter(target, name, len(header))
    sheet.append([xlsx_cell(title) for title in header])
    for row in rows(xlsx_cell, stats, today):
        sheet.append(row)
    sheet.close()
    return stats


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def write_temporary(name, fmt, today=None, folder=None):
    """Write the report to a new temporary file (in ``folder``); returns (path, Stats). The
    caller removes the file."""
    handle, path = tempfile.mkstemp(prefix=f".{name}-", suffix=f".{fmt}", dir=folder)
    try:
        with os.fdopen(handle, "wb") as target:
            stats = WRITERS[fmt](name, target, today)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    return Path(path), stats


def write_folder(folder, today=None, names=NIGHTLY, fmt="csv"):
    """The nightly files: each report written to ``folder`` atomically (a temporary file in the
    folder, renamed over the old one). A report without rows writes no file, and an older file
    of it is removed, so the folder never shows rows that are no longer true. Returns
    {name: rows}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in names:
        final = folder / f"{name}.{fmt}"
        path, stats = write_temporary(name, fmt, today, folder)
        if stats.rows:
            os.chmod(path, 0o640)
            os.replace(path, final)
        else:
            path.unlink(missing_ok=True)
            final.unlink(missing_ok=True)
        counts[name] = stats.rows
    return counts


#: The reports a user downloads (``@bos-report/<report>``, ``@@bos-report?report=``).
DOWNLOADS = ("payments", "cases")
MSG_REPORT = "Angiv »report« som payments eller cases."
MSG_KIND = "Angiv »kind« som expected eller granted."
MSG_FORMAT = "Angiv »format« som csv eller xlsx."


def download_errors(report, kind, fmt):
    """[(field, Danish message)] for a download asked for; empty when it can be written."""
    errors = []
    if report not in DOWNLOADS:
        errors.append(("report", MSG_REPORT))
    if report == "payments" and kind not in KINDS:
        errors.append(("kind", MSG_KIND))
    if fmt not in FORMATS:
        errors.append(("format", MSG_FORMAT))
    return errors


def send(response, report, kind, fmt):
    """Write the report to a temporary file and make it the response's body (the one way both
    the screen and REST download it). Returns (body, Stats, file name); the caller audit-logs it.

    The rows go to a file that is then sent in chunks: a body written with ``response.write``
    would stay in memory until the request ends under WSGI, and a stream iterator may not read
    the database.
    """
    name = report_name(report, kind)
    path, stats = write_temporary(name, fmt)
    filename = f"{name}.{fmt}"
    response.setHeader("Content-Type", CONTENT_TYPES[fmt])
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
    response.setHeader("Cache-Control", "private, no-store")
    body = filestream_iterator(str(path), "rb")
    # The open file keeps its data; its name goes now, so nothing is left behind.
    os.unlink(path)
    response.setHeader("Content-Length", str(len(body)))
    return body, stats, filename
