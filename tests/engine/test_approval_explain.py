"""explain_required_level: which approval rule demands the level (engine/approval.py)."""

import itertools
from decimal import Decimal

import pytest

from os2bos_plone.engine.approval import DEFAULT_LEVELS
from os2bos_plone.engine.approval import ApprovalRule
from os2bos_plone.engine.approval import RuleMatch
from os2bos_plone.engine.approval import UnknownApprovalLevel
from os2bos_plone.engine.approval import describe_rule
from os2bos_plone.engine.approval import explain_required_level
from os2bos_plone.engine.approval import required_level

LEVELS = DEFAULT_LEVELS
BY_KEY = {level.key: level for level in LEVELS}

RULES = [
    ApprovalRule(max_annual_cost=Decimal("50000"), level="egenkompetence"),
    ApprovalRule(min_annual_cost=Decimal("50000"), level="teamleder"),
    ApprovalRule(min_annual_cost=Decimal("250000"), level="boerne_og_ungeudvalget"),
    ApprovalRule(section="BL-46", level="afsnitsleder"),
    ApprovalRule(section="BL-43", level="afsnitsleder"),
    ApprovalRule(service="015011", min_annual_cost=Decimal("10000"), level="teamleder"),
]


def explain(section="BL-32-1.3", service="015012", cost="0", rules=RULES):
    return explain_required_level(rules, LEVELS, section, service, Decimal(cost))


def test_the_amount_band_that_raises_the_level_is_named():
    match = explain(cost="72000")
    assert match.level is BY_KEY["teamleder"]
    assert match.rule is RULES[1]
    assert match.index == 1


def test_the_most_senior_matching_rule_wins():
    match = explain(cost="300000")
    assert match.level.key == "boerne_og_ungeudvalget"
    assert match.index == 2


def test_a_section_rule():
    match = explain(section="BL-46-1", cost="1000")
    assert (match.level.key, match.index) == ("afsnitsleder", 3)


def test_among_equal_ranks_the_first_rule_is_named():
    # 72.000 kr. under BL-46 with service 015011: teamleder twice (rules 1 and 5), afsnitsleder
    # once; the afsnitsleder rule is the reason.
    match = explain(section="BL-46", service="015011", cost="72000")
    assert (match.level.key, match.index) == ("afsnitsleder", 3)
    match = explain(service="015011", cost="72000")
    assert (match.level.key, match.index) == ("teamleder", 1)


def test_a_matching_rule_at_the_lowest_level_is_named():
    match = explain(cost="1000")
    assert match.level.key == "egenkompetence"
    assert match.rule is RULES[0]


def test_no_matching_rule_gives_the_lowest_level_without_a_rule():
    match = explain(cost="1000", rules=[ApprovalRule(section="BL-47", level="afsnitsleder")])
    assert match == RuleMatch(BY_KEY["egenkompetence"])
    assert match.rule is None and match.index is None


def test_an_unknown_level_on_a_matching_rule_raises():
    with pytest.raises(UnknownApprovalLevel):
        explain(rules=[ApprovalRule(level="nope")])
    # An unknown level on a rule that does not match is irrelevant.
    assert explain(rules=[ApprovalRule(section="BL-99", level="nope")]).rule is None


@pytest.mark.parametrize(
    ("section", "service", "cost"),
    list(
        itertools.product(
            ("BL-32-1.3", "BL-46", "BL-43-1", "BL-430"),
            ("015011", "015012", ""),
            ("0", "9999.99", "10000", "49999.99", "50000", "249999.99", "250000", "1000000"),
        )
    ),
)
def test_the_level_always_equals_required_level(section, service, cost):
    match = explain(section, service, cost)
    assert match.level == required_level(RULES, LEVELS, section, service, Decimal(cost))
    if match.rule is not None:
        assert match.rule.matches(section, service, Decimal(cost))
        assert match.rule.level == match.level.key
        assert RULES[match.index] is match.rule


def test_describe_rule_in_danish():
    assert (
        describe_rule(RULES[1])
        == "alle paragraffer · alle ydelser · årlig udgift fra 50.000,00 kr."
    )
    assert (
        describe_rule(RULES[0])
        == "alle paragraffer · alle ydelser · årlig udgift under 50.000,00 kr."
    )
    assert describe_rule(RULES[3]) == "§ BL-46 · alle ydelser · alle beløb"
    band = ApprovalRule(
        section="BL-32",
        service="015011",
        min_annual_cost=Decimal("1000"),
        max_annual_cost=Decimal("2000.5"),
        level="teamleder",
    )
    assert describe_rule(band) == (
        "§ BL-32 · ydelse 015011 · årlig udgift fra 1.000,00 kr. til under 2.000,50 kr."
    )
    assert describe_rule(band, "Barnets lov § 32", "Familiebehandling (015011)").startswith(
        "Barnets lov § 32 · Familiebehandling (015011) · "
    )
