"""engine.cells: text that a spreadsheet would run as a formula is written as text."""

from decimal import Decimal

import pytest
from openpyxl import Workbook

from os2bos_plone.engine.cells import csv_text
from os2bos_plone.engine.cells import looks_like_formula
from os2bos_plone.engine.cells import xlsx_text


@pytest.mark.parametrize("text", ["=1+1", "+45", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text(text):
    assert looks_like_formula(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["Mette", "", " =x", "1-2", None, -5, Decimal("-1.5")])
def test_everything_else_is_unchanged(value):
    assert not looks_like_formula(value)
    assert csv_text(value) == value


def test_xlsx_text_pins_strings_and_leaves_numbers():
    sheet = Workbook().active
    sheet.append(["=cmd", -12.5, "ok"])
    cells = [xlsx_text(cell) for cell in sheet[1]]
    assert [cell.data_type for cell in cells] == ["s", "n", "s"]
    assert cells[0].value == "=cmd"
