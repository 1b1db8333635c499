"""The case journal: an append-only record of everything decided and changed in a case.

Storage
    Each case holds, in an annotation, an :class:`AppendOnlyLog` of immutable
    :class:`JournalEntry` records (the design of opengever's journal: an annotation on the
    object, written by event subscribers). A second log on the case keeps the dated history of
    the responsibility and assessment fields (:data:`os2bos_plone.content.case.HISTORY_FIELDS`),
    read through :func:`case_history`.

Append-only
    :func:`add_entry` is the only way in. There is no API, view or REST endpoint that edits or
    deletes an entry, for anyone, Manager included: the log refuses item assignment, deletion
    and attribute changes, and an entry refuses attribute changes and hands out copies of its
    dicts. The only way to alter a journal is to edit the ZODB directly (a Zope debug console
    run by the system administrator), which is outside the application and its audit trail.

Subscribers (journal.zcml)
    * workflow transitions of activities and cases (comment from the workflow history);
    * grant decisions (:class:`os2bos_plone.events.IActivitiesGranted`): one entry per decision
      with the appropriation letter (``letters.py``) linked, and one per merged adjustment;
    * submissions (:class:`os2bos_plone.events.IActivitiesSubmitted`);
    * changes to a granted activity's plan or end date, compared with a snapshot of the plan
      fields kept on the activity and refreshed after each write;
    * payments marked paid (:func:`notify_payment_paid`, fired by the paid-marking code);
    * changes of case worker, effort step, scaling step, assessment comment and acting
      municipality (also kept as the case's dated history).

Entry classes are pickled into the ZODB under their module path: do not move or rename them.
"""

import json
import uuid
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from BTrees.IOBTree import IOBTree
from persistent import Persistent
from plone import api
from plone.uuid.interfaces import IUUID
from zope.annotation.interfaces import IAnnotations
from zope.event import notify
from zope.interface import Attribute
from zope.interface import implementer
from zope.interface.interfaces import IObjectEvent
from zope.interface.interfaces import ObjectEvent

from os2bos_plone import logger
from os2bos_plone.content.case import HISTORY_FIELDS
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import format_money

JOURNAL_KEY = "os2bos_plone.journal"
HISTORY_KEY = "os2bos_plone.case_history"
CASE_SNAPSHOT_KEY = "os2bos_plone.case_snapshot"
ACTIVITY_SNAPSHOT_ATTR = "_bos_journal_snapshot"
CASE_TYPE = "bos_case"
ACTIVITY_TYPE = "bos_activity"
APPROPRIATION_TYPE = "bos_appropriation"
LOCAL_TIMEZONE = ZoneInfo("Europe/Copenhagen")

#: Danish names of the journal's actions (the view's "Handling" column).
ACTION_TITLES = {
    "case_created": "Sag oprettet",
    "case_close": "Sag afsluttet",
    "case_reopen": "Sag genåbnet",
    "activity_submit": "Indstillet",
    "activity_grant": "Bevilget",
    "activity_reject": "Afvist",
    "activities_submitted": "Indstilling til godkendelse",
    "activities_granted": "Bevillingsafgørelse",
    "adjustment_merged": "Forventet justering bevilget",
    "activity_plan_changed": "Betalingsplan ændret",
    "payment_paid": "Betaling registreret",
    "letter_recreated": "Bevillingsskrivelse dannet igen",
    "case_worker_changed": "Ny sagsbehandler",
    "effort_step_changed": "Nyt trin på indsatstrappen",
    "scaling_step_changed": "Nyt trin på skaleringstrappen",
    "assessment_comment_changed": "Ny vurdering",
    "acting_municipality_changed": "Ny handlekommune",
}

#: Danish labels of the amount keys (``<name>_before`` / ``<name>_after`` or just ``<name>``).
AMOUNT_LABELS = {
    "per_payment": "Beløb pr. betaling",
    "this_year": "Omkostninger i år",
    "total": "Omkostninger i alt",
    "annual": "Årlig udgift",
    "granted_this_year": "Bevilget i år (bevillingen)",
    "planned_amount": "Planlagt beløb",
    "paid_amount": "Betalt beløb",
}

#: Danish names of the case history fields.
HISTORY_FIELD_TITLES = {
    "case_worker": "sagsbehandler",
    "effort_step": "trin på indsatstrappen",
    "scaling_step": "trin på skaleringstrappen",
    "assessment_comment": "vurdering",
    "acting_municipality": "handlekommune",
}


