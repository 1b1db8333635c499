"""validate_rows: per-row checks, references, ``existing_keys`` and ``only``."""

import pytest

from os2bos_plone.interchange.rows import NumberedRows
from os2bos_plone.interchange.rows import RowError
from os2bos_plone.interchange.rows import validate_rows
from tests.builders import load_seed

GOOD_CVR = "93766989"  # fictional (seed data), passes the modulus-11 check
BAD_CVR = "93766988"


def messages(rows, **kwargs):
    return [error.message for error in validate_rows(rows, **kwargs)]


def provider(cvr=GOOD_CVR, **extra):
    return {"cvr": cvr, "name": "Leverandør A/S", **extra}


def service(service_id="100101", **extra):
    row = {
        "service_id": service_id,
        "title": "Ydelse",
        "sections": [{"section": "BL-1", "main": True, "supplementary": False}],
    }
    row.update(extra)
    return row


def rate(key="kost", periods=None):
    if periods is None:
        periods = [{"start_date": "2024-01-01", "end_date": None, "amount": "206.00"}]
    return {"key": key, "title": "Kost", "periods": periods}


def test_the_seed_data_passes():
    assert validate_rows(load_seed()) == []


def test_row_error_fields():
    rows = {"service_providers": [provider(), provider("12345678")]}
    rows["service_providers"][1]["cvr"] = BAD_CVR
    (error,) = validate_rows(rows)
    assert isinstance(error, RowError)
    assert error.kind == "service_providers"
    assert error.row == 2
    assert error.key == BAD_CVR
    assert error.problem == "CVR-nummeret er ugyldigt (kontrolciffer)"
    assert error.message == (
        f"Leverandører, række 2 (CVR {BAD_CVR}): CVR-nummeret er ugyldigt (kontrolciffer)"
    )
    assert str(error) == error.message


def test_cvr_problems():
    rows = {
        "service_providers": [
            provider("1234"),
            provider("02345678"),
            provider(f"DK {GOOD_CVR[:4]} {GOOD_CVR[4:]}"),
        ]
    }
    assert messages(rows) == [
        "Leverandører, række 1 (CVR 1234): CVR-nummeret skal være 8 cifre",
        "Leverandører, række 2 (CVR 02345678): CVR-nummeret er ugyldigt "
        "(det kan ikke begynde med 0)",
    ]


@pytest.mark.parametrize(
    ("vat", "problem"),
    [
        ("0", "momsfaktoren skal være større end 0 og højst 100"),
        ("100.01", "momsfaktoren skal være større end 0 og højst 100"),
        ("-5", "momsfaktoren skal være større end 0 og højst 100"),
        ("abc", "»Momsfaktor (%)« skal være et tal, ikke »abc«"),
        ("95,405", "»Momsfaktor (%)« må højst have to decimaler, ikke »95,405«"),
        ("9.5555", "»Momsfaktor (%)« må højst have to decimaler, ikke »9.5555«"),
        # a point before exactly three digits is a Danish thousands separator
        ("95.405", "momsfaktoren skal være større end 0 og højst 100"),
        ("100", None),
        ("0.01", None),
        ("95,4", None),
        (None, None),
    ],
)
def test_vat_factor(vat, problem):
    errors = validate_rows({"service_providers": [provider(vat_factor=vat)]})
    assert [error.problem for error in errors] == ([problem] if problem else [])


def test_required_fields_and_types():
    rows = {
        "sections": [{"key": "", "title": " ", "effort_steps": "1, to", "active": "måske"}],
        "approval_levels": [{"key": "a", "title": "A", "rank": "høj", "role": ""}],
    }
    assert messages(rows) == [
        "Paragraffer, række 1: »Nøgle« skal udfyldes",
        "Paragraffer, række 1: »Titel« skal udfyldes",
        "Paragraffer, række 1: »Indsatstrappetrin« skal være hele tal, ikke »to«",
        "Paragraffer, række 1: »Aktiv« skal være ja eller nej, ikke »måske«",
        "Bevillingsniveauer, række 1 (nøgle a): »Rang« skal være et helt tal, ikke »høj«",
        "Bevillingsniveauer, række 1 (nøgle a): »Rolle« skal udfyldes",
    ]


