"""read_os2bos_fixtures: the sample fixtures in os2bos_sample/ and a real installation's data."""

import json
import shutil
from collections import Counter

import pytest

from os2bos_plone.interchange.os2bos import KNOWN_LEVELS
from os2bos_plone.interchange.os2bos import Os2bosImportError
from os2bos_plone.interchange.os2bos import Os2bosWarning
from os2bos_plone.interchange.os2bos import flagged_keys
from os2bos_plone.interchange.os2bos import read_os2bos_fixtures
from os2bos_plone.interchange.rows import diff_rows
from os2bos_plone.interchange.rows import normalise
from os2bos_plone.interchange.rows import row_keys
from os2bos_plone.interchange.rows import validate_rows
from os2bos_plone.interchange.workbook import read_workbook
from os2bos_plone.interchange.workbook import write_workbook
from tests.builders import SAMPLE
from tests.builders import require_os2bos_data

EFFORT_STEPS = {"effort_steps": {1, 2, 3, 4, 5, 6}}


def section(
    key, title, target_groups, effort_steps, dst_code="", prev=False, handicap=False, active=True
):
    return {
        "key": key,
        "law_name": "Testloven",
        "title": title,
        "text": "",
        "target_groups": target_groups,
        "effort_steps": effort_steps,
        "dst_code": dst_code,
        "dst_preventative_measures": prev,
        "dst_handicap": handicap,
        "active": active,
        "old_sel_keys": "",
    }


def entry(
    section_key, main, supplementary, kle="", sbsys="", account="", supp_account="", category=""
):
    return {
        "section": section_key,
        "main": main,
        "supplementary": supplementary,
        "kle_number": kle,
        "sbsys_template_id": sbsys,
        "main_account_number": account,
        "supplementary_main_account_number": supp_account,
        "activity_category": category,
    }


def service(service_id, title, category, sections, follows=(), preferred=(), description=""):
    return {
        "service_id": service_id,
        "title": title,
        "description": description,
        "activity_category": category,
        "sections": sections,
        "follows_main_services": list(follows),
        "preferred_providers": list(preferred),
        "only_preferred": False,
        "active": True,
    }


def provider(
    cvr, name, street="", zip_code="", city="", vat="100.00", active=True, code="", code_text=""
):
    return {
        "cvr": cvr,
        "name": name,
        "street": street,
        "zip_code": zip_code,
        "city": city,
        "business_code": code,
        "business_code_text": code_text,
        "vat_factor": vat,
        "active": active,
    }


def level(key, title, rank, role, committee=False):
    return {"key": key, "title": title, "rank": rank, "role": role, "committee": committee}


