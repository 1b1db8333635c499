"""Spreadsheet cells that are never formulas.

A text a user typed (a full name, a provider's name, a note) can start with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return, which some spreadsheets skip before looking for
one). Written as is into a CSV or XLSX file, Excel or LibreOffice runs it as a formula
(``=HYPERLINK(...)``, ``=cmd|...``): CSV/formula injection. Every CSV and XLSX writer in the
product writes its text cells through this module, so the rule lives in one place.

Only text is neutralised: numbers stay numbers (a negative amount is a number, not text).
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "csv_text", "looks_like_formula", "xlsx_text"]

#: The first characters that make a spreadsheet read a text as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    """True for a text a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value):
    """A CSV cell: such a text gets a leading ``'`` (Excel shows it as text); else unchanged."""
    if looks_like_formula(value):
        return "'" + value
    return value


def xlsx_text(cell):
    """Pin an openpyxl cell holding text to the string type, so it is never a formula.

    openpyxl stores a text starting with ``=`` as a formula (data type ``f``); a string
    cell (``s``) keeps the exact text, so an export read back gives what the user typed.
    Returns the cell.
    """
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell
