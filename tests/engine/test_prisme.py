"""The PRISME payment file (spec 3.1): which days a run covers, the records, the checks.

Every date is fixed; nothing here reads the product's clock.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from os2bos_plone.engine import prisme
from os2bos_plone.engine.bankdays import BankCalendar
from os2bos_plone.engine.bankdays import non_banking_days
from os2bos_plone.engine.prisme import MAX_PAYMENTS
from os2bos_plone.engine.prisme import PrismeError
from os2bos_plone.engine.prisme import PrismePayment
from os2bos_plone.engine.prisme import PrismeSettings
from os2bos_plone.engine.prisme import covered_dates
from os2bos_plone.engine.prisme import parse_prisme_file
from os2bos_plone.engine.prisme import payment_problems
from os2bos_plone.engine.prisme import prisme_file
from os2bos_plone.engine.prisme import prisme_filename
from os2bos_plone.engine.prisme import settings_problems
from os2bos_plone.engine.prisme import to_ore

CALENDAR = BankCalendar()


def days(first, last):
    """Every day from ``first`` to ``last``, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


# -- which days a run covers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "last_day", "why"),
    [
        # The Thursday night run pays Friday (D) and the weekend and Monday after it.
        (date(2027, 3, 5), date(2027, 3, 8), "Thursday run: Friday to Monday"),
        # An ordinary Tuesday: the next day is a banking day, so D alone.
        (date(2027, 3, 9), date(2027, 3, 9), "ordinary weekday"),
        # Monday run (D = Tuesday) before an ordinary Wednesday.
        (date(2027, 3, 2), date(2027, 3, 2), "ordinary Tuesday"),
        # Easter 2027: Maundy Thursday 25 March to Easter Monday 29 March, then Tuesday 30.
        (date(2027, 3, 24), date(2027, 3, 30), "Easter: Wednesday before Maundy Thursday"),
        # The run on Maundy Thursday night (D = Good Friday, itself closed).
        (date(2027, 3, 26), date(2027, 3, 30), "Easter: D is Good Friday"),
        # Christmas 2026: 24 (Thu), 25 (Fri), weekend, then Monday 28 December.
        (date(2026, 12, 23), date(2026, 12, 28), "Christmas 2026"),
        # New Year 2026/27: 31 December (Thu), 1 January (Fri), weekend, Monday 4 January.
        (date(2026, 12, 30), date(2027, 1, 4), "New Year across the year boundary"),
        # Grundlovsdag 2026 is a Friday: Thursday's D covers it, the weekend and Monday.
        (date(2026, 6, 4), date(2026, 6, 8), "Grundlovsdag on a Friday"),
        # Grundlovsdag 2025 (Thu) runs into Pentecost (Sun 8, Mon 9 June): to Tuesday 10 June.
        (date(2025, 6, 4), date(2025, 6, 10), "Grundlovsdag and Pentecost 2025"),
        # Kristi himmelfartsdag 2027 (Thu 6 May) and the bank closing Friday after it.
        (date(2027, 5, 5), date(2027, 5, 10), "Ascension and the Friday after"),
        # 1 May 2026 (Friday) is closed for the payment office.
        (date(2026, 4, 30), date(2026, 5, 4), "1 May on a Friday"),
        # 29 February 2032 is a Sunday: Friday 27 February covers to Monday 1 March.
        (date(2032, 2, 27), date(2032, 3, 1), "leap year: 29 February on a Sunday"),
        # 29 February 2020 was a Saturday.
        (date(2020, 2, 28), date(2020, 3, 2), "leap year: 29 February on a Saturday"),
        # 2021 has no 29 February: Friday 26 February covers 27, 28 February and 1 March.
        (date(2021, 2, 26), date(2021, 3, 1), "no leap year"),
    ],
)
def test_covered_dates(first_day, last_day, why):
    assert covered_dates(first_day, CALENDAR) == days(first_day, last_day), why


def test_a_closed_first_day_before_a_banking_day_covers_itself_only():
    # d-1 > D: the day after a closed D is only included when it is closed itself.
    assert covered_dates(date(2027, 3, 7), CALENDAR) == [date(2027, 3, 7)]  # a Sunday


