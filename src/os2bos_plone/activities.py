"""Compatibility only: payment stores pickled before the domain packages (up to 9b47680) name
this module. New code imports ``os2bos_plone.payments.store``."""

from os2bos_plone.payments.store import PaymentStore  # noqa: F401
