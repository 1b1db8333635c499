"""Over HTTP: the family on the case (REST, the journal, the case view, the edit form) and
GET @bos-dst-export (the file, its name, who may, bad input, a real delivery kept and listed,
the download in the read audit log). Today is Monday 7 December 2026."""

import json
import os
from datetime import date

import pytest
import transaction
from lxml import etree

from os2bos_plone import settings
from os2bos_plone.audit import log
from os2bos_plone.classification.reader import by_key
from tests.builders import DST_SETTINGS
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import dst_schema
from tests.builders import grant
from tests.builders import monthly_main

HTML = {"Accept": "text/html"}
MOTHER = {"relation": "mor", "cpr": "0202851234", "name": "Anna Hansen"}
FATHER = {"relation": "far", "cpr": "030380-4321", "name": "Bo Hansen", "related_case": ""}


@pytest.fixture
def today(frozen_today):
    frozen_today(date(2026, 12, 7))


def audit_entries(directory, what):
    log.flush()
    found = []
    for name in sorted(os.listdir(directory)) if directory.exists() else ():
        with open(directory / name, encoding="utf-8") as handle:
            found.extend(json.loads(line) for line in handle)
    return [entry for entry in found if entry["what"] == what]


def messages(response):
    assert response.status_code == 400, response.text
    return [error["message"] for error in response.json()["errors"]]


def test_the_family_over_rest_the_journal_and_the_view(http, today):
    admin = http()
    sibling = create_case(admin, cpr_number="040415-1111", title="Sif Hansen")
    case = create_case(admin, related_persons=[MOTHER])
    # stored with the hyphen whichever form was sent
    assert admin.get(case["@id"]).json()["related_persons"] == [
        {"relation": "mor", "cpr": "020285-1234", "name": "Anna Hansen", "related_case": ""}
    ]

    bad = admin.patch(
        case["@id"],
        json={
            "related_persons": [
                FATHER,
                {"relation": "far", "cpr": "320180-1234", "name": "Bo"},
                {"relation": "mor", "cpr": "020285-1234", "name": ""},
                {"relation": "onkel", "cpr": "020285-1234", "name": "Ole"},
                {"relation": "soeskende", "cpr": "040415-1111", "name": "Sif", "related_case": "x"},
                "Anna",
            ]
        },
    )
    assert messages(bad) == [
        "Familie, række 2: CPR-nummeret indeholder ikke en gyldig fødselsdato.",
        "Familie, række 3: »Navn« skal udfyldes",
        "Familie, række 4: relationen skal være en af mor, far, soeskende, plejeforaelder, "
        "bedsteforaelder, andet",
        "Familie, række 5: Der findes ingen sag med UID »x«.",
        "Familie, række 6: rækken skal være et objekt",
    ]
    assert admin.get(case["@id"]).json()["related_persons"][0]["name"] == "Anna Hansen"
    assert admin.patch(case["@id"], json={"related_persons": "Anna"}).status_code == 400
    refused = create_case(admin, expect=400, related_persons=[{"relation": "far", "cpr": "1"}])
    assert [error["message"] for error in refused["errors"]] == [
        "Familie, række 1: CPR-nummeret skal have formen DDMMÅÅXXXX eller DDMMÅÅ-XXXX (10 cifre).",
        "Familie, række 1: »Navn« skal udfyldes",
    ]

    sister = {
        "relation": "soeskende",
        "cpr": "040415-1111",
        "name": "Sif Hansen",
        "related_case": sibling["UID"],
    }
    good = admin.patch(case["@id"], json={"related_persons": [FATHER, sister]})
    assert good.status_code == 204, good.text

    journal = admin.get(f"{case['@id']}/@bos-journal").json()["items"]
    [entry] = [item for item in journal if item["action"] == "related_persons_changed"]
    assert entry["title"] == (
        "Familien er ændret: tilføjet Far 030380-XXXX (Bo Hansen); tilføjet Søskende "
        "040415-XXXX (Sif Hansen); fjernet Mor 020285-XXXX (Anna Hansen)."
    )
    text = json.dumps(journal)
    for cpr in ("0303804321", "030380-4321", "0202851234", "020285-1234", "040415-1111"):
        assert cpr not in text

    page = admin.get(case["@id"], headers=HTML)
    assert page.status_code == 200
    assert "Familie" in page.text
    assert "Søskende" in page.text and "Sif Hansen" in page.text
    assert f'href="{sibling["@id"]}"' in page.text

    # a case worker who may not see the sibling's case sees the family without the link
    worker = http("dst-mette", roles=["BOSCaseWorker"])
    # the case worker of the case, not of the sibling's
    assert admin.patch(case["@id"], json={"case_worker": "dst-mette"}).status_code == 204
    as_worker = worker.get(case["@id"], headers=HTML)
    assert as_worker.status_code == 200, as_worker.status_code
    assert "Sif Hansen" in as_worker.text
    assert f'href="{sibling["@id"]}"' not in as_worker.text

    form = admin.get(f"{case['@id']}/edit", headers=HTML)
    assert form.status_code == 200
    assert "form.widgets.related_persons" in form.text
    assert "Familie" in form.text


