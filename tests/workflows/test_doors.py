"""One door for a decision: @bos-grant / @bos-submit, @workflow/<transition> on the activity, the
grant view and a bare transition (the state menu, a script) have the same checks and effects.

The services are called in process (their reply()), so the journal, the letters and the
MockMailHost can be compared directly; tests/workflows/test_workflow_rest.py goes over HTTP."""

import json

import pytest
from plone import api
from plone.app.testing import TEST_USER_NAME
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five.browser import BrowserView
from zope.globalrequest import getRequest

from os2bos_plone.engine.approval import RejectRule
from os2bos_plone.journal.storage import entries
from os2bos_plone.security.users import create_user
from os2bos_plone.services.grant import GrantPost
from os2bos_plone.services.grant import SubmitPost
from os2bos_plone.services.workflow.transition import ActivityWorkflowTransition
from tests.browser.test_grant_views import post
from tests.builders import internal_main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import parsed

NOTE = "Bevilget på teammødet"
APPROVAL_FIELDS = (
    "approval_level",
    "approval_note",
    "approval_user",
    "appropriation_date",
    "required_approval_level",
    "meeting_date",
    "decision_reference",
    "decision_text",
)


@pytest.fixture
def people(manager):
    """The case worker and the team leader of familie_oest, both with an e-mail address."""
    create_user("d_worker", "secret-pw-123", fullname="Karin Sagsbehandler", email="k@x.example")
    create_user("d_leader", "secret-pw-123", fullname="Lars Teamleder", email="l@x.example")
    regelmotor = manager["regelmotor"]
    regelmotor.teams = [
        dict(row, leader="d_leader") if row["key"] == "familie_oest" else row
        for row in regelmotor.teams
    ]
    return manager


def new_activity(portal):
    """A case with an appropriation and one draft main activity of 120.000 kr. this year (the
    seed rules want the team leader's level for it)."""
    case = make_case(portal, case_worker="d_worker", team="familie_oest")
    appropriation = make_appropriation(case)
    return case, appropriation, make_activity(appropriation, **internal_main_fields())


def call(service_class, context, body, transition=None):
    """(status, answer) of a REST service called in process with a JSON body."""
    request = getRequest()
    request.set("BODY", json.dumps(body).encode())
    request.response.setStatus(200)
    # plone:service builds the view class this way (plone.rest.zcml.serviceDirective)
    service = type(service_class.__name__, (service_class, BrowserView), {})(context, request)
    if transition is not None:
        service.transition = transition
    answer = service.reply()
    return request.response.getStatus(), answer


def take_bare(activity, transition, **kwargs):
    """A transition outside the operations, as the state menu takes it (plone.api would hide
    the refusal's message behind its own)."""
    api.portal.get_tool("portal_workflow").doActionFor(activity, transition, **kwargs)


def outcome(case, appropriation, activity, mails_before, mailhost):
    """Everything a decision leaves behind, with the appropriation's own id masked.
    ``mails_before``: how many mails were sent before the decision."""
    sbsys_id = appropriation.sbsys_id
    mails = sorted(
        (to, subject.replace(sbsys_id, "<bevilling>"))
        for to, subject, _body in (parsed(message) for message in mailhost.messages[mails_before:])
    )
    return {
        "state": api.content.get_state(activity),
        "approval": {name: getattr(activity, name, None) for name in APPROVAL_FIELDS},
        "journal": [entry.action for entry in entries(case)],
        "letters": len(api.content.find(context=case, portal_type="bos_letter")),
        "mails": mails,
    }


# -- grant ----------------------------------------------------------------------------------------


def grant_by_bos_grant(appropriation, activity):
    body = {"activities": [activity.UID()], "approval_level": "teamleder", "approval_note": NOTE}
    return call(GrantPost, appropriation, body)


def grant_by_workflow(appropriation, activity):
    # no approval_level: @workflow decides at the user's own sufficient level (teamleder)
    return call(ActivityWorkflowTransition, activity, {"comment": NOTE}, transition="grant")


def grant_by_grant_view(appropriation, activity):
    """ "Bevilg valgte" on the grant view, at the level the form offers (the user's own)."""
    form = {"activities": [activity.UID()], "approval_level": "teamleder", "note": NOTE}
    messages, _location = post(
        api.portal.get(),
        appropriation,
        "bos-appropriation-view",
        TEST_USER_NAME,
        **form,
        **{"form.buttons.grant": "1"},
    )
    return (200 if messages == ["1 ydelse(r) er bevilget."] else 400), messages


def grant_by_bare_transition(appropriation, activity):
    api.content.transition(obj=activity, transition="grant", comment=NOTE)
    return 200, None


def test_every_grant_door_has_the_same_effects(people, mailhost):
    results = []
    doors = (grant_by_bos_grant, grant_by_workflow, grant_by_grant_view, grant_by_bare_transition)
    for door in doors:
        case, appropriation, activity = new_activity(people)
        before = len(mailhost.messages)
        status, answer = door(appropriation, activity)
        assert status == 200, (door.__name__, answer)
        results.append(outcome(case, appropriation, activity, before, mailhost))
    by_bos_grant, by_workflow, by_view, by_transition = results
    assert by_bos_grant["state"] == "granted"
    assert by_bos_grant["approval"]["approval_level"] == "teamleder"
    assert by_bos_grant["approval"]["approval_note"] == NOTE
    assert by_bos_grant["approval"]["required_approval_level"] == "teamleder"
    assert by_bos_grant["journal"].count("activities_granted") == 1
    assert by_bos_grant["journal"].count("activity_grant") == 1
    assert by_bos_grant["letters"] == 1
    assert by_bos_grant["mails"] == [("k@x.example", "Bevilget: bevilling <bevilling>")]
    assert by_workflow == by_bos_grant
    assert by_view == by_bos_grant
    assert by_transition == by_bos_grant