EXPECTED_SAMPLE = {
    "target_groups": [
        {
            "key": "familiegruppen",
            "title": "Familiegruppen",
            "required_fields": ["district", "effort_step"],
            "active": True,
        },
        {
            "key": "handicapgruppen",
            "title": "Handicapgruppen",
            "required_fields": ["scaling_step"],
            "active": True,
        },
    ],
    "activity_categories": [
        {"category_id": "900001", "title": "Støttende samtaler"},
        {"category_id": "900002", "title": "Døgnophold"},
        {"category_id": "900003", "title": "Transport"},
    ],
    "account_aliases": [
        {"alias": "BOS0000001", "main_account_number": "528211001", "category_id": "900001"},
        {"alias": "BOS0000002", "main_account_number": "528211002", "category_id": "900002"},
    ],
    "sections": [
        section("SEL-1-1", "Prøveparagraf ét", ["familiegruppen"], [2, 3], "901", prev=True),
        section(
            "SEL-2", "Prøveparagraf to", ["familiegruppen", "handicapgruppen"], [], handicap=True
        ),
        section("SEL-3-a.1", "SEL-3-a.1", [], [7], active=False),
        section("SEL-10", "Prøvekørsel", [], []),
    ],
    "service_providers": [
        provider(
            "91234564",
            "Testgården",
            "Prøvevej 12",
            "9999",
            "Prøveby",
            "95.40",
            code="879010",
            code_text="Prøvebranche",
        ),
        provider("91234561", "Fejlhuset"),
        provider("93456785", "Eksempel ApS", "Eksempelgade", "9998", "Eksempelby", "80.00", False),
    ],
    "services": [
        service(
            "900101",
            "Støttesamtaler",
            "900001",
            [
                entry("SEL-1-1", True, False, "27.12.06", "101", "528211001"),
                entry("SEL-2", True, False, "27.12.06", "102", "528211002"),
            ],
            preferred=["91234564"],
            description="Samtaler med familien",
        ),
        service(
            "900102",
            "Døgnophold",
            "900002",  # 900002 and 900001 once each: the first one met wins
            [
                entry("SEL-1-1", True, False, "27.27.42", "104", "528201003", category="900001"),
                entry("SEL-2", True, False, "27.27.42", "103", "528201003", "528211099"),
                entry("SEL-10", True, False, "27.24.00", "105", "528201004"),
            ],
        ),
        service(
            "900901",
            "Kørsel",
            "900002",
            [
                entry("SEL-1-1", True, True, "27.24.00", "106", "528201005"),
                entry("SEL-10", False, True),
            ],
            follows=["900101", "900102"],
        ),
        service("X1", "Testydelse", "", [entry("SEL-2", False, True)], follows=["900101"]),
    ],
    "rates": [
        {
            "key": "kost_pr_doegn",
            "title": "Kost, pr. døgn",
            "description": "Prøvetakst for kost",
            "periods": [
                {"start_date": "2024-01-01", "end_date": "2025-01-01", "amount": "100.00"},
                {"start_date": "2025-01-01", "end_date": None, "amount": "110.50"},
            ],
        },
        {
            "key": "kost_pr_doegn_2",
            "title": "Kost, pr. døgn",
            "description": "Samme navn, anden takst",
            "periods": [{"start_date": None, "end_date": None, "amount": "55.25"}],
        },
        {"key": "aeroe_tillaeg", "title": "Ærø-tillæg", "description": "", "periods": []},
    ],
    "approval_levels": [
        level("egenkompetence", "Egenkompetence", 10, "BOSCaseWorker"),
        level("teamleder", "Teamleder", 40, "BOSTeamLeader"),
        level(
            "ungdomskriminalitetsnaevnet",
            "Ungdomskriminalitetsnævnet",
            60,
            "BOSCommitteeSecretary",
            True,
        ),
        level(
            "boerne_og_skoleudvalget", "Børne- og skoleudvalget", 70, "BOSCommitteeSecretary", True
        ),
        level("direktoer", "Direktør", 80, "BOSSectionLeader"),
    ],
}

EXPECTED_WARNINGS = [
    "paymentmethoddetails.json importeres ikke (ingen tilsvarende klassifikation).",
    "Aktivitetskategori 900003 er inaktiv i OS2BOS; kategorier har ingen aktiv-markering her og "
    "importeres som aktive.",
    "Bevillingsniveauet »børne- og skoleudvalget« er ikke et af OS2BOS' standardniveauer; det "
    "placeres øverst (rang 70) med rollen BOSCommitteeSecretary. Kontroller rang og rolle.",
    "Bevillingsniveauet »direktør« er ikke et af OS2BOS' standardniveauer; det placeres øverst "
    "(rang 80) med rollen BOSSectionLeader. Kontroller rang og rolle.",
    "Paragraf SEL-3-a.1 har ingen tekst; nøglen bruges som titel.",
    "Paragraf SEL-3-a.1 henviser til en ukendt målgruppe (pk 9); den udelades.",
    "Paragraf SEL-3-a.1 henviser til indsatstrappetrin med pk 7; OS2BOS' trin har pk 1-6 "
    "(= trinnummeret); importeret, bør rettes.",
    "Leverandør »Fejlhuset« har et CVR-nummer med forkert kontrolciffer (91234561); importeret, "
    "bør rettes.",
    "Leverandør »Uden CVR« har intet CVR-nummer og springes over.",
    "Ydelse 900101: paragraf-oplysningen for SEL-3-a.1 er inaktiv i OS2BOS og udelades.",
    "Ydelse 900102 har under paragraf SEL-10 ingen aktivitetskategori i OS2BOS; ydelsens "
    "kategori 900002 bruges.",
    "Ydelse 900901 følger en ukendt hovedydelse (pk 399); den udelades.",
    "Ydelse »Testydelse« har ydelses-id »X1«, som ikke er 6 cifre; importeret, bør rettes.",
    "Taksten »Ærø-tillæg« har ingen perioder; importeret, bør have et beløb.",
    "Kontoalias BOS0000002 står flere gange; kun det første bruges.",
    "Kontoalias (pk 4) mangler alias, hovedkonto eller aktivitetskategori og springes over.",
]


# -- the sample ---------------------------------------------------------------------------------


def test_sample_rows():
    rows, _ = read_os2bos_fixtures(SAMPLE)
    assert list(rows) == list(EXPECTED_SAMPLE)
    for kind, expected in EXPECTED_SAMPLE.items():
        assert rows[kind] == expected, kind


