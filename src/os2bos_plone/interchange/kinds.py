"""The interchange kinds: metadata per kind of classification row, and normalisation.

A *kind* is one list of the classification (regelmotor) data, named like the seed JSON file
that holds it (``sections`` for ``data/seed/sections.json``). A *row* is one plain dict in the
seed format. :data:`KINDS` describes every kind and its fields; :func:`normalise` turns a row
into its canonical form so that two rows that mean the same compare equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from os2bos_plone.engine.money import format_machine
from os2bos_plone.interchange.values import compact_cvr
from os2bos_plone.interchange.values import parse_bool
from os2bos_plone.interchange.values import parse_date
from os2bos_plone.interchange.values import parse_decimal
from os2bos_plone.interchange.values import parse_int
from os2bos_plone.interchange.values import text_of

__all__ = [
    "BOOL",
    "DATE",
    "DECIMAL",
    "FIELD_TYPES",
    "INT",
    "INT_LIST",
    "KINDS",
    "KIND_NAMES",
    "PERIODS",
    "PERIOD_FIELDS",
    "REQUIRED_FIELD_CHOICES",
    "SECTIONS",
    "SECTION_ROW_FIELDS",
    "STR",
    "STR_LIST",
    "Field",
    "Kind",
    "NumberedRows",
    "get_kind",
    "natural_key",
    "normalise",
    "normalise_key",
    "normalise_rows",
    "normalise_value",
    "row_key",
    "row_keys",
    "row_number",
    "rule_identity",
]

# -- field types -------------------------------------------------------------------------------

STR = "str"  #: text; ``None`` becomes ""
BOOL = "bool"  #: True/False
INT = "int"  #: an integer
DECIMAL = "decimal"  #: a decimal string with two decimals ("206.00"); some fields allow None
DATE = "date"  #: an ISO date string ("2025-01-31"); some fields allow None
STR_LIST = "str_list"  #: a list of strings; order is irrelevant (normalised sorted)
INT_LIST = "int_list"  #: a list of integers; order is irrelevant (normalised sorted)
SECTIONS = "sections"  #: a service's section rows (:data:`SECTION_ROW_FIELDS`)
PERIODS = "periods"  #: a rate's periods (:data:`PERIOD_FIELDS`)

FIELD_TYPES = (STR, BOOL, INT, DECIMAL, DATE, STR_LIST, INT_LIST, SECTIONS, PERIODS)

#: The case fields a target group may require (``target_groups[].required_fields``).
REQUIRED_FIELD_CHOICES = ("district", "effort_step", "scaling_step")

_NO_DEFAULT = object()


@dataclass(frozen=True)
class Field:
    """One field of a row.

    ``label`` is the Danish column name in the workbook. ``required`` fields must not be empty.
    ``nullable`` decimal and date fields normalise an empty value to ``None`` (no limit, open
    end). ``ref`` names the kind whose keys the value (or each list item) must be. ``cvr``
    marks values that are CVR numbers (normalised without spaces and "DK").
    """

    name: str
    type: str
    label: str
    required: bool = False
    nullable: bool = False
    ref: str | None = None
    cvr: bool = False
    default: Any = _NO_DEFAULT

    def default_value(self) -> Any:
        """The value a missing optional field gets."""
        if self.default is not _NO_DEFAULT:
            return list(self.default) if isinstance(self.default, list) else self.default
        if self.type == STR:
            return ""
        if self.type == BOOL:
            return False
        if self.type in (STR_LIST, INT_LIST, SECTIONS, PERIODS):
            return []
        return None


@dataclass(frozen=True)
class Kind:
    """Metadata of one kind.

    ``key`` is the name of the key field (``None`` for approval rules, whose identity is the
    whole row minus ``note``). ``key_label`` names the key in messages ("CVR 25052944"),
    ``missing`` is the message for a reference to a key that does not exist.
    """

    name: str
    singular: str
    plural: str
    key: str | None
    key_label: str
    missing: str
    fields: tuple[Field, ...]
    _by_name: dict = dataclass_field(default=None, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return self._by_name[name]

    @property
    def key_field(self) -> Field | None:
        return self._by_name[self.key] if self.key else None

    @property
    def sheet(self) -> str:
        """The workbook sheet name (the Danish plural)."""
        return self.plural


def _key(name="key", label="Nøgle") -> Field:
    return Field(name, STR, label, required=True)


def _title(label="Titel") -> Field:
    return Field("title", STR, label, required=True)


_ACTIVE = Field("active", BOOL, "Aktiv", default=True)

#: The fields of a service's section row (``services[].sections[]``, the OS2BOS SectionInfo).
#: ``activity_category`` "" means: use the service's own category.
SECTION_ROW_FIELDS: tuple[Field, ...] = (
    Field("section", STR, "Paragraf", required=True, ref="sections"),
    Field("main", BOOL, "Hovedydelse"),
    Field("supplementary", BOOL, "Følgeudgift"),
    Field("kle_number", STR, "KLE-nummer"),
    Field("sbsys_template_id", STR, "SBSYS-skabelon"),
    Field("main_account_number", STR, "Hovedkonto"),
    Field("supplementary_main_account_number", STR, "Hovedkonto for følgeudgifter"),
    Field("activity_category", STR, "Aktivitetskategori", ref="activity_categories"),
)

#: The fields of a rate period (``rates[].periods[]``): ``[start_date, end_date)``.
PERIOD_FIELDS: tuple[Field, ...] = (
    Field("start_date", DATE, "Startdato", nullable=True),
    Field("end_date", DATE, "Slutdato", nullable=True),
    Field("amount", DECIMAL, "Beløb", required=True),
)

_KIND_LIST: tuple[Kind, ...] = (
    Kind(
        "target_groups",
        "Målgruppe",
        "Målgrupper",
        "key",
        "nøgle",
        "målgruppen »{}« findes ikke",
        (
            _key(),
            _title(),
            Field("required_fields", STR_LIST, "Påkrævede sagsfelter"),
            _ACTIVE,
        ),
    ),
    Kind(
        "effort_steps",
        "Indsatstrappetrin",
        "Indsatstrappen",
        "number",
        "nummer",
        "indsatstrappetrin {} findes ikke",
        (
            Field("number", INT, "Nummer", required=True),
            _title(),
            _ACTIVE,
        ),
    ),
    Kind(
        "activity_categories",
        "Aktivitetskategori",
        "Aktivitetskategorier",
        "category_id",
        "kategori-id",
        "aktivitetskategorien »{}« findes ikke",
        (
            _key("category_id", "Kategori-id"),
            _title(),
        ),
    ),
    Kind(
        "account_aliases",
        "Kontoalias",
        "Kontoaliaser",
        "alias",
        "alias",
        "kontoaliasset »{}« findes ikke",
        (
            _key("alias", "Alias"),
            Field("main_account_number", STR, "Hovedkonto", required=True),
            Field("category_id", STR, "Aktivitetskategori", required=True),
        ),
    ),
    Kind(
        "sections",
        "Paragraf",
        "Paragraffer",
        "key",
        "nøgle",
        "paragraffen »{}« findes ikke",
        (
            _key(),
            Field("law_name", STR, "Lov"),
            _title(),
            Field("text", STR, "Tekst"),
            Field("target_groups", STR_LIST, "Målgrupper", ref="target_groups"),
            Field("effort_steps", INT_LIST, "Indsatstrappetrin", ref="effort_steps"),
            Field("dst_code", STR, "DST-kode"),
            Field("dst_preventative_measures", BOOL, "DST forebyggende foranstaltning"),
            Field("dst_handicap", BOOL, "DST handicap"),
            _ACTIVE,
            Field("old_sel_keys", STR, "Tidligere SEL-paragraf"),
        ),
    ),
    Kind(
        "service_providers",
        "Leverandør",
        "Leverandører",
        "cvr",
        "CVR",
        "leverandøren med CVR-nummer »{}« findes ikke",
        (
            Field("cvr", STR, "CVR", required=True, cvr=True),
            Field("name", STR, "Navn", required=True),
            Field("street", STR, "Adresse"),
            Field("zip_code", STR, "Postnummer"),
            Field("city", STR, "By"),
            Field("business_code", STR, "Branchekode"),
            Field("business_code_text", STR, "Branchetekst"),
            Field("vat_factor", DECIMAL, "Momsfaktor (%)", default="100.00"),
            _ACTIVE,
        ),
    ),
    Kind(
        "services",
        "Ydelse",
        "Ydelser",
        "service_id",
        "ydelses-id",
        "ydelsen »{}« findes ikke",
        (
            _key("service_id", "Ydelses-id"),
            _title(),
            Field("description", STR, "Beskrivelse"),
            Field("activity_category", STR, "Aktivitetskategori", ref="activity_categories"),
            Field("sections", SECTIONS, "Paragraffer"),
            Field("follows_main_services", STR_LIST, "Følger hovedydelser", ref="services"),
            Field(
                "preferred_providers",
                STR_LIST,
                "Foretrukne leverandører (CVR)",
                ref="service_providers",
                cvr=True,
            ),
            Field("only_preferred", BOOL, "Kun foretrukne leverandører"),
            _ACTIVE,
        ),
    ),
    Kind(
        "rates",
        "Takst",
        "Takster",
        "key",
        "nøgle",
        "taksten »{}« findes ikke",
        (
            _key(),
            _title(),
            Field("description", STR, "Beskrivelse"),
            Field("periods", PERIODS, "Perioder"),
        ),
    ),
    Kind(
        "approval_levels",
        "Bevillingsniveau",
        "Bevillingsniveauer",
        "key",
        "nøgle",
        "bevillingsniveauet »{}« findes ikke",
        (
            _key(),
            _title(),
            Field("rank", INT, "Rang", required=True),
            Field("role", STR, "Rolle", required=True),
            Field("committee", BOOL, "Udvalg eller nævn"),
        ),
    ),
    Kind(
        "approval_rules",
        "Bevillingsregel",
        "Bevillingsregler",
        None,
        "",
        "",
        (
            Field("section", STR, "Paragraf"),
            Field("service", STR, "Ydelses-id", ref="services"),
            Field("min_annual_cost", DECIMAL, "Min. årlig udgift", nullable=True),
            Field("max_annual_cost", DECIMAL, "Maks. årlig udgift", nullable=True),
            Field("level", STR, "Bevillingsniveau", required=True, ref="approval_levels"),
            Field("note", STR, "Note"),
        ),
    ),
    Kind(
        "efforts",
        "Indsats",
        "Indsatser",
        "key",
        "nøgle",
        "indsatsen »{}« findes ikke",
        (
            _key(),
            _title(),
            Field("target_groups", STR_LIST, "Målgrupper", ref="target_groups"),
            _ACTIVE,
        ),
    ),
    Kind(
        "municipalities",
        "Kommune",
        "Kommuner",
        "code",
        "kode",
        "kommunen »{}« findes ikke",
        (
            _key("code", "Kommunekode"),
            Field("name", STR, "Navn", required=True),
        ),
    ),
    Kind(
        "school_districts",
        "Skoledistrikt",
        "Skoledistrikter",
        "key",
        "nøgle",
        "skoledistriktet »{}« findes ikke",
        (_key(), _title(), _ACTIVE),
    ),
    Kind(
        "units",
        "Afsnit",
        "Afsnit",
        "key",
        "nøgle",
        "afsnittet »{}« findes ikke",
        (_key(), _title(), _ACTIVE),
    ),
    Kind(
        "teams",
        "Team",
        "Teams",
        "key",
        "nøgle",
        "teamet »{}« findes ikke",
        (_key(), _title(), Field("unit", STR, "Afsnit", ref="units"), _ACTIVE),
    ),
    Kind(
        "internal_recipients",
        "Intern modtager",
        "Interne modtagere",
        "key",
        "nøgle",
        "den interne modtager »{}« findes ikke",
        (_key(), _title(), _ACTIVE),
    ),
    Kind(
        "payment_date_exclusions",
        "Undtaget betalingsdato",
        "Undtagne betalingsdatoer",
        "date",
        "dato",
        "betalingsdatoen {} findes ikke",
        (
            Field("date", DATE, "Dato", required=True),
            Field("note", STR, "Note"),
        ),
    ),
)

#: Every kind by name, in dependency order: a kind comes after the kinds it references, so
#: applying the kinds in this order never meets a reference to a row that is still missing.
#: The workbook sheets come in this order too.
KINDS: dict[str, Kind] = {kind.name: kind for kind in _KIND_LIST}
KIND_NAMES: tuple[str, ...] = tuple(KINDS)


def get_kind(kind: str | Kind) -> Kind:
    """The :class:`Kind` for a name (a :class:`Kind` is returned as it is)."""
    if isinstance(kind, Kind):
        return kind
    try:
        return KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown kind: {kind!r}") from None


class NumberedRows(list):
    """A list of rows that remembers the row number each row has in its source.

    :func:`~os2bos_plone.interchange.workbook.read_workbook` returns these, so that
    validation messages name the spreadsheet row a user sees (the header is row 1). It
    compares equal to a plain list.
    """

    def __init__(self, rows: Iterable = (), row_numbers: Iterable[int] | None = None):
        super().__init__(rows)
        self.row_numbers: list[int] = list(row_numbers) if row_numbers is not None else []


def row_number(rows: list, index: int) -> int:
    """The 1-based number of ``rows[index]`` in its source (its position for a plain list)."""
    numbers = getattr(rows, "row_numbers", None)
    if numbers and index < len(numbers):
        return numbers[index]
    return index + 1


# -- normalisation -----------------------------------------------------------------------------


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value, field: Field) -> str:
    text = text_of(value)
    return compact_cvr(text) if field.cvr else text


def _items(value) -> list:
    if _is_empty(value):
        return []
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def natural_key(text) -> tuple:
    """A sort key that orders digit runs by value: "BL-32" before "BL-114"."""
    parts = re.split(r"([0-9]+)", str(text))
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)


def _sort_key(value):
    # ints before unreadable leftovers (kept as text so that validation can report them)
    return (1, str(value)) if isinstance(value, str) else (0, value)


def normalise_value(field: Field, value) -> Any:
    """The canonical form of one field value.

    Values that cannot be read (a date "abc") are kept as trimmed text, so that two rows with
    the same mistake still compare equal and validation can report the value as written.
    """
    if field.type == STR:
        return field.default_value() if value is None else _text(value, field)
    if field.type in (BOOL, INT, DECIMAL, DATE) and _is_empty(value):
        return field.default_value()
    if field.type == BOOL:
        try:
            return parse_bool(value)
        except ValueError:
            return text_of(value)
    if field.type == INT:
        try:
            return parse_int(value)
        except ValueError:
            return text_of(value)
    if field.type == DECIMAL:
        try:
            return format_machine(parse_decimal(value))
        except ValueError:
            return text_of(value)
    if field.type == DATE:
        try:
            return parse_date(value).isoformat()
        except ValueError:
            return text_of(value)
    if field.type == STR_LIST:
        texts = {_text(item, field) for item in _items(value)}
        return sorted(text for text in texts if text)
    if field.type == INT_LIST:
        numbers = set()
        for item in _items(value):
            if _is_empty(item):
                continue
            try:
                numbers.add(parse_int(item))
            except ValueError:
                numbers.add(text_of(item))
        return sorted(numbers, key=_sort_key)
    if field.type == SECTIONS:
        entries = [_normalise_nested(SECTION_ROW_FIELDS, item) for item in _items(value)]
        return sorted(
            entries,
            key=lambda entry: (
                natural_key(entry.get("section", "")) if isinstance(entry, dict) else ()
            ),
        )
    if field.type == PERIODS:
        entries = [_normalise_nested(PERIOD_FIELDS, item) for item in _items(value)]
        return sorted(entries, key=_period_sort_key)
    raise ValueError(f"unknown field type {field.type!r}")  # pragma: no cover


def _period_sort_key(period):
    if not isinstance(period, Mapping):
        return ("", "", "")
    return (
        str(period.get("start_date") or ""),
        str(period.get("end_date") or "9999-99-99"),
        str(period.get("amount") or ""),
    )


def _normalise_nested(fields: tuple[Field, ...], item) -> Any:
    if not isinstance(item, Mapping):
        return item
    return {f.name: normalise_value(f, item.get(f.name)) for f in fields}


def normalise(kind: str | Kind, row: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical form of a row: exactly the kind's fields, in the kind's order.

    Missing optional fields get their default, unknown keys are dropped, strings are trimmed,
    decimals become strings with two decimals ("206.00"), dates ISO strings, order-irrelevant
    lists are sorted and de-duplicated, section rows are sorted by section and periods by start
    date. Values that cannot be read are kept as text (see :func:`normalise_value`).
    """
    meta = get_kind(kind)
    return {f.name: normalise_value(f, row.get(f.name)) for f in meta.fields}


