"""What awaits a user's decision, one item per activity, with what an approver decides on: the
child, the grant, the service, the measure's cost, the required level and the submission.

The one source of "Til godkendelse" and ``GET @bos-my-approvals``. Everything comes from the
catalog, and no activity is woken: the submission (who, when, the note) and the measure's
annual cost as the approval rule was given it at the submission are metadata columns
(indexers.catalog, filled when the activity is submitted). Both doors page: the competence
filter runs over the brains (decisions.competence.awaiting), items are built for one page.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from DateTime import DateTime
from plone import api

from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.decisions.competence import awaiting

#: Items on one page of the screen.
PAGE_SIZE = 50

ZERO = Decimal("0")


@dataclass(frozen=True)
class AwaitingItem:
    brain: object  # the activity's catalog brain
    required: object  # the required approval level (classification item)
    case: object | None  # the case's brain
    grant: object | None  # the appropriation's brain
    service: str
    annual: Decimal | None  # the measure's annual cost the rule used; None if not recorded
    total: Decimal
    submitted_by: str  # user id
    submitted_by_name: str  # full name (or the id)
    case_worker_name: str
    submitted: DateTime | None
    note: str

    @property
    def start(self) -> date | None:
        return self.brain.bos_start_date or None


def total_of(brain):
    """The activity's expected cost over all years, from the ``bos_yearly_totals`` column (an
    expected activity's applicable payments, as GET <activity>/@bos-costs totals them)."""
    return sum(
        (Decimal(expected) for _granted, expected in (brain.bos_yearly_totals or {}).values()),
        ZERO,
    )


def _brains_by_uid(portal_type, uids):
    uids = [uid for uid in set(uids) if uid]
    if not uids:
        return {}
    catalog = api.portal.get_tool("portal_catalog")
    return {
        brain.UID: brain
        for brain in catalog.unrestrictedSearchResults(portal_type=portal_type, UID=uids)
    }


class _Names:
    """Full names of user ids, each member looked up once per listing (a few case workers
    submit hundreds of activities)."""

    def __init__(self):
        self._names = {}

    def __call__(self, user_id):
        if user_id not in self._names:
            self._names[user_id] = user_name(user_id)
        return self._names[user_id]


def _column(brain, name, kind):
    """A metadata value of type ``kind``, or None (an empty or missing column)."""
    value = getattr(brain, name, None)
    return value if isinstance(value, kind) else None


def annual_of(brain):
    cost = _column(brain, "bos_submitted_annual_cost", str)
    return Decimal(cost) if cost else None


def items_of(found):
    """[AwaitingItem] for ``found`` (``[(brain, required level)]``), from brains alone."""
    cases = _brains_by_uid(CASE_TYPE, [brain.bos_case_uid for brain, _r in found])
    grants = _brains_by_uid(
        APPROPRIATION_TYPE, [brain.bos_appropriation_uid for brain, _r in found]
    )
    names, services, items, seen = _Names(), {}, [], set()
    for brain, required in found:
        if brain.UID in seen:
            continue
        seen.add(brain.UID)
        if brain.bos_service not in services:
            service = by_uid(brain.bos_service) if brain.bos_service else None
            services[brain.bos_service] = service.title if service is not None else ""
        submitted_by = _column(brain, "bos_submitted_by", str) or ""
        items.append(
            AwaitingItem(
                brain=brain,
                required=required,
                case=cases.get(brain.bos_case_uid),
                grant=grants.get(brain.bos_appropriation_uid),
                service=services[brain.bos_service],
                annual=annual_of(brain),
                total=total_of(brain),
                submitted_by=submitted_by,
                submitted_by_name=names(submitted_by),
                case_worker_name=names(brain.bos_case_worker),
                submitted=_column(brain, "bos_submitted", DateTime),
                note=_column(brain, "bos_submission_note", str) or "",
            )
        )
    return items


def awaiting_found(user):
    """``[(brain, required level)]`` awaiting ``user``, each activity once (newest first)."""
    found, seen = [], set()
    for brain, required in awaiting(user):
        if brain.UID not in seen:
            seen.add(brain.UID)
            found.append((brain, required))
    return found


def awaiting_items(user):
    """[AwaitingItem] for ``user``: each activity once, however many levels the user holds."""
    return items_of(awaiting_found(user))


def awaiting_page(user, start=0, size=PAGE_SIZE):
    """``(items, total)``: the items ``start`` to ``start + size`` and how many there are."""
    found = awaiting_found(user)
    start = max(0, min(start, len(found)))
    return items_of(found[start : start + size]), len(found)
