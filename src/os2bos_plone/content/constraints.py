"""Validation helpers shared by forms and REST: Danish messages, one mechanism.

zope.schema field constraints must raise a ValidationError subclass (plone.restapi turns those into
400 field errors; anything else would be a 500), and its doc() is the message users see.
"""

from plone import api
from plone.uuid.interfaces import IUUID
from zope.interface import Invalid
from zope.schema.interfaces import ValidationError


class DanishValidationError(ValidationError):
    """A field error whose message is given at raise time."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def doc(self):
        return self.message

    def __str__(self):
        return self.message


def constraint_from(check):
    """Turn a check(value) raising ValueError(message) into a zope.schema constraint."""

    def constraint(value):
        try:
            check(value)
        except ValueError as error:
            raise DanishValidationError(str(error)) from error
        return True

    return constraint


def context_of(data):
    """The object an invariant validates: the z3c.form Data object carries it as __context__."""
    return getattr(data, "__context__", None)


def ensure_unique(data, portal_type, index, value, message):
    """Refuse a key another object of the type already uses (the object itself excepted)."""
    if not value:
        return
    context = context_of(data)
    own_uid = IUUID(context, None) if context is not None else None
    for brain in api.content.find(portal_type=portal_type, **{index: value}, unrestricted=True):
        if brain.UID != own_uid:
            raise Invalid(message)
