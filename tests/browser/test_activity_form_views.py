"""The activity add and edit forms (browser/activity_form.py), rendered and posted in-process,
and the cost preview service in a cookie session (as the form's script calls it).

The regelmotor's seed: under BL-32-1.5 the main services are Dagbehandling (only its preferred
providers) and Familiebehandling (preferred providers Lindely and Nordstjernen); supplementary
services follow the main activity's service.
"""

import html as html_lib
import json
import re
from datetime import date
from decimal import Decimal

import pytest
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from zope.interface import alsoProvides

from os2bos_plone.browser.activity_form import ActivityAddForm
from os2bos_plone.browser.activity_form import ActivityAddView
from os2bos_plone.browser.activity_form import ActivityEditForm
from os2bos_plone.browser.activity_form import ActivityEditView
from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.engine import clock
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.vocabularies.classification import main_services
from os2bos_plone.vocabularies.classification import services as services_vocabulary
from os2bos_plone.vocabularies.classification import supplementary_services
from tests.builders import KOMPASROSEN as PROVIDER_CVR
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import supplementary_fields
from tests.builders import uid_of

YEAR = clock.today().year
FAMILY_TREATMENT = "100206"
PREFERRED = ("94789311", "98297421")  # Familiebehandling's preferred providers in the seed


def _request(portal, form=None, method="GET"):
    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request.form.clear()
    request.form.update(form or {})
    request.method = method
    request.environ["REQUEST_METHOD"] = method
    request.response.setStatus(200)
    return request


def add_view(portal, appropriation, form=None, method="GET"):
    request = _request(portal, form, method)
    view = appropriation.restrictedTraverse("++add++bos_activity")
    view.request = request
    return view


def edit_view(portal, activity, form=None, method="GET"):
    return api.content.get_view("edit", activity, _request(portal, form, method))


def options(html, name):
    """[(value, text)] of the select ``form.widgets.<name>:list``."""
    match = re.search(rf'<select name="form\.widgets\.{name}:list".*?</select>', html, re.S)
    assert match, name
    found = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', match.group(0))
    return [(value, html_lib.unescape(text.strip())) for value, text in found]


def panel_data(html, name):
    match = re.search(rf'<aside class="bos-cost-preview"[^>]*\sdata-{name}="([^"]*)"', html)
    assert match, name
    return json.loads(html_lib.unescape(match.group(1)))


def selected(html, name):
    """The value of the selected option of the select ``form.widgets.<name>:list``."""
    match = re.search(rf'<select name="form\.widgets\.{name}:list".*?</select>', html, re.S)
    for option in re.findall(r"<option[^>]*>", match.group(0)):
        if 'selected="selected"' in option:
            return re.search(r'value="([^"]*)"', option).group(1)
    return None


def legends(html):
    return [
        html_lib.unescape(text.strip())
        for text in re.findall(r'<legend id="fieldsetlegend-[^"]*"\s*>([^<]*)<', html)
    ]


@pytest.fixture
def appropriation(manager):
    case = make_case(manager, title="Alma Andersen")
    return make_appropriation(case, section="BL-32-1.5")


def test_add_and_edit_views_are_ours(manager, appropriation):
    view = add_view(manager, appropriation)
    assert isinstance(view, ActivityAddView)
    assert isinstance(view.form_instance, ActivityAddForm)
    activity = make_activity(appropriation, **main_fields())
    edit = edit_view(manager, activity)
    assert isinstance(edit, ActivityEditView)
    assert isinstance(edit.form_instance, ActivityEditForm)


def test_add_form_offers_the_services_of_the_section(manager, appropriation):
    html = add_view(manager, appropriation)()
    offered = {value for value, _text in options(html, "service")}
    main = {term.value for term in main_services(appropriation)}
    supplementary = {term.value for term in supplementary_services(appropriation)}
    all_services = {term.value for term in services_vocabulary(appropriation)}
    assert offered == main | supplementary
    assert len(offered) < len(all_services), "the section narrows the choice"
    assert uid_of("bos_service", FAMILY_TREATMENT) in main
    services = panel_data(html, "services")
    assert set(services["main"]) == main
    assert set(services["supplementary"]) == supplementary
    # No main activity yet: the new one is the main activity (the first, preselected choice).
    assert options(html, "activity_type")[0][0] == "main"
    assert "selected" not in re.search(r'<option[^>]*value="supplementary"[^>]*>', html).group(0)


