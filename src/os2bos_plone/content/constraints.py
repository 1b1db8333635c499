"""Validation helpers shared by forms and REST: Danish messages, one mechanism.

The field error and the constraint adapter (``DanishValidationError``, ``constraint_from``) live in
os2bos_plone.interfaces, below the settings that raise them too.
"""

from plone import api
from plone.uuid.interfaces import IUUID
from zope.interface import Invalid


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
