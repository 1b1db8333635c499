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

import os
import tempfile
from datetime import date
from datetime import datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path

from openpyxl.utils import get_column_letter
from ZPublisher.Iterators import filestream_iterator

from os2bos_plone.engine.cells import csv_text
from os2bos_plone.reports.columns import CASE_COLUMNS
from os2bos_plone.reports.columns import PAYMENT_COLUMNS
from os2bos_plone.reports.rows import KINDS
from os2bos_plone.reports.rows import VARIABLE_POSITIONS
from os2bos_plone.reports.rows import Cells
from os2bos_plone.reports.rows import Stats
from os2bos_plone.reports.rows import case_rows
from os2bos_plone.reports.rows import payment_rows
from os2bos_plone.reports.xlsx import MARK
from os2bos_plone.reports.xlsx import SheetWriter
from os2bos_plone.reports.xlsx import cell as xlsx_cell

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: report name -> (header, rows(cells, stats, today))
REPORTS = {
    "expected_payments_3": (
        PAYMENT_COLUMNS,
        lambda cells, stats, today: payment_rows("expected", today, stats=stats, cells=cells),
    ),
    "granted_payments_3": (
        PAYMENT_COLUMNS,
        lambda cells, stats, today: payment_rows("granted", today, stats=stats, cells=cells),
    ),
    "expected_cases_0": (
        CASE_COLUMNS,
        lambda cells, stats, today: case_rows(stats=stats, cells=cells),
    ),
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


def _csv_quoted(text):
    """A field as the csv module writes it (``;``, QUOTE_MINIMAL, doubled quotes, CRLF): in
    quotes when it holds the delimiter, a quote or a line break."""
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_field_text(value):
    return _csv_quoted(csv_text(value))


#: Fields of these types never hold a delimiter, quote or line break: no quoting to check.
_CSV_FIELD_BY_TYPE = {**_CSV_BY_TYPE, str: _csv_field_text}


def csv_field(value):
    """A cell as it stands in the CSV file: :func:`csv_cell`, quoted as the csv module does."""
    convert = _CSV_FIELD_BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    return _csv_quoted(csv_cell(value))


class CsvCells(Cells):
    """The reports' rows as lines of the CSV file. The fixed cells of an activity's payment
    rows are written into a line pattern once per activity, so a payment's line is its
    variable cells put into that pattern: the csv module's writer, one call per cell of 49
    per row, was the largest part of a payments report's time."""

    def __init__(self):
        super().__init__(csv_field)
        self.decimal = _csv_decimal

    def row(self, cells):
        return ";".join(cells) + "\r\n"

    def payment_maker(self, template):
        parts = ["" if cell is None else cell.replace("%", "%%") for cell in template]
        for position in VARIABLE_POSITIONS:
            parts[position] = "%s"
        return (";".join(parts) + "\r\n").__mod__


def write_csv(name, target, today=None, batch=2000):
    """Write the report ``name`` as CSV to the binary file ``target``; returns its Stats."""
    header, rows = REPORTS[name]
    stats = Stats()
    cells = CsvCells()
    target.write(("\ufeff" + cells.row([csv_field(title) for title in header])).encode("utf-8"))
    lines = rows(cells, stats, today)
    while chunk := list(islice(lines, batch)):
        target.write("".join(chunk).encode("utf-8"))
    return stats


class XlsxCells(Cells):
    """The reports' rows as the XML of their cells for SheetWriter.append_marked: the fixed
    cells of an activity's payment rows are written into a pattern once per activity."""

    def __init__(self, columns):
        super().__init__(xlsx_cell)
        self.starts = [f'<c r="{get_column_letter(n)}{MARK}"' for n in range(1, columns + 1)]

    def row(self, cells):
        return "".join(
            [
                start + cell
                for start, cell in zip(self.starts, cells, strict=False)
                if cell is not None
            ]
        )

    def payment_maker(self, template):
        parts = [
            "" if cell is None else (start + cell).replace("%", "%%")
            for start, cell in zip(self.starts, template, strict=True)
        ]
        for position in VARIABLE_POSITIONS:
            parts[position] = "%s"
        pattern = "".join(parts)
        starts = [self.starts[position] for position in VARIABLE_POSITIONS]

        def make(values):
            return pattern % tuple(
                [
                    "" if cell is None else start + cell
                    for start, cell in zip(starts, values, strict=True)
                ]
            )

        return make


def write_xlsx(name, target, today=None):
    """Write the report ``name`` as an XLSX workbook to the binary file ``target``."""
    header, rows = REPORTS[name]
    stats = Stats()
    sheet = SheetWriter(target, name, len(header))
    sheet.append([xlsx_cell(title) for title in header])
    for row in rows(XlsxCells(len(header)), stats, today):
        sheet.append_marked(row)
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
