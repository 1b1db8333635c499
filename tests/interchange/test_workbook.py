"""write_workbook / read_workbook."""

import io
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl import load_workbook

from os2bos_plone.interchange.rows import KINDS
from os2bos_plone.interchange.rows import NumberedRows
from os2bos_plone.interchange.rows import diff_rows
from os2bos_plone.interchange.rows import normalise
from os2bos_plone.interchange.rows import validate_rows
from os2bos_plone.interchange.workbook import GUIDE_SHEET
from os2bos_plone.interchange.workbook import SheetMessage
from os2bos_plone.interchange.workbook import read_workbook
from os2bos_plone.interchange.workbook import sheet_names
from os2bos_plone.interchange.workbook import write_workbook
from tests.builders import load_seed


def make_workbook(sheets: dict) -> bytes:
    """An .xlsx with the given sheets: title -> list of rows (the header first)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def texts(messages):
    return [message.message for message in messages]


@pytest.fixture(scope="module")
def seed_workbook():
    return write_workbook(load_seed())


def test_round_trip_of_the_seed(seed_workbook):
    seed = load_seed()
    result = read_workbook(seed_workbook)
    rows, errors = result
    assert errors == []
    assert result.warnings == []
    assert set(rows) == set(KINDS)
    for kind, kind_rows in seed.items():
        assert [normalise(kind, row) for row in rows[kind]] == [
            normalise(kind, row) for row in kind_rows
        ], kind
    assert diff_rows(seed, rows).is_empty
    assert validate_rows(rows) == []


def test_sheets_and_headers(seed_workbook):
    wb = load_workbook(io.BytesIO(seed_workbook))
    assert wb.sheetnames == [
        "Målgrupper",
        "Indsatstrappen",
        "Aktivitetskategorier",
        "Kontoaliaser",
        "Paragraffer",
        "Leverandører",
        "Ydelser",
        "Ydelse-paragraffer",
        "Takster",
        "Takstperioder",
        "Bevillingsniveauer",
        "Bevillingsregler",
        "Indsatser",
        "Kommuner",
        "Skoledistrikter",
        "Afsnit",
        "Teams",
        "Interne modtagere",
        "Undtagne betalingsdatoer",
        GUIDE_SHEET,
    ]
    services = wb["Ydelser"]
    assert [cell.value for cell in services[1]] == [
        "Ydelses-id",
        "Titel",
        "Beskrivelse",
        "Aktivitetskategori",
        "Følger hovedydelser",
        "Foretrukne leverandører (CVR)",
        "Kun foretrukne leverandører",
        "Aktiv",
    ]
    assert [cell.value for cell in wb["Ydelse-paragraffer"][1]] == [
        "Ydelses-id",
        "Paragraf",
        "Hovedydelse",
        "Følgeudgift",
        "KLE-nummer",
        "SBSYS-skabelon",
        "Hovedkonto",
        "Hovedkonto for følgeudgifter",
        "Aktivitetskategori",
    ]
    assert [cell.value for cell in wb["Takstperioder"][1]] == [
        "Takst",
        "Startdato",
        "Slutdato",
        "Beløb",
    ]
    for ws in wb.worksheets[:-1]:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
        assert ws.column_dimensions["A"].width >= len(ws["A1"].value)
    assert services.column_dimensions["C"].width <= 60
    seed = load_seed()
    assert wb["Ydelse-paragraffer"].max_row == 1 + sum(len(s["sections"]) for s in seed["services"])
    assert wb["Takstperioder"].max_row == 1 + sum(len(r["periods"]) for r in seed["rates"])
    assert sheet_names("services") == ("Ydelser", "Ydelse-paragraffer")
    assert sheet_names("teams") == ("Teams",)


def test_cell_types(seed_workbook):
    wb = load_workbook(io.BytesIO(seed_workbook))
    municipalities = wb["Kommuner"]
    assert municipalities["A2"].value == "101"
    assert municipalities["A2"].data_type == "s"
    assert municipalities["A2"].number_format == "@"
    services = wb["Ydelser"]
    assert services["A2"].value == "100101"
    assert services["A2"].data_type == "s"
    assert services["H2"].value == "ja"
    assert services["G2"].value == "nej"
    periods = wb["Takstperioder"]
    assert periods["A2"].value == "kost_logi_under_10"
    assert periods["B2"].value == datetime(2024, 1, 1)
    assert periods["B2"].number_format == "yyyy-mm-dd"
    assert periods["D2"].value == 206
    assert periods["D2"].data_type == "n"
    assert periods["D2"].number_format == "#,##0.00"
    assert periods["C4"].value is None  # open end
    providers = wb["Leverandører"]
    assert providers["H2"].value == pytest.approx(95.4)
    assert providers["H2"].number_format == "#,##0.00"
    sections = wb["Paragraffer"]
    assert sections["E2"].value == "familie"  # list joined with ", "
    assert sections["F2"].value == "1, 2"
    levels = wb["Bevillingsniveauer"]
    assert levels["C2"].value == 10
    assert levels["C2"].data_type == "n"
    rules = wb["Bevillingsregler"]
    assert rules["C2"].value == 50000
    assert rules["D2"].value is None


def test_leading_zeros_and_formula_like_text_survive():
    rows = {
        "services": [
            {
                "service_id": "015031",
                "title": "=SUM(A1:A2)",
                "description": "linje 1\nlinje 2",
                "sections": [{"section": "SEL-52-3.7", "main": True, "sbsys_template_id": "0882"}],
            }
        ],
        "municipalities": [{"code": "015", "name": "Nul"}],
        "activity_categories": [{"category_id": "015203", "title": "Kvindekrisecentre"}],
    }
    back, errors = read_workbook(write_workbook(rows))
    assert errors == []
    assert back["services"][0]["service_id"] == "015031"
    assert back["services"][0]["title"] == "=SUM(A1:A2)"
    assert back["services"][0]["description"] == "linje 1\nlinje 2"
    assert back["services"][0]["sections"][0]["sbsys_template_id"] == "0882"
    assert back["municipalities"][0]["code"] == "015"
    assert back["activity_categories"][0]["category_id"] == "015203"
    assert diff_rows(rows, back).is_empty


def test_python_values_are_written():
    rows = {
        "rates": [
            {
                "key": "x",
                "title": "X",
                "periods": [
                    {"start_date": date(2024, 1, 1), "end_date": None, "amount": Decimal("1234.5")}
                ],
            }
        ],
        "payment_date_exclusions": [{"date": date(2025, 12, 24), "note": "Juleaften"}],
    }
    back, errors = read_workbook(write_workbook(rows))
    assert errors == []
    assert normalise("rates", back["rates"][0])["periods"] == [
        {"start_date": "2024-01-01", "end_date": None, "amount": "1234.50"}
    ]
    assert back["payment_date_exclusions"] == [{"date": "2025-12-24", "note": "Juleaften"}]


def test_only_given_kinds_get_sheets():
    data = write_workbook({"teams": []}, guide=False)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Teams"]
    rows, errors = read_workbook(data)
    assert rows == {"teams": []}
    assert errors == []
    assert load_workbook(io.BytesIO(write_workbook({}, guide=False))).sheetnames == [GUIDE_SHEET]


def test_user_typed_values_are_read():
    data = make_workbook(
        {
            "Takster": [["Nøgle", "Titel", "Beskrivelse"], ["kost", "Kost", None]],
            "Takstperioder": [
                ["Takst", "Startdato", "Slutdato", "Beløb"],
                ["kost", "01-01-2024", "31.12.2024", "1.234,50"],
                ["kost", 45658, None, 206.1],
                ["kost", datetime(2026, 1, 1), "", "1236"],
            ],
            "Leverandører": [
                ["cvr", "Navn", "Momsfaktor (%)", "Aktiv", "Postnummer"],
                [93766989, "A", "95,4%", "JA", 4000],
                ["DK 93 76 69 89", "B", 95.4, 0, "4000"],
            ],
            "Paragraffer": [
                ["Nøgle", "Titel", "Indsatstrappetrin", "Målgrupper", "DST handicap"],
                ["BL-1", "A", 3, "familie,handicap", "true"],
                ["BL-2", "B", "2, 1", None, "Falsk"],
            ],
            "Bevillingsniveauer": [
                ["Nøgle", "Titel", "Rang", "Rolle"],
                ["a", "A", "20", "BOSTeamLeader"],
                ["b", "B", 30.0, "BOSTeamLeader"],
            ],
        }
    )
    result = read_workbook(data)
    rows, errors = result
    assert errors == []
    assert rows["rates"] == [
        {
            "key": "kost",
            "title": "Kost",
            "periods": [
                {"start_date": "2024-01-01", "end_date": "2024-12-31", "amount": "1234.50"},
                {"start_date": "2025-01-01", "amount": "206.10"},
                {"start_date": "2026-01-01", "amount": "1236.00"},
            ],
        }
    ]
    assert rows["service_providers"] == [
        {"cvr": "93766989", "name": "A", "vat_factor": "95.40", "active": True, "zip_code": "4000"},
        {
            "cvr": "DK 93 76 69 89",
            "name": "B",
            "vat_factor": "95.40",
            "active": False,
            "zip_code": "4000",
        },
    ]
    assert normalise("service_providers", rows["service_providers"][1])["cvr"] == "93766989"
    assert rows["sections"][0]["effort_steps"] == [3]
    assert rows["sections"][0]["target_groups"] == ["familie", "handicap"]
    assert rows["sections"][0]["dst_handicap"] is True
    assert rows["sections"][1]["effort_steps"] == [2, 1]
    assert "target_groups" not in rows["sections"][1]
    assert rows["sections"][1]["dst_handicap"] is False
    assert [row["rank"] for row in rows["approval_levels"]] == [20, 30]
    # the technical column name "cvr" is accepted; missing optional columns are warned about
    assert (
        "Ark »Leverandører«, række 1: kolonnen »Adresse« mangler; feltet får standardværdien"
        in (texts(result.warnings))
    )


def test_cell_errors_name_sheet_and_row():
    data = make_workbook(
        {
            "Takster": [["Nøgle", "Titel"], ["kost", "Kost"]],
            "Takstperioder": [
                ["Takst", "Startdato", "Slutdato", "Beløb"],
                ["kost", "2024-01-01", None, "100"],
                [None, None, None, None],
                ["kost", "2025-01-01", None, "abc"],
                ["kost", "1. maj", None, "1,005"],
            ],
            "Paragraffer": [
                ["Nøgle", "Titel", "Aktiv", "Indsatstrappetrin"],
                ["BL-1", "A", "måske", "1, to"],
            ],
            "Bevillingsniveauer": [["Nøgle", "Titel", "Rang", "Rolle"], ["a", "A", "2,5", "R"]],
        }
    )
    rows, errors = read_workbook(data)
    # in the order of the sheets in the file
    assert texts(errors) == [
        "Ark »Takstperioder«, række 4: »abc« i kolonnen »Beløb« er ikke et tal",
        "Ark »Takstperioder«, række 5: »1. maj« i kolonnen »Startdato« er ikke en dato "
        "(ÅÅÅÅ-MM-DD)",
        "Ark »Takstperioder«, række 5: »1,005« i kolonnen »Beløb« har mere end to decimaler",
        "Ark »Paragraffer«, række 2: »måske« i kolonnen »Aktiv« skal være ja eller nej",
        "Ark »Paragraffer«, række 2: »1, to« i kolonnen »Indsatstrappetrin« skal være hele tal",
        "Ark »Bevillingsniveauer«, række 2: »2,5« i kolonnen »Rang« er ikke et helt tal",
    ]
    error = errors[0]
    assert isinstance(error, SheetMessage)
    assert (error.sheet, error.row) == ("Takstperioder", 4)
    assert error.problem == "»abc« i kolonnen »Beløb« er ikke et tal"
    assert str(error) == error.message
    # the unreadable text is kept, so validation reports it too
    assert rows["rates"][0]["periods"][1]["amount"] == "abc"


def test_validation_names_the_spreadsheet_row():
    data = make_workbook(
        {
            "Leverandører": [
                ["CVR", "Navn"],
                ["93766989", "God"],
                [None, None],
                ["93766988", "Forkert kontrolciffer"],
            ]
        }
    )
    rows, errors = read_workbook(data)
    assert errors == []
    assert isinstance(rows["service_providers"], NumberedRows)
    assert rows["service_providers"].row_numbers == [2, 4]
    assert [error.message for error in validate_rows(rows)] == [
        "Leverandører, række 4 (CVR 93766988): CVR-nummeret er ugyldigt (kontrolciffer)"
    ]


def test_unknown_sheets_and_columns_are_warnings():
    data = make_workbook(
        {
            "Noter": [["hvad som helst"]],
            GUIDE_SHEET: [["vejledning"]],
            "teams": [["key", "Titel", "Farve"], ["a", "A", "blå"]],
        }
    )
    result = read_workbook(data)
    assert result.errors == []
    assert result.rows == {"teams": [{"key": "a", "title": "A"}]}
    assert texts(result.warnings) == [
        "Ark »Noter«: arket kendes ikke og springes over",
        "Ark »teams«, række 1: kolonnen »Farve« kendes ikke og springes over",
        "Ark »teams«, række 1: kolonnen »Afsnit« mangler; feltet får standardværdien",
        "Ark »teams«, række 1: kolonnen »Aktiv« mangler; feltet får standardværdien",
    ]


def test_sheet_level_errors():
    data = make_workbook(
        {
            "Ydelser": [["Ydelses-id", "Titel"], ["100101", "A"]],
            "Takstperioder": [["Takst", "Beløb"], ["kost", 1]],
            "Teams": [],
            "Kommuner": [["Kommunekode", "Navn", "Navn"]],
            "Skoledistrikter": [["Titel"], ["Nord"]],
        }
    )
    rows, errors = read_workbook(data)
    assert texts(errors) == [
        "Ark »Teams«, række 1: arket har ingen overskriftsrække",
        "Ark »Kommuner«, række 1: kolonnen »Navn« står flere gange",
        "Ark »Skoledistrikter«, række 1: kolonnen »Nøgle« mangler",
        "Ark »Ydelser«: arket »Ydelse-paragraffer« mangler; det hører sammen med dette ark",
        "Ark »Takstperioder«: arket kræver arket »Takster«, som mangler",
    ]
    assert set(rows) == {"services"}


def test_child_rows_need_a_known_parent():
    data = make_workbook(
        {
            "Ydelser": [["Ydelses-id", "Titel"], ["100101", "A"], ["100102", "B"]],
            "Ydelse-paragraffer": [
                ["Ydelses-id", "Paragraf", "Hovedydelse"],
                ["100101", "BL-1", "ja"],
                ["100199", "BL-1", "ja"],
                [None, "BL-2", "ja"],
                ["100101", "BL-2", "nej"],
            ],
        }
    )
    rows, errors = read_workbook(data)
    assert texts(errors) == [
        "Ark »Ydelse-paragraffer«, række 3: ydelsen »100199« findes ikke i arket »Ydelser«",
        "Ark »Ydelse-paragraffer«, række 4: »Ydelses-id« skal udfyldes",
    ]
    assert rows["services"][0]["sections"] == [
        {"section": "BL-1", "main": True},
        {"section": "BL-2", "main": False},
    ]
    assert rows["services"][1]["sections"] == []


def test_duplicate_sheet_names():
    data = make_workbook({"Paragraffer": [["Nøgle", "Titel"]], "sections": [["key", "title"]]})
    _, errors = read_workbook(data)
    assert texts(errors) == ["Ark »sections«: arket står to gange (også som »Paragraffer«)"]


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04junk"])
def test_not_a_workbook(data):
    rows, errors = read_workbook(data)
    assert rows == {}
    assert texts(errors) == ["Filen kan ikke læses som et Excel-regneark (.xlsx)"]


@pytest.mark.parametrize(
    "name", ["=cmd", '=HYPERLINK("http://x","y")', "+45 1234", "-1+1", "@SUM(A1)", "\tx"]
)
def test_a_provider_name_that_looks_like_a_formula_is_text(name):
    """A provider named "=cmd" is a string cell, never a formula, and reads back as typed."""
    rows = {"service_providers": [{"cvr": "93766989", "name": name, "vat_factor": "-95.40"}]}
    data = write_workbook(rows, guide=False)
    sheet = load_workbook(io.BytesIO(data))["Leverandører"]
    cell = sheet["B2"]
    assert cell.value == name.strip()  # rows are normalised (trimmed) before writing
    assert cell.data_type == "s"
    assert cell.data_type != "f"
    # A number stays a number, negative or not.
    numbers = [c for c in sheet[2] if isinstance(c.value, float | int)]
    assert numbers and all(c.data_type == "n" for c in numbers)
    # No formula anywhere in the file.
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member) and b"<f " not in archive.read(member)
    back, errors = read_workbook(data)
    assert errors == []
    assert back["service_providers"][0]["name"] == name.strip()  # the reader trims blanks
