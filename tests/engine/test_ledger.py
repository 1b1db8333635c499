"""The running sums' arithmetic: contributions, differences and the merge of two concurrent
changes (engine.ledger)."""

from decimal import Decimal

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from os2bos_plone.engine import ledger

D = Decimal


def activity(section="s1", service="sv1", provider="p1", kind="main", yearly=None, monthly=None):
    return ledger.ActivityFigures(
        section=section,
        service=service,
        service_provider=provider,
        activity_type=kind,
        yearly=yearly or {},
        monthly=monthly or {},
    )


CASE = ledger.CaseKeys(team="t1", case_worker="w1", target_group="g1", effort_step=3)


def test_a_case_counts_once_per_row_and_sums_its_activities():
    result = ledger.contribution(
        CASE,
        [
            activity(
                yearly={2026: ("100.00", "150.00")}, monthly={"2026-01": ("100.00", "150.00")}
            ),
            activity(service="sv2", yearly={2026: ("0", "50.00"), 2027: ("10.00", "10.00")}),
        ],
    )
    year = result[2026]
    assert year[("total",)] == (D("100.00"), D("200.00"), 1)
    assert year[("dim", "section", "s1")] == (D("100.00"), D("200.00"), 1)
    assert year[("dim", "service", "sv2")] == (D("0"), D("50.00"), 1)
    assert year[("group", "s1", "sv1", "main")] == (D("100.00"), D("150.00"), 0)
    assert year[("open_step", 3)] == (D("100.00"), D("200.00"), 1)
    assert year[("month", "2026-01")] == (D("100.00"), D("150.00"), 0)
    assert result[2027][("total",)] == (D("10.00"), D("10.00"), 1)


def test_a_closed_case_is_on_no_open_step_and_zero_years_are_left_out():
    closed = ledger.CaseKeys(team="t1", effort_step=3, closed=True)
    result = ledger.contribution(closed, [activity(yearly={2025: ("0", "0"), 2026: ("1", "1")})])
    assert 2025 not in result
    assert not [key for key in result[2026] if key[0] == "open_step"]


def test_difference_and_add_turn_old_into_new():
    old = ledger.contribution(CASE, [activity(yearly={2026: ("100", "100")})])
    moved = ledger.CaseKeys(team="t2", case_worker="w1", target_group="g1", effort_step=3)
    new = ledger.contribution(moved, [activity(yearly={2026: ("100", "120")})])
    changes = ledger.difference(old, new)
    assert changes[2026][("dim", "team", "t1")] == (D("-100"), D("-100"), -1)
    assert changes[2026][("dim", "team", "t2")] == (D("100"), D("120"), 1)
    assert ("dim", "section", "s1") in changes[2026]  # expected changed by 20
    assert ledger.add(old[2026], changes[2026]) == new[2026]
    assert ledger.add(new[2026], ledger.negated(new)[2026]) == {}


amounts = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False)
keys = st.sampled_from([("total",), ("dim", "team", "a"), ("dim", "team", "b"), ("month", "m")])
triples = st.tuples(amounts, amounts, st.integers(min_value=-3, max_value=3))
deltas = st.dictionaries(keys, triples, max_size=4)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deltas, deltas, deltas)
def test_two_concurrent_changes_merge_to_both(base, first, second):
    """Whatever both transactions added, the merge holds the sum of both (in any order)."""
    old = ledger.add({}, base)
    saved = ledger.add(old, first)
    new = ledger.add(old, second)
    merged = ledger.merge(old, saved, new)
    assert merged == ledger.add(ledger.add(old, first), second)
    assert merged == ledger.merge(old, new, saved)
