"""The control panel »Bevilling og Styring – indstillinger«: the records of settings.IBosSettings,
edited by Manager (permission »os2bos_plone: Manage settings«)."""

from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.z3cform import layout

from os2bos_plone import _
from os2bos_plone.settings.interfaces import PREFIX
from os2bos_plone.settings.interfaces import IBosSettings


class SettingsEditForm(RegistryEditForm):
    schema = IBosSettings
    schema_prefix = PREFIX
    label = _("Bevilling og Styring – settings")
    description = _(
        "The municipality, the PRISME payment file, account strings, the payment office, "
        "Danmarks Statistik and where files are written."
    )


SettingsControlPanel = layout.wrap_form(SettingsEditForm, ControlPanelFormWrapper)
