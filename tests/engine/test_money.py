"""Money: the one Danish reader, the one machine reader, the one rounding rule, the formatters."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from os2bos_plone.engine.money import MAX_AMOUNT
from os2bos_plone.engine.money import AmountError
from os2bos_plone.engine.money import display_money
from os2bos_plone.engine.money import format_amount
from os2bos_plone.engine.money import format_machine
from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.money import parse_danish
from os2bos_plone.engine.money import parse_machine
from os2bos_plone.engine.money import round_ore

D = Decimal


# -- the Danish reader (screens, spreadsheets) -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10000", D("10000")),
        ("10.000", D("10000")),
        ("10.000,00", D("10000")),
        ("10000,5", D("10000.50")),
        ("1.234,50", D("1234.50")),
        ("1.234.567", D("1234567")),
        ("1.125", D("1125")),  # a dot before exactly three digits separates thousands
        (" 1 234,50 kr. ", D("1234.50")),
        ("kr. 1.234,50", D("1234.50")),
        ("1.234,50 DKK", D("1234.50")),
        ("10.000,-", D("10000")),
        ("-12,00", D("-12")),
        ("\u22125,00", D("-5")),  # the typographic minus
        ("+3", D("3")),
        ("10.50", D("10.50")),  # a dot before one or two digits is a decimal point
        ("0.5", D("0.5")),
        (",50", D("0.50")),
        ("0,125", D("0.125")),  # never English thousands: not ambiguous
        ("1.2345", D("1.2345")),  # four digits after a dot are no thousands group
        ("1,234.50", D("1234.50")),  # both marks: an English spreadsheet
        ("1,234,567", D("1234567")),
        # what engine.prices.parse_amount read, kept
        ("120", D("120")),
        ("120,5", D("120.5")),
        ("-45.25", D("-45.25")),
        (7, D("7")),
        (0.1, D("0.1")),
        (D("3.94"), D("3.94")),
    ],
)
def test_danish_reader(typed, expected):
    assert parse_danish(typed) == expected


@pytest.mark.parametrize(
    ("typed", "kind", "message"),
    [
        ("1,250", "ambiguous", "»1,250« kan læses på to måder. Skriv 1.250 for 1.250 kr. eller "),
        ("-1,250", "ambiguous", "»-1,250« kan læses på to måder."),
        ("1234.567", "dot", "»1234.567« er ikke et beløb: punktum står kun mellem tusinder"),
        ("0.125", "dot", "»0.125« er ikke et beløb"),
        ("1.23.456", "dot", "»1.23.456« er ikke et beløb"),
        ("1,2,3", "unreadable", "»1,2,3« er ikke et beløb. Skriv fx 1.234,50."),
        ("1.2.3,4.5", "unreadable", "er ikke et beløb"),
        ("ti kroner", "unreadable", "»ti kroner« er ikke et beløb"),
        ("1e3", "unreadable", "»1e3« er ikke et beløb"),
        ("NaN", "unreadable", "er ikke et beløb"),
        ("Infinity", "unreadable", "er ikke et beløb"),
        ("inf", "unreadable", "er ikke et beløb"),
        ("", "unreadable", "er ikke et beløb"),
        ("-", "unreadable", "»-« er ikke et beløb"),
        (",", "unreadable", "er ikke et beløb"),
        ("10.000.000.000", "too_large", "er for stort et beløb"),
        ("-10000000000", "too_large", "er for stort et beløb"),
        (True, "unreadable", "er ikke et beløb"),
        (None, "unreadable", "er ikke et beløb"),
        ([1], "unreadable", "er ikke et beløb"),
        (D("NaN"), "unreadable", "er ikke et beløb"),
        (float("inf"), "unreadable", "er ikke et beløb"),
    ],
)
def test_danish_reader_refuses_with_a_danish_message(typed, kind, message):
    with pytest.raises(AmountError) as caught:
        parse_danish(typed)
    assert caught.value.kind == kind
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)  # callers catching ValueError keep working


def test_a_number_that_is_not_kroner_reads_the_comma_as_decimal_mark():
    assert parse_danish("95,405", amount=False) == D("95.405")
    assert parse_danish("10.000", amount=False) == D("10000")


def test_largest_amount_is_read():
    assert parse_danish("9.999.999.999,99") == MAX_AMOUNT - D("0.01")


# -- the machine reader (REST, stored text) ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10000.50", D("10000.50")),
        ("750.5", D("750.5")),
        (" -3 ", D("-3")),
        ("10.000", D("10")),  # machine form: a point before øre, whatever follows
        (10000, D("10000")),  # JSON numbers
        (0.1, D("0.1")),
        (1234.5, D("1234.5")),
        (D("3.94"), D("3.94")),
    ],
)
def test_machine_reader(value, expected):
    assert parse_machine(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "1.234,50",
        "10000,50",
        "1e30",
        "1E3",
        "NaN",
        "Infinity",
        "-Infinity",
        "+5",
        ".5",
        "",
        "10 000.00",
        float("nan"),
        float("inf"),
        1e30,
        D("1E+10"),
        10**10,
        True,
        None,
    ],
)
def test_machine_reader_refuses(value):
    with pytest.raises(AmountError) as caught:
        parse_machine(value)
    assert "beløb" in str(caught.value)


# -- the one rounding rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.125", "1.13"),
        ("1.115", "1.12"),
        ("-1.125", "-1.13"),
        ("2.505", "2.51"),
        ("1.005", "1.01"),
        ("0.004", "0.00"),
        ("-0.004", "0.00"),  # never -0.00
        ("206", "206.00"),
    ],
)
def test_round_ore_is_half_up(value, expected):
    assert str(round_ore(D(value))) == expected


def test_every_writer_rounds_the_same_way():
    # figures.money and journal.decimal_string used to disagree on this one
    assert format_machine(D("1.125")) == "1.13"
    assert format_machine("1.125") == "1.13"
    assert format_amount(D("1.125")) == "1,13"
    assert format_money(D("1.115")) == "1,12 kr."
    assert format_money(D("-1.125")) == "-1,13 kr."


# -- formatters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "money", "amount", "machine"),
    [
        (D("1234.5"), "1.234,50 kr.", "1.234,50", "1234.50"),
        (D("-1234.5"), "-1.234,50 kr.", "-1.234,50", "-1234.50"),
        (D("10000"), "10.000,00 kr.", "10.000,00", "10000.00"),
        (D("0"), "0,00 kr.", "0,00", "0.00"),
        (D("-0.001"), "0,00 kr.", "0,00", "0.00"),
        (1500, "1.500,00 kr.", "1.500,00", "1500.00"),
        (D("1234567.891"), "1.234.567,89 kr.", "1.234.567,89", "1234567.89"),
    ],
)
def test_formatters(value, money, amount, machine):
    assert format_money(value) == money
    assert format_amount(value) == amount
    assert format_machine(value) == machine


def test_formatters_of_nothing():
    assert format_money(None) == format_amount(None) == ""
    assert format_machine(None) is None
    assert format_machine("") is None
    assert display_money(None) == display_money("") == "–"
    assert display_money(None, empty="") == ""


def test_display_money_shows_stored_machine_text():
    assert display_money("500.00") == "500,00 kr."
    assert display_money(D("9500")) == "9.500,00 kr."
    assert display_money("an old record") == "an old record"


def test_formatters_refuse_floats_and_text():
    with pytest.raises(TypeError):
        format_money(1500.0)
    with pytest.raises(TypeError):
        format_amount("1500")


# -- format, then read: the same amount --------------------------------------------------------

amounts = st.decimals(
    min_value=-MAX_AMOUNT + D("0.01"),
    max_value=MAX_AMOUNT - D("0.01"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(amounts)
def test_danish_format_reads_back(amount):
    assert parse_danish(format_amount(amount)) == amount
    assert parse_danish(format_money(amount)) == amount


@given(amounts)
def test_machine_format_reads_back(amount):
    assert parse_machine(format_machine(amount)) == amount
