"""One sweep over every product screen as every role of the demo site sees it (issue 15).

The demo data ('make demo') is loaded once for the class; each role logs in once through Plone's
login form and keeps its browser context for all its screens. For every screen the role can
reach: a screenshot to test-artifacts/<role>-<screen>.png, axe on the whole page (no serious or
critical violation) and no English text Plone shows by default in the visible text. A screen
the role may not open shows Plone's "no access" page: that page is checked once per role
(<role>-ingen-adgang.png) and the role's other closed screens are skipped.
"""

import re

import pytest
import transaction
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from plone import api

from os2bos_plone.browser.regelmotor import LISTS
from os2bos_plone.engine import clock
from tests.ui.conftest import ARTIFACTS

YEAR = clock.today().year
SITE_ADMIN = "webmaster"
SITE_ADMIN_PASSWORD = "webmaster-pw-2026"
#: The site owner (Manager, basic auth as conftest's page_as()): the only role that opens the
#: municipality's settings (ManageSettings).
MANAGER = "manager"
#: The demo case of Signe Sagsbehandler with a granted grant, an expected adjustment and a letter.
CASE_SBSYS_ID = "27.24.00-G01-106-25"

#: role (file name) -> login name; the demo users are in their groups by the demo step.
ROLES = {
    "sagsbehandler": "sagsbehandler",
    "teamleder": "teamleder",
    "afsnitsleder": "afsnitsleder",
    "udvalgssekretaer": "udvalgssekretaer",
    "okonomi": "okonomi",
    "ledelse": "ledelse",
    "regelmotor": "regelmotor",
    "siteadmin": SITE_ADMIN,
    "manager": MANAGER,
}

#: English texts Plone (and its add-ons) shows by default; none may stand on a product screen.
ENGLISH = (
    "Summary",
    "Site administration",
    "Site Setup",
    "Versioning enabled",
    "Add row",
    "Delete row",
    "Error",
    "Warning",
    "Info",
    "Log in",
    "Log out",
    "Search",
    "Home",
    "Contents",
    "Edit",
    "View",
    "Save",
    "Cancel",
    "Powered by",
    "Plone",
    "Welcome",
    "You are now logged in",
    "Show all",
    "Required",
    "Up to",
    "Previous",
    "Next",
    "Insufficient Privileges",
    "Page not found",
    "required",
    "Submit",
    "Actions",
    "Personal Preferences",
    "Manage portlets",
)

#: Whole words that are allowed although they are in ENGLISH, with the reason.
ALLOWED = {
    # None yet: add ("word", "reason") pairs here only for proper nouns.
}

#: List forms of the regelmotor, each edited in a form of its own.
REGELMOTOR_LISTS = tuple(name for name, _title, _group in LISTS)


def _search_payments(page, demo):
    """The payment office searched by the case's CPR number (posted, not in the URL)."""
    page.goto(f"{demo['site']}/@@bos-payments")
    if page.get_by_label("CPR-nummer").count() == 0:
        return
    page.get_by_label("CPR-nummer").fill(demo["cpr"])
    page.get_by_label("Periode").select_option("this_year")
    page.get_by_role("button", name="Vis", exact=True).click()


_search_payments.navigates = True


