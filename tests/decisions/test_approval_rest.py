"""Approval chains over REST: own competence, submission to the team leader, committee decisions.

The required level comes from the regelmotor's rules (seed): measures from 50.000 kr. a year need
the team leader; placements without consent (BL-47) need børne- og ungeudvalget."""

from tests.builders import committee_secretary
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import monthly_main
from tests.builders import service_uid
from tests.builders import state_of
from tests.builders import team_users


def _team_case(http, suffix, section="BL-32-1.5"):
    worker, leader = team_users(http, suffix=suffix)
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"], section=section)
    return worker, leader, case, appropriation


def test_case_worker_grants_within_own_competence(http):
    worker, _leader, _case, appropriation = _team_case(http, "-own")
    activity = create_activity(
        worker, appropriation["@id"], **monthly_main(worker, payment_amount="1000.00")
    )
    assert worker.get(activity["@id"]).json()["required_approval_level"]["token"] == (
        "egenkompetence"
    )
    response = worker.post(
        f"{appropriation['@id']}/@bos-grant",
        json={"activities": [activity["UID"]], "approval_level": "egenkompetence"},
    )
    assert response.status_code == 200, response.text
    granted = worker.get(activity["@id"]).json()
    assert (granted["review_state"], granted["approval_user"]) == ("granted", "sb-familie_oest-own")


