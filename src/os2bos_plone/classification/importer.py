"""Importing classification rows into the site: the one path for spreadsheets and OS2BOS data.

Diff against the site, validate what would change (unchanged legacy rows are not refused again),
and write nothing unless every row is valid and the caller asked for more than a dry run.
"""

from dataclasses import dataclass
from dataclasses import field

from os2bos_plone.classification.rows import apply_rows
from os2bos_plone.classification.rows import site_rows
from os2bos_plone.engine import clock
from os2bos_plone.interchange.os2bos import flagged_keys
from os2bos_plone.interchange.os2bos import read_os2bos_fixtures
from os2bos_plone.interchange.rows import ChangeReport
from os2bos_plone.interchange.rows import diff_rows
from os2bos_plone.interchange.rows import row_keys
from os2bos_plone.interchange.rows import validate_rows
from os2bos_plone.interchange.workbook import read_workbook
from os2bos_plone.interchange.workbook import write_workbook


@dataclass
class ImportResult:
    report: ChangeReport
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    applied: bool = False
    counts: dict = field(default_factory=dict)

    def as_dict(self):
        return {
            "applied": self.applied,
            "changes": not self.report.is_empty,
            "summary": self.report.summary_lines(),
            "details": self.report.detail_lines(include_not_in_import=False),
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


def import_rows(rows, dry_run=True, trusted=None, warnings=(), progress=None):
    """Compare, validate and (unless dry_run) apply classification rows.

    ``trusted``: keys per kind accepted without per-row checks, e.g. OS2BOS providers whose CVR
    check digit fails (a real installation has some; they must still load, flagged).
    """
    current = site_rows()
    report = diff_rows(current, rows)
    only = report.changed_keys()
    for kind, keys in (trusted or {}).items():
        if kind in only:
            only[kind] = only[kind] - set(keys)
    errors = [
        error.message for error in validate_rows(rows, existing_keys=row_keys(current), only=only)
    ]
    result = ImportResult(report=report, errors=errors, warnings=list(warnings))
    if errors or dry_run or report.is_empty:
        return result
    changes = {}
    for kind, kind_changes in report.kinds.items():
        if kind_changes.is_empty:
            continue
        if kind_changes.meta.key is None:
            changes[kind] = kind_changes.rule_list
        else:
            keys = [*kind_changes.added, *kind_changes.changed]
            changes[kind] = [kind_changes.rows[key] for key in keys]
    result.counts = apply_rows(changes, progress=progress)
    result.applied = True
    return result


def import_workbook(data, dry_run=True, progress=None):
    parsed = read_workbook(data)
    rows, sheet_errors = parsed
    if sheet_errors:
        return ImportResult(
            report=diff_rows({}, {}),
            errors=[error.message for error in sheet_errors],
            warnings=[warning.message for warning in parsed.warnings],
        )
    return import_rows(
        rows,
        dry_run=dry_run,
        warnings=[warning.message for warning in parsed.warnings],
        progress=progress,
    )


def import_os2bos(directory, dry_run=True, progress=None):
    rows, warnings = read_os2bos_fixtures(directory, progress=progress)
    return import_rows(
        rows,
        dry_run=dry_run,
        trusted=flagged_keys(warnings),
        warnings=[warning.message for warning in warnings],
        progress=progress,
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_workbook(response):
    """The classification as a workbook download: the body, with the headers set on the
    response (the intranet's export screen and @bos-classification-export send the same)."""
    data = export_workbook()
    name = f"regelmotor-{clock.today().isoformat()}.xlsx"
    response.setHeader("Content-Type", XLSX)
    response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
    response.setHeader("Content-Length", str(len(data)))
    return data


def export_workbook():
    return write_workbook(site_rows())
