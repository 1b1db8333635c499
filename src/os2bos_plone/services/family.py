"""The case's family over REST (``related_persons``): one Danish error per bad row.

Each row is ``{"relation", "cpr", "name", "related_case"}``; the CPR number is stored as
DDMMÅÅ-XXXX whichever form was sent (with or without the hyphen). A bad row is refused with a
400 naming its number, e.g. "Familie, række 2: CPR-nummeret ...", and nothing is saved.
"""

from plone.restapi.deserializer.dxfields import DefaultFieldDeserializer
from plone.restapi.interfaces import IFieldDeserializer
from zExceptions import BadRequest
from zope.interface import implementer
from zope.schema import ValidationError

from os2bos_plone.content.case import RELATIONS
from os2bos_plone.content.case import IRelatedPersonRow
from os2bos_plone.content.case import format_cpr
from os2bos_plone.engine.identifiers import InvalidIdentifier
from os2bos_plone.services.errors import danish

FIELD = "related_persons"
MSG_LIST = "Familie: angiv personerne som en liste af objekter."
MSG_ROW = "Familie, række {number}: {message}"
MSG_OBJECT = "rækken skal være et objekt"
MSG_MISSING = "»{label}« skal udfyldes"
MSG_RELATION = "relationen skal være en af {choices}"
MSG_TEXT = "»{label}« skal være tekst"

LABELS = {"relation": "Relation", "cpr": "CPR-nummer", "name": "Navn", "related_case": "Egen sag"}


def _error(message):
    return {"field": FIELD, "message": message, "error": "ValidationError"}


def read_row(row):
    """(the stored row, [Danish problems]) of one sent row."""
    if not isinstance(row, dict):
        return None, [MSG_OBJECT]
    problems = []
    values = {}
    for name in ("relation", "cpr", "name", "related_case"):
        value = row.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.append(MSG_TEXT.format(label=LABELS[name]))
            continue
        values[name] = value.strip()
    if problems:
        return None, problems
    if not values["relation"]:
        problems.append(MSG_MISSING.format(label=LABELS["relation"]))
    elif values["relation"] not in RELATIONS:
        problems.append(MSG_RELATION.format(choices=", ".join(RELATIONS)))
    if not values["cpr"]:
        problems.append(MSG_MISSING.format(label=LABELS["cpr"]))
    else:
        try:
            values["cpr"] = format_cpr(values["cpr"])
        except InvalidIdentifier as error:
            problems.append(error.message)
    if not values["name"]:
        problems.append(MSG_MISSING.format(label=LABELS["name"]))
    for name in ("name", "related_case"):
        if problems or not values[name]:
            continue
        try:
            IRelatedPersonRow[name].validate(values[name])
        except ValidationError as error:
            problems.append(danish(error.doc()))
    return values, problems


@implementer(IFieldDeserializer)
class RelatedPersonsDeserializer(DefaultFieldDeserializer):
    def __call__(self, value):
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            raise BadRequest([_error(MSG_LIST)])
        rows, errors = [], []
        for number, row in enumerate(value, start=1):
            stored, problems = read_row(row)
            for problem in problems:
                errors.append(_error(MSG_ROW.format(number=number, message=problem)))
            if not problems:
                rows.append(stored)
        if errors:
            raise BadRequest(errors)
        return rows
