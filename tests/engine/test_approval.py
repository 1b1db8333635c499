"""Tests for the approval-rule evaluator (engine/approval.py)."""

from datetime import date
from decimal import Decimal

import pytest

from os2bos_plone.engine.approval import DEFAULT_LEVELS
from os2bos_plone.engine.approval import ApprovalLevel
from os2bos_plone.engine.approval import ApprovalRule
from os2bos_plone.engine.approval import Decision
from os2bos_plone.engine.approval import GrantRule
from os2bos_plone.engine.approval import RejectRule
from os2bos_plone.engine.approval import SubmitRule
from os2bos_plone.engine.approval import UnknownApprovalLevel
from os2bos_plone.engine.approval import committee_decision_errors
from os2bos_plone.engine.approval import deciding_level
from os2bos_plone.engine.approval import highest_level
from os2bos_plone.engine.approval import levels_for_roles
from os2bos_plone.engine.approval import lowest_level
from os2bos_plone.engine.approval import may_decide
from os2bos_plone.engine.approval import required_level
from os2bos_plone.engine.approval import validate_levels
from os2bos_plone.engine.approval import validate_rules

LEVELS = DEFAULT_LEVELS
BY_KEY = {level.key: level for level in LEVELS}
EGEN = BY_KEY["egenkompetence"]
TEAMMOEDE = BY_KEY["teammoede"]
FAGSPECIALIST = BY_KEY["fagspecialist"]
TEAMLEDER = BY_KEY["teamleder"]
AFSNITSLEDER = BY_KEY["afsnitsleder"]
UDVALG = BY_KEY["boerne_og_ungeudvalget"]
NAEVN = BY_KEY["ungdomskriminalitetsnaevnet"]


def level_for(rules, section="BL-32-1.3", service="015011", cost="0"):
    return required_level(rules, LEVELS, section, service, Decimal(cost)).key


# -- seed data --------------------------------------------------------------------------------


def test_default_levels_are_ordered_and_valid():
    assert [level.key for level in sorted(LEVELS, key=lambda lv: lv.rank)] == [
        "egenkompetence",
        "teammoede",
        "fagspecialist",
        "teamleder",
        "afsnitsleder",
        "boerne_og_ungeudvalget",
        "ungdomskriminalitetsnaevnet",
    ]
    assert validate_levels(LEVELS) == []
    assert [level.key for level in LEVELS if level.committee] == [
        "boerne_og_ungeudvalget",
        "ungdomskriminalitetsnaevnet",
    ]
    assert TEAMMOEDE.title == "Teammøde"
    assert NAEVN.title == "Ungdomskriminalitetsnævnet"


def test_lowest_and_highest_level_ignore_input_order():
    shuffled = [TEAMLEDER, NAEVN, EGEN, UDVALG]
    assert lowest_level(shuffled) is EGEN
    assert highest_level(shuffled) is NAEVN


def test_lowest_level_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        lowest_level([])


# -- required_level ---------------------------------------------------------------------------


def test_no_rules_gives_lowest_level():
    assert required_level([], LEVELS, "BL-32-1.3", "015011", Decimal("100")) is EGEN


def test_no_matching_rule_gives_lowest_level():
    rules = [ApprovalRule(section="BL-43", level="afsnitsleder")]
    assert level_for(rules, section="BL-32-1.3") == "egenkompetence"


def test_lowest_level_comes_from_the_data_not_a_hard_coded_key():
    levels = [
        ApprovalLevel("chef", "Chef", 100, "R2"),
        ApprovalLevel("medarbejder", "Medarbejder", 5, "R1"),
    ]
    assert required_level([], levels, "BL-1", "000001", Decimal(0)).key == "medarbejder"


def test_section_prefix_matches_subsections_only_at_a_dash():
    rules = [ApprovalRule(section="BL-43", level="afsnitsleder")]
    assert level_for(rules, section="BL-43-1.1") == "afsnitsleder"
    assert level_for(rules, section="BL-43") == "afsnitsleder"
    assert level_for(rules, section="BL-430") == "egenkompetence"
    assert level_for(rules, section="BL-4") == "egenkompetence"
    assert level_for(rules, section="XBL-43-1.1") == "egenkompetence"


