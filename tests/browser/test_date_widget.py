"""Dates in the product's forms: typed and shown as 01.12.2026, a Danish message when wrong."""

from datetime import date

import pytest
from z3c.form.converter import FormatterValidationError

from os2bos_plone.browser.widgets import DanishDateConverter
from os2bos_plone.browser.widgets import DanishDateWidget
from os2bos_plone.content.activity import IActivity
from os2bos_plone.engine.formatting import MSG_DATE_FORMAT
from os2bos_plone.engine.formatting import parse_date_da


@pytest.mark.parametrize(
    "text,expected",
    [
        ("01.12.2026", date(2026, 12, 1)),
        ("1.12.2026", date(2026, 12, 1)),
        (" 1-2-2028 ", date(2028, 2, 1)),
        ("29/02/2028", date(2028, 2, 29)),
        ("31122026", date(2026, 12, 31)),
        ("2026-12-01", date(2026, 12, 1)),
        ("", None),
    ],
)
def test_danish_dates_are_read(text, expected):
    assert parse_date_da(text) == expected


@pytest.mark.parametrize("text", ["12/2026", "1.12.26", "i morgen", "2026-12"])
def test_other_text_gets_the_danish_format_message(text):
    with pytest.raises(ValueError, match="dd.mm.åååå"):
        parse_date_da(text)


def test_a_day_that_does_not_exist_is_named():
    with pytest.raises(ValueError, match="29.02.2027 findes ikke"):
        parse_date_da("29.02.2027")


def test_the_converter_shows_and_reads_the_danish_style(portal):
    request = portal.REQUEST
    field = IActivity["start_date"]
    widget = DanishDateWidget(request)
    converter = DanishDateConverter(field, widget)
    assert converter.toWidgetValue(date(2026, 4, 1)) == "01.04.2026"
    assert converter.toFieldValue("1.4.2026") == date(2026, 4, 1)
    assert converter.toFieldValue("") is field.missing_value
    with pytest.raises(FormatterValidationError) as raised:
        converter.toFieldValue("april")
    assert raised.value.args[0] == MSG_DATE_FORMAT


def test_a_year_is_shown_and_read_without_a_thousands_separator(portal):
    from z3c.form.browser.text import TextWidget
    from z3c.form.interfaces import IDataConverter
    from zope.component import getMultiAdapter

    from os2bos_plone.content.budget import IBudget

    field = IBudget["year"]
    converter = getMultiAdapter((field, TextWidget(portal.REQUEST)), IDataConverter)
    assert converter.toWidgetValue(2026) == "2026"
    assert converter.toFieldValue(" 2027 ") == 2027
    with pytest.raises(FormatterValidationError, match="fire cifre"):
        converter.toFieldValue("2.026")