def test_add_form_after_the_main_activity_offers_what_follows_it(manager, appropriation):
    make_activity(appropriation, **main_fields())
    html = add_view(manager, appropriation)()
    services = panel_data(html, "services")
    family_treatment = by_key("bos_service", FAMILY_TREATMENT)
    for uid in services["supplementary"]:
        service = by_uid(uid)
        assert FAMILY_TREATMENT in (service.follows_main_services or []), service.title
        assert "BL-32-1.5" in {
            row["section"] for row in service.sections or [] if row.get("supplementary")
        }
    assert services["supplementary"], f"something may follow {family_treatment.title}"
    # The vocabulary itself knows the main service from the appropriation (REST, other forms).
    by_vocabulary = {term.value for term in supplementary_services(appropriation)}
    assert by_vocabulary == set(services["supplementary"])
    # A supplementary service that no longer follows the main service drops out of both.
    dropped = by_uid(sorted(by_vocabulary)[0])
    dropped.follows_main_services = [
        key for key in dropped.follows_main_services if key != FAMILY_TREATMENT
    ] or ["999999"]
    dropped.reindexObject()
    remaining = {term.value for term in supplementary_services(appropriation)}
    assert remaining == by_vocabulary - {dropped.UID()}
    assert set(panel_data(add_view(manager, appropriation)(), "services")["supplementary"]) == (
        remaining
    )
    selected = re.search(r'<option[^>]*value="supplementary"[^>]*>', html).group(0)
    assert 'selected="selected"' in selected, "the next activity is supplementary"


def test_fieldsets_and_preview_panel(manager, appropriation):
    html = add_view(manager, appropriation)()
    assert legends(html)[:3] == ["Ydelse", "Betalingsplan", "Betalingsmodtager"]
    assert "Godkendelse" not in legends(html), "system fields are not on the add form"
    assert 'class="pat-autotoc' not in html and "enableFormTabbing" not in html
    # The recipient fieldset holds the provider and the recipient.
    recipient = html[html.index('id="fieldset-recipient"') :]
    for name in ("service_provider", "recipient_type", "recipient_name", "payment_method"):
        assert f"form.widgets.{name}" in recipient.split("</fieldset>")[0]
    assert "Hvad koster det?" in html
    assert 'aria-live="polite"' in html
    url = re.search(r'data-url="([^"]*)"', html).group(1)
    assert url == f"{appropriation.absolute_url()}/@bos-cost-preview"
    assert "++plone++os2bos_plone/cost_preview.js" in html
    assert "++plone++os2bos_plone/activity_form.css" in html
    texts = panel_data(html, "texts")
    assert texts["this_year"] == f"I år ({YEAR})"
    assert texts["currency"] == "kr."
    assert texts["months"][11] == "december"
    for label in ("Pr. betaling", "Antal betalinger", "Første betaling", "I alt", "Årlig udgift"):
        assert f">{label}</dt>" in html


def test_edit_form_puts_the_preferred_providers_first(manager, appropriation):
    activity = make_activity(appropriation, **main_fields())
    html = edit_view(manager, activity)()
    providers = options(html, "service_provider")
    preferred = {uid_of("bos_service_provider", cvr) for cvr in PREFERRED}
    assert providers[0][0] == "--NOVALUE--"
    assert {value for value, _text in providers[1:3]} == preferred
    assert all(text.endswith("(foretrukken leverandør)") for _value, text in providers[1:3])
    assert not any("foretrukken" in text for _value, text in providers[3:])
    # The saved provider (not a preferred one) stays selected.
    saved = uid_of("bos_service_provider", PROVIDER_CVR)
    assert selected(html, "service_provider") == saved
    preferred_map = panel_data(html, "preferred")
    family_treatment = uid_of("bos_service", FAMILY_TREATMENT)
    assert set(preferred_map[family_treatment]["providers"]) == preferred
    assert preferred_map[family_treatment]["only"] is False
    # The preview of an edit asks the activity's appropriation.
    assert re.search(r'data-url="([^"]*)"', html).group(1) == (
        f"{appropriation.absolute_url()}/@bos-cost-preview"
    )
    assert 'value="10.000,00"' in html


def test_edit_form_keeps_a_saved_service_that_is_not_offered(manager, appropriation):
    outside = next(
        term.value
        for term in services_vocabulary(appropriation)
        if term.value not in {t.value for t in main_services(appropriation)}
        and term.value not in {t.value for t in supplementary_services(appropriation)}
    )
    activity = make_activity(appropriation, **supplementary_fields())
    activity.service = outside
    html = edit_view(manager, activity)()
    values = [value for value, _text in options(html, "service")]
    assert outside in values
    assert selected(html, "service") == outside


def _add_form_data(**changes):
    year = YEAR
    data = {
        "form.widgets.service": [uid_of("bos_service", FAMILY_TREATMENT)],
        "form.widgets.activity_type": ["main"],
        "form.widgets.start_date": f"{year}-12-01",
        "form.widgets.end_date": f"{year + 1}-05-31",
        "form.widgets.payment_type": ["running"],
        "form.widgets.payment_frequency": ["monthly"],
        "form.widgets.payment_day_of_month": "1",
        "form.widgets.payment_cost_type": ["fixed"],
        "form.widgets.payment_amount": "10.000",
        "form.widgets.service_provider": [uid_of("bos_service_provider", PROVIDER_CVR)],
        "form.widgets.recipient_type": ["company"],
        "form.widgets.recipient_id": PROVIDER_CVR,
        "form.widgets.recipient_name": "Kompasrosen",
        "form.widgets.payment_method": ["invoice"],
        "form.buttons.save": "Gem",
    }
    data.update(changes)
    return data


