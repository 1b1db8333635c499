"""1000 -> 1001: the catalog metadata column ``bos_monthly_totals``.

The manager overview reads each activity's granted and expected amounts per month from this
column instead of the payments (see ``management``). The step adds the column with the catalog
API (no profile step is imported again, workflows least of all) and fills it: every
appropriation's figures are recomputed (``activities.refresh_totals``, which also stores the
monthly totals on each activity) and every activity whose column is still empty is reindexed.
It also brings the stored descriptions of the product's roles and groups in line with
``roles.py`` (BOS Ledelse edits the budgets; it was described as read-only) and adds the
"Payment office" tab (``bos_payments`` in ``portal_tabs``) that came with the payment office.
The tab is created with the actions API rather than by importing ``actions.xml`` again, which
would reset the tabs administrators have edited.

Big sites: the work is done in batches of ``BATCH`` appropriations with a progress line per
batch; after each batch the transaction is committed (``checkpoint``), so memory stays flat and
an interrupted run continues where it stopped (appropriations whose activities all have the
column filled are skipped).
"""

import logging
import time

import transaction
from Acquisition import aq_base
from plone import api
from Products.CMFCore.ActionInformation import Action

from os2bos_plone.management.figures import ACTIVITY_TYPE
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import metadata_rows
from os2bos_plone.payments.totals import MONTHLY_COLUMN
from os2bos_plone.payments.totals import refresh_totals
from os2bos_plone.payments.totals import reindex_metadata
from os2bos_plone.security.roles import PRODUCT_ROLES

logger = logging.getLogger("os2bos_plone.upgrades.v1001")

BATCH = 200


def commit():
    transaction.commit()


#: Called after every batch; the tests replace it with a savepoint.
checkpoint = commit


def add_column(catalog):
    if MONTHLY_COLUMN in catalog.schema():
        return False
    catalog.addColumn(MONTHLY_COLUMN)
    return True


def pending_appropriations(catalog):
    """{appropriation path: [activity paths]} of the activities whose column is empty."""
    pending = {}
    rows = metadata_rows(catalog, ACTIVITY_TYPE, ("UID", MONTHLY_COLUMN))
    for path, (_uid, months) in rows:
        if months is None:
            pending.setdefault(path.rsplit("/", 1)[0], []).append(path)
    return pending


def fill_monthly_totals(portal=None, batch=BATCH, progress=None, after_batch=None):
    """Add the column if missing and fill it. Returns (appropriations, activities, seconds)."""
    progress = progress or logger.info
    after_batch = after_batch or (lambda: checkpoint())
    portal = portal or api.portal.get()
    catalog = api.portal.get_tool("portal_catalog")
    started = time.perf_counter()
    if add_column(catalog):
        progress(f"Kolonnen {MONTHLY_COLUMN} er tilføjet kataloget")
    pending = pending_appropriations(catalog)
    total = len(pending)
    count = sum(len(paths) for paths in pending.values())
    progress(f"Månedstal: {count} ydelser i {total} bevillinger skal beregnes")
    done_activities = 0
    for number, (path, activity_paths) in enumerate(sorted(pending.items()), start=1):
        appropriation = portal.unrestrictedTraverse(path, None)
        if appropriation is not None:
            refresh_totals(appropriation)
        for activity_path in activity_paths:
            activity = portal.unrestrictedTraverse(activity_path, None)
            if activity is None:
                continue
            if getattr(aq_base(activity), "bos_monthly_totals", None) is None:
                # Outside an appropriation: nothing to compute, an empty value all the same.
                activity.bos_monthly_totals = {}
            reindex_metadata(activity)
            done_activities += 1
        if number % batch == 0 or number == total:
            catalog.getCounter()  # process the indexing queue of this batch
            after_batch()
            elapsed = time.perf_counter() - started
            progress(
                f"  {number}/{total} bevillinger, {done_activities}/{count} ydelser "
                f"({elapsed:.1f} s)"
            )
    elapsed = time.perf_counter() - started
    progress(f"Månedstal beregnet for {done_activities} ydelser på {elapsed:.1f} s")
    clear_cache()
    return total, done_activities, elapsed


def update_role_descriptions(portal=None, progress=None):
    """The titles and descriptions of the product's roles (PAS) and groups as roles.py has them."""
    progress = progress or logger.info
    portal = portal or api.portal.get()
    role_manager = portal.acl_users.portal_role_manager
    existing = role_manager.listRoleIds()
    for role in PRODUCT_ROLES:
        if role.role_id in existing:
            info = role_manager.getRoleInfo(role.role_id)
            if info.get("description") != role.description or info.get("title") != role.title:
                role_manager.updateRole(role.role_id, role.title, role.description)
                progress(f"Rollen {role.title} har fået ny beskrivelse")
        group = api.group.get(groupname=role.group_id)
        if group is not None and group.getProperty("description") != role.description:
            group.setGroupProperties({"description": role.description})


PAYMENT_OFFICE_TAB = {
    "title": "Payment office",
    "description": "Search payments across cases and register them as paid.",
    "i18n_domain": "os2bos_plone",
    "url_expr": "string:${portal_url}/@@bos-payments",
    "permissions": ("os2bos_plone: Register payments",),
    "visible": True,
}


def add_payment_office_tab(portal=None, progress=None):
    """The ``bos_payments`` tab as profiles/default/actions.xml defines it, when missing."""
    progress = progress or logger.info
    portal = portal or api.portal.get()
    tabs = api.portal.get_tool("portal_actions").portal_tabs
    if "bos_payments" in tabs.objectIds():
        return False
    tabs._setObject("bos_payments", Action("bos_payments", **PAYMENT_OFFICE_TAB))
    progress("Fanen Udbetalinger er tilføjet")
    return True


def upgrade(context):
    """The GenericSetup upgrade handler (registered in configure.zcml)."""
    update_role_descriptions()
    add_payment_office_tab()
    fill_monthly_totals()