#: screen name -> the URL to open (from the demo objects) or a callable doing the navigation.
SCREENS = {
    "start": lambda d: d["site"],
    "sager": lambda d: f"{d['site']}/sager",
    "sag-ny": lambda d: f"{d['site']}/sager/++add++bos_case",
    "sag": lambda d: d["case"],
    "sag-rediger": lambda d: f"{d['case']}/@@edit",
    "bevilling-ny": lambda d: f"{d['case']}/++add++bos_appropriation",
    "bevilling": lambda d: d["grant"],
    "bevilling-naeste-aar": lambda d: f"{d['grant']}?year={YEAR + 1}",
    "ydelse": lambda d: d["activity"],
    "ydelse-ny": lambda d: f"{d['grant']}/++add++bos_activity",
    "ydelse-rediger": lambda d: f"{d['draft']}/@@edit",
    "justering": lambda d: d["adjustment"],
    "justering-rediger": lambda d: f"{d['adjustment']}/@@edit",
    "til-godkendelse": lambda d: f"{d['site']}/@@bos-my-approvals",
    "udbetalinger": lambda d: f"{d['site']}/@@bos-payments",
    "udbetalinger-soegning": _search_payments,
    "ledelsesinformation": lambda d: f"{d['site']}/@@bos-overview?year={YEAR}",
    "budgetter": lambda d: f"{d['site']}/budget",
    "budget": lambda d: d["budget"],
    "budget-rediger": lambda d: f"{d['budget']}/@@edit",
    "regelmotor": lambda d: f"{d['site']}/regelmotor",
    **{
        f"regelmotor-{name}": (
            lambda d, name=name: f"{d['site']}/regelmotor/@@bos-regelmotor-edit?list={name}"
        )
        for name in REGELMOTOR_LISTS
    },
    "journal": lambda d: f"{d['case']}/@@bos-journal",
    "brev": lambda d: d["letter"],
    "revisionslog": lambda d: f"{d['site']}/@@bos-audit",
    "maillog": lambda d: f"{d['site']}/@@bos-mail-log",
    "dst": lambda d: f"{d['site']}/@@bos-dst",
    "rapporter": lambda d: f"{d['site']}/@@bos-report-links",
    "indstillinger": lambda d: f"{d['site']}/@@bos-settings",
    "side-findes-ikke": lambda d: f"{d['site']}/sager/findes-ikke",
    "forkert-aar": lambda d: f"{d['site']}/@@bos-overview?year=abc",
}

ANONYMOUS_SCREENS = {
    "login": lambda d: f"{d['site']}/login",
    "start": lambda d: d["site"],
    "side-findes-ikke": lambda d: f"{d['site']}/sager/findes-ikke",
    "sag": lambda d: d["case"],
}


#: What a screen reader or a tooltip says besides the visible text: buttons' values, titles,
#: labels, placeholders and alternative texts.
SPOKEN = """() => {
    const texts = [];
    for (const el of document.body.querySelectorAll(
        "input[type=submit], input[type=button], input[type=reset]")) {
        texts.push(el.value || "");
    }
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
        for (const el of document.body.querySelectorAll(`[${name}]`)) {
            texts.push(el.getAttribute(name) || "");
        }
    }
    return texts;
}"""


def english_on(page):
    """The ENGLISH texts found as whole words (case-sensitive) in the visible text, the page's
    title and what is spoken or shown as a tooltip (SPOKEN)."""
    text = "\n".join([page.locator("body").inner_text(), page.title(), *page.evaluate(SPOKEN)])
    found = []
    for word in ENGLISH:
        if word in ALLOWED:
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            start, end = max(0, match.start() - 40), match.end() + 40
            found.append(f"{word!r} in …{text[start:end]!r}…")
            break
    return found


def screen_group(screen_name):
    """Screens behind one permission: the regelmotor's list forms (Modify portal content on the
    regelmotor); a role refused one is refused all, so the others are not opened."""
    if screen_name.startswith("regelmotor-"):
        return "regelmotor-lists"
    return screen_name


def no_access(page):
    """Plone's answer to a screen the user may not open: the login form for the anonymous, the
    "insufficient privileges" page (at the screen's own URL) for a logged-in user."""
    heading = page.locator("#content h1").first
    return "require_login" in page.url or (
        heading.count() > 0 and heading.inner_text().strip() == "Utilstrækkelige rettigheder"
    )


