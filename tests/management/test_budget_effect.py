"""Budgets against the forecast, and the effect figures of the indsatstrappe."""

from decimal import Decimal

import pytest
from plone import api
from plone.dexterity.utils import createContentInContainer
from zope.event import notify
from zope.interface import Invalid
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.browser.overview import ReportBuilder
from os2bos_plone.content.budget import IBudget
from os2bos_plone.content.budget import line_errors
from os2bos_plone.demo.budget import create_demo_budget
from os2bos_plone.management.effect import step_movements
from os2bos_plone.management.figures import classification_titles
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import collect
from os2bos_plone.payments.totals import yearly_totals_of
from tests.builders import YEAR
from tests.builders import view

PLACEMENT_ACCOUNT = "528201001"  # 100406's main account under BL-43-1.6 (seed)


def make_budget(portal, year, lines):
    """As the add form does it: the name comes from the title ("Budget <year>")."""
    return createContentInContainer(portal["budget"], "bos_budget", year=year, lines=lines)


def expected_by_section(overview):
    sections = classification_titles("bos_section")
    result = {}
    for (section_uid, _service, _kind), (_granted, expected) in overview.groups.items():
        key = sections[section_uid][0]
        result[key] = result.get(key, Decimal(0)) + expected
    return result


def report(portal, year=YEAR):
    clear_cache()
    return ReportBuilder(year, portal.REQUEST).build()


class TestBudget:
    def test_folder_and_type_installed(self, portal):
        assert portal["budget"].portal_type == "bos_budget_folder"
        assert api.content.get_state(portal["budget"]) == "internal"

    def test_over_near_and_underrun(self, data):
        portal = data["portal"]
        expected = expected_by_section(collect(YEAR))
        placement = expected["BL-43-1.6"]
        budget = make_budget(
            portal,
            YEAR,
            [
                {"section": "BL-32-1.5", "amount": expected["BL-32-1.5"] - 10000, "note": "Famil"},
                {"account": PLACEMENT_ACCOUNT, "amount": placement * 2, "note": "Anbringelse"},
                {"section": "BL-35-3", "amount": expected["BL-35-3"] * Decimal("1.02")},
            ],
        )
        assert budget.getId() == f"budget-{YEAR}"
        assert budget.Title() == f"Budget {YEAR}"
        table = report(portal).table("budget")
        rows = {row["note"]: row for row in table.rows}
        over = rows["Famil"]
        assert over["status"] == "over"
        assert over["deviation"] == Decimal(10000)
        assert over["deviation_pct"] == Decimal(10000) * 100 / over["budget"]
        under = rows["Anbringelse"]
        assert under["title"] == f"Konto {PLACEMENT_ACCOUNT}"
        assert (under["status"], under["deviation"]) == ("under", -placement)
        assert under["deviation_pct"] == Decimal(-50)
        assert rows[""]["status"] == "near"
        assert rows[""]["title"].startswith("§ 35, stk. 3 – ")
        assert len(table.rows) == 3  # everything is covered by a line
        assert table.total["budget"] == sum(row["budget"] for row in table.rows)
        assert table.total["expected"] == sum(expected.values())

    def test_unbudgeted_and_page_labels(self, data):
        portal = data["portal"]
        expected = expected_by_section(collect(YEAR))
        make_budget(portal, YEAR, [{"section": "BL-32-1.5", "amount": Decimal(1)}])
        table = report(portal).table("budget")
        unbudgeted = table.rows[-1]
        assert unbudgeted["title"] == "Ikke budgetteret"
        assert unbudgeted["status"] == "none"
        assert unbudgeted["expected"] == expected["BL-43-1.6"] + expected["BL-35-3"]
        html = view(portal, "bos-overview", year=YEAR)()
        # Highlighted with a colour class AND a text label and symbol.
        assert 'class="bos-status bos-status-over"' in html
        assert "Overskridelse" in html and "▲" in html
        assert "Ingen budgetlinje" in html
        budget_page = view(portal, "bos-budget-view", context=portal["budget"][f"budget-{YEAR}"])()
        assert "Overskridelse" in budget_page and "Budget og prognose" in budget_page
        listing = view(portal, "bos-budgets", context=portal["budget"])()
        assert f"Budget {YEAR}" in listing and "1,00 kr." in listing

    def test_no_budget_for_the_year(self, data):
        table = report(data["portal"]).table("budget")
        assert table.total["budget"] is None and table.total["status"] == "none"
        assert "Der er intet budget for" in table.intro

    def test_one_budget_per_year_and_valid_lines(self, data):
        portal = data["portal"]
        make_budget(portal, YEAR, [])
        second = make_budget(portal, YEAR + 1, [])
        second.year = YEAR
        with pytest.raises(Invalid, match=f"allerede et budget for {YEAR}"):
            IBudget.validateInvariants(second)
        assert line_errors([{"section": "BL-46", "account": "1", "amount": 1}])
        assert line_errors([{"amount": 1}])
        assert line_errors([{"section": "BL-46", "amount": 1}, {"section": "BL-46", "amount": 2}])
        assert not line_errors(
            [{"section": "BL-46", "amount": 1}, {"account": "5282", "amount": 2}]
        )

    @pytest.mark.parametrize(
        "role,view_it,edit_it",
        [
            ("BOSManagement", True, True),
            ("Manager", True, True),
            ("BOSSectionLeader", True, False),
            ("BOSTeamLeader", True, False),
            ("BOSCaseWorker", False, False),
            ("BOSFinance", False, False),
        ],
    )
    def test_security(self, data, role, view_it, edit_it):
        portal = data["portal"]
        budget = make_budget(portal, YEAR, [])
        with api.env.adopt_roles([role]):
            for obj in (portal["budget"], budget):
                assert api.user.has_permission("View", obj=obj) is view_it
                assert api.user.has_permission("Modify portal content", obj=obj) is edit_it
            can_add = api.user.has_permission("os2bos_plone: Add Budget", obj=portal["budget"])
            assert can_add is edit_it
            info = api.user.has_permission("os2bos_plone: View management information", obj=portal)
            assert info is (role not in ("BOSCaseWorker", "BOSFinance"))


