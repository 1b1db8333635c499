"""The streaming XLSX writer (reports/xlsx.py), read back with openpyxl."""

import io
from datetime import date
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook

from os2bos_plone.reports.xlsx import SheetWriter
from os2bos_plone.reports.xlsx import cell


def read_back(rows, columns=6):
    target = io.BytesIO()
    sheet = SheetWriter(target, "rapport", columns)
    for row in rows:
        sheet.append([cell(value) for value in row])
    sheet.close()
    workbook = load_workbook(io.BytesIO(target.getvalue()))
    assert workbook.sheetnames == ["rapport"]
    return workbook.active


def test_values_keep_their_types_and_columns():
    sheet = read_back(
        [
            ("a", "b", "c", "d", "e", "f"),
            (Decimal("-5.50"), None, date(2025, 7, 2), True, 3, datetime(2025, 7, 1, 13, 5, 9)),
        ]
    )
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("a", "b", "c", "d", "e", "f")
    amount, empty, day, yes, number, moment = values[1]
    assert amount == -5.5
    assert empty is None
    assert day == datetime(2025, 7, 2)
    assert sheet["C2"].number_format == "yyyy\\-mm\\-dd"
    assert yes is True
    assert number == 3
    assert moment == datetime(2025, 7, 1, 13, 5, 9)


def test_text_is_never_a_formula_and_is_kept_exactly():
    texts = ('=HYPERLINK("http://x")', "+45 1234", "-note", "@sum", "<&>", "  indrykket ")
    sheet = read_back([texts])
    row = next(sheet.iter_rows(min_row=1, max_row=1))
    assert tuple(c.value for c in row) == texts
    assert {c.data_type for c in row} == {"s"}


def test_characters_xml_cannot_hold_are_dropped():
    sheet = read_back([("a\x01b\x1fc", "ø\tæ")], columns=2)
    assert next(sheet.iter_rows(values_only=True)) == ("abc", "ø\tæ")


def test_pattern_rows_equal_the_cell_by_cell_rows():
    """reports.files.XlsxCells: an activity's rows made from one pattern are the bytes the
    cell-by-cell writer makes, whichever variable cells are empty."""
    from os2bos_plone.reports.columns import PAYMENT_COLUMNS
    from os2bos_plone.reports.files import XlsxCells
    from os2bos_plone.reports.rows import VARIABLE_POSITIONS

    columns = len(PAYMENT_COLUMNS)
    template = [cell(f"fast {n} 100% <&>") if n % 3 else None for n in range(columns)]
    variable_rows = [
        [cell(value) for value in ("1-2025-01-01", Decimal("5.5"), None, date(2025, 1, 1))]
        + [cell(None), cell("=x"), cell("%s"), None, cell(2), cell("b"), cell(" note ")],
        [cell(Decimal("-1"))] * len(VARIABLE_POSITIONS),
    ]
    by_cell, by_pattern = io.BytesIO(), io.BytesIO()
    cell_writer = SheetWriter(by_cell, "rapport", columns)
    pattern_writer = SheetWriter(by_pattern, "rapport", columns)
    make = XlsxCells(columns).payment_maker(template)
    for values in variable_rows:
        row = template.copy()
        for position, value in zip(VARIABLE_POSITIONS, values, strict=True):
            row[position] = value
        cell_writer.append(row)
        pattern_writer.append_marked(make(tuple(values)))
    cell_writer.close()
    pattern_writer.close()
    import zipfile

    def sheet(target):
        return zipfile.ZipFile(io.BytesIO(target.getvalue())).read("xl/worksheets/sheet1.xml")

    assert sheet(by_pattern) == sheet(by_cell)
