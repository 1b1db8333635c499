"""Granting (@bos-grant) and expected adjustments (@bos-adjustment) over REST."""

from datetime import date

import pytest

from os2bos_plone.engine import clock
from tests.builders import costs
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import field_errors
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import monthly_supplementary
from tests.builders import new_appropriation
from tests.builders import payments
from tests.builders import state_of
from tests.builders import team_users


@pytest.fixture(autouse=True)
def decided_in_december_2026(frozen_today):
    """The plans here run in 2027 and are decided on 2 December 2026 (an adjustment may not start
    in the past), whatever day the suite runs on."""
    frozen_today(date(2026, 12, 2))


def dates_and_amounts(session, url):
    return [(item["date"], item["amount"]) for item in payments(session, url)["items"]]


def test_grant_with_broken_rules_changes_nothing(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    main = create_activity(admin, url, **monthly_main(admin, recipient_name=None))
    supplementary = create_activity(admin, url, **monthly_supplementary(admin))

    response = admin.post(
        f"{url}/@bos-grant", json={"activities": [main["UID"], supplementary["UID"]]}
    )
    assert response.status_code == 400
    assert response.json() == {
        "type": "ValidationError",
        "message": "Angiv venligst bevillingskompetence "
        "Ydelsen »Familiebehandling« har ingen betalingsmodtager.",
        "errors": [
            {"field": "", "message": "Angiv venligst bevillingskompetence"},
            {"field": "", "message": "Ydelsen »Familiebehandling« har ingen betalingsmodtager."},
        ],
    }
    unknown = grant(admin, url, [main["UID"]], level="formand", expect=400)
    assert unknown["errors"][0]["message"] == "Bevillingskompetencen »formand« findes ikke"
    only_supplementary = grant(admin, url, [supplementary["UID"]], expect=400)
    assert only_supplementary["errors"] == [
        {"field": "", "message": "Følgeydelser kan først bevilges, når hovedydelsen er bevilget."}
    ]
    nothing = grant(admin, url, [], expect=400)
    assert nothing["errors"] == [
        {"field": "", "message": "Vælg mindst én ydelse, der skal bevilges."}
    ]

    for activity in (main, supplementary):
        assert state_of(admin, activity["@id"]) == "draft"
        assert admin.get(activity["@id"]).json()["approval_level"] is None
    assert admin.get(url).json()["status"] == "draft"
    assert costs(admin, url, 2027)["granted"] == "0.00"


def test_grant_caps_supplementary_activities_and_records_the_approval(http):
    admin = http()
    _worker, leader = team_users(http, suffix="-grant")
    case = create_case(admin, team="familie_oest")
    appropriation = create_appropriation(admin, case["@id"])
    url = appropriation["@id"]
    main = create_activity(admin, url, **monthly_main(admin, end_date="2027-06-30"))
    supplementary = create_activity(admin, url, **monthly_supplementary(admin, end_date=None))
    # Open-ended: planned to 31 December of next year.
    assert payments(admin, supplementary["@id"])["items"][-1]["date"] == (
        f"{clock.today().year + 1}-12-15"
    )

    result = grant(
        leader,
        url,
        [main["UID"], supplementary["UID"]],
        level="teamleder",
        note="Aftalt på teammøde",
    )
    assert result == {"granted": [main["UID"], supplementary["UID"]]}
    for activity in (main, supplementary):
        granted = admin.get(activity["@id"]).json()
        assert granted["review_state"] == "granted"
        assert granted["approval_level"] == "teamleder"
        assert granted["approval_note"] == "Aftalt på teammøde"
        assert granted["approval_user"] == "tl-familie_oest-grant"
        assert granted["appropriation_date"] == clock.today().isoformat()
    # The supplementary activity ends with the main activity.
    assert admin.get(supplementary["@id"]).json()["end_date"] == "2027-06-30"
    assert dates_and_amounts(admin, supplementary["@id"]) == [
        ("2027-03-15", "500.00"),
        ("2027-04-15", "500.00"),
        ("2027-05-15", "500.00"),
        ("2027-06-15", "500.00"),
    ]
    figures = costs(admin, url, 2027)
    assert (figures["granted"], figures["expected"]) == ("62000.00", "62000.00")


def test_granting_what_is_granted_again_is_no_new_decision(http):
    admin = http()
    _worker, leader = team_users(http, suffix="-again")
    case = create_case(admin, team="familie_oest")
    appropriation = create_appropriation(admin, case["@id"])
    main = create_activity(admin, appropriation["@id"], **monthly_main(admin))

    def decisions():
        items = admin.get(f"{case['@id']}/@bos-journal").json()["items"]
        return [item for item in items if item["action"] == "activities_granted"]

    assert grant(leader, appropriation["@id"], [main["UID"]]) == {"granted": [main["UID"]]}
    assert len(decisions()) == 1
    letters = [
        i for i in admin.get(f"{case['@id']}?expand=").json()["items"] if i["@type"] == "bos_letter"
    ]

    assert len(letters) == 1
    assert grant(leader, appropriation["@id"], [main["UID"]]) == {"granted": []}
    assert len(decisions()) == 1
    again = [
        i for i in admin.get(f"{case['@id']}?expand=").json()["items"] if i["@type"] == "bos_letter"
    ]
    assert again == letters


def test_case_worker_may_not_grant_above_own_competence(http):
    worker = http("sagsbehandler-grant", roles=["BOSCaseWorker"])
    _case, appropriation = new_appropriation(worker)
    # 10.000 kr. a month is 120.000 kr. a year: the rules ask for the team leader.
    main = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    response = worker.post(
        f"{appropriation['@id']}/@bos-grant",
        json={"activities": [main["UID"]], "approval_level": "egenkompetence"},
    )
    assert response.status_code == 403
    assert "»Teamleder«" in response.json()["message"]
    assert state_of(worker, main["@id"]) == "draft"

    # Once granted by a leader, the case worker proposes the change as an expected adjustment.
    grant(http(), appropriation["@id"], [main["UID"]])
    proposed = worker.post(
        f"{main['@id']}/@bos-adjustment", json={"start_date": "2027-04-01", "end_date": None}
    )
    assert proposed.status_code == 201, proposed.text
    assert (proposed.json()["review_state"], proposed.json()["end_date"]) == ("expected", None)
    # The granted original itself only takes the changes a case worker may make (end, note).
    assert worker.patch(main["@id"], json={"payment_amount": "1.00"}).status_code == 400
    assert worker.patch(main["@id"], json={"note": "Se justering"}).status_code == 204


def test_adjustment_replaces_the_original_from_its_first_payment(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    main = create_activity(admin, url, **monthly_main(admin))
    grant(admin, url, [main["UID"]])

    response = admin.post(
        f"{main['@id']}/@bos-adjustment",
        json={"start_date": "2027-07-01", "payment_amount": "12000.00"},
    )
    assert response.status_code == 201, response.text
    adjustment = response.json()
    assert adjustment["review_state"] == "expected"
    assert adjustment["modifies"] == main["UID"]
    assert (adjustment["start_date"], adjustment["end_date"]) == ("2027-07-01", "2027-12-31")
    assert adjustment["service"]["token"] == main["service"]["token"]
    assert adjustment["payment_amount"] == "12000.00"

    during = admin.get(url).json()
    assert (during["status"], during["granted_from_date"], during["granted_to_date"]) == (
        "expected",
        "2027-01-01",
        "2027-12-31",
    )
    # Expected: the original up to the adjustment's first payment, then the adjustment.
    figures = costs(admin, url, 2027)
    assert (figures["granted"], figures["expected"]) == ("120000.00", "132000.00")
    assert [row["amount"] for row in figures["monthly"]] == ["10000.00"] * 6 + ["12000.00"] * 6
    original = costs(admin, main["@id"], 2027)
    assert (original["granted"], original["expected"]) == ("120000.00", "60000.00")

    # One adjustment per activity, not from the past, only of granted activities.
    second = admin.post(f"{main['@id']}/@bos-adjustment", json={"start_date": "2027-09-01"})
    assert field_errors(second) == {"modifies": ["Ydelsen har allerede en forventet justering"]}
    of_expected = admin.post(
        f"{adjustment['@id']}/@bos-adjustment", json={"start_date": "2027-09-01"}
    )
    assert field_errors(of_expected) == {
        "modifies": ["Der kan kun laves en forventet justering af en bevilget ydelse"]
    }

    assert grant(admin, url, [adjustment["UID"]]) == {"granted": [adjustment["UID"]]}
    assert state_of(admin, adjustment["@id"]) == "granted"
    cut = admin.get(main["@id"]).json()
    assert cut["end_date"] == "2027-06-30"
    assert dates_and_amounts(admin, main["@id"]) == [
        (f"2027-{month:02d}-01", "10000.00") for month in range(1, 7)
    ]
    granted_adjustment = admin.get(adjustment["@id"]).json()
    assert granted_adjustment["payment_id"] == main["payment_id"]
    assert {item["payment_id"] for item in payments(admin, adjustment["@id"])["items"]} == {
        main["payment_id"]
    }
    assert dates_and_amounts(admin, adjustment["@id"]) == [
        (f"2027-{month:02d}-01", "12000.00") for month in range(7, 13)
    ]
    after = admin.get(url).json()
    assert (after["status"], after["granted_from_date"], after["granted_to_date"]) == (
        "granted",
        "2027-01-01",
        "2027-12-31",
    )
    figures = costs(admin, url, 2027)
    assert (figures["granted"], figures["expected"], figures["total_cost"]) == (
        "132000.00",
        "132000.00",
        "132000.00",
    )


def test_adjustment_from_the_original_start_replaces_it_entirely(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    main = create_activity(admin, url, **monthly_main(admin))
    grant(admin, url, [main["UID"]])

    past = admin.post(f"{main['@id']}/@bos-adjustment", json={"start_date": "2026-01-01"})
    assert field_errors(past) == {
        "start_date": ["Den forventede justerings startdato må ikke ligge før i dag"]
    }
    changed_service = admin.post(
        f"{main['@id']}/@bos-adjustment",
        json={"start_date": "2027-01-01", "activity_type": "supplementary"},
    )
    assert field_errors(changed_service) == {
        "activity_type": ["Ydelse og ydelsestype kan ikke ændres i en forventet justering"]
    }

    adjustment = admin.post(
        f"{main['@id']}/@bos-adjustment",
        json={"start_date": "2027-01-01", "end_date": "2027-03-31", "payment_amount": "8000"},
    ).json()
    assert grant(admin, url, [adjustment["UID"]]) == {"granted": [adjustment["UID"]]}
    # The original is superseded from its first day: it is removed, the adjustment is the main.
    assert admin.get(main["@id"]).status_code == 404
    granted = admin.get(adjustment["@id"]).json()
    assert (granted["modifies"], granted["review_state"]) == (None, "granted")
    assert granted["payment_id"] == main["payment_id"]
    figures = costs(admin, url, 2027)
    assert (figures["granted"], figures["expected"]) == ("24000.00", "24000.00")
