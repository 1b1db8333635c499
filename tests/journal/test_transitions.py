"""Workflow transitions of activities and cases are journaled."""

from plone import api

from os2bos_plone.journal.storage import entries
from tests.builders import entries_with
from tests.builders import internal_main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case


def test_case_creation_is_journaled(manager):
    case = make_case(manager)
    [entry] = entries_with(case, "case_created")
    assert case.sbsys_id in entry.title


def test_activity_transitions(manager):
    case = make_case(manager)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **internal_main_fields())
    api.content.transition(obj=activity, transition="submit", comment="Kræver teamleder")
    [submitted] = entries_with(case, "activity_submit")
    assert submitted.comment == "Kræver teamleder"
    assert submitted.data["from"] == "draft"
    assert submitted.data["to"] == "expected"
    assert submitted.object["uid"] == activity.UID()
    assert submitted.object["path"] == f"{appropriation.getId()}/{activity.getId()}"
    assert submitted.title == (
        f"Ydelsen »{activity.Title()}« på bevilling {appropriation.sbsys_id}: Indstil "
        "(fra »Kladde« til »Forventet (afventer godkendelse)«)."
    )
    assert submitted.amounts["per_payment"] == "10000.00"

    api.content.transition(obj=activity, transition="reject", comment="Mangler handleplan")
    [rejected] = entries_with(case, "activity_reject")
    assert rejected.comment == "Mangler handleplan"
    assert (rejected.data["from"], rejected.data["to"]) == ("expected", "draft")

    api.content.transition(obj=activity, transition="grant")
    [granted] = entries_with(case, "activity_grant")
    assert granted.data["to"] == "granted"
    assert granted.amounts["this_year_before"] == "0.00"
    assert granted.amounts["this_year_after"] == "120000.00"
    assert granted.amounts["per_payment"] == "10000.00"
    assert granted.title.endswith(": Bevilg (fra »Kladde« til »Bevilget«).")
    # newest first
    actions = [entry.action for entry in entries(case)]
    assert actions.index("activity_grant") < actions.index("activity_reject")
    assert actions.index("activity_reject") < actions.index("activity_submit")


def test_case_close_and_reopen(manager):
    case = make_case(manager)
    api.content.transition(obj=case, transition="close", comment="Barnet er flyttet")
    [closed] = entries_with(case, "case_close")
    assert closed.comment == "Barnet er flyttet"
    assert (closed.data["from"], closed.data["to"]) == ("active", "closed")
    assert "Afslut" in closed.title
    api.content.transition(obj=case, transition="reopen")
    assert entries_with(case, "case_reopen")