@pytest.fixture
def reported(http, today):
    """One granted family treatment (BL-32-1.5, DST code 123) appropriated today."""
    settings.reader.write(**DST_SETTINGS)
    section = by_key("bos_section", "BL-32-1.5")
    section.dst_code = "123"
    section.dst_handicap = True
    transaction.commit()
    admin = http()
    case = create_case(admin, related_persons=[MOTHER])
    appropriation = create_appropriation(admin, case["@id"])
    activity = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(admin, appropriation["@id"], [activity["UID"]])
    return appropriation


def test_the_export_over_rest(http, reported, audit_dir):
    leader = http("dst-ledelse", roles=["BOSManagement"])
    url = f"{leader.base}/@bos-dst-export"

    response = leader.get(url, params={"kind": "handicap", "initial_load": "true"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/xml")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="T_151_T231_P2026M11_V01_D20261207T')
    document = etree.fromstring(response.content)
    assert dst_schema("DST_BoernMedHandicapLeveranceL231Struktur.xsd").validate(document)
    assert reported["sbsys_id"].encode() in response.content
    [entry] = audit_entries(audit_dir, "export")
    assert entry["user"] == "dst-ledelse"
    assert entry["detail"].startswith("@bos-dst-export T_151_T231_")
    assert entry["detail"].endswith(": 1 sager")

    # a test file is not kept; a real one is, and the screen lists it
    real = leader.get(url, params={"kind": "handicap", "initial_load": "true", "test": "false"})
    assert real.status_code == 200, real.text
    filename = real.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
    assert filename.startswith("P_151_L231_P2026M11_V01_D20261207T")
    screen = leader.get(f"{leader.base}/@@bos-dst", headers=HTML)
    assert screen.status_code == 200
    assert screen.text.count(".xml</td>") == 1
    assert filename in screen.text
    preset = leader.get(f"{leader.base}/@@bos-dst?since_last=handicap", headers=HTML)
    assert 'value="07.12.2026"' in preset.text

    # nothing new since: a Danish 400, nothing kept
    nothing = leader.get(url, params={"kind": "handicap", "from_date": "2026-12-08"})
    assert messages(nothing) == ["Der er intet at indberette i perioden."]


def test_bad_input_and_who_may(http, reported):
    leader = http("dst-ledelse2", roles=["BOSManagement"])
    url = f"{leader.base}/@bos-dst-export"
    assert messages(leader.get(url, params={"kind": "foo", "test": "måske"})) == [
        "Angiv »kind« som preventive eller handicap.",
        "Angiv »test« som true eller false.",
    ]
    assert messages(leader.get(url, params={"kind": "handicap", "from_date": "2026-13-01"})) == [
        "Ugyldig dato. Angiv datoen som ÅÅÅÅ-MM-DD."
    ]
    assert messages(
        leader.get(
            url, params={"kind": "handicap", "from_date": "2026-12-01", "to_date": "2026-11-01"}
        )
    ) == ["Fradatoen skal ligge før eller på tildatoen."]
    for roles in (["BOSCaseWorker"], ["BOSFinance"], ["BOSTeamLeader"]):
        session = http(f"dst-{roles[0].lower()}", roles=roles)
        assert session.get(url, params={"kind": "handicap"}).status_code in (401, 403)
        screen = session.get(f"{session.base}/@@bos-dst", headers=HTML, allow_redirects=False)
        # Plone's screens send who may not see a page to the login form
        assert screen.status_code in (302, 401, 403)
        assert "bos-dst-form" not in screen.text
    anonymous = http()
    anonymous.auth = None
    assert anonymous.get(url, params={"kind": "handicap"}).status_code == 401
    assert http().get(url, params={"kind": "handicap"}).status_code == 200  # Manager


def edit_form_values(session, case_url):
    """The case edit form's values as a browser would send them (name, value) pairs."""
    import lxml.html

    page = session.get(f"{case_url}/edit", headers=HTML)
    assert page.status_code == 200
    document = lxml.html.fromstring(page.text)
    count = "form.widgets.related_persons.count"
    [form] = [form for form in document.forms if count in form.inputs.keys()]
    return [
        (name, value)
        for name, value in form.form_values()
        if not name.startswith("form.widgets.related_persons.")
    ]


def family_rows(*rows):
    values = [("form.widgets.related_persons.count", str(len(rows)))]
    for number, (relation, cpr, name) in enumerate(rows):
        prefix = f"form.widgets.related_persons.{number}"
        values += [
            (f"{prefix}-empty-marker", "1"),
            (f"{prefix}.widgets.relation:list", relation),
            (f"{prefix}.widgets.relation-empty-marker", "1"),
            (f"{prefix}.widgets.cpr", cpr),
            (f"{prefix}.widgets.name", name),
            (f"{prefix}.widgets.related_case", ""),
        ]
    return values


def test_the_family_on_the_edit_form(http, today):
    admin = http()
    case = create_case(admin)
    form = {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}
    base = edit_form_values(admin, case["@id"])
    save = [("form.buttons.save", "Gem")]

    bad = admin.post(
        f"{case['@id']}/edit",
        data=base + family_rows(("mor", "0202851234", "Anna"), ("far", "320180-1234", "Bo")) + save,
        headers=form,
        allow_redirects=False,
    )
    assert bad.status_code == 200
    assert "CPR-nummeret indeholder ikke en gyldig fødselsdato." in bad.text
    assert admin.get(case["@id"]).json()["related_persons"] == []

    good = admin.post(
        f"{case['@id']}/edit",
        data=base
        + family_rows(("mor", "0202851234", "Anna"), ("plejeforaelder", "030380-4321", "Bo"))
        + save,
        headers=form,
        allow_redirects=False,
    )
    assert good.status_code == 302, good.text[:3000]
    assert admin.get(case["@id"]).json()["related_persons"] == [
        {"relation": "mor", "cpr": "020285-1234", "name": "Anna", "related_case": ""},
        {"relation": "plejeforaelder", "cpr": "030380-4321", "name": "Bo", "related_case": ""},
    ]
    page = admin.get(case["@id"], headers=HTML).text
    assert "Plejeforælder" in page
    journal = admin.get(f"{case['@id']}/@bos-journal").json()["items"]
    assert any(item["action"] == "related_persons_changed" for item in journal)


def test_the_screen_makes_the_file(http, reported, audit_dir):
    import re

    leader = http("dst-ledelse3", roles=["BOSManagement"])
    screen = leader.get(f"{leader.base}/@@bos-dst", headers=HTML)
    token = re.search(r'name="_authenticator"\s+value="([^"]+)"', screen.text)
    token = token or re.search(r'value="([^"]+)"\s+name="_authenticator"', screen.text)
    form = {"Accept": "*/*", "Content-Type": "application/x-www-form-urlencoded"}
    data = {"kind": "handicap", "initial_load": "1", "submitted": "1"}
    refused = leader.post(f"{leader.base}/@@bos-dst", data=data, headers=form)
    assert refused.status_code == 403  # no form token
    made = leader.post(
        f"{leader.base}/@@bos-dst",
        data={**data, "_authenticator": token.group(1)},
        headers=form,
    )
    assert made.status_code == 200
    assert made.headers["Content-Disposition"].startswith(
        'attachment; filename="P_151_L231_P2026M11_V01_D20261207T'
    )
    assert dst_schema("DST_BoernMedHandicapLeveranceL231Struktur.xsd").validate(
        etree.fromstring(made.content)
    )
    [entry] = audit_entries(audit_dir, "export")
    assert entry["detail"].startswith("@@bos-dst P_151_L231_")
    listed = leader.get(f"{leader.base}/@@bos-dst", headers=HTML)
    assert made.headers["Content-Disposition"].split('"')[1] in listed.text
