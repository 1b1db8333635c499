"""Consistency checks for the seed classification data (regelmotor data).

Plain pytest: no Plone import. The JSON files are located relative to this file, because the
package ``__init__`` may import Plone.
"""

import csv
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "src/os2bos_plone/data/seed"
# barnets-lov-sections.csv lives in the shared folder beside the repository (optional)
SECTIONS_CSV = REPO.parent / "shared/docs/barnets-lov-sections.csv"

KEYS = {
    "sections.json": {
        "key",
        "law_name",
        "title",
        "text",
        "target_groups",
        "effort_steps",
        "dst_code",
        "dst_preventative_measures",
        "dst_handicap",
        "active",
        "old_sel_keys",
    },
    "services.json": {
        "service_id",
        "title",
        "description",
        "activity_category",
        "sections",
        "follows_main_services",
        "preferred_providers",
        "only_preferred",
        "active",
    },
    "activity_categories.json": {"category_id", "title"},
    "municipalities.json": {"code", "name"},
    "service_providers.json": {
        "cvr",
        "name",
        "street",
        "zip_code",
        "city",
        "business_code",
        "business_code_text",
        "vat_factor",
        "active",
    },
    "rates.json": {"key", "title", "description", "periods"},
    "approval_levels.json": {"key", "title", "rank", "role", "committee"},
    "approval_rules.json": {
        "section",
        "service",
        "min_annual_cost",
        "max_annual_cost",
        "level",
        "note",
    },
    "target_groups.json": {"key", "title", "required_fields", "active"},
    "effort_steps.json": {"number", "title", "active"},
    "efforts.json": {"key", "title", "target_groups", "active"},
    "school_districts.json": {"key", "title", "active"},
    "units.json": {"key", "title", "active"},
    "teams.json": {"key", "title", "unit", "active"},
    "internal_recipients.json": {"key", "title", "active"},
    "payment_date_exclusions.json": {"date", "note"},
}
SECTION_ENTRY_KEYS = {
    "section",
    "main",
    "supplementary",
    "kle_number",
    "sbsys_template_id",
    "main_account_number",
    "supplementary_main_account_number",
}
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def load(name):
    return json.loads((SEED / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data():
    return {name: load(name) for name in KEYS}


@pytest.fixture(scope="module")
def section_keys(data):
    return {s["key"] for s in data["sections.json"]}


@pytest.fixture(scope="module")
def services(data):
    return {s["service_id"]: s for s in data["services.json"]}


def main_services_by_section(services):
    out = {}
    for sid, s in services.items():
        for e in s["sections"]:
            if e["main"]:
                out.setdefault(e["section"], set()).add(sid)
    return out


def prefix_matches(prefix, key):
    return prefix == "" or key == prefix or key.startswith(prefix + "-")


# ------------------------------------------------------------------ structure


@pytest.mark.parametrize("name", sorted(KEYS))
def test_file_is_list_of_objects_with_exact_keys(name):
    raw = (SEED / name).read_text(encoding="utf-8")
    items = json.loads(raw)
    assert isinstance(items, list)
    for item in items:
        assert set(item) == KEYS[name], (name, item)


def test_readme_exists():
    assert (SEED / "README.md").is_file()


# ------------------------------------------------------------------ municipalities


def test_98_municipalities_with_unique_codes_and_names(data):
    munis = data["municipalities.json"]
    assert len(munis) == 98
    codes = [m["code"] for m in munis]
    names = [m["name"] for m in munis]
    assert all(re.fullmatch(r"\d{3}", c) for c in codes)
    assert len(set(codes)) == 98
    assert len(set(names)) == 98
    by_code = dict(zip(codes, names, strict=True))
    assert by_code["101"] == "København"
    assert by_code["151"] == "Ballerup"
    assert by_code["400"] == "Bornholm"
    assert by_code["461"] == "Odense"
    assert by_code["751"] == "Aarhus"
    assert by_code["851"] == "Aalborg"
    assert "Christiansø" not in names


# ------------------------------------------------------------------ sections


def test_sections_unique_and_valid(data, section_keys):
    sections = data["sections.json"]
    assert len(section_keys) == len(sections)
    tg = {t["key"] for t in data["target_groups.json"]}
    steps = {s["number"] for s in data["effort_steps.json"]}
    for s in sections:
        assert re.fullmatch(r"BL-\d+(-\d+(\.\d+)?)?", s["key"]), s["key"]
        assert s["law_name"] == "Barnets lov"
        assert s["title"] and s["text"]
        assert set(s["target_groups"]) <= tg, s["key"]
        assert set(s["effort_steps"]) <= steps, s["key"]
        assert isinstance(s["dst_preventative_measures"], bool)
        assert isinstance(s["dst_handicap"], bool)
        assert isinstance(s["dst_code"], str)


def test_sections_cover_the_section_list():
    if not SECTIONS_CSV.is_file():
        pytest.skip("shared/docs/barnets-lov-sections.csv not available")
    with SECTIONS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    keys = {s["key"] for s in load("sections.json")}
    assert keys == {r["key"] for r in rows}


# ------------------------------------------------------------------ services


def test_service_ids_six_digits_and_unique(data):
    ids = [s["service_id"] for s in data["services.json"]]
    assert len(ids) >= 30
    assert all(re.fullmatch(r"\d{6}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_service_references_exist(data, section_keys, services):
    cats = {c["category_id"] for c in data["activity_categories.json"]}
    cvrs = {p["cvr"] for p in data["service_providers.json"]}
    for sid, s in services.items():
        assert s["activity_category"] in cats, sid
        assert s["sections"], sid
        seen = set()
        for e in s["sections"]:
            assert set(e) == SECTION_ENTRY_KEYS, (sid, e)
            assert e["section"] in section_keys, (sid, e["section"])
            assert e["section"] not in seen, (sid, e["section"])
            seen.add(e["section"])
            assert e["main"] or e["supplementary"], (sid, e["section"])
            assert re.fullmatch(r"\d{2}\.\d{2}\.\d{2}", e["kle_number"]), (sid, e)
            assert re.fullmatch(r"\d{3,4}", e["sbsys_template_id"]), (sid, e)
            assert re.fullmatch(r"\d{9}", e["main_account_number"]), (sid, e)
            assert re.fullmatch(r"(\d{9})?", e["supplementary_main_account_number"]), (sid, e)
        for f in s["follows_main_services"]:
            assert f in services, (sid, f)
            assert f != sid
        assert set(s["preferred_providers"]) <= cvrs, sid
        if s["only_preferred"]:
            assert s["preferred_providers"], sid


def test_supplementary_services_follow_main_services(services):
    mains = main_services_by_section(services)
    for sid, s in services.items():
        supp = [e["section"] for e in s["sections"] if e["supplementary"]]
        assert bool(supp) == bool(s["follows_main_services"]), sid
        for f in s["follows_main_services"]:
            assert any(e["main"] for e in services[f]["sections"]), (sid, f)
        for sec in supp:
            # where a section has main services, one of them must be a service this one follows
            if sec in mains:
                assert mains[sec] & set(s["follows_main_services"]), (sid, sec)


def test_every_section_is_used_by_a_service(data, services):
    used = {e["section"] for s in services.values() for e in s["sections"]}
    assert {s["key"] for s in data["sections.json"]} <= used


def test_each_main_kind_section_has_a_main_service(services):
    if not SECTIONS_CSV.is_file():
        pytest.skip("shared/docs/barnets-lov-sections.csv not available")
    with SECTIONS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    mains = main_services_by_section(services)
    for r in rows:
        if r["kind"] in ("main", "both"):
            assert mains.get(r["key"]), r["key"]
        else:
            assert any(
                e["section"] == r["key"] and e["supplementary"]
                for s in services.values()
                for e in s["sections"]
            ), r["key"]


def test_activity_categories_unique(data):
    ids = [c["category_id"] for c in data["activity_categories.json"]]
    assert all(re.fullmatch(r"\d{6}", i) for i in ids)
    assert len(set(ids)) == len(ids)


# ------------------------------------------------------------------ providers


def cvr_mod11(cvr):
    return (
        re.fullmatch(r"[1-9]\d{7}", cvr) is not None
        and sum(w * int(d) for w, d in zip(CVR_WEIGHTS, cvr, strict=True)) % 11 == 0
    )


def test_providers_have_valid_unique_cvr(data):
    providers = data["service_providers.json"]
    cvrs = [p["cvr"] for p in providers]
    assert len(set(cvrs)) == len(cvrs)
    assert "25052943" not in cvrs
    for p in providers:
        assert cvr_mod11(p["cvr"]), p
        vat = Decimal(p["vat_factor"])
        assert Decimal(0) < vat <= Decimal(100), p
        assert re.fullmatch(r"\d+\.\d{2}", p["vat_factor"]), p
        assert re.fullmatch(r"\d{4}", p["zip_code"]), p
        assert re.fullmatch(r"(\d{6})?", p["business_code"]), p


def test_providers_cvr_valid_by_stdnum(data):
    cvr = pytest.importorskip("stdnum.dk.cvr")
    for p in data["service_providers.json"]:
        assert cvr.is_valid(p["cvr"]), p["cvr"]


# ------------------------------------------------------------------ rates


def test_rate_periods_are_ordered_and_non_overlapping(data):
    keys = [r["key"] for r in data["rates.json"]]
    assert len(set(keys)) == len(keys)
    for r in data["rates.json"]:
        periods = r["periods"]
        assert periods, r["key"]
        prev_end = None
        for i, p in enumerate(periods):
            start = date.fromisoformat(p["start_date"])
            end = date.fromisoformat(p["end_date"]) if p["end_date"] else None
            assert end is None or start < end, (r["key"], p)
            assert end is not None or i == len(periods) - 1, (r["key"], "only the last may be open")
            if prev_end is not None:
                assert start >= prev_end, (r["key"], p)
            prev_end = end
            assert re.fullmatch(r"-?\d+\.\d{2}", p["amount"]), (r["key"], p)


def test_known_rates(data):
    rates = {r["key"]: r for r in data["rates.json"]}

    def amount(key, day):
        d = date.fromisoformat(day)
        for p in rates[key]["periods"]:
            end = p["end_date"]
            if date.fromisoformat(p["start_date"]) <= d and (
                end is None or d < date.fromisoformat(end)
            ):
                return p["amount"]
        return None

    assert amount("kost_logi_under_10", "2024-06-01") == "206.00"
    assert amount("kost_logi_10_og_over", "2024-06-01") == "221.00"
    assert amount("kost_logi_3_barn", "2024-06-01") == "190.00"
    assert amount("koersel_bil_hoej", "2025-06-01") == "3.81"
    assert amount("koersel_bil_hoej", "2026-06-01") == "3.94"
    assert amount("tabt_arbejdsfortjeneste_loft", "2024-06-01") == "35247.00"
    assert amount("merudgifter_minimum", "2024-06-01") == "5519.00"
    assert amount("kompensationsydelse_standard", "2025-09-01") == "1105.00"
    assert amount("kompensationsydelse_standard", "2025-08-31") is None


# ------------------------------------------------------------------ approval


def test_approval_levels(data):
    levels = data["approval_levels.json"]
    keys = [lv["key"] for lv in levels]
    assert len(set(keys)) == len(keys)
    assert {"egenkompetence", "boerne_og_ungeudvalget", "ungdomskriminalitetsnaevnet"} <= set(keys)
    for lv in levels:
        assert isinstance(lv["rank"], int)
        assert isinstance(lv["committee"], bool)


def test_approval_rules_reference_existing_things(data, section_keys, services):
    levels = {lv["key"] for lv in data["approval_levels.json"]}
    for r in data["approval_rules.json"]:
        assert r["level"] in levels, r
        assert any(prefix_matches(r["section"], k) for k in section_keys), r
        assert r["service"] == "" or r["service"] in services, r
        for f in ("min_annual_cost", "max_annual_cost"):
            assert r[f] is None or re.fullmatch(r"\d+\.\d{2}", r[f]), r
        if r["min_annual_cost"] and r["max_annual_cost"]:
            assert Decimal(r["min_annual_cost"]) < Decimal(r["max_annual_cost"]), r
        assert r["note"]


def level_for(data, section, service="", annual_cost=Decimal(0)):
    """The documented rule semantics, used to check that the default rules mean what they say."""
    ranks = {lv["key"]: lv["rank"] for lv in data["approval_levels.json"]}
    best = "egenkompetence"
    for r in data["approval_rules.json"]:
        if not prefix_matches(r["section"], section):
            continue
        if r["service"] and r["service"] != service:
            continue
        if r["min_annual_cost"] is not None and annual_cost < Decimal(r["min_annual_cost"]):
            continue
        if r["max_annual_cost"] is not None and annual_cost >= Decimal(r["max_annual_cost"]):
            continue
        if ranks[r["level"]] > ranks[best]:
            best = r["level"]
    return best


def test_approval_rule_semantics(data):
    assert level_for(data, "BL-32-1.2", "100202", Decimal("10000")) == "egenkompetence"
    assert level_for(data, "BL-32-1.2", "100202", Decimal("50000")) == "teamleder"
    assert level_for(data, "BL-32-1.2", "100202", Decimal("250000")) == "boerne_og_ungeudvalget"
    assert level_for(data, "BL-46", "100406", Decimal("1000")) == "afsnitsleder"
    assert level_for(data, "BL-43-1.6", "100406", Decimal("1000")) == "afsnitsleder"
    assert level_for(data, "BL-47", "100406", Decimal("1000")) == "boerne_og_ungeudvalget"
    assert level_for(data, "BL-32-1.7", "100209", Decimal("1000")) == "teamleder"
    assert level_for(data, "BL-32-1.5", "100207", Decimal("1000")) == "teammoede"
    assert level_for(data, "BL-32-1.5", "100206", Decimal("1000")) == "egenkompetence"


# ------------------------------------------------------------------ small classifications


def test_target_groups_and_references(data):
    tg = {t["key"] for t in data["target_groups.json"]}
    assert {"familie", "handicap"} <= tg
    case_fields = {"district", "effort_step", "scaling_step"}
    for t in data["target_groups.json"]:
        assert set(t["required_fields"]) <= case_fields
    for e in data["efforts.json"]:
        assert e["target_groups"] and set(e["target_groups"]) <= tg, e


def test_effort_steps(data):
    assert [s["number"] for s in data["effort_steps.json"]] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "name",
    [
        "efforts.json",
        "school_districts.json",
        "units.json",
        "teams.json",
        "internal_recipients.json",
        "target_groups.json",
        "rates.json",
        "approval_levels.json",
    ],
)
def test_keys_unique(data, name):
    keys = [x["key"] for x in data[name]]
    assert all(re.fullmatch(r"[a-z0-9_]+", k) for k in keys), keys
    assert len(set(keys)) == len(keys)


def test_payment_date_exclusions(data):
    dates = [d["date"] for d in data["payment_date_exclusions.json"]]
    for d in dates:
        date.fromisoformat(d)
    assert len(set(dates)) == len(dates)
