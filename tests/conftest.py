import os

# Compile the .po files when the ZCML registers the translations (as zope.conf does in production).
os.environ["zope_i18n_compile_mo_files"] = "true"

import pytest
from pytest_plone import fixtures_factory

from os2bos_plone.testing import FUNCTIONAL_TESTING
from os2bos_plone.testing import INTEGRATION_TESTING

pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
        )
    )
)


@pytest.fixture
def manager(portal):
    """Act as a site Manager inside an integration test."""
    from plone.app.testing import TEST_USER_ID
    from plone.app.testing import setRoles

    setRoles(portal, TEST_USER_ID, ["Manager"])
    return portal
