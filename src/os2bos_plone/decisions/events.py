"""Events of the grant process. Side effects (journal, letters, mails) subscribe to these."""

from zope.interface import Attribute
from zope.interface import Interface
from zope.interface import implementer


class IActivitiesGranted(Interface):
    """One decision granted activities of an appropriation (one letter, one journal entry)."""

    appropriation = Attribute("The appropriation")
    activities = Attribute("The activities granted by this decision (after adjustments merged)")
    decision = Attribute(
        "dict: approval_level (key), approval_level_title, approval_note, approval_user, "
        "appropriation_date (date), meeting_date, decision_reference, decision_text, "
        "merges (list of dicts: adjustment, original, kind) and end_date_changes"
    )


class IActivitiesSubmitted(Interface):
    """Activities were submitted for approval (indstillet) at a required level."""

    appropriation = Attribute("The appropriation")
    activities = Attribute("The submitted activities")
    required_level = Attribute("The engine ApprovalLevel they need")
    comment = Attribute("The case worker's comment")


@implementer(IActivitiesGranted)
class ActivitiesGranted:
    def __init__(self, appropriation, activities, decision):
        self.appropriation = appropriation
        self.activities = activities
        self.decision = decision


@implementer(IActivitiesSubmitted)
class ActivitiesSubmitted:
    def __init__(self, appropriation, activities, required_level, comment=""):
        self.appropriation = appropriation
        self.activities = activities
        self.required_level = required_level
        self.comment = comment
