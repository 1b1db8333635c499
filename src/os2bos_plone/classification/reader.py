"""Reading the classification from the site, in the shapes the plain-Python engine expects.

Everything here reads the catalog or the one regelmotor container; list lookups never wake the
thousands of objects a municipality has.
"""

from decimal import Decimal

import transaction
from plone import api
from plone.uuid.interfaces import IUUID
from Products.CMFCore.indexing import getQueue
from Products.ZCatalog.query import IndexQuery
from Products.ZCatalog.ZCatalog import ZCatalog
from zExceptions import NotFound

from os2bos_plone.engine.approval import ApprovalLevel
from os2bos_plone.engine.approval import ApprovalRule
from os2bos_plone.engine.approval import required_level as evaluate
from os2bos_plone.engine.bankdays import BankCalendar
from os2bos_plone.engine.validation import MAX_PLAN_PAYMENTS
from os2bos_plone.engine.validation import MAX_PLAN_YEARS

REGELMOTOR_TYPE = "bos_regelmotor"

# The list fields on the regelmotor container and the key of each row.
LIST_KEYS = {
    "target_groups": "key",
    "effort_steps": "number",
    "efforts": "key",
    "school_districts": "key",
    "units": "key",
    "teams": "key",
    "municipalities": "code",
    "activity_categories": "category_id",
    "internal_recipients": "key",
    "payment_date_exclusions": "date",
    "account_aliases": "alias",
}


def regelmotor():
    """The regelmotor container (None before the add-on is installed)."""
    portal = api.portal.get()
    container = portal.get("regelmotor")
    if container is not None and container.portal_type == REGELMOTOR_TYPE:
        return container
    brains = api.content.find(portal_type=REGELMOTOR_TYPE, unrestricted=True)
    return brains[0]._unrestrictedGetObject() if brains else None


def plan_limits():
    """(years, payments): how long a payment plan may run and how many payments it may make."""
    container = regelmotor()
    years = getattr(container, "max_plan_years", None) or MAX_PLAN_YEARS
    payments = getattr(container, "max_plan_payments", None) or MAX_PLAN_PAYMENTS
    return years, payments


def list_rows(name):
    """The rows of one of the small lists, e.g. list_rows("municipalities")."""
    container = regelmotor()
    return list(getattr(container, name, None) or []) if container is not None else []


def list_row(name, key):
    """One row of a list by its key, or None."""
    key_field = LIST_KEYS[name]
    for row in list_rows(name):
        if str(row.get(key_field)) == str(key):
            return row
    return None


#: The catalogued classification types (what ``find_classification`` is asked about).
CLASSIFICATION_TYPES = frozenset(
    {"bos_section", "bos_service", "bos_rate", "bos_service_provider", "bos_approval_level"}
)


def _classification_pending():
    """True when Plone's indexing queue holds a classification item: only then can a query for
    classification read stale catalog data, so only then must it flush the queue first.

    The queue only grows until it is processed (and emptied), so each call looks at the entries
    added since the previous one; the last entry seen tells whether the queue was emptied and
    filled again in between."""
    queue = getQueue()
    length = queue.length()
    seen, last, found = getattr(queue, "_bos_classification_scan", (0, None, False))
    if length == seen and (length == 0 or queue.queue[length - 1] is last):
        return found
    state = queue.getState()
    if not (0 < seen <= length and state[seen - 1] is last):
        seen, found = 0, False
    found = found or any(
        getattr(entry[1], "portal_type", None) in CLASSIFICATION_TYPES for entry in state[seen:]
    )
    queue._bos_classification_scan = (length, state[-1] if state else None, found)
    return found


def _search(**query):
    """A catalog search for classification that flushes the indexing queue only when needed.

    A catalog search normally processes the whole queue first, cataloguing every object changed
    so far in the transaction. Saves and grants look up providers, rates, levels and rules many
    times while the activities being saved wait in the queue, and each flush catalogued them
    again (three to ten times per transaction instead of once, at commit).

    ``ZCatalog.searchResults`` is the public search that ``unrestrictedSearchResults`` calls
    after processing the queue; called on the tool it searches without processing it (what
    CMFCore's private ``_unrestrictedSearchResults`` does)."""
    catalog = api.portal.get_tool("portal_catalog")
    if _classification_pending():
        return catalog.unrestrictedSearchResults(**query)
    return ZCatalog.searchResults(catalog, **query)


