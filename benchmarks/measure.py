"""In-process timings on the built municipality (median of BENCH_REPEAT runs, first run apart).

* save: edit the two-year daily draft activity (730 payments) the way the edit form does it:
  set a field, notify ObjectModifiedEvent, commit (the subscribers replan all payments and
  restore the appropriation's totals, the catalog is updated at commit);
* preview: ``figures.cost_preview`` for an unsaved two-year daily plan and a monthly one;
* case costs: ``figures.costs_for(case, year)`` of the case with 10 grants;
* totals: this year's granted and expected over all activities: a catalog query of
  ``bos_activity`` plus ``activities.sum_totals`` over the brains (no object is woken);
* overview: rendering the manager overview (``@@bos-overview`` of the site for this year, as
  a BOS Ledelse user sees it) with the module cache of ``management`` emptied before each run,
  so every run reads the catalog again; the CSV export of the month-by-month table likewise.
  On a build made before the catalog column ``bos_monthly_totals`` existed (profile version
  1000), one uncached rendering is timed as it was (the monthly figures computed from the
  payments), then the upgrade step to 1001 is run and timed;
* screens: the case worker's and the payment office's pages rendered in-process as the
  publisher would (main template included): ``/sager`` with all cases (page 1 of 50 cases,
  totals over every case), the case with 10 grants, one of its grants, the two-year daily
  activity, and the payment search for this month and for one CPR number over all dates.
"""

import os
import statistics
import time
from datetime import date
from datetime import timedelta
from decimal import Decimal

import transaction

from benchmarks import municipality
from benchmarks import zope_env
from benchmarks.results import emit
from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.classification.reader import by_key
from os2bos_plone.decisions.competence import required_level
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import collect
from os2bos_plone.management.ledger import year_totals
from os2bos_plone.payments.totals import MONTHLY_COLUMN
from os2bos_plone.payments.totals import sum_totals

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


CPU = {}


def timed(function, repeat=REPEAT, name=None):
    """(first run ms, median ms of the following runs, result of the last run).

    The median CPU time of this process is kept in CPU[name]: on a shared machine it shows
    what the wall-clock figure owes to other processes (fsync waits are not CPU time)."""
    times, cpu = [], []
    result = None
    for _ in range(repeat + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    if name:
        CPU[name] = round(statistics.median(cpu[1:]), 2)
    return round(times[0], 2), round(statistics.median(times[1:]), 2), result


def find(portal_type, **query):
    from plone import api

    brains = api.content.find(portal_type=portal_type, unrestricted=True, **query)
    return brains[0]._unrestrictedGetObject()


def case_of(number):
    return find("bos_case", bos_sbsys_id=f"27.24.00-G01-{number}-25")


def save_target():
    """The draft two-year daily activity of the save case (and its appropriation)."""
    case = case_of(municipality.SAVE_CASE)
    appropriation = case.objectValues()[0]
    return appropriation, appropriation.objectValues()[0]


def preview_fields(today, frequency="daily"):
    """REST fields (JSON strings) of an unsaved activity: two years from today."""

    service = by_key("bos_service", "100406")
    provider = by_key("bos_service_provider", "93766989")
    fields = {
        "service": service.UID(),
        "activity_type": "main",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=729)).isoformat(),
        "payment_type": "running",
        "payment_frequency": frequency,
        "payment_cost_type": "fixed",
        "payment_amount": "2350.00",
        "service_provider": provider.UID(),
        "recipient_type": "company",
        "recipient_id": "93766989",
        "recipient_name": "Solsikkegården Opholdssted ApS",
        "payment_method": "invoice",
    }
    if frequency == "monthly":
        fields["payment_day_of_month"] = 1
    return fields


def add_draft_grants(case, count, today):
    """Draft grants to decide (family treatment with transport), made and committed untimed."""
    from plone.dexterity.utils import createContentInContainer

    lookup = municipality.Lookup()
    made = []
    for _ in range(count):
        grant = municipality.decision_grant(today)
        appropriation = createContentInContainer(
            case,
            "bos_appropriation",
            sbsys_id=f"{grant.kle}-B{len(case.objectIds()) + 1:03d}-{municipality.GRANT_CASE}-25",
            section=lookup.uid("bos_section", grant.section),
        )
        for spec in grant.activities:
            fields = municipality.activity_fields(spec, lookup, municipality.GRANT_CASE)
            createContentInContainer(appropriation, "bos_activity", **fields)
        made.append(appropriation)
    transaction.commit()
    return made


