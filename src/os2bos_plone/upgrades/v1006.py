"""1005 -> 1006: the settings (»Bevilling og Styring – indstillinger«) and their control panel.

Registers the plone.registry records of ``settings.interfaces.IBosSettings`` (records that exist
keep their values) and adds the configlet, by importing only the profile's ``plone.app.registry``
and ``controlpanel`` steps. Running the step again changes nothing.
"""

import logging

from plone import api

logger = logging.getLogger("os2bos_plone.upgrades.v1006")

PROFILE_ID = "profile-os2bos_plone:default"


def upgrade(context=None):
    setup = api.portal.get_tool("portal_setup")
    setup.runImportStepFromProfile(PROFILE_ID, "plone.app.registry", run_dependencies=False)
    setup.runImportStepFromProfile(PROFILE_ID, "controlpanel", run_dependencies=False)
    logger.info("Indstillingerne for Bevilling og Styring er registreret")
