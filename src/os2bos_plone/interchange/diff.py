"""What an import would change: :func:`diff_rows` compares the site's rows with incoming rows.

An import adds new rows and updates changed ones. Rows that the import does not contain are
kept (an import of 10 providers must not delete the other 400); the report lists them as "not
in the import". Approval rules are the exception: they have no key, so the incoming list
replaces the current one as a whole when the two differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from os2bos_plone.interchange.kinds import KIND_NAMES
from os2bos_plone.interchange.kinds import KINDS
from os2bos_plone.interchange.kinds import PERIODS
from os2bos_plone.interchange.kinds import SECTION_ROW_FIELDS
from os2bos_plone.interchange.kinds import SECTIONS
from os2bos_plone.interchange.kinds import Field
from os2bos_plone.interchange.kinds import Kind
from os2bos_plone.interchange.kinds import normalise
from os2bos_plone.interchange.kinds import row_key
from os2bos_plone.interchange.values import display_value
from os2bos_plone.interchange.values import lower_first

__all__ = ["ChangeReport", "KindChanges", "diff_rows", "describe_rule"]


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


@dataclass
class KindChanges:
    """The changes of one kind.

    ``added``: keys of incoming rows the site does not have (in import order).
    ``changed``: key -> {field: (old, new)} with normalised values.
    ``unchanged``: the number of incoming rows equal to the site's.
    ``not_in_import``: keys the site has that the import lacks; they are kept.
    ``rows``: key -> the normalised incoming row, for every added and changed key.

    For approval rules the keys are identity tuples (see
    :func:`~os2bos_plone.interchange.kinds.rule_identity`), only ``note`` can be "changed",
    ``removed`` lists the rules that disappear, and ``replaced`` is True when the incoming
    list (``rule_list``) replaces the current one.
    """

    kind: str
    added: list = field(default_factory=list)
    changed: dict = field(default_factory=dict)
    unchanged: int = 0
    not_in_import: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)
    removed: list = field(default_factory=list)
    replaced: bool = False
    rule_list: list = field(default_factory=list)

    @property
    def meta(self) -> Kind:
        return KINDS[self.kind]

    @property
    def is_empty(self) -> bool:
        """True when applying this kind changes nothing."""
        return not (self.added or self.changed or self.removed or self.replaced)

    def summary_line(self) -> str:
        parts = [
            _count(len(self.added), "ny", "nye"),
            _count(len(self.changed), "ændret", "ændrede"),
        ]
        if self.meta.key is None:
            parts.append(_count(len(self.removed), "fjernet", "fjernede"))
        parts.append(_count(self.unchanged, "uændret", "uændrede"))
        line = f"{self.meta.plural}: {', '.join(parts)}"
        if self.not_in_import:
            line += f"; {len(self.not_in_import)} ikke med i importen (bevares)"
        if self.replaced:
            line += "; listen erstattes"
        return line

    def detail_lines(self, include_not_in_import: bool = True) -> list[str]:
        if self.meta.key is None:
            return self._rule_lines()
        singular = self.meta.singular
        lines = []
        for key in self.added:
            row = self.rows[key]
            title = row.get("title") or row.get("name") or ""
            lines.append(f"{singular} {key}: tilføjes" + (f" (»{title}«)" if title else ""))
        for key, fields in self.changed.items():
            for name, (old, new) in fields.items():
                meta_field = self.meta.field(name)
                for text in _field_change_lines(meta_field, old, new):
                    lines.append(f"{singular} {key}: {text}")
        if include_not_in_import:
            for key in self.not_in_import:
                lines.append(f"{singular} {key}: ikke med i importen (bevares)")
        return lines

    def _rule_lines(self) -> list[str]:
        lines = [f"Bevillingsregel tilføjes: {describe_rule(key)}" for key in self.added]
        for key, fields in self.changed.items():
            for name, (old, new) in fields.items():
                label = lower_first(self.meta.field(name).label)
                change = f"{label} {_quoted(old)} → {_quoted(new)}"
                lines.append(f"Bevillingsregel ({describe_rule(key)}): {change}")
        lines.extend(f"Bevillingsregel fjernes: {describe_rule(key)}" for key in self.removed)
        return lines


def _quoted(value, field_type: str | None = None) -> str:
    shown = display_value(value, field_type)
    return shown if shown == "(tom)" else f"»{shown}«"


def _period_text(period: Mapping) -> str:
    start = display_value(period.get("start_date"), "date").replace("(tom)", "")
    end = display_value(period.get("end_date"), "date").replace("(tom)", "")
    return f"{start}–{end}: {display_value(period.get('amount'), 'decimal')}"


def _field_change_lines(meta_field: Field, old, new) -> list[str]:
    label = lower_first(meta_field.label)
    if meta_field.type == PERIODS:
        old_text = "; ".join(_period_text(p) for p in old if isinstance(p, Mapping)) or "(tom)"
        new_text = "; ".join(_period_text(p) for p in new if isinstance(p, Mapping)) or "(tom)"
        return [f"{label} »{old_text}« → »{new_text}«".replace("»(tom)«", "(tom)")]
    if meta_field.type == SECTIONS:
        return _section_change_lines(old, new)
    return [f"{label} {_quoted(old, meta_field.type)} → {_quoted(new, meta_field.type)}"]


def _section_change_lines(old: list, new: list) -> list[str]:
    def by_section(entries):
        result = {}
        for entry in entries:
            if isinstance(entry, Mapping):
                result.setdefault(entry.get("section", ""), entry)
        return result

    before, after = by_section(old), by_section(new)
    lines = []
    for section, entry in after.items():
        if section not in before:
            lines.append(f"paragraf {section} tilføjes")
            continue
        for sub in SECTION_ROW_FIELDS:
            was, now = before[section].get(sub.name), entry.get(sub.name)
            if was != now:
                label = lower_first(sub.label)
                change = f"{label} {_quoted(was, sub.type)} → {_quoted(now, sub.type)}"
                lines.append(f"paragraf {section}: {change}")
    lines.extend(f"paragraf {section} fjernes" for section in before if section not in after)
    return lines


def describe_rule(identity: tuple) -> str:
    """A Danish description of an approval rule identity (section, service, min, max, level)."""
    section, service, low, high, level = identity
    parts = [f"paragraf {section}" if section else "alle paragraffer"]
    parts.append(f"ydelse {service}" if service else "alle ydelser")
    low_text = display_value(low, "decimal") if low is not None else ""
    high_text = display_value(high, "decimal") if high is not None else ""
    if low_text and high_text:
        parts.append(f"årlig udgift {low_text}–{high_text} kr.")
    elif low_text:
        parts.append(f"årlig udgift fra {low_text} kr.")
    elif high_text:
        parts.append(f"årlig udgift under {high_text} kr.")
    parts.append(f"niveau {level}")
    return ", ".join(parts)


@dataclass
class ChangeReport:
    """The changes an import would make, per kind (only kinds that are in the import)."""

    kinds: dict[str, KindChanges] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when applying the import changes nothing (rows only missing from it do not
        count, as they are kept)."""
        return all(changes.is_empty for changes in self.kinds.values())

    def __getitem__(self, kind: str) -> KindChanges:
        return self.kinds[kind]

    def __contains__(self, kind: str) -> bool:
        return kind in self.kinds

    def summary_lines(self) -> list[str]:
        """One line per kind: "Paragraffer: 1 ny, 2 ændrede, 143 uændrede"."""
        return [changes.summary_line() for changes in self.kinds.values()]

    def detail_lines(self, include_not_in_import: bool = True) -> list[str]:
        """One line per change: "Ydelse 100101: titel »A« → »B«"."""
        lines: list[str] = []
        for changes in self.kinds.values():
            lines.extend(changes.detail_lines(include_not_in_import))
        return lines

    def changed_keys(self) -> dict[str, set]:
        """Added and changed keys per kind in the import: the ``only`` for
        :func:`~os2bos_plone.interchange.validation.validate_rows`. A replaced rule list
        counts all its rules as changed."""
        result: dict[str, set] = {}
        for name, changes in self.kinds.items():
            if changes.meta.key is None:
                result[name] = (
                    {row_key(name, row) for row in changes.rule_list} if changes.replaced else set()
                )
            else:
                result[name] = set(changes.added) | set(changes.changed)
        return result


