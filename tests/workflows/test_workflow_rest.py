"""POST <activity>/@workflow/<transition> over HTTP reaches the decision operations."""

from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import monthly_main
from tests.builders import state_of
from tests.builders import team_users


def _team_activity(http, suffix):
    """A draft main activity of 120.000 kr. a year (the team leader's level) on a case of the
    worker's team: (worker, leader, case, activity)."""
    worker, leader = team_users(http, suffix=suffix)
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"])
    activity = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    return worker, leader, case, activity


def _journal_actions(session, case):
    response = session.get(f"{case['@id']}/@bos-journal")
    assert response.status_code == 200, response.text
    return [item["action"] for item in response.json()["items"]]


def test_workflow_grant_above_competence_is_refused_and_changes_nothing(http):
    worker, _leader, case, activity = _team_activity(http, "-wf-refused")
    before = _journal_actions(worker, case)
    response = worker.post(f"{activity['@id']}/@workflow/grant", json={"comment": "Haster"})
    assert response.status_code == 403, response.text
    assert response.json()["message"] == (
        "Ydelsen kræver bevillingsniveau »Teamleder«; du har kompetence til »Egenkompetence«."
    )
    after = worker.get(activity["@id"]).json()
    assert after["review_state"] == "draft"
    assert after["approval_level"] is None
    assert _journal_actions(worker, case) == before


def test_workflow_submit_sets_the_required_level_and_journals_the_submission(http):
    worker, leader, case, activity = _team_activity(http, "-wf-submit")
    response = worker.post(f"{activity['@id']}/@workflow/submit", json={"comment": "Bør bevilges"})
    assert response.status_code == 200, response.text
    assert (response.json()["action"], response.json()["review_state"]) == ("submit", "expected")
    submitted = worker.get(activity["@id"]).json()
    assert submitted["required_approval_level"]["token"] == "teamleder"
    actions = _journal_actions(worker, case)
    assert actions.count("activities_submitted") == 1
    assert actions.count("activity_submit") == 1
    waiting = leader.get(f"{leader.base}/@bos-my-approvals").json()
    assert activity["UID"] in [item["UID"] for item in waiting["items"]]

    granted = leader.post(f"{activity['@id']}/@workflow/grant", json={"comment": "OK"})
    assert granted.status_code == 200, granted.text
    assert granted.json()["review_state"] == "granted"
    decided = worker.get(activity["@id"]).json()
    assert (decided["approval_level"], decided["approval_note"]) == ("teamleder", "OK")
    assert _journal_actions(worker, case).count("activities_granted") == 1


def test_workflow_reject_without_a_reason_is_refused_in_danish(http):
    worker, leader, _case, activity = _team_activity(http, "-wf-reject")
    worker.post(f"{activity['@id']}/@workflow/submit", json={})
    response = leader.post(f"{activity['@id']}/@workflow/reject", json={"comment": " "})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "", "message": "Angiv en begrundelse for afvisningen"}
    ]
    assert state_of(worker, activity["@id"]) == "expected"


def test_the_guard_view_is_no_url(http, functional_portal):
    """It would tell anonymous users which cases exist (issue 12, item 4)."""
    import requests

    admin = http()
    case = create_case(admin, team="familie_oest")
    for guard in ("activity_grant", "case_close"):
        for session, url in (
            (requests, f"{case['@id']}/@@bos-transition-guard?guard_id={guard}"),
            (admin, f"{case['@id']}/@@bos-transition-guard?guard_id={guard}"),
            (requests, f"{admin.base}/sager/no-such-case/@@bos-transition-guard?guard_id={guard}"),
        ):
            assert session.get(url, timeout=30).status_code == 404
