"""Tests for engine/identifiers.py."""

from datetime import date

import pytest

from os2bos_plone.engine.identifiers import InvalidIdentifier
from os2bos_plone.engine.identifiers import cpr_birth_date
from os2bos_plone.engine.identifiers import kle_of_sbsys_id
from os2bos_plone.engine.identifiers import sbsys_case_file_number
from os2bos_plone.engine.identifiers import sbsys_id_has_kle
from os2bos_plone.engine.identifiers import validate_cpr
from os2bos_plone.engine.identifiers import validate_cvr
from os2bos_plone.engine.identifiers import validate_sbsys_id
from os2bos_plone.engine.identifiers import validate_service_id

CPR_FORMAT = "CPR-nummeret skal have formen DDMMÅÅXXXX eller DDMMÅÅ-XXXX (10 cifre)."
CPR_DATE = "CPR-nummeret indeholder ikke en gyldig fødselsdato."

# -- CPR --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0101001234", "0101001234"),
        ("010100-1234", "0101001234"),
        ("  010100-1234 ", "0101001234"),
    ],
)
def test_validate_cpr_normalises(value, expected):
    assert validate_cpr(value) == expected


def test_cpr_without_modulus_11_is_accepted():
    # The weighted sum of 0101001234 is not divisible by 11; real numbers can be like that.
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    assert sum(int(d) * w for d, w in zip("0101001234", weights, strict=True)) % 11 != 0
    assert validate_cpr("0101001234") == "0101001234"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "010100 1234",
        "010100--1234",
        "01010-01234",
        "01010012345",
        "010100123",
        "01010a1234",
        "\u0660\u0661\u0660\u0661\u0660\u0660\u0661\u0662\u0663\u0664",  # Arabic-Indic digits
        None,
        101001234,
    ],
)
def test_validate_cpr_rejects_bad_format(value):
    with pytest.raises(InvalidIdentifier) as info:
        validate_cpr(value)
    assert info.value.message == CPR_FORMAT
    assert str(info.value) == CPR_FORMAT


@pytest.mark.parametrize(
    "value",
    ["3201001234", "0013001234", "0001001234", "3104001234", "2902011234", "290201-4000"],
)
def test_validate_cpr_rejects_impossible_dates(value):
    with pytest.raises(InvalidIdentifier) as info:
        validate_cpr(value)
    assert info.value.message == CPR_DATE


@pytest.mark.parametrize(
    "value, expected",
    [
        # 7th digit 0-3: 1900-1999.
        ("0101001234", date(1900, 1, 1)),
        ("311299-3999", date(1999, 12, 31)),
        # 4 and 9: 2000-2036, else 1937-1999.
        ("010136-4000", date(2036, 1, 1)),
        ("010137-4000", date(1937, 1, 1)),
        ("010136-9000", date(2036, 1, 1)),
        ("010137-9999", date(1937, 1, 1)),
        # 5-8: 2000-2057, else 1858-1899.
        ("010157-5000", date(2057, 1, 1)),
        ("010158-5000", date(1858, 1, 1)),
        ("150699-8123", date(1899, 6, 15)),
        ("150600-6123", date(2000, 6, 15)),
    ],
)
def test_cpr_birth_date_century_rule(value, expected):
    assert cpr_birth_date(value) == expected


def test_cpr_leap_day_depends_on_century():
    # 29 Feb 2000 exists; 29 Feb 1900 does not (1900 is not a leap year).
    assert cpr_birth_date("290200-4000") == date(2000, 2, 29)
    with pytest.raises(InvalidIdentifier) as info:
        validate_cpr("290200-1234")
    assert info.value.message == CPR_DATE


def test_invalid_identifier_is_a_value_error():
    with pytest.raises(ValueError):
        cpr_birth_date("nope")


# -- CVR --------------------------------------------------------------------------------------


def test_validate_cvr_accepts_valid_number():
    assert validate_cvr("25052943") == "25052943"


def test_validate_cvr_strips_spaces_and_country_prefix():
    assert validate_cvr(" 25 05 29 43 ") == "25052943"
    assert validate_cvr("DK25052943") == "25052943"


def test_validate_cvr_rejects_bad_check_digit():
    with pytest.raises(InvalidIdentifier) as info:
        validate_cvr("25052944")
    assert info.value.message == "CVR-nummeret er ugyldigt (kontrolciffer)"


@pytest.mark.parametrize("value", ["", "2505294", "250529433", "2505294a", None, 25052943])
def test_validate_cvr_rejects_wrong_length_or_characters(value):
    with pytest.raises(InvalidIdentifier) as info:
        validate_cvr(value)
    assert info.value.message == "CVR-nummeret skal være 8 cifre"


def test_validate_cvr_rejects_leading_zero():
    with pytest.raises(InvalidIdentifier) as info:
        validate_cvr("05052943")
    assert info.value.message == "CVR-nummeret er ugyldigt (det kan ikke begynde med 0)"


# -- service id -------------------------------------------------------------------------------


def test_validate_service_id_keeps_leading_zeros():
    assert validate_service_id("015031") == "015031"
    assert validate_service_id(" 015031 ") == "015031"


@pytest.mark.parametrize("value", ["", "15031", "0150311", "01503a", "015 31", None, 15031])
def test_validate_service_id_rejects(value):
    with pytest.raises(InvalidIdentifier) as info:
        validate_service_id(value)
    assert info.value.message == "Ydelses-id skal være præcis 6 cifre"


# -- SBSYS ------------------------------------------------------------------------------------


def test_validate_sbsys_id_trims():
    assert validate_sbsys_id("  27.24.00-G01-1-23 ") == "27.24.00-G01-1-23"


@pytest.mark.parametrize("value", ["", "   ", None])
def test_validate_sbsys_id_rejects_empty(value):
    with pytest.raises(InvalidIdentifier) as info:
        validate_sbsys_id(value)
    assert info.value.message == "Angiv SBSYS-sagsnummeret"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("27.24.00-G01-1-23", "27.24.00"),
        (" 27.27.09-G01-34-19", "27.27.09"),
        ("27.24.36", "27.24.36"),
        ("G01-27.24.00-1", None),
        ("27.24-G01-1", None),
        ("272400-G01", None),
        ("", None),
        (None, None),
    ],
)
def test_kle_of_sbsys_id(value, expected):
    assert kle_of_sbsys_id(value) == expected


def test_sbsys_id_has_kle():
    assert sbsys_id_has_kle("27.24.00-G01-1-23", "27.24.00") is True
    assert sbsys_id_has_kle("27.27.09-G01-1-23", "27.24.00") is False
    assert sbsys_id_has_kle("x-27.24.00", "27.24.00") is False


def test_sbsys_case_file_number():
    assert sbsys_case_file_number("27.24.36-G01-7-20-Far") == "27.24.36-G01-7-20"
    assert sbsys_case_file_number("27.24.36-G01-7") == "27.24.36-G01-7"
