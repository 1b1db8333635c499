"""The classification rows as an Excel workbook (.xlsx), for editing in a spreadsheet.

:func:`write_workbook` writes one sheet per kind, named with the Danish plural ("Paragraffer",
"Leverandører") and with Danish column names in a bold, frozen header row. Services and rates
have nested rows, which get their own sheets: "Ydelse-paragraffer" (one row per service and
section, with the service id in the first column) and "Takstperioder" (one row per period,
with the rate key first).

Cell formats: keys, ids, CVR numbers, codes and all other text are text cells (leading zeros
matter: "015031", "101"); booleans are "ja"/"nej"; amounts and other decimals are number
cells formatted ``#,##0.00``; dates are date cells formatted ``yyyy-mm-dd``; lists are joined
with ", ".

:func:`read_workbook` reverses this. It also accepts what users type by hand: numbers and
dates as text ("1.234,50", "31-12-2025"), yes/no as ja/nej/true/false/1/0, and column or sheet
names in the technical form (``service_id``). Sheets it does not know are skipped with a
warning; a kind whose sheet is missing is simply not part of the import.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from os2bos_plone.engine.cells import xlsx_text
from os2bos_plone.engine.money import format_machine
from os2bos_plone.engine.money import round_ore
from os2bos_plone.interchange.kinds import BOOL
from os2bos_plone.interchange.kinds import DATE
from os2bos_plone.interchange.kinds import DECIMAL
from os2bos_plone.interchange.kinds import INT
from os2bos_plone.interchange.kinds import INT_LIST
from os2bos_plone.interchange.kinds import KIND_NAMES
from os2bos_plone.interchange.kinds import KINDS
from os2bos_plone.interchange.kinds import PERIOD_FIELDS
from os2bos_plone.interchange.kinds import PERIODS
from os2bos_plone.interchange.kinds import SECTION_ROW_FIELDS
from os2bos_plone.interchange.kinds import SECTIONS
from os2bos_plone.interchange.kinds import STR
from os2bos_plone.interchange.kinds import STR_LIST
from os2bos_plone.interchange.kinds import Field
from os2bos_plone.interchange.kinds import NumberedRows
from os2bos_plone.interchange.kinds import normalise
from os2bos_plone.interchange.values import parse_bool
from os2bos_plone.interchange.values import parse_date
from os2bos_plone.interchange.values import parse_decimal
from os2bos_plone.interchange.values import parse_int
from os2bos_plone.interchange.values import text_of

__all__ = [
    "GUIDE_SHEET",
    "SheetMessage",
    "WorkbookResult",
    "read_workbook",
    "sheet_names",
    "write_workbook",
]

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MAX_COLUMN_WIDTH = 60

#: The instructions sheet write_workbook adds last; read_workbook skips it silently.
GUIDE_SHEET = "Vejledning"

_GUIDE = (
    "Klassifikationsdata (regelmotor) for Bevilling og Styring",
    "",
    "Hvert ark er én slags data. Række 1 er overskrifter; ret ikke i dem.",
    "Ydelsernes paragraffer står i arket »Ydelse-paragraffer« (én række pr. ydelse og "
    "paragraf), takstperioderne i »Takstperioder« (én række pr. periode).",
    "Ja/nej-felter: skriv ja eller nej. Lister: adskil med komma (fx »familie, handicap«).",
    "Datoer: ÅÅÅÅ-MM-DD. Beløb: tal med højst to decimaler. Tom slutdato = uden slutdato.",
    "Ved import tilføjes nye rækker, og ændrede rækker opdateres. Rækker, der ikke er med i "
    "filen, bevares. Bevillingsreglerne erstattes dog samlet af arkets regler.",
    "Slet et ark for at lade den slags data være uændret ved importen.",
)


@dataclass(frozen=True)
class _Sheet:
    """One sheet: the kind it belongs to and its columns. ``nested`` names the nested field
    (``sections``/``periods``) for the child sheets, whose first column is the parent key."""

    title: str
    kind: str
    columns: tuple[Field, ...]
    nested: str | None = None


def _build_sheets() -> tuple[_Sheet, ...]:
    sheets = []
    for name in KIND_NAMES:
        kind = KINDS[name]
        flat = tuple(f for f in kind.fields if f.type not in (SECTIONS, PERIODS))
        sheets.append(_Sheet(kind.plural, name, flat))
        if name == "services":
            parent = Field("service_id", STR, "Ydelses-id", required=True)
            sheets.append(
                _Sheet("Ydelse-paragraffer", name, (parent, *SECTION_ROW_FIELDS), SECTIONS)
            )
        elif name == "rates":
            parent = Field("rate", STR, "Takst", required=True)
            sheets.append(_Sheet("Takstperioder", name, (parent, *PERIOD_FIELDS), PERIODS))
    return tuple(sheets)


_SHEETS = _build_sheets()
_SHEET_BY_NAME = {}
for _spec in _SHEETS:
    _SHEET_BY_NAME[_spec.title.casefold()] = _spec
    if _spec.nested is None:
        _SHEET_BY_NAME[_spec.kind.casefold()] = _spec  # "sections" as well as "Paragraffer"
_SHEET_BY_NAME["services_sections"] = _SHEET_BY_NAME["ydelse-paragraffer"]
_SHEET_BY_NAME["rates_periods"] = _SHEET_BY_NAME["takstperioder"]

# Extra header spellings accepted on reading.
_HEADER_ALIASES = {("Takstperioder", "nøgle"): "rate", ("Takstperioder", "key"): "rate"}


def sheet_names(kind: str) -> tuple[str, ...]:
    """The sheet titles of a kind ("services" -> ("Ydelser", "Ydelse-paragraffer"))."""
    return tuple(sheet.title for sheet in _SHEETS if sheet.kind == kind)


# -- writing -----------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _write_cell(ws, row: int, column: int, field: Field, value) -> str:
    """Write one value; returns the text used to size the column."""
    cell = ws.cell(row=row, column=column)
    if field.type in (STR_LIST, INT_LIST):
        text = ", ".join(str(item) for item in value or [])
        cell.value = _clean_text(text)
        xlsx_text(cell)
        cell.number_format = TEXT_FORMAT
        return text
    if field.type == BOOL and isinstance(value, bool):
        cell.value = "ja" if value else "nej"
        return xlsx_text(cell).value
    if value is None:
        if field.type == STR:
            cell.number_format = TEXT_FORMAT
        elif field.type == DECIMAL:
            cell.number_format = MONEY_FORMAT
        elif field.type == DATE:
            cell.number_format = DATE_FORMAT
        return ""
    if field.type == INT and isinstance(value, int):
        cell.value = value
        return str(value)
    if field.type == DECIMAL:
        try:
            number = parse_decimal(value)
        except ValueError:
            pass
        else:
            cell.value = number
            cell.number_format = MONEY_FORMAT
            return f"{number:,.2f}"
    if field.type == DATE:
        try:
            day = parse_date(value)
        except ValueError:
            pass
        else:
            cell.value = day
            cell.number_format = DATE_FORMAT
            return "2025-12-31"
    # Text, and values that did not parse (written as the user had them).
    text = _clean_text(text_of(value))
    cell.value = text
    xlsx_text(cell)  # never a formula, even when the text starts with "="
    cell.number_format = TEXT_FORMAT
    return text


def _column_format(field: Field) -> str | None:
    if field.type == DECIMAL:
        return MONEY_FORMAT
    if field.type == DATE:
        return DATE_FORMAT
    if field.type in (STR, STR_LIST, INT_LIST, BOOL):
        return TEXT_FORMAT
    return None


def _write_sheet(wb: Workbook, sheet: _Sheet, records: list[tuple[Any, dict]]) -> None:
    ws = wb.create_sheet(sheet.title)
    bold = Font(bold=True)
    widths = []
    for column, field in enumerate(sheet.columns, start=1):
        cell = xlsx_text(ws.cell(row=1, column=column, value=field.label))
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
        widths.append(len(field.label))
    for row_index, (parent_key, record) in enumerate(records, start=2):
        for column, field in enumerate(sheet.columns, start=1):
            value = parent_key if sheet.nested and column == 1 else record.get(field.name)
            text = _write_cell(ws, row_index, column, field, value)
            longest = max((len(line) for line in text.split("\n")), default=0)
            widths[column - 1] = max(widths[column - 1], longest)
    for column, field in enumerate(sheet.columns, start=1):
        letter = get_column_letter(column)
        dimension = ws.column_dimensions[letter]
        dimension.width = min(widths[column - 1] + 2, MAX_COLUMN_WIDTH)
        number_format = _column_format(field)
        if number_format:
            # Cells the user adds below the data get the column's format (text keeps "015031").
            dimension.number_format = number_format
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(len(records) + 1, 1)}"


def write_workbook(rows: Mapping[str, list[Mapping[str, Any]]], guide: bool = True) -> bytes:
    """An .xlsx file with one sheet per kind in ``rows`` (plus the nested-row sheets).

    Rows are normalised first, so Python values (``Decimal``, ``date``) and seed-format strings
    are both accepted. Kinds not in ``rows`` get no sheet, and reading the file back leaves
    them out of the import. With ``guide`` a short Danish instructions sheet comes last.
    """
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in _SHEETS:
        if sheet.kind not in rows:
            continue
        kind = KINDS[sheet.kind]
        normal = [normalise(kind, row) for row in rows[sheet.kind] if isinstance(row, Mapping)]
        if sheet.nested is None:
            records = [(None, row) for row in normal]
        else:
            records = [
                (row[kind.key], entry)
                for row in normal
                for entry in row[sheet.nested]
                if isinstance(entry, Mapping)
            ]
        _write_sheet(wb, sheet, records)
    if guide:
        ws = wb.create_sheet(GUIDE_SHEET)
        for number, line in enumerate(_GUIDE, start=1):
            xlsx_text(ws.cell(row=number, column=1, value=line))
        ws["A1"].font = Font(bold=True)
        ws.column_dimensions["A"].width = 110
    if not wb.worksheets:
        wb.create_sheet(GUIDE_SHEET)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetMessage:
    """An error or warning from reading a workbook.

    ``sheet`` is the sheet title ("" for the file as a whole), ``row`` the spreadsheet row
    (``None`` for the sheet as a whole). ``message`` is the full Danish text:
    "Ark »Takstperioder«, række 4: »abc« i kolonnen »Beløb« er ikke et tal".
    """

    sheet: str
    row: int | None
    message: str
    problem: str

    def __str__(self) -> str:
        return self.message


def _message(sheet: str, row: int | None, problem: str) -> SheetMessage:
    if not sheet:
        return SheetMessage("", None, problem, problem)
    where = f"Ark »{sheet}«" + (f", række {row}" if row is not None else "")
    return SheetMessage(sheet, row, f"{where}: {problem}", problem)


class WorkbookResult(tuple):
    """``(rows, errors)`` from :func:`read_workbook`, with the warnings as ``.warnings``.

    ``rows`` maps each kind whose sheet was present to a
    :class:`~os2bos_plone.interchange.kinds.NumberedRows` list (so validation names the
    spreadsheet rows). ``errors`` and ``warnings`` are lists of :class:`SheetMessage`; when
    there are errors the rows must not be applied.
    """

    def __new__(cls, rows: dict, errors: list, warnings: list):
        result = super().__new__(cls, (rows, errors))
        result.warnings = warnings
        return result

    @property
    def rows(self) -> dict:
        return self[0]

    @property
    def errors(self) -> list:
        return self[1]


class _CellError(ValueError):
    pass


def _shown(value) -> str:
    return text_of(value)


def _read_value(field: Field, value) -> Any:
    """The row value of one cell; raises :class:`_CellError` with a Danish problem."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    column = f"i kolonnen »{field.label}«"
    if field.type == STR:
        return text_of(value)
    if field.type == BOOL:
        try:
            return parse_bool(value)
        except ValueError:
            raise _CellError(f"»{_shown(value)}« {column} skal være ja eller nej") from None
    if field.type == INT:
        try:
            return parse_int(value)
        except ValueError:
            raise _CellError(f"»{_shown(value)}« {column} er ikke et helt tal") from None
    if field.type == DECIMAL:
        try:
            number = parse_decimal(value)
        except ValueError:
            raise _CellError(f"»{_shown(value)}« {column} er ikke et tal") from None
        if isinstance(value, float):
            number = round_ore(number)  # binary floating point noise from the spreadsheet
        elif number != round_ore(number):
            raise _CellError(f"»{_shown(value)}« {column} har mere end to decimaler")
        return format_machine(number)
    if field.type == DATE:
        return _read_date(value, column).isoformat()
    if field.type in (STR_LIST, INT_LIST):
        items = [text_of(item) for item in text_of(value).split(",")]
        items = [item for item in items if item]
        if field.type == STR_LIST:
            return items
        try:
            return [parse_int(item) for item in items]
        except ValueError:
            raise _CellError(f"»{_shown(value)}« {column} skal være hele tal") from None
    raise ValueError(f"unknown field type {field.type!r}")  # pragma: no cover


