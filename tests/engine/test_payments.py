"""Payment plans: dates, amounts, generation, synchronisation and renewal."""

from datetime import date
from decimal import Decimal

import pytest

from os2bos_plone.engine.money import round_ore
from os2bos_plone.engine.payments import CostType
from os2bos_plone.engine.payments import Frequency
from os2bos_plone.engine.payments import Payment
from os2bos_plone.engine.payments import PaymentMethod
from os2bos_plone.engine.payments import PaymentPlan
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.payments import RecipientType
from os2bos_plone.engine.payments import add_months
from os2bos_plone.engine.payments import diff_payments
from os2bos_plone.engine.payments import generate_payments
from os2bos_plone.engine.payments import horizon_end
from os2bos_plone.engine.payments import payment_dates
from os2bos_plone.engine.payments import per_payment_amount
from os2bos_plone.engine.payments import renew_open_ended
from os2bos_plone.engine.payments import synchronize_granted
from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.prices import PricePeriod

D = Decimal
TODAY = date(2026, 3, 2)


def running(frequency, start, end=None, **kwargs):
    kwargs.setdefault("amount", D("100"))
    return PaymentPlan(
        payment_type=PaymentType.RUNNING,
        frequency=frequency,
        start_date=start,
        end_date=end,
        **kwargs,
    )


def rate_history(*steps):
    """``(start, amount)`` steps -> consecutive half-open periods, the last one open."""
    periods = []
    for index, (start, amount) in enumerate(steps):
        end = steps[index + 1][0] if index + 1 < len(steps) else None
        periods.append(PricePeriod(start, end, D(amount)))
    return PriceHistory(periods)


def dates_of(payments):
    return [payment.date for payment in payments]


def amounts_of(payments):
    return [payment.amount for payment in payments]


# --------------------------------------------------------------------------- enums


def test_enums_are_strings():
    assert PaymentType("one_time") is PaymentType.ONE_TIME
    assert Frequency.BIWEEKLY == "biweekly"
    assert CostType("rate") is CostType.RATE
    assert RecipientType.COMPANY == "company"
    assert {method.value for method in PaymentMethod} == {"cash", "sd", "invoice", "internal"}


def test_plan_converts_strings():
    plan = PaymentPlan(
        payment_type="running",
        frequency="monthly",
        cost_type="fixed",
        amount="1.234,50",
        vat_factor="95.40",
        start_date=date(2026, 1, 1),
    )
    assert plan.payment_type is PaymentType.RUNNING
    assert plan.frequency is Frequency.MONTHLY
    assert plan.amount == D("1234.50")
    assert plan.vat_factor == D("95.40")
    assert plan.is_open_ended


# --------------------------------------------------------------------------- dates


def test_one_time_date_whatever_the_period():
    plan = PaymentPlan(
        payment_type=PaymentType.ONE_TIME,
        payment_date=date(2026, 5, 20),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 2, 1),
        amount=D("500"),
    )
    assert payment_dates(plan, date(2026, 3, 1)) == [date(2026, 5, 20)]


def test_one_time_without_date_has_no_payments():
    plan = PaymentPlan(payment_type=PaymentType.ONE_TIME, amount=D("500"))
    assert payment_dates(plan) == []


def test_daily_includes_weekends():
    plan = running(Frequency.DAILY, date(2026, 2, 26), date(2026, 3, 2))
    assert payment_dates(plan) == [
        date(2026, 2, 26),
        date(2026, 2, 27),
        date(2026, 2, 28),  # Saturday
        date(2026, 3, 1),  # Sunday
        date(2026, 3, 2),
    ]


def test_daily_over_leap_day():
    plan = running(Frequency.DAILY, date(2028, 2, 28), date(2028, 3, 1))
    assert payment_dates(plan) == [date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1)]


def test_weekly_every_seven_days_from_start():
    plan = running(Frequency.WEEKLY, date(2026, 1, 5), date(2026, 2, 2))
    assert payment_dates(plan) == [
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
        date(2026, 2, 2),
    ]


def test_weekly_over_year_boundary():
    plan = running(Frequency.WEEKLY, date(2026, 12, 24), date(2027, 1, 14))
    assert payment_dates(plan) == [
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 1, 7),
        date(2027, 1, 14),
    ]


def test_biweekly_every_fourteen_days():
    plan = running(Frequency.BIWEEKLY, date(2026, 1, 5), date(2026, 2, 15))
    assert payment_dates(plan) == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)]


