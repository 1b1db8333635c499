"""Reads of what a case holds (appropriations, activities, the journal, letters) are logged
under their case, and a search by CPR goes in the log, never in a URL (@search)."""

import json
from datetime import date

import pytest

from os2bos_plone.services.search import MSG_CPR_IN_URL
from tests.audit.test_audit_log import HTML
from tests.audit.test_audit_log import entries
from tests.audit.test_audit_log import unique_cpr
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import grant
from tests.builders import monthly_main


@pytest.fixture(autouse=True)
def decided_in_december_2026(frozen_today):
    """The plans run in 2027 and are decided on 2 December 2026."""
    frozen_today(date(2026, 12, 2))


def test_search_by_cpr_in_a_url_is_refused(http, audit_dir):  # noqa: F811
    admin = http()
    cpr = unique_cpr()
    create_case(admin, cpr_number=cpr)
    for params in ({"bos_cpr": cpr}, {"SearchableText": f"{cpr[:6]}-{cpr[6:]}"}):
        response = admin.get(f"{admin.base}/@search", params=params)
        assert response.status_code == 400, response.text
        assert response.json() == {
            "type": "ValidationError",
            "message": MSG_CPR_IN_URL,
            "errors": [{"field": "bos_cpr", "message": MSG_CPR_IN_URL}],
        }
    assert admin.get(f"{admin.base}/@search", params={"portal_type": "bos_case"}).ok
    assert entries(audit_dir, "cpr_search") == []


def test_search_by_cpr_is_posted_and_logged(http, audit_dir):  # noqa: F811
    admin = http()
    cpr = unique_cpr()
    case = create_case(admin, cpr_number=cpr)
    reader = http("audit-post-search", roles=["BOSManagement"])
    response = reader.post(
        f"{reader.base}/@search", json={"bos_cpr": cpr, "portal_type": "bos_case"}
    )
    assert response.status_code == 200, response.text
    assert [item["@id"] for item in response.json()["items"]] == [case["@id"]]
    found = entries(audit_dir, "cpr_search")
    assert [(e["user"], e["case"], e["detail"]) for e in found] == [
        ("audit-post-search", case["UID"], "@search")
    ]
    assert cpr not in json.dumps(found)
    # a search that finds nothing is logged too, without a case
    reader.post(f"{reader.base}/@search", json={"bos_cpr": "0101010000"})
    assert [e["case"] for e in entries(audit_dir, "cpr_search")][-1] == ""
    # a POST search without a CPR is no CPR search
    assert reader.post(f"{reader.base}/@search", json={"portal_type": "bos_case"}).ok
    assert len(entries(audit_dir, "cpr_search")) == 2


def test_reads_of_what_a_case_holds_are_logged_under_the_case(http, audit_dir):  # noqa: F811
    admin = http()
    case = create_case(admin)
    appropriation = create_appropriation(admin, case["@id"])
    activity = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(admin, appropriation["@id"], [activity["UID"]])
    items = admin.get(f"{case['@id']}?expand=").json()["items"]
    (letter,) = [item for item in items if item["@type"] == "bos_letter"]
    assert entries(audit_dir, "child_rest") == []  # writing is no read
    reader = http("audit-child", roles=["BOSManagement"])

    uids = []
    for url in (appropriation["@id"], activity["@id"], letter["@id"]):
        response = reader.get(url)
        assert response.status_code == 200
        uids.append(response.json()["UID"])
    found = entries(audit_dir, "child_rest")
    assert [(e["user"], e["case"], e["case_sbsys"]) for e in found] == [
        ("audit-child", case["UID"], case["sbsys_id"])
    ] * 3
    assert [e["detail"].split()[:2] for e in found] == [
        ["bos_appropriation", appropriation["UID"]],
        ["bos_activity", activity["UID"]],
        ["bos_letter", uids[2]],
    ]
    # the journal over REST is a read of the case
    assert reader.get(f"{case['@id']}/@bos-journal").status_code == 200
    journal = [e for e in entries(audit_dir, "case_rest") if e["user"] == "audit-child"]
    assert [(e["case"], e["detail"]) for e in journal] == [(case["UID"], "@bos-journal")]

    # the pages: appropriation, activity, the case's journal, the letter's PDF
    pages = (
        appropriation["@id"],
        activity["@id"],
        f"{case['@id']}/@@bos-journal",
        f"{letter['@id']}/@@download/file",
    )
    for url in pages:
        response = reader.get(url, headers=HTML)
        assert response.status_code == 200, url
    found = entries(audit_dir, "child_view")
    assert [e["case"] for e in found] == [case["UID"]] * 4
    assert [e["detail"].split()[0] for e in found] == [
        "bos_appropriation",
        "bos_activity",
        "bos_case",
        "bos_letter",
    ]
    # a refused read is no read
    stranger = http("audit-child-stranger", roles=["BOSCaseWorker"])
    assert stranger.get(activity["@id"]).status_code == 403
    assert stranger.get(activity["@id"], headers=HTML).status_code in (401, 403, 302, 200)
    assert [e["user"] for e in entries(audit_dir)].count("audit-child-stranger") == 0
