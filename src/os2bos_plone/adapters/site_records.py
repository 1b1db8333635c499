"""Site-wide records of the product (the mail log, the payment files, the statistics
deliveries), each kept under its own key on the portal's annotations."""

from plone import api
from zope.annotation.interfaces import IAnnotations


def site_record(key, factory=None):
    """The record under ``key``; made with ``factory`` when missing and one is given, else
    None (so a read never writes)."""
    annotations = IAnnotations(api.portal.get())
    record = annotations.get(key)
    if record is None and factory is not None:
        record = annotations[key] = factory()
    return record
