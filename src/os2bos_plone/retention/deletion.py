"""The deletion guard: one subscriber to every removal of a case, appropriation or activity."""

from Acquisition import aq_base
from OFS.interfaces import IApplication
from Products.CMFCore.interfaces import ISiteRoot
from zExceptions import Forbidden

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.content.activity import IActivity
from os2bos_plone.content.case import IAppropriation
from os2bos_plone.content.case import ICase
from os2bos_plone.journal.storage import entries
from os2bos_plone.payments.store import stored_payments

MSG_ACTIVITY_KEPT = (
    "Ydelsen »{title}« kan ikke slettes: kun kladder uden betalte betalinger kan slettes."
)
MSG_APPROPRIATION_KEPT = (
    "Bevillingen »{title}« kan ikke slettes, fordi den har bevilgede, forventede eller betalte "
    "ydelser."
)
MSG_CASE_KEPT = (
    "Sagen »{title}« kan ikke slettes, fordi den har en journal, bevillingsskrivelser eller "
    "ydelser, der ikke er kladder. Luk sagen i stedet."
)


class DeletionRefused(Forbidden):
    """A removal the retention rules refuse: answered as 403 with the Danish message."""


def activity_may_go(activity):
    if getattr(aq_base(activity), "bos_superseded_by", None):
        return not any(payment.settled for payment in stored_payments(activity))
    if status_of(activity) != "draft":
        return False
    return not any(payment.settled for payment in stored_payments(activity))


def _removing_the_site(event):
    """The whole site (or the Zope root) goes: its contents go with it."""
    return ISiteRoot.providedBy(event.object) or IApplication.providedBy(event.object)


def _judged_by(event, *containers):
    """A removal of one of these containers is judged once, by the container's own rule."""
    return any(interface.providedBy(event.object) for interface in containers)


def activity_will_be_removed(activity, event):
    if _removing_the_site(event) or _judged_by(event, ICase, IAppropriation):
        return
    if not activity_may_go(activity):
        raise DeletionRefused(MSG_ACTIVITY_KEPT.format(title=activity.Title()))


def appropriation_will_be_removed(appropriation, event):
    if _removing_the_site(event) or _judged_by(event, ICase):
        return
    if not all(activity_may_go(activity) for activity in activities_of(appropriation)):
        raise DeletionRefused(MSG_APPROPRIATION_KEPT.format(title=appropriation.Title()))


def case_will_be_removed(case, event):
    if _removing_the_site(event):
        return
    letters = [obj for obj in case.objectValues() if obj.portal_type == "bos_letter"]
    decided = [
        activity
        for appropriation in case.objectValues()
        if IAppropriation.providedBy(appropriation)
        for activity in activities_of(appropriation)
        if IActivity.providedBy(activity) and not activity_may_go(activity)
    ]
    if entries(case) or letters or decided:
        raise DeletionRefused(MSG_CASE_KEPT.format(title=case.Title()))
