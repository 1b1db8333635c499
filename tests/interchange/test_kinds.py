"""Kind metadata and normalisation."""

from datetime import date
from decimal import Decimal

import pytest

from os2bos_plone.interchange.kinds import NumberedRows
from os2bos_plone.interchange.kinds import get_kind
from os2bos_plone.interchange.kinds import natural_key
from os2bos_plone.interchange.kinds import normalise_rows
from os2bos_plone.interchange.kinds import row_number
from os2bos_plone.interchange.rows import KIND_NAMES
from os2bos_plone.interchange.rows import KINDS
from os2bos_plone.interchange.rows import PERIOD_FIELDS
from os2bos_plone.interchange.rows import SECTION_ROW_FIELDS
from os2bos_plone.interchange.rows import normalise
from os2bos_plone.interchange.rows import normalise_key
from os2bos_plone.interchange.rows import row_key
from os2bos_plone.interchange.rows import row_keys
from tests.builders import SEED
from tests.builders import load_seed

EXPECTED_KEYS = {
    "sections": "key",
    "services": "service_id",
    "rates": "key",
    "service_providers": "cvr",
    "approval_levels": "key",
    "approval_rules": None,
    "target_groups": "key",
    "effort_steps": "number",
    "efforts": "key",
    "municipalities": "code",
    "school_districts": "key",
    "units": "key",
    "teams": "key",
    "activity_categories": "category_id",
    "account_aliases": "alias",
    "internal_recipients": "key",
    "payment_date_exclusions": "date",
}


def test_every_kind_is_a_seed_file_with_its_key_field():
    assert set(KIND_NAMES) == set(EXPECTED_KEYS)
    assert {path.stem for path in SEED.glob("*.json")} == set(KIND_NAMES)
    for name, key in EXPECTED_KEYS.items():
        assert KINDS[name].key == key
        assert KINDS[name].name == name


def test_fields_match_the_seed_files():
    seed = load_seed()
    for name, rows in seed.items():
        for row in rows:
            assert tuple(row) == KINDS[name].field_names, name
    section_fields = tuple(f.name for f in SECTION_ROW_FIELDS)
    for service in seed["services"]:
        for entry in service["sections"]:
            # the seed lacks only the optional per-section activity category
            assert tuple(entry) + ("activity_category",) == section_fields
    for rate in seed["rates"]:
        for period in rate["periods"]:
            assert tuple(period) == tuple(f.name for f in PERIOD_FIELDS)


def test_kinds_come_after_the_kinds_they_reference():
    order = {name: index for index, name in enumerate(KIND_NAMES)}
    for kind in KINDS.values():
        nested = SECTION_ROW_FIELDS if kind.name == "services" else ()
        for field in kind.fields + nested:
            if field.ref and field.ref != kind.name:
                assert order[field.ref] < order[kind.name], (kind.name, field.name)


def test_labels():
    assert (KINDS["sections"].singular, KINDS["sections"].plural) == ("Paragraf", "Paragraffer")
    assert KINDS["service_providers"].plural == "Leverandører"
    assert KINDS["service_providers"].key_label == "CVR"
    sheets = [kind.sheet for kind in KINDS.values()]
    assert len(set(sheets)) == len(sheets)
    assert all(len(sheet) <= 31 for sheet in sheets)
    for kind in KINDS.values():
        labels = [f.label for f in kind.fields]
        assert len(set(labels)) == len(labels), kind.name
        assert kind.key is None or kind.key_field.required
        assert kind.key is None or "{}" in kind.missing


def test_get_kind():
    assert get_kind("rates") is KINDS["rates"]
    assert get_kind(KINDS["rates"]) is KINDS["rates"]
    with pytest.raises(KeyError):
        get_kind("nope")
    assert KINDS["rates"].field("title").label == "Titel"


def test_normalise_decimals_and_defaults():
    row = normalise("service_providers", {"cvr": " DK 25 05 29 44 ", "name": " A ", "extra": 1})
    assert row == {
        "cvr": "25052944",
        "name": "A",
        "street": "",
        "zip_code": "",
        "city": "",
        "business_code": "",
        "business_code_text": "",
        "vat_factor": "100.00",
        "active": True,
    }
    assert list(row) == list(KINDS["service_providers"].field_names)
    for vat in ("95.4", 95.4, Decimal("95.40"), "95,40", "95,4%"):
        assert normalise("service_providers", {"vat_factor": vat})["vat_factor"] == "95.40"
    assert normalise("service_providers", {"vat_factor": "abc"})["vat_factor"] == "abc"
    assert normalise("service_providers", {"vat_factor": ""})["vat_factor"] == "100.00"


def test_normalise_rates_periods():
    row = normalise(
        "rates",
        {
            "key": "x",
            "title": "X",
            "periods": [
                {"start_date": "2025-01-01", "end_date": None, "amount": 211},
                {"start_date": date(2024, 1, 1), "end_date": "01-01-2025", "amount": "206"},
            ],
        },
    )
    assert row["periods"] == [
        {"start_date": "2024-01-01", "end_date": "2025-01-01", "amount": "206.00"},
        {"start_date": "2025-01-01", "end_date": None, "amount": "211.00"},
    ]
    assert row["description"] == ""
    # an open start sorts first
    open_start = normalise("rates", {"periods": [{"amount": 1, "start_date": "2024-01-01"}, {}]})
    assert open_start["periods"][0] == {"start_date": None, "end_date": None, "amount": None}


