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
