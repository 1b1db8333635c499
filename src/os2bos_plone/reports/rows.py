"""The rows of the reports (spec 3.4), produced one appropriation at a time.

The catalog names the activities to report (granted, and for the expected report also
expected); they are visited in path order, so each case and each appropriation is woken once,
its activities' payment stores are read, their rows are yielded, and the objects are turned
back into ghosts before the next appropriation: memory stays flat however large the report.

Rows are lists in the order of ``columns``; each cell goes through ``convert`` (identity by
default: Decimals, dates, bools, ints and text), and the cells that are the same for every
payment of an activity are converted once per activity.

* payments: the *applicable* payments (spec 2.4) of granted and expected activities
  (``expected``), or every payment of granted activities (``granted``), whose paid date, else
  date, is on or after 1 January two years before this year. Effort and scaling step are the
  case's values at the end of that day, from the case's dated history; a day before the first
  record gets the earliest known value.
* cases: one row per dated change of the history of each case with granted or expected
  activities (the changes one save made are one row: OS2BOS kept a snapshot per save), with the case
  worker, effort step, scaling step and acting municipality as they were then.
"""

from bisect import bisect_right
from datetime import date
from decimal import Decimal

from Acquisition import aq_base
from BTrees.IIBTree import IITreeSet
from BTrees.IIBTree import intersection
from plone import api
from Products.CMFCore.indexing import processQueue

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.engine import accounts
from os2bos_plone.engine import clock
from os2bos_plone.engine import costs
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.prices import parse_price_rows
from os2bos_plone.journal.history import case_history
from os2bos_plone.journal.storage import LOCAL_TIMEZONE
from os2bos_plone.payments.accounts import ActivityAccount
from os2bos_plone.payments.accounts import alias_table
from os2bos_plone.payments.accounts import payment_account
from os2bos_plone.payments.accounts import section_accounts
from os2bos_plone.payments.store import release_every
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.reports.columns import CASE_COLUMNS
from os2bos_plone.reports.columns import PAYMENT_COLUMNS
from os2bos_plone.reports.columns import PAYMENT_INDEX
from os2bos_plone.settings import read as read_settings

#: The activity states each payments report covers.
KINDS = {"expected": ("granted", "expected"), "granted": ("granted",)}

#: Case fields kept in the dated history that the reports show as they were.
STEP_FIELDS = ("effort_step", "scaling_step")
HISTORICAL = ("case_worker", "effort_step", "scaling_step", "acting_municipality")

#: The payments report's columns that differ between the payments of one activity, in column
#: order (Cells.payment_maker).
VARIABLE = (
    "id",
    "amount",
    "paid_amount",
    "date",
    "paid_date",
    "account_string",
    "account_alias",
    "price_per_unit",
    "effort_step",
    "scaling_step",
    "note",
)
VARIABLE_POSITIONS = tuple(PAYMENT_INDEX[name] for name in VARIABLE)


def cutoff(today=None):
    """The first day a payments report covers: 1 January of (this year - 2)."""
    today = today or clock.today()
    return date(today.year - 2, 1, 1)


def _identity(value):
    return value


def _release(obj):
    """Turn an unchanged persistent object back into a ghost (its state leaves memory)."""
    if obj is not None and getattr(obj, "_p_jar", None) is not None and not obj._p_changed:
        obj._p_deactivate()


class Stats:
    """What a run produced: rows, and the cases they came from (for the read audit log)."""

    def __init__(self):
        self.rows = 0
        self.cases = 0


class Cells:
    """How a report's rows come out: by default lists of cells, each through ``convert``.

    A payments report makes one row per payment, and most of a row is the same for every
    payment of an activity: ``payment_maker(template)`` is given the activity's row (converted
    cells; the :data:`VARIABLE` columns None) and returns a function that makes a row from the
    converted cells of the :data:`VARIABLE` columns, in that order. A file format can build
    its text of the fixed cells once per activity (reports.files.CsvCells)."""

    def __init__(self, convert=_identity):
        self.convert = convert
        #: converts a Decimal (a format may have a quicker way than ``convert``)
        self.decimal = convert

    def row(self, cells):
        return cells

    def payment_maker(self, template):
        positions = VARIABLE_POSITIONS

        def make(values):
            row = template.copy()
            for position, value in zip(positions, values, strict=True):
                row[position] = value
            return row

        return make


# -- lookups -----------------------------------------------------------------------------------


