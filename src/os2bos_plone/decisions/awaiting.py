"""What awaits a user's decision, one item per activity, with what an approver decides on: the
child, the grant, the service, the measure's cost, the required level and the submission.

The one source of "Til godkendelse" and ``GET @bos-my-approvals``. The list, the child, the grant,
the service and the activity's total come from the catalog; only the listed activities are
woken, for what the catalog does not hold: the submission (workflow history) and the measure's
annual cost (its plans), the latter once per grant.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from DateTime import DateTime
from plone import api

from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.decisions.competence import awaiting
from os2bos_plone.decisions.competence import measure_annual_cost
from os2bos_plone.decisions.submit import submission_of
from os2bos_plone.engine import clock

ZERO = Decimal("0")


@dataclass(frozen=True)
class AwaitingItem:
    brain: object  # the activity's catalog brain
    required: object  # the required approval level (classification item)
    case: object | None  # the case's brain
    grant: object | None  # the appropriation's brain
    service: str
    annual: Decimal | None  # the measure's annual cost; None for an incomplete plan
    total: Decimal
    submitted_by: str
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


def awaiting_items(user, today=None):
    """[AwaitingItem] for ``user``: each activity once, however many levels the user holds."""
    found = awaiting(user)
    today = today or clock.today()
    cases = _brains_by_uid(CASE_TYPE, [brain.bos_case_uid for brain, _r in found])
    grants = _brains_by_uid(
        APPROPRIATION_TYPE, [brain.bos_appropriation_uid for brain, _r in found]
    )
    services, annual_by_grant, items, seen = {}, {}, [], set()
    for brain, required in found:
        if brain.UID in seen:
            continue
        seen.add(brain.UID)
        activity = brain.getObject()
        if brain.bos_service not in services:
            service = by_uid(brain.bos_service) if brain.bos_service else None
            services[brain.bos_service] = service.title if service is not None else ""
        grant_uid = brain.bos_appropriation_uid
        if grant_uid not in annual_by_grant:
            try:
                annual_by_grant[grant_uid] = measure_annual_cost(activity.__parent__, when=today)
            except Exception:  # noqa: BLE001 - an incomplete plan has no annual cost
                annual_by_grant[grant_uid] = None
        actor, moment, note = submission_of(activity) or ("", None, "")
        items.append(
            AwaitingItem(
                brain=brain,
                required=required,
                case=cases.get(brain.bos_case_uid),
                grant=grants.get(grant_uid),
                service=services[brain.bos_service],
                annual=annual_by_grant[grant_uid],
                total=total_of(brain),
                submitted_by=actor or "",
                submitted=moment,
                note=note,
            )
        )
    return items