def test_regelmotor_exclusion_dates_extend_the_run():
    # An administrator closes Wednesday 10 March 2027: Tuesday's D covers to Thursday.
    calendar = BankCalendar(extra_dates={date(2027, 3, 10)})
    assert covered_dates(date(2027, 3, 9), calendar) == days(date(2027, 3, 9), date(2027, 3, 11))


def test_the_walk_goes_on_through_a_banking_day_followed_by_a_closed_day():
    # Wednesday 10 and Friday 12 March 2027 closed: Thursday 11 is included because Wednesday
    # was closed, Friday because it is closed, then the weekend and Monday 15.
    calendar = BankCalendar(extra_dates={date(2027, 3, 10), date(2027, 3, 12)})
    assert covered_dates(date(2027, 3, 9), calendar) == days(date(2027, 3, 9), date(2027, 3, 15))


def runs_of_closed_days(first_day, closed):
    """The rule told another way: each run of closed days after D and the day after the run,
    again and again, until the day after an included banking day is a banking day."""
    covered = [first_day]
    day = first_day + timedelta(days=1)
    while day in closed:
        while day in closed:
            covered.append(day)
            day += timedelta(days=1)
        covered.append(day)  # the first banking day after the closed run
        day += timedelta(days=1)
    return covered


def closed_days(first_day, extra=frozenset()):
    return set().union(
        *(non_banking_days(year, extra) for year in (first_day.year, first_day.year + 1))
    )


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    first_day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 1)),
    extra_offsets=st.sets(st.integers(min_value=0, max_value=20), max_size=4),
)
def test_covered_dates_equal_the_spec_walk(first_day, extra_offsets):
    extra = frozenset(first_day + timedelta(days=offset) for offset in extra_offsets)
    closed = closed_days(first_day, extra)
    walked = covered_dates(first_day, BankCalendar(extra_dates=extra))
    assert walked == runs_of_closed_days(first_day, closed)
    # The spec's wording, day by day: every later day in the run is closed or follows a closed
    # day after D, and the day after the run is neither.
    for day in walked[1:]:
        before = day - timedelta(days=1)
        assert day in closed or (before in closed and before > first_day)
    after = walked[-1] + timedelta(days=1)
    before = walked[-1]
    assert after not in closed and not (before in closed and before > first_day)


# -- the file ------------------------------------------------------------------------------------

SETTINGS_NAME = "Gribskov Kommune"
SETTINGS = PrismeSettings(org_unit=270, machine_no=482, municipality_name=SETTINGS_NAME)

FRIDAY = PrismePayment(
    payment_id="1234",
    payment_key=98765,
    amount=Decimal("1500.00"),
    child_cpr="1502151234",
    recipient_cpr="0303851234",
    account_alias="BOS0000001",
    date=date(2027, 3, 5),
)
MONDAY = PrismePayment(
    payment_id="77",
    payment_key="98766",
    amount=Decimal("2345.675"),  # rounds half up to 2345.68
    child_cpr="1502151234",
    recipient_cpr="2709801238",
    account_alias="BOS0000042",
    date=date(2027, 3, 8),
)
# The Thursday 4 March 2027 run: "tomorrow" is Friday 5 March 2027, day 64 of the year.
FILE_DATE = date(2027, 3, 5)

# Written by hand from spec 3.1, field by field.
GOLDEN = (
    "Z300 02706      0641\n"
    "000G6900001027001NORFLYD"
    "&10300482&1040000001&11020270305&111BOS0000001&112000000150000 &113D&1142027"
    "&11720270305004820000001&13202&1331502151234&1531234\n"
    "000G68000020270011"
    "&020270&0300&0800000150000&09+&1002&110303851234&1220270305"
    "&1620270305004820000001&1700000000000000098765&40Fra Gribskov Kommune ref: 1234\n"
    "000G6900003027001NORFLYD"
    "&10300482&1040000002&11020270308&111BOS0000042&112000000234568 &113D&1142027"
    "&11720270308004820000002&13202&1331502151234&15377\n"
    "000G68000040270011"
    "&020270&0300&0800000234568&09+&1002&112709801238&1220270308"
    "&1620270308004820000002&1700000000000000098766&40Fra Gribskov Kommune ref: 77\n"
    "SLUTD00004\n"
)


def test_golden_file_for_two_payments():
    assert prisme_file([FRIDAY, MONDAY], SETTINGS, FILE_DATE) == GOLDEN


def test_payments_are_written_by_date():
    assert prisme_file([MONDAY, FRIDAY], SETTINGS, FILE_DATE) == GOLDEN