class Lookups:
    """The regelmotor's small lists and classification objects, read once per report."""

    def __init__(self):
        self.municipalities = {str(r.get("code")): r.get("name") for r in _rows("municipalities")}
        self.target_groups = {r.get("key"): r.get("title") for r in _rows("target_groups")}
        self.efforts = {r.get("key"): r.get("title") for r in _rows("efforts")}
        self.teams = {r.get("key"): r for r in _rows("teams")}
        self.categories = {
            str(r.get("category_id")): r.get("title") for r in _rows("activity_categories")
        }
        self.settings = read_settings()
        self.aliases = alias_table()
        self._objects = {}
        self._rates = {}
        self._accounts = {}

    def obj(self, uid):
        if not uid:
            return None
        if uid not in self._objects:
            self._objects[uid] = by_uid(uid)
        return self._objects[uid]

    def account(self, activity, main, section_key):
        """The activity's live ActivityAccount (payments.accounts.activity_account's rule),
        with the classification read once per service and section."""
        supplementary = _field(activity, "activity_type") == "supplementary"
        source = main if supplementary else activity
        recipient_type = _field(activity, "recipient_type")
        payment_method = _field(activity, "payment_method")
        service_uid = _field(source, "service") if source is not None else None
        key = (service_uid, section_key, supplementary, recipient_type, payment_method)
        found = self._accounts.get(key)
        if found is None:
            account = None
            if source is not None:
                row = section_accounts(self.obj(service_uid), section_key)
                account = accounts.activity_account(row, supplementary)
            settings = self.settings
            found = self._accounts[key] = ActivityAccount(
                account_number=accounts.account_number(account),
                account_string=accounts.account_string(
                    account,
                    recipient_type,
                    payment_method,
                    settings.account_department,
                    settings.account_kind,
                    settings.account_unknown,
                ),
                account_alias=accounts.account_alias(account, self.aliases),
            )
        return found

    def rate_history(self, uid):
        if uid not in self._rates:
            rate = self.obj(uid)
            self._rates[uid] = rate.price_history() if rate is not None else None
        return self._rates[uid]

    def municipality(self, code):
        if code in (None, ""):
            return None
        return self.municipalities.get(str(code), str(code))

    def case_values(self, case):
        """The case's cells that do not depend on a date or a history record."""
        team = self.teams.get(getattr(case, "team", None)) or {}
        parents = _parents(case)
        return {
            "cpr_number": getattr(case, "cpr_number", None),
            "case_sbsys_id": getattr(case, "sbsys_id", None),
            "name": getattr(case, "title", None),
            "target_group": self.target_groups.get(getattr(case, "target_group", None))
            or getattr(case, "target_group", None),
            "case_worker": getattr(case, "case_worker", None),
            "team": team.get("title") or getattr(case, "team", None),
            "leader": team.get("leader") or None,
            "efforts": ", ".join(
                self.efforts.get(key) or key for key in getattr(case, "efforts", None) or []
            ),
            "effort_step": getattr(case, "effort_step", None),
            "scaling_step": getattr(case, "scaling_step", None),
            "paying_municipality": self.municipality(getattr(case, "paying_municipality", None)),
            "acting_municipality": self.municipality(getattr(case, "acting_municipality", None)),
            "residence_municipality": self.municipality(
                getattr(case, "residence_municipality", None)
            ),
            "mother_cpr": parents.get("mor"),
            "father_cpr": parents.get("far"),
        }


def _field(obj, name):
    """A field of a content object: from its state when set (a plain dict read), else as
    Dexterity gives it (the schema's default); the reports read dozens per activity."""
    base = aq_base(obj)
    if getattr(base, "_p_jar", None) is not None and base._p_changed is None:
        base._p_activate()
    try:
        return base.__dict__[name]
    except KeyError:
        return getattr(obj, name, None)


def _rows(name):
    return [row for row in list_rows(name) if isinstance(row, dict)]


def _parents(case):
    """{"mor": cpr, "far": cpr}: the first related person of each relation (the field may be
    missing on a case made before the family was recorded)."""
    found = {}
    for person in getattr(case, "related_persons", None) or []:
        if not isinstance(person, dict):
            continue
        relation = person.get("relation")
        if relation in ("mor", "far") and relation not in found:
            found[relation] = person.get("cpr") or None
    return found


# -- the case's history -------------------------------------------------------------------------


def _local_day(when):
    when = when if when.tzinfo else when.replace(tzinfo=LOCAL_TIMEZONE)
    return when.astimezone(LOCAL_TIMEZONE).date()


