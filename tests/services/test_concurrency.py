"""Parallel grants over real HTTP: the test WSGI server (waitress, several threads) publishes
each request with its own ZODB connection and retries a ConflictError, as Zope does.

Grants on different cases all succeed (nothing every grant writes is shared); grants on one
appropriation: one wins, the others answer 409 in Danish in the product's error shape, and
exactly one decision, journal entry and letter exist. Never a 500."""

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.uuid.interfaces import IUUID

from os2bos_plone.security.users import create_user
from tests.builders import in_parallel
from tests.builders import journal_of
from tests.builders import letters_of
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import state_of

pytestmark = pytest.mark.concurrency

JSON = {"Accept": "application/json", "Content-Type": "application/json"}


def build_cases(portal, count):
    """``count`` cases with one appropriation holding one draft main activity each, committed:
    [(case url, appropriation url, activity UID, activity url)]."""
    built = []
    with api.env.adopt_roles(["Manager"]):
        for _ in range(count):
            case = make_case(portal)
            appropriation = make_appropriation(case)
            activity = make_activity(appropriation, **main_fields())
            built.append(
                (
                    case.absolute_url(),
                    appropriation.absolute_url(),
                    IUUID(activity),
                    activity.absolute_url(),
                )
            )
    transaction.commit()
    return built


def session_as(username=None, password="secret-pw-123"):
    session = requests.Session()
    session.headers.update(JSON)
    session.auth = (username, password) if username else (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    return session


def post_grant(session, appropriation_url, uid):
    return session.post(
        f"{appropriation_url}/@bos-grant",
        json={"activities": [uid], "approval_level": "teamleder", "approval_note": "Samtidig"},
        timeout=60,
    )


def test_parallel_grants_on_different_cases_all_succeed(functional_portal):
    cases = build_cases(functional_portal, 10)
    sessions = [session_as() for _ in cases]
    responses = in_parallel(
        [
            lambda s=s, url=url, uid=uid: post_grant(s, url, uid)
            for s, (_case, url, uid, _activity) in zip(sessions, cases, strict=True)
        ]
    )
    for response, (_case, _url, uid, _activity) in zip(responses, cases, strict=True):
        assert isinstance(response, requests.Response), response
        assert response.status_code == 200, response.text
        assert response.json() == {"granted": [uid]}
    admin = session_as()
    for case_url, _url, _uid, activity_url in cases:
        assert state_of(admin, activity_url) == "granted"
        assert len(journal_of(admin, case_url, "activities_granted")) == 1
        assert len(letters_of(admin, case_url)) == 1


def test_parallel_grants_on_one_appropriation_one_wins(functional_portal):
    ((case_url, url, uid, activity_url),) = build_cases(functional_portal, 1)
    # Different deciders: a concurrent grant by someone else is never a silent repeat.
    names = [f"chef-samtidig-{i}" for i in range(5)]
    for name in names:
        if api.user.get(username=name) is None:
            create_user(name, "secret-pw-123")
            api.user.grant_roles(username=name, roles=["Manager"])
    transaction.commit()
    sessions = [session_as(name) for name in names]
    responses = in_parallel([lambda s=s: post_grant(s, url, uid) for s in sessions])
    assert all(isinstance(response, requests.Response) for response in responses), responses
    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 409, 409, 409, 409], [r.text for r in responses]
    (winner,) = [r for r in responses if r.status_code == 200]
    assert winner.json() == {"granted": [uid]}
    for response in responses:
        if response.status_code != 409:
            continue
        body = response.json()
        assert body["type"] == "Conflict"
        # Retried after the conflict and found granted; or, between processes, out of retries.
        assert body["message"] in (
            "Ydelsen »Familiebehandling« er allerede bevilget af en anden.",
            "Andre ændrede det samme samtidig. Prøv igen.",
        )
        assert body["errors"] == [{"field": "", "message": body["message"]}]
    admin = session_as()
    assert state_of(admin, activity_url) == "granted"
    assert len(journal_of(admin, case_url, "activities_granted")) == 1
    assert len(letters_of(admin, case_url)) == 1


def test_a_conflict_that_outlives_the_retries_is_a_danish_409(functional_portal, monkeypatch):
    from ZODB.POSException import ConflictError
    from ZPublisher.HTTPRequest import HTTPRequest

    from os2bos_plone.decisions import grant as grant_module

    ((case_url, url, uid, activity_url),) = build_cases(functional_portal, 1)
    tries = []

    def always_in_conflict(*args, **kwargs):
        tries.append(1)
        raise ConflictError()

    monkeypatch.setattr(grant_module, "check_grant", always_in_conflict)
    monkeypatch.setattr(HTTPRequest, "delay_retry", lambda self: None)
    response = post_grant(session_as(), url, uid)
    assert len(tries) == 4  # the request and Zope's three retries
    assert response.status_code == 409, response.text
    assert response.json() == {
        "type": "Conflict",
        "message": "Andre ændrede det samme samtidig. Prøv igen.",
        "errors": [{"field": "", "message": "Andre ændrede det samme samtidig. Prøv igen."}],
    }
    monkeypatch.undo()
    admin = session_as()
    assert state_of(admin, activity_url) == "draft"
    assert journal_of(admin, case_url, "activities_granted") == []
