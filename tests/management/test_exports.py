"""Every table as XLSX (openpyxl) and CSV (semicolons, UTF-8 with BOM, decimal comma)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from zExceptions import BadRequest

from os2bos_plone.browser.overview import ReportBuilder
from tests.builders import YEAR
from tests.builders import view


def export(portal, **form):
    export_view = view(portal, "bos-overview-export", year=YEAR, **form)
    body = export_view()
    return body, portal.REQUEST.response


def test_csv_as_danish_excel_reads_it(data):
    portal = data["portal"]
    body, response = export(portal, table="team", format="csv")
    assert response.getHeader("Content-Type").startswith("text/csv")
    assert f'filename="ledelsesinformation-team-{YEAR}.csv"' in response.getHeader(
        "Content-Disposition"
    )
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == ""
    header, *rows = [line.split(";") for line in lines[:-1]]
    assert header[:4] == ["Team", "Sager", f"Bevilget {YEAR}", f"Forventet {YEAR}"]
    assert [row[0] for row in rows] == ["Ungeteamet", "Familierådgivning Øst", "I alt"]
    table = ReportBuilder(YEAR, portal.REQUEST).build().table("team")
    for row, source in zip(rows, [*table.rows, table.total], strict=True):
        assert row[3] == f"{source['expected']:.2f}".replace(".", ",")
        assert "." not in row[3]  # no thousands separator, decimal comma
        assert Decimal(row[3].replace(",", ".")) == source["expected"]


def test_xlsx_opens_with_openpyxl_and_holds_numbers(data):
    portal = data["portal"]
    body, response = export(portal, table="section", format="xlsx")
    assert response.getHeader("Content-Type").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["Udgift pr. paragraf"]
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Paragraf"
    assert rows[-1][0] == "I alt"
    table = ReportBuilder(YEAR, portal.REQUEST).build().table("section")
    assert len(rows) == 1 + len(table.rows) + 1
    assert rows[-1][3] == pytest.approx(float(table.total["expected"]))
    assert sheet.cell(row=2, column=4).number_format == '#,##0.00 "kr."'


def test_all_tables_in_one_workbook(data):
    body, _response = export(data["portal"], table="all", format="xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert len(workbook.sheetnames) == 10
    assert f"Budget og prognose {YEAR}" in workbook.sheetnames
    months = workbook[f"Prognose måned for måned {YEAR}"]
    assert months.max_row == 14  # header, 12 months, total
    assert months.cell(row=2, column=1).value == f"januar {YEAR}"


@pytest.mark.parametrize("name", ["budget", "months", "effect", "case_worker", "effort_step"])
def test_each_table_as_csv(data, name):
    body, _response = export(data["portal"], table=name, format="csv")
    lines = body.decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) >= 2 and all(";" in line for line in lines)


def test_unknown_table_or_format(data):
    with pytest.raises(BadRequest):
        export(data["portal"], table="nope", format="csv")
    with pytest.raises(BadRequest):
        export(data["portal"], table="team", format="pdf")


FORMULA_NAME = '=HYPERLINK("http://x","y")'


def test_a_formula_in_a_full_name_is_text_in_csv_and_xlsx(data):
    """A case worker who set their full name to a formula appears as text, never a live formula;
    amounts (negative ones too) stay numbers."""
    from plone import api

    api.user.get(userid="mette").setMemberProperties({"fullname": FORMULA_NAME})
    portal = data["portal"]

    body, _response = export(portal, table="case_worker", format="csv")
    lines = body.decode("utf-8-sig").strip().split("\r\n")
    import csv

    cells = [row[0] for row in csv.reader(lines, delimiter=";")]
    assert "'" + FORMULA_NAME in cells
    assert FORMULA_NAME not in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)

    body, _response = export(portal, table="case_worker", format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    mette = [cell for cell in names if cell.value == FORMULA_NAME]
    assert len(mette) == 1
    assert mette[0].data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    money = [cell for cell in sheet[2][1:] if isinstance(cell.value, int | float)]
    assert money and all(cell.data_type == "n" for cell in money)


def test_negative_amounts_stay_numbers_in_csv():
    from os2bos_plone.browser.overview import csv_value

    assert csv_value("money", Decimal("-1250.5"), None) == "-1250,50"
    assert csv_value("int", -3, None) == "-3"
    assert csv_value("text", "-3", None) == "'-3"
    assert csv_value("text", "@x", None) == "'@x"
    assert csv_value("text", "Mette", None) == "Mette"
