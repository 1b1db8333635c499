"""monthly_totals_for: the per-activity monthly figures the catalog column is to hold."""

from datetime import date
from decimal import Decimal

from os2bos_plone.engine.costs import ActivityCostInput
from os2bos_plone.engine.costs import yearly_totals
from os2bos_plone.engine.payments import Payment
from os2bos_plone.payments.totals import monthly_totals_for


def monthly_payments(year, amount, months=range(1, 13)):
    return [Payment(date(year, month, 1), Decimal(amount)) for month in months]


def test_granted_expected_and_draft():
    granted = ActivityCostInput("g", "granted", "running", payments=monthly_payments(2026, "100"))
    expected = ActivityCostInput("e", "expected", "running", payments=monthly_payments(2026, "50"))
    draft = ActivityCostInput("d", "draft", "running", payments=monthly_payments(2026, "10"))
    result = monthly_totals_for([granted, expected, draft])
    assert result["g"]["2026-03"] == ("100", "100")
    assert result["e"]["2026-03"] == ("0", "50")
    assert result["d"] == {}
    assert len(result["g"]) == 12


def test_adjustment_replaces_the_rest_of_the_year_and_sums_match_yearly_totals():
    original = ActivityCostInput("o", "granted", "running", payments=monthly_payments(2026, "1000"))
    adjustment = ActivityCostInput(
        "a",
        "expected",
        "running",
        modifies="o",
        payments=monthly_payments(2026, "1500", months=range(7, 13)),
    )
    paid_late = Payment(date(2026, 12, 1), Decimal("700"), paid=True, paid_amount=Decimal("650"))
    paid_late.paid_date = date(2027, 1, 4)
    other = ActivityCostInput("p", "granted", "one_time", payments=[paid_late])
    inputs = [original, adjustment, other]
    result = monthly_totals_for(inputs)
    # Granted keeps the whole original plan; expected takes the adjustment from July.
    assert result["o"]["2026-06"] == ("1000", "1000")
    assert result["o"]["2026-07"] == ("1000", "0")
    assert result["a"]["2026-07"] == ("0", "1500")
    # A paid payment counts with its paid amount in the month it was paid.
    assert result["p"] == {"2027-01": ("650", "650")}
    totals = yearly_totals(inputs)
    for uid, months in result.items():
        for year, (granted, expected) in totals[uid].items():
            in_year = [v for m, v in months.items() if m.startswith(f"{year}-")]
            assert sum(Decimal(g) for g, _e in in_year) == granted
            assert sum(Decimal(e) for _g, e in in_year) == expected