def find_classification(portal_type, active_only=False, **query):
    if active_only:
        query["bos_active"] = True
    return _search(portal_type=portal_type, **query)


def by_key(portal_type, key):
    """The object of a classification type with this key (section key, service id, CVR, ...)."""
    brains = find_classification(portal_type, bos_key=key)
    return brains[0]._unrestrictedGetObject() if brains else None


def _catalogued_path(catalog, uid):
    """The path the catalog holds for a UID, read from the UID index alone: no search, so the
    indexing queue is not processed and no brain is made.

    Public API only: the index through ``ZCatalog.Indexes``, queried with ``query_index``
    (IQueryIndex, what plone.app.uuid falls back to) and the path by ``ZCatalog.getpath``; the
    private ``_index`` mapping saved some 40 µs of a lookup that costs about 1 ms in all."""
    rids = catalog.Indexes["UID"].query_index(IndexQuery({"UID": uid}, "UID"))
    return catalog.getpath(rids[0]) if rids else None


def by_uid(uid):
    """The object with this UID (services, providers, rates, sections referenced by activities;
    also a letter or another object).

    Read from the catalog's UID index (titles and saves call this many times, a full catalog
    search costs a millisecond each); a UID that is not catalogued yet (an object created in
    this transaction) or whose object is gone (removed in this transaction) is looked up again
    by a search, which flushes the indexing queue first.
    """
    if not uid:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    path = _catalogued_path(catalog, uid)
    if path is not None:
        obj = api.portal.get().unrestrictedTraverse(path, None)
        if obj is not None and IUUID(obj, None) == uid:
            return obj
    for brain in catalog.unrestrictedSearchResults(UID=uid):
        try:
            return brain._unrestrictedGetObject()
        except (AttributeError, KeyError, NotFound):
            return None  # removed in this transaction and not uncatalogued yet
    return None


#: The key of the approval levels remembered for the rest of a transaction.
_LEVELS_MEMO = object()


def forget_approval_levels(obj=None, event=None):
    """An approval level was added, changed or removed: the transaction reads them again."""
    transaction.get().set_data(_LEVELS_MEMO, None)


def approval_levels():
    """All approval levels as engine objects (inactive ones too: old decisions name them).

    Read once per transaction: every workflow guard of a decision (and of a screen listing the
    transitions) asks for them, and a catalog search with the objects woken cost a few
    milliseconds each time. A change of a level in the transaction forgets them
    (:func:`forget_approval_levels`, subscribed in configure.zcml)."""
    current = transaction.get()
    try:
        remembered = current.data(_LEVELS_MEMO)
    except KeyError:
        remembered = None
    if remembered is None:
        remembered = _read_approval_levels()
        current.set_data(_LEVELS_MEMO, remembered)
    return list(remembered)


def _read_approval_levels():
    levels = []
    for brain in find_classification("bos_approval_level"):
        obj = brain._unrestrictedGetObject()
        levels.append(
            ApprovalLevel(
                key=obj.key,
                title=obj.title,
                rank=obj.rank,
                role=obj.role,
                committee=bool(obj.committee),
            )
        )
    return sorted(levels, key=lambda level: level.rank)


def _decimal_or_none(value):
    if value in (None, ""):
        return None
    return Decimal(str(value))


def rules_from_rows(rows):
    return [
        ApprovalRule(
            section=(row.get("section") or "").strip(),
            service=row.get("service") or "",
            min_annual_cost=_decimal_or_none(row.get("min_annual_cost")),
            max_annual_cost=_decimal_or_none(row.get("max_annual_cost")),
            level=row.get("level"),
        )
        for row in rows
    ]


def approval_rules():
    return rules_from_rows(list_rows("approval_rules"))


def bank_calendar():
    """The Danish bank calendar plus the administrator's extra non-payment dates."""
    return BankCalendar(extra_dates=[row["date"] for row in list_rows("payment_date_exclusions")])


def required_level(section_key, service_id, annual_cost):
    """The approval level a measure needs under the administrator's current rules."""
    return evaluate(approval_rules(), approval_levels(), section_key, service_id, annual_cost)