def test_sample_rows_are_normalised():
    rows, _ = read_os2bos_fixtures(str(SAMPLE))
    for kind, kind_rows in rows.items():
        assert kind_rows == [normalise(kind, row) for row in kind_rows]


def test_sample_warnings():
    _, warnings = read_os2bos_fixtures(SAMPLE)
    assert all(isinstance(warning, Os2bosWarning) for warning in warnings)
    assert [str(warning) for warning in warnings] == EXPECTED_WARNINGS
    assert flagged_keys(warnings) == {
        "sections": {"SEL-3-a.1"},
        "service_providers": {"91234561"},
        "services": {"X1"},
        "rates": {"aeroe_tillaeg"},
    }


def test_sample_validates_apart_from_the_flagged_rows():
    rows, warnings = read_os2bos_fixtures(SAMPLE)
    flagged = flagged_keys(warnings)
    errors = validate_rows(rows, existing_keys=EFFORT_STEPS)
    assert {(error.kind, error.key) for error in errors} == {
        (kind, key) for kind, keys in flagged.items() for key in keys
    }
    only = {kind: keys - flagged.get(kind, set()) for kind, keys in row_keys(rows).items()}
    assert validate_rows(rows, existing_keys=EFFORT_STEPS, only=only) == []


def test_progress_is_reported():
    calls = []
    read_os2bos_fixtures(SAMPLE, progress=calls.append)
    assert calls[0] == "Læser targetgroups.json (1/11)"
    assert calls[-2:] == ["Omsætter klassifikationen", "Færdig"]
    assert len(calls) == 13  # 11 files


def test_known_levels():
    assert {name: rank for name, (rank, _) in KNOWN_LEVELS.items()} == {
        "egenkompetence": 10,
        "teammøde": 20,
        "fagspecialist": 30,
        "teamleder": 40,
        "afsnitsleder": 50,
        "ungdomskriminalitetsnævnet": 60,
    }


def copy_sample(tmp_path, leave_out=()):
    target = tmp_path / "fixtures"
    shutil.copytree(SAMPLE, target)
    for name in leave_out:
        (target / name).unlink()
    return target


def test_missing_files_are_skipped_with_a_warning(tmp_path):
    directory = copy_sample(
        tmp_path, ["targetgroups.json", "sectioninfos.json", "variablerates.json", "rates.json"]
    )
    rows, warnings = read_os2bos_fixtures(directory)
    assert set(rows) == {
        "account_aliases",
        "activity_categories",
        "approval_levels",
        "sections",
        "service_providers",
        "services",
    }
    messages = [str(warning) for warning in warnings]
    assert "targetgroups.json findes ikke og springes over." in messages
    assert "rates.json findes ikke og springes over." in messages
    assert "Ydelserne importeres uden paragraf-oplysninger (sectioninfos.json mangler)." in messages
    assert "Paragraf SEL-1-1: målgrupperne udelades, fordi targetgroups.json mangler." in messages
    assert rows["sections"][0]["target_groups"] == []
    # only the supplementary entries are left
    assert rows["services"][0]["sections"] == []
    assert rows["services"][2]["sections"] == [
        entry("SEL-1-1", False, True),
        entry("SEL-10", False, True),
    ]


def test_without_sections_the_service_sections_are_dropped(tmp_path):
    rows, warnings = read_os2bos_fixtures(copy_sample(tmp_path, ["sections.json"]))
    assert "sections" not in rows
    assert all(row["sections"] == [] for row in rows["services"])
    assert "Ydelsernes paragraffer udelades, fordi sections.json mangler." in map(str, warnings)


def test_rate_periods_without_variablerates(tmp_path):
    directory = copy_sample(tmp_path, ["variablerates.json"])
    rows, warnings = read_os2bos_fixtures(directory)
    assert rows["rates"] == EXPECTED_SAMPLE["rates"]
    assert "Takstperiode med pk 4 hører til en ukendt takst (pk 50) og springes over." in map(
        str, warnings
    )


def test_empty_directory(tmp_path):
    rows, warnings = read_os2bos_fixtures(tmp_path)
    assert rows == {}
    assert len(warnings) == 11  # one per fixture file


