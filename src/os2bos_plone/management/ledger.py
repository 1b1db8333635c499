"""The running sums per year behind the manager overview (engine.ledger), kept up to date on
every change, so the overview reads a few objects instead of every activity's metadata.

Where they live: an OOBTree {year: YearFigures} in the portal's annotations; what each case
last contributed is kept on the case (``bos_contribution``), so a change adds only the case's
difference. Every change of figures passes ``payments.totals.refresh_totals``, which ends with
the ``FiguresRefreshed`` event of the appropriation; changes of the case itself (team, case
worker, target group, effort step, closing) and removals come through the subscribers below.

``rebuild()`` computes the whole ledger again from the catalog metadata (install, upgrade, and
the check that the sums equal the payments); ``refresh_case`` brings one case up to date from
the same metadata, so there is one way to compute a contribution.
"""

import logging
from collections import defaultdict

import transaction
from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from plone import api
from zope.annotation.interfaces import IAnnotations

from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.engine import ledger as engine
from os2bos_plone.management.catalog_rows import clean
from os2bos_plone.management.catalog_rows import metadata_rows
from os2bos_plone.management.year_figures import YearFigures

logger = logging.getLogger("os2bos_plone.management")

LEDGER_KEY = "os2bos_plone.year_figures"

#: The attribute of a case holding what it last added to the ledger.
CONTRIBUTION = "bos_contribution"

CASE_COLUMNS = (
    "UID",
    "review_state",
    "bos_team",
    "bos_case_worker",
    "bos_target_group",
    "bos_effort_step",
)

ACTIVITY_COLUMNS = (
    "bos_case_uid",
    "bos_section",
    "bos_service",
    "bos_service_provider",
    "bos_activity_type",
    "bos_yearly_totals",
    "bos_monthly_totals",
)

CLOSED = "closed"


def _portal():
    return api.portal.get()


def ledger(portal=None):
    """The {year: YearFigures} tree, or None on a site not upgraded to it yet."""
    portal = portal if portal is not None else _portal()
    return IAnnotations(portal).get(LEDGER_KEY)


def year_values(year, portal=None):
    """{key: (granted, expected, cases)} of ``year`` (empty when nothing falls in it); None
    when the site has no ledger."""
    tree = ledger(portal)
    if tree is None:
        return None
    flush()
    figures = tree.get(year)
    return figures.figures() if figures is not None else {}


def years(portal=None):
    """The years with figures, oldest first ([] without a ledger)."""
    tree = ledger(portal)
    if tree is None:
        return []
    flush()
    return [year for year, figures in tree.items() if figures.values]


def year_totals(year, portal=None):
    """(granted, expected) of all activities in ``year``, or None without a ledger."""
    values = year_values(year, portal)
    if values is None:
        return None
    granted, expected, _cases = values.get(("total",), (engine.ZERO, engine.ZERO, 0))
    return granted, expected


# -- computing a contribution --------------------------------------------------------------


def _activity_figures(values):
    (_case, section, service, provider, kind, yearly, monthly) = values
    return engine.ActivityFigures(
        section=clean(section),
        service=clean(service),
        service_provider=clean(provider),
        activity_type=clean(kind),
        yearly=clean(yearly) or {},
        monthly=clean(monthly) or {},
    )


def _case_keys(case):
    return engine.CaseKeys(
        team=clean(getattr(aq_base(case), "team", None)),
        case_worker=clean(getattr(aq_base(case), "case_worker", None)),
        target_group=clean(getattr(aq_base(case), "target_group", None)),
        effort_step=clean(getattr(aq_base(case), "effort_step", None)),
        closed=api.content.get_state(case, default=None) == CLOSED,
    )


def contribution_of(case):
    """What ``case`` adds to the ledger now, from its activities' catalog metadata (a search
    first indexes what this transaction queued, so the figures just stored are seen)."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type=ACTIVITY_TYPE, bos_case_uid=case.UID())
    activities = [
        _activity_figures(tuple(getattr(brain, name, None) for name in ACTIVITY_COLUMNS))
        for brain in brains
    ]
    return engine.contribution(_case_keys(case), activities)


# -- keeping it up to date -------------------------------------------------------------------


def _apply(tree, changes):
    for year, deltas in changes.items():
        figures = tree.get(year)
        if figures is None:
            figures = tree[year] = YearFigures()
        figures.apply(deltas)


class _Pending:
    """The cases this transaction changed, refreshed once each before it commits (or when
    the ledger is read): a decision that touches five activities refreshes its case once."""

    def __init__(self):
        self.cases = {}


def _pending(create=False):
    current = transaction.get()
    try:
        return current.data(_Pending)
    except KeyError:
        if not create:
            return None
    pending = _Pending()
    current.set_data(_Pending, pending)
    current.addBeforeCommitHook(flush)
    return pending


def case_changed_now(case):
    """Note that ``case``'s figures or keys changed in this transaction."""
    if case is None or ledger() is None:
        return
    _pending(create=True).cases["/".join(case.getPhysicalPath())] = case


