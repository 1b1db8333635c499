"""One error shape for every 4xx of the product's REST answers, in Danish (services/errors.py).

Every product service gets a bad request; anonymous and insufficient-permission requests get
401/403 in the same shape; content POST/PATCH to the product's types give zope.schema's errors
in Danish with the REST field names, and a body that is not JSON changes nothing."""

from datetime import date

import pytest
import requests

from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import monthly_supplementary
from tests.builders import new_appropriation
from tests.builders import section_leader
from tests.builders import team_users

BAD_JSON = "Forespørgslen skal indeholde et gyldigt JSON-objekt."
REQUIRED = "Feltet skal udfyldes."
FORBIDDEN = "Du har ikke adgang til at udføre denne handling."
UNAUTHORIZED = "Du skal logge ind for at bruge denne funktion."
ENGLISH = (
    "Required input is missing",
    "Constraint not satisfied",
    "Value is too",
    "is a required field",
    "invalid literal",
    "No JSON object could be decoded",
    "Malformed body",
    "Object is of wrong type",
    "Resource not found",
)


@pytest.fixture(autouse=True)
def decided_in_december_2026(frozen_today):
    """The plans run in 2027 and are decided on 2 December 2026."""
    frozen_today(date(2026, 12, 2))


def shaped(response, status, error_type):
    """The body of an error answer, checked against the one shape; returns it."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"type", "message", "errors"}, body
    assert body["type"] == error_type, body
    assert isinstance(body["message"], str) and body["message"], body
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"field", "message"}, body
        assert isinstance(error["field"], str) and error["message"], body
    for text in [body["message"], *(error["message"] for error in body["errors"])]:
        assert not any(english in text for english in ENGLISH), body
    return body


def invalid(response, field="", message=None):
    body = shaped(response, 400, "ValidationError")
    by_field = {}
    for error in body["errors"]:
        by_field.setdefault(error["field"], []).append(error["message"])
    assert field in by_field, body
    if message is not None:
        assert message in by_field[field], body
    return by_field


def post_raw(session, url, data):
    return session.post(url, data=data)


@pytest.fixture
def setup(http):
    """A case with an appropriation holding one granted and one draft activity."""
    admin = http()
    case, appropriation = new_appropriation(admin)
    granted = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(admin, appropriation["@id"], [granted["UID"]])
    return admin, case, appropriation, granted


def test_every_service_answers_a_bad_request_in_the_shape(http, setup):
    admin, case, appropriation, granted = setup
    finance = http("okonomi-fejl", roles=["BOSFinance"])
    activity, url = granted["@id"], appropriation["@id"]

    # @bos-payments
    invalid(admin.get(f"{activity}/@bos-payments", params={"year": "x"}), "year")
    invalid(admin.get(f"{activity}/@bos-payments/2027-13-01"), "date")
    missing = shaped(admin.get(f"{activity}/@bos-payments/2027-02-02"), 404, "NotFound")
    assert missing["message"] == "Ydelsen har ingen betaling den 2027-02-02."
    invalid(post_raw(finance, f"{activity}/@bos-payments/2027-02-01", "{nej"), "", BAD_JSON)
    invalid(
        finance.post(f"{activity}/@bos-payments/2027-02-01", json={"note": "x"}),
        "paid_amount",
        "Ved en betalt betaling skal beløb og dato angives",
    )
    # @bos-costs on each level
    for target in (activity, url, case["@id"]):
        invalid(admin.get(f"{target}/@bos-costs", params={"year": "tyve"}), "year")
    # @bos-cost-preview
    preview = f"{url}/@bos-cost-preview"
    invalid(post_raw(admin, preview, "not json"), "", BAD_JSON)
    invalid(
        admin.post(preview, json={**monthly_main(admin), "start_date": "2029-01-01"}),
        "start_date",
        "Startdatoen skal være før eller samme dag som slutdatoen",
    )
    # @bos-grant
    invalid(post_raw(admin, f"{url}/@bos-grant", "[1, 2"), "", BAD_JSON)
    invalid(admin.post(f"{url}/@bos-grant", json={"activities": "abc"}), "activities")
    invalid(
        admin.post(
            f"{url}/@bos-grant",
            json={"activities": [granted["UID"]], "meeting_date": "20. november"},
        ),
        "meeting_date",
    )
    invalid(
        admin.post(f"{url}/@bos-grant", json={"activities": [], "approval_level": "teamleder"}),
        "",
        "Vælg mindst én ydelse, der skal bevilges.",
    )
    # @bos-submit
    invalid(post_raw(admin, f"{url}/@bos-submit", "{"), "", BAD_JSON)
    invalid(
        admin.post(f"{url}/@bos-submit", json={"activities": [granted["UID"]]}),
        "",
        "Ydelsen »Familiebehandling«: Kun ydelser, der er kladder, kan indstilles til bevilling.",
    )
    # @bos-adjustment
    invalid(post_raw(admin, f"{activity}/@bos-adjustment", "{]"), "", BAD_JSON)
    invalid(
        admin.post(f"{activity}/@bos-adjustment", json={"start_date": "2026-01-01"}),
        "start_date",
        "Den forventede justerings startdato må ikke ligge før i dag",
    )
    # @bos-journal
    invalid(admin.get(f"{case['@id']}/@bos-journal", params={"limit": "0"}), "limit")
    # @bos-classification-import
    importer = f"{admin.base}/regelmotor/@bos-classification-import"
    invalid(post_raw(admin, importer, "{x"), "", BAD_JSON)
    invalid(admin.post(importer, json={"data": "%%% ikke base64"}), "data")
    invalid(admin.post(importer, json={"data": "UEsDBA==", "dry_run": "ja"}), "dry_run")


def test_deeply_nested_json_is_a_bad_request(setup):
    admin, _case, appropriation, _granted = setup
    nested = "[" * 100000 + "]" * 100000
    invalid(post_raw(admin, f"{appropriation['@id']}/@bos-cost-preview", nested), "", BAD_JSON)
    invalid(post_raw(admin, appropriation["@id"], nested), "", BAD_JSON)


def test_content_post_and_patch_give_danish_field_errors(setup):
    admin, case, appropriation, granted = setup
    url = appropriation["@id"]

    # Malformed JSON: 400 in Danish, nothing written (POST answered 500 before).
    before = admin.get(url).json()["items_total"]
    invalid(post_raw(admin, url, '{"@type": "bos_activity", '), "", BAD_JSON)
    assert admin.get(url).json()["items_total"] == before
    invalid(post_raw(admin, f"{admin.base}/sager", "nej"), "", BAD_JSON)
    invalid(admin.patch(case["@id"], data="{nej"), "", BAD_JSON)
    invalid(admin.patch(granted["@id"], data="{nej"), "", BAD_JSON)
    invalid(post_raw(admin, url, "[]"), "", BAD_JSON)
    invalid(admin.post(url, json={}), "", "Angiv indholdstypen i »@type«.")

    # zope.schema's messages in Danish, per field.
    errors = invalid(admin.post(f"{admin.base}/sager", json={"@type": "bos_case"}), "sbsys_id")
    assert errors["sbsys_id"] == [REQUIRED]
    too_big = invalid(
        admin.post(
            url, json={"@type": "bos_activity", **monthly_main(admin, payment_day_of_month=99)}
        ),
        "payment_day_of_month",
    )
    assert too_big["payment_day_of_month"] == ["Værdien er for stor."]
    not_int = invalid(admin.patch(case["@id"], json={"scaling_step": "mange"}), "scaling_step")
    assert not_int["scaling_step"] == ["Angiv et helt tal."]
    null = invalid(admin.patch(case["@id"], json={"sbsys_id": None}), "sbsys_id")
    assert null["sbsys_id"] == [REQUIRED]
    amount = invalid(
        admin.post(url, json={"@type": "bos_activity", **monthly_main(admin, payment_amount="x")}),
        "payment_amount",
    )
    assert amount["payment_amount"] == ["Ugyldigt beløb"]


def test_individual_payment_errors_name_the_rest_field(setup):
    admin, _case, appropriation, _granted = setup
    fields = monthly_main(
        admin,
        activity_type="supplementary",
        payment_type="individual",
        payment_frequency=None,
        payment_day_of_month=None,
        payment_cost_type=None,
        payment_amount=None,
        individual_payments=[{"date": "2028-05-01", "amount": "100.00"}],
    )
    response = admin.post(appropriation["@id"], json={"@type": "bos_activity", **fields})
    errors = invalid(response, "individual_payments")
    assert "payments" not in errors
    assert all("2028" in message for message in errors["individual_payments"]), errors


def test_anonymous_gets_401_in_the_shape(setup, functional_portal):
    _admin, case, appropriation, granted = setup
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    base = functional_portal.absolute_url()
    requests_ = [
        ("get", f"{granted['@id']}/@bos-payments"),
        ("post", f"{granted['@id']}/@bos-payments/2027-02-01"),
        ("get", f"{case['@id']}/@bos-costs"),
        ("post", f"{appropriation['@id']}/@bos-cost-preview"),
        ("post", f"{appropriation['@id']}/@bos-grant"),
        ("post", f"{appropriation['@id']}/@bos-submit"),
        ("post", f"{granted['@id']}/@bos-adjustment"),
        ("get", f"{base}/@bos-my-approvals"),
        ("get", f"{case['@id']}/@bos-journal"),
        ("get", f"{case['@id']}/@bos-history"),
        ("get", f"{base}/regelmotor/@bos-classification-export"),
        ("post", f"{base}/regelmotor/@bos-classification-import"),
        ("patch", case["@id"]),
        ("post", appropriation["@id"]),
    ]
    for method, url in requests_:
        response = requests.request(method, url, headers=headers, json={})
        body = shaped(response, 401, "Unauthorized")
        assert body["message"] == UNAUTHORIZED, (method, url)


def test_insufficient_permission_gets_403_in_the_shape(http, setup):
    admin, case, appropriation, granted = setup
    finance = http("okonomi-403", roles=["BOSFinance"])
    management = http("ledelse-403", roles=["BOSManagement"])
    outsider = http("sagsbehandler-403", roles=["BOSCaseWorker"])
    url = appropriation["@id"]
    draft = create_activity(admin, url, **monthly_supplementary(admin))
    body = {"activities": [draft["UID"]], "approval_level": "egenkompetence"}

    refused = {
        (
            finance,
            f"{url}/@bos-grant",
        ): "Du har ikke adgang til at bevilge ydelser på denne bevilling.",
        (management, f"{url}/@bos-grant"): (
            "Du har ikke adgang til at bevilge ydelser på denne bevilling."
        ),
        (outsider, f"{url}/@bos-grant"): (
            "Du har ikke adgang til at bevilge ydelser på denne bevilling."
        ),
        (finance, f"{url}/@bos-submit"): (
            "Du har ikke adgang til at indstille ydelser på denne bevilling."
        ),
        (management, f"{url}/@bos-cost-preview"): (
            "Du har ikke adgang til at beregne ydelser på denne bevilling."
        ),
        (finance, f"{granted['@id']}/@bos-adjustment"): (
            "Du har ikke adgang til at lave en forventet justering af denne ydelse."
        ),
        (outsider, f"{granted['@id']}/@bos-payments/2027-02-01"): (
            "Du har ikke adgang til at registrere betalinger på denne ydelse."
        ),
        (management, f"{granted['@id']}/@bos-payments/2027-02-01"): (
            "Du har ikke adgang til at registrere betalinger på denne ydelse."
        ),
        (management, case["@id"]): FORBIDDEN,
    }
    for (session, target), message in refused.items():
        response = session.post(target, json=body)
        assert shaped(response, 403, "Forbidden")["message"] == message, target
    assert shaped(management.patch(case["@id"], json={"note": "x"}), 403, "Forbidden")
    # Nothing was decided or registered.
    assert admin.get(draft["@id"]).json()["review_state"] == "draft"
    assert not admin.get(f"{granted['@id']}/@bos-payments/2027-02-01").json()["paid"]


def test_the_case_team_registers_no_payments(http):
    """Segregation of duties: the REST registration of payments is the payment office's."""
    worker, leader = team_users(http, suffix="-betal")
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"])
    main = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    grant(leader, appropriation["@id"], [main["UID"]])
    paid = {"paid_amount": "10000.00", "paid_date": "2027-02-01"}
    for session in (worker, leader):
        response = session.post(f"{main['@id']}/@bos-payments/2027-02-01", json=paid)
        shaped(response, 403, "Forbidden")


def test_a_section_leader_reaches_the_grant_within_competence(http):
    """@bos-grant's permission holds for every role with an approval level; the rules decide."""
    worker, _leader = team_users(http, suffix="-afsnit")
    # the leader of the afsnit of the case's team: section leaders read their afsnit's cases
    leader_of_afsnit = section_leader(http, "afsnitsleder-rest", team="familie_oest")
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"])
    main = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    result = grant(leader_of_afsnit, appropriation["@id"], [main["UID"]], level="afsnitsleder")
    assert result == {"granted": [main["UID"]]}


def test_unknown_object_is_not_found_in_the_shape(setup):
    admin, case, _appropriation, _granted = setup
    body = shaped(admin.get(f"{case['@id']}/findes-ikke"), 404, "NotFound")
    assert body["message"] == "Det efterspurgte findes ikke."
