"""Rules of an appropriation (bevilling) on the site; the rule itself is the engine's
(engine.activity_rules.section_change_errors). The edit form asks through :class:`SectionValidator`,
REST PATCH through services.content; both call :func:`section_errors`."""

from Acquisition import aq_base
from z3c.form import validator
from zope.interface import Invalid

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.content.case import IAppropriation
from os2bos_plone.engine import activity_rules


def section_errors(appropriation, new_section):
    """The errors of setting ``appropriation``'s section to ``new_section`` (a UID)."""
    if isinstance(new_section, dict):  # plone.restapi also takes {"token": ...} for a choice
        new_section = new_section.get("token")
    stored = getattr(aq_base(appropriation), "section", None)
    statuses = (status_of(activity) for activity in activities_of(appropriation))
    return activity_rules.section_change_errors(stored, new_section, statuses)


class SectionValidator(validator.SimpleFieldValidator):
    """The section field of the appropriation's edit form (in the add form there is nothing
    decided yet: the context is the case)."""

    def validate(self, value, force=False):
        super().validate(value, force)
        if IAppropriation.providedBy(self.context):
            for error in section_errors(self.context, value):
                raise Invalid(error.message)


validator.WidgetValidatorDiscriminators(SectionValidator, field=IAppropriation["section"])
