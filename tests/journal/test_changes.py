"""Changes to granted activities, payments marked paid and case responsibility are journaled."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

from plone import api
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.decisions.adjustment import create_adjustment
from os2bos_plone.engine import clock
from os2bos_plone.journal.history import case_history
from os2bos_plone.journal.history import history_as_of
from os2bos_plone.journal.storage import entries
from os2bos_plone.payments.events import notify_payment_paid
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import stored_payments
from tests.builders import CHILD_NAME
from tests.builders import entries_with
from tests.builders import internal_main_fields
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import this_year


def _granted(portal, **fields):
    case = make_case(portal)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **internal_main_fields(**fields))
    api.content.transition(obj=activity, transition="grant")
    return case, activity


def test_end_date_change_of_a_granted_activity(manager):
    case, activity = _granted(manager)
    assert activity._bos_journal_snapshot["figures"]["this_year"] == "120000.00"
    activity.end_date = date(this_year(), 6, 30)
    notify(ObjectModifiedEvent(activity))
    [entry] = entries_with(case, "activity_plan_changed")
    assert entry.title.startswith("Slutdatoen for den bevilgede ydelse »")
    assert f"31. december {this_year()} → 30. juni {this_year()}" in entry.title
    assert entry.data["changes"]["end_date"] == [
        date(this_year(), 12, 31).isoformat(),
        date(this_year(), 6, 30).isoformat(),
    ]
    assert entry.amounts["this_year_before"] == "120000.00"
    assert entry.amounts["this_year_after"] == "60000.00"
    assert "per_payment_before" not in entry.amounts  # the price did not change


def test_amount_change_records_per_payment_before_and_after(manager):
    case, activity = _granted(
        manager,
        start_date=date(this_year() + 1, 1, 1),
        end_date=date(this_year() + 1, 12, 31),
    )
    activity.payment_amount = Decimal("12000")
    notify(ObjectModifiedEvent(activity))
    [entry] = entries_with(case, "activity_plan_changed")
    assert entry.title.startswith("Betalingsplanen for den bevilgede ydelse")
    assert "10.000,00 kr. → 12.000,00 kr." in entry.title
    assert entry.amounts["per_payment_before"] == "10000.00"
    assert entry.amounts["per_payment_after"] == "12000.00"
    assert entry.amounts["total_before"] == "120000.00"
    assert entry.amounts["total_after"] == "144000.00"
    # a save without a change to the plan writes nothing
    notify(ObjectModifiedEvent(activity))
    assert len(entries_with(case, "activity_plan_changed")) == 1


def test_changes_to_drafts_are_not_journaled(manager):
    case = make_case(manager)
    activity = make_activity(make_appropriation(case), **main_fields())
    activity.end_date = date(this_year(), 6, 30)
    notify(ObjectModifiedEvent(activity))
    assert entries_with(case, "activity_plan_changed") == []


def test_payment_marked_paid(manager):
    case, activity = _granted(manager)
    day = stored_payments(activity)[0].date
    paid = mark_paid(
        activity, day, "9500", day.isoformat(), note="Faktura 17", user_id="test_user_1_"
    )
    if not entries_with(case, "payment_paid"):  # until the paid-marking code fires it itself
        notify_payment_paid(activity, paid)
    [entry] = entries_with(case, "payment_paid")
    assert entry.amounts == {"planned_amount": str(paid.amount), "paid_amount": "9500.00"}
    assert entry.comment == "Faktura 17"
    assert "9.500,00 kr." in entry.title
    assert entry.object["uid"] == activity.UID()
    assert entry.data["date"] == day.isoformat()


def test_case_worker_and_effort_step_history(manager):
    from os2bos_plone.security.users import create_user

    create_user("j_anne", "secret-pw-123", fullname="Anne Andersen")
    create_user("j_bo", "secret-pw-123", fullname="Bo Berg")
    case = make_case(manager, case_worker="j_anne")
    first = case_history(case)
    assert {(r["field"], r["old"], r["new"]) for r in first} >= {
        ("case_worker", None, "j_anne"),
        ("effort_step", None, 3),
        ("scaling_step", None, 5),
        ("acting_municipality", None, "151"),
    }
    case.case_worker = "j_bo"
    case.effort_step = 4
    notify(ObjectModifiedEvent(case))
    history = case_history(case)
    changes = history[len(first) :]
    assert [(r["field"], r["old"], r["new"]) for r in changes] == [
        ("case_worker", "j_anne", "j_bo"),
        ("effort_step", 3, 4),
    ]
    assert all(r["actor"] == "test_user_1_" for r in changes)
    assert all(r["time"].tzinfo is not None for r in changes)
    [worker] = entries_with(case, "case_worker_changed")
    assert worker.title == "Sagsbehandler er ændret fra »Anne Andersen« til »Bo Berg«."
    [step] = entries_with(case, "effort_step_changed")
    assert step.title.startswith("Trin på indsatstrappen er ændret fra »Trin 3")
    # unchanged saves add nothing
    notify(ObjectModifiedEvent(case))
    assert len(case_history(case)) == len(history)
    # the value on a date, for reports
    assert history_as_of(case, "effort_step", clock.today()) == 4
    assert history_as_of(case, "effort_step", date(2000, 1, 1)) == 3


def test_assessment_and_acting_municipality(manager):
    case = make_case(manager)
    case.assessment_comment = "Trives bedre i skolen"
    case.acting_municipality = "101"
    notify(ObjectModifiedEvent(case))
    [assessment] = entries_with(case, "assessment_comment_changed")
    assert assessment.comment == "Trives bedre i skolen"
    [municipality] = entries_with(case, "acting_municipality_changed")
    assert municipality.title == "Handlekommune er ændret fra »Ballerup« til »København«."


def test_granted_adjustment_is_merged_and_journaled(manager):
    from os2bos_plone.engine.payments import add_months
    from tests.builders import grant_decision

    case = make_case(manager)
    appropriation = make_appropriation(case)
    original = make_activity(
        appropriation,
        **internal_main_fields(
            end_date=date(this_year() + 1, 12, 31),
        ),
    )
    grant_decision(appropriation, [original])
    start = add_months(clock.today().replace(day=1), 1)
    adjustment = create_adjustment(
        original, {"start_date": start.isoformat(), "payment_amount": "12000"}
    )
    grant_decision(
        appropriation,
        [adjustment],
        merges=[{"adjustment": adjustment.UID(), "original": original.UID(), "kind": "replace"}],
    )
    [merged] = entries_with(case, "adjustment_merged")
    assert merged.object["uid"] == adjustment.UID()
    assert merged.amounts["per_payment_before"] == "10000.00"
    assert merged.amounts["per_payment_after"] == "12000.00"
    assert original.Title() in merged.title
    # the original now ends the day before the adjustment starts: journaled as a plan change
    [ended] = entries_with(case, "activity_plan_changed")
    assert ended.object["uid"] == original.UID()
    assert ended.data["changes"]["end_date"][1] == (start - timedelta(days=1)).isoformat()
    # the decision comes last, with both activities in its letter
    decision = entries(case)[0]
    assert decision.action == "activities_granted"
    titles = [(item["uid"], item["updated"]) for item in decision.data["activities"]]
    assert (adjustment.UID(), True) in titles


def test_cpr_number_name_team_and_case_worker_changes_are_journaled(manager):
    from os2bos_plone.security.users import create_user

    create_user("j_cecilie", "secret-pw-123", fullname="Cecilie Carlsen")
    create_user("j_dan", "secret-pw-123", fullname="Dan Dahl")
    case = make_case(manager, case_worker="j_cecilie", team="familie_oest")
    history_before = case_history(case)
    case.cpr_number = "020218-4321"
    case.title = "Åse Ødegård"
    case.team = "familie_vest"
    case.case_worker = "j_dan"
    notify(ObjectModifiedEvent(case))
    [cpr] = entries_with(case, "cpr_number_changed")
    assert cpr.title == "CPR-nummer er ændret fra »010118-XXXX« til »020218-XXXX«."
    assert "1234" not in cpr.title and "4321" not in cpr.title
    assert cpr.data == {"field": "cpr_number", "old": "010118-1234", "new": "020218-4321"}
    assert cpr.object["uid"] == case.UID()
    assert cpr.actor == "test_user_1_"
    [name] = entries_with(case, "name_changed")
    assert name.title == f"Navn er ændret fra »{CHILD_NAME}« til »Åse Ødegård«."
    assert name.data == {"field": "title", "old": CHILD_NAME, "new": "Åse Ødegård"}
    [team] = entries_with(case, "team_changed")
    assert team.title == (
        "Team er ændret fra »Familierådgivning Øst« til »Familierådgivning Vest«."
    )
    assert team.data == {"field": "team", "old": "familie_oest", "new": "familie_vest"}
    [worker] = entries_with(case, "case_worker_changed")
    assert worker.title == "Sagsbehandler er ændret fra »Cecilie Carlsen« til »Dan Dahl«."
    # only the case worker is a history field; identity and team are journaled only
    added = case_history(case)[len(history_before) :]
    assert [(r["field"], r["old"], r["new"]) for r in added] == [
        ("case_worker", "j_cecilie", "j_dan")
    ]
    # unchanged saves add nothing
    total = len(entries(case))
    notify(ObjectModifiedEvent(case))
    assert len(entries(case)) == total


def test_a_case_from_before_identity_journaling_starts_without_false_entries(manager):
    from zope.annotation.interfaces import IAnnotations

    from os2bos_plone.journal.handlers import CASE_SNAPSHOT_KEY

    case = make_case(manager)
    annotations = IAnnotations(case)
    # the snapshot as the code before this change stored it: history fields only
    annotations[CASE_SNAPSHOT_KEY] = {
        key: value
        for key, value in annotations[CASE_SNAPSHOT_KEY].items()
        if key not in ("cpr_number", "title", "team")
    }
    notify(ObjectModifiedEvent(case))
    assert not entries_with(case, "cpr_number_changed")
    assert not entries_with(case, "name_changed")
    case.cpr_number = "020218-4321"
    notify(ObjectModifiedEvent(case))
    [cpr] = entries_with(case, "cpr_number_changed")
    assert cpr.data["old"] == "010118-1234"