class JournalImmutableError(TypeError):
    """Raised on any attempt to change or remove a journal entry."""


MSG_IMMUTABLE = "Journalen kan kun tilføjes; en indførsel kan ikke ændres eller slettes."


# -- plain values -------------------------------------------------------------------------------


def plain(value):
    """A JSON-ready copy: dates ISO strings, Decimals strings, tuples/sets lists."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def decimal_string(value):
    """ "500.00" for an amount (Decimal, int or numeric string); None stays None."""
    if value is None or value == "":
        return None
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    if amount == 0:
        amount = abs(amount)
    return f"{amount:f}"


def _frozen_json(value):
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False)


# -- storage ------------------------------------------------------------------------------------


class _Immutable:
    """Instances refuse attribute assignment and deletion once built."""

    def __setattr__(self, name, value):
        raise JournalImmutableError(MSG_IMMUTABLE)

    def __delattr__(self, name):
        raise JournalImmutableError(MSG_IMMUTABLE)


class JournalEntry(_Immutable):
    """One journal entry. Dict-valued fields are stored as JSON and read as fresh copies, so
    nothing a caller does to them reaches the stored entry."""

    def __init__(
        self,
        action,
        title,
        actor="",
        actor_name="",
        time=None,
        obj=None,
        comment="",
        amounts=None,
        letter=None,
        data=None,
        entry_id=None,
    ):
        values = {
            "id": entry_id or uuid.uuid4().hex,
            "time": time or datetime.now(UTC),
            "actor": actor or "",
            "actor_name": actor_name or actor or "",
            "action": action,
            "title": title,
            "comment": comment or "",
            "letter": letter or None,
            "_object": _frozen_json(obj or {}),
            "_amounts": _frozen_json(amounts or {}),
            "_data": _frozen_json(data or {}),
        }
        self.__dict__.update(values)

    @property
    def object(self):
        return json.loads(self._object)

    @property
    def amounts(self):
        return json.loads(self._amounts)

    @property
    def data(self):
        return json.loads(self._data)

    @property
    def local_time(self):
        """The time in Europe/Copenhagen (stored in UTC)."""
        return self.time.astimezone(LOCAL_TIMEZONE)

    def as_dict(self):
        return {
            "id": self.id,
            "time": self.time,
            "actor": self.actor,
            "actor_name": self.actor_name,
            "action": self.action,
            "title": self.title,
            "object": self.object,
            "comment": self.comment,
            "amounts": self.amounts,
            "letter": self.letter,
            "data": self.data,
        }

    def __repr__(self):
        return f"<JournalEntry {self.action} {self.time.isoformat()} {self.title!r}>"


class HistoryRecord(_Immutable):
    """One dated change of a case field: {time, actor, field, old, new}."""

    def __init__(self, field, old, new, actor="", time=None):
        self.__dict__.update(
            {
                "time": time or datetime.now(UTC),
                "actor": actor or "",
                "field": field,
                "old": plain(old),
                "new": plain(new),
            }
        )

    def as_dict(self):
        return {
            "time": self.time,
            "actor": self.actor,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


class AppendOnlyLog(Persistent):
    """A persistent sequence that can only grow: records are appended, never replaced, reordered
    or removed. Reading is by iteration (oldest first), :meth:`newest` or ``len``."""

    def __init__(self):
        Persistent.__setattr__(self, "_records", IOBTree())

    def __setattr__(self, name, value):
        if name.startswith(("_p_", "_v_")):
            return Persistent.__setattr__(self, name, value)
        raise JournalImmutableError(MSG_IMMUTABLE)

    def __delattr__(self, name):
        if name.startswith(("_p_", "_v_")):
            return Persistent.__delattr__(self, name)
        raise JournalImmutableError(MSG_IMMUTABLE)

    def append(self, record):
        records = self._records
        key = records.maxKey() + 1 if len(records) else 0
        if not records.insert(key, record):  # never overwrites
            raise JournalImmutableError(MSG_IMMUTABLE)
        return record

    def __len__(self):
        return len(self._records)

    def __iter__(self):
        return iter(self._records.values())

    def newest(self, limit=None):
        """Records newest first, at most ``limit``."""
        records = self._records
        if not len(records):
            return []
        result = []
        key = records.maxKey()
        while key >= 0 and (limit is None or len(result) < limit):
            record = records.get(key)
            if record is not None:
                result.append(record)
            key -= 1
        return result

    def _refuse(self, *args, **kwargs):
        raise JournalImmutableError(MSG_IMMUTABLE)

    __setitem__ = __delitem__ = _refuse
    insert = remove = pop = clear = extend = update = edit = delete = _refuse
    sort = reverse = replace = _refuse


def _log(case, key, create=False):
    annotations = IAnnotations(case)
    log = annotations.get(key)
    if log is None and create:
        log = annotations[key] = AppendOnlyLog()
    return log


# -- context helpers ----------------------------------------------------------------------------


def case_of(obj):
    """The case an object lives in (the object itself for a case), or None."""
    current = aq_inner(obj)
    while current is not None:
        if getattr(aq_base(current), "portal_type", None) == CASE_TYPE:
            return current
        current = aq_parent(current)
    return None


def appropriation_of(obj):
    current = aq_inner(obj)
    while current is not None:
        portal_type = getattr(aq_base(current), "portal_type", None)
        if portal_type == APPROPRIATION_TYPE:
            return current
        if portal_type == CASE_TYPE:
            return None
        current = aq_parent(current)
    return None


def current_actor():
    """(user id, full name) of the user acting now."""
    user = api.user.get_current()
    if user is None:
        return "", ""
    user_id = user.getId() or user.getUserName() or ""
    return user_id, user_name(user_id)


def user_name(user_id):
    """The full name of a user id, or the id itself."""
    if not user_id:
        return ""
    member = api.user.get(userid=user_id)
    name = member.getProperty("fullname", "") if member is not None else ""
    return name or user_id


def object_info(case, obj):
    """{uid, path (relative to the case), title, portal_type} of an object in the case."""
    if obj is None:
        return {}
    case_path = case.getPhysicalPath()
    path = obj.getPhysicalPath()
    relative = "/".join(path[len(case_path) :]) if path[: len(case_path)] == case_path else ""
    title = obj.Title() if callable(getattr(obj, "Title", None)) else getattr(obj, "title", "")
    return {
        "uid": IUUID(obj, None),
        "path": relative,
        "title": title or "",
        "portal_type": getattr(aq_base(obj), "portal_type", ""),
    }


# -- the API ------------------------------------------------------------------------------------


def add_entry(case, action, title, obj=None, comment="", amounts=None, letter=None, data=None):
    """Append an entry to the case's journal and return it.

    ``amounts`` maps stable keys (see :data:`AMOUNT_LABELS`) to amounts, stored as decimal
    strings; ``letter`` is the UID of a letter File; ``data`` a plain dict (e.g. the decision
    behind a letter, enough to re-create it).
    """
    if case is None:
        raise ValueError("a journal entry needs a case")
    actor, actor_name = current_actor()
    entry = JournalEntry(
        action=action,
        title=title,
        actor=actor,
        actor_name=actor_name,
        obj=object_info(case, obj),
        comment=comment,
        amounts={key: decimal_string(value) for key, value in (amounts or {}).items()},
        letter=letter,
        data=data,
    )
    return _log(case, JOURNAL_KEY, create=True).append(entry)


def entries(case, limit=None):
    """The case's journal entries, newest first (nothing is written when there are none)."""
    log = _log(case, JOURNAL_KEY)
    return log.newest(limit) if log is not None else []