class StepsAsOf:
    """A case's effort and scaling step at the end of a day, from its dated history."""

    def __init__(self, case, history):
        self._fields = {}
        for field in STEP_FIELDS:
            records = [record for record in history if record["field"] == field]
            if not records:
                self._fields[field] = ((), (), getattr(case, field, None))
                continue
            first = records[0]["old"] if records[0]["old"] is not None else records[0]["new"]
            days = tuple(_local_day(record["time"]) for record in records)
            values = tuple(record["new"] for record in records)
            self._fields[field] = (days, values, first)
        self._memo = {}

    def value(self, field, day):
        days, values, first = self._fields[field]
        if not days:
            return first
        index = bisect_right(days, day)
        return values[index - 1] if index else first

    def by_change(self, convert):
        """(change days, cells): the converted (effort step, scaling step) at the end of a
        day ``day`` is ``cells[bisect_right(change days, day)]``."""
        days = sorted({day for field in STEP_FIELDS for day in self._fields[field][0]})
        cells = [tuple(convert(self._fields[field][2]) for field in STEP_FIELDS)]
        cells += [tuple(convert(v) for v in self.on(day)) for day in days]
        return days, cells

    def on(self, day):
        """(effort step, scaling step) at the end of ``day``."""
        found = self._memo.get(day)
        if found is None:
            found = self._memo[day] = tuple(self.value(field, day) for field in STEP_FIELDS)
        return found


# -- walking the catalog ----------------------------------------------------------------------


def _grouped_paths(states):
    """([(case path, [(appropriation id, {activity ids})])] of the activities in ``states``,
    in path order; {activity path: review state} of every activity)."""
    state_of = activity_states()
    cases = {}
    for path in sorted(path for path, state in state_of.items() if state in states):
        appropriation_path, activity_id = path.rsplit("/", 1)
        case_path, appropriation_id = appropriation_path.rsplit("/", 1)
        cases.setdefault(case_path, {}).setdefault(appropriation_id, set()).add(activity_id)
    return [(case_path, list(grants.items())) for case_path, grants in cases.items()], state_of


def _rids(index, value):
    """The record ids an index holds under ``value`` as a set (a FieldIndex keeps a single
    record as a bare int)."""
    found = index._index.get(value)
    if found is None:
        return IITreeSet()
    return IITreeSet((found,)) if isinstance(found, int) else found


def activity_states():
    """{activity path: review state} of every activity, read from the catalog's indexes and
    paths only. A search's brains would each carry the activity's whole metadata record (its
    yearly and monthly totals): at 48,000 activities that alone is about 450 MB."""
    # The catalog's queued reindexing first, as a search does before it reads.
    processQueue()
    catalog = api.portal.get_tool("portal_catalog")._catalog
    activities = _rids(catalog.getIndex("portal_type"), ACTIVITY_TYPE)
    paths = catalog.paths
    state_of = {}
    states = catalog.getIndex("review_state")
    for state in list(states._index.keys()):
        for rid in intersection(activities, _rids(states, state)):
            state_of[paths[rid]] = state
    return state_of


def _traverse(portal, path):
    return portal.unrestrictedTraverse(path, None)


#: Appropriations between two emptyings of the object cache: each emptying also drops what
#: every appropriation needs again (the case folder's tree, the classification), so not every
#: few; 200 appropriations' activities and payment stores are a few tens of MB.
GC_EVERY = 200


def _gc(portal, counter):
    # Minimise, not just GC: a cache of 30,000 activities with their payment stores is what
    # made the process grow by ~110 MB over a large report. A report only reads, so every
    # object is unchanged and comes back from the database when it is needed again.
    release_every(portal, counter, every=GC_EVERY)


# -- the payments report ------------------------------------------------------------------------


