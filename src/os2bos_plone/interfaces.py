"""Marker interfaces of the add-on."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IOs2BosPloneLayer(IDefaultBrowserLayer):
    """Browser layer: views and services of the add-on only answer where it is installed."""
