"""The control panel »Bevilling og Styring – indstillinger«: Manager only, saves and validates
with Danish messages; settings.read() gives the saved values."""

import pytest
from AccessControl import Unauthorized
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles
from plone.protect.authenticator import createToken
from zope.interface import alsoProvides

from os2bos_plone import settings
from os2bos_plone.browser.controlpanel import SettingsEditForm
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.settings.interfaces import PREFIX

VALID = {
    "municipality_name": "Ballerup Kommune",
    "municipality_number": "151",
    "prisme_org_unit": "0151",
    "prisme_machine_number": "12345",
    "account_department": "12345",
    "account_kind": "123",
    "account_unknown": "UKENDT",
    "payment_office_email": "betaling@ballerup.dk",
    "dst_subject_email": "fag@ballerup.dk",
    "dst_technical_phone": "+45 44 77 20 00",
    "cvr_number": "58271713",
    "p_number": "1003388768",
    "payment_files_folder": "/srv/bos/prisme",
}


def _submit(portal, values):
    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request.form.clear()
    request.form.update({f"form.widgets.{name}": value for name, value in values.items()})
    request.form["form.buttons.save"] = "Gem"
    request.form["_authenticator"] = createToken()
    request["REQUEST_METHOD"] = "POST"
    form = SettingsEditForm(portal, request)
    form.update()
    data, errors = form.extractData()
    return form, errors


def test_the_control_panel_is_registered_for_manager_only(manager):
    panel = api.portal.get_tool("portal_controlpanel")
    (configlet,) = [action for action in panel.listActions() if action.getId() == "bos-settings"]
    assert configlet.title == "Bevilling og Styring – indstillinger"
    assert configlet.permissions == ("os2bos_plone: Manage settings",)
    roles = {
        role["name"]
        for role in manager.rolesOfPermission("os2bos_plone: Manage settings")
        if role["selected"]
    }
    assert roles == {"Manager"}


def test_site_administrator_may_not_open_it(portal):
    setRoles(portal, TEST_USER_ID, ["Site Administrator"])
    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    with pytest.raises(Unauthorized):
        portal.restrictedTraverse("@@bos-settings")


def test_the_form_renders_in_danish(manager):
    request = manager.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request["LANGUAGE"] = "da"
    html = manager.restrictedTraverse("@@bos-settings")()
    assert "Bevilling og Styring – indstillinger" in html
    assert "form.widgets.prisme_org_unit" in html
    assert "PRISME-organisationsenhed" in html
    assert "Betalingskontorets e-mailadresse" in html


def test_the_form_saves(manager):
    form, errors = _submit(manager, VALID)
    assert not errors
    current = settings.read()
    assert current.municipality_name == "Ballerup Kommune"
    assert current.prisme_org_unit == "0151"
    assert current.prisme_machine_number == "12345"
    assert current.payment_office_email == "betaling@ballerup.dk"
    assert current.payment_files_folder == "/srv/bos/prisme"
    assert str(current.payment_files_path) == "/srv/bos/prisme"
    assert api.portal.get_registry_record(f"{PREFIX}.cvr_number") == "58271713"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("prisme_org_unit", "151", "PRISME-organisationsenheden skal være præcis 4 cifre."),
        ("prisme_machine_number", "1234a", "PRISME-maskinnummeret skal være præcis 5 cifre."),
        ("municipality_number", "1510", "Kommunenummeret skal være præcis 3 cifre."),
        ("cvr_number", "5827171", "CVR-nummeret skal være præcis 8 cifre."),
        ("p_number", "12345", "P-nummeret skal være præcis 10 cifre."),
        ("payment_office_email", "betaling.ballerup.dk", "Ugyldig e-mailadresse."),
        ("dst_receipt_email", "a@b", "Ugyldig e-mailadresse."),
        ("reports_folder", "var/reports", "Angiv mappen som en absolut sti (begynder med /)."),
    ],
)
def test_the_form_refuses_bad_values_in_danish(manager, name, value, message):
    before = settings.read()
    form, errors = _submit(manager, {**VALID, name: value})
    messages = {error.widget.field.__name__: error.message for error in errors}
    assert messages == {name: message}
    assert settings.read() == before  # nothing saved


def test_read_defaults_and_var_folder(manager):
    current = settings.read()
    assert current.account_unknown == "UKENDT"
    assert current.payment_files_path.parts[-2:] == ("os2bos", "prisme")
    assert current.reports_path.parts[-2:] == ("os2bos", "reports")


def test_demo_settings_fill_only_empty_records(manager):
    from os2bos_plone.demo.settings import set_demo_settings

    settings.reader.write(municipality_name="Ballerup Kommune")
    set_demo_settings(manager, progress=lambda message: None)
    current = settings.read()
    assert current.municipality_name == "Ballerup Kommune"
    assert current.prisme_org_unit == "0999"
    assert current.payment_office_email == "betalinger@demo-kommune.dk"
    before = current
    set_demo_settings(manager, progress=lambda message: None)
    assert settings.read() == before


def test_uninstall_removes_the_records_and_the_configlet(portal, installer):
    from plone.registry.interfaces import IRegistry
    from zope.component import getUtility

    with api.env.adopt_roles(["Manager"]):
        installer.uninstall_product("os2bos_plone")
    registry = getUtility(IRegistry)
    assert not [key for key in registry.records.keys() if key.startswith(PREFIX)]
    panel = api.portal.get_tool("portal_controlpanel")
    assert "bos-settings" not in [action.getId() for action in panel.listActions()]
