"""@bos-journal, @bos-history and the Journal tab over HTTP (live test server)."""

import inspect
import re

import pytest
import transaction
from plone import api

from os2bos_plone.decisions import grant as grant_operation
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import monthly_main
from tests.builders import pdf_text
from tests.builders import provider_uid

KOMPASROSEN = "97643024"


def _case_with_history(admin):
    case = create_case(admin, title="Åse Ødegård")
    response = admin.patch(case["@id"], json={"effort_step": 4, "scaling_step": 6})
    assert response.status_code == 204, response.text
    return case


def test_journal_and_history_over_rest(http):
    admin = http()
    case = _case_with_history(admin)
    response = admin.get(f"{case['@id']}/@bos-journal")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["@id"] == f"{case['@id']}/@bos-journal"
    assert body["items_total"] == len(body["items"]) == 3
    newest = body["items"][0]
    assert newest["action"] in ("effort_step_changed", "scaling_step_changed")
    assert {item["action"] for item in body["items"]} == {
        "case_created",
        "effort_step_changed",
        "scaling_step_changed",
    }
    assert set(newest) >= {
        "id",
        "time",
        "local_time",
        "actor",
        "actor_name",
        "action",
        "action_title",
        "title",
        "object",
        "comment",
        "amounts",
        "letter",
        "letter_url",
        "data",
    }
    assert newest["actor"] == "admin"
    assert newest["time"].endswith("+00:00")
    assert newest["local_time"][-6:] in ("+01:00", "+02:00")
    assert newest["object"]["@id"] == case["@id"]
    limited = admin.get(f"{case['@id']}/@bos-journal", params={"limit": 1}).json()
    assert len(limited["items"]) == 1 and limited["items_total"] == 3
    assert admin.get(f"{case['@id']}/@bos-journal", params={"limit": "x"}).status_code == 400

    history = admin.get(f"{case['@id']}/@bos-history").json()["items"]
    changes = [(item["field"], item["old"], item["new"]) for item in history if item["old"]]
    assert changes == [("effort_step", 3, 4), ("scaling_step", 5, 6)]
    assert all(item["actor"] == "admin" for item in history)


def test_journal_cannot_be_changed_over_rest(http):
    admin = http()
    case = _case_with_history(admin)
    url = f"{case['@id']}/@bos-journal"
    entry_id = admin.get(url).json()["items"][0]["id"]
    for method in ("post", "patch", "put", "delete"):
        for target in (url, f"{url}/{entry_id}"):
            response = getattr(admin, method)(target, json={"title": "Forfalsket"})
            assert response.status_code in (404, 405), (method, target, response.status_code)
    assert admin.get(url).json()["items_total"] == 3
    assert admin.post(f"{case['@id']}/@bos-history", json={}).status_code in (404, 405)


def test_anonymous_sees_no_journal(http, functional_portal):
    admin = http()
    case = create_case(admin)
    import requests

    response = requests.get(
        f"{case['@id']}/@bos-journal", headers={"Accept": "application/json"}, timeout=30
    )
    assert response.status_code == 401


def test_journal_tab_in_danish(http, functional_portal):
    api.portal.set_registry_record("plone.default_language", "da")
    transaction.commit()
    admin = http()
    case = _case_with_history(admin)
    page = admin.get(f"{case['@id']}/@@bos-journal", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    for label in (
        "Tidspunkt",
        "Bruger",
        "Handling",
        "Objekt",
        "Bemærkning",
        "Beløb",
        "Bevillingsskrivelse",
        "Ændringer af sagsbehandler og vurdering",
        "Nyt trin på indsatstrappen",
        "Sag oprettet",
    ):
        assert label in html, label
    # the Journal tab (an object action of the case type) is there and active
    assert re.search(r'class="nav-link\s+active" href="[^"]*/@@bos-journal', html)


def _grant_fires_the_decision_event():
    from os2bos_plone.services import grant as grant_service

    return any(
        "ActivitiesGranted" in inspect.getsource(module)
        for module in (grant_operation, grant_service)
    )


@pytest.mark.skipif(
    not _grant_fires_the_decision_event(),
    reason="@bos-grant does not fire IActivitiesGranted yet (grants.py / services/grant.py)",
)
def test_grant_over_rest_makes_a_letter(http):
    admin = http()
    case = create_case(admin, title="Åse Ødegård")
    appropriation = create_appropriation(admin, case["@id"])
    activity = create_activity(
        admin,
        appropriation["@id"],
        **monthly_main(
            admin,
            recipient_id=KOMPASROSEN,
            recipient_name="Kompasrosen",
            service_provider=provider_uid(admin, KOMPASROSEN),
        ),
    )
    response = admin.post(
        f"{appropriation['@id']}/@bos-grant",
        json={
            "activities": [activity["UID"]],
            "approval_level": "teamleder",
            "approval_note": "Bevilget på teammødet",
        },
    )
    assert response.status_code == 200, response.text
    items = admin.get(f"{case['@id']}/@bos-journal").json()["items"]
    decisions = [item for item in items if item["action"] == "activities_granted"]
    assert len(decisions) == 1, [item["action"] for item in items]
    decision = decisions[0]
    assert decision["letter_url"]
    assert decision["comment"] == "Bevilget på teammødet"
    pdf = admin.get(f"{decision['letter_url']}/@@download/file")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Åse Ødegård" in text
    assert "Bevilget efter Barnets lov § 32, stk. 1, nr. 5" in text
    assert "Familiebehandling (Hovedydelse) – Ny" in text
    assert "9.700,00 kr." in text  # 10.000 kr. at the provider's VAT factor of 97 %


def test_identity_team_and_case_worker_changes_over_rest(http):
    admin = http()
    http("j-rest-worker", roles=["BOSCaseWorker"])
    case = create_case(admin, team="familie_oest")
    response = admin.patch(
        case["@id"],
        json={
            "cpr_number": "020218-4321",
            "title": "Åse Ødegård",
            "team": "handicap",
            "case_worker": "j-rest-worker",
        },
    )
    assert response.status_code == 204, response.text
    items = admin.get(f"{case['@id']}/@bos-journal").json()["items"]
    by_action = {item["action"]: item for item in items}
    assert {"cpr_number_changed", "name_changed", "team_changed", "case_worker_changed"} <= set(
        by_action
    )
    cpr = by_action["cpr_number_changed"]
    assert cpr["action_title"] == "Nyt CPR-nummer"
    assert "»020218-XXXX«" in cpr["title"] and "4321" not in cpr["title"]
    assert cpr["data"]["new"] == "020218-4321"
    assert by_action["name_changed"]["title"].endswith("til »Åse Ødegård«.")
    assert by_action["team_changed"]["title"].endswith("til »Handicapteamet«.")
    assert by_action["case_worker_changed"]["data"]["new"] == "j-rest-worker"
