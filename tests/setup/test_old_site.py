"""A site written before the domain packages (commit 9b47680) opens and serves with today's code.

tests/data/site-9b47680.tar.gz holds the Data.fs and blobs of the demo site ('make demo') as that
commit wrote it. The payment stores were pickled as ``os2bos_plone.activities.PaymentStore`` and
the journal records as ``os2bos_plone.journal.<class>``; the alias modules keep those paths
importable. Every record of the file is unpickled here with a plain unpickler (ZODB itself would
hide a missing class behind a ``Broken`` object), and the site is then opened inside the test
layer's Zope configuration and asked for cases, payments, totals, the journal and a letter, through
the functions and the REST services the product offers now.

Nothing is committed: each test opens a fresh copy and aborts.
"""

import hashlib
import importlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from Acquisition import aq_base
from ZODB.broken import Broken
from ZODB.interfaces import IBroken
from zope.component import getMultiAdapter

from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.payments import Payment
from os2bos_plone.journal.storage import AppendOnlyLog
from os2bos_plone.journal.storage import JournalEntry
from os2bos_plone.journal.storage import entries
from os2bos_plone.journal.storage import entries_total
from os2bos_plone.management.ledger import differences_from_catalog
from os2bos_plone.management.ledger import years
from os2bos_plone.payments.store import PaymentStore
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import appropriation_figures
from os2bos_plone.payments.totals import total_cost_of
from os2bos_plone.payments.totals import yearly_totals_of
from tests.setup.old_sites import brains
from tests.setup.old_sites import global_names
from tests.setup.old_sites import open_storage
from tests.setup.old_sites import opened_site
from tests.setup.old_sites import records
from tests.setup.old_sites import unimportable
from tests.setup.old_sites import unpack
from tests.setup.old_sites import unpickle_every_record

ARCHIVE = Path(__file__).parent.parent / "data" / "site-9b47680.tar.gz"
SITE_ID = "Plone"
CASE_TYPE = "bos_case"
APPROPRIATION_TYPE = "bos_appropriation"
ACTIVITY_TYPE = "bos_activity"
#: The day the demo data was written (its payments and stored totals are of that day).
WRITTEN = date(2026, 12, 2)
YEAR = WRITTEN.year

#: Class paths the old pickles name that no longer are where the class lives (alias modules).
MOVED = {
    "os2bos_plone.activities.PaymentStore": PaymentStore,
    "os2bos_plone.journal.AppendOnlyLog": AppendOnlyLog,
    "os2bos_plone.journal.JournalEntry": JournalEntry,
}


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """The archive, unpacked once per module; tests copy nothing and commit nothing."""
    return unpack(ARCHIVE, tmp_path_factory.mktemp("site-9b47680"))


# -- every record, without Zope ----------------------------------------------------------------


def test_every_record_of_the_old_file_unpickles_with_todays_code(unpacked):
    records_read, seen = unpickle_every_record(unpacked)
    assert records_read > 10_000  # the whole history, not only current records
    ours = {name for name in seen if name.startswith("os2bos_plone.")}
    # The file does hold the pre-move paths and the content classes.
    assert set(MOVED) <= ours
    assert "os2bos_plone.journal.HistoryRecord" in ours
    assert "os2bos_plone.content.activity.Activity" in ours
    assert "os2bos_plone.engine.payments.Payment" in ours
    for name, cls in MOVED.items():
        module, _dot, attribute = name.rpartition(".")
        assert getattr(importlib.import_module(module), attribute) is cls, name


def test_the_class_scan_agrees_with_the_unpickler(unpacked):
    """A second, independent reading: the class paths named in the raw pickles all import."""
    storage = open_storage(unpacked)
    try:
        names = set().union(*(global_names(record.data) for record in records(storage)))
    finally:
        storage.close()
    ours = sorted(name for name in names if name.startswith("os2bos_plone."))
    assert len(ours) >= 15
    missing = unimportable(ours)
    assert missing == []


# -- the site, inside the test layer's Zope configuration ---------------------------------------


@pytest.fixture
def old_site(portal, unpacked):
    """The old Plone site, opened from the unpacked file in the layer's Zope configuration (the
    add-on's ZCML is loaded), as the site hook and with a Manager of the old site logged in.
    Everything is aborted afterwards and the layer's site comes back."""
    with opened_site(unpacked, SITE_ID, "admin") as site:
        yield site


