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


#: The dimensions of the cost tables, in the order the overview shows them.
DIMENSIONS = (
    "section",
    "service",
    "team",
    "case_worker",
    "service_provider",
    "target_group",
    "effort_step",
)


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
    return [ZERO, ZERO, ZERO, ZERO, set()]


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

    Figures lists are ``[granted, expected, granted last year, expected last year, case uids]``.
    """

    year: int
    today: date
    activities: int = 0
    totals: list = field(default_factory=_new_figures)
    dimensions: dict = field(default_factory=dict)
    #: {(section uid, service uid, activity type): [granted, expected]} for the budget lines.
    groups: dict = field(default_factory=dict)
    #: {case uid: expected this year}
    expected_by_case: dict = field(default_factory=dict)
    #: {"YYYY-MM": [granted, expected]} for this year and the year before.
    monthly: dict = field(default_factory=dict)
    #: "catalog" (metadata only), "payments" (all computed from payments) or "mixed".
    monthly_source: str = "catalog"
    cases: dict = field(default_factory=dict)


def _pair(values):
    if not values:
        return ZERO, ZERO
    return Decimal(values[0]), Decimal(values[1])


def metadata_rows(catalog, portal_type, columns):
    """(path, values) for every catalogued object of ``portal_type``: ``values`` are the
    ``columns``' metadata in order, None for an empty or missing value.

    Reads the catalog's metadata table directly (rids from the ``portal_type`` index, records
    from ``Catalog.data``), which is about twice as fast as making a brain per object; falls
    back to brains if the catalog is not laid out that way. Nothing is woken either way.
    """
    inner = getattr(catalog, "_catalog", None)
    try:
        catalog.getCounter()  # process the indexing queue, as a search would
        index = inner.getIndex("portal_type")._index
        schema = inner.schema
        data = inner.data
        paths = inner.paths
    except (AttributeError, KeyError):
        inner = None
    if inner is None:
        for brain in catalog.unrestrictedSearchResults(portal_type=portal_type):
            yield brain.getPath(), tuple(_value(brain, name) for name in columns)
        return
    rids = index.get(portal_type)
    if rids is None:
        return
    if isinstance(rids, int):
        rids = (rids,)
    positions = [schema.get(name) for name in columns]
    for rid in rids:
        record = data[rid]
        yield (
            paths[rid],
            tuple(None if position is None else _clean(record[position]) for position in positions),
        )


def _clean(value):
    # Missing.Value (a column added after the object was indexed) and "" count as no value.
    if value is None or value == "" or type(value).__name__ == "Missing":
        return None
    return value


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


def _value(brain, name):
    return _clean(getattr(brain, name, None))


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
    """All figures of ``year`` (and ``year - 1``): one pass over the activities' catalog
    metadata, cached per catalog change (the result is shared: do not change it)."""
    today = today or clock.today()
    return _cached("collect", (year, today), lambda: _collect(year, today))


def _collect(year, today):
    catalog = api.portal.get_tool("portal_catalog")
    overview = Overview(year=year, today=today)
    overview.cases = cases = _case_infos(catalog)
    dimensions = overview.dimensions = {name: {} for name in DIMENSIONS}
    groups = overview.groups
    expected_by_case = overview.expected_by_case
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
                row[4].add(counted)
        _add(totals, (granted, expected, granted_prev, expected_prev), case_uid)
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
    return overview


def _add(row, figures, case_uid):
    row[0] += figures[0]
    row[1] += figures[1]
    row[2] += figures[2]
    row[3] += figures[3]
    if case_uid and (figures[0] or figures[1]):
        row[4].add(case_uid)


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
