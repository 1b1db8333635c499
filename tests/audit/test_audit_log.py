"""Who looked at which child (issue 12, item 5): reads of a case, CPR searches and exports are
written to an append-only log outside the ZODB that the data-protection role can search; the CPR
number never goes into a URL."""

import json
import os
import uuid

from os2bos_plone.audit import log
from tests.builders import create_case

HTML = {"Accept": "text/html"}
FORM = {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}


def entries(directory, what=None):
    log.flush()
    found = []
    for name in sorted(os.listdir(directory)) if directory.exists() else ():
        with open(directory / name, encoding="utf-8") as handle:
            found.extend(json.loads(line) for line in handle)
    return [entry for entry in found if what is None or entry["what"] == what]


def unique_cpr():
    return f"0101{uuid.uuid4().int % 100:02d}{uuid.uuid4().int % 10000:04d}"


def test_case_view_writes_one_entry(http, audit_dir):
    admin = http()
    case = create_case(admin)
    reader = http("audit-reader", roles=["BOSManagement"])
    response = reader.get(f"{case['@id']}/@@bos-case-view", headers=HTML)
    assert response.status_code == 200
    found = entries(audit_dir, "case_view")
    assert len(found) == 1
    entry = found[0]
    assert entry["user"] == "audit-reader"
    assert entry["case"] == case["UID"]
    assert entry["case_sbsys"] == case["sbsys_id"]
    assert entry["time"].endswith("+00:00")
    assert "1234" not in json.dumps(found)  # never the CPR number


def test_rest_get_of_a_case_writes_one_entry(http, audit_dir):
    admin = http()
    case = create_case(admin)
    assert entries(audit_dir, "case_rest") == []  # creating it is no read
    reader = http("audit-rest", roles=["BOSManagement"])
    assert reader.get(case["@id"]).status_code == 200
    found = entries(audit_dir, "case_rest")
    assert [(e["user"], e["case"]) for e in found] == [("audit-rest", case["UID"])]
    # a refused read is not a read
    stranger = http("audit-stranger", roles=["BOSCaseWorker"])
    assert stranger.get(case["@id"]).status_code == 403
    assert len(entries(audit_dir, "case_rest")) == 1


def test_cpr_search_in_sager_is_posted_and_logged(http, audit_dir):
    admin = http()
    cpr = unique_cpr()
    case = create_case(admin, cpr_number=cpr)
    reader = http("audit-search", roles=["BOSManagement"])
    listing = f"{reader.base}/sager/@@bos-cases-listing"
    # the listing without a CPR filter is no CPR search
    assert reader.get(listing, params={"case_worker": ""}, headers=HTML).status_code == 200
    assert entries(audit_dir, "cpr_search") == []
    response = reader.post(listing, data={"cpr": cpr, "case_worker": ""}, headers=FORM)
    assert response.status_code == 200
    assert case["sbsys_id"] in response.text
    found = entries(audit_dir, "cpr_search")
    assert [(e["user"], e["case"], e["case_sbsys"]) for e in found] == [
        ("audit-search", case["UID"], case["sbsys_id"])
    ]
    assert cpr not in json.dumps(found)
    # the CPR is in no link of the answer, nor in a redirect
    for attribute in ("href=", "action="):
        for chunk in response.text.split(attribute)[1:]:
            link = chunk.split(">", 1)[0]
            assert cpr not in link and cpr[:6] + "-" + cpr[6:] not in link
    assert 'method="post"' in response.text


def test_cpr_search_in_payments_is_logged_and_kept_out_of_urls(http, audit_dir):
    admin = http()
    cpr = unique_cpr()
    case = create_case(admin, cpr_number=cpr)
    office = http("audit-finance", roles=["BOSFinance"])
    url = f"{office.base}/sager/@@bos-payments"
    assert office.get(url, headers=HTML).status_code == 200
    assert entries(audit_dir, "cpr_search") == []
    response = office.post(url, data={"cpr": cpr}, headers=FORM)
    assert response.status_code == 200
    found = entries(audit_dir, "cpr_search")
    assert [(e["user"], e["case"]) for e in found] == [("audit-finance", case["UID"])]
    for chunk in response.text.split("href=")[1:]:
        assert cpr not in chunk.split(">", 1)[0]
    # the register form's search, sent back in the redirect, has no CPR either
    assert f"cpr={cpr}" not in response.text
    # links carry the cases the CPR search found instead: the search by their UIDs is no CPR
    # search, and finds the same case
    from os2bos_plone.browser.payments import PaymentSearchView

    page = PaymentSearchView.__new__(PaymentSearchView)
    page.filters = {"cpr": cpr, "cases": case["UID"], "period": "this_month"}
    assert page.search_params() == {"cases": case["UID"], "period": "this_month"}
    again = office.get(url, params={"cases": case["UID"]}, headers=HTML)
    assert again.status_code == 200
    assert "Søgningen viser kun" in again.text
    assert len(entries(audit_dir, "cpr_search")) == 1


