"""The classification as rows: read from the site, applied to the site.

Rows are the interchange format of os2bos_plone.interchange (one list of plain dicts per kind, the
shape of the seed JSON files). The seed load on install, the spreadsheet import and the OS2BOS
migration all end here, so there is one way to write classification data: match on keys, create
what is new, update what changed, never delete.
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from plone import api
from plone.dexterity.utils import createContentInContainer
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone import logger
from os2bos_plone.classification.reader import LIST_KEYS
from os2bos_plone.classification.reader import regelmotor
from os2bos_plone.engine.money import format_machine
from os2bos_plone.engine.money import parse_machine
from os2bos_plone.engine.money import round_ore

SEED_DIR = Path(__file__).parent.parent / "data" / "seed"

# kind -> (portal_type, key field in rows, key attribute on content)
CONTENT_KINDS = {
    "approval_levels": ("bos_approval_level", "key", "key"),
    "sections": ("bos_section", "key", "key"),
    "service_providers": ("bos_service_provider", "cvr", "cvr"),
    "services": ("bos_service", "service_id", "service_id"),
    "rates": ("bos_rate", "key", "key"),
}
LIST_KINDS = (*LIST_KEYS, "approval_rules")

# The order that satisfies references: lists and levels before what refers to them.
APPLY_ORDER = (
    "activity_categories",
    "account_aliases",
    "target_groups",
    "effort_steps",
    "efforts",
    "school_districts",
    "units",
    "teams",
    "municipalities",
    "internal_recipients",
    "payment_date_exclusions",
    "approval_levels",
    "sections",
    "service_providers",
    "services",
    "rates",
    "approval_rules",
)


def load_seed_rows():
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SEED_DIR.glob("*.json"))
    }


# -- typed values ------------------------------------------------------------------------------


def _date(value):
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _decimal(value):
    if value in (None, ""):
        return None
    return round_ore(parse_machine(value))


def _text(value):
    return "" if value is None else str(value)


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


# -- rows -> content fields --------------------------------------------------------------------


def _fields_from_row(kind, row):
    active = row.get("active", True) is not False
    if kind == "sections":
        return {
            "key": row["key"],
            "title": row.get("title") or row["key"],
            "law_name": _text(row.get("law_name")),
            "text": _text(row.get("text")),
            "target_groups": list(row.get("target_groups") or []),
            "effort_steps": [int(step) for step in row.get("effort_steps") or []],
            "dst_code": _text(row.get("dst_code")),
            "dst_preventative_measures": bool(row.get("dst_preventative_measures")),
            "dst_handicap": bool(row.get("dst_handicap")),
            "old_sel_keys": _text(row.get("old_sel_keys")),
            "active": active,
        }
    if kind == "services":
        return {
            "service_id": row["service_id"],
            "title": row.get("title") or row["service_id"],
            "description": _text(row.get("description")),
            "activity_category": row.get("activity_category") or None,
            "sections": [
                {
                    "section": entry["section"],
                    "main": bool(entry.get("main")),
                    "supplementary": bool(entry.get("supplementary")),
                    "kle_number": _text(entry.get("kle_number")),
                    "sbsys_template_id": _text(entry.get("sbsys_template_id")),
                    "main_account_number": _text(entry.get("main_account_number")),
                    "supplementary_main_account_number": _text(
                        entry.get("supplementary_main_account_number")
                    ),
                    "activity_category": entry.get("activity_category") or None,
                }
                for entry in row.get("sections") or []
            ],
            "follows_main_services": list(row.get("follows_main_services") or []),
            "preferred_providers": list(row.get("preferred_providers") or []),
            "only_preferred": bool(row.get("only_preferred")),
            "active": active,
        }
    if kind == "rates":
        return {
            "key": row["key"],
            "title": row.get("title") or row["key"],
            "description": _text(row.get("description")),
            "periods": [
                {
                    "start_date": _date(period.get("start_date")),
                    "end_date": _date(period.get("end_date")),
                    "amount": _decimal(period.get("amount")),
                }
                for period in row.get("periods") or []
            ],
            "active": active,
        }
    if kind == "service_providers":
        return {
            "cvr": row["cvr"],
            "title": row.get("name") or row["cvr"],
            "street": _text(row.get("street")),
            "zip_code": _text(row.get("zip_code")),
            "city": _text(row.get("city")),
            "business_code": _text(row.get("business_code")),
            "business_code_text": _text(row.get("business_code_text")),
            "vat_factor": _decimal(row.get("vat_factor")) or Decimal("100.00"),
            "active": active,
        }
    if kind == "approval_levels":
        return {
            "key": row["key"],
            "title": row.get("title") or row["key"],
            "rank": int(row["rank"]),
            "role": row.get("role") or "BOSCaseWorker",
            "committee": bool(row.get("committee")),
            "active": active,
        }
    raise KeyError(kind)


def _row_from_object(kind, obj):
    if kind == "sections":
        return {
            "key": obj.key,
            "law_name": obj.law_name or "",
            "title": obj.title,
            "text": obj.text or "",
            "target_groups": list(obj.target_groups or []),
            "effort_steps": list(obj.effort_steps or []),
            "dst_code": obj.dst_code or "",
            "dst_preventative_measures": bool(obj.dst_preventative_measures),
            "dst_handicap": bool(obj.dst_handicap),
            "active": bool(obj.active),
            "old_sel_keys": obj.old_sel_keys or "",
        }
    if kind == "services":
        return {
            "service_id": obj.service_id,
            "title": obj.title,
            "description": obj.description or "",
            "activity_category": obj.activity_category or "",
            "sections": [
                {
                    "section": entry["section"],
                    "main": bool(entry.get("main")),
                    "supplementary": bool(entry.get("supplementary")),
                    "kle_number": entry.get("kle_number") or "",
                    "sbsys_template_id": entry.get("sbsys_template_id") or "",
                    "main_account_number": entry.get("main_account_number") or "",
                    "supplementary_main_account_number": entry.get(
                        "supplementary_main_account_number"
                    )
                    or "",
                    "activity_category": entry.get("activity_category") or "",
                }
                for entry in obj.sections or []
            ],
            "follows_main_services": list(obj.follows_main_services or []),
            "preferred_providers": list(obj.preferred_providers or []),
            "only_preferred": bool(obj.only_preferred),
            "active": bool(obj.active),
        }
    if kind == "rates":
        return {
            "key": obj.key,
            "title": obj.title,
            "description": obj.description or "",
            "periods": [
                {
                    "start_date": _iso(period.get("start_date")),
                    "end_date": _iso(period.get("end_date")),
                    "amount": format_machine(period.get("amount")),
                }
                for period in obj.periods or []
            ],
            "active": bool(obj.active),
        }
    if kind == "service_providers":
        return {
            "cvr": obj.cvr,
            "name": obj.title,
            "street": obj.street or "",
            "zip_code": obj.zip_code or "",
            "city": obj.city or "",
            "business_code": obj.business_code or "",
            "business_code_text": obj.business_code_text or "",
            "vat_factor": format_machine(obj.vat_factor),
            "active": bool(obj.active),
        }
    if kind == "approval_levels":
        return {
            "key": obj.key,
            "title": obj.title,
            "rank": obj.rank,
            "role": obj.role,
            "committee": bool(obj.committee),
            "active": bool(obj.active),
        }
    raise KeyError(kind)


# -- list rows (on the regelmotor container) ---------------------------------------------------

_LIST_DATE_FIELDS = {"date"}
_LIST_DECIMAL_FIELDS = {"min_annual_cost", "max_annual_cost"}
_LIST_INT_FIELDS = {"number"}


def _typed_list_row(row):
    typed = {}
    for name, value in row.items():
        if name in _LIST_DATE_FIELDS:
            typed[name] = _date(value)
        elif name in _LIST_DECIMAL_FIELDS:
            typed[name] = _decimal(value)
        elif name in _LIST_INT_FIELDS:
            typed[name] = int(value)
        elif name == "active":
            typed[name] = value is not False
        else:
            typed[name] = value
    return typed


def _plain_list_row(row):
    plain = {}
    for name, value in row.items():
        if name in _LIST_DATE_FIELDS:
            plain[name] = _iso(value)
        elif name in _LIST_DECIMAL_FIELDS:
            plain[name] = format_machine(value)
        else:
            plain[name] = value
    return plain


# -- public API ---------------------------------------------------------------------------------


def site_rows(kinds=None):
    """The site's classification as rows, per kind."""
    container = regelmotor()
    rows = {}
    for kind in kinds or APPLY_ORDER:
        if kind in CONTENT_KINDS:
            portal_type, _row_key, _attr = CONTENT_KINDS[kind]
            brains = api.content.find(portal_type=portal_type, unrestricted=True, sort_on="bos_key")
            rows[kind] = [_row_from_object(kind, b._unrestrictedGetObject()) for b in brains]
        else:
            rows[kind] = [_plain_list_row(row) for row in getattr(container, kind, None) or []]
    return rows