def test_monthly_first_occurrence_on_or_after_start():
    plan = running(Frequency.MONTHLY, date(2026, 1, 20), date(2026, 5, 15), day_of_month=15)
    assert payment_dates(plan) == [
        date(2026, 2, 15),
        date(2026, 3, 15),
        date(2026, 4, 15),
        date(2026, 5, 15),
    ]


def test_monthly_on_start_day_itself():
    plan = running(Frequency.MONTHLY, date(2026, 1, 15), date(2026, 2, 14), day_of_month=15)
    assert payment_dates(plan) == [date(2026, 1, 15)]


def test_monthly_default_day_is_the_first():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), date(2026, 3, 31))
    assert payment_dates(plan) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_monthly_31_clamps_each_month_on_its_own():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), date(2026, 6, 30), day_of_month=31)
    assert payment_dates(plan) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),  # not 28: the clamp is not carried over
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
    ]


def test_monthly_30_in_leap_year_february():
    plan = running(Frequency.MONTHLY, date(2027, 12, 1), date(2028, 3, 31), day_of_month=30)
    assert payment_dates(plan) == [
        date(2027, 12, 30),
        date(2028, 1, 30),
        date(2028, 2, 29),
        date(2028, 3, 30),
    ]


def test_monthly_clamped_day_counts_when_start_is_month_end():
    plan = running(Frequency.MONTHLY, date(2026, 2, 28), date(2026, 3, 30), day_of_month=31)
    assert payment_dates(plan) == [date(2026, 2, 28)]


def test_monthly_last_payment_not_after_end():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), date(2026, 3, 9), day_of_month=10)
    assert payment_dates(plan) == [date(2026, 1, 10), date(2026, 2, 10)]


def test_monthly_that_misses_its_day_has_no_payments():
    plan = running(Frequency.MONTHLY, date(2026, 1, 2), date(2026, 1, 31), day_of_month=1)
    assert payment_dates(plan) == []


def test_until_caps_a_closed_plan():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), date(2026, 12, 31))
    assert payment_dates(plan, date(2026, 2, 15)) == [date(2026, 1, 1), date(2026, 2, 1)]


def test_open_plan_needs_until():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1))
    with pytest.raises(ValueError):
        payment_dates(plan)


def test_running_without_start_has_no_payments():
    assert payment_dates(running(Frequency.DAILY, None, date(2026, 1, 1))) == []


def test_end_before_start_has_no_payments():
    assert payment_dates(running(Frequency.DAILY, date(2026, 2, 1), date(2026, 1, 1))) == []


def test_individual_dates_in_order():
    plan = PaymentPlan(
        payment_type=PaymentType.INDIVIDUAL,
        cost_type=None,
        individual_payments=[(date(2026, 5, 1), D("10")), (date(2026, 4, 1), D("20"))],
    )
    assert payment_dates(plan) == [date(2026, 4, 1), date(2026, 5, 1)]


def test_horizon_end():
    assert horizon_end(running(Frequency.DAILY, date(2026, 1, 1)), TODAY) == date(2027, 12, 31)
    closed = running(Frequency.DAILY, date(2026, 1, 1), date(2026, 4, 1))
    assert horizon_end(closed, TODAY) == date(2026, 4, 1)


def test_add_months_clamps():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


# --------------------------------------------------------------------------- amounts


def test_fixed_amount():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), amount=D("1000"))
    assert per_payment_amount(plan, date(2026, 1, 1)) == D("1000.00")


def test_vat_factor_applied_and_rounded():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), amount=D("1234.56"), vat_factor=D("95.40"))
    # 1234.56 * 0.954 = 1177.77024
    assert per_payment_amount(plan, date(2026, 1, 1)) == D("1177.77")


def test_rounding_is_half_up():
    assert round_ore(D("2.505")) == D("2.51")
    assert round_ore(D("-2.505")) == D("-2.51")
    plan = running(
        Frequency.WEEKLY,
        date(2026, 1, 1),
        amount=None,
        cost_type=CostType.PER_UNIT,
        units=D("3"),
        price_history=PriceHistory.constant("0.835"),
    )
    assert per_payment_amount(plan, date(2026, 1, 1)) == D("2.51")


def test_negative_amount_allowed():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), amount=D("-100"), vat_factor=D("95.40"))
    assert per_payment_amount(plan, date(2026, 1, 1)) == D("-95.40")


def test_zero_amount_allowed():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), amount=D("0"))
    assert per_payment_amount(plan, date(2026, 1, 1)) == D("0.00")


