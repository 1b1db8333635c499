"""@bos-classification-export and @bos-classification-import on the regelmotor over HTTP."""

import base64
import io

import openpyxl

from tests.services.test_errors import shaped

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _column(worksheet, label):
    for cell in worksheet[1]:
        if cell.value == label:
            return cell.column
    raise KeyError(label)


def _edit(data, sheet_name, edit):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook[sheet_name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export(session):
    # A REST call like any other (Accept: application/json); the answer is the workbook.
    response = session.get(f"{session.base}/regelmotor/@bos-classification-export")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    return response.content


def import_(session, data, dry_run=True):
    return session.post(
        f"{session.base}/regelmotor/@bos-classification-import",
        json={"data": base64.b64encode(data).decode("ascii"), "dry_run": dry_run},
    )


def test_export_is_a_workbook_and_its_dry_run_changes_nothing(http):
    admin = http("regelmotor-rest", roles=["BOSClassificationAdmin"])
    data = export(admin)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert {"Ydelser", "Leverandører"} <= set(workbook.sheetnames)

    response = import_(admin, data)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["applied"], result["changes"], result["errors"]) == (False, False, [])


def test_changed_title_is_reported_then_applied(http):
    admin = http("regelmotor-rest", roles=["BOSClassificationAdmin"])

    def rename(sheet):
        sheet.cell(row=2, column=_column(sheet, "Titel")).value = "Ny titel via REST"

    data = _edit(export(admin), "Ydelser", rename)
    preview = import_(admin, data).json()
    assert (preview["applied"], preview["changes"]) == (False, True)
    assert "Ny titel via REST" not in export_titles(admin)
    applied = import_(admin, data, dry_run=False)
    assert applied.status_code == 200, applied.text
    assert applied.json()["applied"] is True
    assert "Ny titel via REST" in export_titles(admin)


def export_titles(session):
    workbook = openpyxl.load_workbook(io.BytesIO(export(session)))
    sheet = workbook["Ydelser"]
    column = _column(sheet, "Titel")
    return {row[column - 1] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_a_bad_row_writes_nothing_and_names_the_row(http):
    admin = http("regelmotor-rest", roles=["BOSClassificationAdmin"])
    before = export(admin)

    def break_rows(sheet):
        sheet.cell(row=2, column=_column(sheet, "Navn")).value = "Ændret navn A/S"
        sheet.cell(row=5, column=_column(sheet, "CVR")).value = "25052944"

    response = import_(admin, _edit(before, "Leverandører", break_rows), dry_run=False)
    body = shaped(response, 400, "ValidationError")
    messages = [error["message"] for error in body["errors"]]
    assert any("række 5" in message and "25052944" in message for message in messages), body
    after = import_(admin, before).json()
    assert (after["changes"], after["errors"]) == (False, [])


def test_not_a_workbook_is_a_bad_request(http):
    admin = http("regelmotor-rest", roles=["BOSClassificationAdmin"])
    body = shaped(import_(admin, b"not a workbook"), 400, "ValidationError")
    assert "xlsx" in body["message"]


def test_case_worker_gets_403_in_the_shape(http):
    worker = http("signe-regelmotor", roles=["BOSCaseWorker"])
    message = "Du har ikke adgang til at ændre regelmotoren."
    exported = worker.get(f"{worker.base}/regelmotor/@bos-classification-export")
    assert shaped(exported, 403, "Forbidden")["message"] == message
    imported = import_(worker, b"x")
    assert shaped(imported, 403, "Forbidden")["message"] == message
