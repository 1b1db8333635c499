"""Subscribers: payments and totals follow every change of an activity (payments.sync)."""

from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.payments.sync import after_save
from os2bos_plone.payments.totals import refresh_totals


def activity_changed(activity, event=None):
    after_save(activity)


def activity_removed(activity, event):
    appropriation = event.oldParent
    if getattr(appropriation, "portal_type", None) == APPROPRIATION_TYPE:
        refresh_totals(appropriation)