def entries_total(case):
    """How many entries the case's journal holds."""
    log = _log(case, JOURNAL_KEY)
    return len(log) if log is not None else 0


def entry_by_id(case, entry_id):
    log = _log(case, JOURNAL_KEY)
    for entry in log or ():
        if entry.id == entry_id:
            return entry
    return None


def case_history(case):
    """The dated history of the case's responsibility and assessment fields, oldest first:
    a list of {time (UTC datetime), actor, field, old, new}."""
    log = _log(case, HISTORY_KEY)
    return [record.as_dict() for record in log or ()]


def effort_step_moves(case):
    """((local date "YYYY-MM-DD", old step, new step), ...) of the case's effort-step changes,
    oldest first: what the effect overview counts, small enough for catalog metadata."""
    moves = []
    for record in _log(case, HISTORY_KEY) or ():
        if record.field != "effort_step" or record.time is None:
            continue
        when = record.time if record.time.tzinfo else record.time.replace(tzinfo=LOCAL_TIMEZONE)
        day = when.astimezone(LOCAL_TIMEZONE).date().isoformat()
        moves.append((day, record.old, record.new))
    return tuple(moves)


def _reindex_moves(case):
    # The catalog keeps the moves as metadata (bos_step_moves); a search that flushed the
    # indexing queue before the history changed would otherwise leave them stale.
    from os2bos_plone.activities import reindex_metadata

    reindex_metadata(case)