def apply_rows(rows, progress=None):
    """Create or update the classification from rows, matching on keys. Returns counts per kind.

    Rows must be validated first (os2bos_plone.interchange.rows.validate_rows): this writes.
    """
    say = progress or (lambda message: None)
    container = regelmotor()
    counts = {}
    for kind in APPLY_ORDER:
        if kind not in rows:
            continue
        if kind in CONTENT_KINDS:
            counts[kind] = _apply_content_rows(container, kind, rows[kind], say)
        else:
            counts[kind] = _apply_list_rows(container, kind, rows[kind])
            say(f"  {kind}: {len(rows[kind])} rækker")
    container.reindexObject()
    # An import is an edit of the regelmotor: its subscribers (the teams' groups, security)
    # follow as after a form edit.
    notify(ObjectModifiedEvent(container))
    return counts


def _apply_list_rows(container, kind, incoming):
    typed = [_typed_list_row(row) for row in incoming]
    if kind == "approval_rules":
        setattr(container, kind, typed)
        return {"rows": len(typed)}
    key_field = LIST_KEYS[kind]
    merged = {str(row[key_field]): row for row in getattr(container, kind, None) or []}
    created = updated = 0
    for row in typed:
        key = str(row[key_field])
        # Merge, so fields the source does not carry (a team's leader) are kept.
        combined = {**merged.get(key, {}), **row}
        if key not in merged:
            created += 1
        elif merged[key] != combined:
            updated += 1
        merged[key] = combined
    setattr(container, kind, list(merged.values()))
    return {"created": created, "updated": updated}


def _apply_content_rows(container, kind, incoming, say):
    portal_type, row_key, attr = CONTENT_KINDS[kind]
    existing = {
        getattr(brain._unrestrictedGetObject(), attr): brain._unrestrictedGetObject()
        for brain in api.content.find(portal_type=portal_type, unrestricted=True)
    }
    created = updated = 0
    step = max(1, len(incoming) // 10)
    for number, row in enumerate(incoming, start=1):
        fields = _fields_from_row(kind, row)
        obj = existing.get(row[row_key])
        if obj is None:
            obj = createContentInContainer(container, portal_type, checkConstraints=False, **fields)
            existing[row[row_key]] = obj
            created += 1
        elif any(getattr(obj, name, None) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(obj, name, value)
            obj.reindexObject()
            updated += 1
        if number % step == 0 or number == len(incoming):
            say(f"  {kind}: {number}/{len(incoming)}")
    logger.info("%s: %d created, %d updated", kind, created, updated)
    return {"created": created, "updated": updated}


def load_seed(progress=None):
    """Load (or update) the classification shipped with the product."""
    return apply_rows(load_seed_rows(), progress=progress)