def check(page, name, screen):
    """Screenshot and axe (conftest's screen, on the whole page) and the English texts: both
    reported in one failure."""
    problems = []
    english = english_on(page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.english.txt").write_text("\n".join(english) or "ok\n")
    if english:
        problems.append("English on the page:\n  " + "\n  ".join(english))
    try:
        screen(page, name, context="body")
    except AssertionError as error:
        problems.append(str(error))
    assert not problems, f"{name} ({page.url}):\n" + "\n".join(problems)


def open_screen(page, target, demo):
    if getattr(target, "navigates", False):
        target(page, demo)
    else:
        page.goto(target(demo), wait_until="load")
    try:
        # The patterns (select2, the grids) draw after "load"; a long form's last requests
        # may keep the network busy: what is drawn in a few seconds is what axe checks.
        page.wait_for_load_state("networkidle", timeout=5_000)
    except PlaywrightTimeoutError:
        pass


@pytest.fixture(scope="class")
def demo(functional_portal_class):
    """The demo site ('make demo'), a Site Administrator, and the URLs of its objects."""
    from plone.app.testing import TEST_USER_ID
    from plone.app.testing import TEST_USER_NAME
    from plone.app.testing import login
    from plone.app.testing import logout
    from plone.app.testing import setRoles

    from os2bos_plone.demo import load_demo_data
    from os2bos_plone.demo.cases import find_case
    from os2bos_plone.security.users import create_user

    portal = functional_portal_class
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    try:
        load_demo_data(portal, progress=lambda message: None)
        if api.user.get(username=SITE_ADMIN) is None:
            create_user(SITE_ADMIN, SITE_ADMIN_PASSWORD, fullname="Web Master")
            api.user.grant_roles(username=SITE_ADMIN, roles=["Site Administrator"])
        case = find_case(CASE_SBSYS_ID)
        assert case is not None
        activities = {
            brain.review_state: brain.getObject()
            for brain in api.content.find(context=case, portal_type="bos_activity")
        }
        draft = next(
            brain.getObject()
            for brain in api.content.find(
                portal_type="bos_activity", review_state="draft", unrestricted=True
            )
        )
        letter = api.content.find(context=case, portal_type="bos_letter")[0].getObject()
        budget = api.content.find(portal_type="bos_budget")[0].getObject()
        data = {
            "site": portal.absolute_url(),
            "case": case.absolute_url(),
            "cpr": case.cpr_number,
            "grant": activities["granted"].__parent__.absolute_url(),
            "activity": activities["granted"].absolute_url(),
            "adjustment": activities["expected"].absolute_url(),
            "draft": draft.absolute_url(),
            "letter": letter.absolute_url(),
            "budget": budget.absolute_url(),
        }
    finally:
        logout()
    transaction.commit()
    return data


@pytest.fixture(scope="class")
def pages(chromium, demo):
    """One logged-in browser page per role, made on first use and kept for the class."""
    from os2bos_plone.demo.users import DEMO_PASSWORD

    contexts, pages = [], {}

    def page_for(role):
        if role not in pages:
            from plone.app.testing import SITE_OWNER_NAME
            from plone.app.testing import SITE_OWNER_PASSWORD

            options = {"locale": "da-DK", "viewport": {"width": 1400, "height": 1000}}
            if role == MANAGER:
                # The site owner lives in the Zope root: basic auth, no login form.
                options["http_credentials"] = {
                    "username": SITE_OWNER_NAME,
                    "password": SITE_OWNER_PASSWORD,
                }
            context = chromium.new_context(**options)
            context.set_default_timeout(15_000)
            contexts.append(context)
            page = context.new_page()
            if role not in ("anonym", MANAGER):
                username = ROLES[role]
                password = SITE_ADMIN_PASSWORD if username == SITE_ADMIN else DEMO_PASSWORD
                page.goto(f"{demo['site']}/login")
                page.fill("#__ac_name", username)
                page.fill("#__ac_password", password)
                page.locator("#__ac_password").press("Enter")
                page.wait_for_load_state("networkidle")
                assert context.cookies(), f"{username} was not logged in"
            pages[role] = {"page": page, "no_access_checked": False, "closed": set()}
        return pages[role]

    yield page_for
    for context in contexts:
        context.close()


class TestEveryScreen:
    @pytest.mark.parametrize("screen_name", list(SCREENS))
    @pytest.mark.parametrize("role", list(ROLES))
    def test_screen(self, pages, demo, screen, role, screen_name):
        state = pages(role)
        page = state["page"]
        group = screen_group(screen_name)
        if group in state["closed"]:
            pytest.skip(f"{role} may not open {screen_name} (nor any screen of {group})")
        open_screen(page, SCREENS[screen_name], demo)
        if no_access(page):
            state["closed"].add(group)
            if state["no_access_checked"]:
                pytest.skip(f"{role} may not open {screen_name}")
            state["no_access_checked"] = True
            check(page, f"{role}-ingen-adgang", screen)
            pytest.skip(f"{role} may not open {screen_name} (no access page checked)")
        check(page, f"{role}-{screen_name}", screen)

    @pytest.mark.parametrize("screen_name", list(ANONYMOUS_SCREENS))
    def test_anonymous_screen(self, pages, demo, screen, screen_name):
        page = pages("anonym")["page"]
        open_screen(page, ANONYMOUS_SCREENS[screen_name], demo)
        check(page, f"anonym-{screen_name}", screen)