def _index(kind: str, rows: Iterable[Mapping[str, Any]]) -> dict:
    indexed: dict = {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        normal = normalise(kind, row)
        indexed.setdefault(row_key(kind, normal), normal)
    return indexed


def _diff_kind(kind: str, current: list, incoming: list) -> KindChanges:
    meta = KINDS[kind]
    changes = KindChanges(kind)
    old = _index(kind, current)
    new = _index(kind, incoming)
    for key, row in new.items():
        if key not in old:
            changes.added.append(key)
            changes.rows[key] = row
            continue
        fields = {
            name: (old[key][name], value) for name, value in row.items() if old[key][name] != value
        }
        if fields:
            changes.changed[key] = fields
            changes.rows[key] = row
        else:
            changes.unchanged += 1
    if meta.key is None:
        changes.removed = [key for key in old if key not in new]
        changes.replaced = bool(changes.added or changes.changed or changes.removed)
        changes.rule_list = list(new.values())
    else:
        changes.not_in_import = [key for key in old if key not in new]
    return changes


def diff_rows(
    current: Mapping[str, list[Mapping[str, Any]]],
    incoming: Mapping[str, list[Mapping[str, Any]]],
) -> ChangeReport:
    """Compare the site's rows (``current``) with an import (``incoming``), kind by kind.

    Only kinds in ``incoming`` are compared; a kind missing from ``current`` counts as empty.
    Rows are compared in their normalised form (:func:`~os2bos_plone.interchange.kinds.normalise`),
    so "206" and "206.00" or a reordered list are no change. With duplicate keys the first
    row counts (:func:`~os2bos_plone.interchange.validation.validate_rows` reports them).
    """
    report = ChangeReport()
    for kind in KIND_NAMES:
        if kind in incoming:
            report.kinds[kind] = _diff_kind(
                kind, list(current.get(kind) or ()), list(incoming[kind])
            )
    return report
