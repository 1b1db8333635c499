"""The overview's running sums (management.ledger) equal the sums of the stored payments after
every kind of change, and the overview read from them equals the one computed from the catalog.
"""

import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import transaction
import ZODB
from plone import api
from ZODB.FileStorage import FileStorage
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.management import figures
from os2bos_plone.management.ledger import differences_from_catalog
from os2bos_plone.management.ledger import rebuild
from os2bos_plone.management.ledger import remove_case
from os2bos_plone.management.ledger import year_totals
from os2bos_plone.management.ledger import year_values
from os2bos_plone.management.ledger import years
from os2bos_plone.management.year_figures import YearFigures
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import appropriation_figures
from tests.builders import YEAR
from tests.builders import add_activity
from tests.builders import make_appropriation
from tests.builders import make_case

ZERO = Decimal("0")


def sums_of_payments():
    """{year: (granted, expected)} and {"YYYY-MM": (granted, expected)} computed from every
    appropriation's stored payments, as refresh_totals computes them (not from the ledger)."""
    yearly = defaultdict(lambda: [ZERO, ZERO])
    monthly = defaultdict(lambda: [ZERO, ZERO])
    for brain in api.content.find(portal_type="bos_appropriation", unrestricted=True):
        per_activity, _expected = appropriation_figures(brain._unrestrictedGetObject())
        for _activity, per_year, _monthly, _total, months in per_activity.values():
            for year, (granted, expected) in per_year.items():
                yearly[int(year)][0] += Decimal(granted)
                yearly[int(year)][1] += Decimal(expected)
            for month, (granted, expected) in months.items():
                monthly[month][0] += Decimal(granted)
                monthly[month][1] += Decimal(expected)
    nonzero = {key: tuple(value) for key, value in yearly.items() if any(value)}
    return nonzero, {key: tuple(value) for key, value in monthly.items() if any(value)}


def assert_ledger_holds_the_payments():
    assert differences_from_catalog() == {}
    yearly, monthly = sums_of_payments()
    for year, (granted, expected) in yearly.items():
        assert year_totals(year) == (granted, expected), year
        months = {
            key[1]: value[:2]
            for key, value in year_values(year).items()
            if key[0] == "month" and key[1].startswith(f"{year:04d}-")
        }
        assert months == {
            month: value for month, value in monthly.items() if month.startswith(f"{year:04d}-")
        }
    years_with_figures = {
        year for year in range(YEAR - 3, YEAR + 4) if year_values(year).get(("total",))
    }
    assert years_with_figures == set(yearly)


def same_overview(year):
    """The overview from the ledger equals the one from one pass over the catalog."""
    figures.clear_cache()
    from_ledger = figures.collect(year)
    from_catalog = figures._collect(year, from_ledger.today)
    assert from_ledger.monthly_source == "ledger"
    assert from_ledger.totals == from_catalog.totals
    assert from_ledger.dimensions == from_catalog.dimensions
    assert from_ledger.groups == {k: v for k, v in from_catalog.groups.items() if any(v)}
    assert from_ledger.monthly == from_catalog.monthly
    assert {
        step: amount for step, amount in from_ledger.expected_by_open_step.items() if amount
    } == {step: amount for step, amount in from_catalog.expected_by_open_step.items() if amount}
    assert from_ledger.activities == from_catalog.activities
    return from_ledger


def test_the_sums_follow_grants_edits_and_payments(data):
    assert_ledger_holds_the_payments()
    overview = same_overview(YEAR)
    assert overview.totals[4] == 2
    same_overview(YEAR - 1)

    treatment = data["family_treatment"]
    treatment.payment_amount = Decimal("12000")
    notify(ObjectModifiedEvent(treatment))
    assert_ledger_holds_the_payments()
    same_overview(YEAR)

    api.content.transition(obj=data["draft"], transition="submit")
    payment = next(p for p in stored_payments(data["placement"]) if p.date.year == YEAR)
    mark_paid(data["placement"], payment.date, paid_amount="14000.00", paid_date=payment.date)
    assert_ledger_holds_the_payments()
    same_overview(YEAR)


