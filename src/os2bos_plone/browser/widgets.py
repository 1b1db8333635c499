"""The date field of every form of the product: a text field in the Danish style.

A browser's own date field (``<input type="date">``) speaks the browser's language ("Please enter
a valid value"), and takes four keyboard stops (day, month, year, the calendar). Here a date is
typed as 01.12.2026 (1.12.2026, 01122026 and 2026-12-01 are read too; engine.formatting), shown
the same way, and a wrong one gets a Danish message at the field.

The hand-written forms of the product (the payment office, the adjustment, the meeting date, the
audit, mail and DST screens) use the same text field (``class="bos-date"``, placeholder
``dd.mm.åååå``) and read it with :func:`read_date_field`: one parser
(``engine.formatting.parse_date_da``) and one kind of message, "<label>: <what to type>".
"""

from datetime import date

from z3c.form.browser.text import TextWidget
from z3c.form.converter import BaseDataConverter
from z3c.form.converter import FormatterValidationError
from z3c.form.interfaces import IFieldWidget
from z3c.form.interfaces import ITextWidget
from z3c.form.widget import FieldWidget
from zope.component import adapter
from zope.interface import implementer
from zope.interface import implementer_only
from zope.schema.interfaces import IDate

from os2bos_plone.content.budget import IYear
from os2bos_plone.engine.formatting import MSG_DATE_FORMAT
from os2bos_plone.engine.formatting import format_date_short
from os2bos_plone.engine.formatting import parse_date_da
from os2bos_plone.interfaces import IOs2BosPloneLayer

PLACEHOLDER = "dd.mm.åååå"


def _text(value):
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def read_date_field(form, name, label, required=False):
    """``(date or None, Danish message or None)`` of the date field ``name`` of a hand-written
    form: 01.12.2026, 1.12.2026, 01122026 and 2026-12-01 are read; an empty field is None (or,
    if ``required``, a message). The message names the field: "Fra dato: Skriv datoen som
    dd.mm.åååå, fx 01.12.2026." """
    text = _text(form.get(name))
    if not text:
        return None, (f"{label}: {MSG_DATE_FORMAT}" if required else None)
    try:
        return parse_date_da(text), None
    except ValueError as error:
        return None, f"{label}: {error}"


def danish_dates(form, fields):
    """``(form, messages)``: a copy of ``form`` whose date fields (``(name, label)`` pairs) are
    read with :func:`read_date_field` and given on as ISO dates (what the parsers the REST API
    shares take), a wrong one left out; and the Danish messages of the wrong ones."""
    form = dict(form)
    messages = []
    for name, label in fields:
        day, message = read_date_field(form, name, label)
        if message:
            messages.append(message)
        form[name] = day.isoformat() if day else ""
    return form, messages


def date_field_text(value):
    """What a date field shows: a date, or text that reads as one, as 01.12.2026; anything
    else as it was typed (so a wrong date stays in the field to be corrected)."""
    if isinstance(value, date):
        return format_date_short(value)
    text = _text(value)
    try:
        parsed = parse_date_da(text)
    except ValueError:
        return text
    return format_date_short(parsed) if parsed else ""


class IDanishDateWidget(ITextWidget):
    """A date typed as text in the Danish style."""


@implementer_only(IDanishDateWidget)
class DanishDateWidget(TextWidget):
    klass = "bos-date"
    size = 10
    maxlength = 10
    placeholder = PLACEHOLDER


@adapter(IDate, IOs2BosPloneLayer)
@implementer(IFieldWidget)
def DanishDateFieldWidget(field, request):
    return FieldWidget(field, DanishDateWidget(request))


@adapter(IDate, IDanishDateWidget)
class DanishDateConverter(BaseDataConverter):
    def toWidgetValue(self, value):
        if value is self.field.missing_value or value is None:
            return ""
        return format_date_short(value)

    def toFieldValue(self, value):
        try:
            parsed = parse_date_da(value)
        except ValueError as error:
            raise FormatterValidationError(str(error), value) from error
        return self.field.missing_value if parsed is None else parsed


MSG_YEAR = "Skriv året med fire cifre, fx 2027."


@adapter(IYear, ITextWidget)
class YearConverter(BaseDataConverter):
    """A year as 2027 ("År: 2.026" was the number format's thousands separator)."""

    def toWidgetValue(self, value):
        return "" if value is self.field.missing_value or value is None else str(value)

    def toFieldValue(self, value):
        value = (value or "").strip()
        if not value:
            return self.field.missing_value
        if not (value.isdigit() and len(value) == 4):
            raise FormatterValidationError(MSG_YEAR, value)
        return int(value)
