"""Test layers (plone.app.testing) for pytest-plone."""

from plone import api
from plone.app.contenttypes.testing import PLONE_APP_CONTENTTYPES_FIXTURE
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.app.testing import applyProfile
from plone.testing.zope import WSGI_SERVER_FIXTURE


class Os2BosPloneLayer(PloneSandboxLayer):
    defaultBases = (PLONE_APP_CONTENTTYPES_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import collective.z3cform.datagridfield
        import plone.classicui
        import plone.restapi

        import os2bos_plone

        self.loadZCML(package=plone.restapi)
        # The "classic" distribution, so site creation can be tested as 'make start' does it.
        self.loadZCML(package=plone.classicui)
        self.loadZCML(package=collective.z3cform.datagridfield)
        self.loadZCML(package=os2bos_plone)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "os2bos_plone:default")
        # Like the sites 'make start' creates: Danish.
        portal.setLanguage("da")
        api.portal.set_registry_record("plone.default_language", "da")
        api.portal.set_registry_record("plone.available_languages", ["da"])


FIXTURE = Os2BosPloneLayer()

INTEGRATION_TESTING = IntegrationTesting(
    bases=(FIXTURE,),
    name="Os2BosPloneLayer:IntegrationTesting",
)

FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(FIXTURE, WSGI_SERVER_FIXTURE),
    name="Os2BosPloneLayer:FunctionalTesting",
)
