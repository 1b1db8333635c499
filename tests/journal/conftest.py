import pytest


@pytest.fixture
def mailhost(portal):
    """A MockMailHost on the site with a sender configured; messages in mailhost.messages."""
    from Acquisition import aq_base
    from plone import api
    from plone.app.testing.utils import MockMailHost
    from Products.MailHost.interfaces import IMailHost
    from zope.component import getSiteManager

    original = portal.MailHost
    api.portal.set_registry_record("plone.email_from_address", "bos@kommune.example")
    api.portal.set_registry_record("plone.email_from_name", "Bevilling og Styring")
    api.portal.set_registry_record("plone.smtp_host", "localhost")
    mock = MockMailHost("MailHost")
    portal.MailHost = mock
    site_manager = getSiteManager(context=portal)
    site_manager.unregisterUtility(provided=IMailHost)
    site_manager.registerUtility(mock, provided=IMailHost)
    yield mock
    portal.MailHost = original
    site_manager.unregisterUtility(provided=IMailHost)
    site_manager.registerUtility(aq_base(original), provided=IMailHost)
