"""1007 -> 1008: the way in and the chrome.

- the navigation tabs Sager, Til godkendelse, Udbetalinger, Ledelsesinformation, Budget and
  Regelmotor (profile step ``actions``: only the portal_tabs of the add-on, Plone's are kept);
- the colophon and the document byline hidden (``viewlets``), the footer's Plone portlets
  removed (``portlets``);
- the settings record ``letter_sender`` (``plone.app.registry``: records that exist keep their
  values);
- the start page as the site's default view and the municipality's name as the site's title and
  logo text (browser.chrome.apply_chrome).

Running the step again changes nothing.
"""

import logging

from plone import api

from os2bos_plone.browser.chrome import apply_chrome

logger = logging.getLogger("os2bos_plone.upgrades.v1008")

PROFILE_ID = "profile-os2bos_plone:default"
STEPS = ("actions", "viewlets", "portlets", "plone.app.registry")


def upgrade(context=None):
    setup = api.portal.get_tool("portal_setup")
    for step in STEPS:
        setup.runImportStepFromProfile(PROFILE_ID, step, run_dependencies=False)
    apply_chrome(api.portal.get())
    logger.info("Startside, faneblade og sitets navn er sat op")