def test_unreadable_files_raise(tmp_path):
    directory = copy_sample(tmp_path)
    (directory / "rates.json").write_text("[{", encoding="utf-8")
    with pytest.raises(Os2bosImportError, match="rates.json kan ikke læses som JSON"):
        read_os2bos_fixtures(directory)
    (directory / "rates.json").write_text('{"model": "core.rate"}', encoding="utf-8")
    with pytest.raises(Os2bosImportError, match="skal indeholde en liste"):
        read_os2bos_fixtures(directory)
    (directory / "rates.json").write_text('[{"model": "core.rate"}]', encoding="utf-8")
    with pytest.raises(Os2bosImportError, match="har ikke Djangos fixture-format"):
        read_os2bos_fixtures(directory)


def test_other_models_in_a_file_are_skipped(tmp_path):
    directory = copy_sample(tmp_path)
    path = directory / "targetgroups.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.append({"model": "core.effort", "pk": 1, "fields": {"name": "Indsats"}})
    path.write_text(json.dumps(data), encoding="utf-8")
    rows, warnings = read_os2bos_fixtures(directory)
    assert len(rows["target_groups"]) == 2
    assert (
        "targetgroups.json: 1 objekter af en anden model end core.targetgroup springes over."
        in map(str, warnings)
    )


def test_duplicates_and_odd_values(tmp_path):
    directory = copy_sample(tmp_path)

    def edit(name, change):
        path = directory / name
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def providers(data):
        data.append(dict(data[0], pk=299))
        data[1]["fields"]["vat_factor"] = "0.00"
        data[2]["fields"]["cvr_number"] = "1234"

    def details(data):
        data.append(dict(data[0], pk=399))

    def categories(data):
        data.append(dict(data[0], pk=19))

    def sections(data):
        data.append(dict(data[0], pk=199))

    edit("serviceproviders.json", providers)
    edit("activitydetails.json", details)
    edit("activity_categories.json", categories)
    edit("sections.json", sections)
    rows, warnings = read_os2bos_fixtures(directory)
    messages = [str(warning) for warning in warnings]
    assert len(rows["service_providers"]) == 4  # the duplicate is skipped, "1234" is kept
    assert "CVR-nummer 91234564 står flere gange (»Testgården«); kun den første bruges." in messages
    assert (
        "Leverandør »Fejlhuset« (91234561) har momsfaktoren »0.00«, som ikke ligger i intervallet "
        "0-100; importeret, bør rettes." in messages
    )
    assert (
        "Leverandør »Uden CVR« har et ugyldigt CVR-nummer (1234: CVR-nummeret skal være 8 "
        "cifre); importeret, bør rettes." in messages
    )
    assert "Ydelses-id 900101 står flere gange (»Støttesamtaler«); kun den første bruges." in (
        messages
    )
    assert "Aktivitetskategori 900001 står flere gange; kun den første bruges." in messages
    assert "Paragraf SEL-1-1 står flere gange; kun den første bruges." in messages
    assert len(rows["services"]) == 4
    assert flagged_keys(warnings)["service_providers"] == {"91234561", "1234"}


# -- a real installation ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    return read_os2bos_fixtures(require_os2bos_data())


def test_real_counts(real):
    rows, _ = real
    assert {kind: len(kind_rows) for kind, kind_rows in rows.items()} == {
        "target_groups": 2,
        "activity_categories": 25,
        "approval_levels": 6,
        "sections": 146,
        "service_providers": 421,
        "services": 82,
        "rates": 30,
        "account_aliases": 204,
    }


def test_real_values(real):
    rows, _ = real
    sections = {row["key"]: row for row in rows["sections"]}
    assert sections["SEL-52-3.7"]["law_name"] == "Serviceloven"
    assert sections["SEL-109"]["target_groups"] == ["familieafdelingen", "handicapafdelingen"]
    assert sections["SEL-109"]["effort_steps"] == [2, 3, 4, 5, 6]
    assert sections["SEL-11-4.1"]["dst_code"] == "407"
    services = {row["service_id"]: row for row in rows["services"]}
    assert services["015031"]["title"] == "Soc.pæd. opholdssteder"
    assert sum(1 for row in rows["services"] if row["follows_main_services"]) == 39
    providers = {row["cvr"]: row for row in rows["service_providers"]}
    assert providers["10104181"]["vat_factor"] == "95.40"
    assert Counter(row["vat_factor"] for row in rows["service_providers"])["100.00"] == 397
    assert [row["key"] for row in rows["approval_levels"]] == [
        "egenkompetence",
        "teammoede",
        "fagspecialist",
        "teamleder",
        "afsnitsleder",
        "ungdomskriminalitetsnaevnet",
    ]
    assert rows["approval_levels"][-1]["committee"] is True
    rates = {row["key"]: row for row in rows["rates"]}
    assert len(rates) == 30
    assert rates["vederlag_pr_doegn"]["periods"] == [
        {"start_date": "2020-01-01", "end_date": None, "amount": "145.00"}
    ]
    assert "arbejdsdusoer_dusoer_for_arbejde_i_opholdssted_2" in rates
    assert {row["key"] for row in rows["target_groups"]} == {
        "familieafdelingen",
        "handicapafdelingen",
    }


