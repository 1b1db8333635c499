"""GET @bos-report/payments and @bos-report/cases over REST: the files, bad input, who may
download them and the read audit log. The product's day is 1 December 2026; the grant pays in
2027."""

import csv
import io
from datetime import date

import pytest
import requests
from openpyxl import load_workbook

from os2bos_plone.audit.log import read_entries
from os2bos_plone.reports.columns import CASE_COLUMNS
from os2bos_plone.reports.columns import PAYMENT_COLUMNS
from tests.builders import create_activity
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import new_appropriation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def granted(http, frozen_today):
    frozen_today(date(2026, 12, 1))
    owner = http()
    case, appropriation = new_appropriation(owner)
    activity = create_activity(owner, appropriation["@id"], **monthly_main(owner))
    grant(owner, appropriation["@id"], [activity["UID"]])
    return case


def csv_rows(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_payments_as_csv_and_xlsx(http, granted):
    office = http("rapport-okonomi", roles=["BOSFinance"])
    for kind in ("expected", "granted"):
        response = office.get(
            f"{office.base}/@bos-report/payments", params={"kind": kind, "format": "csv"}
        )
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/csv")
        assert f'filename="{kind}_payments_3.csv"' in response.headers["Content-Disposition"]
        rows = csv_rows(response)
        assert tuple(rows[0]) == PAYMENT_COLUMNS
        mine = [
            row
            for row in rows[1:]
            if row[PAYMENT_COLUMNS.index("cpr_number")] == granted["cpr_number"]
        ]
        assert len(mine) >= 12
        amount = {row[PAYMENT_COLUMNS.index("amount")] for row in mine}
        assert "10000,00" in amount
    response = office.get(f"{office.base}/@bos-report/payments", params={"format": "xlsx"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == XLSX
    assert 'filename="expected_payments_3.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == PAYMENT_COLUMNS
    assert any(row[PAYMENT_COLUMNS.index("cpr_number")] == granted["cpr_number"] for row in rows)


def test_cases_report(http, granted):
    leader = http("rapport-ledelse", roles=["BOSManagement"])
    response = leader.get(f"{leader.base}/@bos-report/cases")
    assert response.status_code == 200, response.text
    assert 'filename="expected_cases_0.csv"' in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert tuple(rows[0]) == CASE_COLUMNS
    mine = [
        row for row in rows[1:] if row[CASE_COLUMNS.index("cpr_number")] == granted["cpr_number"]
    ]
    assert mine and mine[0][CASE_COLUMNS.index("history_id")] == "1"


def test_every_download_is_audit_logged(http, granted):
    office = http("rapport-revision", roles=["BOSFinance"])
    response = office.get(f"{office.base}/@bos-report/payments", params={"kind": "granted"})
    assert response.status_code == 200
    entries = [
        entry
        for entry in read_entries(user="rapport-revision")
        if "@bos-report/payments" in entry.get("detail", "")
    ]
    assert len(entries) == 1
    assert entries[0]["what"] == "export"
    assert "granted_payments_3.csv" in entries[0]["detail"]


def test_bad_input(http):
    owner = http()
    bad_kind = owner.get(f"{owner.base}/@bos-report/payments", params={"kind": "alle"})
    assert bad_kind.status_code == 400
    assert bad_kind.json()["errors"][0]["field"] == "kind"
    bad_format = owner.get(f"{owner.base}/@bos-report/cases", params={"format": "pdf"})
    assert bad_format.status_code == 400
    assert "csv eller xlsx" in bad_format.json()["errors"][0]["message"]
    assert owner.get(f"{owner.base}/@bos-report/budget").status_code == 404
    assert owner.get(f"{owner.base}/@bos-report").status_code == 404


def test_who_may_download(http, functional_portal):
    url = f"{functional_portal.absolute_url()}/@bos-report/payments"
    anonymous = requests.get(url, headers={"Accept": "application/json"})
    assert anonymous.status_code == 401
    for username, role in (
        ("rapport-sb", "BOSCaseWorker"),
        ("rapport-tl", "BOSTeamLeader"),
        ("rapport-regel", "BOSClassificationAdmin"),
    ):
        session = http(username, roles=[role])
        assert session.get(url).status_code in (401, 403)
        assert session.get(f"{session.base}/@bos-report/cases").status_code in (401, 403)
    assert http("rapport-ok", roles=["BOSFinance"]).get(url).status_code == 200
    assert http("rapport-le", roles=["BOSManagement"]).get(url).status_code == 200


def test_the_payment_office_screen_links_the_downloads(http, granted):
    office = http("rapport-skaerm", roles=["BOSFinance"])
    html = {"Accept": "text/html"}
    screen = office.get(f"{office.base}/@@bos-payments", headers=html)
    assert screen.status_code == 200
    assert "Rapporter" in screen.text
    assert "Forventede betalinger" in screen.text
    assert "@@bos-report?report=payments&amp;kind=granted" in screen.text
    assert "Bevilgede betalinger" in screen.text
    download = office.get(
        f"{office.base}/@@bos-report",
        params={"report": "payments", "kind": "granted", "format": "xlsx"},
        headers=html,
    )
    assert download.status_code == 200
    assert download.headers["Content-Type"] == XLSX
    assert 'filename="granted_payments_3.xlsx"' in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.content), read_only=True).active
    assert next(sheet.iter_rows(values_only=True)) == PAYMENT_COLUMNS
    assert any(
        "@@bos-report/payments" in entry.get("detail", "")
        for entry in read_entries(user="rapport-skaerm")
    )
    case_worker = http("rapport-skaerm-sb", roles=["BOSCaseWorker"])
    refused = case_worker.get(f"{office.base}/@@bos-report", headers=html)
    # Plone sends a logged-in user without the permission to its "insufficient privileges" page.
    assert refused.status_code in (401, 403) or refused.url.endswith("/insufficient-privileges")
    assert "Content-Disposition" not in refused.headers
    bad = office.get(f"{office.base}/@@bos-report", params={"format": "pdf"}, headers=html)
    assert bad.status_code == 400