def test_per_unit_uses_price_on_the_date():
    plan = running(
        Frequency.MONTHLY,
        date(2025, 1, 1),
        amount=None,
        cost_type=CostType.PER_UNIT,
        units=D("2.5"),
        price_history=rate_history((date(2025, 1, 1), "100"), (date(2025, 7, 1), "120")),
    )
    assert per_payment_amount(plan, date(2025, 6, 30)) == D("250.00")
    assert per_payment_amount(plan, date(2025, 7, 1)) == D("300.00")
    assert per_payment_amount(plan, date(2024, 12, 31)) == D("0.00")


def test_rate_times_units():
    plan = running(
        Frequency.WEEKLY,
        date(2026, 1, 1),
        amount=None,
        cost_type=CostType.RATE,
        units=D("7"),
        price_history=PriceHistory.constant("145.00"),
    )
    assert per_payment_amount(plan, date(2026, 1, 1)) == D("1015.00")


def test_missing_units_price_nothing():
    plan = running(Frequency.WEEKLY, date(2026, 1, 1), amount=None, cost_type=CostType.RATE)
    assert per_payment_amount(plan, date(2026, 1, 1)) == D("0.00")


def test_individual_has_no_per_payment_amount():
    plan = PaymentPlan(payment_type=PaymentType.INDIVIDUAL, cost_type=None)
    with pytest.raises(ValueError):
        per_payment_amount(plan, date(2026, 1, 1))


# --------------------------------------------------------------------------- generation


def test_generate_with_rate_changing_mid_plan():
    plan = running(
        Frequency.MONTHLY,
        date(2025, 5, 1),
        date(2025, 9, 1),
        amount=None,
        cost_type=CostType.RATE,
        units=D("2"),
        price_history=rate_history((date(2025, 1, 1), "100"), (date(2025, 7, 1), "120")),
    )
    payments = generate_payments(plan, date(2025, 4, 1))
    assert dates_of(payments) == [
        date(2025, 5, 1),
        date(2025, 6, 1),
        date(2025, 7, 1),
        date(2025, 8, 1),
        date(2025, 9, 1),
    ]
    assert amounts_of(payments) == [D("200.00")] * 2 + [D("240.00")] * 3
    assert all(not payment.paid and payment.paid_amount is None for payment in payments)


def test_generate_open_end_weekly_until_end_of_next_year():
    plan = running(Frequency.WEEKLY, date(2026, 11, 2))
    payments = generate_payments(plan, TODAY)
    assert len(payments) == 61
    assert payments[0].date == date(2026, 11, 2)
    assert payments[-1].date == date(2027, 12, 27)


def test_generate_open_end_daily_reaches_31_december_next_year():
    plan = running(Frequency.DAILY, date(2027, 12, 30))
    assert dates_of(generate_payments(plan, TODAY)) == [date(2027, 12, 30), date(2027, 12, 31)]


def test_generate_one_time():
    plan = PaymentPlan(
        payment_type=PaymentType.ONE_TIME,
        payment_date=date(2026, 4, 10),
        amount=D("2500"),
        vat_factor=D("80"),
    )
    assert generate_payments(plan, TODAY) == [Payment(date(2026, 4, 10), D("2000.00"))]


def test_generate_individual():
    plan = PaymentPlan(
        payment_type=PaymentType.INDIVIDUAL,
        cost_type=None,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        individual_payments=[(date(2026, 6, 1), "-150.5"), (date(2026, 3, 1), D("1000"))],
    )
    assert generate_payments(plan, TODAY) == [
        Payment(date(2026, 3, 1), D("1000.00")),
        Payment(date(2026, 6, 1), D("-150.50")),
    ]


def test_payment_effective_values():
    planned = Payment(date(2026, 1, 1), D("100.00"))
    assert planned.effective_amount == D("100.00")
    assert planned.effective_date == date(2026, 1, 1)
    assert not planned.settled
    paid = Payment(date(2026, 12, 31), D("100.00"), True, D("95.00"), date(2027, 1, 2))
    assert paid.effective_amount == D("95.00")
    assert paid.effective_date == date(2027, 1, 2)
    assert paid.settled
    assert Payment(date(2026, 1, 1), D("1"), paid_amount=D("1")).settled


# --------------------------------------------------------------------------- synchronisation


def monthly_2026(**kwargs):
    return running(Frequency.MONTHLY, date(2026, 1, 1), date(2026, 12, 31), **kwargs)


def stored(plan, today=date(2025, 12, 1)):
    """Generated payments with ids, as Plone would have persisted them."""
    payments = generate_payments(plan, today)
    for number, payment in enumerate(payments, start=1):
        payment.payment_id = f"p{number}"
    return payments


def mark_paid(payment, amount=None, day=None):
    payment.paid = True
    payment.paid_amount = payment.amount if amount is None else amount
    payment.paid_date = payment.date if day is None else day


