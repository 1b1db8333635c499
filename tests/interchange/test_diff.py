"""diff_rows and the ChangeReport."""

import copy

from os2bos_plone.interchange.rows import ChangeReport
from os2bos_plone.interchange.rows import describe_rule
from os2bos_plone.interchange.rows import diff_rows
from os2bos_plone.interchange.rows import normalise
from os2bos_plone.interchange.rows import validate_rows
from tests.builders import load_seed


def test_identical_rows_give_an_empty_report():
    seed = load_seed()
    report = diff_rows(seed, load_seed())
    assert report.is_empty
    assert report.detail_lines() == []
    assert report.summary_lines()[0] == "Målgrupper: 0 nye, 0 ændrede, 3 uændrede"
    assert "Paragraffer: 0 nye, 0 ændrede, 66 uændrede" in report.summary_lines()
    assert "Bevillingsregler: 0 nye, 0 ændrede, 0 fjernede, 18 uændrede" in report.summary_lines()
    assert all(not keys for keys in report.changed_keys().values())


def test_equal_meaning_is_no_change():
    current = {
        "rates": [
            {
                "key": "a",
                "title": "A",
                "periods": [{"start_date": "2024-01-01", "amount": "206.00"}],
            }
        ]
    }
    incoming = {
        "rates": [
            {
                "key": "a ",
                "title": "A",
                "description": None,
                "periods": [{"start_date": "1.1.2024", "end_date": "", "amount": 206}],
            }
        ]
    }
    assert diff_rows(current, incoming).is_empty


def test_only_kinds_in_the_import_are_compared():
    seed = load_seed()
    report = diff_rows(seed, {"teams": seed["teams"]})
    assert list(report.kinds) == ["teams"]
    assert "teams" in report
    assert report["teams"].unchanged == 6
    assert report.summary_lines() == ["Teams: 0 nye, 0 ændrede, 6 uændrede"]


def test_added_changed_unchanged_and_not_in_import():
    seed = load_seed()
    incoming = copy.deepcopy(seed["services"])
    incoming[0]["title"] = "Ny titel"
    incoming[0]["only_preferred"] = True
    incoming[0]["preferred_providers"] = ["93766989"]
    incoming[1]["sections"][0]["kle_number"] = "27.99.99"
    incoming[1]["sections"].append({"section": "BL-32-1.3", "main": True})
    removed_section = incoming[2]["sections"].pop()
    incoming.append({"service_id": "100199", "title": "Helt ny ydelse", "sections": []})
    dropped = incoming.pop(5)
    report = diff_rows(seed, {"services": incoming})
    services = report["services"]
    first, second, third = (row["service_id"] for row in seed["services"][:3])
    assert services.added == ["100199"]
    assert list(services.changed) == [first, second, third]
    assert services.changed[first]["title"] == (seed["services"][0]["title"], "Ny titel")
    assert services.changed[first]["only_preferred"] == (False, True)
    assert services.unchanged == len(seed["services"]) - 4
    assert services.not_in_import == [dropped["service_id"]]
    assert set(services.rows) == {"100199", first, second, third}
    assert services.rows["100199"] == normalise("services", incoming[-1])
    assert not report.is_empty
    assert report.summary_lines() == [
        f"Ydelser: 1 ny, 3 ændrede, {len(seed['services']) - 4} uændrede; 1 ikke med i importen "
        "(bevares)"
    ]
    old_title = seed["services"][0]["title"]
    old_kle = normalise("services", seed["services"][1])["sections"][0]["kle_number"]
    section_one = normalise("services", seed["services"][1])["sections"][0]["section"]
    assert report.detail_lines() == [
        "Ydelse 100199: tilføjes (»Helt ny ydelse«)",
        f"Ydelse {first}: titel »{old_title}« → »Ny titel«",
        f"Ydelse {first}: foretrukne leverandører (CVR) (tom) → »93766989«",
        f"Ydelse {first}: kun foretrukne leverandører »nej« → »ja«",
        f"Ydelse {second}: paragraf {section_one}: KLE-nummer »{old_kle}« → »27.99.99«",
        f"Ydelse {second}: paragraf BL-32-1.3 tilføjes",
        f"Ydelse {third}: paragraf {removed_section['section']} fjernes",
        f"Ydelse {dropped['service_id']}: ikke med i importen (bevares)",
    ]
    assert report.detail_lines(include_not_in_import=False)[-1].startswith(f"Ydelse {third}")
    assert report.changed_keys() == {"services": {"100199", first, second, third}}


def test_rows_are_not_deleted_when_missing():
    seed = load_seed()
    report = diff_rows(seed, {"service_providers": seed["service_providers"][:10]})
    providers = report["service_providers"]
    assert providers.unchanged == 10
    assert len(providers.not_in_import) == 30
    assert report.is_empty  # nothing is added, changed or deleted
    assert report.summary_lines() == [
        "Leverandører: 0 nye, 0 ændrede, 10 uændrede; 30 ikke med i importen (bevares)"
    ]


def test_kind_missing_from_current_counts_as_empty():
    seed = load_seed()
    report = diff_rows({}, {"teams": seed["teams"]})
    assert report["teams"].added == [row["key"] for row in seed["teams"]]
    assert report.summary_lines() == ["Teams: 6 nye, 0 ændrede, 0 uændrede"]
    assert report.detail_lines()[0] == "Team familie_oest: tilføjes (»Familierådgivning Øst«)"