def history_as_of(case, field, when):
    """The value of a history field at the end of ``when`` (a date), from the history; the
    earliest known value when ``when`` is before the first record (spec 3.4)."""
    records = [record for record in case_history(case) if record["field"] == field]
    if not records:
        return getattr(case, field, None)
    value = records[0]["old"] if records[0]["old"] is not None else records[0]["new"]
    for record in records:
        if record["time"].astimezone(LOCAL_TIMEZONE).date() <= when:
            value = record["new"]
    return value


# -- payment paid: the event the paid-marking code fires --------------------------------------


class IPaymentPaid(IObjectEvent):
    """A payment of an activity (the event's object) was registered as paid."""

    payment = Attribute("The engine Payment, as stored after marking it paid")


@implementer(IPaymentPaid)
class PaymentPaid(ObjectEvent):
    def __init__(self, activity, payment):
        super().__init__(activity)
        self.payment = payment


def notify_payment_paid(activity, payment):
    """Tell the journal that ``payment`` (the stored, paid engine Payment) of ``activity`` was
    marked paid. Called by the paid-marking code after the payment is stored."""
    notify(PaymentPaid(activity, payment))


# -- formatting helpers -------------------------------------------------------------------------


def _translate_plone(msgid):
    from zope.i18n import translate

    if not msgid:
        return ""
    return translate(msgid, domain="plone", target_language="da", default=msgid)


def _state_title(workflow, state_id):
    state = workflow.states.get(state_id) if state_id else None
    return _translate_plone(state.title or state_id) if state is not None else (state_id or "")


def _transition_title(workflow, transition_id):
    transition = workflow.transitions.get(transition_id) if transition_id else None
    if transition is None:
        return transition_id or ""
    return _translate_plone(transition.title or transition_id)


def _money(value):
    return format_money(Decimal(value)) if value not in (None, "") else "–"


def _status(obj):
    return api.content.get_state(obj, default=None)


# -- figures of an activity ---------------------------------------------------------------------


def activity_figures(activity, today=None):
    """{per_payment, this_year, total, annual} of an activity from its plan and stored payments
    (per_payment None for an individual plan)."""
    from os2bos_plone import activities
    from os2bos_plone.engine import costs
    from os2bos_plone.engine import payments as engine_payments

    today = today or clock.today()
    per_payment = annual = None
    try:
        plan = activities.plan_of(activity, activity)
        annual = costs.annual_cost(plan, today)
        if activity.payment_type == "one_time":
            per_payment = engine_payments.per_payment_amount(plan, plan.payment_date or today)
        elif activity.payment_type != "individual":
            start = plan.start_date
            reference = start if start is not None and start > today else today
            per_payment = engine_payments.per_payment_amount(plan, reference)
    except Exception:  # noqa: BLE001 - an incomplete plan has no figures, the entry still goes
        logger.debug("no plan figures for %s", activity.absolute_url(), exc_info=True)
    this_year = sum(
        (
            payment.effective_amount
            for payment in activities.stored_payments(activity)
            if payment.effective_date.year == today.year
        ),
        Decimal("0"),
    )
    return {
        "per_payment": decimal_string(per_payment),
        "this_year": decimal_string(this_year),
        "total": decimal_string(activities.total_cost_of(activity)),
        "annual": decimal_string(annual),
    }


# -- subscribers: workflow transitions ----------------------------------------------------------


