"""The PRISME run over REST (POST @bos-prisme-export, GET @bos-prisme-files): which payments a
run for a day pays, the file read back, paid and journaled once, the file on disk after the
commit, and who may run it. Fixed dates in 2027: Friday 5 March covers 5 to 8 March."""

from datetime import date

import pytest
import requests
import transaction

from os2bos_plone import settings
from os2bos_plone.classification.reader import regelmotor
from os2bos_plone.engine.prisme import parse_prisme_file
from tests.builders import create_activity
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import new_appropriation
from tests.builders import payments

CHILD_CPR = "010118-1234"
FOSTER_CPR = "050570-1111"
ALIAS = "BOS0000042"
MAIN_ACCOUNT, CATEGORY = "528211003", "700105"  # family treatment (100206) under BL-32-1.5


@pytest.fixture
def office(http, functional_portal, tmp_path):
    settings.reader.write(
        municipality_name="Demo Kommune",
        prisme_org_unit="0151",
        prisme_machine_number="00482",
        payment_files_folder=str(tmp_path),
    )
    regelmotor().account_aliases = [
        {"alias": ALIAS, "main_account_number": MAIN_ACCOUNT, "category_id": CATEGORY}
    ]
    transaction.commit()
    return http("prisme-okonomi", roles=["BOSFinance"])


def person_cash(session, day, **changes):
    values = {
        "payment_day_of_month": day,
        "payment_amount": "4500.50",
        "service_provider": None,
        "recipient_type": "person",
        "recipient_id": FOSTER_CPR,
        "recipient_name": "Plejefar",
        "payment_method": "cash",
    }
    values.update(changes)
    return monthly_main(session, **values)


def granted(session, **fields):
    _case, appropriation = new_appropriation(session)
    activity = create_activity(session, appropriation["@id"], **fields)
    grant(session, appropriation["@id"], [activity["UID"]])
    return activity


def export(session, day, dry_run, expect=200):
    response = session.post(
        f"{session.base}/@bos-prisme-export", json={"date": day, "dry_run": dry_run}
    )
    assert response.status_code == expect, response.text
    return response.json()


def test_a_friday_run_pays_friday_to_monday_once(http, office, tmp_path):
    admin = http()
    friday = granted(admin, **person_cash(admin, 5))
    sunday = granted(admin, **person_cash(admin, 7, payment_amount="100.00"))
    tuesday = granted(admin, **person_cash(admin, 9))
    invoiced = granted(admin, **monthly_main(admin, payment_day_of_month=5))

    dry = export(office, "2027-03-05", True)
    assert dry["dates"] == ["2027-03-05", "2027-03-06", "2027-03-07", "2027-03-08"]
    assert (dry["payments"], dry["total"]) == (2, "4600.50")
    assert dry["refused"] == []
    records = parse_prisme_file(dry["content"])
    assert [record["record"] for record in records] == ["Z300", "G69", "G68", "G69", "G68", "SLUTD"]
    assert records[0]["header"]["org_unit"] == "0151"
    assert records[0]["header"]["day_of_year"] == "064"
    g69, g68 = records[1]["fields"], records[2]["fields"]
    assert g69["110"] == "20270305"
    assert g69["111"] == ALIAS
    assert g69["112"] == "000000450050 "
    assert g69["133"] == "0101181234"
    assert g68["11"] == "0505701111"
    assert g68["40"] == f"Fra Demo Kommune ref: {friday['payment_id']}"
    assert records[3]["fields"]["110"] == "20270307"
    assert records[-1]["header"]["count"] == "00004"
    # a dry run changes nothing
    assert not any(p["paid"] for p in payments(admin, friday["@id"], 2027)["items"])
    assert office.get(f"{office.base}/@bos-prisme-files").json()["items"] == []

    real = export(office, "2027-03-05", False)
    assert real["content"] == dry["content"]
    assert real["filename"].startswith("20270305_")
    paid = {p["date"]: p for p in payments(admin, friday["@id"], 2027)["items"] if p["paid"]}
    assert list(paid) == ["2027-03-05"]
    assert paid["2027-03-05"]["paid_amount"] == "4500.50"
    assert paid["2027-03-05"]["paid_date"] == "2027-03-05"
    assert paid["2027-03-05"]["account_alias"] == ALIAS
    assert [p["date"] for p in payments(admin, sunday["@id"], 2027)["items"] if p["paid"]] == [
        "2027-03-07"
    ]
    for untouched in (tuesday, invoiced):
        assert not any(p["paid"] for p in payments(admin, untouched["@id"], 2027)["items"])
    journal = admin.get(f"{friday['@id'].rsplit('/', 2)[0]}/@bos-journal").json()["items"]
    assert any(
        entry["action"] == "payment_paid" and real["filename"] in (entry.get("comment") or "")
        for entry in journal
    )
    # the file on disk, written after the commit, and kept in the site
    written = (tmp_path / real["filename"]).read_text(encoding="utf-8")
    assert written == real["content"]
    [kept] = office.get(f"{office.base}/@bos-prisme-files").json()["items"]
    assert (kept["filename"], kept["user"], kept["payments"]) == (
        real["filename"],
        "prisme-okonomi",
        2,
    )
    one = office.get(f"{office.base}/@bos-prisme-files/{real['filename']}").json()
    assert one["content"] == real["content"]

    again = export(office, "2027-03-05", False)
    assert (again["payments"], again["filename"], again["content"]) == (0, "", "")
    assert sorted(path.name for path in tmp_path.iterdir()) == [real["filename"]]


