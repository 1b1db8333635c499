"""The manager overview's figures, read from catalog metadata (never by waking activities)."""

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from plone import api

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.classification.reader import LIST_KEYS
from os2bos_plone.classification.reader import find_classification
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.engine import clock
from os2bos_plone.engine.ledger import DIMENSIONS
from os2bos_plone.management.catalog_rows import metadata_rows
from os2bos_plone.management.ledger import year_values
from os2bos_plone.payments.totals import MONTHLY_COLUMN
from os2bos_plone.payments.totals import cost_input
from os2bos_plone.payments.totals import monthly_totals_for

ZERO = Decimal("0")


HUNDRED = Decimal("100")


LOCAL_TIMEZONE = ZoneInfo("Europe/Copenhagen")


ACTIVITY_TYPE = "bos_activity"


CASE_TYPE = "bos_case"


#: The catalog metadata column with per-activity monthly figures (see module docstring).
#: Catalog metadata of each case: its dated effort-step changes (journal.effort_step_moves).
STEP_MOVES_COLUMN = "bos_step_moves"


#: Dimensions that belong to the case (read from the case's brain, current values).
CASE_DIMENSIONS = ("team", "case_worker", "target_group", "effort_step")


#: Cached results older than this are recomputed even when the catalog did not change.
CACHE_SECONDS = 300


_cache_lock = threading.Lock()


_cache = {}


