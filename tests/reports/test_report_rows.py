"""The payment and case reports (reports/, spec 3.4): columns, values, the cutoff, kinds,
CSV and XLSX, formula-safety and the nightly files. Fixed dates: the product's day is set."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from plone.uuid.interfaces import IUUID
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.jobs import nightly
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.reports import files
from os2bos_plone.reports.columns import CASE_COLUMNS
from os2bos_plone.reports.columns import PAYMENT_COLUMNS
from os2bos_plone.reports.rows import Stats
from os2bos_plone.reports.rows import case_rows
from os2bos_plone.reports.rows import cutoff
from os2bos_plone.reports.rows import payment_rows
from os2bos_plone.settings.reader import write as write_settings
from tests.builders import add_activity
from tests.builders import make_appropriation
from tests.builders import make_case

TODAY = date(2026, 6, 15)
MOTHER = "120385-4321"
FATHER = "050582-1235"


def as_dicts(rows, columns=PAYMENT_COLUMNS):
    return [dict(zip(columns, row, strict=True)) for row in rows]


@pytest.fixture
def family(manager, frozen_today):
    """One child: a granted main activity (1.000 kr. on the 1st, Nov 2023 - Mar 2026), a
    granted supplementary activity (500 kr. on the 15th, Mar - May 2025), an expected
    adjustment of the main activity from January 2026 (1.200 kr.), a draft; the effort step
    goes from 3 to 4 on 1 July 2025; the payment of 1 May 2025 is paid on 2 July 2025."""
    portal = manager
    frozen_today(date(2023, 10, 2))
    case = make_case(
        portal,
        title='=HYPERLINK("http://x")',
        effort_step=3,
        scaling_step=5,
        team="familie_oest",
        efforts=["integrationsindsats"],
    )
    case.related_persons = [
        {"relation": "soeskende", "cpr": "010120-1111", "name": "Søster", "related_case": ""},
        {"relation": "mor", "cpr": MOTHER, "name": "Mor", "related_case": ""},
        {"relation": "far", "cpr": FATHER, "name": "Far", "related_case": ""},
    ]
    appropriation = make_appropriation(case, section="BL-32-1.5")
    main = add_activity(
        appropriation,
        amount="1000.00",
        start=date(2023, 11, 1),
        end=date(2026, 3, 31),
        provider=None,
    )
    main.approval_level = "teamleder"
    main.approval_user = "torben"
    main.appropriation_date = date(2023, 10, 2)
    supplementary = add_activity(
        appropriation,
        amount="500.00",
        start=date(2025, 3, 15),
        end=date(2025, 5, 15),
        service="100108",
        provider=None,
        activity_type="supplementary",
        payment_day_of_month=15,
    )
    frozen_today(date(2025, 7, 1))
    case.effort_step = 4
    notify(ObjectModifiedEvent(case))
    mark_paid(
        main,
        date(2025, 5, 1),
        Decimal("990.00"),
        date(2025, 7, 2),
        note="-10 kr. modregnet",
        privileged=True,
    )
    frozen_today(date(2025, 12, 1))
    adjustment = add_activity(
        appropriation,
        state="expected",
        amount="1200.00",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        provider=None,
        modifies=IUUID(main),
    )
    add_activity(appropriation, state="draft", start=date(2026, 1, 1), end=date(2026, 2, 28))
    frozen_today(TODAY)
    return {
        "case": case,
        "appropriation": appropriation,
        "main": main,
        "supplementary": supplementary,
        "adjustment": adjustment,
    }


def rows_of(kind, case):
    return [
        row for row in as_dicts(payment_rows(kind, TODAY)) if row["cpr_number"] == case.cpr_number
    ]


def test_the_cutoff_is_1_january_two_years_back():
    assert cutoff(date(2026, 6, 15)) == date(2024, 1, 1)
    assert cutoff(date(2026, 1, 1)) == date(2024, 1, 1)
    assert cutoff(date(2025, 12, 31)) == date(2023, 1, 1)


def test_expected_payments(family):
    rows = rows_of("expected", family["case"])
    main_rows = [row for row in rows if row["activity_type"] == "main"]
    # The main activity from January 2024 (the cutoff) to December 2025, then the adjustment.
    granted_days = [row["date"] for row in main_rows if row["activity_status"] == "granted"]
    # The cutoff: 1 January 2024; the payments of November and December 2023 are left out.
    stored = [payment.date for payment in stored_payments(family["main"])]
    assert stored[:3] == [date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1)]
    assert granted_days[0] == date(2024, 1, 1)
    assert granted_days[-1] == date(2025, 12, 1)
    assert len(granted_days) == 24
    adjusted = [row for row in main_rows if row["activity_status"] == "expected"]
    assert [row["date"] for row in adjusted] == [date(2026, m, 1) for m in (1, 2, 3)]
    assert {row["amount"] for row in adjusted} == {Decimal("1200.00")}
    supplementary = [row for row in rows if row["activity_type"] == "supplementary"]
    assert [(row["date"], row["amount"]) for row in supplementary] == [
        (date(2025, 3, 15), Decimal("500.00")),
        (date(2025, 4, 15), Decimal("500.00")),
        (date(2025, 5, 15), Decimal("500.00")),
    ]
    assert len(rows) == 24 + 3 + 3
    assert all(row["activity_status"] != "draft" for row in rows)


def test_granted_payments_leave_the_adjustment_out(family):
    rows = rows_of("granted", family["case"])
    main_rows = [row for row in rows if row["activity_type"] == "main"]
    assert {row["activity_status"] for row in rows} == {"granted"}
    assert [row["date"] for row in main_rows][-3:] == [date(2026, m, 1) for m in (1, 2, 3)]
    assert {row["amount"] for row in main_rows} == {Decimal("1000.00")}
    assert len(main_rows) == 27
    assert len(rows) == 27 + 3


def test_a_paid_and_an_unpaid_payment(family):
    rows = {(row["activity_type"], row["date"]): row for row in rows_of("expected", family["case"])}
    paid = rows[("main", date(2025, 5, 1))]
    assert paid["amount"] == Decimal("1000.00")
    assert paid["paid_amount"] == Decimal("990.00")
    assert paid["paid_date"] == date(2025, 7, 2)
    assert paid["note"] == "-10 kr. modregnet"
    unpaid = rows[("main", date(2025, 6, 1))]
    assert unpaid["paid_amount"] is None
    assert unpaid["paid_date"] is None
    # The step as of the paid date (2 July, after the change) and as of the date (1 June).
    assert (paid["effort_step"], paid["scaling_step"]) == (4, 5)
    assert (unpaid["effort_step"], unpaid["scaling_step"]) == (3, 5)
    # The day of the change counts at its end.
    assert rows[("main", date(2025, 7, 1))]["effort_step"] == 4
    assert rows[("main", date(2024, 1, 1))]["effort_step"] == 3


def test_the_columns_hold_the_activity_appropriation_and_case(family):
    main = family["main"]
    rows = rows_of("expected", family["case"])
    row = next(r for r in rows if r["date"] == date(2025, 6, 1) and r["activity_type"] == "main")
    assert row["id"] == f"{main.payment_id}-2025-06-01"
    assert row["payment_schedule__payment_id"] == main.payment_id
    assert row["payment_schedule__payment_amount"] == Decimal("1000.00")
    assert row["payment_schedule__payment_frequency"] == "monthly"
    assert row["recipient_type"] == "internal"
    assert row["payment_method"] == "internal"
    assert row["payment_cost_type"] == "fixed"
    assert row["fictive"] is False
    assert row["activity__details__activity_id"] == "100206"
    assert row["activity_start_date"] == date(2023, 11, 1)
    assert row["activity_end_date"] == date(2026, 3, 31)
    assert row["section"] == "BL-32-1.5"
    assert row["section_text"]
    assert row["sbsys_id"] == family["appropriation"].sbsys_id
    assert row["main_activity_id"] == "100206"
    assert row["name"] == '=HYPERLINK("http://x")'
    assert row["target_group"] == "Familieafdelingen"
    assert row["team"] == "Familierådgivning Øst"
    assert row["efforts"] == "Integrationsindsatsen"
    assert row["paying_municipality"] == "Ballerup"
    assert row["residence_municipality"] == "København"
    assert (row["mother_cpr"], row["father_cpr"]) == (MOTHER, FATHER)
    assert row["account_string"] == activity_account(main).account_string
    assert row["account_string"].startswith("XXX-")
    assert row["account_alias"] == activity_account(main).account_alias
    assert row["approval_level"] == "teamleder"
    assert row["approval_user"] == "torben"
    assert row["appropriation_date"] == date(2023, 10, 2)
    assert row["note"] is None
    assert row["activity_category__category_id"]
    supplementary = next(r for r in rows if r["activity_type"] == "supplementary")
    assert supplementary["activity__details__activity_id"] == "100108"
    assert supplementary["main_activity_id"] == "100206"
    live = activity_account(family["supplementary"])
    assert (supplementary["account_string"], supplementary["account_alias"]) == (
        live.account_string,
        live.account_alias,
    )


def test_a_case_without_related_persons_has_empty_parents(manager, frozen_today):
    frozen_today(date(2026, 1, 5))
    case = make_case(manager)
    add_activity(make_appropriation(case), start=date(2026, 2, 1), end=date(2026, 2, 28))
    frozen_today(TODAY)
    (row,) = rows_of("granted", case)
    assert (row["mother_cpr"], row["father_cpr"]) == (None, None)


def test_the_cases_report_has_a_row_per_change(family):
    uid = family["case"].UID()
    rows = [row for row in as_dicts(case_rows(), CASE_COLUMNS) if row["id"] == uid]
    assert [row["history_id"] for row in rows] == [1, 2]
    assert rows[0]["history_date"].date() == date(2023, 10, 2)
    assert rows[1]["history_date"].date() == date(2025, 7, 1)
    assert [(row["effort_step"], row["scaling_step"]) for row in rows] == [(3, 5), (4, 5)]
    assert rows[0]["case_sbsys_id"] == family["case"].sbsys_id
    assert rows[0]["mother_cpr"] == MOTHER


def test_csv_as_danish_excel_reads_it(family):
    target = io.BytesIO()
    stats = files.write_csv("expected_payments_3", target, TODAY)
    data = target.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == PAYMENT_COLUMNS
    mine = [dict(zip(PAYMENT_COLUMNS, row, strict=True)) for row in rows[1:]]
    mine = [row for row in mine if row["sbsys_id"] == family["appropriation"].sbsys_id]
    assert stats.rows == len(rows) - 1
    assert stats.cases >= 1
    paid = next(r for r in mine if r["date"] == "2025-05-01" and r["activity_type"] == "main")
    assert (paid["amount"], paid["paid_amount"], paid["paid_date"]) == (
        "1000,00",
        "990,00",
        "2025-07-02",
    )
    assert paid["fictive"] == "nej"
    # Formula-safe: the child's name starts with "=", the note with "-".
    assert paid["name"] == '\'=HYPERLINK("http://x")'
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_xlsx_read_back(family):
    target = io.BytesIO()
    files.write_xlsx("granted_payments_3", target, TODAY)
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == PAYMENT_COLUMNS
    mine = as_dicts(rows[1:])
    mine = [row for row in mine if row["sbsys_id"] == family["appropriation"].sbsys_id]
    assert len(mine) == 30
    paid = next(r for r in mine if r["paid_amount"] is not None)
    assert paid["paid_amount"] == 990
    assert paid["amount"] == 1000
    assert paid["date"].date() == date(2025, 5, 1)
    # The formula-looking name is text in every row, not a formula.
    for row in sheet.iter_rows(min_row=2):
        cell = row[PAYMENT_COLUMNS.index("name")]
        if cell.value and cell.value.startswith("="):
            assert cell.data_type == "s"
    assert {row["name"] for row in mine} == {'=HYPERLINK("http://x")'}


def test_the_nightly_job_writes_the_files_and_rewrites_them_identically(family, tmp_path):
    folder = tmp_path / "rapporter"
    write_settings(reports_folder=str(folder))
    results = nightly.run(["reports"], TODAY, progress=lambda line: None, commit=lambda: None)
    ((name, counts, error, _seconds),) = results
    assert (name, error) == ("reports", None)
    assert counts["expected_payments_3"] >= 30
    assert counts["granted_payments_3"] >= 30
    assert counts["expected_cases_0"] >= 2
    written = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert set(written) == {
        "expected_payments_3.csv",
        "granted_payments_3.csv",
        "expected_cases_0.csv",
    }
    nightly.run(["reports"], TODAY, progress=lambda line: None, commit=lambda: None)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == written


def test_no_rows_no_file(manager, tmp_path):
    folder = tmp_path / "tom"
    folder.mkdir()
    (folder / "granted_payments_3.csv").write_text("gammel")
    counts = files.write_folder(folder, today=TODAY)
    assert counts == dict.fromkeys(files.NIGHTLY, 0)
    assert list(folder.iterdir()) == []


def test_stats_count_rows_and_cases(family):
    stats = Stats()
    rows = list(payment_rows("expected", TODAY, stats=stats))
    assert stats.rows == len(rows) == 30
    assert stats.cases == 1


def test_csv_fields_are_what_the_csv_module_writes():
    """reports.files.CsvCells writes lines itself: each field quoted as csv.writer quotes it."""
    values = [
        "plain",
        "semi;colon",
        'a "quote"',
        "line\nbreak",
        "carriage\rreturn",
        "=formula;x",
        "-1",
        "",
        None,
        Decimal("-1234.50"),
        date(2025, 1, 2),
        True,
        7,
        "100% \t tab",
    ]
    stream = io.StringIO()
    csv.writer(stream, delimiter=";", lineterminator="\r\n").writerow(
        [files.csv_cell(value) for value in values]
    )
    cells = files.CsvCells()
    assert cells.row([files.csv_field(value) for value in values]) == stream.getvalue()
    # An activity's pattern: the fixed cells once, the variable ones per payment.
    from os2bos_plone.reports.rows import VARIABLE_POSITIONS

    template = [files.csv_field(f"fast;{n} 100%") for n in range(len(PAYMENT_COLUMNS))]
    variable = tuple(files.csv_field(f"v{n};%s") for n in range(len(VARIABLE_POSITIONS)))
    row = template.copy()
    for position, value in zip(VARIABLE_POSITIONS, variable, strict=True):
        row[position] = value
    assert cells.payment_maker(template)(variable) == cells.row(row)
