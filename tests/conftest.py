import os
import tempfile

# Compile the .po files when the ZCML registers the translations (as zope.conf does in production).
os.environ["zope_i18n_compile_mo_files"] = "true"

import pytest
from pytest_plone import fixtures_factory

from os2bos_plone.testing import FUNCTIONAL_TESTING
from os2bos_plone.testing import INTEGRATION_TESTING

pytest_plugins = ["pytest_plone"]


def _set_day_from_environment():
    """BOS_TODAY=YYYY-MM-DD runs the suite as if today were that day (the product's clock, see
    engine.clock). Read when this conftest is imported, before tests/builders.py
    computes this year."""
    day = os.environ.get("BOS_TODAY")
    if day:
        from datetime import date

        from os2bos_plone.engine import clock

        clock.set_today(date.fromisoformat(day))


_set_day_from_environment()

# The read audit log (os2bos_plone.audit) writes files: not into the checkout during tests.
os.environ.setdefault("BOS_AUDIT_DIR", tempfile.mkdtemp(prefix="bos-audit-"))


#: What depends on the day (plans, costs, the overview, renewal, decisions with adjustments):
#: marked "dates", so that `make test-dates` runs it again as of the days in BOS_DAYS.
DATE_SENSITIVE = (
    "tests/engine/",
    "tests/payments/",
    "tests/management/test_monthly_column.py",
    "tests/management/test_overview.py",
    "tests/management/test_budget_effect.py",
    "tests/services/test_costs_payments.py",
    "tests/decisions/test_grant_rest.py",
    "tests/content/test_activity_invariant.py",
    "tests/journal/test_changes.py",
    "tests/jobs/test_nightly.py",
    "tests/browser/test_decision_screen_views.py",
    "tests/browser/test_my_approvals_views.py",
    "tests/services/test_cost_preview_level.py",
    "tests/browser/test_payment_views.py",
    "tests/browser/test_payment_search_days.py",
    "tests/payments/test_payment_days.py",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith(DATE_SENSITIVE):
            item.add_marker(pytest.mark.dates)


def pytest_report_header(config):
    from os2bos_plone.engine import clock

    return f"os2bos_plone: today is {clock.today().isoformat()}" + (
        " (set by BOS_TODAY)" if clock.fixed_day() else ""
    )


globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
        )
    )
)


@pytest.fixture
def frozen_today():
    """Set the product's day inside one test: ``frozen_today(date(2026, 6, 15))``; the day the
    session runs as (real or --bos-today) comes back afterwards."""
    from os2bos_plone.engine import clock

    previous = clock.fixed_day()
    yield clock.set_today
    clock.set_today(previous)


@pytest.fixture
def manager(portal):
    """Act as a site Manager inside an integration test."""
    from plone.app.testing import TEST_USER_ID
    from plone.app.testing import setRoles

    setRoles(portal, TEST_USER_ID, ["Manager"])
    return portal


@pytest.fixture
def http(functional_portal):
    """requests sessions against the live test server, one per user, JSON by default.

    http("rasmus", roles=[...]) logs in as that user, created on demand with those global roles
    and committed (the server runs in another thread); http() is the site owner.
    """
    import requests
    import transaction
    from plone import api
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    from os2bos_plone.security.users import create_user

    sessions = []

    def session_for(username=None, roles=(), password="secret-pw-123"):
        session = requests.Session()
        session.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
        if username is None:
            session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        else:
            if api.user.get(username=username) is None:
                create_user(username, password)
                if roles:
                    api.user.grant_roles(username=username, roles=list(roles))
                transaction.commit()
            session.auth = (username, password)
        session.base = functional_portal.absolute_url()
        sessions.append(session)
        return session

    yield session_for
    for session in sessions:
        session.close()


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


@pytest.fixture
def audit_dir(tmp_path, monkeypatch):
    """The read audit log written to a directory of the test's own (what was queued before is
    written first, to wherever it was going)."""
    from os2bos_plone.audit import log

    log.flush()
    directory = tmp_path / "audit"
    monkeypatch.setenv("BOS_AUDIT_DIR", str(directory))
    return directory