def _read_date(value, column: str) -> date:
    if isinstance(value, datetime | date):
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # A date typed into a cell without a date format arrives as an Excel serial number.
        if 1 <= value < 2958466:
            return from_excel(float(value)).date()
    try:
        return parse_date(text_of(value))
    except ValueError:
        raise _CellError(f"»{_shown(value)}« {column} er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _header_map(
    sheet: _Sheet, title: str, header: tuple, errors: list, warnings: list
) -> dict[int, Field] | None:
    by_label: dict[str, Field] = {}
    for field in sheet.columns:
        by_label[field.label.casefold()] = field
        by_label[field.name.casefold()] = field
    for (sheet_title, alias), name in _HEADER_ALIASES.items():
        if sheet_title == sheet.title:
            by_label[alias] = next(f for f in sheet.columns if f.name == name)
    columns: dict[int, Field] = {}
    seen: set[str] = set()
    for index, raw in enumerate(header):
        label = text_of(raw)
        if not label:
            continue
        field = by_label.get(label.casefold())
        if field is None:
            warnings.append(_message(title, 1, f"kolonnen »{label}« kendes ikke og springes over"))
            continue
        if field.name in seen:
            errors.append(_message(title, 1, f"kolonnen »{field.label}« står flere gange"))
            return None
        seen.add(field.name)
        columns[index] = field
    missing_required = [f for f in sheet.columns if f.name not in seen and f.required]
    if missing_required:
        names = ", ".join(f"»{f.label}«" for f in missing_required)
        errors.append(_message(title, 1, f"kolonnen {names} mangler"))
        return None
    for field in sheet.columns:
        if field.name not in seen:
            warnings.append(
                _message(title, 1, f"kolonnen »{field.label}« mangler; feltet får standardværdien")
            )
    return columns


