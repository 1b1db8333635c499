"""Subscribers: payments and totals follow every change of an activity."""


def activity_changed(activity, event=None):
    from os2bos_plone.adapters.lookup import appropriation_of
    from os2bos_plone.payments.sync import refresh_payments
    from os2bos_plone.payments.totals import refresh_totals

    refresh_payments(activity)
    appropriation = appropriation_of(activity)
    if appropriation is not None:
        refresh_totals(appropriation)
    activity.reindexObject()


def activity_removed(activity, event):
    from os2bos_plone.payments.totals import refresh_totals

    appropriation = event.oldParent
    if getattr(appropriation, "portal_type", None) == "bos_appropriation":
        refresh_totals(appropriation)
