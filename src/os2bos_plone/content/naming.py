"""Readable, stable ids for classification objects, from their keys (bl-32-1.3, ydelse-100101)."""

from plone.app.content.interfaces import INameFromTitle
from zope.component import adapter
from zope.interface import implementer

from os2bos_plone.content.classification import IClassificationItem

PREFIXES = {
    "bos_section": ("", "key"),
    "bos_service": ("ydelse-", "service_id"),
    "bos_rate": ("takst-", "key"),
    "bos_service_provider": ("cvr-", "cvr"),
    "bos_approval_level": ("niveau-", "key"),
}


@implementer(INameFromTitle)
@adapter(IClassificationItem)
class ClassificationNames:
    def __init__(self, context):
        self.context = context

    @property
    def title(self):
        prefix, field = PREFIXES[self.context.portal_type]
        return f"{prefix}{getattr(self.context, field, '') or ''}".lower()


@implementer(INameFromTitle)
class CaseNames:
    """Cases and appropriations are named by their SBSYS id, never by the child's name: URLs end
    up in access logs and browser histories."""

    def __init__(self, context):
        self.context = context

    @property
    def title(self):
        return getattr(self.context, "sbsys_id", None) or self.context.portal_type


@implementer(INameFromTitle)
class ActivityNames:
    def __init__(self, context):
        self.context = context

    @property
    def title(self):
        return "ydelse"