def grant_decision(today):
    """A real decision: ``decisions.grant`` of a draft grant (main + supplementary activity) with
    the approval data, the ``grant`` transitions, the journal entry, the appropriation letter
    (PDF, versioned) and the mail to the case worker (composed; the bench has no mail server),
    then commit. Each run decides another draft grant, made beforehand in the grant case."""
    from AccessControl.SecurityManagement import getSecurityManager
    from plone.uuid.interfaces import IUUID

    from os2bos_plone.adapters.lookup import activities_of

    pending = iter(add_draft_grants(case_of(municipality.GRANT_CASE), REPEAT + 1, today))
    user = getSecurityManager().getUser()

    def decide():
        appropriation = next(pending)
        objs = activities_of(appropriation)
        level = required_level(objs, when=today)
        committee = {}
        if level.committee:
            committee = {"meeting_date": today, "decision_reference": "Benchmark, pkt. 2"}
        parameters = DecisionParameters(approval_level=level.key, **committee)
        result = grant(appropriation, [IUUID(obj) for obj in objs], parameters, user=user)
        if not result.ok:
            raise RuntimeError(f"grant refused: {result.errors}")
        transaction.commit()
        return level.key

    first, median, level = timed(decide, name="grant")
    return {"grant_first_ms": first, "grant_ms": median, "grant_level": level}


def render(portal, name, context=None, **form):
    """A browser view rendered in-process (of the site unless ``context``), as the publisher
    would call it."""
    from plone import api
    from zope.interface import alsoProvides

    from os2bos_plone.interfaces import IOs2BosPloneLayer

    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request.form.clear()
    request.form.update({key: str(value) for key, value in form.items()})
    return api.content.get_view(name=name, context=context or portal, request=request)()


def screen_timings(app, portal):
    """Median rendering times of the case worker's and payment office's screens."""

    cases = portal["sager"]
    case = case_of(municipality.TEN_GRANTS_CASE)
    appropriation = case.objectValues()[0]
    _save_appropriation, activity = save_target()
    cpr = case_of(municipality.SAVE_CASE).cpr_number
    screens = {
        "screen_cases": lambda: render(portal, "bos-cases-listing", cases, case_worker=""),
        "screen_case": lambda: render(portal, "bos-case-view", case),
        "screen_grant": lambda: render(portal, "bos-appropriation-view", appropriation),
        "screen_activity": lambda: render(portal, "bos-activity-view", activity),
        "screen_payments_month": lambda: render(portal, "bos-payments", period="this_month"),
        "screen_payments_cpr": lambda: render(portal, "bos-payments", period="all", cpr=cpr),
        # As the site administrator: every section of the start page, and every expected
        # activity of the municipality awaiting a decision.
        "screen_start": lambda: render(portal, "bos-start"),
        "screen_approvals": lambda: render(portal, "bos-my-approvals"),
    }
    results = {
        "screen_case_activities": sum(len(activities_of(grant)) for grant in case.objectValues())
    }
    for name, screen in screens.items():
        app._p_jar.cacheMinimize()
        first, median, html = timed(screen, name=name)
        results.update({f"{name}_first_ms": first, f"{name}_ms": median})
        print(f"{name}: {median:,.1f} ms ({len(html):,} bytes)")
    return results


UPGRADE_KEYS = (
    "overview_without_column_ms",
    "upgrade_1001_s",
    "upgrade_1001_cpu_s",
    "upgrade_1001_from",
)


def remember_upgrade(results, keys=UPGRADE_KEYS):
    """Keep the upgrade's figures with the build: later runs (BENCH_REUSE=1) find the build
    upgraded already and report the figures of the run that upgraded it."""
    import json

    from benchmarks.results import STATE

    state = json.loads(STATE.read_text())
    state.update({key: results[key] for key in keys})
    STATE.write_text(json.dumps(state, indent=1))


def upgrade_build(app, portal, year):
    """Bring an older build up to the code's profile version first, timing the upgrade steps
    (every later figure is of the upgraded site)."""
    from plone import api

    results = {}
    catalog = api.portal.get_tool("portal_catalog")
    setup = api.portal.get_tool("portal_setup")
    profile = "os2bos_plone:default"
    if MONTHLY_COLUMN not in catalog.schema():
        clear_cache()
        app._p_jar.cacheMinimize()
        started = time.perf_counter()
        render(portal, "bos-overview", year=year)
        results["overview_without_column_ms"] = round((time.perf_counter() - started) * 1000, 1)
        print(f"Oversigt uden kolonnen: {results['overview_without_column_ms']:,.0f} ms")
        before = setup.getLastVersionForProfile(profile)
        started, started_cpu = time.perf_counter(), time.process_time()
        setup.upgradeProfile(profile)
        transaction.commit()
        results["upgrade_1001_s"] = round(time.perf_counter() - started, 1)
        results["upgrade_1001_cpu_s"] = round(time.process_time() - started_cpu, 1)
        results["upgrade_1001_from"] = ".".join(before) if isinstance(before, tuple) else before
        print(f"Opgraderingstrin 1001: {results['upgrade_1001_s']:,.1f} s")
        remember_upgrade(results)
    if setup.listUpgrades(profile):
        # Later steps (1002: the effort-step moves of each case as catalog metadata).
        before = ".".join(setup.getLastVersionForProfile(profile))
        started, started_cpu = time.perf_counter(), time.process_time()
        setup.upgradeProfile(profile)
        transaction.commit()
        results["upgrade_later_s"] = round(time.perf_counter() - started, 1)
        results["upgrade_later_cpu_s"] = round(time.process_time() - started_cpu, 1)
        results["upgrade_later_from"] = before
        results["upgrade_later_to"] = ".".join(setup.getLastVersionForProfile(profile))
        print(
            f"Opgradering {before} -> {results['upgrade_later_to']}: {results['upgrade_later_s']} s"
        )
        remember_upgrade(results, [key for key in results if key.startswith("upgrade_later_")])
    results["profile_version"] = ".".join(setup.getLastVersionForProfile(profile))
    return results


