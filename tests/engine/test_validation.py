"""Activity and payment validation (Danish messages per REST field)."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from os2bos_plone.engine.payments import CostType
from os2bos_plone.engine.payments import Frequency
from os2bos_plone.engine.payments import Payment
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.payments import generate_payments
from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.validation import ActivityInput
from os2bos_plone.engine.validation import FieldError
from os2bos_plone.engine.validation import cash_start_allowed
from os2bos_plone.engine.validation import plan_from_input
from os2bos_plone.engine.validation import validate_activity
from os2bos_plone.engine.validation import validate_individual_payment
from os2bos_plone.engine.validation import validate_mark_paid
from os2bos_plone.engine.validation import validate_payment_edit

D = Decimal
TODAY = date(2026, 3, 2)  # a Monday

CASH_MESSAGE = (
    "Startdatoen skal være i fremtiden, og der skal være mindst to bankdage "
    "fra i morgen til og med startdatoen"
)


def valid(**changes):
    """A valid main activity: 1000 kr. monthly by invoice to a company."""
    data = ActivityInput(
        service="opholdssted",
        activity_type="main",
        start_date=date(2026, 4, 1),
        end_date=date(2026, 12, 31),
        payment_type="running",
        payment_frequency="monthly",
        payment_day_of_month=1,
        payment_cost_type="fixed",
        payment_amount=D("1000"),
        recipient_type="company",
        recipient_id="13585628",
        recipient_name="Opholdsstedet ApS",
        payment_method="invoice",
        today=TODAY,
    )
    return dataclasses.replace(data, **changes)


def cash(**changes):
    """A valid cash payment to a person, weekly."""
    base = {
        "recipient_type": "person",
        "recipient_id": "0101051234",
        "payment_method": "cash",
        "payment_frequency": "weekly",
        "payment_day_of_month": None,
    }
    base.update(changes)
    return valid(**base)


def individual(**changes):
    base = {
        "payment_type": "individual",
        "payment_frequency": None,
        "payment_day_of_month": None,
        "payment_cost_type": None,
        "payment_amount": None,
        "payments": [(date(2026, 4, 15), D("500")), (date(2026, 6, 1), D("750"))],
    }
    base.update(changes)
    return valid(**base)


def one_time(**changes):
    base = {
        "activity_type": "supplementary",
        "payment_type": "one_time",
        "payment_frequency": None,
        "payment_day_of_month": None,
        "start_date": None,
        "end_date": None,
        "payment_date": date(2026, 5, 1),
    }
    base.update(changes)
    return valid(**base)


def errors_of(data):
    return validate_activity(data)


def only(data, field_name):
    return [error.message for error in validate_activity(data) if error.field == field_name]


# --------------------------------------------------------------------------- valid inputs


def test_valid_monthly_fixed():
    assert errors_of(valid()) == []


def test_valid_cash_weekly():
    assert errors_of(cash(start_date=date(2026, 3, 4))) == []


def test_valid_individual():
    assert errors_of(individual()) == []


def test_valid_one_time_supplementary():
    assert errors_of(one_time()) == []


def test_valid_rate_plan():
    data = valid(payment_cost_type="rate", payment_amount=None, payment_units=D("30"))
    data = dataclasses.replace(data, payment_rate="rate-vederlag")
    assert errors_of(data) == []


def test_valid_per_unit_plan_with_price_rows():
    data = valid(
        payment_cost_type="per_unit",
        payment_amount=None,
        payment_units="2,5",
        payment_prices=[{"start_date": "2026-01-01", "end_date": None, "amount": "400"}],
    )
    assert errors_of(data) == []


def test_valid_open_end():
    assert errors_of(valid(end_date=None)) == []


# --------------------------------------------------------------------------- required fields


def test_required_fields():
    data = valid(service="", activity_type=None, recipient_type=None, payment_method=None)
    assert set(errors_of(data)) == {
        FieldError("service", "Feltet skal udfyldes"),
        FieldError("activity_type", "Feltet skal udfyldes"),
        FieldError("recipient_type", "Feltet skal udfyldes"),
        FieldError("payment_method", "Feltet skal udfyldes"),
    }


def test_unknown_choice():
    assert only(valid(payment_frequency="yearly"), "payment_frequency") == ["Ugyldig værdi"]


def test_unreadable_amount():
    assert only(valid(payment_amount="mange"), "payment_amount") == ["Ugyldigt beløb"]


# --------------------------------------------------------------------------- dates


def test_start_after_end():
    data = valid(start_date=date(2026, 5, 2), end_date=date(2026, 5, 1))
    assert errors_of(data) == [
        FieldError("start_date", "Startdatoen skal være før eller samme dag som slutdatoen")
    ]


def test_start_equal_to_end_is_allowed():
    data = valid(start_date=date(2026, 5, 1), end_date=date(2026, 5, 1))
    assert errors_of(data) == []


def test_start_required_unless_one_time():
    assert only(valid(start_date=None), "start_date") == [
        "Der skal angives en startdato for ydelsen"
    ]
    assert only(one_time(start_date=None), "start_date") == []


def test_one_time_needs_payment_date():
    assert only(one_time(payment_date=None), "payment_date") == [
        "Der skal angives en betalingsdato for engangsbetalingen"
    ]


def test_payment_date_only_for_one_time():
    assert only(valid(payment_date=date(2026, 5, 1)), "payment_date") == [
        "Betalingsdato kan kun angives for engangsbetalinger"
    ]


def test_main_activity_cannot_be_one_time():
    assert only(one_time(activity_type="main"), "payment_type") == [
        "Hovedydelser må ikke være engangsbetalinger"
    ]


# --------------------------------------------------------------------------- frequency


def test_running_needs_frequency():
    data = valid(payment_frequency=None, payment_day_of_month=None)
    assert errors_of(data) == [
        FieldError(
            "payment_frequency", "Der skal angives en betalingsfrekvens for løbende betalinger"
        )
    ]


@pytest.mark.parametrize("factory", [one_time, individual])
def test_frequency_forbidden_for_one_time_and_individual(factory):
    assert only(factory(payment_frequency="weekly"), "payment_frequency") == [
        "Betalingsfrekvens kan kun angives for løbende betalinger"
    ]


@pytest.mark.parametrize("day", [0, 32, -1])
def test_day_of_month_range(day):
    assert only(valid(payment_day_of_month=day), "payment_day_of_month") == [
        "Betalingsdagen skal være mellem 1 og 31"
    ]


def test_day_of_month_31_is_allowed():
    assert errors_of(valid(payment_day_of_month=31)) == []


def test_day_of_month_only_for_monthly():
    data = valid(payment_frequency="weekly", payment_day_of_month=15)
    assert only(data, "payment_day_of_month") == [
        "Betalingsdag i måneden kan kun angives for månedlige betalinger"
    ]


def test_monthly_plan_without_payments():
    data = valid(start_date=date(2026, 4, 2), end_date=date(2026, 4, 30), payment_day_of_month=1)
    assert errors_of(data) == [
        FieldError("end_date", "Betalingsplanen giver ingen betalinger i perioden")
    ]


def test_monthly_plan_with_clamped_day_has_a_payment():
    data = valid(start_date=date(2026, 2, 27), end_date=date(2026, 2, 28), payment_day_of_month=31)
    data = dataclasses.replace(data, today=date(2026, 1, 5))
    assert errors_of(data) == []


def test_monthly_plan_without_payments_is_fine_for_an_adjustment():
    data = valid(
        start_date=date(2026, 4, 2),
        end_date=date(2026, 4, 30),
        payment_day_of_month=1,
        is_adjustment=True,
    )
    assert errors_of(data) == []


# --------------------------------------------------------------------------- cash start rule


def test_cash_start_two_banking_days_ahead_is_fine():
    assert only(cash(start_date=date(2026, 3, 4)), "start_date") == []


def test_cash_start_tomorrow_is_too_early():
    assert only(cash(start_date=date(2026, 3, 3)), "start_date") == [CASH_MESSAGE]


def test_cash_start_today_is_too_early():
    assert only(cash(start_date=TODAY), "start_date") == [CASH_MESSAGE]


def test_cash_start_in_the_past_is_refused():
    assert only(cash(start_date=date(2026, 2, 1)), "start_date") == [CASH_MESSAGE]


def test_cash_start_counts_banking_days_over_easter():
    before_easter = date(2026, 3, 31)  # Tuesday; 1/4 open, 2/4-6/4 closed
    assert not cash_start_allowed(date(2026, 4, 6), before_easter)
    assert cash_start_allowed(date(2026, 4, 7), before_easter)


def test_cash_start_counts_banking_days_over_christmas():
    assert not cash_start_allowed(date(2026, 12, 24), date(2026, 12, 22))
    assert cash_start_allowed(date(2026, 12, 28), date(2026, 12, 22))


def test_cash_start_respects_extra_closing_days():
    data = cash(start_date=date(2026, 3, 4), bank_extra_dates=[date(2026, 3, 3)])
    assert only(data, "start_date") == [CASH_MESSAGE]


def test_cash_rule_not_for_fictive_payments():
    assert only(cash(start_date=TODAY, fictive=True), "start_date") == []


def test_cash_rule_not_for_sd():
    assert only(cash(start_date=TODAY, payment_method="sd"), "start_date") == []


def test_cash_rule_not_for_company():
    assert only(valid(start_date=TODAY), "start_date") == []


def test_cash_rule_not_rechecked_for_unchanged_start():
    data = cash(start_date=date(2026, 1, 5), saved_start_date=date(2026, 1, 5))
    assert only(data, "start_date") == []


def test_cash_rule_uses_payment_date_for_one_time():
    data = one_time(recipient_type="person", payment_method="cash", payment_date=date(2026, 3, 3))
    assert only(data, "payment_date") == [
        "Betalingsdatoen skal være i fremtiden, og der skal være mindst to bankdage "
        "fra i morgen til og med betalingsdatoen"
    ]


# --------------------------------------------------------------------------- recipient


@pytest.mark.parametrize(
    ("recipient_type", "method", "ok"),
    [
        ("person", "cash", True),
        ("person", "sd", True),
        ("person", "invoice", False),
        ("person", "internal", False),
        ("company", "invoice", True),
        ("company", "cash", False),
        ("company", "sd", False),
        ("internal", "internal", True),
        ("internal", "invoice", False),
    ],
)
def test_recipient_method_pairs(recipient_type, method, ok):
    data = valid(
        recipient_type=recipient_type,
        payment_method=method,
        recipient_id=None,
        start_date=date(2026, 4, 1),
    )
    expected = [] if ok else ["Ugyldig betalingsmåde for betalingsmodtageren"]
    assert only(data, "payment_method") == expected


@pytest.mark.parametrize("cvr", ["1358562", "13585627", "1358562A", "135856280"])
def test_company_needs_valid_cvr(cvr):
    assert only(valid(recipient_id=cvr), "recipient_id") == [
        "Ugyldigt CVR-nummer (et CVR-nummer består af 8 cifre)"
    ]


def test_company_cvr_may_be_left_out():
    assert errors_of(valid(recipient_id=None)) == []


def test_person_recipient_id_is_not_a_cvr():
    assert only(cash(start_date=date(2026, 3, 4)), "recipient_id") == []


# --------------------------------------------------------------------------- cost types


def test_cost_type_required():
    assert only(valid(payment_cost_type=None), "payment_cost_type") == [
        "Der skal angives en betalingspristype"
    ]


def test_fixed_needs_amount():
    assert only(valid(payment_amount=None), "payment_amount") == ["Der skal angives et beløb"]


def test_fixed_amount_may_be_zero_or_negative():
    assert errors_of(valid(payment_amount=D("0"))) == []
    assert errors_of(valid(payment_amount=D("-250"))) == []


def test_fixed_refuses_units_rate_and_prices():
    data = valid(
        payment_units=D("2"),
        payment_rate="rate-1",
        payment_prices=PriceHistory.constant("10"),
    )
    assert errors_of(data) == [
        FieldError("payment_units", "Antal enheder kan kun angives ved pris pr. enhed eller takst"),
        FieldError("payment_rate", "Takst kan kun angives ved betalingspristypen takst"),
        FieldError(
            "payment_prices", "Priser kan kun angives ved betalingspristypen pris pr. enhed"
        ),
    ]


def test_per_unit_needs_units_and_prices():
    data = valid(payment_cost_type="per_unit", payment_amount=None)
    assert errors_of(data) == [
        FieldError("payment_units", "Der skal angives et antal enheder"),
        FieldError("payment_prices", "Der skal angives en pris pr. enhed"),
    ]


def test_per_unit_refuses_amount_and_rate():
    data = valid(
        payment_cost_type="per_unit",
        payment_units=D("1"),
        payment_prices=PriceHistory.constant("10"),
        payment_rate="rate-1",
    )
    assert errors_of(data) == [
        FieldError("payment_amount", "Beløb kan kun angives ved betalingspristypen fast beløb"),
        FieldError("payment_rate", "Takst kan kun angives ved betalingspristypen takst"),
    ]


def test_per_unit_price_rows_are_validated():
    data = valid(
        payment_cost_type="per_unit",
        payment_amount=None,
        payment_units=D("1"),
        payment_prices=[
            {"start_date": "2026-01-01", "end_date": "2026-07-01", "amount": "10"},
            {"start_date": "2026-06-01", "end_date": None, "amount": "12"},
        ],
    )
    assert only(data, "payment_prices") == ["Periode 1 og periode 2 overlapper hinanden."]


def test_per_unit_unreadable_price_row():
    data = valid(
        payment_cost_type="per_unit",
        payment_amount=None,
        payment_units=D("1"),
        payment_prices=[{"start_date": "2026-01-01", "end_date": None, "amount": "ti"}],
    )
    assert only(data, "payment_prices") == ["Periode 1: ugyldigt beløb."]


def test_rate_needs_units_and_rate():
    data = valid(payment_cost_type="rate", payment_amount=None)
    assert errors_of(data) == [
        FieldError("payment_units", "Der skal angives et antal enheder"),
        FieldError("payment_rate", "Der skal vælges en takst"),
    ]


def test_rate_refuses_amount_and_prices():
    data = valid(
        payment_cost_type="rate",
        payment_units=D("1"),
        payment_rate="rate-1",
        payment_prices=PriceHistory.constant("10"),
    )
    assert errors_of(data) == [
        FieldError("payment_amount", "Beløb kan kun angives ved betalingspristypen fast beløb"),
        FieldError(
            "payment_prices", "Priser kan kun angives ved betalingspristypen pris pr. enhed"
        ),
    ]


def test_negative_units_refused():
    data = valid(
        payment_cost_type="rate", payment_amount=None, payment_units=D("-1"), payment_rate="r"
    )
    assert errors_of(data) == [FieldError("payment_units", "Antal enheder må ikke være negativt")]


def test_individual_refuses_plan_fields():
    data = individual(
        payment_cost_type="fixed",
        payment_amount=D("1"),
        payment_units=D("1"),
        payment_day_of_month=5,
    )
    assert errors_of(data) == [
        FieldError("payment_day_of_month", "Kan ikke angives for en individuel betalingsplan"),
        FieldError("payment_cost_type", "Kan ikke angives for en individuel betalingsplan"),
        FieldError("payment_amount", "Kan ikke angives for en individuel betalingsplan"),
        FieldError("payment_units", "Kan ikke angives for en individuel betalingsplan"),
    ]


# --------------------------------------------------------------------------- individual payments


def test_individual_payment_outside_period():
    data = individual(payments=[(date(2026, 3, 31), D("1")), (date(2027, 1, 1), D("1"))])
    assert errors_of(data) == [
        FieldError(
            "payments", "Betalingen skal ligge inden for ydelsens start- og slutdato (31.03.2026)"
        ),
        FieldError(
            "payments", "Betalingen skal ligge inden for ydelsens start- og slutdato (01.01.2027)"
        ),
    ]


def test_individual_payments_on_period_edges_are_fine():
    data = individual(payments=[(date(2026, 4, 1), D("1")), (date(2026, 12, 31), D("1"))])
    assert errors_of(data) == []


def test_two_payments_on_one_date():
    data = individual(payments=[(date(2026, 5, 1), D("1")), (date(2026, 5, 1), D("2"))])
    assert errors_of(data) == [
        FieldError("payments", "En ydelse kan kun have én betaling på en given dato (01.05.2026)")
    ]


def test_validate_single_individual_payment():
    existing = [date(2026, 5, 1)]
    assert validate_individual_payment(date(2026, 5, 2), date(2026, 4, 1), None, existing) == []
    assert validate_individual_payment(date(2026, 5, 1), date(2026, 4, 1), None, existing) == [
        FieldError("date", "En ydelse kan kun have én betaling på en given dato (01.05.2026)")
    ]


# --------------------------------------------------------------------------- main period


def supplementary(**changes):
    return valid(
        activity_type="supplementary",
        main_start_date=date(2026, 4, 1),
        main_end_date=date(2026, 9, 30),
        end_date=date(2026, 9, 30),
        **changes,
    )


def test_supplementary_within_main_period():
    assert errors_of(supplementary()) == []


def test_supplementary_starting_before_main():
    data = supplementary(start_date=date(2026, 3, 31))
    assert errors_of(data) == [
        FieldError("start_date", "Følgeydelsen skal ligge inden for hovedydelsens periode")
    ]


def test_supplementary_ending_after_main():
    data = dataclasses.replace(supplementary(), end_date=date(2026, 10, 31))
    assert errors_of(data) == [
        FieldError("end_date", "Følgeydelsen skal ligge inden for hovedydelsens periode")
    ]


def test_supplementary_open_end_is_capped_at_grant_not_refused():
    assert errors_of(dataclasses.replace(supplementary(), end_date=None)) == []


def test_supplementary_one_time_payment_date_in_main_period():
    data = one_time(
        main_start_date=date(2026, 4, 1),
        main_end_date=date(2026, 4, 30),
        payment_date=date(2026, 5, 1),
    )
    assert errors_of(data) == [
        FieldError("payment_date", "Følgeydelsen skal ligge inden for hovedydelsens periode")
    ]


def test_main_activity_ignores_main_period():
    data = valid(main_start_date=date(2026, 6, 1), main_end_date=date(2026, 6, 30))
    assert errors_of(data) == []


def test_supplementary_without_main_dates_is_not_checked():
    assert errors_of(valid(activity_type="supplementary", start_date=date(2020, 1, 1))) == []


# --------------------------------------------------------------------------- mark paid


def test_mark_paid_invoice_of_granted_activity():
    assert validate_mark_paid("granted", False, "invoice", D("1000"), date(2026, 3, 1)) == []
    assert validate_mark_paid("granted", False, "internal", D("0"), date(2026, 3, 1)) == []


@pytest.mark.parametrize("status", ["draft", "expected"])
def test_mark_paid_only_granted(status):
    assert validate_mark_paid(status, False, "invoice", D("1"), date(2026, 3, 1)) == [
        FieldError("paid", "Denne betaling må ikke markeres betalt manuelt")
    ]


def test_mark_paid_not_fictive_even_for_admin():
    result = validate_mark_paid("granted", True, "invoice", D("1"), TODAY, privileged=True)
    assert result == [FieldError("paid", "Denne betaling må ikke markeres betalt manuelt")]


@pytest.mark.parametrize("method", ["cash", "sd"])
def test_mark_paid_cash_and_sd_only_for_privileged(method):
    assert validate_mark_paid("granted", False, method, D("1"), TODAY) == [
        FieldError(
            "paid",
            "Kun betalinger med betalingsmåden faktura eller intern afregning "
            "kan markeres betalt manuelt",
        )
    ]
    assert validate_mark_paid("granted", False, method, D("1"), TODAY, privileged=True) == []


def test_mark_paid_once_for_ordinary_users():
    result = validate_mark_paid("granted", False, "invoice", D("1"), TODAY, already_paid=True)
    assert result == [FieldError("paid", "Betalingen er allerede markeret betalt")]
    assert (
        validate_mark_paid(
            "granted", False, "invoice", D("1"), TODAY, privileged=True, already_paid=True
        )
        == []
    )


def test_mark_paid_needs_amount_and_date():
    assert validate_mark_paid("granted", False, "invoice", None, None) == [
        FieldError("paid_amount", "Ved en betalt betaling skal beløb og dato angives"),
        FieldError("paid_date", "Ved en betalt betaling skal beløb og dato angives"),
    ]


def test_granted_payment_date_and_amount_are_frozen():
    before = Payment(date(2026, 4, 1), D("100.00"))
    moved = Payment(date(2026, 4, 2), D("90.00"))
    assert validate_payment_edit("granted", before, moved) == [
        FieldError("date", "Dato eller beløb må ikke ændres på en godkendt betaling"),
        FieldError("amount", "Dato eller beløb må ikke ændres på en godkendt betaling"),
    ]
    noted = Payment(date(2026, 4, 1), D("100.00"), note="Ref. 42")
    assert validate_payment_edit("granted", before, noted) == []
    assert validate_payment_edit("draft", before, moved) == []


# --------------------------------------------------------------------------- plan building


def test_plan_from_input_per_unit():
    data = valid(
        payment_cost_type="per_unit",
        payment_amount=None,
        payment_units="2",
        payment_prices=[{"start_date": "2026-01-01", "end_date": None, "amount": "400"}],
    )
    plan = plan_from_input(data, vat_factor=D("95.40"))
    assert plan.cost_type is CostType.PER_UNIT
    assert plan.frequency is Frequency.MONTHLY
    payments = generate_payments(plan, TODAY)
    assert len(payments) == 9
    assert payments[0].amount == D("763.20")


def test_plan_from_input_rate_uses_given_history():
    data = valid(payment_cost_type="rate", payment_amount=None, payment_units=D("3"))
    plan = plan_from_input(data, rate_history=PriceHistory.constant("145"))
    assert generate_payments(plan, TODAY)[0].amount == D("435.00")


def test_plan_from_input_individual():
    plan = plan_from_input(individual())
    assert plan.payment_type is PaymentType.INDIVIDUAL
    assert plan.cost_type is None
    assert [p.amount for p in generate_payments(plan, TODAY)] == [D("500.00"), D("750.00")]


# --------------------------------------------------------------------------- plan bounds


def test_a_plan_runs_at_most_the_regelmotor_years_from_its_start():
    ten_years = valid(start_date=date(2026, 4, 1), end_date=date(2036, 3, 31))
    assert validate_activity(ten_years) == []
    one_day_more = valid(start_date=date(2026, 4, 1), end_date=date(2036, 4, 1))
    assert validate_activity(one_day_more) == [
        FieldError(
            "end_date",
            "En betalingsplan kan højst løbe 10 år fra sin start (til og med 31.03.2036)",
        )
    ]
    assert validate_activity(dataclasses.replace(one_day_more, max_plan_years=11)) == []


def test_a_hundred_year_daily_plan_is_refused():
    century = valid(
        start_date=date(2026, 4, 1),
        end_date=date(2126, 3, 31),
        payment_frequency="daily",
        payment_day_of_month=None,
    )
    assert [error.field for error in validate_activity(century)] == ["end_date"]
    assert "mellem 01.01.2000 og 31.12.2099" in validate_activity(century)[0].message


def test_no_more_payments_than_the_regelmotor_allows():
    daily = valid(
        start_date=date(2026, 4, 1),
        end_date=date(2036, 3, 31),
        payment_frequency="daily",
        payment_day_of_month=None,
    )
    assert validate_activity(daily) == []  # 3.653 daily payments fit the default 4.000
    assert validate_activity(dataclasses.replace(daily, max_plan_payments=3000)) == [
        FieldError("end_date", "Betalingsplanen giver 3653 betalinger; der kan højst være 3000")
    ]


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(9999, 12, 31)])
def test_absurd_dates_are_refused_in_danish(day):
    errors = validate_activity(valid(start_date=day, end_date=None))
    assert FieldError("start_date", "Datoen skal ligge mellem 01.01.2000 og 31.12.2099") in errors