def test_shortening_removes_unpaid_after_new_end():
    existing = stored(monthly_2026())
    shorter = monthly_2026().replace(end_date=date(2026, 6, 30))
    result = synchronize_granted(existing, shorter, TODAY)
    assert dates_of(result) == [date(2026, m, 1) for m in range(1, 7)]


def test_paid_payments_survive_a_shortened_plan():
    existing = stored(monthly_2026())
    for payment in existing[:3]:
        mark_paid(payment)
    prepaid = existing[9]  # 1 October, paid in advance by invoice
    mark_paid(prepaid, D("90.00"), date(2026, 2, 20))
    shorter = monthly_2026().replace(end_date=date(2026, 6, 30))
    result = synchronize_granted(existing, shorter, TODAY)
    assert dates_of(result) == [date(2026, m, 1) for m in range(1, 7)] + [date(2026, 10, 1)]
    assert result[-1] is prepaid
    assert result[-1].paid_amount == D("90.00")


def test_extending_again_fills_the_months_before_a_kept_paid_payment():
    existing = stored(monthly_2026())
    mark_paid(existing[9])  # 1 October, paid in advance
    shorter = synchronize_granted(
        existing, monthly_2026().replace(end_date=date(2026, 6, 30)), TODAY
    )
    longer = synchronize_granted(shorter, monthly_2026(), TODAY)
    assert dates_of(longer) == [date(2026, m, 1) for m in range(1, 13)]
    assert longer[9] is existing[9]


def test_extending_skips_a_date_paid_in_advance():
    existing = stored(monthly_2026())
    mark_paid(existing[11])  # 1 December, paid in advance; 1 November still unpaid
    result = synchronize_granted(existing, monthly_2026().replace(end_date=date(2027, 2, 1)), TODAY)
    assert dates_of(result)[-4:] == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
    assert result[11] is existing[11]


def test_payment_with_only_paid_amount_is_kept_too():
    existing = stored(monthly_2026())
    existing[11].paid_amount = D("100.00")
    result = synchronize_granted(
        existing, monthly_2026().replace(end_date=date(2026, 1, 31)), TODAY
    )
    assert dates_of(result) == [date(2026, 1, 1), date(2026, 12, 1)]


def test_extending_continues_the_rhythm():
    existing = stored(monthly_2026(day_of_month=31))
    longer = monthly_2026(day_of_month=31).replace(end_date=date(2027, 3, 31))
    result = synchronize_granted(existing, longer, TODAY)
    assert len(result) == 15
    assert dates_of(result)[-4:] == [
        date(2026, 12, 31),
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]
    assert [payment.payment_id for payment in result[-3:]] == ["", "", ""]
    assert result[0] is existing[0]


def test_extending_weekly_is_anchored_at_start():
    plan = running(Frequency.WEEKLY, date(2026, 1, 5), date(2026, 2, 2))
    existing = stored(plan)
    result = synchronize_granted(existing, plan.replace(end_date=date(2026, 2, 20)), TODAY)
    assert dates_of(result)[-3:] == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16)]


def test_opening_the_end_extends_to_end_of_next_year():
    existing = stored(monthly_2026())
    result = synchronize_granted(existing, monthly_2026().replace(end_date=None), TODAY)
    assert len(result) == 24
    assert result[-1].date == date(2027, 12, 1)


def test_reprice_only_unpaid_at_their_own_date():
    old_rate = rate_history((date(2025, 1, 1), "100"))
    plan = monthly_2026(amount=None, cost_type=CostType.RATE, units=D("2"), price_history=old_rate)
    existing = stored(plan)
    mark_paid(existing[0])
    mark_paid(existing[1], D("150.00"))
    existing[2].note = "Faktura 17"
    new_rate = rate_history((date(2025, 1, 1), "100"), (date(2026, 4, 1), "110"))
    result = synchronize_granted(existing, plan.replace(price_history=new_rate), TODAY)
    assert amounts_of(result) == [D("200.00")] * 3 + [D("220.00")] * 9
    assert result[0] is existing[0]
    assert result[1] is existing[1]
    assert result[1].paid_amount == D("150.00")
    assert result[2] is existing[2]  # unchanged price: same object
    assert result[3] is not existing[3]
    assert result[3].payment_id == "p4"
    assert existing[3].amount == D("200.00")  # the input is not mutated


