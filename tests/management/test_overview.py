"""The manager overview: its figures are the sums of what @bos-costs (figures.costs_for) says."""

from collections import defaultdict
from decimal import Decimal

import pytest
from plone import api
from zope.annotation.interfaces import IAnnotations

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.browser.overview import ReportBuilder
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import collect
from os2bos_plone.management.ledger import LEDGER_KEY
from os2bos_plone.payments import figures
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import MONTHLY_COLUMN
from os2bos_plone.payments.totals import cost_input
from os2bos_plone.payments.totals import monthly_totals_for
from tests.builders import YEAR
from tests.builders import view

CASES = ("alma", "bo", "carl")


def costs(obj, year=YEAR):
    result = figures.costs_for(obj, year)
    return Decimal(result["granted"]), Decimal(result["expected"])


def add(sums, key, pair):
    granted, expected = sums[key]
    sums[key] = (granted + pair[0], expected + pair[1])


def grouped(data, key_of, year=YEAR, level="case"):
    """{key: (granted, expected)} from figures.costs_for over the cases, grants or activities."""
    sums = defaultdict(lambda: (Decimal(0), Decimal(0)))
    for case_name in CASES:
        case = data[case_name]
        if level == "case":
            add(sums, key_of(case), costs(case, year))
            continue
        for appropriation in case.objectValues():
            if appropriation.portal_type != "bos_appropriation":
                continue  # the appropriation letters (Files) live in the case too
            if level == "appropriation":
                add(sums, key_of(appropriation), costs(appropriation, year))
                continue
            for activity in activities_of(appropriation):
                add(sums, key_of(activity), costs(activity, year))
    return {key: value for key, value in sums.items() if value != (0, 0)}


def dimension(overview, name, year_offset=0):
    index = 0 if year_offset == 0 else 2
    return {
        key: (row[index], row[index + 1])
        for key, row in overview.dimensions[name].items()
        if (row[index], row[index + 1]) != (0, 0)
    }


@pytest.fixture
def overview(data):
    return collect(YEAR)


class TestFiguresEqualBosCosts:
    @pytest.mark.parametrize("year", [YEAR, YEAR - 1])
    def test_by_case_attributes(self, data, year):
        overview = collect(YEAR)
        offset = 0 if year == YEAR else 1
        for name in ("team", "case_worker", "target_group", "effort_step"):
            expected = grouped(data, lambda case, name=name: getattr(case, name), year)
            assert dimension(overview, name, offset) == expected, name

    def test_by_section(self, data, overview):
        expected = grouped(data, lambda appr: appr.section, level="appropriation")
        assert dimension(overview, "section") == expected
        assert len(expected) == 3  # the draft's section has nothing

    def test_by_service_and_provider(self, data, overview):
        by_service = grouped(data, lambda a: a.service, level="activity")
        assert dimension(overview, "service") == by_service
        by_provider = grouped(data, lambda a: a.service_provider, level="activity")
        assert dimension(overview, "service_provider") == by_provider
        assert None in by_provider  # internal payments have no provider

    def test_totals_and_months(self, data, overview):
        total = [costs(data[name]) for name in CASES]
        assert tuple(overview.totals[:2]) == (
            sum(g for g, _e in total),
            sum(e for _g, e in total),
        )
        # The month-by-month forecast adds up to @bos-costs' monthly figures of the cases.
        months = defaultdict(Decimal)
        for name in CASES:
            for item in figures.costs_for(data[name], YEAR)["monthly"]:
                months[item["month"]] += Decimal(item["amount"])
        for month, amount in months.items():
            assert overview.monthly[month][1] == amount, month
        # Read from the running sums (management.ledger), no activity woken.
        assert overview.monthly_source == "ledger"

    def test_known_numbers(self, data, overview):
        """Spelled out once: 12 x 10.000 + 12 x 500 + 6 x 2.000 (expected only) + 12 x 15.000."""
        granted, expected = overview.totals[0], overview.totals[1]
        provider_factor = data["family_treatment"].payment_amount  # VAT factors apply per provider
        assert provider_factor == Decimal("10000")
        family = sum(Decimal(p.amount) for p in stored_payments(data["family_treatment"]))
        placement = sum(
            Decimal(p.amount) for p in stored_payments(data["placement"]) if p.date.year == YEAR
        )
        assert granted == family + Decimal("6000") + placement
        assert expected == granted + Decimal("12000")
        assert overview.totals[4] == 2  # cases with costs; Carl's grant ended last year


class TestMonthlyColumn:
    def test_column_equals_monthly_totals_for(self, data):
        """refresh_totals stores monthly_totals_for on each activity; the column holds it."""
        catalog = api.portal.get_tool("portal_catalog")
        assert MONTHLY_COLUMN in catalog.schema()
        for name in ("alma_treatment", "alma_leisure", "bo_placement", "bo_draft", "carl_old"):
            objects = activities_of(data[name])
            by_uid = monthly_totals_for([cost_input(a) for a in objects])
            for activity in objects:
                (brain,) = catalog.unrestrictedSearchResults(UID=activity.UID())
                assert brain.bos_monthly_totals == by_uid[activity.UID()]
                assert activity.bos_monthly_totals == by_uid[activity.UID()]

    def test_payment_fallback_only_without_the_column(self, data, monkeypatch):
        before = collect(YEAR).monthly
        catalog = api.portal.get_tool("portal_catalog")
        catalog.delColumn(MONTHLY_COLUMN)
        IAnnotations(api.portal.get()).pop(LEDGER_KEY)  # a site from before both
        clear_cache()
        fallback = collect(YEAR)
        assert fallback.monthly_source == "payments"
        assert fallback.monthly == before


class TestPage:
    def test_renders_in_danish_without_uids(self, data):
        html = view(data["portal"], "bos-overview", year=YEAR)()
        for text in (
            "Ledelsesinformation",
            "Udgift pr. paragraf",
            "Udgift pr. team",
            "Familierådgivning Øst",
            "Mette Mortensen",
            "Familiebehandling (100206)",
            "Prognose måned for måned",
            "Effekt: indsatstrappen",
            "Hent som CSV",
            f"januar {YEAR}",
            "<svg",
            "kr.",
        ):
            assert text in html, text
        uids = [data[name].UID() for name in CASES]
        uids += [data["family_treatment"].service, data["family_treatment"].service_provider]
        uids += [data["alma_treatment"].section]
        for uid in uids:
            assert uid not in html
        # The months come from the catalog column: no note about computing them from payments.
        assert "Månedstallene er beregnet ud fra de gemte betalinger" not in html

    def test_on_the_cases_folder_and_for_another_year(self, data):
        html = view(
            data["portal"], "bos-overview", context=data["portal"]["sager"], year=YEAR - 1
        )()
        assert f"Ledelsesinformation\n    {YEAR - 1}" in html or f"{YEAR - 1}</span>" in html
        assert f"Bevilget {YEAR - 2}" in html

    def test_report_tables(self, data):
        request = data["portal"].REQUEST
        report = ReportBuilder(YEAR, request).build()
        names = [table.name for table in report.tables]
        assert names == [
            "budget",
            "months",
            "section",
            "team",
            "service",
            "case_worker",
            "service_provider",
            "target_group",
            "effort_step",
            "effect",
        ]
        team = report.table("team")
        assert [row["title"] for row in team.rows] == ["Ungeteamet", "Familierådgivning Øst"]
        assert team.total["expected"] == sum(row["expected"] for row in team.rows)
        assert team.chart.count('class="bar bar-expected"') == 2
        steps = report.table("effort_step")
        assert [row["title"] for row in steps.rows][0].startswith("Trin 3")
