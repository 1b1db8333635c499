"""The site of the previous release, upgraded by today's code: the overview equals the payments.

tests/data/site-c0cfcd5.tar.gz holds the demo site ('make site') as commit c0cfcd5 (the release
before issue 14) built it, packed: Data.fs, blobs and release.json (the commit, the day written,
the add-on's profile version). It was written by ``scripts/release_site_archive.py c0cfcd5
--today 2026-12-07``; the next release archives its own site the same way and points ARCHIVE
at it.

Here every record is unpickled with today's classes, the site is opened inside the test layer's
Zope configuration, whatever upgrade steps exist are run, and the manager overview's figures
(``management.figures.collect``: per year, section, team, service, case and month, read from
catalog metadata) are compared with sums computed directly from each activity's stored payments,
for every year the demo data has payments in. The product's day is the day the site was written,
so the comparison holds on any day the tests run. Nothing is committed.
"""

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from ZODB.broken import Broken
from ZODB.interfaces import IBroken
from zope.component import getMultiAdapter

from os2bos_plone.engine import costs
from os2bos_plone.engine.money import format_money
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import collect
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import cost_input
from tests.builders import view
from tests.setup.old_sites import brains
from tests.setup.old_sites import global_names
from tests.setup.old_sites import open_storage
from tests.setup.old_sites import opened_site
from tests.setup.old_sites import records
from tests.setup.old_sites import release_info
from tests.setup.old_sites import unimportable
from tests.setup.old_sites import unpack
from tests.setup.old_sites import unpickle_every_record
from tests.setup.old_sites import without_checkpoints

ARCHIVE = Path(__file__).parent.parent / "data" / "site-c0cfcd5.tar.gz"
COMMIT = "c0cfcd592e05cd7024288546ecd69a0927c5343f"
#: The add-on's profile version at that commit, where the upgrade steps start (the archive's:
#: not bumped when a step is added).
PROFILE_VERSION = "1007"
PROFILE = "os2bos_plone:default"
CASE_TYPE = "bos_case"
APPROPRIATION_TYPE = "bos_appropriation"
ACTIVITY_TYPE = "bos_activity"
ZERO = Decimal(0)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """The archive, unpacked once per module; tests copy nothing and commit nothing."""
    return unpack(ARCHIVE, tmp_path_factory.mktemp("site-c0cfcd5"))


@pytest.fixture(scope="module")
def written(unpacked):
    """The day the previous release built the site (its demo data is relative to that day)."""
    return date.fromisoformat(release_info(unpacked)["written"])


@pytest.fixture
def release_site(portal, unpacked, written, frozen_today):
    """The previous release's site, opened in the layer's configuration, on the day it was
    written, with its Zope manager logged in; aborted afterwards."""
    info = release_info(unpacked)
    frozen_today(written)
    clear_cache()
    try:
        with opened_site(unpacked, info["site_id"], info["admin"]) as site:
            yield site
    finally:
        clear_cache()


@pytest.fixture
def upgraded(release_site, monkeypatch):
    """The site after ``portal_setup.upgradeProfile``: every upgrade step there is from the
    previous release's profile version to today's. The steps' batch commits are switched off
    (the fixture aborts; nothing may be committed into the archive's copy)."""
    without_checkpoints(monkeypatch)
    release_site.portal_setup.upgradeProfile(PROFILE)
    return release_site


# -- the archive and its records ----------------------------------------------------------------


def test_the_archive_is_the_previous_releases_site(unpacked, written):
    info = release_info(unpacked)
    assert info["commit"] == COMMIT
    assert info["profile_version"] == PROFILE_VERSION
    assert written == date(2026, 12, 7)


def test_every_record_unpickles_with_todays_code(unpacked):
    records_read, seen = unpickle_every_record(unpacked)
    assert records_read > 4000  # packed: the current records only
    ours = {name for name in seen if name.startswith("os2bos_plone.")}
    assert {
        "os2bos_plone.content.activity.Activity",
        "os2bos_plone.engine.payments.Payment",
        "os2bos_plone.payments.store.PaymentStore",
        "os2bos_plone.journal.storage.JournalEntry",
    } <= ours


def test_the_class_scan_agrees_with_the_unpickler(unpacked):
    storage = open_storage(unpacked)
    try:
        names = set().union(*(global_names(record.data) for record in records(storage)))
    finally:
        storage.close()
    ours = sorted(name for name in names if name.startswith("os2bos_plone."))
    assert len(ours) >= 15
    assert unimportable(ours) == []


def test_every_object_loads_unbroken(release_site):
    connection = release_site._p_jar
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


# -- the upgrade ---------------------------------------------------------------------------------


def test_the_upgrade_steps_bring_the_profile_to_todays_version(release_site, monkeypatch):
    setup = release_site.portal_setup
    assert setup.getLastVersionForProfile(PROFILE) == (PROFILE_VERSION,)
    current = setup.getVersionForProfile(PROFILE)
    pending = setup.listUpgrades(PROFILE)
    # Steps are pending exactly when today's profile is newer than the release's.
    assert bool(pending) == (int(current) > int(PROFILE_VERSION))
    without_checkpoints(monkeypatch)
    setup.upgradeProfile(PROFILE)
    assert setup.getLastVersionForProfile(PROFILE) == (current,)
    assert setup.listUpgrades(PROFILE) == []


