"""Budgets against the forecast: lines per section or account and their status."""

from decimal import Decimal

from plone import api

from os2bos_plone.classification.reader import by_uid
from os2bos_plone.content.budget import BUDGET_TYPE
from os2bos_plone.management.figures import HUNDRED
from os2bos_plone.management.figures import ZERO

#: Budget status when the forecast reaches this share of the budget (and not above it).
NEAR_BUDGET_PCT = Decimal("95")


def budget_for(year):
    """The budget object of ``year`` (None when management has not made one)."""
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type=BUDGET_TYPE):
        budget = brain._unrestrictedGetObject()
        if getattr(budget, "year", None) == year:
            return budget
    return None


def budget_status(budget, forecast):
    """ "over", "near" or "under" (forecast against budget); "none" without a budget."""
    if budget is None:
        return "none"
    if forecast > budget:
        return "over"
    if budget and forecast * HUNDRED >= budget * NEAR_BUDGET_PCT:
        return "near"
    return "under"


def deviation(budget, forecast):
    """(forecast - budget, that in % of the budget or None, forecast in % of the budget)."""
    if budget is None:
        return None, None, None
    difference = forecast - budget
    if not budget:
        return difference, None, None
    return difference, difference * HUNDRED / budget, forecast * HUNDRED / budget


class _Accounts:
    """The account number of an activity: its service's row for the appropriation's section,
    main account for main activities, the supplementary account for supplementary ones."""

    def __init__(self):
        self._rows = {}

    def __call__(self, service_uid, section_key, activity_type):
        if service_uid not in self._rows:
            service = by_uid(service_uid)
            self._rows[service_uid] = {
                row.get("section"): row for row in getattr(service, "sections", None) or []
            }
        row = self._rows[service_uid].get(section_key) or {}
        if activity_type == "supplementary":
            return row.get("supplementary_main_account_number") or row.get("main_account_number")
        return row.get("main_account_number")


def budget_lines(budget, overview, section_keys):
    """Budget against forecast per budget line.

    Each activity group (section, service, activity type) counts on the first line that matches:
    account lines first (the more specific), then section lines; what no line matches is
    returned as ``unbudgeted``. ``section_keys`` maps section UIDs to keys.

    Returns (lines, unbudgeted [granted, expected]); each line a dict with section, account,
    note, budget, granted, expected.
    """
    raw = [dict(line) for line in getattr(budget, "lines", None) or []] if budget else []
    lines = [
        {
            "section": (line.get("section") or "").strip() or None,
            "account": (line.get("account") or "").strip() or None,
            "note": line.get("note") or "",
            "budget": Decimal(str(line.get("amount") or 0)),
            "granted": ZERO,
            "expected": ZERO,
        }
        for line in raw
    ]
    by_account = {}
    by_section = {}
    for line in lines:
        if line["account"]:
            by_account.setdefault(line["account"], line)
        elif line["section"]:
            by_section.setdefault(line["section"], line)
    accounts = _Accounts() if by_account else None
    unbudgeted = [ZERO, ZERO]
    for (section_uid, service_uid, activity_type), (granted, expected) in overview.groups.items():
        section_key = section_keys.get(section_uid)
        line = None
        if accounts is not None and service_uid:
            line = by_account.get(accounts(service_uid, section_key, activity_type))
        if line is None:
            line = by_section.get(section_key)
        target = unbudgeted if line is None else None
        if target is not None:
            target[0] += granted
            target[1] += expected
        else:
            line["granted"] += granted
            line["expected"] += expected
    return lines, unbudgeted


#: The worst status first: the headline shows the worst line's status.
_SEVERITY = {"over": 3, "near": 2, "under": 1, "none": 0}


def headline_status(total_status, line_statuses):
    """The status of the budget's headline: the worse of the total's and every line's status.

    A budget whose total is within the budget while one line stands far above its own amount
    is not "within budget": the headline is over budget if any line is, close to the budget if
    any line is (and none over). Lines without a budget ("none") do not lower it.
    """
    statuses = [total_status, *line_statuses]
    worst = max(statuses, key=lambda status: _SEVERITY.get(status, 0), default="none")
    return worst if worst in _SEVERITY else "none"