class TestEffect:
    def test_steps_now_moves_and_average(self, data):
        portal = data["portal"]
        alma, bo, carl = data["alma"], data["bo"], data["carl"]
        alma.effort_step = 4  # up the staircase
        notify(ObjectModifiedEvent(alma))
        alma.reindexObject()
        bo.effort_step = 2  # down
        notify(ObjectModifiedEvent(bo))
        bo.reindexObject()
        api.content.transition(obj=carl, transition="close")
        moves = step_movements(YEAR)
        assert moves["available"] is True
        assert (moves["up"], moves["down"]) == (1, 1)
        assert moves["per_step"][4]["up_into"] == 1
        assert moves["per_step"][3]["left"] == 1 and moves["per_step"][3]["up_from"] == 1
        assert moves["per_step"][2]["down_into"] == 1
        assert moves["per_step"][5]["down_from"] == 1
        assert moves["per_step"][3]["new"] == 2  # the cases were made this year
        table = report(portal).table("effect")
        rows = {row["title"][:6]: row for row in table.rows}
        assert [row["title"][:6] for row in table.rows] == [f"Trin {n}" for n in range(1, 7)]
        assert rows["Trin 4"]["cases"] == 1
        assert rows["Trin 2"]["cases"] == 1
        assert rows["Trin 3"]["cases"] == 0  # Carl's case is closed
        alma_expected = expected_of_case(alma)
        assert alma_expected > 0
        assert rows["Trin 4"]["expected"] == alma_expected
        assert rows["Trin 4"]["average"] == alma_expected
        assert rows["Trin 3"]["average"] is None
        assert table.total["cases"] == 2
        assert table.total["up_into"] == 1 and table.total["down_into"] == 1
        assert "1 op ad trappen" in table.intro
        chart = table.chart
        assert chart.count('class="bar bar-count"') == 6
        assert "Trin 4: Anbringelse i slægt eller netværk – Børn nu: 1" in chart

    def test_cost_by_effort_step_follows_the_case(self, data):
        """A case that changed step counts under its new step (read from the case's brain)."""
        alma = data["alma"]
        alma.effort_step = 6
        notify(ObjectModifiedEvent(alma))
        alma.reindexObject()
        collected = collect(YEAR)
        assert collected.dimensions["effort_step"][6][1] == expected_of_case(alma)
        assert collected.expected_by_open_step[6] == expected_of_case(alma)


def expected_of_case(case):
    """The case's expected cost this year, summed over its activities' stored totals."""
    brains = api.content.find(portal_type="bos_activity", bos_case_uid=case.UID())
    return sum(
        (yearly_totals_of(brain.getObject()).get(YEAR, (0, 0))[1] for brain in brains),
        Decimal("0"),
    )


def test_demo_budget(data):
    portal = data["portal"]
    messages = []
    budget = create_demo_budget(portal, YEAR, progress=messages.append)
    assert {line["section"] for line in budget.lines} == {"BL-32-1.5", "BL-35-3", "BL-43-1.6"}
    again = create_demo_budget(portal, YEAR, progress=messages.append)
    assert again.getPhysicalPath() == budget.getPhysicalPath()
    assert messages[-1] == f"Budget {YEAR} findes allerede"
    statuses = {row["status"] for row in report(portal).table("budget").rows}
    assert "over" in statuses and "under" in statuses