def test_section_exact_match_on_a_full_key():
    rules = [ApprovalRule(section="BL-43-1.6", level="teamleder")]
    assert level_for(rules, section="BL-43-1.6") == "teamleder"
    assert level_for(rules, section="BL-43-1.7") == "egenkompetence"


def test_section_match_ignores_case_and_whitespace():
    rules = [ApprovalRule(section=" bl-43 ", level="teamleder")]
    assert level_for(rules, section="BL-43-1.1") == "teamleder"


def test_section_rule_does_not_match_an_appropriation_without_section():
    rules = [ApprovalRule(section="BL-43", level="teamleder")]
    assert required_level(rules, LEVELS, None, "015011", Decimal(0)) is EGEN
    assert required_level(rules, LEVELS, "", "015011", Decimal(0)) is EGEN


def test_empty_section_pattern_matches_any_section_even_none():
    rules = [ApprovalRule(level="teammoede")]
    assert required_level(rules, LEVELS, None, "015011", Decimal(0)) is TEAMMOEDE


def test_service_specific_rule():
    rules = [ApprovalRule(service="015031", level="teamleder")]
    assert level_for(rules, service="015031") == "teamleder"
    assert level_for(rules, service="015011") == "egenkompetence"
    assert required_level(rules, LEVELS, "BL-1", None, Decimal(0)) is EGEN


def test_section_and_service_must_both_match():
    rules = [ApprovalRule(section="BL-43", service="015031", level="afsnitsleder")]
    assert level_for(rules, section="BL-43-1.6", service="015031") == "afsnitsleder"
    assert level_for(rules, section="BL-43-1.6", service="015019") == "egenkompetence"
    assert level_for(rules, section="BL-32-1.3", service="015031") == "egenkompetence"


def test_cost_bounds_min_inclusive_max_exclusive():
    rules = [
        ApprovalRule(
            min_annual_cost=Decimal("100000"),
            max_annual_cost=Decimal("250000"),
            level="teamleder",
        )
    ]
    assert level_for(rules, cost="99999.99") == "egenkompetence"
    assert level_for(rules, cost="100000") == "teamleder"
    assert level_for(rules, cost="100000.00") == "teamleder"
    assert level_for(rules, cost="249999.99") == "teamleder"
    assert level_for(rules, cost="250000") == "egenkompetence"


def test_open_ended_cost_bounds():
    at_least = [ApprovalRule(min_annual_cost=Decimal("500000"), level="afsnitsleder")]
    assert level_for(at_least, cost="499999.99") == "egenkompetence"
    assert level_for(at_least, cost="500000") == "afsnitsleder"
    assert level_for(at_least, cost="9999999") == "afsnitsleder"
    below = [ApprovalRule(max_annual_cost=Decimal("1000"), level="teammoede")]
    assert level_for(below, cost="-50") == "teammoede"
    assert level_for(below, cost="999.99") == "teammoede"
    assert level_for(below, cost="1000") == "egenkompetence"


def test_highest_of_several_matching_rules_wins_regardless_of_order():
    rules = [
        ApprovalRule(section="BL-43", level="teamleder"),
        ApprovalRule(min_annual_cost=Decimal("500000"), level="afsnitsleder"),
        ApprovalRule(service="015031", level="fagspecialist"),
        ApprovalRule(section="BL-32", level="ungdomskriminalitetsnaevnet"),
    ]
    assert level_for(rules, section="BL-43-1.6", service="015031", cost="600000") == "afsnitsleder"
    assert level_for(rules, section="BL-43-1.6", service="015031", cost="100") == "teamleder"
    assert level_for(list(reversed(rules)), section="BL-43-1.6", cost="100") == "teamleder"
    assert level_for(rules, section="BL-1", service="015031", cost="100") == "fagspecialist"


def test_committee_rule():
    rules = [ApprovalRule(section="BL-47", level="boerne_og_ungeudvalget")]
    result = required_level(rules, LEVELS, "BL-47-1.2", "015031", Decimal("1"))
    assert result is UDVALG
    assert result.committee is True