def test_real_cvr_checksum_warnings(real):
    rows, warnings = real
    cvr_warnings = [w for w in warnings if "forkert kontrolciffer" in w.message]
    assert len(cvr_warnings) == 16
    assert all(w.invalid and w.kind == "service_providers" for w in cvr_warnings)
    assert all(w.message.endswith("; importeret, bør rettes.") for w in cvr_warnings)
    # all of them are imported nevertheless
    assert {w.key for w in cvr_warnings} <= {row["cvr"] for row in rows["service_providers"]}


def test_real_data_validates_except_flagged_rows(real):
    rows, warnings = real
    flagged = flagged_keys(warnings)
    # the 16 providers, and OS2BOS' placeholder service with activity id "Dummy"
    assert {kind: len(keys) for kind, keys in flagged.items()} == {
        "service_providers": 16,
        "services": 1,
    }
    assert flagged["services"] == {"Dummy"}
    only = {kind: keys - flagged.get(kind, set()) for kind, keys in row_keys(rows).items()}
    assert validate_rows(rows, existing_keys=EFFORT_STEPS, only=only) == []
    errors = validate_rows(rows, existing_keys=EFFORT_STEPS)
    assert {(error.kind, error.key) for error in errors} == {
        (kind, key) for kind, keys in flagged.items() for key in keys
    }


def test_real_data_round_trips_through_a_workbook(real):
    rows, _ = real
    back, errors = read_workbook(write_workbook(rows))
    assert errors == []
    assert diff_rows(rows, back).is_empty
    report = diff_rows({}, rows)
    assert report.summary_lines()[0] == "Målgrupper: 2 nye, 0 ændrede, 0 uændrede"


def test_dangling_references_are_dropped_with_warnings(tmp_path):
    directory = copy_sample(tmp_path)

    def edit(name, change):
        path = directory / name
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def details(data):
        data[0]["fields"]["service_providers"] = [201, 777]
        data[3]["fields"]["supplementary_activity_for"] = [102, 888]

    def infos(data):
        data[0]["fields"]["section"] = 999
        data[1]["fields"]["activity_category"] = 55
        data.append(dict(data[2], pk=499))

    edit("activitydetails.json", details)
    edit("sectioninfos.json", infos)
    rows, warnings = read_os2bos_fixtures(directory)
    messages = [str(warning) for warning in warnings]
    assert [
        message for message in messages if message.startswith(("Ydelse 900101", "Ydelse 900102"))
    ] + [message for message in messages if message.startswith("Ydelse X1")] == [
        "Ydelse 900101: paragraf-oplysning (pk 401) henviser til en ukendt paragraf (pk 999); "
        "den udelades.",
        "Ydelse 900101: paragraf SEL-2 henviser til en ukendt aktivitetskategori (pk 55); den "
        "udelades.",
        "Ydelse 900101: paragraf-oplysningen for SEL-3-a.1 er inaktiv i OS2BOS og udelades.",
        "Ydelse 900101 henviser til en ukendt leverandør (pk 777); den udelades.",
        "Ydelse 900102: paragraf SEL-2 står flere gange; kun den første bruges.",
        "Ydelse 900102 har under paragraf SEL-10 ingen aktivitetskategori i OS2BOS; ydelsens "
        "kategori 900002 bruges.",
        "Ydelse X1 er følgeudgift under en ukendt paragraf (pk 888); den udelades.",
    ]
    services = {row["service_id"]: row for row in rows["services"]}
    assert services["900101"]["activity_category"] == ""
    assert services["900101"]["sections"] == [
        entry("SEL-2", True, False, "27.12.06", "102", "528211002")
    ]
    assert services["900101"]["preferred_providers"] == ["91234564"]


def test_require_os2bos_data_fails_on_ci(monkeypatch, tmp_path):
    from tests import builders

    monkeypatch.setattr(builders, "OS2BOS_DATA", tmp_path / "missing")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="../shared/os2bos-data mangler"):
        builders.require_os2bos_data()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        builders.require_os2bos_data()