def test_wrong_shapes():
    rows = {
        "teams": [{"key": "a", "title": ["x"]}, "junk"],
        "efforts": [{"key": "b", "title": "B", "target_groups": 5}],
        "rates": [{"key": "c", "title": "C", "periods": "2024"}],
        "nope": [],
        "municipalities": {"code": "101"},
    }
    assert messages(rows) == [
        "nope: ukendt type af klassifikationsdata",
        "Kommuner: skal være en liste af rækker",
        "Takster, række 1 (nøgle c): »Perioder« skal være en liste",
        "Indsatser, række 1 (nøgle b): »Målgrupper« skal være en liste",
        "Teams, række 1 (nøgle a): »Titel« skal være tekst",
        "Teams, række 2: rækken skal være et objekt",
    ]


def test_duplicate_keys_are_reported_with_the_first_row():
    rows = {
        "service_providers": [provider(), provider(name="B"), provider(f"DK{GOOD_CVR}")],
        "effort_steps": [{"number": 1, "title": "A"}, {"number": "1", "title": "B"}],
    }
    assert messages(rows) == [
        "Indsatstrappen, række 2 (nummer 1): Nummer »1« er brugt flere gange (også i række 1)",
        f"Leverandører, række 2 (CVR {GOOD_CVR}): CVR »{GOOD_CVR}« er brugt flere gange "
        "(også i række 1)",
        f"Leverandører, række 3 (CVR {GOOD_CVR}): CVR »{GOOD_CVR}« er brugt flere gange "
        "(også i række 1)",
    ]


def test_service_checks():
    rows = {
        "sections": [{"key": "BL-1", "title": "A"}],
        "services": [
            service("10010"),
            service("015031", only_preferred=True),
            service(
                "100103",
                sections=[
                    {"section": "BL-1", "main": False, "supplementary": False},
                    {"section": "BL-1", "main": True, "kle_number": "27.24"},
                    {"section": "", "main": "vist"},
                    "junk",
                ],
            ),
        ],
    }
    assert messages(rows) == [
        "Ydelser, række 1 (ydelses-id 10010): ydelses-id skal være præcis 6 cifre",
        "Ydelser, række 2 (ydelses-id 015031): »Kun foretrukne leverandører« kræver mindst én "
        "foretrukken leverandør",
        "Ydelser, række 3 (ydelses-id 100103): paragraf-række 1 (BL-1): ydelsen skal være "
        "hovedydelse eller følgeudgift (eller begge)",
        "Ydelser, række 3 (ydelses-id 100103): paragraf-række 2 (BL-1): paragraffen står også i "
        "paragraf-række 1",
        "Ydelser, række 3 (ydelses-id 100103): paragraf-række 2 (BL-1): KLE-nummeret »27.24« "
        "skal have formen NN.NN.NN",
        "Ydelser, række 3 (ydelses-id 100103): paragraf-række 3: »Paragraf« skal udfyldes",
        "Ydelser, række 3 (ydelses-id 100103): paragraf-række 3: »Hovedydelse« skal være ja "
        "eller nej, ikke »vist«",
        "Ydelser, række 3 (ydelses-id 100103): paragraf-række 4: skal være et objekt",
    ]


def test_references_within_the_import():
    rows = {
        "target_groups": [{"key": "familie", "title": "Familie"}],
        "effort_steps": [{"number": 1, "title": "Trin 1"}],
        "activity_categories": [{"category_id": "700101", "title": "Kat"}],
        "sections": [
            {
                "key": "BL-1",
                "title": "A",
                "target_groups": ["familie", "unge"],
                "effort_steps": [1, 9],
            }
        ],
        "service_providers": [provider()],
        "services": [
            service(
                activity_category="700199",
                follows_main_services=["100199"],
                preferred_providers=[GOOD_CVR, "12345674"],
                sections=[
                    {"section": "BL-1", "main": True, "activity_category": "700101"},
                    {"section": "BL-2", "main": True, "activity_category": "700102"},
                ],
            )
        ],
        "efforts": [{"key": "indsats", "title": "I", "target_groups": ["handicap"]}],
    }
    assert messages(rows) == [
        "Paragraffer, række 1 (nøgle BL-1): målgruppen »unge« findes ikke",
        "Paragraffer, række 1 (nøgle BL-1): indsatstrappetrin 9 findes ikke",
        "Ydelser, række 1 (ydelses-id 100101): aktivitetskategorien »700199« findes ikke",
        "Ydelser, række 1 (ydelses-id 100101): paragraffen »BL-2« findes ikke",
        "Ydelser, række 1 (ydelses-id 100101): paragraf BL-2: aktivitetskategorien »700102« "
        "findes ikke",
        "Ydelser, række 1 (ydelses-id 100101): ydelsen »100199« findes ikke",
        "Ydelser, række 1 (ydelses-id 100101): leverandøren med CVR-nummer »12345674« findes ikke",
        "Indsatser, række 1 (nøgle indsats): målgruppen »handicap« findes ikke",
    ]