def test_crlf_on_request_and_the_reader_takes_both():
    crlf = prisme_file([FRIDAY, MONDAY], SETTINGS, FILE_DATE, newline="\r\n")
    assert crlf == GOLDEN.replace("\n", "\r\n")
    assert parse_prisme_file(crlf) == parse_prisme_file(GOLDEN)


def test_settings_as_digit_strings_give_the_same_file():
    as_text = PrismeSettings(org_unit="0270", machine_no="482", municipality_name=SETTINGS_NAME)
    assert prisme_file([FRIDAY, MONDAY], as_text, FILE_DATE) == GOLDEN


def test_the_generated_file_read_back_field_by_field():
    records = parse_prisme_file(prisme_file([FRIDAY, MONDAY], SETTINGS, FILE_DATE))
    assert [record["record"] for record in records] == ["Z300", "G69", "G68", "G69", "G68", "SLUTD"]

    preamble = records[0]["header"]
    assert preamble == {
        "transaction": "Z300",
        "blank": " ",
        "org_unit": "0270",
        "media_type": "6",
        "blanks": " " * 6,
        "day_of_year": "064",
        "mixed": "1",
    }

    for record_no, payment, ore in ((1, FRIDAY, 150000), (2, MONDAY, 234568)):
        g69, g68 = records[2 * record_no - 1], records[2 * record_no]
        ymd = payment.date.strftime("%Y%m%d")
        reference = f"{ymd}00482{record_no:07d}"

        assert g69["header"] == {
            "reg_location": "000",
            "interface": "G69",
            "line_no": f"{2 * record_no - 1:05d}",
            "org_unit": "0270",
            "org_type": "01",
            "post_type": "NOR",
            "line_format": "FLYD",
        }
        fields = g69["fields"]
        assert list(fields) == [
            *("103", "104", "110", "111", "112", "113", "114", "117", "132", "133", "153")
        ]
        assert fields["103"] == "00482"
        assert fields["104"] == f"{record_no:07d}" and len(fields["104"]) == 7
        assert fields["110"] == ymd and len(fields["110"]) == 8
        assert fields["111"] == payment.account_alias
        assert fields["112"] == f"{ore:012d} " and len(fields["112"]) == 13
        assert fields["113"] == "D"
        assert fields["114"] == "2027"
        assert fields["117"] == fields["110"] + fields["103"] + fields["104"] == reference
        assert len(fields["117"]) == 20
        assert fields["132"] == "02"
        assert fields["133"] == payment.child_cpr and len(fields["133"]) == 10
        assert fields["153"] == payment.payment_id

        assert g68["header"] == {
            "reg_location": "000",
            "interface": "G68",
            "line_no": f"{2 * record_no:05d}",
            "org_unit": "0270",
            "transaction_type": "01",
            "line_format": "1",
        }
        fields = g68["fields"]
        assert list(fields) == ["02", "03", "08", "09", "10", "11", "12", "16", "17", "40"]
        assert fields["02"] == "0270"
        assert fields["03"] == "00"
        assert fields["08"] == f"{ore:011d}" and len(fields["08"]) == 11
        assert fields["09"] == "+"
        assert fields["10"] == "02"
        assert fields["11"] == payment.recipient_cpr and len(fields["11"]) == 10
        assert fields["12"] == ymd
        assert fields["16"] == reference
        assert fields["17"] == f"{int(payment.payment_key):020d}" and len(fields["17"]) == 20
        assert fields["40"] == f"Fra Gribskov Kommune ref: {payment.payment_id}"

    assert records[-1]["header"] == {"transaction": "SLUTD", "count": "00004"}


@pytest.mark.parametrize(
    ("file_date", "day_of_year"),
    [
        (date(2027, 1, 7), "007"),
        (date(2027, 3, 1), "060"),
        (date(2028, 3, 1), "061"),  # 29 February 2028 comes before it
        (date(2028, 12, 31), "366"),
        (date(2027, 12, 31), "365"),
    ],
)
def test_preamble_day_of_year_has_three_digits(file_date, day_of_year):
    text = prisme_file([FRIDAY], SETTINGS, file_date)
    assert text.splitlines()[0] == f"Z300 02706      {day_of_year}1"


