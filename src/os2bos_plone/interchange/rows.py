"""The interchange rows: the public API for the classification data's plain-dict format.

For each kind (``sections``, ``services``, ...) a list of plain dicts in exactly the format of
the seed JSON files in ``os2bos_plone/data/seed/``. This module gathers the API from
:mod:`.kinds` (metadata and normalisation), :mod:`.validation` and :mod:`.diff`.
"""

from os2bos_plone.interchange.diff import ChangeReport
from os2bos_plone.interchange.diff import KindChanges
from os2bos_plone.interchange.diff import describe_rule
from os2bos_plone.interchange.diff import diff_rows
from os2bos_plone.interchange.kinds import BOOL
from os2bos_plone.interchange.kinds import DATE
from os2bos_plone.interchange.kinds import DECIMAL
from os2bos_plone.interchange.kinds import FIELD_TYPES
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
from os2bos_plone.interchange.kinds import NumberedRows
from os2bos_plone.interchange.kinds import get_kind
from os2bos_plone.interchange.kinds import normalise
from os2bos_plone.interchange.kinds import normalise_key
from os2bos_plone.interchange.kinds import normalise_rows
from os2bos_plone.interchange.kinds import row_key
from os2bos_plone.interchange.kinds import row_keys
from os2bos_plone.interchange.kinds import rule_identity
from os2bos_plone.interchange.validation import RowError
from os2bos_plone.interchange.validation import validate_rows

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
    "ChangeReport",
    "Field",
    "Kind",
    "KindChanges",
    "NumberedRows",
    "RowError",
    "describe_rule",
    "diff_rows",
    "get_kind",
    "normalise",
    "normalise_key",
    "normalise_rows",
    "row_key",
    "row_keys",
    "rule_identity",
    "validate_rows",
]