def test_every_current_object_loads_unbroken(old_site):
    """Every object the file holds now, loaded through the site's connection (ZODB's own
    reader, which would substitute a Broken class), is a real object."""
    connection = old_site._p_jar
    storage = connection.db().storage
    broken = []
    loaded = 0
    cursor = None
    while True:
        oid, _tid, _data, cursor = storage.record_iternext(cursor)
        obj = connection.get(oid)
        if getattr(obj, "_p_activate", None) is not None:
            obj._p_activate()
        loaded += 1
        if IBroken.providedBy(obj) or isinstance(obj, Broken):
            broken.append((oid, type(obj)))
        if cursor is None:
            break
    assert loaded > 4000
    assert broken == []


def test_the_demo_site_is_there(old_site):
    assert old_site.getId() == SITE_ID
    setup = old_site.portal_setup
    assert setup.getLastVersionForProfile("os2bos_plone:default") == ("1002",)
    assert {"sager", "regelmotor", "budget"} <= set(old_site.objectIds())
    cases = brains(old_site, CASE_TYPE)
    assert len(cases) == len(old_site.sager.objectIds()) > 0
    assert all(brain.getPath().startswith(f"/{SITE_ID}/sager/") for brain in cases)
    assert len(brains(old_site, ACTIVITY_TYPE)) > len(cases)


def test_the_content_types_still_name_importable_classes_and_schemas(old_site):
    types = old_site.portal_types
    ours = [fti for fti in types.objectValues() if getattr(fti, "klass", "").startswith("os2bos")]
    assert len(ours) >= 8
    for fti in ours:
        module, _dot, name = fti.klass.rpartition(".")
        assert getattr(importlib.import_module(module), name)
        assert fti.lookupSchema() is not None


def test_payments_and_totals_of_the_old_activities(old_site):
    with_payments = with_totals = 0
    for brain in brains(old_site, ACTIVITY_TYPE):
        activity = brain._unrestrictedGetObject()
        store = getattr(aq_base(activity), "_bos_payments", None)
        payments = stored_payments(activity)
        if store is None:
            continue
        assert type(store) is PaymentStore
        assert payments
        with_payments += 1
        for payment in payments:
            assert isinstance(payment, Payment)
            assert isinstance(payment.amount, Decimal)
            assert isinstance(payment.date, date)
        assert payments == sorted(payments, key=lambda payment: payment.date)
        total = total_cost_of(activity)
        assert isinstance(total, Decimal)
        assert total >= 0
        yearly = yearly_totals_of(activity)
        with_totals += bool(yearly)  # a draft has payments but no granted/expected totals
        for granted, expected in yearly.values():
            assert isinstance(granted, Decimal)
            assert isinstance(expected, Decimal)
    assert with_payments > 20
    assert with_totals > 20


def test_the_rest_services_answer_on_old_content(old_site):
    request = old_site.REQUEST
    activity = next(
        brain._unrestrictedGetObject()
        for brain in brains(old_site, ACTIVITY_TYPE, review_state="granted")
        if stored_payments(brain._unrestrictedGetObject())
    )
    payments = getMultiAdapter((activity, request), name="GET_application_json_@bos-payments")
    answer = payments.reply()
    assert answer["items_total"] == len(stored_payments(activity)) > 0
    assert all(Decimal(item["amount"]) > 0 for item in answer["items"])

    request.form["year"] = str(YEAR)
    for obj in (activity, activity.aq_parent, activity.aq_parent.aq_parent):
        costs = getMultiAdapter((obj, request), name="GET_application_json_@bos-costs").reply()
        assert request.response.getStatus() == 200, costs
        assert Decimal(costs["granted"]) > 0
        assert len(costs["monthly"]) == 12


def test_todays_code_computes_the_figures_the_old_code_stored(old_site, frozen_today):
    """The totals the old code stored on each activity (and the catalog holds) are what the
    current code computes from the same pickled payments, on the day they were written."""
    frozen_today(WRITTEN)
    appropriations = brains(old_site, APPROPRIATION_TYPE)
    assert appropriations
    compared = 0
    for brain in appropriations:
        appropriation = brain._unrestrictedGetObject()
        per_activity, expected_monthly = appropriation_figures(appropriation)
        assert expected_monthly == appropriation.bos_monthly_expected
        for activity, yearly, monthly, total, monthly_totals in per_activity.values():
            assert activity.bos_yearly_totals == yearly
            assert activity.bos_monthly == monthly
            assert activity.bos_total_cost == total
            assert activity.bos_monthly_totals == monthly_totals
            compared += 1
    assert compared == len(brains(old_site, ACTIVITY_TYPE))


def test_the_journal_and_history_of_the_old_cases(old_site):
    request = old_site.REQUEST
    total_entries = 0
    for brain in brains(old_site, CASE_TYPE):
        case = brain._unrestrictedGetObject()
        case_entries = entries(case)
        assert len(case_entries) == entries_total(case) > 0
        total_entries += len(case_entries)
        for entry in case_entries:
            assert type(entry) is JournalEntry
            assert entry.title
            assert entry.action
            assert entry.time.tzinfo is not None
        journal = getMultiAdapter((case, request), name="GET_application_json_@bos-journal")
        answer = journal.reply()
        assert answer["items_total"] == len(case_entries)
        assert [item["id"] for item in answer["items"]] == [entry.id for entry in case_entries]
        history = getMultiAdapter((case, request), name="GET_application_json_@bos-history")
        assert history.reply()["items"]
    assert total_entries > 50


