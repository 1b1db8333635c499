"""The regelmotor's vocabularies are for the product's users only (issue 12, item 4)."""

import pytest
import requests
from zope.component import getUtilitiesFor
from zope.schema.interfaces import IVocabularyFactory

from os2bos_plone.vocabularies import VOCABULARY_NAMES

PREFIX = "os2bos_plone.vocabularies."


def test_every_product_vocabulary_is_protected(portal):
    registered = {
        name for name, _ in getUtilitiesFor(IVocabularyFactory) if name.startswith(PREFIX)
    }
    assert registered == {PREFIX + name for name in VOCABULARY_NAMES}


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_anonymous_gets_401(functional_portal, name):
    response = requests.get(
        f"{functional_portal.absolute_url()}/@vocabularies/{PREFIX}{name}",
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert response.status_code == 401
    assert "items" not in response.json()


def test_product_users_read_them(http):
    for roles in (["BOSCaseWorker"], ["BOSFinance"], ["BOSClassificationAdmin"]):
        session = http(f"user_{roles[0].lower()}", roles=roles)
        for name in ("ServiceProviders", "Teams", "Rates", "ApprovalLevels", "Sections"):
            response = session.get(f"{session.base}/@vocabularies/{PREFIX}{name}")
            assert response.status_code == 200, (roles, name, response.text)
            assert response.json()["items"], (roles, name)


def test_a_logged_in_user_without_a_bos_role_is_refused(http):
    session = http("plain_member", roles=["Member"])
    response = session.get(f"{session.base}/@vocabularies/{PREFIX}ServiceProviders")
    assert response.status_code == 403