def test_reprice_paid_payment_is_never_changed_even_if_price_rises_before_it():
    plan = monthly_2026(amount=D("100"))
    existing = stored(plan)
    mark_paid(existing[5])
    result = synchronize_granted(existing, plan.replace(amount=D("130")), TODAY)
    assert result[5].amount == D("100.00")
    assert result[4].amount == D("130.00")
    assert result[6].amount == D("130.00")


def test_payment_with_paid_amount_is_not_repriced():
    plan = monthly_2026(amount=D("100"))
    existing = stored(plan)
    existing[4].paid_amount = D("100.00")  # registered amount, paid flag not yet set
    result = synchronize_granted(existing, plan.replace(amount=D("130")), TODAY)
    assert result[4] is existing[4]
    assert result[4].amount == D("100.00")


def test_repriced_copy_keeps_note_and_id():
    plan = monthly_2026(amount=D("100"))
    existing = stored(plan)
    existing[7].note = "Aftale 2026"
    result = synchronize_granted(existing, plan.replace(vat_factor=D("95.40")), TODAY)
    assert result[7].amount == D("95.40")
    assert result[7].note == "Aftale 2026"
    assert result[7].payment_id == "p8"


def test_one_time_is_repriced_not_moved():
    plan = PaymentPlan(
        payment_type=PaymentType.ONE_TIME, payment_date=date(2026, 4, 10), amount=D("100")
    )
    existing = stored(plan)
    changed = plan.replace(amount=D("120"), payment_date=date(2026, 5, 1))
    result = synchronize_granted(existing, changed, TODAY)
    assert result == [Payment(date(2026, 4, 10), D("120.00"), payment_id="p1")]


def test_one_time_paid_is_untouched():
    plan = PaymentPlan(
        payment_type=PaymentType.ONE_TIME, payment_date=date(2026, 4, 10), amount=D("100")
    )
    existing = stored(plan)
    mark_paid(existing[0])
    result = synchronize_granted(existing, plan.replace(amount=D("120")), TODAY)
    assert result[0] is existing[0]


def test_individual_is_not_synchronized():
    existing = [Payment(date(2026, 5, 1), D("10.00")), Payment(date(2026, 3, 1), D("20.00"))]
    plan = PaymentPlan(
        payment_type=PaymentType.INDIVIDUAL,
        cost_type=None,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 3, 31),
    )
    assert dates_of(synchronize_granted(existing, plan, TODAY)) == [
        date(2026, 3, 1),
        date(2026, 5, 1),
    ]


def test_synchronize_without_payments_generates():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), date(2026, 3, 31))
    result = synchronize_granted([], plan, TODAY)
    assert dates_of(result) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_synchronize_result_is_sorted():
    plan = running(Frequency.MONTHLY, date(2026, 1, 1), date(2026, 3, 31))
    existing = list(reversed(stored(plan)))
    result = synchronize_granted(existing, plan, TODAY)
    assert dates_of(result) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


# --------------------------------------------------------------------------- renewal


def open_monthly():
    return running(Frequency.MONTHLY, date(2025, 1, 1))


def test_renew_when_newest_is_under_six_months_away():
    existing = stored(open_monthly(), today=date(2025, 1, 10))
    assert existing[-1].date == date(2026, 12, 1)
    result = renew_open_ended(existing, open_monthly(), date(2026, 7, 1))
    assert len(result) == 36
    assert result[-1].date == date(2027, 12, 1)
    assert result[:24] == existing


def test_no_renewal_when_newest_is_far_enough():
    existing = stored(open_monthly(), today=date(2025, 1, 10))
    result = renew_open_ended(existing, open_monthly(), date(2026, 5, 31))
    assert result == existing


def test_no_renewal_for_closed_plans():
    plan = running(Frequency.MONTHLY, date(2025, 1, 1), date(2025, 3, 1))
    existing = stored(plan)
    assert renew_open_ended(existing, plan, date(2026, 1, 1)) == existing


def test_renewal_does_not_reprice():
    existing = stored(open_monthly(), today=date(2025, 1, 10))
    result = renew_open_ended(existing, open_monthly().replace(amount=D("200")), date(2026, 7, 1))
    assert result[23].amount == D("100.00")
    assert result[24].amount == D("200.00")


# --------------------------------------------------------------------------- diff


def test_diff_payments():
    old = [Payment(date(2026, 1, 1), D("1")), Payment(date(2026, 2, 1), D("1"))]
    new = [Payment(date(2026, 2, 1), D("2")), Payment(date(2026, 3, 1), D("1"))]
    changes = diff_payments(old, new)
    assert changes.removed == [old[0]]
    assert changes.added == [new[1]]
    assert changes.changed == [(old[1], new[0])]
    assert not diff_payments(old, list(old))