def test_value_display_in_details():
    current = {
        "service_providers": [{"cvr": "93766989", "name": "A", "vat_factor": "100.00"}],
        "rates": [
            {
                "key": "kost",
                "title": "Kost",
                "periods": [{"start_date": "2024-01-01", "end_date": None, "amount": "1206.00"}],
            }
        ],
        "payment_date_exclusions": [{"date": "2025-12-24", "note": ""}],
        "sections": [{"key": "BL-1", "title": "S", "effort_steps": [1, 2], "active": True}],
    }
    incoming = copy.deepcopy(current)
    incoming["service_providers"][0]["vat_factor"] = "95.4"
    incoming["rates"][0]["periods"] = [
        {"start_date": "2024-01-01", "end_date": "2025-01-01", "amount": "1206"},
        {"start_date": "2025-01-01", "end_date": None, "amount": "1236.15"},
    ]
    incoming["payment_date_exclusions"][0]["note"] = "Juleaften"
    incoming["sections"][0]["effort_steps"] = [3]
    incoming["sections"][0]["active"] = False
    report = diff_rows(current, incoming)
    assert report.detail_lines() == [
        "Paragraf BL-1: indsatstrappetrin »1, 2« → »3«",
        "Paragraf BL-1: aktiv »ja« → »nej«",
        "Leverandør 93766989: momsfaktor (%) »100,00« → »95,40«",
        "Takst kost: perioder »01.01.2024–: 1.206,00« → "
        "»01.01.2024–01.01.2025: 1.206,00; 01.01.2025–: 1.236,15«",
        "Undtaget betalingsdato 2025-12-24: note (tom) → »Juleaften«",
    ]


def rule(level="teamleder", note="", **values):
    row = {
        "section": "",
        "service": "",
        "min_annual_cost": None,
        "max_annual_cost": None,
        "level": level,
        "note": note,
    }
    row.update(values)
    return row


def test_approval_rules_are_replaced_as_a_whole():
    current = {
        "approval_rules": [
            rule(min_annual_cost="50000.00"),
            rule(section="BL-43", level="fagspecialist", note="gammel"),
            rule(service="100101", max_annual_cost="1000", level="teammoede"),
        ]
    }
    incoming = {
        "approval_rules": [
            rule(section="BL-43", level="fagspecialist", note="ny"),
            rule(min_annual_cost="50000"),
            rule(min_annual_cost="10000", max_annual_cost="20000", level="afsnitsleder"),
        ]
    }
    report = diff_rows(current, incoming)
    rules = report["approval_rules"]
    assert rules.replaced
    assert rules.added == [("", "", "10000.00", "20000.00", "afsnitsleder")]
    assert rules.removed == [("", "100101", None, "1000.00", "teammoede")]
    assert rules.changed == {("BL-43", "", None, None, "fagspecialist"): {"note": ("gammel", "ny")}}
    assert rules.unchanged == 1
    assert rules.not_in_import == []
    assert rules.rule_list == [
        normalise("approval_rules", row) for row in incoming["approval_rules"]
    ]
    assert report.summary_lines() == [
        "Bevillingsregler: 1 ny, 1 ændret, 1 fjernet, 1 uændret; listen erstattes"
    ]
    assert report.detail_lines() == [
        "Bevillingsregel tilføjes: alle paragraffer, alle ydelser, årlig udgift "
        "10.000,00–20.000,00 kr., niveau afsnitsleder",
        "Bevillingsregel (paragraf BL-43, alle ydelser, niveau fagspecialist): "
        "note »gammel« → »ny«",
        "Bevillingsregel fjernes: alle paragraffer, ydelse 100101, "
        "årlig udgift under 1.000,00 kr., niveau teammoede",
    ]
    assert report.changed_keys()["approval_rules"] == {
        ("BL-43", "", None, None, "fagspecialist"),
        ("", "", "50000.00", None, "teamleder"),
        ("", "", "10000.00", "20000.00", "afsnitsleder"),
    }


def test_approval_rules_in_another_order_are_unchanged():
    seed = load_seed()
    report = diff_rows(seed, {"approval_rules": list(reversed(seed["approval_rules"]))})
    assert report.is_empty
    assert not report["approval_rules"].replaced
    assert report.changed_keys() == {"approval_rules": set()}


def test_emptying_the_rule_list_removes_every_rule():
    seed = load_seed()
    report = diff_rows(seed, {"approval_rules": []})
    assert report["approval_rules"].replaced
    assert len(report["approval_rules"].removed) == 18
    assert describe_rule(("", "", "50000.00", None, "teamleder")) == (
        "alle paragraffer, alle ydelser, årlig udgift fra 50.000,00 kr., niveau teamleder"
    )


def test_changed_keys_feed_validate_rows_only():
    seed = load_seed()
    bad = {"cvr": "93766988", "name": "Gammel leverandør med forkert kontrolciffer"}
    current = {"service_providers": [*seed["service_providers"], bad]}
    incoming = copy.deepcopy(current)
    incoming["service_providers"][0]["name"] = "Omdøbt"
    report = diff_rows(current, incoming)
    assert report.changed_keys() == {"service_providers": {seed["service_providers"][0]["cvr"]}}
    assert len(validate_rows(incoming)) == 1
    assert validate_rows(incoming, only=report.changed_keys()) == []


def test_empty_report():
    report = ChangeReport()
    assert report.is_empty
    assert report.summary_lines() == []