def test_integer_cost_is_accepted_but_float_is_not():
    rules = [ApprovalRule(min_annual_cost=Decimal("10"), level="teamleder")]
    assert required_level(rules, LEVELS, "BL-1", "000001", 10) is TEAMLEDER
    with pytest.raises(TypeError):
        required_level(rules, LEVELS, "BL-1", "000001", 10.0)


def test_matching_rule_with_unknown_level_raises():
    rules = [ApprovalRule(section="BL-43", level="borgmester")]
    with pytest.raises(UnknownApprovalLevel) as info:
        required_level(rules, LEVELS, "BL-43-1.1", "015031", Decimal(0))
    assert info.value.level_key == "borgmester"
    assert "»borgmester«" in str(info.value)


def test_non_matching_rule_with_unknown_level_does_not_block():
    rules = [
        ApprovalRule(section="BL-43", level="borgmester"),
        ApprovalRule(section="BL-32", level="teamleder"),
    ]
    assert level_for(rules, section="BL-32-1.3") == "teamleder"


def test_required_level_without_levels_is_an_error():
    with pytest.raises(ValueError):
        required_level([], [], "BL-1", "000001", Decimal(0))


# -- validation of the data -------------------------------------------------------------------


def test_validate_rules_accepts_good_rules():
    rules = [
        ApprovalRule(section="BL-43", level="afsnitsleder"),
        ApprovalRule(
            service="015031",
            min_annual_cost=Decimal("0"),
            max_annual_cost=Decimal("100000"),
            level="teamleder",
        ),
    ]
    assert validate_rules(rules, LEVELS) == []


def test_validate_rules_reports_each_problem_with_its_row():
    rules = [
        ApprovalRule(section="BL-43", level="teamleder"),
        ApprovalRule(section="BL-43", level="borgmester"),
        ApprovalRule(
            min_annual_cost=Decimal("200000"),
            max_annual_cost=Decimal("100000"),
            level="teamleder",
        ),
        ApprovalRule(
            min_annual_cost=Decimal("-1"), max_annual_cost=Decimal("-0.5"), level="teamleder"
        ),
        ApprovalRule(section="BL-43-", service="15031", level=""),
    ]
    assert validate_rules(rules, LEVELS) == [
        "Regel 2: Bevillingsniveauet »borgmester« findes ikke.",
        "Regel 3: Minimumsbeløbet (200.000,00 kr.) skal være mindre end maksimumsbeløbet "
        "(100.000,00 kr.).",
        "Regel 4: Minimumsbeløbet må ikke være negativt.",
        "Regel 4: Maksimumsbeløbet må ikke være negativt.",
        "Regel 5: Angiv et bevillingsniveau.",
        "Regel 5: Paragraffen »BL-43-« må ikke slutte med en bindestreg.",
        "Regel 5: Ydelses-id »15031« skal være præcis 6 cifre.",
    ]


def test_validate_rules_equal_bounds_match_nothing_and_are_reported():
    rules = [
        ApprovalRule(
            min_annual_cost=Decimal("1000"), max_annual_cost=Decimal("1000"), level="teamleder"
        )
    ]
    assert validate_rules(rules, LEVELS) == [
        "Regel 1: Minimumsbeløbet (1.000,00 kr.) skal være mindre end maksimumsbeløbet "
        "(1.000,00 kr.)."
    ]
    assert level_for(rules, cost="1000") == "egenkompetence"


def test_validate_levels_reports_duplicates_and_blanks():
    levels = [
        ApprovalLevel("a", "A", 10, "R"),
        ApprovalLevel("a", "B", 10, "R"),
        ApprovalLevel(" ", "", 20, ""),
    ]
    assert validate_levels(levels) == [
        "Niveau 2: Nøglen »a« er brugt mere end én gang.",
        "Niveau 2: Rangen 10 bruges også af »A«; niveauerne skal have forskellig rang.",
        "Niveau 3: Angiv en nøgle.",
        "Niveau 3: Angiv en titel.",
        "Niveau 3: Angiv den rolle, der bevilger på niveauet.",
    ]
    assert validate_levels([]) == ["Der skal være mindst ét bevillingsniveau."]