def test_a_payment_without_an_account_alias_is_left_and_named(http, office):
    admin = http()
    regelmotor().account_aliases = []
    transaction.commit()
    activity = granted(admin, **person_cash(admin, 5))
    result = export(office, "2027-03-05", False)
    assert result["payments"] == 0
    [refused] = result["refused"]
    assert refused["date"] == "2027-03-05"
    assert any("konto" in problem.lower() for problem in refused["problems"])
    assert not any(p["paid"] for p in payments(admin, activity["@id"], 2027)["items"])


def test_easter_2027_is_one_run(http, office):
    result = export(office, "2027-03-24", True)
    assert result["dates"][0] == "2027-03-24" and result["dates"][-1] == "2027-03-30"
    assert date.fromisoformat(result["dates"][-1]).weekday() == 1  # Tuesday after Easter


def test_bad_input_and_missing_settings(http, office):
    errors = export(office, "5. marts", True, expect=400)
    assert errors["errors"][0]["field"] == "date"
    errors = export(office, "2027-03-05", "ja", expect=400)
    assert errors["errors"][0]["field"] == "dry_run"
    admin = http()
    granted(admin, **person_cash(admin, 5))
    settings.reader.write(prisme_org_unit="", prisme_machine_number="")
    transaction.commit()
    answer = export(office, "2027-03-05", False, expect=400)
    assert "organisationsenheden" in answer["errors"][0]["message"]


def test_who_may_run_it(http, office, functional_portal):
    url = f"{functional_portal.absolute_url()}/@bos-prisme-export"
    anonymous = requests.post(url, json={"dry_run": True}, headers={"Accept": "application/json"})
    assert anonymous.status_code == 401
    for username, role in (
        ("prisme-sb", "BOSCaseWorker"),
        ("prisme-tl", "BOSTeamLeader"),
        ("prisme-ledelse", "BOSManagement"),
    ):
        session = http(username, roles=[role])
        assert session.post(url, json={"dry_run": True}).status_code in (401, 403)
        files = session.get(f"{session.base}/@bos-prisme-files")
        assert files.status_code in (401, 403)


def test_a_run_in_savepoints_still_pays_all_or_nothing(http, office, tmp_path, monkeypatch):
    """A real run moves its changes into a savepoint every so many payments (to bound its
    memory at 10,000 cases); it still commits as one. Here after every payment: a run whose
    third payment fails pays none, keeps no file and writes none; run again, it pays all three."""
    from os2bos_plone.payouts import prisme

    admin = http()
    activities = [
        granted(admin, **person_cash(admin, day, payment_amount=amount))
        for day, amount in ((5, "100.00"), (6, "200.00"), (7, "300.00"))
    ]
    monkeypatch.setattr(prisme, "SPILL_EVERY", 1)
    real_mark_paid, calls = prisme.mark_paid, []

    def third_fails(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real_mark_paid(*args, **kwargs)

    monkeypatch.setattr(prisme, "mark_paid", third_fails)
    failed = office.post(
        f"{office.base}/@bos-prisme-export", json={"date": "2027-03-05", "dry_run": False}
    )
    assert failed.status_code >= 500
    assert len(calls) == 3
    for activity in activities:
        assert not any(p["paid"] for p in payments(admin, activity["@id"], 2027)["items"])
    assert office.get(f"{office.base}/@bos-prisme-files").json()["items"] == []
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(prisme, "mark_paid", real_mark_paid)
    real = export(office, "2027-03-05", False)
    assert (real["payments"], real["total"]) == (3, "600.00")
    for activity, day in zip(activities, ("2027-03-05", "2027-03-06", "2027-03-07"), strict=True):
        paid = [p["date"] for p in payments(admin, activity["@id"], 2027)["items"] if p["paid"]]
        assert paid == [day]
    assert (tmp_path / real["filename"]).read_text(encoding="utf-8") == real["content"]