class _Memo(dict):
    """{key: function(key)}, each computed once (a converted date, a day's steps)."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


def payment_rows(kind="expected", today=None, convert=_identity, stats=None, cells=None):
    """The rows of the payments report ``kind`` ("expected" or "granted"), in the order of
    :data:`PAYMENT_COLUMNS`, as a generator; ``cells`` (a :class:`Cells`) makes them, else
    lists of cells through ``convert``."""
    cells = cells if cells is not None else Cells(convert)
    convert = cells.convert
    # The same day is converted the same way in every row of the report.
    dates = _Memo(convert)
    states = KINDS[kind]
    first_day = cutoff(today)
    stats = stats if stats is not None else Stats()
    lookups = Lookups()
    portal = api.portal.get()
    counter = 0
    grouped, state_of = _grouped_paths(states)
    for case_path, grants in grouped:
        case = _traverse(portal, case_path)
        if case is None:
            continue
        history = case_history(case)
        steps = StepsAsOf(case, history)
        step_cells = steps.by_change(convert)
        case_cells = lookups.case_values(case)
        produced = 0
        for appropriation_id, selected in grants:
            appropriation = case._getOb(appropriation_id, None)
            if appropriation is None:
                continue
            counter += 1
            context = (kind, states, first_day, lookups, case_cells, step_cells, cells, state_of)
            context += (dates,)
            for row in _appropriation_rows(appropriation, selected, context):
                produced += 1
                yield row
            _release(appropriation)
            _gc(portal, counter)
        if produced:
            stats.cases += 1
            stats.rows += produced
        _release(case)


def _appropriation_rows(appropriation, selected, context):
    kind, states, first_day, lookups, case_cells, _steps, _cells, state_of, _dates = context
    activities = [
        obj for obj in appropriation.objectValues() if _field(obj, "portal_type") == ACTIVITY_TYPE
    ]
    prefix = "/".join(appropriation.getPhysicalPath()) + "/"
    inputs = []
    for activity in activities:
        status = state_of.get(prefix + activity.getId(), "draft")
        modifies = _field(activity, "modifies") or None
        # The payments count only for an activity reported, or one that modifies another (its
        # payments cut the applicable payments of what it modifies): another's payment store
        # is not read (most of a report's time is reading payment stores).
        reported = status in states and activity.getId() in selected
        inputs.append(
            costs.ActivityCostInput(
                uid=activity.UID(),
                status=status,
                payment_type=PaymentType(_field(activity, "payment_type")),
                modifies=modifies,
                payments=stored_payments(activity) if reported or modifies else [],
            )
        )
    main = next(
        (
            a
            for a in activities
            if _field(a, "activity_type") == "main" and not _field(a, "modifies")
        ),
        None,
    )
    main_service = lookups.obj(_field(main, "service")) if main is not None else None
    section = lookups.obj(_field(appropriation, "section"))
    section_key = getattr(section, "key", None)
    common = {
        "section": section_key,
        "section_text": getattr(section, "title", None),
        "sbsys_id": _field(appropriation, "sbsys_id"),
        "main_activity_id": getattr(main_service, "service_id", None),
        "main_activity_name": getattr(main_service, "title", None),
        **case_cells,
    }
    for activity, data in zip(activities, inputs, strict=True):
        if activity.getId() not in selected or data.status not in states:
            continue
        payments = costs.applicable_payments(data, inputs) if kind == "expected" else data.payments
        # Payment.effective_date, inlined: it is asked of every stored payment.
        chosen = [
            p for p in payments if (p.date if p.paid_date is None else p.paid_date) >= first_day
        ]
        if chosen:
            live = lookups.account(activity, main, section_key)
            yield from _activity_rows(activity, data, chosen, common, live, context)
    for activity in activities:
        _release(getattr(aq_base(activity), "_bos_payments", None))
        _release(activity)


def _price_history(activity, lookups):
    cost_type = _field(activity, "payment_cost_type")
    if cost_type == "rate":
        return lookups.rate_history(_field(activity, "payment_rate"))
    if cost_type == "per_unit":
        history, _errors = parse_price_rows(list(_field(activity, "payment_prices") or []))
        return history
    return None


def _activity_rows(activity, data, payments, common, live, context):
    _kind, _states, _first, lookups, _case, step_cells, cells, _state_of, dates = context
    convert = cells.convert
    service = lookups.obj(_field(activity, "service"))
    account = None
    category_id = None
    if live.account_number and "-" in live.account_number:
        account = live.account_number
        category_id = account.rsplit("-", 1)[1] or None
    if category_id is None:
        category_id = getattr(service, "activity_category", None) or None
    one_time = _field(activity, "payment_type") == "one_time"
    values = {
        **common,
        "payment_schedule__payment_id": _field(activity, "payment_id"),
        "payment_schedule__payment_amount": _field(activity, "payment_amount"),
        "payment_schedule__payment_frequency": _field(activity, "payment_frequency"),
        "recipient_type": _field(activity, "recipient_type"),
        "recipient_id": _field(activity, "recipient_id"),
        "recipient_name": _field(activity, "recipient_name"),
        "payment_method": _field(activity, "payment_method"),
        "payment_cost_type": _field(activity, "payment_cost_type"),
        "units": _field(activity, "payment_units"),
        "fictive": bool(_field(activity, "fictive")),
        "activity__details__activity_id": getattr(service, "service_id", None),
        "activity__details__name": getattr(service, "title", None),
        "activity_start_date": _field(activity, "payment_date")
        if one_time
        else _field(activity, "start_date"),
        "activity_end_date": _field(activity, "payment_date")
        if one_time
        else _field(activity, "end_date"),
        "activity_status": str(data.status),
        "activity_type": _field(activity, "activity_type"),
        "activity_category__category_id": category_id,
        "activity_category__name": lookups.categories.get(str(category_id))
        if category_id
        else None,
        "approval_level": _field(activity, "approval_level"),
        "approval_user": _field(activity, "approval_user"),
        "appropriation_date": _field(activity, "appropriation_date"),
    }
    template = [convert(values.get(name)) if name in values else None for name in PAYMENT_COLUMNS]
    make = cells.payment_maker(template)
    prices = _price_history(activity, lookups)
    price_cells = _Memo(lambda day: convert(prices.amount_on(day))) if prices else None
    no_price = convert(None)
    plain_decimal = cells.decimal
    plan_id = _field(activity, "payment_id") or ""
    accounts = {}
    plain_ids = {}
    change_days, step_pairs = step_cells
    for payment in payments:
        day = payment.date
        payment_id = payment.payment_id or plan_id
        plain = plain_ids.get(payment_id)
        if plain is None:
            # A payment's id is its plan's id and an ISO date: when the plan's id needs no
            # conversion, neither does the id (most rows of the report).
            sample = f"{payment_id}-2000-01-01"
            plain = plain_ids[payment_id] = convert(sample) == sample
        text_id = f"{payment_id}-{day.isoformat()}"
        amount = payment.amount
        key = (payment.saved_account_string, payment.saved_account_alias)
        pair = accounts.get(key)
        if pair is None:
            string, alias = payment_account(payment, live)
            pair = accounts[key] = (convert(string), convert(alias))
        paid_date = payment.paid_date
        paid_amount = payment.paid_amount
        note = payment.note
        effort, scaling = step_pairs[bisect_right(change_days, paid_date or day)]
        yield make(
            (
                text_id if plain else convert(text_id),
                plain_decimal(amount) if amount.__class__ is Decimal else convert(amount),
                convert(paid_amount) if paid_amount is not None else no_price,
                dates[day],
                dates[paid_date],
                pair[0],
                pair[1],
                price_cells[day] if price_cells is not None else no_price,
                effort,
                scaling,
                convert(note) if note else no_price,
            )
        )


# -- the cases report ---------------------------------------------------------------------------


def case_rows(convert=_identity, stats=None, cells=None):
    """The rows of the cases report, in the order of :data:`CASE_COLUMNS`, as a generator;
    ``cells`` (a :class:`Cells`) makes them, else lists of cells through ``convert``."""
    cells = cells if cells is not None else Cells(convert)
    convert = cells.convert
    stats = stats if stats is not None else Stats()
    lookups = Lookups()
    portal = api.portal.get()
    grouped, _states = _grouped_paths(KINDS["expected"])
    for counter, (case_path, _grants) in enumerate(grouped, start=1):
        case = _traverse(portal, case_path)
        if case is None:
            continue
        stats.cases += 1
        for row in _history_rows(case, lookups):
            stats.rows += 1
            yield cells.row([convert(value) for value in row])
        _release(case)
        _gc(portal, counter)


#: Records of one save are written one after another; this far apart they are one moment.
SAVE_SECONDS = 2


def _moments(history):
    """The history records grouped by the save that made them, oldest first: consecutive
    records of the same user within a few seconds, each field at most once."""
    groups = []
    for record in history:
        if groups:
            when, records = groups[-1]
            if (
                record["actor"] == records[0]["actor"]
                and abs((record["time"] - when).total_seconds()) <= SAVE_SECONDS
                and record["field"] not in {r["field"] for r in records}
            ):
                records.append(record)
                continue
        groups.append((record["time"], [record]))
    return groups


def _history_rows(case, lookups):
    values = lookups.case_values(case)
    uid = case.UID()
    history = case_history(case)
    state = {}
    for field in HISTORICAL:
        records = [record for record in history if record["field"] == field]
        state[field] = records[0]["old"] if records else getattr(case, field, None)

    def row(number, when):
        cells = {
            **values,
            "id": uid,
            "history_id": number,
            "history_date": when,
            "case_worker": state["case_worker"],
            "effort_step": state["effort_step"],
            "scaling_step": state["scaling_step"],
            "acting_municipality": lookups.municipality(state["acting_municipality"]),
        }
        return [cells.get(name) for name in CASE_COLUMNS]

    moments = _moments(history)
    if not moments:
        created = case.created()
        yield row(0, created.asdatetime().astimezone(LOCAL_TIMEZONE).replace(tzinfo=None))
        return
    for number, (when, records) in enumerate(moments, start=1):
        for record in records:
            state[record["field"]] = record["new"]
        local = when if when.tzinfo else when.replace(tzinfo=LOCAL_TIMEZONE)
        yield row(number, local.astimezone(LOCAL_TIMEZONE).replace(tzinfo=None, microsecond=0))
