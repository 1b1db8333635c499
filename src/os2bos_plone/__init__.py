"""os2bos_plone: Bevilling og Styring for Plone."""

import logging

from zope.i18nmessageid import MessageFactory

PACKAGE_NAME = "os2bos_plone"

_ = MessageFactory(PACKAGE_NAME)

logger = logging.getLogger(PACKAGE_NAME)