def test_team_leader_measure_is_submitted_and_granted_by_the_leader(http):
    worker, leader, _case, appropriation = _team_case(http, "-chain")
    _other_worker, other_leader = team_users(http, team="familie_vest", suffix="-chain")
    activity = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    url = appropriation["@id"]

    refused = worker.post(
        f"{url}/@bos-grant", json={"activities": [activity["UID"]], "approval_level": "teamleder"}
    )
    assert refused.status_code == 403
    assert "»Teamleder«" in refused.json()["message"]
    assert state_of(worker, activity["@id"]) == "draft"

    submitted = worker.post(
        f"{url}/@bos-submit", json={"activities": [activity["UID"]], "comment": "Bør bevilges"}
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["required_level"] == {"token": "teamleder", "title": "Teamleder"}
    assert state_of(worker, activity["@id"]) == "expected"

    waiting = leader.get(f"{leader.base}/@bos-my-approvals").json()
    assert [item["UID"] for item in waiting["items"]] == [activity["UID"]]
    assert waiting["items"][0]["required_level"]["token"] == "teamleder"
    item = waiting["items"][0]
    assert item["note"] == "Bør bevilges"
    assert item["submitted_by_name"] and item["submitted"]
    assert item["case_sbsys_id"] and item["child"] and item["service"]
    assert item["total_cost"] == "120000.00"  # monthly_main: 10.000 kr. a month in 2027
    assert other_leader.get(f"{leader.base}/@bos-my-approvals").json()["items_total"] == 0
    assert worker.get(f"{worker.base}/@bos-my-approvals").json()["items_total"] == 0

    granted = leader.post(
        f"{url}/@bos-grant",
        json={
            "activities": [activity["UID"]],
            "approval_level": "teamleder",
            "approval_note": "OK",
        },
    )
    assert granted.status_code == 200, granted.text
    assert state_of(worker, activity["@id"]) == "granted"
    assert leader.get(f"{leader.base}/@bos-my-approvals").json()["items_total"] == 0
    # A level below what the rules require cannot be recorded.


def test_recorded_level_must_reach_the_required_level(http):
    worker, leader, _case, appropriation = _team_case(http, "-low")
    activity = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    response = leader.post(
        f"{appropriation['@id']}/@bos-grant",
        json={"activities": [activity["UID"]], "approval_level": "egenkompetence"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "",
            "message": "Bevillingsniveauet »Egenkompetence« er lavere end det niveau, "
            "ydelserne kræver: »Teamleder«.",
        }
    ]
    assert state_of(worker, activity["@id"]) == "draft"


def test_committee_decision_needs_meeting_date_and_reference(http):
    worker, leader, _case, appropriation = _team_case(http, "-udvalg", section="BL-47")
    # the group of committee secretaries reads the case once it is before the committee
    secretary = committee_secretary(http, "udvalgssekretaer-rest")
    placement = monthly_main(
        worker, service=service_uid(worker, "100406"), payment_amount="20000.00"
    )
    activity = create_activity(worker, appropriation["@id"], **placement)
    url = appropriation["@id"]
    submitted = worker.post(f"{url}/@bos-submit", json={"activities": [activity["UID"]]})
    assert submitted.json()["required_level"]["token"] == "boerne_og_ungeudvalget"

    assert (
        leader.post(
            f"{url}/@bos-grant",
            json={"activities": [activity["UID"]], "approval_level": "teamleder"},
        ).status_code
        == 403
    )
    waiting = secretary.get(f"{secretary.base}/@bos-my-approvals").json()
    assert activity["UID"] in [item["UID"] for item in waiting["items"]]

    decision = {"activities": [activity["UID"]], "approval_level": "boerne_og_ungeudvalget"}
    missing = secretary.post(f"{url}/@bos-grant", json=decision)
    assert missing.status_code == 400
    assert any("mødet" in error["message"] for error in missing.json()["errors"])
    assert state_of(worker, activity["@id"]) == "expected"

    decision.update(
        meeting_date="2026-11-20",
        decision_reference="BUU 20.11.2026, pkt. 4",
        decision_text="Udvalget godkender anbringelsen.",
    )
    response = secretary.post(f"{url}/@bos-grant", json=decision)
    assert response.status_code == 200, response.text
    granted = worker.get(activity["@id"]).json()
    assert granted["review_state"] == "granted"
    assert (granted["meeting_date"], granted["decision_reference"]) == (
        "2026-11-20",
        "BUU 20.11.2026, pkt. 4",
    )


def test_rejection_needs_a_comment_and_returns_to_draft(http):
    worker, leader, _case, appropriation = _team_case(http, "-afvis")
    activity = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    worker.post(f"{appropriation['@id']}/@bos-submit", json={"activities": [activity["UID"]]})
    without = leader.post(f"{activity['@id']}/@workflow/reject", json={})
    assert without.status_code == 400
    assert "begrundelse" in without.text
    assert state_of(worker, activity["@id"]) == "expected"
    assert worker.post(
        f"{activity['@id']}/@workflow/reject", json={"comment": "Nej"}
    ).status_code in (
        400,
        401,
        403,
    )
    rejected = leader.post(
        f"{activity['@id']}/@workflow/reject", json={"comment": "Mangler handleplan"}
    )
    assert rejected.status_code == 200, rejected.text
    assert state_of(worker, activity["@id"]) == "draft"


def test_standard_workflow_grant_follows_the_same_rules(http):
    worker, leader, _case, appropriation = _team_case(http, "-wf")
    small = create_activity(
        worker, appropriation["@id"], **monthly_main(worker, payment_amount="1000.00")
    )
    assert worker.post(f"{small['@id']}/@workflow/grant", json={}).status_code == 200
    granted = worker.get(small["@id"]).json()
    assert (granted["review_state"], granted["approval_level"]) == ("granted", "egenkompetence")


def test_a_cheap_start_does_not_bring_a_dear_measure_within_own_competence(http):
    """Priced 1 kr. a day for 40 days and 1.000 kr. a day after, the measure costs 325.040 kr. in
    its year: the level follows that, not the 365 kr. of a year at the first price."""
    worker, _leader, _case, appropriation = _team_case(http, "-cheap-start")
    fields = monthly_main(
        worker,
        payment_frequency="daily",
        payment_day_of_month=None,
        payment_cost_type="per_unit",
        payment_amount=None,
        payment_units="1",
        payment_prices=[
            {"start_date": "2027-01-01", "end_date": "2027-02-10", "amount": "1.00"},
            {"start_date": "2027-02-10", "end_date": None, "amount": "1000.00"},
        ],
    )
    activity = create_activity(worker, appropriation["@id"], **fields)
    required = worker.get(activity["@id"]).json()["required_approval_level"]["token"]
    assert required != "egenkompetence"

    refused = worker.post(
        f"{appropriation['@id']}/@bos-grant",
        json={"activities": [activity["UID"]], "approval_level": "egenkompetence"},
    )
    assert refused.status_code == 403, refused.text
    assert state_of(worker, activity["@id"]) == "draft"
    preview = worker.post(f"{appropriation['@id']}/@bos-cost-preview", json=fields)
    assert preview.status_code == 200, preview.text
    assert preview.json()["annual_cost"] == "325040.00"