def test_export_writes_one_entry_with_the_count(audit_dir, portal):
    # No screen exports CPR numbers today (the overview's tables are sums); an export that
    # does calls reads.export once, with the number of cases in it.
    from os2bos_plone.audit import reads

    reads.export(3, "test")
    found = entries(audit_dir, "export")
    assert len(found) == 1
    assert found[0]["detail"] == "test: 3 sager"


def test_who_reads_the_log(http, audit_dir):
    anonymous = http()
    anonymous.auth = None
    worker = http("audit-worker", roles=["BOSCaseWorker"])
    for session in (anonymous, worker):
        assert session.get(f"{session.base}/@bos-audit").status_code in (401, 403)
        response = session.get(f"{session.base}/@@bos-audit", headers=HTML, allow_redirects=False)
        # Plone's screens send who may not see a page to the login form
        assert response.status_code in (302, 401, 403)
        if response.status_code == 302:
            assert "login" in response.headers["Location"]
        assert "bos-audit-filters" not in response.text
    for username, role in (("audit-ledelse", "BOSManagement"), ("audit-dpo", "BOSDataProtection")):
        session = http(username, roles=[role])
        assert session.get(f"{session.base}/@bos-audit").status_code == 200
        response = session.get(f"{session.base}/@@bos-audit", headers=HTML)
        assert response.status_code == 200
        assert "bos-audit-filters" in response.text


def test_search_by_case_and_user_and_the_csv(http, audit_dir):
    admin = http()
    first = create_case(admin)
    second = create_case(admin)
    reader = http("audit-mgmt", roles=["BOSManagement"])
    other = http("audit-other", roles=["BOSManagement"])
    reader.get(first["@id"])
    reader.get(second["@id"])
    other.get(first["@id"])
    dpo = http("audit-dpo2", roles=["BOSDataProtection"])
    log.flush()
    by_case = dpo.get(f"{dpo.base}/@bos-audit", params={"case": first["sbsys_id"]}).json()
    assert {item["user"] for item in by_case["items"]} == {"audit-mgmt", "audit-other"}
    assert all(item["case"] == first["UID"] for item in by_case["items"])
    times = [item["time"] for item in by_case["items"]]
    assert times == sorted(times, reverse=True)
    by_user = dpo.get(f"{dpo.base}/@bos-audit", params={"user": "audit-other"}).json()
    assert [item["case_sbsys"] for item in by_user["items"]] == [first["sbsys_id"]]
    bad = dpo.get(f"{dpo.base}/@bos-audit", params={"since": "igår"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "since"
    csv = dpo.get(f"{dpo.base}/@@bos-audit", params={"case": first["sbsys_id"], "format": "csv"})
    assert csv.status_code == 200
    assert csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Tidspunkt;Bruger")
    assert len(lines) == 3
    assert first["sbsys_id"] in lines[1]


def test_the_csv_is_formula_safe(audit_dir, portal):
    from os2bos_plone.audit.search import to_csv

    text = to_csv([{"time": "t", "user": "=HYPERLINK(1)", "what": "case_view"}])
    assert ";'=HYPERLINK(1);" in text


def test_files_are_append_only(audit_dir, monkeypatch):
    from datetime import UTC
    from datetime import datetime

    monkeypatch.setattr(log, "now", lambda: datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
    log.record("a", "case_view", case_uid="u1", case_sbsys="s1")
    log.flush()
    (old,) = list(audit_dir.iterdir())
    assert old.name.startswith("2026-12-05.")
    before = old.read_bytes()
    monkeypatch.setattr(log, "now", lambda: datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    log.record("b", "case_view", case_uid="u2", case_sbsys="s2")
    log.record("c", "case_view", case_uid="u3", case_sbsys="s3")
    log.flush()
    assert old.read_bytes() == before
    new = [path for path in audit_dir.iterdir() if path != old]
    assert len(new) == 1 and new[0].name.startswith("2026-12-06.")
    assert len(new[0].read_text().splitlines()) == 2
    # the same day again: appended, the earlier lines kept
    log.record("d", "case_view")
    log.flush()
    lines = new[0].read_text().splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["user"] == "b"
    # read back newest first, with a period
    from datetime import date

    found = log.read_entries(since=date(2026, 12, 6))
    assert sorted(entry["user"] for entry in found) == ["b", "c", "d"]
    assert [entry["user"] for entry in log.read_entries()][-1] == "a"


def test_the_register_redirect_carries_no_cpr(portal):
    from os2bos_plone.browser.payments import RegisterPaymentView

    register = RegisterPaymentView(portal["sager"], portal.REQUEST)
    url = register.back_url("cpr=0101181234&paid=unpaid&page=2")
    assert "0101181234" not in url and "cpr" not in url
    assert "paid=unpaid" in url and "page=2" in url