def transition_succeeded(obj, event):
    """Every workflow transition of an activity or a case."""
    if event.action is None:
        return
    case = case_of(obj)
    if case is None:
        return
    workflow = event.workflow
    history = list((getattr(aq_base(obj), "workflow_history", None) or {}).get(workflow.id, ()))
    last = history[-1] if history else {}
    from_state = history[-2].get("review_state") if len(history) > 1 else None
    to_state = last.get("review_state") or _status(obj)
    comment = last.get("comments") or ""
    transition = _transition_title(workflow, event.action)
    is_activity = getattr(aq_base(obj), "portal_type", None) == ACTIVITY_TYPE
    kind = "activity" if is_activity else "case"
    if is_activity:
        appropriation = appropriation_of(obj)
        where = f" på bevilling {appropriation.Title()}" if appropriation is not None else ""
        subject = f"Ydelsen »{obj.Title()}«{where}"
    else:
        subject = f"Sagen {getattr(obj, 'sbsys_id', '') or obj.Title()}"
    title = (
        f"{subject}: {transition} (fra »{_state_title(workflow, from_state)}« "
        f"til »{_state_title(workflow, to_state)}«)."
    )
    amounts = {}
    if is_activity:
        figures = activity_figures(obj)
        if to_state == "granted":
            amounts = {
                "per_payment": figures["per_payment"],
                "this_year_before": "0",
                "this_year_after": figures["this_year"],
                "total": figures["total"],
            }
        elif to_state == "expected":
            amounts = {"per_payment": figures["per_payment"], "annual": figures["annual"]}
    data = {
        "transition": event.action,
        "transition_title": transition,
        "workflow": workflow.id,
        "from": from_state,
        "to": to_state,
    }
    add_entry(
        case,
        f"{kind}_{event.action}",
        title,
        obj=obj,
        comment=comment,
        amounts={key: value for key, value in amounts.items() if value is not None},
        data=data,
    )
    if is_activity and to_state == "granted":
        store_activity_snapshot(obj, {"fields": _field_snapshot(obj), "figures": figures})


# -- subscribers: changes to a granted activity -------------------------------------------------

#: The fields of a granted activity whose changes are journaled, with Danish names.
PLAN_FIELDS = {
    "start_date": "startdato",
    "end_date": "slutdato",
    "payment_type": "betalingstype",
    "payment_frequency": "betalingsfrekvens",
    "payment_day_of_month": "betalingsdag",
    "payment_date": "betalingsdato",
    "payment_cost_type": "afregningsenhed",
    "payment_amount": "beløb",
    "payment_units": "antal enheder",
    "payment_rate": "takst",
    "payment_prices": "priser",
    "individual_payments": "individuelle betalinger",
    "service_provider": "leverandør",
    "fictive": "fiktiv",
}


def _field_snapshot(activity):
    values = {}
    for name in PLAN_FIELDS:
        value = getattr(aq_base(activity), name, None)
        if name in ("payment_prices", "individual_payments"):
            value = _frozen_json([dict(row) for row in value or []])
        elif name == "fictive":
            value = bool(value)
        elif isinstance(value, Decimal):
            value = decimal_string(value)
        values[name] = plain(value)
    return values


def activity_snapshot(activity):
    return {"fields": _field_snapshot(activity), "figures": activity_figures(activity)}


def store_activity_snapshot(activity, snapshot=None):
    activity._bos_journal_snapshot = snapshot or activity_snapshot(activity)


def _describe_value(name, value):
    from os2bos_plone import classification

    if value in (None, "", []):
        return "ingen"
    if name in ("start_date", "end_date", "payment_date"):
        return format_date(date.fromisoformat(value))
    if name == "payment_amount":
        return _money(value)
    if name == "fictive":
        return "ja" if value else "nej"
    if name in ("payment_rate", "service_provider"):
        obj = classification.by_uid(value)
        return obj.title if obj is not None else value
    if name in ("payment_prices", "individual_payments"):
        return f"{len(json.loads(value))} rækker"
    return str(value)


def activity_modified(activity, event):
    """A granted activity's plan or end date changed: journal old -> new and the figures."""
    if _status(activity) != "granted":
        return
    case = case_of(activity)
    if case is None:
        return
    old = getattr(aq_base(activity), ACTIVITY_SNAPSHOT_ATTR, None)
    new = activity_snapshot(activity)
    if old is None:
        store_activity_snapshot(activity, new)
        return
    changes = {
        name: (old["fields"].get(name), value)
        for name, value in new["fields"].items()
        if old["fields"].get(name) != value
    }
    if not changes:
        if old["figures"] != new["figures"]:
            store_activity_snapshot(activity, new)
        return
    parts = [
        f"{PLAN_FIELDS[name]} {_describe_value(name, before)} → {_describe_value(name, after)}"
        for name, (before, after) in changes.items()
    ]
    amounts = {}
    for key in ("per_payment", "this_year", "total"):
        before, after = old["figures"].get(key), new["figures"].get(key)
        if before != after:
            amounts[f"{key}_before"] = before
            amounts[f"{key}_after"] = after
    what = "Slutdatoen" if set(changes) == {"end_date"} else "Betalingsplanen"
    add_entry(
        case,
        "activity_plan_changed",
        f"{what} for den bevilgede ydelse »{activity.Title()}« er ændret: {'; '.join(parts)}.",
        obj=activity,
        amounts=amounts,
        data={"changes": {name: list(pair) for name, pair in changes.items()}},
    )
    store_activity_snapshot(activity, new)


