"""Time-dependent rates and prices."""

from datetime import date
from decimal import Decimal

import pytest

from os2bos_plone.engine.prices import PriceHistory
from os2bos_plone.engine.prices import PricePeriod
from os2bos_plone.engine.prices import parse_price_rows

D = Decimal


def two_periods():
    return PriceHistory(
        [
            PricePeriod(date(2025, 1, 1), date(2025, 7, 1), D("100")),
            PricePeriod(date(2025, 7, 1), None, D("120")),
        ]
    )


def test_acceptance_example_half_open_periods():
    history = two_periods()
    assert history.amount_on(date(2025, 6, 30)) == D("100")
    assert history.amount_on(date(2025, 7, 1)) == D("120")


def test_start_is_inclusive():
    assert two_periods().amount_on(date(2025, 1, 1)) == D("100")


def test_before_first_period_is_zero():
    assert two_periods().amount_on(date(2024, 12, 31)) == D("0")


def test_open_end_lasts_forever():
    assert two_periods().amount_on(date(2099, 12, 31)) == D("120")


def test_open_start_means_since_always():
    history = PriceHistory([PricePeriod(None, date(2020, 1, 1), D("5"))])
    assert history.amount_on(date(1900, 1, 1)) == D("5")
    assert history.amount_on(date(2020, 1, 1)) == D("0")


def test_gap_between_periods_is_zero():
    history = PriceHistory(
        [
            PricePeriod(date(2025, 1, 1), date(2025, 2, 1), D("10")),
            PricePeriod(date(2025, 3, 1), None, D("30")),
        ]
    )
    assert history.amount_on(date(2025, 2, 15)) == D("0")
    assert history.amount_on(date(2025, 3, 1)) == D("30")


def test_empty_history_is_zero():
    assert PriceHistory().amount_on(date(2025, 1, 1)) == D("0")
    assert not PriceHistory()


def test_constant():
    assert PriceHistory.constant("145.00").amount_on(date(2026, 1, 1)) == D("145.00")


def test_valid_history_has_no_errors():
    assert two_periods().validate() == []


def test_start_not_before_end_names_row():
    history = PriceHistory(
        [
            PricePeriod(date(2024, 1, 1), date(2025, 1, 1), D("1")),
            PricePeriod(date(2025, 5, 1), date(2025, 5, 1), D("2")),
        ]
    )
    assert history.validate() == ["Periode 2: startdatoen skal ligge før slutdatoen."]


def test_start_after_end_names_row():
    history = PriceHistory([PricePeriod(date(2025, 6, 1), date(2025, 5, 1), D("2"))])
    assert history.validate() == ["Periode 1: startdatoen skal ligge før slutdatoen."]


def test_overlap_names_both_rows():
    history = PriceHistory(
        [
            PricePeriod(date(2025, 1, 1), date(2025, 7, 1), D("100")),
            PricePeriod(date(2026, 1, 1), None, D("130")),
            PricePeriod(date(2025, 6, 1), None, D("120")),
        ]
    )
    assert history.validate() == [
        "Periode 1 og periode 3 overlapper hinanden.",
        "Periode 2 og periode 3 overlapper hinanden.",
    ]


def test_two_open_starts_overlap():
    history = PriceHistory(
        [
            PricePeriod(None, date(2025, 1, 1), D("1")),
            PricePeriod(None, date(2024, 1, 1), D("2")),
        ]
    )
    assert history.validate() == ["Periode 1 og periode 2 overlapper hinanden."]


def test_adjacent_periods_do_not_overlap():
    a = PricePeriod(date(2025, 1, 1), date(2025, 7, 1), D("1"))
    b = PricePeriod(date(2025, 7, 1), None, D("2"))
    assert not a.overlaps(b)
    assert not b.overlaps(a)


def test_latest_start_wins_when_data_overlaps():
    history = PriceHistory(
        [
            PricePeriod(date(2025, 1, 1), None, D("100")),
            PricePeriod(date(2025, 6, 1), None, D("120")),
        ]
    )
    assert history.amount_on(date(2025, 5, 31)) == D("100")
    assert history.amount_on(date(2025, 6, 1)) == D("120")


def test_with_period_splits_an_open_period():
    history = PriceHistory.constant("100").with_period(D("150"), date(2025, 3, 1), date(2025, 4, 1))
    assert history.validate() == []
    assert history.amount_on(date(2025, 2, 28)) == D("100")
    assert history.amount_on(date(2025, 3, 15)) == D("150")
    assert history.amount_on(date(2025, 4, 1)) == D("100")
    assert len(history) == 3


def test_with_period_new_rate_from_a_date():
    history = two_periods().with_period(D("125"), date(2026, 1, 1))
    assert history.validate() == []
    assert history.to_rows() == [
        {"start_date": date(2025, 1, 1), "end_date": date(2025, 7, 1), "amount": D("100")},
        {"start_date": date(2025, 7, 1), "end_date": date(2026, 1, 1), "amount": D("120")},
        {"start_date": date(2026, 1, 1), "end_date": None, "amount": D("125")},
    ]


def test_with_period_rejects_empty_interval():
    with pytest.raises(ValueError):
        two_periods().with_period(D("1"), date(2025, 1, 1), date(2025, 1, 1))


def test_parse_rows_from_strings():
    history, errors = parse_price_rows(
        [
            {"start_date": "2025-01-01", "end_date": "2025-07-01", "amount": "100.00"},
            {"start_date": "2025-07-01", "end_date": "", "amount": "1.234,50"},
        ]
    )
    assert errors == []
    assert history.periods == (
        PricePeriod(date(2025, 1, 1), date(2025, 7, 1), D("100.00")),
        PricePeriod(date(2025, 7, 1), None, D("1234.50")),
    )


def test_parse_rows_from_typed_values():
    history = PriceHistory.from_rows(
        [{"start_date": date(2025, 1, 1), "end_date": None, "amount": D("3.94")}]
    )
    assert history.amount_on(date(2026, 1, 1)) == D("3.94")


def test_parse_rows_reports_bad_rows():
    _history, errors = parse_price_rows(
        [
            {"start_date": "2025-13-01", "end_date": None, "amount": "1"},
            {"start_date": "2025-01-01", "end_date": None, "amount": "abc"},
            {"start_date": "2025-01-01", "end_date": None},
        ]
    )
    assert errors == [
        "Periode 1: ugyldig dato.",
        "Periode 2: ugyldigt beløb.",
        "Periode 3: der skal angives et beløb.",
    ]


def test_from_rows_raises_on_bad_rows():
    with pytest.raises(ValueError, match="Periode 1: ugyldigt beløb"):
        PriceHistory.from_rows([{"start_date": None, "end_date": None, "amount": "x"}])
