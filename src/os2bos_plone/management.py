"""Management information (ledelsesinformation): a year's figures over every activity.

Everything is read from catalog brains: the stored yearly totals (``bos_yearly_totals``), the
classification keys of each activity (section, service, provider) and, through
``bos_case_uid``, the case's current team, case worker, target group and effort step from the
case's own brain (so a case that changed team counts under its new team even before its
activities are reindexed). No activity is woken: the month-by-month forecast reads the catalog
metadata column ``bos_monthly_totals`` ({"YYYY-MM": (granted, expected)}, computed by
:func:`monthly_totals_for` when ``activities.refresh_totals`` stores the yearly totals, so every
change that changes those keeps it current).

Only on a site whose catalog lacks the column (upgrade step 1001 not run yet), or for an activity
catalogued before the column was added, are the monthly figures computed from the stored payments
of the activity's appropriation instead (cached per catalog change); the page then says so.

The effect figures (movements on the indsatstrappe) read each case's dated history
(``journal.case_history``) and so wake the cases, not their activities; they are cached per
catalog change as well.
"""

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from plone import api

from os2bos_plone import classification
from os2bos_plone.engine import clock
from os2bos_plone.engine import costs as engine_costs

ZERO = Decimal("0")
HUNDRED = Decimal("100")
LOCAL_TIMEZONE = ZoneInfo("Europe/Copenhagen")

ACTIVITY_TYPE = "bos_activity"
CASE_TYPE = "bos_case"
BUDGET_TYPE = "bos_budget"

#: The catalog metadata column with per-activity monthly figures (see module docstring).
#: Catalog metadata of each case: its dated effort-step changes (journal.effort_step_moves).
STEP_MOVES_COLUMN = "bos_step_moves"
MONTHLY_COLUMN = "bos_monthly_totals"

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

#: Budget status when the forecast reaches this share of the budget (and not above it).
NEAR_BUDGET_PCT = Decimal("95")

#: Cached results older than this are recomputed even when the catalog did not change.
CACHE_SECONDS = 300


# -- monthly figures per activity ---------------------------------------------------------------


def month_key(day):
    return f"{day.year:04d}-{day.month:02d}"


def monthly_totals_for(cost_inputs):
    """Per activity uid the granted and expected amounts per month: ``{uid: {"YYYY-MM": (granted,
    expected)}}`` with decimal strings, months without payments left out.

    ``cost_inputs`` are the ``engine.costs.ActivityCostInput`` of ALL activities of one
    appropriation (``[activities.cost_input(a) for a in activities.activities_of(appr)]``), as
    for ``costs.yearly_totals``: granted counts every payment of a granted activity, expected
    the applicable payments of granted and expected activities, a draft counts in neither, and a
    payment counts with its paid amount in the month of its paid date when known. Summed over a
    year the figures equal the activity's ``bos_yearly_totals`` for that year.
    """
    inputs = list(cost_inputs)
    result = {}
    for activity in inputs:
        months = defaultdict(lambda: [ZERO, ZERO])
        if activity.status is engine_costs.ActivityStatus.GRANTED:
            for payment in activity.payments:
                months[month_key(payment.effective_date)][0] += payment.effective_amount
        if activity.status is not engine_costs.ActivityStatus.DRAFT:
            for payment in engine_costs.applicable_payments(activity, inputs):
                months[month_key(payment.effective_date)][1] += payment.effective_amount
        result[activity.uid] = {
            month: (str(granted), str(expected))
            for month, (granted, expected) in sorted(months.items())
            if granted or expected
        }
    return result


# -- small caches -------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache = {}


