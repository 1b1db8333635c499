"""Spreadsheet round trip and OS2BOS migration into a real site."""

import io
import os
from pathlib import Path

import openpyxl
import pytest
from plone import api

from os2bos_plone.classification.importer import export_workbook
from os2bos_plone.classification.importer import import_os2bos
from os2bos_plone.classification.importer import import_workbook
from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import find_classification
from os2bos_plone.security.teams import team_group_id

OS2BOS_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "os2bos-data"


def _edit_workbook(data, sheet, edit):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook[sheet])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _column(worksheet, label):
    for cell in worksheet[1]:
        if cell.value == label:
            return cell.column
    raise KeyError(label)


def test_unchanged_workbook_reports_no_changes(manager):
    result = import_workbook(export_workbook(), dry_run=True)
    assert result.errors == []
    assert result.report.is_empty, result.report.detail_lines()


def test_changed_title_is_reported_then_applied(manager):
    def rename(sheet):
        sheet.cell(row=2, column=_column(sheet, "Titel")).value = "Ny titel på ydelsen"

    data = _edit_workbook(export_workbook(), "Ydelser", rename)
    preview = import_workbook(data, dry_run=True)
    assert preview.errors == [] and not preview.applied
    assert len(preview.report["services"].changed) == 1
    (service_id,) = preview.report["services"].changed
    assert by_key("bos_service", service_id).title != "Ny titel på ydelsen"
    applied = import_workbook(data, dry_run=False)
    assert applied.applied
    assert by_key("bos_service", service_id).title == "Ny titel på ydelsen"
    assert import_workbook(export_workbook(), dry_run=True).report.is_empty


def test_one_bad_row_writes_nothing_and_names_the_row(manager):
    def break_rows(sheet):
        sheet.cell(row=2, column=_column(sheet, "Navn")).value = "Ændret navn A/S"
        sheet.cell(row=5, column=_column(sheet, "CVR")).value = "25052944"

    before = {b.bos_key: b.Title for b in find_classification("bos_service_provider")}
    result = import_workbook(
        _edit_workbook(export_workbook(), "Leverandører", break_rows), dry_run=False
    )
    assert result.applied is False
    assert any("række 5" in error and "25052944" in error for error in result.errors), result.errors
    after = {b.bos_key: b.Title for b in find_classification("bos_service_provider")}
    assert after == before


@pytest.mark.skipif(
    not OS2BOS_DATA.is_dir() and not os.environ.get("CI"), reason="../shared/os2bos-data mangler"
)
def test_os2bos_installation_imports(manager):
    assert OS2BOS_DATA.is_dir(), "../shared/os2bos-data mangler"
    seed_sections = len(find_classification("bos_section"))
    seed_services = len(find_classification("bos_service"))
    seed_providers = len(find_classification("bos_service_provider"))
    result = import_os2bos(OS2BOS_DATA, dry_run=False)
    assert result.errors == []
    assert result.applied
    assert len(result.report["sections"].added) == 146
    assert len(result.report["services"].added) == 82
    assert len(result.report["service_providers"].added) == 421
    assert len(find_classification("bos_section")) == seed_sections + 146
    assert len(find_classification("bos_service")) == seed_services + 82
    assert len(find_classification("bos_service_provider")) == seed_providers + 421
    assert sum("kontrolciffer" in warning for warning in result.warnings) == 16
    section = by_key("bos_section", "SEL-52-3.7")
    assert section is not None and section.law_name == "Serviceloven"
    # The same import again changes nothing.
    again = import_os2bos(OS2BOS_DATA, dry_run=True)
    assert again.errors == [] and again.report.is_empty, again.report.detail_lines()[:5]
    assert api.content.get_state(section) == "active"


def test_applied_team_rows_reach_the_team_groups(manager):
    """An import is an edit of the regelmotor: the teams' groups follow it (security subscribes
    to the regelmotor's modified event; classification does not import security)."""

    def rename(sheet):
        sheet.cell(row=2, column=_column(sheet, "Titel")).value = "Omdøbt team"

    data = _edit_workbook(export_workbook(), "Teams", rename)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Teams"]
    key = sheet.cell(row=2, column=_column(sheet, "Nøgle")).value
    assert import_workbook(data, dry_run=False).applied
    group = api.group.get(groupname=team_group_id(key))
    assert group is not None
    assert group.getProperty("title") == "Team: Omdøbt team"
