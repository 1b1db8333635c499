"""Tests for engine/formatting.py."""

from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest

from os2bos_plone.engine.formatting import MONTH_NAMES
from os2bos_plone.engine.formatting import describe_plan
from os2bos_plone.engine.formatting import format_amount
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import format_date_short
from os2bos_plone.engine.formatting import format_money
from os2bos_plone.engine.formatting import format_month
from os2bos_plone.engine.formatting import format_number
from os2bos_plone.engine.formatting import month_name
from os2bos_plone.engine.formatting import section_citation
from os2bos_plone.engine.formatting import section_label


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1234.5", "1.234,50 kr."),
        ("-1234.5", "-1.234,50 kr."),
        ("0", "0,00 kr."),
        ("0.5", "0,50 kr."),
        ("12", "12,00 kr."),
        ("999", "999,00 kr."),
        ("1000", "1.000,00 kr."),
        ("999999.99", "999.999,99 kr."),
        ("1234567.891", "1.234.567,89 kr."),
        ("-1000000", "-1.000.000,00 kr."),
        ("0.005", "0,01 kr."),
        ("2.675", "2,68 kr."),
        ("999.995", "1.000,00 kr."),
        ("-0.004", "0,00 kr."),
        ("-0.00", "0,00 kr."),
    ],
)
def test_format_money(value, expected):
    assert format_money(Decimal(value)) == expected


def test_format_amount_has_no_currency():
    assert format_amount(Decimal("1234.5")) == "1.234,50"
    assert format_amount(Decimal("-1234.5")) == "-1.234,50"
    assert format_amount(Decimal("4423")) == "4.423,00"


def test_none_formats_as_empty_string():
    assert format_money(None) == ""
    assert format_amount(None) == ""
    assert format_date(None) == ""
    assert format_date_short(None) == ""


def test_integers_are_accepted_but_floats_are_not():
    assert format_money(1500) == "1.500,00 kr."
    with pytest.raises(TypeError):
        format_money(1500.0)
    with pytest.raises(TypeError):
        format_amount("1500")


def test_format_number_decimals():
    assert format_number(Decimal("2.5"), 1) == "2,5"
    assert format_number(Decimal("1234.56"), 0) == "1.235"
    assert format_number(Decimal("500"), 1) == "500,0"
    assert format_number(Decimal("0.125"), 3) == "0,125"
    with pytest.raises(ValueError):
        format_number(Decimal("1"), -1)
    with pytest.raises(ValueError):
        format_number(Decimal("NaN"))


def test_month_names():
    assert len(MONTH_NAMES) == 12
    assert month_name(1) == "januar"
    assert month_name(3) == "marts"
    assert month_name(5) == "maj"
    assert month_name(12) == "december"
    with pytest.raises(ValueError):
        month_name(13)


@pytest.mark.parametrize(
    "value, expected",
    [
        (date(2025, 12, 1), "1. december 2025"),
        (date(2024, 2, 29), "29. februar 2024"),
        (date(2019, 10, 5), "5. oktober 2019"),
        (date(2026, 6, 30), "30. juni 2026"),
        (datetime(2025, 7, 14, 23, 59), "14. juli 2025"),
    ],
)
def test_format_date(value, expected):
    assert format_date(value) == expected


def test_format_date_short():
    assert format_date_short(date(2025, 12, 1)) == "01.12.2025"
    assert format_date_short(date(2026, 1, 31)) == "31.01.2026"
    assert format_date_short(datetime(2026, 1, 31, 8, 0)) == "31.01.2026"


def test_format_date_rejects_non_dates():
    with pytest.raises(TypeError):
        format_date("2025-12-01")


def test_format_month():
    assert format_month(date(2025, 12, 17)) == "december 2025"


@pytest.mark.parametrize(
    "args, expected",
    [
        (("running", "monthly", 1), "Månedligt den 1."),
        (("running", "monthly", 15), "Månedligt den 15."),
        (("running", "monthly", None), "Månedligt den 1."),
        (("running", "biweekly", None), "Hver 14. dag"),
        (("running", "weekly", None), "Ugentligt"),
        (("running", "daily", None), "Dagligt"),
        (("one_time", None, None), "Engangsudgift"),
        (("individual", None, None), "Individuel betalingsplan"),
        (("RUNNING_PAYMENT", "MONTHLY", 31), "Månedligt den 31."),
        (("ONE_TIME_PAYMENT", None, None), "Engangsudgift"),
        (("INDIVIDUAL_PAYMENT", None, None), "Individuel betalingsplan"),
        (("one_time", "monthly", 5), "Engangsudgift"),
    ],
)
def test_describe_plan(args, expected):
    assert describe_plan(*args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ("sometimes", None, None),
        ("", None, None),
        ("running", None, None),
        ("running", "yearly", None),
        ("running", "monthly", 0),
        ("running", "monthly", 32),
    ],
)
def test_describe_plan_rejects_unknown_values(args):
    with pytest.raises(ValueError):
        describe_plan(*args)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("BL-32-1.5", "§ 32, stk. 1, nr. 5"),
        ("BL-104-3", "§ 104, stk. 3"),
        ("BL-31", "§ 31"),
        ("SEL-52-3.7", "§ 52, stk. 3, nr. 7"),
        ("SEL-52a-1.1", "§ 52a, stk. 1, nr. 1"),
        ("særlig-regel", "særlig-regel"),  # another shape: the key as the administrator wrote it
        ("", ""),
        (None, ""),
    ],
)
def test_section_citation(key, expected):
    assert section_citation(key) == expected


def test_section_label():
    title = "Familiebehandling eller behandling af barnet"
    assert section_label("BL-32-1.5", title, "Barnets lov") == (
        "Barnets lov § 32, stk. 1, nr. 5 – Familiebehandling eller behandling af barnet"
    )
    assert section_label("BL-31", title) == f"§ 31 – {title}"
    assert section_label("BL-31", None, "Barnets lov") == "Barnets lov § 31"