def _catalog_stamp():
    catalog = api.portal.get_tool("portal_catalog")
    counter = catalog.getCounter() if hasattr(catalog, "getCounter") else 0
    # The serial of the counter's last committed state: a counter value reached again after an
    # aborted transaction belongs to another state of the catalog.
    serial = getattr(getattr(catalog, "_counter", None), "_p_serial", None)
    portal = api.portal.get()
    path = "/".join(portal.getPhysicalPath())
    return (path, counter, serial, int(time.time() // CACHE_SECONDS))


def _cached(name, key, compute, stamp=None):
    """``compute()`` once per catalog change (and at most CACHE_SECONDS old), per ``key``; or
    once per ``stamp`` when the caller knows better what the result depends on."""
    stamp = stamp or _catalog_stamp()
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


# -- the one pass over the activities ----------------------------------------------------------


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
        from os2bos_plone import activities

        portal = api.portal.get()
        appropriation = portal.unrestrictedTraverse(path, None)
        if appropriation is None:
            return {}
        inputs = [activities.cost_input(a) for a in activities.activities_of(appropriation)]
        return monthly_totals_for(inputs)

    return _cached("appropriation_monthly", path, compute)


# -- titles ---------------------------------------------------------------------------------------


def classification_titles(portal_type):
    """{uid: (key, title)} of every item of a classification type (inactive ones too)."""
    return {
        brain.UID: (brain.bos_key, brain.Title)
        for brain in classification.find_classification(portal_type)
    }


def list_titles(name):
    key_field = classification.LIST_KEYS[name]
    return {row.get(key_field): row.get("title") for row in classification.list_rows(name)}


def user_title(user_id):
    user = api.user.get(userid=user_id)
    if user is None:
        return user_id
    return user.getProperty("fullname") or user_id


# -- budget --------------------------------------------------------------------------------------


def budget_for(year):
    """The budget object of ``year`` (None when management has not made one)."""
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type=BUDGET_TYPE):
        budget = brain._unrestrictedGetObject()
        if getattr(budget, "year", None) == year:
            return budget
    return None


def budget_years():
    catalog = api.portal.get_tool("portal_catalog")
    return sorted(
        {
            getattr(brain._unrestrictedGetObject(), "year", None)
            for brain in catalog.unrestrictedSearchResults(portal_type=BUDGET_TYPE)
        }
        - {None}
    )


def budget_status(budget, forecast):
    """ "over", "near" or "under" (forecast against budget); "none" without a budget."""
    if budget is None:
        return "none"
    if forecast > budget:
        return "over"
    if budget and forecast * HUNDRED >= budget * NEAR_BUDGET_PCT:
        return "near"
    return "under"


def deviation(budget, forecast):
    """(forecast - budget, that in % of the budget or None, forecast in % of the budget)."""
    if budget is None:
        return None, None, None
    difference = forecast - budget
    if not budget:
        return difference, None, None
    return difference, difference * HUNDRED / budget, forecast * HUNDRED / budget


class _Accounts:
    """The account number of an activity: its service's row for the appropriation's section,
    main account for main activities, the supplementary account for supplementary ones."""

    def __init__(self):
        self._rows = {}

    def __call__(self, service_uid, section_key, activity_type):
        if service_uid not in self._rows:
            service = classification.by_uid(service_uid)
            self._rows[service_uid] = {
                row.get("section"): row for row in getattr(service, "sections", None) or []
            }
        row = self._rows[service_uid].get(section_key) or {}
        if activity_type == "supplementary":
            return row.get("supplementary_main_account_number") or row.get("main_account_number")
        return row.get("main_account_number")


def budget_lines(budget, overview, section_keys):
    """Budget against forecast per budget line.

    Each activity group (section, service, activity type) counts on the first line that matches:
    account lines first (the more specific), then section lines; what no line matches is
    returned as ``unbudgeted``. ``section_keys`` maps section UIDs to keys.

    Returns (lines, unbudgeted [granted, expected]); each line a dict with section, account,
    note, budget, granted, expected.
    """
    raw = [dict(line) for line in getattr(budget, "lines", None) or []] if budget else []
    lines = [
        {
            "section": (line.get("section") or "").strip() or None,
            "account": (line.get("account") or "").strip() or None,
            "note": line.get("note") or "",
            "budget": Decimal(str(line.get("amount") or 0)),
            "granted": ZERO,
            "expected": ZERO,
        }
        for line in raw
    ]
    by_account = {}
    by_section = {}
    for line in lines:
        if line["account"]:
            by_account.setdefault(line["account"], line)
        elif line["section"]:
            by_section.setdefault(line["section"], line)
    accounts = _Accounts() if by_account else None
    unbudgeted = [ZERO, ZERO]
    for (section_uid, service_uid, activity_type), (granted, expected) in overview.groups.items():
        section_key = section_keys.get(section_uid)
        line = None
        if accounts is not None and service_uid:
            line = by_account.get(accounts(service_uid, section_key, activity_type))
        if line is None:
            line = by_section.get(section_key)
        target = unbudgeted if line is None else None
        if target is not None:
            target[0] += granted
            target[1] += expected
        else:
            line["granted"] += granted
            line["expected"] += expected
    return lines, unbudgeted


# -- effect (indsatstrappen) --------------------------------------------------------------------


def as_step(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def step_movements(year, today=None):
    """Moves on the indsatstrappe between 1 January of ``year`` and today (or 31 December).

    Returns {"available": bool, "per_step": {step: {"new", "up_into", "down_into", "left",
    "up_from", "down_from"}}, "up": n, "down": n}. A move is a dated change of the case's
    effort step from one step to another; a first step (a new case, or a step set for the first
    time) counts as "new". Read from the catalog column ``bos_step_moves`` (``available`` stays
    for the template: the history is always there).
    """
    today = today or clock.today()

    def count(moves_of_cases):
        """Counts the moves dated within the year (up to today) of [(day, old, new), ...]s."""
        first = date(year, 1, 1).isoformat()
        last = min(today, date(year, 12, 31)).isoformat()
        per_step = defaultdict(lambda: dict.fromkeys(MOVE_KEYS, 0))
        up = down = 0
        for moves in moves_of_cases:
            for day, old, new in moves or ():
                if not first <= day <= last:
                    continue
                old, new = as_step(old), as_step(new)
                if new is None or old == new:
                    continue
                if old is None:
                    per_step[new]["new"] += 1
                elif new > old:
                    up += 1
                    per_step[new]["up_into"] += 1
                    per_step[old]["up_from"] += 1
                    per_step[old]["left"] += 1
                else:
                    down += 1
                    per_step[new]["down_into"] += 1
                    per_step[old]["down_from"] += 1
                    per_step[old]["left"] += 1
        return {"available": True, "per_step": dict(per_step), "up": up, "down": down}

    def compute():
        catalog = api.portal.get_tool("portal_catalog")
        if STEP_MOVES_COLUMN in catalog.schema():
            rows = metadata_rows(catalog, CASE_TYPE, (STEP_MOVES_COLUMN,))
            return count(values[0] for _path, values in rows)
        # A site not yet upgraded to 1002: read every case's history (wakes every case).
        from os2bos_plone.journal import effort_step_moves

        cases = catalog.unrestrictedSearchResults(portal_type=CASE_TYPE)
        return count(effort_step_moves(brain._unrestrictedGetObject()) for brain in cases)

    return _cached("step_movements", (year, today), compute, stamp=_cases_stamp())


def _cases_stamp():
    """What the moves depend on: each case's effort step and modification time (a full reindex
    of a changed case sets it), so saving an activity does not make the cases be read again."""
    catalog = api.portal.get_tool("portal_catalog")
    rows = metadata_rows(catalog, CASE_TYPE, ("UID", "bos_effort_step", "modified"))
    digest = hash(frozenset(values for _path, values in rows))
    portal = api.portal.get()
    hour = int(time.time() // 3600)
    return ("/".join(portal.getPhysicalPath()), "cases", digest, hour)


MOVE_KEYS = ("new", "up_into", "down_into", "left", "up_from", "down_from")


def steps_now(overview):
    """{step or None: [active case uids]}: the children on each step now (closed cases left out)."""
    result = defaultdict(list)
    for info in overview.cases.values():
        if info.state == "closed":
            continue
        result[as_step(info.effort_step)].append(info.uid)
    return dict(result)


# -- demo ------------------------------------------------------------------------------------------

#: Budget = expected x factor, by section in key order: some lines overrun, some are close.
DEMO_BUDGET_FACTORS = (Decimal("0.90"), Decimal("1.15"), Decimal("1.03"), Decimal("1.25"))


def create_demo_budget(portal, year=None, progress=print):
    """A budget for ``year`` (this year) with a line per section that has expected cost, set
    around the forecast so the overview shows overruns and underruns. Idempotent: an existing
    budget for the year is left alone. For the demo loader (demo/__init__.py DEMO_STEPS)."""
    from plone.dexterity.utils import createContentInContainer

    year = year or clock.today().year
    folder = portal.get("budget")
    if folder is None:
        progress("Budget: mappen /budget findes ikke; intet demobudget.")
        return None
    existing = budget_for(year)
    if existing is not None:
        progress(f"Budget {year} findes allerede")
        return existing
    overview = collect(year)
    sections = classification_titles("bos_section")
    expected = defaultdict(lambda: ZERO)
    for (section_uid, _service, _kind), (_granted, amount) in overview.groups.items():
        if section_uid in sections:
            expected[sections[section_uid][0]] += amount
    lines = []
    for number, key in enumerate(sorted(k for k, amount in expected.items() if amount)):
        factor = DEMO_BUDGET_FACTORS[number % len(DEMO_BUDGET_FACTORS)]
        amount = (expected[key] * factor / 1000).quantize(Decimal("1")) * 1000
        lines.append({"section": key, "account": None, "amount": amount, "note": "Demobudget"})
    budget = createContentInContainer(folder, BUDGET_TYPE, year=year, lines=lines)
    progress(f"Budget {year} oprettet med {len(lines)} linjer")
    return budget
