"""Parsing and display of single values."""

from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest

from os2bos_plone.engine.money import round_ore
from os2bos_plone.interchange.values import compact_cvr
from os2bos_plone.interchange.values import display_value
from os2bos_plone.interchange.values import lower_first
from os2bos_plone.interchange.values import parse_bool
from os2bos_plone.interchange.values import parse_date
from os2bos_plone.interchange.values import parse_decimal
from os2bos_plone.interchange.values import parse_int
from os2bos_plone.interchange.values import slugify
from os2bos_plone.interchange.values import text_of

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("206.00", D("206.00")),
        ("206", D("206")),
        ("1.234,50", D("1234.50")),
        ("1234,5", D("1234.5")),
        ("-12,00", D("-12.00")),
        ("10.000", D("10000")),
        ("1.000.000", D("1000000")),
        ("1,234.50", D("1234.50")),
        (" 1 234,50 kr. ", D("1234.50")),
        ("95,4%", D("95.4")),
        ("0.5", D("0.5")),
        (".5", D(".5")),
        ("+3", D("3")),
    ],
)
def test_parse_decimal_text(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("value", ["abc", "", "1,2,3", "1.2.3,4.5", "NaN", "inf", True, None, []])
def test_parse_decimal_refuses(value):
    with pytest.raises(ValueError):
        parse_decimal(value)


def test_parse_decimal_python_values():
    assert parse_decimal(D("1.5")) == D("1.5")
    assert parse_decimal(7) == D("7")
    # floats go through str(), so a spreadsheet's 206.1 stays 206.1
    assert parse_decimal(206.1) == D("206.1")
    with pytest.raises(ValueError):
        parse_decimal(D("NaN"))


def test_quantize_rounds_half_up_and_drops_negative_zero():
    assert round_ore(D("1.005")) == D("1.01")
    assert str(round_ore(D("-0.001"))) == "0.00"
    assert str(round_ore(D("206"))) == "206.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-31", date(2025, 1, 31)),
        ("2025-1-5", date(2025, 1, 5)),
        ("2025-01-31T00:00:00", date(2025, 1, 31)),
        ("31-01-2025", date(2025, 1, 31)),
        ("31.1.2025", date(2025, 1, 31)),
        ("31/01/2025", date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 1)),
        (datetime(2025, 2, 1, 0, 0), date(2025, 2, 1)),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["abc", "2025-02-30", "31-13-2025", "25-1-1", 45658, None])
def test_parse_date_refuses(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ja", True),
        ("JA", True),
        (" Nej ", False),
        ("true", True),
        ("False", False),
        ("1", True),
        ("0", False),
        ("x", True),
        (1, True),
        (0, False),
        (1.0, True),
        (True, True),
        (False, False),
    ],
)
def test_parse_bool(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["måske", "", 2, None])
def test_parse_bool_refuses(value):
    with pytest.raises(ValueError):
        parse_bool(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), ("3", 3), (" 12 ", 12), (3.0, 3), (D("4.00"), 4), ("5,0", 5), ("-2", -2)],
)
def test_parse_int(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", ["3.5", 3.5, D("1.1"), "tre", True, None])
def test_parse_int_refuses(value):
    with pytest.raises(ValueError):
        parse_int(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lommepenge, 3-10 år pr. uge", "lommepenge_3_10_aar_pr_uge"),
        ("Ungdomskriminalitetsnævnet", "ungdomskriminalitetsnaevnet"),
        ("teammøde", "teammoede"),
        ("Børne- og ungeudvalget", "boerne_og_ungeudvalget"),
        ("  Ærø -- Café  ", "aeroe_cafe"),
        ("Praktikgodtgørelse, jf. § 52, stk. 3, nr.8", "praktikgodtgoerelse_jf_52_stk_3_nr_8"),
        ("ÅÅ", "aaaa"),
        ("!!!", ""),
    ],
)
def test_slugify(text, expected):
    assert slugify(text) == expected


def test_compact_cvr():
    assert compact_cvr("DK 25 05 29 44") == "25052944"
    assert compact_cvr("dk25052944") == "25052944"
    assert compact_cvr("25-05-29-44") == "25052944"
    assert compact_cvr("abc") == "abc"


def test_text_of():
    assert text_of(None) == ""
    assert text_of("  a b \r\n c ") == "a b \n c"
    assert text_of(4000.0) == "4000"
    assert text_of(4000) == "4000"
    assert text_of(1.5) == "1.5"
    assert text_of(True) == "ja"
    assert text_of(date(2025, 1, 2)) == "2025-01-02"
    assert text_of(datetime(2025, 1, 2)) == "2025-01-02"


def test_display_value():
    assert display_value(None) == "(tom)"
    assert display_value("") == "(tom)"
    assert display_value([]) == "(tom)"
    assert display_value(True) == "ja"
    assert display_value(False) == "nej"
    assert display_value(["a", "b"]) == "a, b"
    assert display_value("1234.50", "decimal") == "1.234,50"
    assert display_value("abc", "decimal") == "abc"
    assert display_value("2025-12-31", "date") == "31.12.2025"
    assert display_value("x", "date") == "x"
    assert display_value("1234.50") == "1234.50"


def test_lower_first():
    assert lower_first("Periode 1: x") == "periode 1: x"
    assert lower_first("CVR-nummeret") == "CVR-nummeret"
    assert lower_first("") == ""
    assert lower_first("A") == "A"