def test_normalise_lists_are_sorted_and_deduplicated():
    row = normalise(
        "sections",
        {
            "key": "BL-1",
            "target_groups": "unge, familie,familie, ",
            "effort_steps": ["3", 1, 3, "", "x"],
        },
    )
    assert row["target_groups"] == ["familie", "unge"]
    assert row["effort_steps"] == [1, 3, "x"]
    assert row["active"] is True
    assert row["dst_handicap"] is False
    services = normalise("services", {"preferred_providers": ["DK25052944", "12345678"]})
    assert services["preferred_providers"] == ["12345678", "25052944"]


def test_normalise_service_sections_defaults_and_natural_order():
    row = normalise(
        "services",
        {
            "service_id": "100101",
            "sections": [
                {"section": "BL-114", "main": "ja"},
                {"section": "BL-32-1.3", "supplementary": 1},
            ],
        },
    )
    assert [entry["section"] for entry in row["sections"]] == ["BL-32-1.3", "BL-114"]
    assert row["sections"][0] == {
        "section": "BL-32-1.3",
        "main": False,
        "supplementary": True,
        "kle_number": "",
        "sbsys_template_id": "",
        "main_account_number": "",
        "supplementary_main_account_number": "",
        "activity_category": "",
    }
    assert row["sections"][1]["main"] is True


def test_natural_key():
    keys = ["BL-114", "BL-32-1.10", "BL-32-1.3", "BL-32", "SEL-44-jfr. §84"]
    assert sorted(keys, key=natural_key) == [
        "BL-32",
        "BL-32-1.3",
        "BL-32-1.10",
        "BL-114",
        "SEL-44-jfr. §84",
    ]


def test_normalise_is_idempotent_and_equal_rows_compare_equal():
    seed = load_seed()
    for name, rows in seed.items():
        for row in rows:
            once = normalise(name, row)
            assert normalise(name, once) == once
    a = {"key": "x", "title": "X", "periods": [{"start_date": "2024-01-01", "amount": "5"}]}
    b = {
        "key": "x ",
        "title": "X",
        "description": None,
        "periods": [{"start_date": date(2024, 1, 1), "end_date": "", "amount": Decimal("5.00")}],
    }
    assert normalise("rates", a) == normalise("rates", b)


def test_normalise_other_types():
    rule = normalise(
        "approval_rules", {"min_annual_cost": 50000, "max_annual_cost": "", "level": "x"}
    )
    assert rule["min_annual_cost"] == "50000.00"
    assert rule["max_annual_cost"] is None
    level = normalise("approval_levels", {"rank": "20", "committee": "nej"})
    assert level["rank"] == 20
    assert level["committee"] is False
    assert normalise("approval_levels", {"rank": "høj", "committee": "måske"})["rank"] == "høj"
    assert normalise("approval_levels", {"committee": "måske"})["committee"] == "måske"
    assert normalise("payment_date_exclusions", {"date": date(2025, 12, 24)})["date"] == (
        "2025-12-24"
    )
    assert normalise("payment_date_exclusions", {"date": "24.12.2025"})["date"] == "2025-12-24"
    assert normalise("payment_date_exclusions", {"date": "jul"})["date"] == "jul"
    assert normalise("municipalities", {"code": 101})["code"] == "101"


def test_row_keys_and_rule_identity():
    seed = load_seed()
    keys = row_keys(seed)
    assert "BL-30-1.1" in keys["sections"]
    assert keys["effort_steps"] == {1, 2, 3, 4, 5, 6}
    rule = seed["approval_rules"][0]
    identity = row_key("approval_rules", rule)
    assert identity == ("", "", "50000.00", None, "teamleder")
    changed_note = dict(rule, note="anden note")
    assert row_key("approval_rules", changed_note) == identity
    assert normalise_key("effort_steps", "3") == 3
    assert normalise_key("service_providers", "DK25052944") == "25052944"
    assert normalise_key("approval_rules", ["", "", "1.00", None, "x"]) == (
        "",
        "",
        "1.00",
        None,
        "x",
    )


def test_normalise_rows_drops_unknown_kinds_and_non_dicts():
    result = normalise_rows({"teams": [{"key": "a", "title": "A"}, "junk"], "nope": []})
    assert result == {"teams": [{"key": "a", "title": "A", "unit": "", "active": True}]}


def test_numbered_rows():
    rows = NumberedRows([{"a": 1}, {"a": 2}], [3, 7])
    assert rows == [{"a": 1}, {"a": 2}]
    assert row_number(rows, 1) == 7
    assert row_number([{"a": 1}], 0) == 1
    assert row_number(NumberedRows([{}]), 0) == 1
