"""Validation of interchange rows before they are applied to a site.

:func:`validate_rows` checks every row of an import: required fields, readable values,
duplicate keys, identifiers (service ids, CVR numbers), rate periods, approval rules and the
references between kinds. It returns one :class:`RowError` per problem, with a Danish message
that names the kind, the row and its key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from os2bos_plone.engine.approval import ApprovalLevel
from os2bos_plone.engine.approval import ApprovalRule
from os2bos_plone.engine.approval import validate_rules
from os2bos_plone.engine.identifiers import InvalidIdentifier
from os2bos_plone.engine.identifiers import validate_cvr
from os2bos_plone.engine.identifiers import validate_service_id
from os2bos_plone.engine.money import round_ore
from os2bos_plone.engine.prices import parse_price_rows
from os2bos_plone.interchange.kinds import BOOL
from os2bos_plone.interchange.kinds import DATE
from os2bos_plone.interchange.kinds import DECIMAL
from os2bos_plone.interchange.kinds import INT
from os2bos_plone.interchange.kinds import INT_LIST
from os2bos_plone.interchange.kinds import KIND_NAMES
from os2bos_plone.interchange.kinds import KINDS
from os2bos_plone.interchange.kinds import PERIOD_FIELDS
from os2bos_plone.interchange.kinds import PERIODS
from os2bos_plone.interchange.kinds import REQUIRED_FIELD_CHOICES
from os2bos_plone.interchange.kinds import SECTION_ROW_FIELDS
from os2bos_plone.interchange.kinds import SECTIONS
from os2bos_plone.interchange.kinds import STR
from os2bos_plone.interchange.kinds import STR_LIST
from os2bos_plone.interchange.kinds import Field
from os2bos_plone.interchange.kinds import Kind
from os2bos_plone.interchange.kinds import normalise
from os2bos_plone.interchange.kinds import normalise_key
from os2bos_plone.interchange.kinds import row_key
from os2bos_plone.interchange.kinds import row_number
from os2bos_plone.interchange.values import lower_first
from os2bos_plone.interchange.values import parse_bool
from os2bos_plone.interchange.values import parse_date
from os2bos_plone.interchange.values import parse_decimal
from os2bos_plone.interchange.values import parse_int
from os2bos_plone.interchange.values import text_of

__all__ = ["RowError", "validate_rows"]

_PLAIN_KEY_RE = re.compile(r"[a-z0-9_]+")
_KLE_RE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}")
_MUNICIPALITY_CODE_RE = re.compile(r"[0-9]{3}")
_ENGINE_RULE_RE = re.compile(r"Regel ([0-9]+): (.*)", re.DOTALL)

#: Kinds whose ``key`` must be lowercase ASCII with underscores (section keys are law
#: references such as "BL-30-1.1" and keep their own form).
_PLAIN_KEY_KINDS = frozenset(
    {
        "target_groups",
        "rates",
        "approval_levels",
        "efforts",
        "school_districts",
        "units",
        "teams",
        "internal_recipients",
    }
)
#: Fields whose required/reference checks are left to the engine's ``validate_rules``.
_ENGINE_FIELDS = frozenset({("approval_rules", "level")})


@dataclass(frozen=True)
class RowError:
    """One problem in one row.

    ``row`` is the 1-based row number in the source (the spreadsheet row when the rows came
    from :func:`~os2bos_plone.interchange.workbook.read_workbook`, else the position in the
    list); 0 means the kind as a whole. ``key`` is the row's key as written ("" when it has
    none). ``problem`` is the bare Danish description and ``message`` the full sentence:
    "Leverandører, række 7 (CVR 25052944): CVR-nummeret er ugyldigt (kontrolciffer)".
    """

    kind: str
    row: int
    key: Any
    message: str
    problem: str = ""

    def __str__(self) -> str:
        return self.message


def _clean(message: str) -> str:
    return lower_first(message.strip().rstrip("."))


def _error(kind: Kind | str, row: int, key, problem: str) -> RowError:
    meta = KINDS.get(kind) if isinstance(kind, str) else kind
    plural = meta.plural if meta else str(kind)
    name = meta.name if meta else str(kind)
    if row <= 0:
        return RowError(name, row, key, f"{plural}: {problem}", problem)
    where = f"{plural}, række {row}"
    if meta is not None and meta.key and key not in (None, ""):
        where += f" ({meta.key_label} {key})"
    return RowError(name, row, key, f"{where}: {problem}", problem)


# -- single values -----------------------------------------------------------------------------


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _shown(value) -> str:
    return text_of(value) if not isinstance(value, list | dict) else repr(value)


def _value_problems(field: Field, value) -> list[str]:
    """Problems with one raw field value (nested rows excluded)."""
    label = f"»{field.label}«"
    if _empty(value):
        return [f"{label} skal udfyldes"] if field.required else []
    if field.type == STR:
        if isinstance(value, list | dict | tuple | set):
            return [f"{label} skal være tekst"]
        return []
    if field.type == BOOL:
        try:
            parse_bool(value)
        except ValueError:
            return [f"{label} skal være ja eller nej, ikke »{_shown(value)}«"]
        return []
    if field.type == INT:
        try:
            parse_int(value)
        except ValueError:
            return [f"{label} skal være et helt tal, ikke »{_shown(value)}«"]
        return []
    if field.type == DECIMAL:
        try:
            number = parse_decimal(value)
        except ValueError:
            return [f"{label} skal være et tal, ikke »{_shown(value)}«"]
        if number != round_ore(number):
            return [f"{label} må højst have to decimaler, ikke »{_shown(value)}«"]
        return []
    if field.type == DATE:
        try:
            parse_date(value)
        except ValueError:
            return [f"{label} skal være en dato (ÅÅÅÅ-MM-DD), ikke »{_shown(value)}«"]
        return []
    if field.type in (STR_LIST, INT_LIST):
        if isinstance(value, str):
            items = value.split(",")
        elif isinstance(value, list | tuple | set | frozenset):
            items = list(value)
        else:
            return [f"{label} skal være en liste"]
        if field.type == INT_LIST:
            for item in items:
                if _empty(item):
                    continue
                try:
                    parse_int(item)
                except ValueError:
                    return [f"{label} skal være hele tal, ikke »{_shown(item)}«"]
        return []
    if field.type in (SECTIONS, PERIODS):
        if not isinstance(value, list | tuple):
            return [f"{label} skal være en liste"]
        return []
    raise ValueError(f"unknown field type {field.type!r}")  # pragma: no cover


def _row_problems(kind: Kind, row: Mapping) -> list[str]:
    problems: list[str] = []
    for field in kind.fields:
        if (kind.name, field.name) in _ENGINE_FIELDS:
            continue
        value = row.get(field.name)
        problems.extend(_value_problems(field, value))
        if field.type == SECTIONS and isinstance(value, list | tuple):
            problems.extend(_section_entry_problems(value))
        elif field.type == PERIODS and isinstance(value, list | tuple):
            problems.extend(_period_problems(value))
    return problems


def _nested_problems(fields: tuple[Field, ...], item, prefix: str) -> list[str]:
    if not isinstance(item, Mapping):
        return [f"{prefix}: skal være et objekt"]
    return [f"{prefix}: {p}" for f in fields for p in _value_problems(f, item.get(f.name))]


def _section_entry_problems(entries) -> list[str]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        section = text_of(entry.get("section")) if isinstance(entry, Mapping) else ""
        prefix = f"paragraf-række {number}" + (f" ({section})" if section else "")
        found = _nested_problems(SECTION_ROW_FIELDS, entry, prefix)
        problems.extend(found)
        if not isinstance(entry, Mapping):
            continue
        if section:
            if section in seen:
                problems.append(f"{prefix}: paragraffen står også i paragraf-række {seen[section]}")
            seen.setdefault(section, number)
        if not found:
            main = parse_bool(entry.get("main")) if not _empty(entry.get("main")) else False
            supplementary = entry.get("supplementary")
            supplementary = parse_bool(supplementary) if not _empty(supplementary) else False
            if not (main or supplementary):
                problems.append(
                    f"{prefix}: ydelsen skal være hovedydelse eller følgeudgift (eller begge)"
                )
        kle = text_of(entry.get("kle_number"))
        if kle and not _KLE_RE.fullmatch(kle):
            problems.append(f"{prefix}: KLE-nummeret »{kle}« skal have formen NN.NN.NN")
    return problems


def _period_problems(periods) -> list[str]:
    problems: list[str] = []
    for number, period in enumerate(periods, start=1):
        problems.extend(_nested_problems(PERIOD_FIELDS, period, f"periode {number}"))
    if not periods:
        problems.append("taksten skal have mindst én periode")
    if problems:
        return problems
    history, errors = parse_price_rows(periods)
    problems.extend(_clean(message) for message in errors)
    if not errors:
        problems.extend(_clean(message) for message in history.validate())
    return problems


# -- kind-specific checks ----------------------------------------------------------------------


def _kind_problems(kind: Kind, row: Mapping, norm: dict) -> list[str]:
    problems: list[str] = []
    name = kind.name
    if name in _PLAIN_KEY_KINDS and norm["key"] and not _PLAIN_KEY_RE.fullmatch(norm["key"]):
        problems.append(f"nøglen »{norm['key']}« må kun indeholde små bogstaver (a-z), cifre og _")
    if name == "services":
        if norm["service_id"]:
            try:
                validate_service_id(norm["service_id"])
            except InvalidIdentifier as error:
                problems.append(_clean(error.message))
        if norm["only_preferred"] is True and not norm["preferred_providers"]:
            problems.append("»Kun foretrukne leverandører« kræver mindst én foretrukken leverandør")
    elif name == "service_providers":
        if norm["cvr"]:
            try:
                validate_cvr(norm["cvr"])
            except InvalidIdentifier as error:
                problems.append(_clean(error.message))
        vat = norm["vat_factor"]
        try:
            vat_number = parse_decimal(vat) if vat is not None else None
        except ValueError:
            vat_number = None  # reported by the field check
        if vat_number is not None and not (0 < vat_number <= 100):
            problems.append("momsfaktoren skal være større end 0 og højst 100")
    elif name == "target_groups":
        for field_name in norm["required_fields"]:
            if field_name not in REQUIRED_FIELD_CHOICES:
                problems.append(
                    f"ukendt sagsfelt »{field_name}« "
                    f"(mulige felter: {', '.join(REQUIRED_FIELD_CHOICES)})"
                )
    elif name == "effort_steps":
        if isinstance(norm["number"], int) and norm["number"] < 1:
            problems.append("nummeret skal være 1 eller større")
    elif name == "municipalities":
        if norm["code"] and not _MUNICIPALITY_CODE_RE.fullmatch(norm["code"]):
            problems.append(f"kommunekoden »{norm['code']}« skal være 3 cifre")
    return problems


# -- references --------------------------------------------------------------------------------


def _missing(known: dict[str, set | None], field: Field, values) -> list[str]:
    keys = known.get(field.ref)
    if keys is None:
        return []
    problems = []
    for value in values if isinstance(values, list) else [values]:
        if value in ("", None) or isinstance(value, dict):
            continue
        if field.type == INT_LIST and not isinstance(value, int):
            continue  # unreadable; reported by the field check
        if value not in keys:
            problems.append(KINDS[field.ref].missing.format(value))
    return problems


def _reference_problems(kind: Kind, norm: dict, known: dict[str, set | None]) -> list[str]:
    problems: list[str] = []
    for field in kind.fields:
        if field.ref and (kind.name, field.name) not in _ENGINE_FIELDS:
            problems.extend(_missing(known, field, norm[field.name]))
        if field.type == SECTIONS and isinstance(norm[field.name], list):
            for entry in norm[field.name]:
                if not isinstance(entry, dict):
                    continue
                for sub in SECTION_ROW_FIELDS:
                    if not sub.ref:
                        continue
                    for problem in _missing(known, sub, entry[sub.name]):
                        if sub.name != "section":
                            problem = f"paragraf {entry['section']}: {problem}"
                        problems.append(problem)
    if kind.name == "approval_rules" and known.get("sections") is not None:
        pattern = norm["section"]
        if pattern and isinstance(pattern, str):
            wanted = pattern.casefold()
            if not any(
                str(key).casefold() == wanted or str(key).casefold().startswith(wanted + "-")
                for key in known["sections"]
            ):
                problems.append(f"ingen paragraf matcher »{pattern}«")
    return problems


def _approval_rule(row: Mapping) -> ApprovalRule:
    def amount(value):
        if _empty(value):
            return None
        try:
            return parse_decimal(value)
        except ValueError:
            return None  # reported by the field check

    return ApprovalRule(
        section=text_of(row.get("section")),
        service=text_of(row.get("service")),
        min_annual_cost=amount(row.get("min_annual_cost")),
        max_annual_cost=amount(row.get("max_annual_cost")),
        level=text_of(row.get("level")),
    )


def _engine_rule_problems(rows: list, known_levels: set | None) -> dict[int, list[str]]:
    """The engine's rule checks, by 0-based index of the row."""
    indexed = [(index, row) for index, row in enumerate(rows) if isinstance(row, Mapping)]
    rules = [_approval_rule(row) for _, row in indexed]
    if known_levels is None:
        # The levels are not known: check everything except that the level exists.
        known_levels = {rule.level for rule in rules}
    levels = [
        ApprovalLevel(str(key), str(key), rank, "role")
        for rank, key in enumerate(sorted(known_levels, key=str))
    ]
    by_index: dict[int, list[str]] = {}
    for message in validate_rules(rules, levels):
        match = _ENGINE_RULE_RE.fullmatch(message)
        if match is None:  # pragma: no cover - validate_rules always names the rule
            by_index.setdefault(indexed[0][0] if indexed else 0, []).append(_clean(message))
            continue
        index = indexed[int(match.group(1)) - 1][0]
        by_index.setdefault(index, []).append(_clean(match.group(2)))
    return by_index