def test_workflow_grant_answers_like_plone_restapi(people, mailhost):
    _case, _appropriation, activity = new_activity(people)
    status, answer = grant_by_workflow(None, activity)
    assert status == 200
    assert (answer["action"], answer["review_state"], answer["comments"]) == (
        "grant",
        "granted",
        NOTE,
    )
    assert answer["title"]


def test_a_committee_level_needs_its_decision_on_every_door(people, mailhost):
    case, appropriation, activity = new_activity(people)
    committee = {"approval_level": "boerne_og_ungeudvalget"}
    status, answer = call(GrantPost, appropriation, {"activities": [activity.UID()], **committee})
    assert status == 400
    status, answer = call(ActivityWorkflowTransition, activity, committee, transition="grant")
    assert status == 400
    assert any("mødet" in error["message"] for error in answer["errors"])
    with pytest.raises(WorkflowException, match="mødet"):
        take_bare(activity, "grant", **committee)
    assert api.content.get_state(activity) == "draft"
    decision = {
        **committee,
        "meeting_date": "2026-11-20",
        "decision_reference": "BUU 20.11.2026, pkt. 4",
        "comment": NOTE,
    }
    status, answer = call(ActivityWorkflowTransition, activity, decision, transition="grant")
    assert status == 200, answer
    assert (activity.approval_level, activity.decision_reference) == (
        "boerne_og_ungeudvalget",
        "BUU 20.11.2026, pkt. 4",
    )
    assert [entry.action for entry in entries(case)].count("activities_granted") == 1


def test_a_bad_meeting_date_is_refused_in_danish(people, mailhost):
    _case, appropriation, activity = new_activity(people)
    body = {"comment": NOTE, "meeting_date": "20.11.2026"}
    status, answer = call(ActivityWorkflowTransition, activity, body, transition="grant")
    assert status == 400
    bad_date = {"field": "meeting_date", "message": "Mødedatoen skal angives som ÅÅÅÅ-MM-DD"}
    assert answer["errors"] == [bad_date]
    status, answer = call(
        GrantPost, appropriation, {"activities": [activity.UID()], "meeting_date": "x"}
    )
    assert (status, answer["errors"]) == (400, [bad_date])
    assert api.content.get_state(activity) == "draft"


# -- submit ---------------------------------------------------------------------------------------


def submit_by_bos_submit(appropriation, activity):
    body = {"activities": [activity.UID()], "comment": "Bør bevilges"}
    return call(SubmitPost, appropriation, body)


def submit_by_workflow(appropriation, activity):
    body = {"comment": "Bør bevilges"}
    return call(ActivityWorkflowTransition, activity, body, transition="submit")


def submit_by_bare_transition(appropriation, activity):
    api.content.transition(obj=activity, transition="submit", comment="Bør bevilges")
    return 200, None


def test_every_submit_door_sets_the_level_and_notifies(people, mailhost):
    results = []
    for door in (submit_by_bos_submit, submit_by_workflow, submit_by_bare_transition):
        case, appropriation, activity = new_activity(people)
        before = len(mailhost.messages)
        status, answer = door(appropriation, activity)
        assert status == 200, (door.__name__, answer)
        results.append(outcome(case, appropriation, activity, before, mailhost))
    by_bos_submit, by_workflow, by_transition = results
    assert by_bos_submit["state"] == "expected"
    assert by_bos_submit["approval"]["required_approval_level"] == "teamleder"
    assert by_bos_submit["journal"].count("activities_submitted") == 1
    assert by_bos_submit["journal"].count("activity_submit") == 1
    assert ("l@x.example", "Til godkendelse (Teamleder): bevilling <bevilling>") in (
        by_bos_submit["mails"]
    )
    assert by_workflow == by_bos_submit
    assert by_transition == by_bos_submit


def test_submit_only_from_draft(people, mailhost):
    _case, appropriation, activity = new_activity(people)
    assert submit_by_workflow(appropriation, activity)[0] == 200
    status, answer = submit_by_workflow(appropriation, activity)
    assert status == 400
    assert "Kun ydelser, der er kladder, kan indstilles til bevilling." in answer["message"]


# -- reject ---------------------------------------------------------------------------------------


def test_reject_without_a_reason_is_refused_in_danish_on_every_door(people, mailhost):
    case, appropriation, activity = new_activity(people)
    submit_by_workflow(appropriation, activity)
    status, answer = call(ActivityWorkflowTransition, activity, {}, transition="reject")
    assert status == 400
    assert answer["errors"] == [{"field": "", "message": RejectRule.MISSING_COMMENT}]
    with pytest.raises(WorkflowException, match=RejectRule.MISSING_COMMENT):
        take_bare(activity, "reject", comment="  ")
    assert api.content.get_state(activity) == "expected"
    assert "activity_reject" not in [entry.action for entry in entries(case)]

    before = len(mailhost.messages)
    body = {"comment": "Mangler handleplan"}
    status, answer = call(ActivityWorkflowTransition, activity, body, transition="reject")
    assert status == 200, answer
    assert api.content.get_state(activity) == "draft"
    [rejected] = [entry for entry in entries(case) if entry.action == "activity_reject"]
    assert rejected.comment == "Mangler handleplan"
    [(to, subject, body)] = [parsed(message) for message in mailhost.messages[before:]]
    assert to == "k@x.example" and subject.startswith("Afvist: ")
    assert "Begrundelse: Mangler handleplan" in body