# -- competence -------------------------------------------------------------------------------


def test_levels_for_roles_sorted_by_rank():
    assert levels_for_roles(LEVELS, {"BOSTeamLeader"}) == [TEAMMOEDE, FAGSPECIALIST, TEAMLEDER]
    assert levels_for_roles(LEVELS, {"BOSCaseWorker", "BOSSectionLeader"}) == [EGEN, AFSNITSLEDER]
    assert levels_for_roles(LEVELS, {"Member", "Authenticated"}) == []


def test_may_decide_at_own_level():
    assert may_decide(LEVELS, {"BOSTeamLeader"}, TEAMLEDER) is True
    assert may_decide(LEVELS, {"BOSCaseWorker"}, EGEN) is True


def test_may_decide_below_own_level():
    assert may_decide(LEVELS, {"BOSTeamLeader"}, EGEN) is True
    assert may_decide(LEVELS, {"BOSSectionLeader"}, TEAMLEDER) is True


def test_may_not_decide_above_own_level():
    assert may_decide(LEVELS, {"BOSCaseWorker"}, TEAMMOEDE) is False
    assert may_decide(LEVELS, {"BOSTeamLeader"}, AFSNITSLEDER) is False
    assert may_decide(LEVELS, {"BOSSectionLeader"}, UDVALG) is False
    assert may_decide(LEVELS, set(), EGEN) is False


def test_committee_secretary_may_record_committee_decisions():
    assert may_decide(LEVELS, {"BOSCommitteeSecretary"}, UDVALG) is True
    assert may_decide(LEVELS, {"BOSCommitteeSecretary"}, NAEVN) is True


def test_deciding_level_is_the_least_senior_sufficient_one():
    mine = levels_for_roles(LEVELS, {"BOSCaseWorker", "BOSTeamLeader"})
    assert deciding_level(mine, EGEN) is EGEN
    assert deciding_level(mine, FAGSPECIALIST) is FAGSPECIALIST
    assert deciding_level(mine, TEAMLEDER) is TEAMLEDER
    assert deciding_level(mine, AFSNITSLEDER) is None
    secretary = levels_for_roles(LEVELS, {"BOSCommitteeSecretary"})
    assert deciding_level(secretary, UDVALG) is UDVALG
    assert deciding_level(secretary, TEAMLEDER) is UDVALG


# -- committee decisions ----------------------------------------------------------------------


def test_committee_decision_needs_meeting_date_and_reference():
    assert committee_decision_errors(UDVALG, None, "", "") == [
        "Angiv datoen for mødet, hvor »Børne- og ungeudvalget« traf afgørelsen.",
        "Angiv en reference til afgørelsen i »Børne- og ungeudvalget« "
        "(fx dagsordenspunkt eller journalnummer).",
    ]


def test_committee_decision_blank_reference_counts_as_missing():
    assert committee_decision_errors(NAEVN, date(2025, 3, 4), "   ", None) == [
        "Angiv en reference til afgørelsen i »Ungdomskriminalitetsnævnet« "
        "(fx dagsordenspunkt eller journalnummer).",
    ]


def test_committee_decision_complete():
    assert committee_decision_errors(UDVALG, date(2025, 3, 4), "Punkt 7", "") == []


def test_committee_decision_meeting_date_not_in_future():
    today = date(2025, 3, 4)
    assert committee_decision_errors(UDVALG, date(2025, 3, 4), "Punkt 7", "", today=today) == []
    assert committee_decision_errors(UDVALG, date(2025, 3, 5), "Punkt 7", "", today=today) == [
        "Mødedatoen kan ikke ligge efter dags dato."
    ]


def test_non_committee_level_needs_no_decision_fields():
    assert committee_decision_errors(TEAMLEDER, None, None, None) == []


def test_decision_object():
    assert Decision(EGEN).errors() == []
    assert len(Decision(UDVALG).errors()) == 2
    assert Decision(UDVALG, date(2025, 1, 9), "sag 12").errors(today=date(2025, 1, 10)) == []


# -- transition rules -------------------------------------------------------------------------