def test_unreadable_references_are_reported_once():
    rows = {"sections": [{"key": "BL-1", "title": "A", "effort_steps": "1, to"}]}
    assert messages(rows, existing_keys={"effort_steps": {1}}) == [
        "Paragraffer, række 1 (nøgle BL-1): »Indsatstrappetrin« skal være hele tal, ikke »to«",
    ]


def test_references_to_kinds_that_are_not_known_are_not_checked():
    rows = {"services": [service(activity_category="700101", preferred_providers=[GOOD_CVR])]}
    assert validate_rows(rows) == []
    # ... but they are as soon as the site's keys are given
    assert messages(rows, existing_keys={"sections": {"BL-1"}, "activity_categories": []}) == [
        "Ydelser, række 1 (ydelses-id 100101): aktivitetskategorien »700101« findes ikke",
    ]


def test_references_satisfied_by_existing_keys():
    rows = {
        "sections": [{"key": "BL-2", "title": "B", "effort_steps": ["2"]}],
        "services": [
            service(
                follows_main_services=["100102"],
                sections=[{"section": "BL-1", "main": True}, {"section": "BL-2", "main": True}],
            )
        ],
    }
    existing = {"sections": {"BL-1"}, "services": {"100102"}, "effort_steps": {"1", "2"}}
    assert validate_rows(rows, existing_keys=existing) == []
    assert messages(rows, existing_keys={"services": {"100102"}, "effort_steps": [1]}) == [
        "Paragraffer, række 1 (nøgle BL-2): indsatstrappetrin 2 findes ikke",
        "Ydelser, række 1 (ydelses-id 100101): paragraffen »BL-1« findes ikke",
    ]


def test_only_restricts_per_row_checks():
    rows = {
        "service_providers": [provider(BAD_CVR), provider(), provider("11111111", name="")],
        "teams": [{"key": "Ny Team", "title": "T"}],
    }
    assert len(validate_rows(rows)) == 4
    only = {"service_providers": {GOOD_CVR, "11111111"}}
    assert messages(rows, only=only) == [
        "Leverandører, række 3 (CVR 11111111): »Navn« skal udfyldes",
        "Leverandører, række 3 (CVR 11111111): CVR-nummeret er ugyldigt (kontrolciffer)",
        # teams is not in ``only`` and is checked in full
        "Teams, række 1 (nøgle Ny Team): nøglen »Ny Team« må kun indeholde små bogstaver (a-z), "
        "cifre og _",
    ]
    assert validate_rows(rows, only={"service_providers": set(), "teams": []}) == []


def test_only_still_reports_duplicates():
    rows = {"service_providers": [provider(BAD_CVR), provider(BAD_CVR)]}
    assert messages(rows, only={"service_providers": ()}) == [
        f"Leverandører, række 2 (CVR {BAD_CVR}): CVR »{BAD_CVR}« er brugt flere gange "
        "(også i række 1)",
    ]


def test_numbered_rows_give_the_spreadsheet_row():
    rows = {"service_providers": NumberedRows([provider(), provider(BAD_CVR)], [2, 7])}
    assert messages(rows) == [
        f"Leverandører, række 7 (CVR {BAD_CVR}): CVR-nummeret er ugyldigt (kontrolciffer)"
    ]


def test_rate_periods():
    rows = {
        "rates": [
            rate("a"),
            rate("b", []),
            rate(
                "c",
                [
                    {"start_date": "2024-01-01", "end_date": "2025-01-01", "amount": "1"},
                    {"start_date": "2024-06-01", "end_date": None, "amount": "2"},
                    {"start_date": "2026-01-01", "end_date": "2025-01-01", "amount": "3"},
                ],
            ),
            rate("d", [{"start_date": "1. maj", "amount": ""}, "x"]),
        ]
    }
    assert messages(rows) == [
        "Takster, række 2 (nøgle b): taksten skal have mindst én periode",
        "Takster, række 3 (nøgle c): periode 3: startdatoen skal ligge før slutdatoen",
        "Takster, række 3 (nøgle c): periode 1 og periode 2 overlapper hinanden",
        "Takster, række 3 (nøgle c): periode 2 og periode 3 overlapper hinanden",
        "Takster, række 4 (nøgle d): periode 1: »Startdato« skal være en dato (ÅÅÅÅ-MM-DD), "
        "ikke »1. maj«",
        "Takster, række 4 (nøgle d): periode 1: »Beløb« skal udfyldes",
        "Takster, række 4 (nøgle d): periode 2: skal være et objekt",
    ]