def test_filename():
    assert prisme_filename(date(2027, 3, 5), 123456) == "20270305_123456_0"
    assert prisme_filename(date(2027, 1, 4), 7) == "20270104_7_0"


def test_amounts_become_whole_ore_by_the_one_rounding():
    assert to_ore(Decimal("1500")) == 150000
    assert to_ore(Decimal("0.005")) == 1  # half up
    assert to_ore(Decimal("0.015")) == 2
    assert to_ore(Decimal("12.344")) == 1234
    assert to_ore(Decimal("999999999.99")) == 99999999999


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    amounts=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2),
        min_size=1,
        max_size=5,
    ),
    cprs=st.lists(st.from_regex(r"[0-9]{10}", fullmatch=True), min_size=2, max_size=2),
)
def test_round_trip_of_amounts_and_cprs(amounts, cprs):
    payments = [
        PrismePayment(
            payment_id=str(index),
            payment_key=index,
            amount=amount,
            child_cpr=cprs[0],
            recipient_cpr=cprs[1],
            account_alias="BOS0000001",
            date=date(2027, 3, 5),
        )
        for index, amount in enumerate(amounts, 1)
    ]
    records = parse_prisme_file(prisme_file(payments, SETTINGS, FILE_DATE))
    assert len(records) == 2 * len(payments) + 2
    for index, amount in enumerate(amounts, 1):
        g69, g68 = records[2 * index - 1]["fields"], records[2 * index]["fields"]
        assert Decimal(int(g68["08"])) / 100 == amount
        assert int(g69["112"]) == int(g68["08"]) == to_ore(amount)
        assert g69["133"] == cprs[0]
        assert g68["11"] == cprs[1]
    assert records[-1]["header"]["count"] == f"{2 * len(payments):05d}"


# -- what cannot be written ----------------------------------------------------------------------


def with_(payment=FRIDAY, **changes):
    return PrismePayment(**{**payment.__dict__, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"child_cpr": "150215-1234"}, "Barnets CPR-nummer (felt 133) skal være 10 cifre"),
        ({"child_cpr": "150215123"}, "Barnets CPR-nummer (felt 133) skal være 10 cifre"),
        ({"recipient_cpr": ""}, "Modtagerens CPR-nummer (felt 11) skal være 10 cifre"),
        ({"recipient_cpr": None}, "Modtagerens CPR-nummer (felt 11) skal være 10 cifre"),
        ({"recipient_cpr": "０３０３８５１２３４"}, "Modtagerens CPR-nummer"),  # full-width digits
        ({"amount": Decimal("0")}, "beløbet skal være større end 0 kr."),
        ({"amount": Decimal("-10.00")}, "beløbet skal være større end 0 kr."),
        ({"amount": Decimal("0.004")}, "beløbet skal være større end 0 kr."),  # rounds to 0
        ({"amount": Decimal("1000000000.00")}, "er for stort til PRISME"),
        ({"amount": Decimal("999999999.995")}, "er for stort til PRISME"),
        ({"amount": Decimal("1E+40")}, "er for stort til PRISME"),
        ({"amount": Decimal("NaN")}, "beløbet skal være et decimaltal"),
        ({"amount": 12.5}, "beløbet skal være et decimaltal"),
        ({"account_alias": ""}, "der er ingen kontoalias (felt 111)"),
        ({"account_alias": None}, "der er ingen kontoalias (felt 111)"),
        ({"account_alias": "BOS00000011"}, "kontoaliaset »BOS00000011« skal være højst 10 tegn"),
        ({"account_alias": "BOS&1"}, "kontoaliaset »BOS&1«"),
        ({"account_alias": "BOS 1"}, "kontoaliaset »BOS 1«"),
        ({"payment_id": ""}, "betalings-ID'et »« skal være 1-20 tegn"),
        ({"payment_id": "12&13"}, "betalings-ID'et »12&13«"),
        ({"payment_id": "12\n13"}, "betalings-ID'et"),
        ({"payment_key": -1}, "betalingsnøglen »-1« skal være et heltal med højst 20 cifre."),
        ({"payment_key": 10**20}, "betalingsnøglen"),
        ({"payment_key": "12a"}, "betalingsnøglen »12a«"),
        ({"date": None}, "betalingsdatoen mangler."),
    ],
)
def test_a_payment_that_cannot_be_written_is_refused(changes, message):
    payment = with_(**changes)
    assert any(message in problem for problem in payment_problems(payment))
    with pytest.raises(PrismeError) as caught:
        prisme_file([payment, MONDAY], SETTINGS, FILE_DATE)
    assert message in str(caught.value)
    # The message names the payment, and the good payment is not complained about.
    assert f"Betaling {payment.payment_id} " in str(caught.value)
    assert "Betaling 77 " not in str(caught.value)


