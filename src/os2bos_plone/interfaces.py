"""Marker interfaces of the add-on, and the field error every schema of it raises."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer
from zope.schema.interfaces import ValidationError


class IOs2BosPloneLayer(IDefaultBrowserLayer):
    """Browser layer: views and services of the add-on only answer where it is installed."""


class DanishValidationError(ValidationError):
    """A field error whose Danish message is given at raise time.

    zope.schema constraints must raise a ValidationError subclass (z3c.form shows it at the field,
    plone.restapi answers 400 with it; anything else would be a 500), and its doc() is the message
    users see. The content types and the settings control panel both raise it.
    """

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