def normalise_rows(rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, list[dict]]:
    """:func:`normalise` applied to every row of every known kind (unknown kinds are dropped)."""
    return {
        name: [normalise(name, row) for row in rows[name] if isinstance(row, Mapping)]
        for name in KIND_NAMES
        if name in rows
    }


def rule_identity(row: Mapping[str, Any]) -> tuple:
    """The identity of a normalised approval rule: the whole row minus ``note``."""
    return tuple(row[name] for name in KINDS["approval_rules"].field_names if name != "note")


def row_key(kind: str | Kind, row: Mapping[str, Any]) -> Any:
    """The normalised key of a row; for approval rules the identity tuple."""
    meta = get_kind(kind)
    if meta.key is None:
        return rule_identity(normalise(meta, row))
    return normalise_value(meta.key_field, row.get(meta.key))


def normalise_key(kind: str | Kind, key) -> Any:
    """A key value in the form :func:`row_key` returns (``"3"`` -> 3 for effort steps)."""
    meta = get_kind(kind)
    if meta.key is None:
        return tuple(key)
    return normalise_value(meta.key_field, key)


def row_keys(rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, set]:
    """The set of row keys per kind (useful as ``existing_keys`` or ``only``)."""
    return {
        name: {row_key(name, row) for row in rows[name] if isinstance(row, Mapping)}
        for name in KIND_NAMES
        if name in rows
    }