def test_the_largest_amount_fits():
    payment = with_(amount=Decimal("999999999.99"))
    assert payment_problems(payment) == []
    fields = parse_prisme_file(prisme_file([payment], SETTINGS, FILE_DATE))[2]["fields"]
    assert fields["08"] == "99999999999"


def test_a_good_payment_has_no_problems():
    assert payment_problems(FRIDAY) == []
    assert payment_problems(MONDAY) == []
    assert settings_problems(SETTINGS) == []


def test_every_problem_is_listed_at_once():
    bad = with_(child_cpr="1", amount=Decimal("0"), account_alias="")
    with pytest.raises(PrismeError) as caught:
        prisme_file([bad], SETTINGS, FILE_DATE)
    assert len(caught.value.problems) == 3


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (PrismeSettings(12345, 482, "Gribskov Kommune"), "PRISME-organisationsenheden"),
        (PrismeSettings("02a0", 482, "Gribskov Kommune"), "PRISME-organisationsenheden"),
        (PrismeSettings("", 482, "Gribskov Kommune"), "PRISME-organisationsenheden"),
        (PrismeSettings(-1, 482, "Gribskov Kommune"), "PRISME-organisationsenheden"),
        (PrismeSettings(None, 482, "Gribskov Kommune"), "PRISME-organisationsenheden"),
        (PrismeSettings(270, "123456", "Gribskov Kommune"), "PRISME-maskinnummeret skal være"),
        (PrismeSettings(270, 123456, "Gribskov Kommune"), "PRISME-maskinnummeret skal være"),
        (PrismeSettings(270, 482, ""), "Kommunens navn skal udfyldes"),
        (PrismeSettings(270, 482, "Gribskov & Co"), "Kommunens navn skal udfyldes"),
    ],
)
def test_settings_that_cannot_be_written_are_refused(settings, message):
    assert any(message in problem for problem in settings_problems(settings))
    with pytest.raises(PrismeError, match=message):
        prisme_file([FRIDAY], settings, FILE_DATE)


def test_org_unit_is_zero_padded():
    text = prisme_file([FRIDAY], PrismeSettings(101, 1, "Københavns Kommune"), FILE_DATE)
    records = parse_prisme_file(text)
    assert records[0]["header"]["org_unit"] == "0101"
    assert records[1]["header"]["org_unit"] == "0101"
    assert records[1]["fields"]["103"] == "00001"
    assert records[2]["fields"]["02"] == "0101"
    assert records[2]["fields"]["40"] == "Fra Københavns Kommune ref: 1234"


def test_no_payments_no_file():
    with pytest.raises(PrismeError, match="Der er ingen betalinger"):
        prisme_file([], SETTINGS, FILE_DATE)


def test_a_payment_key_twice_is_refused():
    with pytest.raises(PrismeError, match="Betalingsnøglen 98765 står mere end én gang"):
        prisme_file([FRIDAY, with_(MONDAY, payment_key=98765)], SETTINGS, FILE_DATE)


def test_too_many_payments_for_the_trailer(monkeypatch):
    # Two records a payment and a 5-digit count: 49,999 payments at most.
    assert MAX_PAYMENTS == 49999
    monkeypatch.setattr(prisme, "MAX_PAYMENTS", 1)
    with pytest.raises(PrismeError, match="En PRISME-fil kan højst rumme 1 betalinger; der er 2"):
        prisme_file([FRIDAY, MONDAY], SETTINGS, FILE_DATE)


@pytest.mark.parametrize(
    "line",
    [
        "hello",
        "Z300 0270 6      0641",
        "000G6900001027001NORFLYD&999x",
        "000G6900001027001NORFLYD103",
        "000G68000020270011&0202&020270",  # a field twice
        "SLUTD4",
    ],
)
def test_the_reader_refuses_what_is_no_prisme_record(line):
    with pytest.raises(PrismeError, match="er ikke en PRISME-post"):
        parse_prisme_file(GOLDEN + line + "\n")
