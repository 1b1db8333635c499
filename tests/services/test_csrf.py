"""A REST write in a cookie session needs the CSRF token (services/csrf.py).

A browser sends a cross-site request with the session cookie and a text/plain body without
asking; plone.restapi lifts plone.protect's check on its own write services. So on the product
site a write by a cookie session without a valid X-CSRF-TOKEN is a 403 in the error shape and
changes nothing, before the service runs. Requests with an Authorization header work as before;
the cost preview (a POST that only reads) needs no token."""

import json
from datetime import date

import pytest
import requests
import transaction
from plone import api
from plone.protect.authenticator import createToken

from os2bos_plone.services.csrf import MSG_CSRF
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import monthly_main
from tests.builders import state_of
from tests.builders import team_users
from tests.builders import unique_sbsys

JSON = {"Accept": "application/json", "Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def decided_in_december_2026(frozen_today):
    """The plans run in 2027 and are decided on 2 December 2026."""
    frozen_today(date(2026, 12, 2))


def cookie_session(portal_url, username, password="secret-pw-123"):
    """Logged in through the login form: the session holds the __ac cookie, no credentials."""
    session = requests.Session()
    login = session.post(
        f"{portal_url}/login",
        data={
            "__ac_name": username,
            "__ac_password": password,
            "form.submitted": "1",
            "buttons.login": "Log ind",
        },
    )
    assert login.status_code == 200
    assert "__ac" in session.cookies, "logged in with a cookie"
    assert session.auth is None
    session.headers.update(JSON)
    return session


def token_for(username):
    with api.env.adopt_user(username=username):
        return createToken()


def refused(response):
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["type"] == "Forbidden"
    assert body["message"] == MSG_CSRF
    assert body["errors"] == [{"field": "", "message": MSG_CSRF}]
    return body


def case_count():
    transaction.begin()  # see what the server thread committed
    return len(api.portal.get()["sager"].objectIds())


def case_data(**fields):
    return {
        "@type": "bos_case",
        "sbsys_id": unique_sbsys(),
        "cpr_number": "010118-1234",
        "title": "Alma Andersen",
        "team": "familie_oest",
        "target_group": "familie",
        "district": "nord",
        "effort_step": 3,
        "scaling_step": 5,
        "paying_municipality": "151",
        "acting_municipality": "151",
        "residence_municipality": "151",
        **fields,
    }


@pytest.fixture
def sessions(http, functional_portal):
    """(worker over basic auth, worker's cookie session, leader over basic auth, leader's
    cookie session)."""
    worker, leader = team_users(http, suffix="-csrf")
    portal_url = functional_portal.absolute_url()
    worker_cookie = cookie_session(portal_url, "sb-familie_oest-csrf")
    leader_cookie = cookie_session(portal_url, "tl-familie_oest-csrf")
    return worker, worker_cookie, leader, leader_cookie


def test_a_content_post_needs_the_token(sessions):
    worker, worker_cookie, _leader, _leader_cookie = sessions
    url = f"{worker.base}/sager"
    before = case_count()

    refused(worker_cookie.post(url, json=case_data()))
    # The cross-site form: a text/plain body the browser sends with the cookie, no preflight.
    plain = worker_cookie.post(
        url,
        data=json.dumps(case_data()),
        headers={"Accept": "application/json", "Content-Type": "text/plain"},
    )
    refused(plain)
    wrong = worker_cookie.post(url, json=case_data(), headers={"X-CSRF-TOKEN": "0" * 40})
    refused(wrong)
    assert case_count() == before, "nothing created"

    token = token_for("sb-familie_oest-csrf")
    created = worker_cookie.post(url, json=case_data(), headers={"X-CSRF-TOKEN": token})
    assert created.status_code == 201, created.text
    assert case_count() == before + 1

    # An Authorization header works as before, no token.
    by_basic_auth = worker.post(url, json=case_data())
    assert by_basic_auth.status_code == 201, by_basic_auth.text
    assert case_count() == before + 2


def test_patch_delete_and_workflow_need_the_token(sessions):
    worker, worker_cookie, _leader, _leader_cookie = sessions
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"])
    main = create_activity(worker, appropriation["@id"], **monthly_main(worker))

    refused(worker_cookie.patch(case["@id"], json={"title": "Ændret"}))
    refused(worker_cookie.delete(main["@id"]))
    refused(worker_cookie.post(f"{main['@id']}/@workflow/submit", json={}))
    assert worker.get(case["@id"]).json()["title"] == "Alma Andersen"
    assert worker.get(main["@id"]).status_code == 200
    assert state_of(worker, main["@id"]) == "draft"

    token = {"X-CSRF-TOKEN": token_for("sb-familie_oest-csrf")}
    patched = worker_cookie.patch(case["@id"], json={"title": "Ændret"}, headers=token)
    assert patched.status_code == 204, patched.text
    assert worker.get(case["@id"]).json()["title"] == "Ændret"


def test_a_grant_without_the_token_is_an_error_not_200(sessions):
    worker, _worker_cookie, leader, leader_cookie = sessions
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"])
    main = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    url = f"{appropriation['@id']}/@bos-grant"
    body = {"activities": [main["UID"]], "approval_level": "teamleder"}

    answer = leader_cookie.post(url, json=body)
    refused(answer)
    assert "granted" not in answer.json()
    assert state_of(worker, main["@id"]) == "draft", "nothing granted"

    token = {"X-CSRF-TOKEN": token_for("tl-familie_oest-csrf")}
    granted = leader_cookie.post(url, json=body, headers=token)
    assert granted.status_code == 200, granted.text
    assert granted.json() == {"granted": [main["UID"]]}
    assert state_of(worker, main["@id"]) == "granted"


def test_a_grant_by_basic_auth_needs_no_token(sessions):
    worker, _worker_cookie, leader, _leader_cookie = sessions
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"])
    main = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    answer = leader.post(
        f"{appropriation['@id']}/@bos-grant",
        json={"activities": [main["UID"]], "approval_level": "teamleder"},
    )
    assert answer.status_code == 200, answer.text
    assert state_of(worker, main["@id"]) == "granted"


def test_the_cost_preview_reads_without_a_token(sessions):
    worker, worker_cookie, _leader, _leader_cookie = sessions
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"])
    answer = worker_cookie.post(
        f"{appropriation['@id']}/@bos-cost-preview", json=monthly_main(worker)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["payments_count"] == 12


def test_reads_and_logins_are_not_checked(sessions, functional_portal):
    worker, worker_cookie, _leader, _leader_cookie = sessions
    assert worker_cookie.get(f"{worker.base}/sager").status_code == 200
    login = worker_cookie.post(
        f"{worker.base}/@login",
        json={"login": "sb-familie_oest-csrf", "password": "secret-pw-123"},
    )
    assert login.status_code == 200, login.text
    assert "token" in login.json()
