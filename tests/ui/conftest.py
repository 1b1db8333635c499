"""Browser tests: Python Playwright driving Debian's chromium against the live functional test site.

Each test gets ``page_as(username, roles=..., groups=...)``: a fresh browser context logged in
through Plone's own login form (a cookie session, as case workers use it, so CSRF protection is
exercised). ``screen(page, name)`` writes a screenshot to ``test-artifacts/`` and runs axe on the
page content; every serious or critical accessibility violation fails the test.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("BOS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "secret-pw-123"
# Without the networking flags chromium keeps trying to reach Google's hosts on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What axe must not find in our screens (Plone's own toolbar and footer are not ours to fix).
FAILING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make chromium' (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def site_url(functional_portal):
    return functional_portal.absolute_url()


@pytest.fixture
def make_user(functional_portal):
    """Create (and commit) a user with global roles and groups; the server thread sees it."""
    import transaction
    from plone import api

    from os2bos_plone.security.users import create_user

    def make(username, roles=(), groups=(), fullname=None):
        if api.user.get(username=username) is None:
            create_user(username, PASSWORD, fullname=fullname or username.capitalize())
            if roles:
                api.user.grant_roles(username=username, roles=list(roles))
            for group in groups:
                api.group.add_user(groupname=group, username=username)
            transaction.commit()
        return username

    return make


@pytest.fixture
def page_as(chromium, site_url, make_user):
    contexts = []

    def login(username=None, roles=(), groups=(), fullname=None):
        from plone.app.testing import SITE_OWNER_NAME
        from plone.app.testing import SITE_OWNER_PASSWORD

        context = chromium.new_context(locale="da-DK", viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username is None:
            # The site owner lives in the Zope root: basic auth, no login form.
            context.close()
            context = chromium.new_context(
                locale="da-DK",
                viewport={"width": 1400, "height": 1000},
                http_credentials={"username": SITE_OWNER_NAME, "password": SITE_OWNER_PASSWORD},
            )
            contexts.append(context)
            return context.new_page()
        make_user(username, roles=roles, groups=groups, fullname=fullname)
        page.goto(f"{site_url}/login")
        page.fill("#__ac_name", username)
        page.fill("#__ac_password", PASSWORD)
        page.locator("#__ac_password").press("Enter")
        page.wait_for_load_state("networkidle")
        assert page.context.cookies(), f"{username} was not logged in"
        return page

    yield login
    for context in contexts:
        context.close()


def _describe(violations):
    lines = []
    for violation in violations:
        targets = [node.get("target") for node in violation.get("nodes", [])][:5]
        lines.append(f"{violation['impact']}: {violation['id']} - {violation['help']} {targets}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def screen(axe):
    """Screenshot to test-artifacts/<name>.png and an axe check of the main content."""
    ARTIFACTS.mkdir(exist_ok=True)

    def check(page, name, context="#content"):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        results = axe.run(
            page,
            context=context,
            options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}},
        )
        violations = [
            violation
            for violation in results.response["violations"]
            if violation.get("impact") in FAILING_IMPACTS
        ]
        (ARTIFACTS / f"{name}.axe.txt").write_text(
            _describe(results.response["violations"]) or "ok\n"
        )
        assert not violations, f"axe on {name}:\n{_describe(violations)}"
        return results

    return check