# -- entry point -------------------------------------------------------------------------------


def _normalised_key_sets(kind_keys: Mapping[str, Iterable] | None) -> dict[str, set]:
    if not kind_keys:
        return {}
    return {
        name: {normalise_key(name, key) for key in keys}
        for name, keys in kind_keys.items()
        if name in KINDS
    }


def validate_rows(
    rows: Mapping[str, list[Mapping[str, Any]]],
    existing_keys: Mapping[str, Iterable] | None = None,
    only: Mapping[str, Iterable] | None = None,
) -> list[RowError]:
    """Check the rows of an import; an empty list means they can be applied.

    ``rows`` maps kind names to lists of rows (the seed format). References between kinds
    (a service's sections, a section's target groups, a rule's level ...) may be satisfied by
    rows of the same import or by ``existing_keys``, the keys per kind that the site already
    holds. A reference to a kind that is neither in the import nor in ``existing_keys`` is
    not checked, because nothing is known about it.

    ``only`` restricts the per-row checks to the given keys per kind (for approval rules: the
    identity tuples of :func:`~os2bos_plone.interchange.kinds.row_key`); kinds missing from
    ``only`` are checked in full. Use it to re-import legacy rows that are unchanged although
    they would not pass today's checks (OS2BOS providers with a wrong CVR check digit):
    ``only=report.changed_keys()`` of :func:`~os2bos_plone.interchange.diff.diff_rows`.
    Duplicate keys are always reported.
    """
    errors: list[RowError] = []
    existing = _normalised_key_sets(existing_keys)
    restrict = _normalised_key_sets(only)

    for name in rows:
        if name not in KINDS:
            errors.append(_error(name, 0, None, "ukendt type af klassifikationsdata"))
        elif not isinstance(rows[name], list | tuple):
            errors.append(_error(name, 0, None, "skal være en liste af rækker"))

    lists = {
        name: rows[name]
        for name in KIND_NAMES
        if name in rows and isinstance(rows[name], list | tuple)
    }
    known: dict[str, set | None] = {}
    for name in KIND_NAMES:
        if name in lists or name in existing:
            keys = set(existing.get(name, set()))
            for row in lists.get(name, ()):
                if isinstance(row, Mapping):
                    keys.add(row_key(name, row))
            keys.discard("")
            keys.discard(None)
            known[name] = keys
        else:
            known[name] = None

    for name, kind_rows in lists.items():
        kind = KINDS[name]
        seen: dict[Any, int] = {}
        engine_problems: dict[int, list[str]] = {}
        if name == "approval_rules":
            engine_problems = _engine_rule_problems(list(kind_rows), known["approval_levels"])
        for index, row in enumerate(kind_rows):
            number = row_number(kind_rows, index)
            if not isinstance(row, Mapping):
                errors.append(_error(kind, number, "", "rækken skal være et objekt"))
                continue
            key = row_key(kind, row)
            shown_key = key if kind.key else ""
            if key not in ("", None):
                if key in seen:
                    if kind.key:
                        label = kind.key_label[:1].upper() + kind.key_label[1:]
                        problem = f"{label} »{key}« er brugt flere gange (også i række {seen[key]})"
                    else:
                        problem = f"reglen står også i række {seen[key]}"
                    errors.append(_error(kind, number, shown_key, problem))
                else:
                    seen[key] = number
            if name in restrict and key not in restrict[name]:
                continue
            problems = _row_problems(kind, row)
            norm = normalise(kind, row)
            problems.extend(_kind_problems(kind, row, norm))
            problems.extend(engine_problems.get(index, []))
            problems.extend(_reference_problems(kind, norm, known))
            errors.extend(_error(kind, number, shown_key, problem) for problem in problems)
    return errors
