"""Keeping an activity's stored payments in line with its plan: refresh on every save, and the
daily renewal of open-ended plans. Paid payments are never changed or removed.

The three paths through the engine, each building the engine input once per request
(adapters.plans.activity_input keeps it for the request):

* **save** (edit/add form, REST POST/PATCH, scripts): the form's ``extractData`` or REST's
  ``ActivityDeserializer.errors_before_setting`` -> ``validation.activity.field_errors``
  (engine.validation.validate_activity + engine.activity_rules) -> the values are set ->
  ``IObjectModifiedEvent`` / ``IObjectAddedEvent`` -> ``payments.handlers.activity_changed`` ->
  :func:`after_save`: :func:`refresh_payments` (``adapters.plans.plan_of`` -> engine
  ``generate_payments`` / ``synchronize_granted``) -> ``payments.totals.refresh_totals``
  (engine ``costs.yearly_totals``) -> reindex.
* **preview** (``@bos-cost-preview``, the form's panel): ``services.costs.CostPreviewPost`` ->
  ``payments.figures.cost_preview``: ``validation.activity.field_errors`` (structure rules
  aside) -> ``adapters.plans.plan_of`` -> engine ``costs.cost_preview``. Nothing is written.
* **grant** (``@bos-grant``, the grant view, ``@workflow/grant``): ``decisions.grant.grant`` ->
  ``decisions.snapshots.appropriation_snapshot`` -> engine ``grant.plan_grant`` (with
  ``classification.catalogue.ContentCatalogueRules``: engine.activity_rules) -> the plan is
  applied -> each changed activity goes through :func:`after_save`.
"""

from BTrees.IIBTree import IITreeSet
from BTrees.IIBTree import difference
from BTrees.IIBTree import intersection
from plone import api
from Products.CMFCore.indexing import processQueue
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.plans import MEMO_KEY as PLAN_MEMO_KEY
from os2bos_plone.adapters.plans import plan_of
from os2bos_plone.engine import clock
from os2bos_plone.engine import payments as engine_payments
from os2bos_plone.payments.store import ensure_payment_id
from os2bos_plone.payments.store import payment_store
from os2bos_plone.payments.store import release_every
from os2bos_plone.payments.totals import refresh_totals


def after_save(activity, when=None):
    """The save pipeline after the values are set (they were validated before): payments, then
    the appropriation's totals, then the catalog."""
    refresh_payments(activity, when)
    appropriation = appropriation_of(activity)
    if appropriation is not None:
        refresh_totals(appropriation)
    activity.reindexObject()


def refresh_payments(activity, when=None):
    """Bring the stored payments in line with the plan.

    Draft and expected activities are planned from scratch. A granted activity keeps every paid
    payment as it is; unpaid ones are extended, cut or repriced (the engine decides).
    """
    when = when or clock.today()
    plan = plan_of(activity, activity)
    store = payment_store(activity)
    payment_id = ensure_payment_id(activity)
    if status_of(activity) == "granted":
        planned = engine_payments.synchronize_granted(list(store.payments), plan, when)
    else:
        planned = engine_payments.generate_payments(plan, when)
    for payment in planned:
        payment.payment_id = payment_id
    store.replace(planned)
    return planned


def effective_start(activity):
    """The start date; for a one-time plan without one, its payment date."""
    if activity.start_date is None and activity.payment_type == "one_time":
        return activity.payment_date
    return activity.start_date


def drop_unpaid_payments(activity, from_date=None):
    """Remove the unpaid payments (all, or those dated on/after ``from_date``); paid payments are
    never removed. An individual plan's rows follow its stored payments."""
    store = payment_store(activity)
    kept = [
        payment
        for payment in store.payments
        if payment.settled or (from_date is not None and payment.date < from_date)
    ]
    store.replace(kept)
    if activity.payment_type == "individual":
        dates = {payment.date for payment in kept}
        activity.individual_payments = [
            row for row in activity.individual_payments or [] if row.get("date") in dates
        ]


def renew_open_ended(activity, when=None):
    """The daily renewal: extend an open-ended granted plan to 31 December of next year."""
    when = when or clock.today()
    store = payment_store(activity)
    before = len(store.payments)
    renewed = engine_payments.renew_open_ended(
        list(store.payments), plan_of(activity, activity), when
    )
    unnamed = [payment for payment in renewed if not payment.payment_id]
    if len(renewed) == before and not unnamed:
        # Nothing new: the store is left untouched, so it is not written again and the job can
        # let it go (a store marked changed stays in memory until the job commits).
        return 0
    for payment in unnamed:
        payment.payment_id = ensure_payment_id(activity)
    store.replace(renewed)
    return len(store.payments) - before


def _forget_plan_inputs():
    """Drop the engine inputs adapters.plans keeps for the request: a job runs as one request,
    and kept they would grow by one input per activity it looked at."""
    request = getRequest()
    annotations = IAnnotations(request, None) if request is not None else None
    if annotations is not None:
        annotations.pop(PLAN_MEMO_KEY, None)


def open_ended_granted_paths():
    """The paths of every granted activity without an end date, in path order, from the
    catalog's indexes alone: granted activities (portal_type, review_state) that the
    bos_end_date index does not hold (it holds no record for an empty date). A search's brains
    would carry every activity's whole metadata record (its yearly and monthly totals), about
    450 MB at 35,000 granted activities."""
    # The catalog's queued reindexing first, as a search does before it reads.
    processQueue()
    catalog = api.portal.get_tool("portal_catalog")._catalog

    def rids(name, value):
        found = catalog.getIndex(name)._index.get(value)
        if found is None:
            return IITreeSet()
        return IITreeSet((found,)) if isinstance(found, int) else found

    granted = intersection(rids("portal_type", ACTIVITY_TYPE), rids("review_state", "granted"))
    open_ended = difference(granted, catalog.getIndex("bos_end_date")._unindex)
    paths = catalog.paths
    return sorted(paths[rid] for rid in open_ended)


def renew_all_open_ended(when=None, progress=print, checkpoint=None, every=200):
    """The daily renewal job over every granted activity without an end date (found through the
    catalog's indexes), then the totals of the appropriations that changed. ``checkpoint``
    (e.g. transaction.commit) is called every ``every`` changed appropriations. Returns
    (activities looked at, activities extended, payments added)."""
    when = when or clock.today()
    portal = api.portal.get()
    paths = open_ended_granted_paths()
    progress(f"Fornyer betalinger: {len(paths)} bevilgede ydelser uden slutdato")
    extended = added_total = changed = 0
    for number, path in enumerate(paths, start=1):
        activity = portal.unrestrictedTraverse(path)
        added = renew_open_ended(activity, when)
        if added:
            extended += 1
            added_total += added
            appropriation = appropriation_of(activity)
            if appropriation is not None:
                refresh_totals(appropriation)
                changed += 1
                if checkpoint is not None and changed % every == 0:
                    checkpoint()
        if number % 1000 == 0:
            progress(f"  {number}/{len(paths)} ydelser gennemgået, {extended} forlænget")
        _forget_plan_inputs()
        release_every(activity, number)
    progress(
        f"Færdig: {len(paths)} ydelser gennemgået, {extended} forlænget "
        f"med i alt {added_total} betalinger"
    )
    return len(paths), extended, added_total