# -- subscribers: grant decisions and submissions ----------------------------------------------


def _activity_line(activity, figures):
    kind = "hovedydelse" if activity.activity_type == "main" else "følgeydelse"
    parts = []
    if figures.get("per_payment") is not None:
        parts.append(f"{_money(figures['per_payment'])} pr. betaling")
    parts.append(f"{_money(figures['this_year'])} i år")
    parts.append(f"{_money(figures['total'])} i alt")
    return f"»{activity.Title()}« ({kind}: {', '.join(parts)})"


def _decision_value(decision, name):
    return (decision or {}).get(name) or ""


def _merge_entries(case, appropriation, decision):
    from os2bos_plone import activities

    by_uid = {IUUID(a): a for a in activities.activities_of(appropriation)}
    for merge in (decision or {}).get("merges") or []:
        merge = merge if isinstance(merge, dict) else vars(merge)
        adjustment = merge.get("adjustment")
        original = merge.get("original")
        adjustment = (
            by_uid.get(adjustment, adjustment) if isinstance(adjustment, str) else adjustment
        )
        original_obj = by_uid.get(original) if isinstance(original, str) else original
        if adjustment is None or isinstance(adjustment, str):
            continue
        figures = activity_figures(adjustment)
        original_title = original_obj.Title() if original_obj is not None else adjustment.Title()
        start = format_date(adjustment.start_date or adjustment.payment_date)
        amounts = {
            "per_payment_after": figures["per_payment"],
            "this_year_after": figures["this_year"],
        }
        if original_obj is not None:  # a merge ends the original; its price is unchanged
            amounts["per_payment_before"] = activity_figures(original_obj)["per_payment"]
        add_entry(
            case,
            "adjustment_merged",
            f"Den forventede justering af »{original_title}« fra {start} er bevilget og afløser "
            f"den hidtidige bevilling ({merge.get('kind') or 'justering'}).",
            obj=adjustment,
            amounts={key: value for key, value in amounts.items() if value is not None},
            data=plain(merge),
        )


def activities_granted(event):
    """A grant decision: the merged adjustments, the letter, and one entry for the decision."""
    from os2bos_plone import letters

    appropriation = event.appropriation
    case = case_of(appropriation)
    if case is None:
        return
    decision = dict(event.decision or {})
    _merge_entries(case, appropriation, decision)
    granted = list(event.activities or [])
    letter_uid = None
    comment = _decision_value(decision, "approval_note")
    try:
        letter, data = letters.create_letter(appropriation, granted, decision)
        letter_uid = IUUID(letter)
    except Exception:  # noqa: BLE001 - the grant stands; the decision data can re-create it
        logger.exception("The appropriation letter of %s failed", appropriation.absolute_url())
        data = {"decision": plain(decision)}
        comment = f"{comment} (Bevillingsskrivelsen kunne ikke dannes.)".strip()
    figures = {IUUID(a): activity_figures(a) for a in granted}
    lines = [_activity_line(a, figures[IUUID(a)]) for a in granted]
    level = _decision_value(decision, "approval_level_title") or _decision_value(
        decision, "approval_level"
    )
    level_text = f" på niveauet »{level}«" if level else ""
    title = (
        f"Bevilling {appropriation.Title()} er bevilget{level_text}: {', '.join(lines)}."
        if lines
        else f"Bevilling {appropriation.Title()} er bevilget{level_text}."
    )
    total_this_year = sum((Decimal(f["this_year"] or "0") for f in figures.values()), Decimal("0"))
    total = sum((Decimal(f["total"] or "0") for f in figures.values()), Decimal("0"))
    data = dict(data)
    data["granted"] = [{"uid": uid, **values} for uid, values in figures.items()]
    add_entry(
        case,
        "activities_granted",
        title,
        obj=appropriation,
        comment=comment,
        amounts={
            "this_year": total_this_year,
            "total": total,
            "granted_this_year": data.get("total_this_year"),
        },
        letter=letter_uid,
        data=data,
    )


