"""Activities over plone.restapi: create, read, change, delete, and Danish field errors."""

from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import field_errors
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import new_appropriation
from tests.builders import payments
from tests.builders import service_uid
from tests.builders import team_users
from tests.builders import uid_at

MSG_START_AFTER_END = "Startdatoen skal være før eller samme dag som slutdatoen"
MSG_CASH_START = (
    "Startdatoen skal være i fremtiden, og der skal være mindst to bankdage "
    "fra i morgen til og med startdatoen"
)
MSG_GRANTED_CHANGE = "Ændringer i en bevilget ydelse laves som en forventet justering"


def dated_amounts(session, url, year=None):
    return [(item["date"], item["amount"]) for item in payments(session, url, year)["items"]]


def test_draft_activity_create_read_change_delete(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    activity = create_activity(
        admin, appropriation["@id"], **monthly_main(admin, payment_amount="500")
    )
    assert activity["review_state"] == "draft"
    assert activity["payment_amount"] == "500.00"
    assert activity["activity_type"]["token"] == "main"
    assert activity["service"]["token"] == service_uid(admin, "100206")
    assert activity["start_date"] == "2027-01-01"
    assert activity["end_date"] == "2027-12-31"
    assert activity["payment_id"]
    assert activity["approval_level"] is None

    fetched = admin.get(activity["@id"]).json()
    assert fetched["payment_amount"] == "500.00"
    assert fetched["payment_day_of_month"] == 1

    # A draft is planned from scratch on every change.
    changed = admin.patch(
        activity["@id"], json={"end_date": "2027-03-31", "payment_amount": "750.5"}
    )
    assert changed.status_code == 204, changed.text
    assert admin.get(activity["@id"]).json()["payment_amount"] == "750.50"
    assert dated_amounts(admin, activity["@id"]) == [
        ("2027-01-01", "750.50"),
        ("2027-02-01", "750.50"),
        ("2027-03-01", "750.50"),
    ]

    deleted = admin.delete(activity["@id"])
    assert deleted.status_code == 204, deleted.text
    assert admin.get(activity["@id"]).status_code == 404
    assert admin.get(appropriation["@id"]).json()["items_total"] == 0


def test_bad_activities_get_danish_field_errors_and_are_not_created(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    rate = uid_at(admin, "regelmotor/takst-kost_logi_under_10")

    def refused(**changes):
        return field_errors(
            admin.post(url, json={"@type": "bos_activity", **monthly_main(admin, **changes)})
        )

    assert refused(start_date="2027-05-01", end_date="2027-04-30") == {
        "start_date": [MSG_START_AFTER_END]
    }
    assert refused(
        payment_cost_type="rate", payment_amount=None, payment_rate=rate, payment_units="-2"
    ) == {"payment_units": ["Antal enheder må ikke være negativt"]}
    assert refused(
        payment_type="one_time",
        payment_date="2027-02-01",
        payment_frequency=None,
        payment_day_of_month=None,
    ) == {"payment_type": ["Hovedydelser må ikke være engangsbetalinger"]}
    assert refused(payment_method="cash") == {
        "payment_method": ["Ugyldig betalingsmåde for betalingsmodtageren"]
    }
    assert refused(
        start_date="2025-01-05",
        service_provider=None,
        recipient_type="person",
        recipient_id="0101181234",
        recipient_name="Alma Andersen",
        payment_method="cash",
    ) == {"start_date": [MSG_CASH_START]}
    assert refused(service=service_uid(admin, "100101")) == {
        "service": [
            "Ydelsen »Konsulentbistand og familierettet rådgivning« kan ikke bevilges som "
            "hovedydelse efter BL-32-1.5."
        ]
    }
    assert refused(payment_day_of_month=31, start_date="2027-02-01", end_date="2027-02-27") == {
        "end_date": ["Betalingsplanen giver ingen betalinger i perioden"]
    }
    assert refused(start_date="2027-02-30") == {
        "start_date": ["Ugyldig dato (brug formatet ÅÅÅÅ-MM-DD)"]
    }
    assert refused(payment_amount="ti tusind") == {"payment_amount": ["Ugyldigt beløb"]}
    assert admin.get(url).json()["items_total"] == 0


def test_case_with_impossible_cpr_date_is_refused(http):
    admin = http()
    response = admin.post(
        f"{admin.base}/sager",
        json={
            "@type": "bos_case",
            "sbsys_id": "27.24.00-G01-CPR-1",
            "cpr_number": "310299-1234",
            "title": "Bo Hansen",
            "target_group": "familie",
            "district": "nord",
            "effort_step": 3,
            "scaling_step": 5,
            "paying_municipality": "151",
            "acting_municipality": "151",
            "residence_municipality": "151",
        },
    )
    assert field_errors(response) == {
        "cpr_number": ["CPR-nummeret indeholder ikke en gyldig fødselsdato."]
    }


def test_one_main_activity_per_appropriation(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    create_activity(admin, appropriation["@id"], **monthly_main(admin))
    second = admin.post(appropriation["@id"], json={"@type": "bos_activity", **monthly_main(admin)})
    assert field_errors(second) == {
        "activity_type": [
            "Bevillingen har allerede en hovedydelse; der kan kun være én hovedydelse"
        ]
    }
    # Another appropriation of the same case may have its own main activity.
    other = admin.post(
        appropriation["parent"]["@id"],
        json={
            "@type": "bos_appropriation",
            "sbsys_id": appropriation["sbsys_id"] + "-2",
            "section": appropriation["section"]["token"],
        },
    )
    assert other.status_code == 201, other.text
    create_activity(admin, other.json()["@id"], **monthly_main(admin))


def test_money_has_two_decimals_on_rates_and_providers(http):
    admin = http()
    provider = admin.get(f"{admin.base}/regelmotor/cvr-97643024").json()
    assert provider["vat_factor"] == "97.00"
    rate = admin.get(f"{admin.base}/regelmotor/takst-kost_logi_under_10").json()
    assert [period["amount"] for period in rate["periods"]] == ["206.00", "211.00", "216.00"]


def test_granted_activity_changes_only_through_adjustments(http):
    admin = http()
    _worker, leader = team_users(http, suffix="-rest")
    case = create_case(admin, team="familie_oest")
    appropriation = create_appropriation(admin, case["@id"])
    activity = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(admin, appropriation["@id"], [activity["UID"]])

    refused = admin.patch(activity["@id"], json={"payment_amount": "12000.00", "note": "mere"})
    assert field_errors(refused) == {"payment_amount": [MSG_GRANTED_CHANGE]}
    assert admin.get(activity["@id"]).json()["note"] is None

    # What the client read may be sent back unchanged with an allowed change.
    same = {"payment_amount": "10000.00", "start_date": "2027-01-01", "note": "Aftalt"}
    assert admin.patch(activity["@id"], json=same).status_code == 204
    assert admin.get(activity["@id"]).json()["note"] == "Aftalt"

    # Ending it early removes the unpaid payments after the new end.
    ended = leader.patch(activity["@id"], json={"end_date": "2027-03-15"})
    assert ended.status_code == 204, ended.text
    assert dated_amounts(admin, activity["@id"]) == [
        ("2027-01-01", "10000.00"),
        ("2027-02-01", "10000.00"),
        ("2027-03-01", "10000.00"),
    ]

    # Granted activities cannot be deleted, not even by a Manager; the payments stay.
    assert leader.delete(activity["@id"]).status_code == 403
    assert admin.delete(activity["@id"]).status_code in (401, 403)
    assert admin.get(activity["@id"]).status_code == 200
    assert len(dated_amounts(admin, activity["@id"])) == 3


def test_case_worker_creates_a_case_with_activities(http):
    worker = http("sagsbehandler-rest", roles=["BOSCaseWorker"])
    case = create_case(worker)
    assert case["case_worker"] == "sagsbehandler-rest"
    appropriation = create_appropriation(worker, case["@id"])
    activity = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    assert activity["review_state"] == "draft"
    assert len(payments(worker, activity["@id"])["items"]) == 12