def test_saving_the_add_form_reads_danish_amounts(manager, appropriation):
    """The script sends amounts as the form saves them: "10.000" is ten thousand kroner."""
    view = add_view(manager, appropriation, _add_form_data(), method="POST")
    view()
    activities_ = [obj for obj in appropriation.objectValues() if obj.portal_type == "bos_activity"]
    assert len(activities_) == 1, view.form_instance.widgets.errors
    activity = activities_[0]
    assert activity.payment_amount == Decimal("10000")
    assert activity.start_date == date(YEAR, 12, 1)
    assert activity.service_provider == uid_of("bos_service_provider", PROVIDER_CVR)


def test_add_form_shows_the_engine_errors(manager, appropriation):
    data = _add_form_data(**{"form.widgets.end_date": f"{YEAR}-11-01"})
    html = add_view(manager, appropriation, data, method="POST")()
    assert "Startdatoen skal være før eller samme dag som slutdatoen" in html
    assert not appropriation.objectIds()


# -- the preview service in a cookie session -------------------------------------------------


def test_cost_preview_with_a_cookie_session(functional_portal):
    """Logged in through the login form (cookie), the preview answers with the figures; with and
    without the form's token (it writes nothing), and the field errors in Danish."""
    import requests
    from plone.protect.authenticator import createToken

    from os2bos_plone.security.users import create_user

    with api.env.adopt_user(username=SITE_OWNER_NAME):
        if api.user.get(username="af-worker") is None:
            create_user("af-worker", "secret-pw-123", fullname="Gitte Sagsbehandler")
            api.user.grant_roles(username="af-worker", roles=["BOSCaseWorker"])
        case = make_case(functional_portal, case_worker="af-worker", title="Alma Andersen")
        appropriation = make_appropriation(case)
    transaction.commit()
    url = f"{appropriation.absolute_url()}/@bos-cost-preview"
    session = requests.Session()
    login = session.post(
        f"{functional_portal.absolute_url()}/login",
        data={
            "__ac_name": "af-worker",
            "__ac_password": "secret-pw-123",
            "form.submitted": "1",
            "buttons.login": "Log ind",
        },
    )
    assert login.status_code == 200
    assert "__ac" in session.cookies, "logged in with a cookie"
    body = {
        "service": uid_of("bos_service", FAMILY_TREATMENT),
        "activity_type": "main",
        "start_date": f"{YEAR}-12-01",
        "end_date": f"{YEAR + 1}-05-31",
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": "1",
        "payment_cost_type": "fixed",
        "payment_amount": "10000",
        "service_provider": uid_of("bos_service_provider", PROVIDER_CVR),
        "recipient_type": "company",
        "recipient_id": PROVIDER_CVR,
        "recipient_name": "Kompasrosen",
        "payment_method": "invoice",
        "individual_payments": [],
        "payment_prices": [],
        "fictive": False,
    }
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    with api.env.adopt_user(username="af-worker"):
        token = createToken()
    answer = session.post(url, json=body, headers={**headers, "X-CSRF-TOKEN": token})
    assert answer.status_code == 200, answer.text
    # Kompasrosen's VAT factor is 97 %: 10.000 kr. a month costs 9.700 kr.
    assert answer.json() == {
        "per_payment_amount": "9700.00",
        "payments_count": 6,
        "first_payment": f"{YEAR}-12-01",
        "last_payment": f"{YEAR + 1}-05-01",
        "this_year": "9700.00",
        "next_year": "48500.00",
        "total_cost": "58200.00",
        # Six months: the measure's annual cost is its total (issue 12: most expensive 12 months).
        "annual_cost": "58200.00",
        # The VAT factor named, and the level the measure will need (from 50.000 kr.: team leader).
        "vat": {"factor": "97.00", "text": "10.000,00 kr. × 97 % = 9.700,00 kr."},
        "approval_level": {"token": "teamleder", "title": "Teamleder", "committee": False},
        "approval_rule": "alle paragraffer · alle ydelser · årlig udgift fra 50.000,00 kr.",
        "measure_annual_cost": "58200.00",
    }
    plain = session.post(url, json=body, headers=headers)
    assert plain.status_code == 200, "a preview writes nothing: no token needed"
    bad = session.post(url, json={**body, "end_date": f"{YEAR}-11-01"}, headers=headers)
    assert bad.status_code == 400
    messages = [error["message"] for error in bad.json()["errors"]]
    assert "Startdatoen skal være før eller samme dag som slutdatoen" in messages
    anonymous = requests.post(url, json=body, headers=headers)
    assert anonymous.status_code == 401
    assert not appropriation.objectIds(), "nothing was saved"
    owner = requests.post(
        url, json=body, headers=headers, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    )
    assert owner.json()["total_cost"] == "58200.00"