def test_grant_rule_allowed():
    rule = GrantRule(TEAMLEDER, levels_for_roles(LEVELS, {"BOSTeamLeader"}))
    assert rule.allowed() is True
    assert rule.reason() == ""
    assert rule.deciding_level is TEAMLEDER
    assert rule.needs_committee_decision is False


def test_grant_rule_refused_names_both_levels():
    rule = GrantRule(TEAMLEDER, levels_for_roles(LEVELS, {"BOSCaseWorker"}))
    assert rule.allowed() is False
    assert rule.reason() == (
        "Ydelsen kræver bevillingsniveau »Teamleder«; du har kompetence til »Egenkompetence«."
    )


def test_grant_rule_reason_names_the_users_highest_level():
    rule = GrantRule(UDVALG, levels_for_roles(LEVELS, {"BOSCaseWorker", "BOSSectionLeader"}))
    assert rule.reason() == (
        "Ydelsen kræver bevillingsniveau »Børne- og ungeudvalget«; "
        "du har kompetence til »Afsnitsleder«."
    )


def test_grant_rule_without_any_competence():
    rule = GrantRule(EGEN, [])
    assert rule.allowed() is False
    assert rule.reason() == (
        "Ydelsen kræver bevillingsniveau »Egenkompetence«; du har ingen bevillingskompetence."
    )
    assert rule.decision_errors(None, None) == [rule.reason()]


def test_grant_rule_committee_decision():
    rule = GrantRule(UDVALG, levels_for_roles(LEVELS, {"BOSCommitteeSecretary"}))
    assert rule.allowed() is True
    assert rule.needs_committee_decision is True
    assert len(rule.decision_errors(None, "")) == 2
    assert rule.decision_errors(date(2025, 2, 1), "Punkt 3") == []


def test_grant_rule_secretary_on_ordinary_level_decides_as_committee():
    rule = GrantRule(TEAMLEDER, levels_for_roles(LEVELS, {"BOSCommitteeSecretary"}))
    assert rule.allowed() is True
    assert rule.deciding_level is UDVALG
    assert rule.needs_committee_decision is True


def test_submit_rule_only_drafts():
    mine = levels_for_roles(LEVELS, {"BOSCaseWorker"})
    assert SubmitRule("draft", TEAMLEDER, mine).allowed() is True
    for status in ("expected", "granted", "submitted"):
        rule = SubmitRule(status, TEAMLEDER, mine)
        assert rule.allowed() is False
        assert rule.reason() == "Kun ydelser, der er kladder, kan indstilles til bevilling."


def test_submit_rule_necessary_only_above_own_competence_but_always_allowed():
    mine = levels_for_roles(LEVELS, {"BOSCaseWorker"})
    above = SubmitRule("draft", TEAMLEDER, mine)
    assert above.necessary() is True
    assert above.advice() == ""
    own = SubmitRule("draft", EGEN, mine)
    assert own.allowed() is True
    assert own.necessary() is False
    assert own.advice() == (
        "Du har selv kompetence til at bevilge ydelsen (kræver »Egenkompetence«); "
        "en indstilling er ikke nødvendig."
    )
    assert SubmitRule("draft").necessary() is True


def test_reject_rule_requires_comment():
    assert RejectRule("").allowed() is False
    assert RejectRule("").reason() == "Angiv en begrundelse for afvisningen"
    assert RejectRule("  \n ").allowed() is False
    assert RejectRule(None).reason() == "Angiv en begrundelse for afvisningen"
    assert RejectRule("Mangler handleplan").allowed() is True
    assert RejectRule("Mangler handleplan").reason() == ""


def test_reject_rule_with_competence_check():
    caseworker = levels_for_roles(LEVELS, {"BOSCaseWorker"})
    refused = RejectRule("Nej", TEAMLEDER, caseworker)
    assert refused.allowed() is False
    assert refused.reason().startswith("Ydelsen kræver bevillingsniveau »Teamleder«")
    leader = levels_for_roles(LEVELS, {"BOSTeamLeader"})
    assert RejectRule("Nej", TEAMLEDER, leader).allowed() is True
