"""The audit log's search (by case, user and period) and its CSV export, for @@bos-audit and
@bos-audit."""

import csv
import io
from datetime import date

from os2bos_plone.audit import log
from os2bos_plone.engine.cells import csv_text

MSG_DATE = "Ugyldig dato. Angiv datoen som ÅÅÅÅ-MM-DD."


def parse_filters(form):
    """(filters, errors) from a request's form: case, user, since, until (dates)."""

    def text(name):
        value = form.get(name)
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        return value.strip() if isinstance(value, str) else ""

    filters = {"case": text("case"), "user": text("user"), "since": None, "until": None}
    errors = []
    for name in ("since", "until"):
        value = text(name)
        if not value:
            continue
        try:
            filters[name] = date.fromisoformat(value)
        except ValueError:
            errors.append({"field": name, "message": MSG_DATE})
    return filters, errors


def search(filters):
    return log.read_entries(
        case=filters["case"],
        user=filters["user"],
        since=filters["since"],
        until=filters["until"],
    )


def to_csv(entries):
    """The entries as CSV (semicolons, Danish headers); every cell formula-safe."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(log.CSV_HEADER)
    for entry in entries:
        row = [str(entry.get(column, "") or "") for column in log.COLUMNS]
        row[4] = log.WHAT_TITLES.get(row[4], row[4])
        writer.writerow([csv_text(cell) for cell in row])
    return "\ufeff" + output.getvalue()
