"""A streaming XLSX writer for reports of any length: one sheet, rows written as they come.

openpyxl's write-only mode writes about 60,000 cells a second here, ten minutes for the 750,000
rows of 49 cells of a municipality's payments report; this writes the sheet's XML straight into
the zip entry, about as fast as the CSV. Text is always an inline string (``t="inlineStr"``),
never a formula, so a text starting with ``=`` stays the text the user typed (formula-safe by
construction); numbers are numbers, dates and times are date cells, yes/no are booleans.
Characters XML 1.0 cannot hold are dropped.
"""

import re
import zipfile
from datetime import date
from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EPOCH = date(1899, 12, 30)
#: Stands for the row number in a row's XML (SheetWriter.append_marked); no cell holds it (a
#: text loses the characters XML cannot hold).
MARK = "\x00"
DATE_STYLE = 1
DATETIME_STYLE = 2

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""

# Style 0: general; 1: a date (ÅÅÅÅ-MM-DD); 2: a date and time.
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>\
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
SHEET_END = "</sheetData></worksheet>"


def _text(value):
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def _number(value):
    return f"><v>{value}</v></c>"


def _decimal(value):
    return f"><v>{value:f}</v></c>"


def _bool(value):
    return f' t="b"><v>{1 if value else 0}</v></c>'


def _date(value):
    return f' s="{DATE_STYLE}"><v>{(value - _EPOCH).days}</v></c>'


def _datetime(value):
    moment = value.replace(tzinfo=None)
    days = (moment.date() - _EPOCH).days
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return f' s="{DATETIME_STYLE}"><v>{days + seconds / 86400:.10f}</v></c>'


_BY_TYPE = {
    str: _text,
    Decimal: _decimal,
    int: _number,
    float: _number,
    bool: _bool,
    date: _date,
    datetime: _datetime,
    type(None): lambda value: None,
}


def cell(value):
    """The XML of a cell after its reference (``<c r="A1"`` + this): a report's converter."""
    convert = _BY_TYPE.get(type(value))
    if convert is None:
        if isinstance(value, datetime):
            return _datetime(value)
        if isinstance(value, date):
            return _date(value)
        if isinstance(value, str):
            return _text(value)
        return _text(str(value))
    return convert(value)


class SheetWriter:
    """``append(cells)`` rows of :func:`cell` fragments (None: an empty cell); ``close()``."""

    def __init__(self, target, sheet_name, columns, level=1):
        self.zip = zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level
        )
        self.zip.writestr("[Content_Types].xml", CONTENT_TYPES)
        self.zip.writestr("_rels/.rels", ROOT_RELS)
        self.zip.writestr("xl/workbook.xml", WORKBOOK.format(name=escape(sheet_name[:31])))
        self.zip.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        self.zip.writestr("xl/styles.xml", STYLES)
        self.sheet = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self.letters = [f'<c r="{get_column_letter(n)}' for n in range(1, columns + 1)]
        self.number = 0
        self.parts = [SHEET_START]
        self.length = 0

    def append(self, cells):
        self.number += 1
        number = str(self.number)
        row = "".join(
            [
                letter + number + '"' + fragment
                for letter, fragment in zip(self.letters, cells, strict=False)
                if fragment is not None
            ]
        )
        self.parts.append(f'<row r="{number}">{row}</row>')
        self.length += len(row)
        if self.length > 1 << 16:
            self._flush()

    def append_marked(self, cells):
        """Append a row given as its cells' XML with :data:`MARK` where the row number goes
        (reports.files.XlsxCells builds an activity's rows from one pattern)."""
        self.number += 1
        number = str(self.number)
        row = cells.replace(MARK, number)
        self.parts.append(f'<row r="{number}">{row}</row>')
        self.length += len(row)
        if self.length > 1 << 16:
            self._flush()

    def _flush(self):
        self.sheet.write("".join(self.parts).encode("utf-8"))
        self.parts = []
        self.length = 0

    def close(self):
        self.parts.append(SHEET_END)
        self._flush()
        self.sheet.close()
        self.zip.close()
