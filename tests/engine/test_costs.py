"""Granted vs expected amounts, totals, monthly and yearly figures, previews."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from os2bos_plone.engine.costs import ActivityCostInput
from os2bos_plone.engine.costs import ActivityStatus
from os2bos_plone.engine.costs import YearTotals
from os2bos_plone.engine.costs import annual_cost
from os2bos_plone.engine.costs import applicable_payments
from os2bos_plone.engine.costs import cost_preview
from os2bos_plone.engine.costs import expected_in_year
from os2bos_plone.engine.costs import granted_in_year
from os2bos_plone.engine.costs import monthly
from os2bos_plone.engine.costs import occurrences_in_year
from os2bos_plone.engine.costs import peak_twelve_months
from os2bos_plone.engine.costs import sum_yearly_totals
from os2bos_plone.engine.costs import total_cost
from os2bos_plone.engine.costs import yearly_totals
from os2bos_plone.engine.payments import CostType
from os2bos_plone.engine.payments import Frequency
from os2bos_plone.engine.payments import Payment
from os2bos_plone.engine.payments import PaymentPlan
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.payments import add_months
from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.prices import PricePeriod

D = Decimal
TODAY = date(2026, 3, 2)
GRANTED = ActivityStatus.GRANTED
EXPECTED = ActivityStatus.EXPECTED
DRAFT = ActivityStatus.DRAFT
RUNNING = PaymentType.RUNNING


def monthly_payments(year, first_month, last_month, amount):
    return [
        Payment(date(year, month, 1), D(amount)) for month in range(first_month, last_month + 1)
    ]


def activity(uid, status, payments, modifies=None, payment_type=RUNNING):
    return ActivityCostInput(uid, status, payment_type, modifies, payments)


def original_and_adjustment():
    """Granted 1000/month Jan-Dec 2026, adjusted to 1200/month Jul-Sep 2026."""
    original = activity("a", GRANTED, monthly_payments(2026, 1, 12, "1000.00"))
    adjustment = activity("b", EXPECTED, monthly_payments(2026, 7, 9, "1200.00"), modifies="a")
    return original, adjustment


# --------------------------------------------------------------------------- applicability


def test_activity_without_modifier_keeps_all_payments():
    original, _adjustment = original_and_adjustment()
    assert len(applicable_payments(original, [original])) == 12


def test_adjustment_replaces_from_its_first_payment_even_after_its_end():
    original, adjustment = original_and_adjustment()
    applicable = applicable_payments(original, [original, adjustment])
    assert [payment.date.month for payment in applicable] == [1, 2, 3, 4, 5, 6]
    assert len(applicable_payments(adjustment, [original, adjustment])) == 3


def test_granted_counts_all_expected_counts_applicable():
    original, adjustment = original_and_adjustment()
    draft = activity("c", DRAFT, monthly_payments(2026, 1, 12, "500.00"))
    activities = [original, adjustment, draft]
    assert granted_in_year(activities, 2026) == D("12000.00")
    assert expected_in_year(activities, 2026) == D("9600.00")  # 6 x 1000 + 3 x 1200


def test_drafts_count_in_neither_total():
    draft = activity("c", DRAFT, monthly_payments(2026, 1, 12, "500.00"))
    assert granted_in_year([draft], 2026) == D("0.00")
    assert expected_in_year([draft], 2026) == D("0.00")


def test_expected_activity_without_original_counts_as_expected_only():
    new = activity("n", EXPECTED, monthly_payments(2026, 1, 2, "300.00"))
    assert granted_in_year([new], 2026) == D("0.00")
    assert expected_in_year([new], 2026) == D("600.00")


def test_modifier_chain_is_followed_to_the_earliest_payment():
    a = activity("a", GRANTED, monthly_payments(2026, 1, 12, "1000.00"))
    b = activity("b", GRANTED, monthly_payments(2026, 7, 12, "1100.00"), modifies="a")
    c = activity("c", EXPECTED, monthly_payments(2026, 5, 12, "1200.00"), modifies="b")
    activities = [a, b, c]
    assert [p.date.month for p in applicable_payments(a, activities)] == [1, 2, 3, 4]
    assert applicable_payments(b, activities) == []
    assert len(applicable_payments(c, activities)) == 8
    assert expected_in_year(activities, 2026) == D("4000.00") + D("9600.00")
    assert granted_in_year(activities, 2026) == D("12000.00") + D("6600.00")


def test_modifier_without_payments_leaves_all_payments():
    original = activity("a", GRANTED, monthly_payments(2026, 1, 12, "1000.00"))
    empty = activity("b", EXPECTED, [], modifies="a")
    assert len(applicable_payments(original, [original, empty])) == 12


def test_one_time_granted_with_modifier_has_no_applicable_payments():
    one_time = activity(
        "a", GRANTED, [Payment(date(2026, 5, 1), D("800.00"))], payment_type=PaymentType.ONE_TIME
    )
    adjustment = activity(
        "b",
        EXPECTED,
        [Payment(date(2026, 6, 1), D("900.00"))],
        modifies="a",
        payment_type=PaymentType.ONE_TIME,
    )
    assert applicable_payments(one_time, [one_time, adjustment]) == []
    assert expected_in_year([one_time, adjustment], 2026) == D("900.00")
    assert granted_in_year([one_time, adjustment], 2026) == D("800.00")


def test_draft_with_modifier_keeps_all_own_payments():
    draft = activity("a", DRAFT, monthly_payments(2026, 1, 3, "10.00"))
    other = activity("b", EXPECTED, monthly_payments(2026, 2, 3, "10.00"), modifies="a")
    assert len(applicable_payments(draft, [draft, other])) == 3


def test_cutoff_uses_planned_date_not_paid_date():
    original = activity("a", GRANTED, monthly_payments(2026, 1, 3, "100.00"))
    adjustment = activity(
        "b",
        EXPECTED,
        [Payment(date(2026, 3, 1), D("200.00"), True, D("200.00"), date(2026, 1, 15))],
        modifies="a",
    )
    applicable = applicable_payments(original, [original, adjustment])
    assert [p.date.month for p in applicable] == [1, 2]


def test_cutoff_compares_the_originals_planned_dates():
    paid_early = Payment(date(2026, 3, 1), D("100.00"), True, D("100.00"), date(2026, 2, 20))
    original = activity("a", GRANTED, monthly_payments(2026, 1, 2, "100.00") + [paid_early])
    adjustment = activity("b", EXPECTED, monthly_payments(2026, 3, 4, "200.00"), modifies="a")
    applicable = applicable_payments(original, [original, adjustment])
    assert [p.date.month for p in applicable] == [1, 2]


# --------------------------------------------------------------------------- paid values


def test_paid_amount_and_paid_date_decide_sum_and_year():
    late = Payment(date(2026, 12, 1), D("1000.00"), True, D("950.00"), date(2027, 1, 4))
    payments = monthly_payments(2026, 1, 11, "1000.00") + [late]
    granted = activity("a", GRANTED, payments)
    assert granted_in_year([granted], 2026) == D("11000.00")
    assert granted_in_year([granted], 2027) == D("950.00")
    assert expected_in_year([granted], 2027) == D("950.00")
    assert total_cost(granted) == D("11950.00")


def test_total_cost_is_applicable_payments_only():
    original, adjustment = original_and_adjustment()
    assert total_cost(original, [adjustment]) == D("6000.00")
    assert total_cost(adjustment, [original]) == D("3600.00")


def test_negative_payments_reduce_totals():
    refund = activity(
        "a", GRANTED, [Payment(date(2026, 2, 1), D("500.00")), Payment(date(2026, 3, 1), D("-200"))]
    )
    assert granted_in_year([refund], 2026) == D("300.00")


# --------------------------------------------------------------------------- monthly / yearly


def test_monthly_lists_all_twelve_months():
    payments = [
        Payment(date(2026, 1, 1), D("100.00")),
        Payment(date(2026, 1, 15), D("50.00")),
        Payment(date(2026, 11, 30), D("70.00"), True, D("75.00"), date(2026, 12, 2)),
        Payment(date(2027, 1, 1), D("999.00")),
    ]
    result = monthly(payments, 2026)
    assert len(result) == 12
    assert result[0] == ("2026-01", D("150.00"))
    assert result[1] == ("2026-02", D("0.00"))
    assert result[10] == ("2026-11", D("0.00"))
    assert result[11] == ("2026-12", D("75.00"))


def test_yearly_totals_per_activity():
    original, adjustment = original_and_adjustment()
    next_year = activity("c", GRANTED, monthly_payments(2027, 1, 2, "10.00"))
    draft = activity("d", DRAFT, monthly_payments(2026, 1, 2, "10.00"))
    totals = yearly_totals([original, adjustment, next_year, draft])
    assert totals == {
        "a": {2026: YearTotals(D("12000.00"), D("6000.00"))},
        "b": {2026: YearTotals(D("0.00"), D("3600.00"))},
        "c": {2027: YearTotals(D("20.00"), D("20.00"))},
        "d": {},
    }


def test_sum_yearly_totals_gives_appropriation_figures():
    original, adjustment = original_and_adjustment()
    next_year = activity("c", GRANTED, monthly_payments(2027, 1, 2, "10.00"))
    totals = yearly_totals([original, adjustment, next_year])
    assert sum_yearly_totals(totals.values()) == {
        2026: YearTotals(D("12000.00"), D("9600.00")),
        2027: YearTotals(D("20.00"), D("20.00")),
    }


def test_yearly_totals_unpack_as_pairs():
    original, _ = original_and_adjustment()
    granted, expected = yearly_totals([original])["a"][2026]
    assert (granted, expected) == (D("12000.00"), D("12000.00"))


# --------------------------------------------------------------------------- annual cost


def plan(frequency, start, end=None, **kwargs):
    kwargs.setdefault("amount", D("100"))
    return PaymentPlan(RUNNING, frequency, start_date=start, end_date=end, **kwargs)


def test_occurrences_daily_by_year_length():
    assert occurrences_in_year(plan(Frequency.DAILY, date(2026, 1, 1)), 2026) == 365
    assert occurrences_in_year(plan(Frequency.DAILY, date(2026, 1, 1)), 2028) == 366


def test_occurrences_weekly_follow_the_plans_weekday():
    thursday_start = plan(Frequency.WEEKLY, date(2026, 1, 1))  # 2026 has 53 Thursdays
    monday_start = plan(Frequency.WEEKLY, date(2025, 1, 6))
    assert occurrences_in_year(thursday_start, 2026) == 53
    assert occurrences_in_year(monday_start, 2026) == 52


def test_occurrences_biweekly():
    assert occurrences_in_year(plan(Frequency.BIWEEKLY, date(2026, 1, 1)), 2026) == 27
    assert occurrences_in_year(plan(Frequency.BIWEEKLY, date(2026, 1, 5)), 2026) == 26


def test_occurrences_monthly():
    assert occurrences_in_year(plan(Frequency.MONTHLY, date(2026, 6, 1)), 2026) == 12


def test_annual_cost_of_a_plan_shorter_than_a_year_is_its_total():
    short = plan(Frequency.DAILY, date(2026, 1, 1), date(2026, 1, 31), amount=D("145"))
    assert annual_cost(short, TODAY) == D("4495.00")  # 145 x 31


@pytest.mark.parametrize("frequency", list(Frequency))
@pytest.mark.parametrize("end", [None, date(2026, 9, 30), date(2028, 3, 31)])
def test_the_preview_values_a_measure_as_annual_cost_does(frequency, end):
    """The preview reuses its own payments for the annual cost when the plan has an end; open
    ends are planned further to value a full year. Either way: the same figure."""
    measure = plan(frequency, date(2026, 2, 27), end, amount=D("145"))
    assert cost_preview(measure, TODAY)["annual_cost"] == annual_cost(measure, TODAY)


def test_annual_cost_in_leap_year():
    daily = plan(Frequency.DAILY, date(2028, 1, 1), amount=D("145"))
    assert annual_cost(daily, date(2028, 6, 1)) == D("53070.00")  # 145 x 366


def test_annual_cost_weekly():
    weekly = plan(Frequency.WEEKLY, date(2026, 1, 1), amount=D("32"))
    assert annual_cost(weekly, TODAY) == D("1696.00")  # 32 x 53


def test_annual_cost_follows_the_most_expensive_twelve_months_whatever_today_is():
    rate = PriceHistory(
        [
            PricePeriod(date(2025, 1, 1), date(2026, 3, 1), D("100")),
            PricePeriod(date(2026, 3, 1), None, D("110")),
        ]
    )
    monthly_rate = plan(
        Frequency.MONTHLY,
        date(2025, 6, 1),
        amount=None,
        cost_type=CostType.RATE,
        units=D("3"),
        price_history=rate,
    )
    # From March 2026 every month costs 3 x 110: the dearer price decides, before and after it.
    assert annual_cost(monthly_rate, date(2026, 2, 28)) == D("3960.00")
    assert annual_cost(monthly_rate, TODAY) == D("3960.00")


def test_annual_cost_uses_start_price_when_start_is_later():
    rate = PriceHistory(
        [
            PricePeriod(None, date(2027, 1, 1), D("100")),
            PricePeriod(date(2027, 1, 1), None, D("120")),
        ]
    )
    future = plan(
        Frequency.MONTHLY,
        date(2027, 2, 1),
        amount=None,
        cost_type=CostType.PER_UNIT,
        units=D("1"),
        price_history=rate,
        vat_factor=D("95.40"),
    )
    assert annual_cost(future, TODAY) == D("1373.76")  # 114.48 x 12


def test_annual_cost_one_time_and_individual():
    one_time = PaymentPlan(
        PaymentType.ONE_TIME, payment_date=date(2026, 8, 1), amount=D("2500"), vat_factor=D("80")
    )
    assert annual_cost(one_time, TODAY) == D("2000.00")
    individual = PaymentPlan(
        PaymentType.INDIVIDUAL,
        cost_type=None,
        individual_payments=[(date(2026, 4, 1), D("100")), (date(2027, 4, 1), D("-25.50"))],
    )
    # A year apart: the two payments never fall in the same twelve months.
    assert annual_cost(individual, TODAY) == D("100.00")


# --------------------------------------------------------------------------- preview


def test_cost_preview_two_year_daily_plan():
    daily = plan(Frequency.DAILY, TODAY, date(2027, 12, 31), amount=D("100"))
    assert cost_preview(daily, TODAY) == {
        "per_payment_amount": D("100.00"),
        "payments_count": 670,
        "first_payment": TODAY,
        "last_payment": date(2027, 12, 31),
        "this_year": D("30500.00"),  # 2 March .. 31 December 2026: 305 days
        "next_year": D("36500.00"),
        "total_cost": D("67000.00"),
        "annual_cost": D("36500.00"),
    }


def test_cost_preview_open_end_and_rate_change():
    rate = PriceHistory(
        [
            PricePeriod(None, date(2027, 1, 1), D("100")),
            PricePeriod(date(2027, 1, 1), None, D("110")),
        ]
    )
    monthly_rate = plan(
        Frequency.MONTHLY,
        date(2026, 11, 15),
        amount=None,
        cost_type=CostType.RATE,
        units=D("2"),
        price_history=rate,
        day_of_month=15,
    )
    preview = cost_preview(monthly_rate, TODAY)
    assert preview["per_payment_amount"] == D("200.00")
    assert preview["payments_count"] == 14
    assert preview["first_payment"] == date(2026, 11, 15)
    assert preview["last_payment"] == date(2027, 12, 15)
    assert preview["this_year"] == D("400.00")
    assert preview["next_year"] == D("2640.00")
    assert preview["total_cost"] == D("3040.00")
    assert preview["annual_cost"] == D("2640.00")  # twelve months at the 2027 rate


def test_cost_preview_individual():
    individual = PaymentPlan(
        PaymentType.INDIVIDUAL,
        cost_type=None,
        individual_payments=[(date(2026, 4, 1), D("100")), (date(2027, 4, 1), D("50"))],
    )
    preview = cost_preview(individual, TODAY)
    assert preview["per_payment_amount"] is None
    assert preview["payments_count"] == 2
    assert preview["this_year"] == D("100.00")
    assert preview["next_year"] == D("50.00")
    assert preview["total_cost"] == D("150.00")


def test_cost_preview_empty_plan():
    empty = plan(Frequency.MONTHLY, date(2026, 1, 2), date(2026, 1, 31))
    preview = cost_preview(empty, TODAY)
    assert preview["payments_count"] == 0
    assert preview["first_payment"] is None
    assert preview["last_payment"] is None
    assert preview["total_cost"] == D("0.00")


def test_annual_cost_of_a_cheap_start_is_the_dear_rest():
    """A per-unit plan priced 1 kr. for its first 40 days and 1.000 kr. after is valued at what
    its year costs, not at 365 x 1 kr. (which would put it within anyone's competence)."""
    prices = PriceHistory(
        [
            PricePeriod(None, date(2027, 2, 10), D("1")),
            PricePeriod(date(2027, 2, 10), None, D("1000")),
        ]
    )
    cheap_start = plan(
        Frequency.DAILY,
        date(2027, 1, 1),
        date(2027, 12, 31),
        amount=None,
        cost_type=CostType.PER_UNIT,
        units=D("1"),
        price_history=prices,
    )
    assert annual_cost(cheap_start, date(2027, 1, 1)) == D("325040.00")  # 40 x 1 + 325 x 1000
    assert cost_preview(cheap_start, date(2027, 1, 1))["annual_cost"] == D("325040.00")


def test_annual_cost_of_a_long_plan_is_its_dearest_year_not_its_first():
    prices = PriceHistory(
        [
            PricePeriod(None, date(2028, 7, 1), D("100")),
            PricePeriod(date(2028, 7, 1), None, D("150")),
        ]
    )
    three_years = plan(
        Frequency.MONTHLY,
        date(2027, 1, 1),
        date(2029, 12, 31),
        amount=None,
        cost_type=CostType.RATE,
        units=D("1"),
        price_history=prices,
    )
    assert annual_cost(three_years, date(2027, 1, 1)) == D("1800.00")  # 12 x 150 from July 2028


def test_open_ended_plan_starting_late_next_year_is_valued_for_a_whole_year():
    late = plan(Frequency.MONTHLY, date(2027, 12, 1), amount=D("1000"))
    assert annual_cost(late, date(2026, 12, 6)) == D("12000.00")


# No deadline: the suite shares two cores with browser tests; this is about figures, not speed.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2026, 1, 1), max_value=date(2029, 12, 31)),
            st.decimals(min_value=0, max_value=10000, places=2),
        ),
        max_size=40,
    )
)
def test_peak_twelve_months_is_the_largest_window(rows):
    payments = [Payment(day, amount) for day, amount in rows]
    windows = [
        sum((p.amount for p in payments if start <= p.date < add_months(start, 12)), D("0"))
        for start in {p.date for p in payments}
    ]
    assert peak_twelve_months(payments) == max(windows, default=D("0"))
