"""Appropriation letters are immutable records (issue 12, item 2): nobody can PATCH, replace or
delete one over REST, Manager included; the decision's journal entry holds the PDF's SHA-256."""

import base64
import hashlib

from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import team_users


def _granted(http, suffix):
    admin = http()
    worker, leader = team_users(http, suffix=suffix)
    case = create_case(admin, team="familie_oest")
    appropriation = create_appropriation(admin, case["@id"])
    main = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(leader, appropriation["@id"], [main["UID"]])
    [entry] = [
        item
        for item in admin.get(f"{case['@id']}/@bos-journal").json()["items"]
        if item["action"] == "activities_granted"
    ]
    return admin, worker, leader, case, entry


def _bytes(session, letter_url):
    response = session.get(f"{letter_url}/@@download/file", headers={"Accept": "*/*"})
    assert response.status_code == 200, response.status_code
    return response.content


def test_the_journal_holds_the_sha256_of_the_letter(http):
    admin, worker, _leader, case, entry = _granted(http, "-sha")
    letter_url = entry["letter_url"]
    data = _bytes(worker, letter_url)
    assert data.startswith(b"%PDF")
    assert entry["letter_sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["data"]["letter_sha256"] == entry["letter_sha256"]
    letter = admin.get(letter_url).json()
    assert letter["@type"] == "bos_letter"
    assert letter["sha256"] == entry["letter_sha256"]
    # the Classic UI journal shows it too
    page = admin.get(f"{case['@id']}/@@bos-journal", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert entry["letter_sha256"] in page.text


def test_nobody_changes_or_deletes_a_letter(http):
    admin, worker, leader, _case, entry = _granted(http, "-immutable")
    letter_url = entry["letter_url"]
    before = _bytes(admin, letter_url)
    title = admin.get(letter_url).json()["title"]
    other_pdf = {
        "data": base64.b64encode(b"%PDF-1.4 another letter").decode(),
        "encoding": "base64",
        "filename": "other.pdf",
        "content-type": "application/pdf",
    }
    # case worker, team leader, Manager (the site owner): the same Danish 403
    for session in (worker, leader, admin):
        for body in ({"title": "Ombyttet"}, {"file": other_pdf}):
            response = session.patch(letter_url, json=body)
            assert response.status_code == 403, (session.auth, body, response.text)
            assert "bevillingsskrivelse kan ikke ændres" in response.json()["message"]
        response = session.delete(letter_url)
        assert response.status_code == 403, (session.auth, response.text)
        assert "slettes" in response.json()["message"]
        # the Classic UI's edit and delete forms
        html = {"Accept": "text/html"}
        for form in ("@@edit", "@@delete_confirmation"):
            page = session.get(f"{letter_url}/{form}", headers=html, allow_redirects=False)
            assert page.status_code in (302, 401, 403), (form, page.status_code)
            if page.status_code == 302:
                assert "login" in page.headers["location"]
    # and everyone who reads the case reads the letter
    for session in (worker, leader, admin):
        assert session.get(letter_url, headers={"Accept": "text/html"}).status_code == 200
    assert _bytes(admin, letter_url) == before
    assert admin.get(letter_url).json()["title"] == title
    assert hashlib.sha256(_bytes(admin, letter_url)).hexdigest() == entry["letter_sha256"]