def test_the_sums_follow_the_case_its_team_step_and_closing(data):
    alma, carl = data["alma"], data["carl"]
    alma.team = "unge"
    alma.effort_step = 6
    notify(ObjectModifiedEvent(alma))
    alma.reindexObject()
    values = year_values(YEAR)
    assert ("dim", "team", "unge") in values
    assert values[("open_step", 6)][1] > 0
    assert_ledger_holds_the_payments()
    same_overview(YEAR)

    add_activity(make_appropriation(carl, "BL-32-1.5"), amount="700", provider=None)
    assert year_values(YEAR)[("open_step", 3)][1] == Decimal("8400")  # Carl, 12 x 700
    api.content.transition(obj=carl, transition="close")
    carl.reindexObject()
    assert ("open_step", 3) not in year_values(YEAR)
    assert year_values(YEAR)[("dim", "effort_step", 3)][1] == Decimal("8400")
    assert_ledger_holds_the_payments()
    same_overview(YEAR)


def test_the_sums_follow_removals(data):
    """What may be removed (drafts; retention refuses the rest, and a case with a journal) leaves
    the sums right; a case that goes takes back what it contributed."""
    api.content.delete(obj=data["draft"], check_linkintegrity=False)
    api.content.delete(obj=data["bo_draft"], check_linkintegrity=False)
    assert_ledger_holds_the_payments()
    same_overview(YEAR)
    before = year_totals(YEAR)
    alma_figures = year_values(YEAR)[("dim", "case_worker", "mette")]
    remove_case(data["carl"])  # Carl's costs ended last year: this year stays
    assert year_totals(YEAR) == before
    remove_case(data["alma"])
    granted, expected = year_totals(YEAR)
    assert (granted, expected) == (before[0] - alma_figures[0], before[1] - alma_figures[1])


def test_a_new_case_with_a_grant_is_added_once_per_transaction(data):
    before = year_totals(YEAR)
    case = make_case(data["portal"], team="unge")
    appropriation = make_appropriation(case, "BL-32-1.5")
    add_activity(appropriation, amount="1000", provider=None)
    add_activity(
        appropriation,
        amount="250",
        service="100108",
        activity_type="supplementary",
        provider=None,
    )
    granted, expected = year_totals(YEAR)
    assert granted - before[0] == Decimal("15000")  # 12 x 1.250
    assert expected - before[1] == Decimal("15000")
    assert_ledger_holds_the_payments()


def test_rebuild_gives_what_the_changes_kept(data):
    kept = {year: year_values(year) for year in years()}
    assert kept[YEAR]
    rebuild()
    assert {year: year_values(year) for year in years()} == kept


def test_concurrent_changes_of_one_year_are_merged_by_the_storage():
    """Two connections change the same year's sums; the second commit is merged, not lost
    (a real FileStorage resolves the conflict with YearFigures._p_resolveConflict)."""
    with tempfile.TemporaryDirectory() as folder:
        db = ZODB.DB(FileStorage(str(Path(folder) / "Data.fs")))
        try:
            first, second = transaction.TransactionManager(), transaction.TransactionManager()
            one, two = db.open(first), db.open(second)
            one.root()["year"] = figures_ = YearFigures()
            figures_.apply({("total",): (Decimal("100.00"), Decimal("100.00"), 1)})
            first.commit()
            two.sync()
            two.root()["year"].apply({("total",): (Decimal("5.00"), Decimal("0"), 1)})
            one.root()["year"].apply({("dim", "team", "a"): (Decimal("1.00"), Decimal("2.00"), 1)})
            one.root()["year"].apply({("total",): (Decimal("1.00"), Decimal("2.00"), 0)})
            first.commit()
            second.commit()  # conflicts with the first, and is resolved
            check = db.open()
            assert check.root()["year"].figures() == {
                ("total",): (Decimal("106.00"), Decimal("102.00"), 2),
                ("dim", "team", "a"): (Decimal("1.00"), Decimal("2.00"), 1),
            }
            check.close()
        finally:
            db.close()