def _catalog_stamp():
    catalog = api.portal.get_tool("portal_catalog")
    counter = catalog.getCounter() if hasattr(catalog, "getCounter") else 0
    length = getattr(catalog, "_counter", None)
    if getattr(length, "_p_changed", False):
        # This transaction changed the catalog and has not committed: what it sees is its own,
        # and another transaction (or the next test) reaches the same counter with other data.
        return None
    # The serial of the counter's last committed state: a counter value reached again after an
    # aborted transaction belongs to another state of the catalog.
    serial = getattr(length, "_p_serial", None)
    portal = api.portal.get()
    path = "/".join(portal.getPhysicalPath())
    return (path, counter, serial, int(time.time() // CACHE_SECONDS))


def _cached(name, key, compute, stamp=None):
    """``compute()`` once per catalog change (and at most CACHE_SECONDS old), per ``key``; or
    once per ``stamp`` when the caller knows better what the result depends on."""
    stamp = stamp or _catalog_stamp()
    if stamp is None:
        return compute()
    full_key = (name, stamp, key)
    with _cache_lock:
        if full_key in _cache:
            return _cache[full_key]
    value = compute()
    with _cache_lock:
        for old in [k for k in _cache if k[0] == name and k[1] != stamp]:
            del _cache[old]
        _cache[full_key] = value
    return value


def clear_cache():
    with _cache_lock:
        _cache.clear()


def _new_figures():
    return [ZERO, ZERO, ZERO, ZERO, 0]


@dataclass
class CaseInfo:
    uid: str
    path: str
    state: str
    team: object = None
    case_worker: object = None
    target_group: object = None
    effort_step: object = None


@dataclass
class Overview:
    """Raw figures of one year (and the year before, for comparison). Amounts are Decimals.

    Figures lists are ``[granted, expected, granted last year, expected last year, cases]``
    (``cases``: how many cases have a non-zero figure this year).
    """

    year: int
    today: date
    activities: int = 0
    totals: list = field(default_factory=_new_figures)
    dimensions: dict = field(default_factory=dict)
    #: {(section uid, service uid, activity type): [granted, expected]} for the budget lines.
    groups: dict = field(default_factory=dict)
    #: {effort step as stored: expected this year} over the cases that are not closed.
    expected_by_open_step: dict = field(default_factory=dict)
    #: {"YYYY-MM": [granted, expected]} for this year and the year before.
    monthly: dict = field(default_factory=dict)
    #: "ledger" (the running sums), "catalog" (metadata only), "payments" (all computed from
    #: payments) or "mixed".
    monthly_source: str = "catalog"
    cases: dict = field(default_factory=dict)


def _pair(values):
    if not values:
        return ZERO, ZERO
    return Decimal(values[0]), Decimal(values[1])


def _case_infos(catalog):
    infos = {}
    columns = ("UID", "review_state", *(f"bos_{name}" for name in CASE_DIMENSIONS))
    for path, (uid, state, team, worker, target_group, step) in metadata_rows(
        catalog, CASE_TYPE, columns
    ):
        infos[uid] = CaseInfo(
            uid=uid,
            path=path,
            state=state,
            team=team,
            case_worker=worker,
            target_group=target_group,
            effort_step=step,
        )
    return infos


ACTIVITY_COLUMNS = (
    "UID",
    "bos_yearly_totals",
    "bos_case_uid",
    "bos_section",
    "bos_service",
    "bos_service_provider",
    "bos_activity_type",
    *(f"bos_{name}" for name in CASE_DIMENSIONS),
    MONTHLY_COLUMN,
)


def collect(year, today=None):
    """All figures of ``year`` (and ``year - 1``), from the running sums (management.ledger),
    or on a site without them one pass over the activities' catalog metadata; cached per
    catalog change (the result is shared: do not change it)."""
    today = today or clock.today()

    def compute():
        overview = _from_ledger(year, today)
        return overview if overview is not None else _collect(year, today)

    return _cached("collect", (year, today), compute)


def _from_ledger(year, today):
    this_year = year_values(year)
    if this_year is None:
        return None
    last_year = year_values(year - 1)
    catalog = api.portal.get_tool("portal_catalog")
    overview = Overview(year=year, today=today, monthly_source="ledger")
    overview.cases = _case_infos(catalog)
    overview.activities = len(catalog.unrestrictedSearchResults(portal_type=ACTIVITY_TYPE))
    dimensions = overview.dimensions = {name: {} for name in DIMENSIONS}
    overview.monthly = {
        f"{y:04d}-{m:02d}": [ZERO, ZERO] for y in (year - 1, year) for m in range(1, 13)
    }
    for offset, values in ((0, this_year), (2, last_year)):
        for key, (granted, expected, cases) in values.items():
            kind = key[0]
            if kind == "total":
                row = overview.totals
            elif kind == "dim":
                row = dimensions[key[1]].get(key[2])
                if row is None:
                    row = dimensions[key[1]][key[2]] = _new_figures()
            elif kind == "month":
                overview.monthly[key[1]] = [granted, expected]
                continue
            elif offset:
                continue  # budget lines and the effect table are this year's only
            elif kind == "group":
                overview.groups[key[1:]] = [granted, expected]
                continue
            elif kind == "open_step":
                overview.expected_by_open_step[key[1]] = expected
                continue
            else:
                continue
            row[offset] += granted
            row[offset + 1] += expected
            if not offset:
                row[4] += cases
    return overview


def _collect(year, today):
    catalog = api.portal.get_tool("portal_catalog")
    overview = Overview(year=year, today=today)
    overview.cases = cases = _case_infos(catalog)
    dimensions = overview.dimensions = {name: {} for name in DIMENSIONS}
    groups = overview.groups
    expected_by_case = {}
    case_sets = defaultdict(set)  # id(figures list) -> case uids counted in it
    monthly = overview.monthly = {
        f"{y:04d}-{m:02d}": [ZERO, ZERO] for y in (year - 1, year) for m in range(1, 13)
    }
    prefixes = (f"{year:04d}-", f"{year - 1:04d}-")
    missing_monthly = defaultdict(set)  # appropriation path -> activity uids
    with_column = MONTHLY_COLUMN in catalog.schema()
    totals = overview.totals
    previous = year - 1
    for path, values in metadata_rows(catalog, ACTIVITY_TYPE, ACTIVITY_COLUMNS):
        overview.activities += 1
        (uid, stored, case_uid, section, service, provider, kind, *case_values) = values
        months = case_values.pop()
        stored = stored or {}
        this_year = stored.get(year)
        last_year = stored.get(previous)
        if not this_year and not last_year:
            continue
        granted, expected = _pair(this_year)
        granted_prev, expected_prev = _pair(last_year)
        if not (granted or expected or granted_prev or expected_prev):
            continue
        case = cases.get(case_uid)
        if case is not None:
            case_values = (case.team, case.case_worker, case.target_group, case.effort_step)
        keys = (section, service, case_values[0], case_values[1], provider, *case_values[2:])
        counted = case_uid if (granted or expected) else None
        for name, key in zip(DIMENSIONS, keys, strict=True):
            row = dimensions[name].get(key)
            if row is None:
                row = dimensions[name][key] = _new_figures()
            row[0] += granted
            row[1] += expected
            row[2] += granted_prev
            row[3] += expected_prev
            if counted:
                case_sets[id(row)].add(counted)
        _add(totals, (granted, expected, granted_prev, expected_prev))
        if counted:
            case_sets[id(totals)].add(counted)
        group = groups.get((section, service, kind))
        if group is None:
            group = groups[(section, service, kind)] = [ZERO, ZERO]
        group[0] += granted
        group[1] += expected
        if case_uid:
            expected_by_case[case_uid] = expected_by_case.get(case_uid, ZERO) + expected
        if months is None or not with_column:
            missing_monthly[path.rsplit("/", 1)[0]].add(uid)
            continue
        for month, (month_granted, month_expected) in months.items():
            if month.startswith(prefixes):
                entry = monthly[month]
                entry[0] += Decimal(month_granted)
                entry[1] += Decimal(month_expected)
    if missing_monthly:
        overview.monthly_source = "mixed" if with_column else "payments"
        for path, uids in missing_monthly.items():
            by_uid = _appropriation_monthly(path)
            for uid in uids:
                for month, (month_granted, month_expected) in by_uid.get(uid, {}).items():
                    if month.startswith(prefixes):
                        entry = monthly[month]
                        entry[0] += Decimal(month_granted)
                        entry[1] += Decimal(month_expected)
    for row in [totals, *(row for rows in dimensions.values() for row in rows.values())]:
        row[4] = len(case_sets.get(id(row), ()))
    for case_uid, expected in expected_by_case.items():
        case = cases.get(case_uid)
        if case is not None and case.state != "closed":
            step = overview.expected_by_open_step
            step[case.effort_step] = step.get(case.effort_step, ZERO) + expected
    return overview


def _add(row, figures):
    row[0] += figures[0]
    row[1] += figures[1]
    row[2] += figures[2]
    row[3] += figures[3]


def _appropriation_monthly(path):
    """Monthly figures of an appropriation's activities from their stored payments (the
    fallback while the catalog has no ``bos_monthly_totals``), cached per catalog change."""

    def compute():

        portal = api.portal.get()
        appropriation = portal.unrestrictedTraverse(path, None)
        if appropriation is None:
            return {}
        inputs = [cost_input(a) for a in activities_of(appropriation)]
        return monthly_totals_for(inputs)

    return _cached("appropriation_monthly", path, compute)


def classification_titles(portal_type):
    """{uid: (key, title)} of every item of a classification type (inactive ones too)."""
    return {brain.UID: (brain.bos_key, brain.Title) for brain in find_classification(portal_type)}


def list_titles(name):
    key_field = LIST_KEYS[name]
    return {row.get(key_field): row.get("title") for row in list_rows(name)}