def _read_sheet(ws, sheet: _Sheet, errors: list, warnings: list) -> list[tuple[int, dict]] | None:
    """The sheet's records as (row number, dict), or None when the sheet is unusable."""
    title = ws.title
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(text_of(cell) for cell in header):
        errors.append(_message(title, 1, "arket har ingen overskriftsrække"))
        return None
    columns = _header_map(sheet, title, header, errors, warnings)
    if columns is None:
        return None
    records = []
    for number, values in enumerate(rows, start=2):
        if not any(text_of(value) for value in values):
            continue
        record: dict[str, Any] = {}
        for index, field in columns.items():
            value = values[index] if index < len(values) else None
            try:
                parsed = _read_value(field, value)
            except _CellError as error:
                errors.append(_message(title, number, str(error)))
                parsed = text_of(value)
            if parsed is not None:
                record[field.name] = parsed
        records.append((number, record))
    return records


def read_workbook(data: bytes) -> WorkbookResult:
    """Read a workbook written by :func:`write_workbook` (and edited by a user).

    Returns ``(rows, errors)`` (a :class:`WorkbookResult`; its ``.warnings`` holds unknown
    sheets and columns). Every kind whose main sheet is present is in ``rows``, even with no
    data rows. Values are in the seed format, so ``normalise()`` of a written-and-read row
    equals ``normalise()`` of the original.
    """
    errors: list[SheetMessage] = []
    warnings: list[SheetMessage] = []
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        errors.append(_message("", None, "Filen kan ikke læses som et Excel-regneark (.xlsx)"))
        return WorkbookResult({}, errors, warnings)

    found: dict[_Sheet, list[tuple[int, dict]] | None] = {}
    titles: dict[_Sheet, str] = {}
    for ws in wb.worksheets:
        sheet = _SHEET_BY_NAME.get(ws.title.strip().casefold())
        if sheet is None:
            if ws.title.strip().casefold() != GUIDE_SHEET.casefold():
                warnings.append(_message(ws.title, None, "arket kendes ikke og springes over"))
            continue
        if sheet in found:
            errors.append(
                _message(ws.title, None, f"arket står to gange (også som »{titles[sheet]}«)")
            )
            continue
        titles[sheet] = ws.title
        found[sheet] = _read_sheet(ws, sheet, errors, warnings)
    wb.close()

    rows: dict[str, NumberedRows] = {}
    for sheet in _SHEETS:
        if sheet.nested is not None or sheet not in found:
            continue
        records = found[sheet]
        if records is None:
            continue
        rows[sheet.kind] = NumberedRows(
            (record for _, record in records), (number for number, _ in records)
        )

    for sheet in _SHEETS:
        if sheet.nested is None:
            continue
        parent_sheet = next(s for s in _SHEETS if s.kind == sheet.kind and s.nested is None)
        if sheet not in found:
            if parent_sheet in found:
                problem = f"arket »{sheet.title}« mangler; det hører sammen med dette ark"
                errors.append(_message(titles[parent_sheet], None, problem))
            continue
        if parent_sheet not in found:
            errors.append(
                _message(
                    titles[sheet],
                    None,
                    f"arket kræver arket »{parent_sheet.title}«, som mangler",
                )
            )
            continue
        _attach_children(sheet, titles[sheet], found[sheet], rows.get(sheet.kind), errors)
    return WorkbookResult(rows, errors, warnings)


def _attach_children(
    sheet: _Sheet,
    title: str,
    records: list[tuple[int, dict]] | None,
    parents: NumberedRows | None,
    errors: list,
) -> None:
    if records is None or parents is None:
        return
    kind = KINDS[sheet.kind]
    by_key: dict[str, dict] = {}
    for parent in parents:
        parent[sheet.nested] = []
        by_key.setdefault(text_of(parent.get(kind.key)), parent)
    parent_column = sheet.columns[0]
    for number, record in records:
        key = text_of(record.pop(parent_column.name, ""))
        if not key:
            errors.append(_message(title, number, f"»{parent_column.label}« skal udfyldes"))
            continue
        parent = by_key.get(key)
        if parent is None:
            problem = f"{kind.missing.format(key)} i arket »{kind.plural}«"
            errors.append(_message(title, number, problem))
            continue
        parent[sheet.nested].append(record)