# -- after the upgrade: the overview is the sum of the payments ----------------------------------


def _payment_sums(site):
    """{(dimension, key, year): [granted, expected]} and {(year, month): [granted, expected]}
    straight from the stored payments, walking the content (no catalog, no stored totals).

    Granted: every payment of a granted activity; expected: the applicable payments (an
    adjustment replaces its original's from its start) of granted and expected activities; a
    draft counts in neither; a payment counts in its effective (paid, when known) month."""
    sums = defaultdict(lambda: [ZERO, ZERO])
    months = defaultdict(lambda: [ZERO, ZERO])
    for case in site.sager.objectValues():
        if case.portal_type != CASE_TYPE:
            continue
        state = site.portal_workflow.getInfoFor(case, "review_state")
        for appropriation in case.objectValues():
            if appropriation.portal_type != APPROPRIATION_TYPE:
                continue
            activities = [
                obj for obj in appropriation.objectValues() if obj.portal_type == ACTIVITY_TYPE
            ]
            inputs = [cost_input(activity) for activity in activities]
            for activity, data in zip(activities, inputs, strict=True):
                assert data.payments == stored_payments(activity)
                keys = (
                    ("total", None),
                    ("section", appropriation.section),
                    ("service", activity.service),
                    ("team", case.team),
                    ("case", case.UID()),
                )
                if state != "closed":  # the effect table's children on each step now
                    keys += (("open_step", case.effort_step),)
                counted = []
                if data.status is costs.ActivityStatus.GRANTED:
                    counted += [(0, payment) for payment in data.payments]
                if data.status is not costs.ActivityStatus.DRAFT:
                    counted += [(1, p) for p in costs.applicable_payments(data, inputs)]
                for column, payment in counted:
                    day, amount = payment.effective_date, payment.effective_amount
                    for dimension, key in keys:
                        sums[(dimension, key, day.year)][column] += amount
                    months[(day.year, day.month)][column] += amount
    return sums, months


def _figures(sums, dimension, year):
    return {
        key: tuple(values)
        for (name, key, in_year), values in sums.items()
        if name == dimension and in_year == year and tuple(values) != (0, 0)
    }


def _overview_dimension(overview, name, last_year=False):
    index = 2 if last_year else 0
    return {
        key: (row[index], row[index + 1])
        for key, row in overview.dimensions[name].items()
        if (row[index], row[index + 1]) != (0, 0)
    }


def test_the_overview_equals_the_sum_of_the_payments(upgraded, written):
    sums, months = _payment_sums(upgraded)
    years = sorted({year for (_name, _key, year) in sums})
    assert written.year in years
    assert len(years) >= 2  # the demo has payments before and after this year
    for year in years:
        overview = collect(year)
        assert overview.monthly_source == "ledger"  # the running sums, computed by 1010
        for this_or_last, in_year in ((False, year), (True, year - 1)):
            expected_total = _figures(sums, "total", in_year).get(None, (ZERO, ZERO))
            offset = 2 if this_or_last else 0
            assert (overview.totals[offset], overview.totals[offset + 1]) == expected_total, (
                year,
                in_year,
            )
            for name in ("section", "service", "team"):
                assert _overview_dimension(overview, name, this_or_last) == _figures(
                    sums, name, in_year
                ), (year, in_year, name)
        by_step = {step: value for step, value in overview.expected_by_open_step.items() if value}
        assert by_step == {
            step: expected
            for step, (_granted, expected) in _figures(sums, "open_step", year).items()
            if expected
        }
        for month in range(1, 13):
            for in_year in (year - 1, year):
                assert tuple(overview.monthly[f"{in_year:04d}-{month:02d}"]) == tuple(
                    months.get((in_year, month), (ZERO, ZERO))
                ), (in_year, month)
    this_year = collect(written.year)
    assert this_year.totals[0] > 0 and this_year.totals[1] >= this_year.totals[0]
    assert len(_overview_dimension(this_year, "team")) >= 2


def test_the_cases_costs_over_rest_add_up_to_the_overview(upgraded, written):
    request = upgraded.REQUEST
    request.form["year"] = str(written.year)
    granted = expected = ZERO
    for brain in brains(upgraded, CASE_TYPE):
        case = brain._unrestrictedGetObject()
        answer = getMultiAdapter((case, request), name="GET_application_json_@bos-costs").reply()
        assert request.response.getStatus() == 200, answer
        granted += Decimal(answer["granted"])
        expected += Decimal(answer["expected"])
    overview = collect(written.year)
    assert (granted, expected) == (overview.totals[0], overview.totals[1])


def test_the_overview_page_and_export_render(upgraded, written):
    """The page shows the overview's figures (the language is the test request's: the Danish
    texts are tested in tests/management/test_overview.py)."""
    overview = collect(written.year)
    html = view(upgraded, "bos-overview", year=written.year)()
    assert 'id="bos-table-team"' in html and "<svg" in html
    assert format_money(overview.totals[0]) in html
    assert format_money(overview.totals[1]) in html
    teams = _overview_dimension(overview, "team")
    assert len(teams) >= 2
    for _granted, expected in teams.values():
        assert format_money(expected) in html
    export = view(upgraded, "bos-overview-export", year=written.year, table="team", format="csv")
    rows = list(csv.reader(io.StringIO(export().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) >= len(teams) + 2  # header, the teams, the total
