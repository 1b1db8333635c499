"""SECURE_COOKIES: behind an HTTPS proxy the login cookie is only ever sent over HTTPS."""

import pytest
from App.config import getConfiguration

from os2bos_plone.setuphandlers.production import secure_cookies
from os2bos_plone.setuphandlers.production import set_cookie_policy


@pytest.mark.parametrize(
    "environ,expected",
    [
        ({}, False),
        ({"PRODUCTION": "1"}, True),
        ({"PRODUCTION": "1", "SECURE_COOKIES": "0"}, False),
        ({"SECURE_COOKIES": "ja"}, True),
    ],
)
def test_secure_cookies_default_on_in_production(environ, expected):
    assert secure_cookies(environ) is expected


def test_the_login_cookie_of_a_production_site_is_secure(portal, monkeypatch):
    session = portal.acl_users.session
    assert set_cookie_policy(portal, {"PRODUCTION": "1"}) is True
    assert set_cookie_policy(portal, {"PRODUCTION": "1"}) is False  # nothing to change
    # plone.session leaves out the flag in Zope's debug mode; production runs without it.
    monkeypatch.setattr(getConfiguration(), "debug_mode", False)
    response = portal.REQUEST.RESPONSE
    session._setupSession("admin", response)
    cookie = response.cookies[session.cookie_name]
    assert cookie.get("Secure") is True
    assert cookie.get("HttpOnly") is True
    assert set_cookie_policy(portal, {}) is True
    assert not session.getProperty("secure")
