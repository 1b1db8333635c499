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


def _text(data, *keys):
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def read_parameters(data):
    """``(DecisionParameters, errors)`` from a JSON body or a form (a mapping); the errors are
    Danish messages (an unreadable meeting date)."""
    data = data or {}
    errors = []
    try:
        meeting_date = parse_date(data.get("meeting_date") or None)
    except (TypeError, ValueError):
        meeting_date = None
        errors.append(MSG_MEETING_DATE)
    parameters = DecisionParameters(
        approval_level=_text(data, "approval_level"),
        note=_text(data, *NOTE_KEYS),
        meeting_date=meeting_date,
        decision_reference=_text(data, "decision_reference"),
        decision_text=_text(data, "decision_text"),
    )
    return parameters, errors