def test_a_grant_entry_points_to_its_letter(old_site):
    request = old_site.REQUEST
    letters = 0
    for brain in brains(old_site, CASE_TYPE):
        case = brain._unrestrictedGetObject()
        journal = getMultiAdapter((case, request), name="GET_application_json_@bos-journal")
        for item in journal.reply()["items"]:
            if not item["letter"]:
                continue
            letter = old_site.unrestrictedTraverse(
                item["letter_url"].replace(old_site.absolute_url() + "/", "")
            )
            assert letter.portal_type == "File"
            with letter.file.open() as blob:
                assert blob.read(5) == b"%PDF-"
            assert letter.file.size > 1000
            assert item["data"]["appropriation"]["sbsys_id"]
            letters += 1
    assert letters > 0


def test_the_overview_figures_read_the_old_catalog(old_site):
    from os2bos_plone.management.figures import clear_cache
    from os2bos_plone.management.figures import collect

    clear_cache()
    try:
        overview = collect(YEAR)
        assert overview.cases
    finally:
        clear_cache()


def test_the_upgrades_run_on_the_old_site(old_site, monkeypatch):
    from os2bos_plone.upgrades import v1004
    from os2bos_plone.upgrades import v1005
    from os2bos_plone.upgrades import v1007
    from os2bos_plone.upgrades import v1009
    from os2bos_plone.upgrades import v1010
    from os2bos_plone.upgrades import v1011

    monkeypatch.setattr(v1004, "checkpoint", lambda: None)  # the fixture aborts, never commits
    monkeypatch.setattr(v1005, "checkpoint", lambda: None)
    monkeypatch.setattr(v1007, "checkpoint", lambda: None)
    monkeypatch.setattr(v1009, "checkpoint", lambda: None)
    monkeypatch.setattr(v1010, "checkpoint", lambda: None)
    monkeypatch.setattr(v1011, "checkpoint", lambda: None)
    setup = old_site.portal_setup
    catalog = old_site.portal_catalog
    assert "bos_status" in catalog.schema()
    letter_files = len(brains(old_site, "File"))
    setup.upgradeProfile("os2bos_plone:default")
    assert setup.getLastVersionForProfile("os2bos_plone:default") == (
        setup.getVersionForProfile("os2bos_plone:default"),
    )
    assert "bos_status" not in catalog.schema()
    assert "bos_payment_rate" in catalog.indexes()  # 1007
    assert old_site.getLayout() == "bos-start"  # 1008
    assert "bos_submitted_annual_cost" in catalog.schema()  # 1009
    assert differences_from_catalog(old_site) == {}  # 1010: the running sums, all there
    assert {"bos_payment_days", "bos_unpaid_days"} <= set(catalog.indexes())  # 1011
    assert years(old_site)
    # The catalog answers as before, from the brains' remaining columns.
    cases = brains(old_site, CASE_TYPE)
    assert cases and all(brain.bos_sbsys_id for brain in cases)
    # 1004: the letter Files became bos_letter objects with their PDF's SHA-256
    letters = brains(old_site, "bos_letter")
    assert letter_files and len(letters) == letter_files
    for brain in letters:
        letter = brain._unrestrictedGetObject()
        with letter.file.open() as blob:
            assert letter.sha256 == hashlib.sha256(blob.read()).hexdigest()


def test_the_case_screen_renders_an_old_case(old_site):
    """The case view (history, grants with their granted cost this year) renders old content."""
    request = old_site.REQUEST
    brain = brains(old_site, CASE_TYPE)[0]
    case = brain._unrestrictedGetObject()
    request["PARENTS"] = [old_site.aq_parent]
    request["ACTUAL_URL"] = case.absolute_url()
    html = getMultiAdapter((case, request), name="bos-case-view")()
    assert brain.bos_sbsys_id in html
    for appropriation in brains(old_site, APPROPRIATION_TYPE, bos_case_uid=brain.UID):
        assert appropriation.bos_sbsys_id in html
        granted = sum(
            (
                yearly_totals_of(activity.getObject()).get(YEAR, (Decimal(0),))[0]
                for activity in brains(
                    old_site, ACTIVITY_TYPE, bos_appropriation_uid=appropriation.UID
                )
            ),
            Decimal(0),
        )
        assert granted > 0
        assert format_money(granted) in html
