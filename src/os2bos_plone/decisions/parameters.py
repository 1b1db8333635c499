"""The parameters of a decision (the transition parameters), declared once.

Every door to a decision reads them here: ``@bos-grant`` and ``@bos-submit`` (JSON),
``@workflow/grant|submit|reject`` on an activity (JSON), and the grant view's form. A door adds
nothing of its own, so a parameter added here is read by all of them (as opengever's
``ITransitionExtender`` schemas are for its ``@workflow``).
"""

from dataclasses import dataclass
from dataclasses import replace
from datetime import date

from os2bos_plone.engine.prices import parse_date

MSG_MEETING_DATE = "Mødedatoen skal angives som ÅÅÅÅ-MM-DD"
MSG_NOT_TEXT = "Angiv en tekst"
MSG_TOO_LONG = "Teksten er for lang (højst {most} tegn)."

#: The most characters of a short parameter (level, reference) and of a note or decision text.
SHORT_LENGTH = 200
TEXT_LENGTH = 10000

#: The request keys of the note: @bos-grant's ``approval_note``, plone.restapi's ``comment``
#: (@workflow, @bos-submit) and the grant view's ``note``, first found wins.
NOTE_KEYS = ("approval_note", "comment", "note")


@dataclass(frozen=True)
class DecisionParameters:
    """What a decision records besides the activities.

    * ``approval_level``: key of the ``bos_approval_level`` the decision is taken at (grant);
    * ``note``: the approval note of a grant, the comment of a submission, the reason of a
      rejection;
    * ``meeting_date``, ``decision_reference``, ``decision_text``: the committee decision
      (required for a committee level, see engine.approval.committee_decision_errors).
    """

    approval_level: str = ""
    note: str = ""
    meeting_date: date | None = None
    decision_reference: str = ""
    decision_text: str = ""

    def with_level(self, approval_level):
        return replace(self, approval_level=approval_level or "")


class ParameterError(str):
    """A Danish message about one parameter. It is the message (doors that show text join
    them) and names its field (REST doors answer one error per field)."""

    def __new__(cls, field, message):
        error = super().__new__(cls, message)
        error.field = field
        return error

    @property
    def message(self):
        return str(self)


def _text(data, errors, keys, most):
    """The first non-empty text under ``keys``; a value that is not text, or is longer than
    ``most`` characters, is refused under its own key (an object as a note is no note)."""
    for key in keys:
        value = data.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            errors.append(ParameterError(key, MSG_NOT_TEXT))
            return ""
        if len(value) > most:
            errors.append(ParameterError(key, MSG_TOO_LONG.format(most=most)))
            return ""
        if value.strip():
            return value.strip()
    return ""


def read_parameters(data):
    """``(DecisionParameters, errors)`` from a JSON body or a form (a mapping); the errors are
    Danish messages naming their field (:class:`ParameterError`): an unreadable meeting date,
    a parameter that is not text or is too long."""
    data = data or {}
    errors = []
    try:
        meeting_date = parse_date(data.get("meeting_date") or None)
    except (TypeError, ValueError):
        meeting_date = None
        errors.append(ParameterError("meeting_date", MSG_MEETING_DATE))
    parameters = DecisionParameters(
        approval_level=_text(data, errors, ("approval_level",), SHORT_LENGTH),
        note=_text(data, errors, NOTE_KEYS, TEXT_LENGTH),
        meeting_date=meeting_date,
        decision_reference=_text(data, errors, ("decision_reference",), SHORT_LENGTH),
        decision_text=_text(data, errors, ("decision_text",), TEXT_LENGTH),
    )
    return parameters, errors