def overview_timings(app, portal, year):
    """The manager overview and its CSV export, uncached (see the module docstring)."""
    results = {}

    def overview():
        clear_cache()
        return render(portal, "bos-overview", year=year)

    app._p_jar.cacheMinimize()
    first, median, html = timed(overview, name="overview")
    collected = collect(year)
    results.update(
        overview_first_ms=first,
        overview_ms=median,
        overview_bytes=len(html),
        overview_monthly_source=collected.monthly_source,
        overview_activities=collected.activities,
    )
    _first, cached, _html = timed(
        lambda: render(portal, "bos-overview", year=year), name="overview_cached"
    )
    results["overview_cached_ms"] = cached

    def export():
        clear_cache()
        return render(portal, "bos-overview-export", table="months", format="csv", year=year)

    first, median, _csv = timed(export, name="overview_csv")
    results.update(overview_csv_first_ms=first, overview_csv_ms=median)
    return results


def phase_measure():
    from plone import api
    from zope.event import notify
    from zope.lifecycleevent import Attributes
    from zope.lifecycleevent import ObjectModifiedEvent

    from os2bos_plone.content.activity import IActivity
    from os2bos_plone.payments import figures
    from os2bos_plone.payments.store import stored_payments

    app = zope_env.open_app()
    portal = zope_env.portal_of(app)
    today = date.today()
    year = today.year
    results = {"repeat": REPEAT, "today": today.isoformat()}
    results.update(upgrade_build(app, portal, year))

    # -- save ----------------------------------------------------------------------------------
    appropriation, activity = save_target()
    amounts = iter(range(2000, 100000))

    def save():
        activity.payment_amount = Decimal(next(amounts))
        notify(ObjectModifiedEvent(activity, Attributes(IActivity, "payment_amount")))
        transaction.commit()

    results["save_first_ms"], results["save_ms"], _ = timed(save, name="save")
    results["save_payments"] = len(stored_payments(activity))

    # -- preview -------------------------------------------------------------------------------
    daily = preview_fields(today)
    first, median, preview = timed(
        lambda: figures.cost_preview(appropriation, daily, today), name="preview"
    )
    results.update(preview_first_ms=first, preview_ms=median, preview_payments=preview)
    monthly = preview_fields(today, "monthly")
    first, median, _ = timed(
        lambda: figures.cost_preview(appropriation, monthly, today), name="preview_monthly"
    )
    results.update(preview_monthly_first_ms=first, preview_monthly_ms=median)

    # -- a grant decision ----------------------------------------------------------------------
    results.update(grant_decision(today))

    # -- case costs ----------------------------------------------------------------------------
    case = case_of(municipality.TEN_GRANTS_CASE)
    app._p_jar.cacheMinimize()  # the first run starts from a cold object cache
    first, median, costs = timed(lambda: figures.costs_for(case, year), name="case_costs")
    results.update(
        case_costs_first_ms=first,
        case_costs_ms=median,
        case_costs=costs,
        case_grants=len(case.objectIds()),
    )

    # -- totals over all activities ------------------------------------------------------------
    catalog = api.portal.get_tool("portal_catalog")

    def totals_from_catalog():
        brains = catalog.searchResults(portal_type="bos_activity")
        granted, expected = sum_totals(brains, year)
        return len(brains), str(granted), str(expected)

    def totals():
        granted, expected = year_totals(year)
        return str(granted), str(expected)

    app._p_jar.cacheMinimize()
    first, median, (count, granted, expected) = timed(totals_from_catalog, name="totals_catalog")
    results.update(
        totals_catalog_first_ms=first,
        totals_catalog_ms=median,
        totals_activities=count,
        totals_granted=granted,
        totals_expected=expected,
    )
    app._p_jar.cacheMinimize()
    first, median, from_ledger = timed(totals, name="totals")
    if from_ledger != (granted, expected):
        raise AssertionError(
            f"Årets tal: løbende summer {from_ledger} != katalog {granted, expected}"
        )
    results.update(totals_first_ms=first, totals_ms=median)
    results.update(overview_timings(app, portal, year))
    results.update(screen_timings(app, portal))
    results["cpu_ms"] = CPU
    results["load_average"] = [round(value, 2) for value in os.getloadavg()]
    results["measure_peak_mb"] = round(zope_env.peak_memory_mb())
    results["portal"] = portal.absolute_url(relative=True)
    app._p_jar.db().close()
    emit(results)
