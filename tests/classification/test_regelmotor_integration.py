"""The regelmotor read from the site: approval rules and rates."""

from datetime import date
from decimal import Decimal

import pytest
from plone import api

from os2bos_plone.classification.reader import required_level


class TestApprovalRulesFromSite:
    @pytest.mark.parametrize(
        "section,service,cost,expected",
        [
            ("BL-32-1.5", "100206", Decimal("40000"), "egenkompetence"),  # no rule matches
            ("BL-46", "", Decimal("10000"), "afsnitsleder"),  # placement
            ("BL-43-1.6", "", Decimal("10000"), "afsnitsleder"),  # prefix BL-43
            ("BL-47", "", Decimal("10000"), "boerne_og_ungeudvalget"),  # without consent
            ("BL-32-1.5", "100206", Decimal("250000"), "boerne_og_ungeudvalget"),  # cost bound
            ("BL-32-1.5", "100206", Decimal("249999.99"), "teamleder"),  # just below
        ],
    )
    def test_seed_rules(self, portal, section, service, cost, expected):
        assert required_level(section, service, cost).key == expected

    def test_rules_are_data(self, manager):
        container = manager["regelmotor"]
        container.approval_rules = [
            *container.approval_rules,
            {
                "section": "BL-32",
                "service": None,
                "min_annual_cost": Decimal("1000"),
                "max_annual_cost": None,
                "level": "afsnitsleder",
                "note": "Skærpet",
            },
        ]
        assert required_level("BL-32-1.5", "100206", Decimal("40000")).key == ("afsnitsleder")


def test_rate_amount_on_date(manager):
    rate = api.content.create(
        container=manager["regelmotor"],
        type="bos_rate",
        key="accept",
        title="Accepttakst",
        periods=[
            {
                "start_date": date(2025, 1, 1),
                "end_date": date(2025, 7, 1),
                "amount": Decimal("100"),
            },
            {"start_date": date(2025, 7, 1), "end_date": None, "amount": Decimal("120")},
        ],
    )
    history = rate.price_history()
    assert history.amount_on(date(2025, 6, 30)) == Decimal("100")
    assert history.amount_on(date(2025, 7, 1)) == Decimal("120")
