"""Repricing when a central rate changes (spec 3.2, recalculate_on_changed_rate).

A rate's amounts are regelmotor data an administrator edits; the activities priced by it keep
their payments until this job reprices them. Each rate remembers the periods its activities
were last priced with (``_bos_priced_periods``); a rate whose periods differ reprices the
unpaid payments of every activity using it (found through the ``bos_payment_rate`` index);
paid payments never change. A granted activity whose yearly totals changed is told to the
journal with the old and new totals (the :class:`~os2bos_plone.payments.events.PaymentsRepriced`
event). A rate seen for the first time is only remembered. Running it again does nothing.
"""

from decimal import Decimal

from Acquisition import aq_base
from plone import api
from zope.event import notify

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.engine import clock
from os2bos_plone.payments.events import PaymentsRepriced
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.sync import refresh_payments
from os2bos_plone.payments.totals import refresh_totals

RATE_TYPE = "bos_rate"
_PRICED_ATTR = "_bos_priced_periods"


def _periods(rate):
    return tuple(
        (
            str(row.get("start_date") or ""),
            str(row.get("end_date") or ""),
            str(row.get("amount") if row.get("amount") is not None else ""),
        )
        for row in rate.periods or []
    )


def yearly_amounts(activity):
    """{year: total of its payments (paid as paid, unpaid as planned)}."""
    totals = {}
    for payment in stored_payments(activity):
        year = payment.effective_date.year
        totals[year] = totals.get(year, Decimal("0")) + payment.effective_amount
    return totals


def changed_rates():
    """The rates whose periods differ from those their activities were priced with; a rate
    seen for the first time is remembered and not counted."""
    catalog = api.portal.get_tool("portal_catalog")
    changed = []
    for brain in catalog.unrestrictedSearchResults(portal_type=RATE_TYPE):
        rate = brain._unrestrictedGetObject()
        current = _periods(rate)
        priced = getattr(aq_base(rate), _PRICED_ATTR, None)
        if priced is None:
            setattr(rate, _PRICED_ATTR, current)
        elif priced != current:
            changed.append(rate)
    return changed


def reprice_rate(rate, when=None):
    """Reprice the unpaid payments of every activity using ``rate``; returns (activities,
    activities whose payments changed)."""
    when = when or clock.today()
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type=ACTIVITY_TYPE, bos_payment_rate=rate.UID()
    )
    changed = 0
    for brain in brains:
        activity = brain._unrestrictedGetObject()
        before_payments = [(p.date, p.amount) for p in stored_payments(activity)]
        before = yearly_amounts(activity)
        refresh_payments(activity, when)
        if [(p.date, p.amount) for p in stored_payments(activity)] == before_payments:
            continue
        changed += 1
        appropriation = appropriation_of(activity)
        if appropriation is not None:
            refresh_totals(appropriation)
        if status_of(activity) == "granted":
            notify(PaymentsRepriced(activity, rate, before, yearly_amounts(activity)))
    setattr(rate, _PRICED_ATTR, _periods(rate))
    return len(brains), changed


def reprice_changed_rates(when=None, progress=print, checkpoint=None):
    """The nightly job: every changed rate's activities. Returns counts."""
    rates = changed_rates()
    progress(f"Genberegning: {len(rates)} ændrede takster")
    looked_at = repriced = 0
    for rate in rates:
        activities, changed = reprice_rate(rate, when)
        looked_at += activities
        repriced += changed
        progress(f"  Taksten »{rate.Title()}«: {changed} af {activities} ydelser genberegnet")
        if checkpoint is not None:
            checkpoint()
    return {"rates": len(rates), "activities": looked_at, "repriced": repriced}