def activities_submitted(event):
    """Activities were submitted for approval at a required level."""
    appropriation = event.appropriation
    case = case_of(appropriation)
    if case is None:
        return
    level = event.required_level
    level_title = getattr(level, "title", None) or str(level or "")
    lines = []
    annual = Decimal("0")
    for activity in event.activities or []:
        figures = activity_figures(activity)
        annual += Decimal(figures["annual"] or "0")
        lines.append(f"»{activity.Title()}« ({_money(figures['annual'])} årligt)")
    add_entry(
        case,
        "activities_submitted",
        f"Indstillet til godkendelse på niveauet »{level_title}« (bevilling "
        f"{appropriation.Title()}): {', '.join(lines)}.",
        obj=appropriation,
        comment=event.comment or "",
        amounts={"annual": annual},
        data={
            "required_level": getattr(level, "key", None),
            "required_level_title": level_title,
            "activities": [IUUID(a) for a in event.activities or []],
        },
    )


# -- subscribers: payments ----------------------------------------------------------------------


def payment_paid(activity, event):
    case = case_of(activity)
    if case is None:
        return
    payment = event.payment
    paid_date = format_date(payment.paid_date) if payment.paid_date else "ukendt dato"
    add_entry(
        case,
        "payment_paid",
        f"Betalingen planlagt {format_date(payment.date)} for »{activity.Title()}« er registreret "
        f"som betalt: {_money(payment.paid_amount)} den {paid_date}.",
        obj=activity,
        comment=payment.note or "",
        amounts={"planned_amount": payment.amount, "paid_amount": payment.paid_amount},
        data={
            "date": payment.date,
            "paid_date": payment.paid_date,
            "payment_id": getattr(payment, "payment_id", ""),
        },
    )


# -- subscribers: the case's responsibility and assessment fields -------------------------------


def _case_values(case):
    return {name: plain(getattr(aq_base(case), name, None)) for name in HISTORY_FIELDS}


def _describe_case_value(field, value):
    from os2bos_plone import classification

    if value in (None, ""):
        return "ingen"
    if field == "case_worker":
        return user_name(value)
    if field == "effort_step":
        row = classification.list_row("effort_steps", value)
        return row["title"] if row else str(value)
    if field == "acting_municipality":
        row = classification.list_row("municipalities", value)
        return row["name"] if row else str(value)
    return str(value)


def _set_case_snapshot(case, values):
    annotations = IAnnotations(case)
    if annotations.get(CASE_SNAPSHOT_KEY) != values:
        annotations[CASE_SNAPSHOT_KEY] = dict(values)


def case_added(case, event):
    """A new case: its first values start the history."""
    values = _case_values(case)
    actor, _name = current_actor()
    history = _log(case, HISTORY_KEY, create=True)
    if not len(history):
        for field, value in values.items():
            if value not in (None, ""):
                history.append(HistoryRecord(field, None, value, actor=actor))
        add_entry(case, "case_created", f"Sagen {case.sbsys_id or ''} er oprettet.", obj=case)
        _reindex_moves(case)
    _set_case_snapshot(case, values)


def case_modified(case, event):
    """Changes of case worker, effort step, scaling step, assessment comment and acting
    municipality: a dated history record and a journal entry each."""
    values = _case_values(case)
    snapshot = IAnnotations(case).get(CASE_SNAPSHOT_KEY)
    if snapshot is None:  # a case made before the journal existed: start its history now
        case_added(case, event)
        return
    actor, _name = current_actor()
    history = _log(case, HISTORY_KEY, create=True)
    for field in HISTORY_FIELDS:
        old, new = snapshot.get(field), values.get(field)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        history.append(HistoryRecord(field, old, new, actor=actor))
        label = HISTORY_FIELD_TITLES[field]
        if field == "assessment_comment":
            title = "Vurderingen af sagen er ændret."
            comment = new or ""
        else:
            title = (
                f"{label[0].upper()}{label[1:]} er ændret fra »{_describe_case_value(field, old)}« "
                f"til »{_describe_case_value(field, new)}«."
            )
            comment = ""
        add_entry(
            case,
            f"{field}_changed",
            title,
            obj=case,
            comment=comment,
            data={"field": field, "old": old, "new": new},
        )
        if field == "effort_step":
            _reindex_moves(case)
    _set_case_snapshot(case, values)
