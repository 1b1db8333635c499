"""The grant planner: what happens when activities on one appropriation are granted.

The Plone side takes a snapshot of the appropriation (:class:`AppropriationSnapshot`), asks
:func:`plan_grant` for a :class:`GrantPlan`, and applies the plan only when it has no errors.
Nothing here changes anything.

A plan says:

* ``errors``: every rule the grant breaks (Danish), not just the first;
* ``granted``: the activities to mark granted (or re-grant): the selected ones plus the
  granted supplementary activities that are re-granted because their main activity is in the
  batch (``pulled_in``), minus those a merge deletes;
* ``end_date_changes``: supplementary end dates capped to the main activity's end;
* ``merges``: how each expected adjustment replaces what it modifies (:class:`AdjustmentMerge`);
* ``deleted``: all activities the merges delete (with their payments).

Applying a plan, in this order: for each merge, copy the payment id from ``payment_id_from``
to the adjustment, delete the ``deleted`` activities, point the adjustment at ``modifies``,
drop payments as described, apply ``set_dates`` to ``modifies``; then apply
``end_date_changes``; then mark ``granted`` as granted with the approval metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

from os2bos_plone.engine.activity_rules import IN_THE_PAST
from os2bos_plone.engine.activity_rules import MSG_ONE_MAIN
from os2bos_plone.engine.activity_rules import NO_START
from os2bos_plone.engine.activity_rules import NOT_GRANTED
from os2bos_plone.engine.activity_rules import OTHER_SERVICE
from os2bos_plone.engine.activity_rules import OTHER_TYPE
from os2bos_plone.engine.activity_rules import SEVERAL
from os2bos_plone.engine.activity_rules import CatalogueRules
from os2bos_plone.engine.activity_rules import SimpleCatalogueRules
from os2bos_plone.engine.activity_rules import adjustment_problems
from os2bos_plone.engine.activity_rules import is_root_main
from os2bos_plone.engine.formatting import format_date

__all__ = [
    "ActivitySnapshot",
    "AdjustmentMerge",
    "AppropriationSnapshot",
    "CatalogueRules",
    "GrantPlan",
    "SimpleCatalogueRules",
    "plan_grant",
]

MAIN = "main"
SUPPLEMENTARY = "supplementary"

DRAFT = "draft"
EXPECTED = "expected"
GRANTED = "granted"

ONE_TIME = "one_time"
RUNNING = "running"
INDIVIDUAL = "individual"

MERGE_ONE_TIME = "one_time"
MERGE_REPLACE = "replace"

_PAYMENT_TYPE_ALIASES = {
    "one_time": ONE_TIME,
    "one_time_payment": ONE_TIME,
    "running": RUNNING,
    "running_payment": RUNNING,
    "individual": INDIVIDUAL,
    "individual_payment": INDIVIDUAL,
}

MSG_NO_ACTIVITIES = "Vælg mindst én ydelse, der skal bevilges."
MSG_OTHER_APPROPRIATION = "Du kan kun bevilge ydelser på samme bevilling"
MSG_NO_MAIN = "Bevillingen har ingen hovedydelse; opret hovedydelsen, før der bevilges."
#: One main activity per appropriation: the same message as a save (engine.activity_rules).
MSG_SEVERAL_MAINS = MSG_ONE_MAIN
MSG_NO_SECTION = "Vælg en paragraf for bevillingen, før der bevilges."
MSG_MAIN_NOT_GRANTED = "Følgeydelser kan først bevilges, når hovedydelsen er bevilget."


@dataclass(frozen=True)
class ActivitySnapshot:
    """What the planner needs to know about one activity (ydelse).

    ``activity_type`` is "main" or "supplementary"; ``status`` "draft", "expected" or
    "granted"; ``payment_type`` "one_time", "running" or "individual" (OS2BOS's upper-case
    spellings are accepted); ``recipient_type`` "internal", "person" or "company";
    ``modifies`` is the uid of the activity an adjustment replaces. ``title`` is only used to
    name the activity in messages.
    """

    uid: str
    activity_type: str
    status: str
    service_id: str
    start_date: date | None = None
    end_date: date | None = None
    payment_type: str = RUNNING
    payment_date: date | None = None
    modifies: str | None = None
    recipient_type: str = "person"
    recipient_name: str = ""
    has_service_provider: bool = False
    individual_payment_count: int = 0
    fictive: bool = False
    title: str = ""
    #: The dates of the stored payments of a running plan, and those of them paid (a merge
    #: must leave what it cuts at least one payment).
    payment_dates: tuple[date, ...] = ()
    paid_dates: tuple[date, ...] = ()

    @property
    def is_main(self) -> bool:
        return self.activity_type == MAIN

    @property
    def is_supplementary(self) -> bool:
        return self.activity_type == SUPPLEMENTARY

    @property
    def payment_kind(self) -> str:
        return _PAYMENT_TYPE_ALIASES.get((self.payment_type or "").strip().lower(), "")

    @property
    def is_one_time(self) -> bool:
        return self.payment_kind == ONE_TIME

    @property
    def is_individual(self) -> bool:
        return self.payment_kind == INDIVIDUAL

    @property
    def is_pending_adjustment(self) -> bool:
        """An adjustment waiting for its grant (not a granted adjustment being re-granted)."""
        return self.status != GRANTED and (self.modifies is not None or self.status == EXPECTED)

    @property
    def effective_start(self) -> date | None:
        """The start date; for a one-time payment without one, the payment date."""
        if self.start_date is None and self.is_one_time:
            return self.payment_date
        return self.start_date

    @property
    def label(self) -> str:
        return (self.title or "").strip() or self.service_id or self.uid


@dataclass(frozen=True)
class AppropriationSnapshot:
    """One appropriation (bevilling): its section key and all its activities."""

    section_key: str | None
    activities: list[ActivitySnapshot] = field(default_factory=list)


@dataclass
class AdjustmentMerge:
    """How one expected adjustment replaces what it modifies, when it is granted.

    * ``kind`` "one_time": the original is a one-time payment; it keeps existing, loses all its
      payments (``drop_all_payments``) and takes the adjustment's dates (``set_dates``).
    * ``kind`` "replace": walking back from the original, every activity that starts on or after
      the adjustment's start is deleted (``deleted``, newest first); the adjustment then
      modifies what is left (``modifies``, ``None`` when nothing is). What is left ends the day
      before the adjustment starts (``set_dates``), if it ran that long; an individual plan
      also loses its payments dated on or after the adjustment's start
      (``drop_payments_from``). A running plan's payments follow its new end date.

    The adjustment takes over the payment id of ``payment_id_from`` (the original).
    ``set_dates`` maps field names ("start_date", "end_date", "payment_date") to the values to
    set on ``modifies``.
    """

    adjustment: str
    original: str
    kind: str
    modifies: str | None
    deleted: tuple[str, ...] = ()
    set_dates: dict[str, date | None] = field(default_factory=dict)
    drop_all_payments: bool = False
    drop_payments_from: date | None = None
    payment_id_from: str = ""


@dataclass
class GrantPlan:
    errors: list[str] = field(default_factory=list)
    granted: list[str] = field(default_factory=list)
    pulled_in: list[str] = field(default_factory=list)
    end_date_changes: dict[str, date | None] = field(default_factory=dict)
    merges: list[AdjustmentMerge] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _quote(activity: ActivitySnapshot) -> str:
    return f"»{activity.label}«"


def _main_end_after_grant(
    activities: list[ActivitySnapshot], selected: list[ActivitySnapshot]
) -> tuple[bool, date | None]:
    """(known, end) of the main activity once the batch is granted.

    A main adjustment in the batch becomes the end of the main chain, so its end date counts.
    Otherwise the latest end among the granted and selected main activities counts, and one
    without an end makes the main activity open-ended (end ``None``). ``known`` is False when
    there is no such main activity at all.
    """
    adjustments = [a for a in selected if a.is_main and a.is_pending_adjustment]
    if adjustments:
        return True, adjustments[-1].end_date
    selected_uids = {a.uid for a in selected}
    mains = [a for a in activities if a.is_main and (a.status == GRANTED or a.uid in selected_uids)]
    if not mains:
        return False, None
    if any(a.end_date is None for a in mains):
        return True, None
    return True, max(a.end_date for a in mains)


def _plan_merge(
    adjustment: ActivitySnapshot,
    original: ActivitySnapshot,
    by_uid: Mapping[str, ActivitySnapshot],
) -> AdjustmentMerge | None:
    if original.is_one_time:
        return AdjustmentMerge(
            adjustment=adjustment.uid,
            original=original.uid,
            kind=MERGE_ONE_TIME,
            modifies=original.uid,
            set_dates={
                "start_date": adjustment.start_date,
                "end_date": adjustment.end_date,
                "payment_date": adjustment.payment_date,
            },
            drop_all_payments=True,
            payment_id_from=original.uid,
        )
    new_start = adjustment.start_date
    if new_start is None:
        return None  # reported as an error; nothing sensible to plan
    deleted: list[str] = []
    current: ActivitySnapshot | None = original
    while (
        current is not None
        and current.start_date is not None
        and new_start <= current.start_date
        and current.uid not in deleted  # guards against a corrupt, circular chain
    ):
        deleted.append(current.uid)
        current = by_uid.get(current.modifies) if current.modifies else None
    merge = AdjustmentMerge(
        adjustment=adjustment.uid,
        original=original.uid,
        kind=MERGE_REPLACE,
        modifies=current.uid if current is not None else None,
        deleted=tuple(deleted),
        payment_id_from=original.uid,
    )
    if current is not None:
        if current.end_date is None or current.end_date >= new_start:
            merge.set_dates["end_date"] = new_start - timedelta(days=1)
        if current.is_individual:
            merge.drop_payments_from = new_start
    return merge


def _cut_leaves_no_payment(merge: AdjustmentMerge, cut: ActivitySnapshot) -> bool:
    """Whether a running plan ended the day before the adjustment keeps none of its payments
    (a monthly plan paying on the 15th, cut to 1-9 January): paid ones always stay."""
    new_end = merge.set_dates.get("end_date")
    if new_end is None or cut.payment_kind != RUNNING or not cut.payment_dates:
        return False
    if cut.paid_dates:
        return False
    return all(day > new_end for day in cut.payment_dates)


def plan_grant(
    appropriation: AppropriationSnapshot,
    selected_uids: Iterable[str],
    rules: CatalogueRules,
    today: date,
) -> GrantPlan:
    """Check a grant of ``selected_uids`` and describe its effects; see the module docstring."""
    plan = GrantPlan()
    errors = plan.errors
    activities = list(appropriation.activities)
    by_uid: dict[str, ActivitySnapshot] = {}
    for activity in activities:
        by_uid.setdefault(activity.uid, activity)

    selected_ids = list(dict.fromkeys(selected_uids))
    if not selected_ids:
        errors.append(MSG_NO_ACTIVITIES)
    if any(uid not in by_uid for uid in selected_ids):
        errors.append(MSG_OTHER_APPROPRIATION)
    selected = [by_uid[uid] for uid in selected_ids if uid in by_uid]

    # The appropriation as a whole.
    roots = [a for a in activities if is_root_main(a)]
    main = roots[0] if roots else None
    if not roots:
        errors.append(MSG_NO_MAIN)
    elif len(roots) > 1:
        errors.append(MSG_SEVERAL_MAINS)
    section = (appropriation.section_key or "").strip()
    if not section:
        errors.append(MSG_NO_SECTION)
    if main is not None and section and not rules.allowed_as_main(section, main.service_id):
        errors.append(f"Hovedydelsen {_quote(main)} kan ikke bevilges efter paragraf {section}.")

    # Which activities the grant covers.
    main_in_batch = any(a.is_main for a in selected)
    adjusted_in_batch = {a.modifies for a in selected if a.is_pending_adjustment and a.modifies}
    superseded = {a.modifies for a in activities if a.status == GRANTED and a.modifies}
    pulled: list[ActivitySnapshot] = []
    if main_in_batch:
        chosen = set(selected_ids)
        pulled = [
            a
            for a in activities
            if a.is_supplementary
            and a.status == GRANTED
            and a.uid not in chosen
            and a.uid not in adjusted_in_batch
            and a.uid not in superseded
        ]
    batch = selected + pulled

    if (
        not main_in_batch
        and any(a.is_supplementary for a in selected)
        and not any(a.is_main and a.status == GRANTED for a in activities)
    ):
        errors.append(MSG_MAIN_NOT_GRANTED)

    # Supplementary activities against the catalogue and the main activity's period.
    main_end_known, main_end = _main_end_after_grant(activities, selected)
    for activity in batch:
        if not activity.is_supplementary:
            continue
        if (
            main is not None
            and section
            and not rules.allowed_as_supplementary(section, activity.service_id, main.service_id)
        ):
            errors.append(
                f"Følgeydelsen {_quote(activity)} kan ikke bevilges efter paragraf {section} "
                f"sammen med hovedydelsen {_quote(main)}."
            )
        start = activity.effective_start
        if main_end_known and main_end is not None and start is not None and start > main_end:
            errors.append(
                f"Følgeydelsen {_quote(activity)} starter {format_date(start)}, "
                f"efter hovedydelsens slutdato {format_date(main_end)}."
            )

    # Each activity that gets granted.
    for activity in batch:
        if activity.is_individual and activity.individual_payment_count <= 0:
            errors.append(
                f"Ydelsen {_quote(activity)} har en individuel betalingsplan uden betalinger."
            )
        if not (activity.recipient_name or "").strip():
            errors.append(f"Ydelsen {_quote(activity)} har ingen betalingsmodtager.")
        recipient_type = (activity.recipient_type or "").strip().lower()
        if recipient_type == "company" and not activity.has_service_provider:
            errors.append(
                f"Ydelsen {_quote(activity)} betales til et firma, "
                "men har ingen leverandør tilknyttet."
            )

    # Expected adjustments (forventede justeringer).
    modifier_count: dict[str, int] = {}
    for activity in activities:
        if activity.modifies:
            modifier_count[activity.modifies] = modifier_count.get(activity.modifies, 0) + 1
    for activity in selected:
        if not activity.is_pending_adjustment:
            continue
        original = by_uid.get(activity.modifies) if activity.modifies else None
        if original is None:
            errors.append(
                f"Den forventede justering {_quote(activity)} har ingen ydelse at justere."
            )
            continue
        problems_before = len(errors)
        problems = adjustment_problems(
            activity,
            original,
            modifier_count.get(original.uid, 0),
            activity.effective_start,
            today,
            original_one_time=original.is_one_time,
        )
        start = activity.effective_start
        messages = {
            NOT_GRANTED: f"Den forventede justering {_quote(activity)} justerer ydelsen "
            f"{_quote(original)}, som ikke er bevilget.",
            SEVERAL: f"Ydelsen {_quote(original)} har mere end én forventet justering.",
            OTHER_SERVICE: f"Den forventede justering {_quote(activity)} skal være samme ydelse "
            f"som {_quote(original)}, den justerer.",
            OTHER_TYPE: f"Den forventede justering {_quote(activity)} skal være samme slags "
            f"ydelse (hoved- eller følgeydelse) som {_quote(original)}.",
            NO_START: f"Den forventede justering {_quote(activity)} mangler en startdato.",
            IN_THE_PAST: f"Den forventede justering {_quote(activity)} starter "
            f"{format_date(start) if start else ''}; startdatoen må ikke ligge før i dag.",
        }
        errors.extend(messages[problem] for problem in problems)
        if len(errors) == problems_before:
            merge = _plan_merge(activity, original, by_uid)
            if merge is not None:
                cut = by_uid.get(merge.modifies) if merge.modifies else None
                if cut is not None and _cut_leaves_no_payment(merge, cut):
                    errors.append(
                        f"Den forventede justering {_quote(activity)} starter "
                        f"{format_date(activity.start_date)}; så har {_quote(cut)} ingen "
                        "betalinger tilbage. Lad justeringen starte efter ydelsens første "
                        f"betaling ({format_date(min(cut.payment_dates))}), eller afslut "
                        "ydelsen i stedet."
                    )
                else:
                    plan.merges.append(merge)

    # Effects on dates.
    deleted: list[str] = []
    touched: set[str] = set()
    for merge in plan.merges:
        deleted.extend(uid for uid in merge.deleted if uid not in deleted)
        if merge.modifies is not None and merge.set_dates:
            touched.add(merge.modifies)
    plan.deleted = deleted
    if main_end_known and main_end is not None:
        for activity in batch:
            if (
                not activity.is_supplementary
                or activity.is_one_time
                or activity.uid in deleted
                or activity.uid in touched
            ):
                continue
            if activity.start_date is not None and activity.start_date > main_end:
                continue  # reported above; capping would put the end before the start
            if activity.end_date is None or activity.end_date > main_end:
                plan.end_date_changes[activity.uid] = main_end

    gone = set(deleted)
    plan.granted = [a.uid for a in batch if a.uid not in gone]
    plan.pulled_in = [a.uid for a in pulled if a.uid not in gone]
    return plan