def test_plain_keys_and_other_kind_checks():
    rows = {
        "target_groups": [
            {"key": "Familie", "title": "F", "required_fields": ["district", "cpr"]},
        ],
        "effort_steps": [{"number": 0, "title": "Trin 0"}],
        "municipalities": [{"code": "1010", "name": "X"}, {"code": "101", "name": "København"}],
        "payment_date_exclusions": [{"date": "2025-02-30"}, {"date": "2025-12-24"}],
        # section keys keep their law form
        "sections": [{"key": "SEL-44-jfr. §84", "title": "S"}],
    }
    assert messages(rows) == [
        "Målgrupper, række 1 (nøgle Familie): nøglen »Familie« må kun indeholde små bogstaver "
        "(a-z), cifre og _",
        "Målgrupper, række 1 (nøgle Familie): ukendt sagsfelt »cpr« (mulige felter: district, "
        "effort_step, scaling_step)",
        "Indsatstrappen, række 1 (nummer 0): nummeret skal være 1 eller større",
        "Kommuner, række 1 (kode 1010): kommunekoden »1010« skal være 3 cifre",
        "Undtagne betalingsdatoer, række 1 (dato 2025-02-30): »Dato« skal være en dato "
        "(ÅÅÅÅ-MM-DD), ikke »2025-02-30«",
    ]


def rule(**values):
    row = {
        "section": "",
        "service": "",
        "min_annual_cost": None,
        "max_annual_cost": None,
        "level": "teamleder",
        "note": "",
    }
    row.update(values)
    return row


def test_approval_rules():
    rows = {
        "approval_levels": [
            {"key": "teamleder", "title": "Teamleder", "rank": 40, "role": "BOSTeamLeader"}
        ],
        "sections": [{"key": "BL-43-1.6", "title": "S"}],
        "services": [service(sections=[{"section": "BL-43-1.6", "main": True}])],
        "approval_rules": [
            rule(min_annual_cost="50000"),
            rule(section="BL-43"),
            rule(section="bl-43-1.6", service="100101"),
            rule(level="direktoer"),
            rule(level=""),
            rule(section="BL-4"),
            rule(section="BL-43-", service="12345"),
            rule(service="100102"),
            rule(min_annual_cost="100.000,00", max_annual_cost="50.000,00"),
            rule(min_annual_cost="-1", max_annual_cost="abc"),
            rule(min_annual_cost="50000.00", note="samme regel, anden note"),
        ],
    }
    assert messages(rows) == [
        "Bevillingsregler, række 4: bevillingsniveauet »direktoer« findes ikke",
        "Bevillingsregler, række 5: angiv et bevillingsniveau",
        "Bevillingsregler, række 6: ingen paragraf matcher »BL-4«",
        "Bevillingsregler, række 7: paragraffen »BL-43-« må ikke slutte med en bindestreg",
        "Bevillingsregler, række 7: ydelses-id »12345« skal være præcis 6 cifre",
        "Bevillingsregler, række 7: ydelsen »12345« findes ikke",
        "Bevillingsregler, række 7: ingen paragraf matcher »BL-43-«",
        "Bevillingsregler, række 8: ydelsen »100102« findes ikke",
        "Bevillingsregler, række 9: minimumsbeløbet (100.000,00 kr.) skal være mindre end "
        "maksimumsbeløbet (50.000,00 kr.)",
        "Bevillingsregler, række 10: »Maks. årlig udgift« skal være et tal, ikke »abc«",
        "Bevillingsregler, række 10: minimumsbeløbet må ikke være negativt",
        "Bevillingsregler, række 11: reglen står også i række 1",
    ]


def test_approval_rule_levels_unknown_without_level_rows():
    rows = {"approval_rules": [rule(level="hvem_som_helst")]}
    assert validate_rows(rows) == []
    assert messages(rows, existing_keys={"approval_levels": {"teamleder"}}) == [
        "Bevillingsregler, række 1: bevillingsniveauet »hvem_som_helst« findes ikke",
    ]


def test_only_for_approval_rules_uses_identities():
    rows = {"approval_rules": [rule(level="x1"), rule(level="x2")]}
    existing = {"approval_levels": {"teamleder"}}
    assert len(validate_rows(rows, existing_keys=existing)) == 2
    only = {"approval_rules": {("", "", None, None, "x2")}}
    assert messages(rows, existing_keys=existing, only=only) == [
        "Bevillingsregler, række 2: bevillingsniveauet »x2« findes ikke",
    ]
