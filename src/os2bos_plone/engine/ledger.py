"""The year figures the manager overview reads, kept as running sums (plain Python).

A case *contributes* to each year the sums of its activities' stored figures, under keys:

- ``("total",)``: the whole municipality;
- ``("dim", name, value)``: one row of a cost table (section, service, team, case worker,
  provider, target group, effort step);
- ``("group", section, service, activity type)``: a budget line's figures;
- ``("open_step", step)``: the children on an effort step whose case is not closed (the effect
  table);
- ``("month", "YYYY-MM")``: the month-by-month figures.

Each value is ``(granted, expected, cases)``: Decimals, and 1 when the case has a non-zero
figure there (0 for groups and months, which count no cases). The ledger of a year is the sum
of all cases' contributions to it; a change of a case adds the difference between its new and
its old contribution. Sums of differences commute, which is why two transactions that changed
different cases can be merged (:func:`merge`) instead of one of them failing.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")

#: The cost tables' dimensions, in the order the overview shows them.
DIMENSIONS = (
    "section",
    "service",
    "team",
    "case_worker",
    "service_provider",
    "target_group",
    "effort_step",
)

#: Keys whose third component counts cases.
COUNTED = frozenset({"total", "dim", "open_step"})


@dataclass(frozen=True)
class ActivityFigures:
    """What one activity adds: its keys and its stored yearly and monthly figures (decimal
    strings as stored: ``{year: (granted, expected)}``, ``{"YYYY-MM": (granted, expected)}``)."""

    section: object
    service: object
    service_provider: object
    activity_type: object
    yearly: dict
    monthly: dict


@dataclass(frozen=True)
class CaseKeys:
    """The case's own dimensions (current values) and whether it is closed."""

    team: object = None
    case_worker: object = None
    target_group: object = None
    effort_step: object = None
    closed: bool = False


def contribution(case, activities):
    """{year: {key: (granted, expected, cases)}} of one case (``CaseKeys``) with its
    ``activities`` (``ActivityFigures``); zero entries are left out."""
    sums = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO, 0]))
    for activity in activities:
        values = {
            "section": activity.section,
            "service": activity.service,
            "team": case.team,
            "case_worker": case.case_worker,
            "service_provider": activity.service_provider,
            "target_group": case.target_group,
            "effort_step": case.effort_step,
        }
        keys = [("total",), *(("dim", name, values[name]) for name in DIMENSIONS)]
        keys.append(("group", activity.section, activity.service, activity.activity_type))
        if not case.closed:
            keys.append(("open_step", case.effort_step))
        for year, (granted, expected) in (activity.yearly or {}).items():
            granted, expected = Decimal(granted), Decimal(expected)
            if not (granted or expected):
                continue
            entries = sums[int(year)]
            for key in keys:
                entry = entries[key]
                entry[0] += granted
                entry[1] += expected
                if key[0] in COUNTED:
                    # Counted once per case, however many of its activities fall here.
                    entry[2] = 1
        for month, (granted, expected) in (activity.monthly or {}).items():
            granted, expected = Decimal(granted), Decimal(expected)
            if granted or expected:
                entry = sums[int(month[:4])][("month", month)]
                entry[0] += granted
                entry[1] += expected
    return {
        year: {key: tuple(value) for key, value in entries.items() if _nonzero(value)}
        for year, entries in sums.items()
    }


def _nonzero(value):
    return bool(value[0] or value[1] or value[2])


def difference(old, new):
    """{year: {key: (d_granted, d_expected, d_cases)}}: what turns ``old`` into ``new`` (both
    contributions); years and keys without a change are left out."""
    result = {}
    for year in set(old) | set(new):
        before, after = old.get(year, {}), new.get(year, {})
        changes = {}
        for key in set(before) | set(after):
            delta = _minus(after.get(key), before.get(key))
            if _nonzero(delta):
                changes[key] = delta
        if changes:
            result[year] = changes
    return result


def negated(contribution_):
    return {
        year: {key: _minus(None, value) for key, value in entries.items()}
        for year, entries in contribution_.items()
    }


def _minus(a, b):
    a = a or (ZERO, ZERO, 0)
    b = b or (ZERO, ZERO, 0)
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def add(values, changes):
    """``values`` ({key: triple}) with ``changes`` added, as a new dict; zero entries go."""
    result = dict(values)
    for key, delta in changes.items():
        value = _minus(result.get(key), _minus(None, delta))
        if _nonzero(value):
            result[key] = value
        else:
            result.pop(key, None)
    return result


def merge(old, saved, new):
    """Two transactions both changed a year's sums, starting from ``old``: ``saved`` is what
    the first committed, ``new`` what the second wants to commit. Since each only added its
    differences, the result is ``saved`` plus what the second added (``new - old``)."""
    return add(saved, difference({0: old}, {0: new}).get(0, {}))


def summed(contributions):
    """The sum of many contributions: {year: {key: triple}} (what the ledger must hold)."""
    total = {}
    for one in contributions:
        for year, entries in one.items():
            total[year] = add(total.get(year, {}), entries)
    return {year: values for year, values in total.items() if values}