def flush():
    """Refresh every case this transaction changed (before commit, and before a read)."""
    pending = _pending()
    while pending is not None and pending.cases:
        _path, case = pending.cases.popitem()
        refresh_case(case)


def refresh_case(case):
    """Bring the ledger up to date with ``case``: add the difference between what it
    contributes now and what it contributed before."""
    tree = ledger()
    if tree is None or case is None:
        return
    before = getattr(aq_base(case), CONTRIBUTION, None) or {}
    after = contribution_of(case)
    changes = engine.difference(before, after)
    if changes:
        _apply(tree, changes)
    if after != before:
        setattr(case, CONTRIBUTION, after)


def remove_case(case):
    """The case is gone: take back what it contributed."""
    pending = _pending()
    if pending is not None:
        pending.cases.pop("/".join(case.getPhysicalPath()), None)
    tree = ledger()
    before = getattr(aq_base(case), CONTRIBUTION, None)
    if tree is None or not before:
        return
    _apply(tree, engine.negated(before))
    setattr(case, CONTRIBUTION, {})


# -- computing it all again ------------------------------------------------------------------


def contributions_from_catalog(catalog):
    """{case path: contribution} of every case, from the catalog metadata alone."""
    cases = {}
    for path, (uid, *values) in metadata_rows(catalog, CASE_TYPE, CASE_COLUMNS):
        cases[uid] = (path, *values)
    activities = defaultdict(list)
    for _path, values in metadata_rows(catalog, ACTIVITY_TYPE, ACTIVITY_COLUMNS):
        activities[values[0]].append(_activity_figures(values))
    result = {}
    for uid, (path, state, team, worker, target_group, step) in cases.items():
        keys = engine.CaseKeys(
            team=team,
            case_worker=worker,
            target_group=target_group,
            effort_step=step,
            closed=state == CLOSED,
        )
        result[path] = engine.contribution(keys, activities.get(uid, ()))
    return result


def rebuild(portal=None, store_on_cases=True, commit_every=None, checkpoint=None, progress=None):
    """Compute the ledger again from the catalog and replace it; with ``store_on_cases`` also
    every case's contribution (needed once, so later changes add differences), calling
    ``checkpoint`` (a commit) every ``commit_every`` cases. Returns the new tree."""
    portal = portal if portal is not None else _portal()
    catalog = api.portal.get_tool("portal_catalog")
    contributions = contributions_from_catalog(catalog)
    tree = OOBTree()
    for year, values in engine.summed(contributions.values()).items():
        tree[year] = YearFigures(values)
    IAnnotations(portal)[LEDGER_KEY] = tree
    if store_on_cases:
        for number, (path, contribution) in enumerate(contributions.items(), start=1):
            case = portal.unrestrictedTraverse(path)
            if getattr(aq_base(case), CONTRIBUTION, None) != contribution:
                setattr(case, CONTRIBUTION, contribution)
            if checkpoint and commit_every and number % commit_every == 0:
                checkpoint()
                if progress:
                    progress(f"  {number} sager")
    logger.info("Year figures rebuilt: %d cases, years %s", len(contributions), list(tree.keys()))
    return tree


def differences_from_catalog(portal=None):
    """{year: {key: (stored - computed)}} where the ledger differs from a fresh computation
    from the catalog (empty when they agree): the check behind the tests and the upgrade."""
    flush()
    tree = ledger(portal)
    stored = {year: figures.figures() for year, figures in (tree or {}).items()}
    catalog = api.portal.get_tool("portal_catalog")
    computed = engine.summed(contributions_from_catalog(catalog).values())
    return engine.difference(computed, stored)


# -- subscribers -----------------------------------------------------------------------------


def figures_refreshed(appropriation, event):
    case_changed_now(case_of(appropriation))


def case_changed(case, event):
    case_changed_now(case)


def case_removed(case, event):
    remove_case(case)


def appropriation_removed(appropriation, event):
    parent = event.oldParent
    if getattr(parent, "portal_type", None) == CASE_TYPE:
        case_changed_now(parent)
