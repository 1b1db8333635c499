"""Subscribers that journal changes of cases and activities (decisions: decisions.journaling)."""

import json
from datetime import date
from decimal import Decimal

from Acquisition import aq_base
from zope.annotation.interfaces import IAnnotations

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_row
from os2bos_plone.content.case import HISTORY_FIELDS
from os2bos_plone.content.case import RELATIONS
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.money import display_money
from os2bos_plone.engine.money import format_machine
from os2bos_plone.journal.entries import HISTORY_FIELD_TITLES
from os2bos_plone.journal.entries import _state_title
from os2bos_plone.journal.entries import _transition_title
from os2bos_plone.journal.history import _reindex_moves
from os2bos_plone.journal.storage import HISTORY_KEY
from os2bos_plone.journal.storage import HistoryRecord
from os2bos_plone.journal.storage import _frozen_json
from os2bos_plone.journal.storage import _log
from os2bos_plone.journal.storage import add_entry
from os2bos_plone.journal.storage import current_actor
from os2bos_plone.journal.storage import plain
from os2bos_plone.payments.figures import _status
from os2bos_plone.payments.figures import activity_figures

CASE_SNAPSHOT_KEY = "os2bos_plone.case_snapshot"


ACTIVITY_SNAPSHOT_ATTR = "_bos_journal_snapshot"


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
            value = format_machine(value)
        values[name] = plain(value)
    return values


def activity_snapshot(activity):
    return {"fields": _field_snapshot(activity), "figures": activity_figures(activity)}


def store_activity_snapshot(activity, snapshot=None):
    activity._bos_journal_snapshot = snapshot or activity_snapshot(activity)


def _describe_value(name, value):

    if value in (None, "", []):
        return "ingen"
    if name in ("start_date", "end_date", "payment_date"):
        return format_date(date.fromisoformat(value))
    if name == "payment_amount":
        return display_money(value)
    if name == "fictive":
        return "ja" if value else "nej"
    if name in ("payment_rate", "service_provider"):
        obj = by_uid(value)
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
        f"som betalt: {display_money(payment.paid_amount)} den {paid_date}.",
        obj=activity,
        comment=payment.note or "",
        amounts={"planned_amount": payment.amount, "paid_amount": payment.paid_amount},
        data={
            "date": payment.date,
            "paid_date": payment.paid_date,
            "payment_id": getattr(payment, "payment_id", ""),
        },
    )


def payments_repriced(activity, event):
    """A changed central rate repriced a granted activity: the old and new yearly totals."""
    case = case_of(activity)
    if case is None:
        return
    years = sorted(set(event.before) | set(event.after))
    zero = Decimal("0")
    parts = [
        f"{year}: {display_money(event.before.get(year, zero))} → "
        f"{display_money(event.after.get(year, zero))}"
        for year in years
        if event.before.get(year, zero) != event.after.get(year, zero)
    ]
    add_entry(
        case,
        "payments_repriced",
        f"Taksten »{event.rate.Title()}« er ændret; de ubetalte betalinger for "
        f"»{activity.Title()}« er genberegnet ({'; '.join(parts)}).",
        obj=activity,
        data={
            "rate": event.rate.UID(),
            "before": {str(year): format_machine(value) for year, value in event.before.items()},
            "after": {str(year): format_machine(value) for year, value in event.after.items()},
        },
    )


#: Case fields journaled (old -> new) without a place in the dated history: the child's identity
#: and the team. {field: (Danish label, journal action)}. The case worker is a history field.
JOURNALED_FIELDS = {
    "cpr_number": ("CPR-nummer", "cpr_number_changed"),
    "title": ("navn", "name_changed"),
    "team": ("team", "team_changed"),
    "related_persons": ("familie", "related_persons_changed"),
}


def mask_cpr(value):
    """A CPR number as the journal's text shows it: the birth date, the rest hidden
    (010118-XXXX). The entry's data keeps the full value."""
    digits = "".join(char for char in str(value or "") if char.isdigit())
    return f"{digits[:6]}-XXXX" if digits else ""


def _family_rows(rows):
    """The family as the journal keeps it: CPR numbers masked, the rest as saved."""
    return [
        {
            "relation": row.get("relation") or "",
            "cpr": mask_cpr(row.get("cpr")),
            "name": row.get("name") or "",
            "related_case": row.get("related_case") or "",
        }
        for row in rows or []
        if isinstance(row, dict)
    ]


def _family_change(old, new):
    """(title, data) of a change of the family, without CPR numbers in clear text."""

    def describe(row):
        relation = RELATIONS.get(row["relation"], row["relation"])
        return f"{relation} {row['cpr']} ({row['name']})"

    before, after = _family_rows(old), _family_rows(new)
    added = [row for row in after if row not in before]
    removed = [row for row in before if row not in after]
    parts = [f"tilføjet {describe(row)}" for row in added]
    parts += [f"fjernet {describe(row)}" for row in removed]
    title = f"Familien er ændret: {'; '.join(parts)}." if parts else "Familien er ændret."
    return title, {"field": "related_persons", "old": before, "new": after}


def _case_values(case):
    return {
        name: plain(getattr(aq_base(case), name, None))
        for name in (*HISTORY_FIELDS, *JOURNALED_FIELDS)
    }


def _describe_case_value(field, value):

    if value in (None, ""):
        return "ingen"
    if field == "case_worker":
        return user_name(value)
    if field == "effort_step":
        row = list_row("effort_steps", value)
        return row["title"] if row else str(value)
    if field == "acting_municipality":
        row = list_row("municipalities", value)
        return row["name"] if row else str(value)
    if field == "cpr_number":
        return mask_cpr(value)
    if field == "team":
        row = list_row("teams", value)
        return (row.get("title") or row.get("name") or str(value)) if row else str(value)
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
        for field in HISTORY_FIELDS:
            value = values.get(field)
            if value not in (None, ""):
                history.append(HistoryRecord(field, None, value, actor=actor))
        add_entry(case, "case_created", f"Sagen {case.sbsys_id or ''} er oprettet.", obj=case)
        _reindex_moves(case)
    _set_case_snapshot(case, values)


def case_modified(case, event):
    """Changes of case worker, effort step, scaling step, assessment comment and acting
    municipality: a dated history record and a journal entry each. Changes of CPR number, name
    and team (JOURNALED_FIELDS): a journal entry each."""
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
    for field, (label, action) in JOURNALED_FIELDS.items():
        # A snapshot older than these fields: nothing to compare (a case older than the family
        # had none, so its family is compared with an empty one).
        if field not in snapshot and field != "related_persons":
            continue
        old, new = snapshot.get(field), values.get(field)
        if old == new or (old in (None, "", []) and new in (None, "", [])):
            continue
        if field == "related_persons":
            title, data = _family_change(old, new)
            add_entry(case, action, title, obj=case, data=data)
            continue
        add_entry(
            case,
            action,
            f"{label[0].upper()}{label[1:]} er ændret fra »{_describe_case_value(field, old)}« "
            f"til »{_describe_case_value(field, new)}«.",
            obj=case,
            data={"field": field, "old": old, "new": new},
        )
    _set_case_snapshot(case, values)
