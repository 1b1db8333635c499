"""'Til godkendelse': what awaits the current user's decision, one row per activity with the
child, the grant, the service, the measure's cost, the required level and the submission.

The list, the child, the grant, the service and the activity's total come from the catalog
(brains and their metadata); only the activities listed are woken, for what the catalog does not
hold: the submission (workflow history) and the measure's annual cost (its plans), the latter once
per grant.
"""

from decimal import Decimal

from plone import api
from Products.Five.browser import BrowserView

from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.browser.appropriation import format_moment
from os2bos_plone.browser.appropriation import full_name
from os2bos_plone.browser.appropriation import submission_of
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.decisions.competence import awaiting
from os2bos_plone.decisions.competence import measure_annual_cost
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.money import format_money

ZERO = Decimal("0")


def total_of(brain):
    """The activity's expected cost over all years, from the ``bos_yearly_totals`` column (an
    expected activity's applicable payments, as GET <activity>/@bos-costs totals them)."""
    return sum(
        (Decimal(expected) for _granted, expected in (brain.bos_yearly_totals or {}).values()),
        ZERO,
    )


class MyApprovalsView(BrowserView):
    def _brains_by_uid(self, portal_type, uids):
        uids = [uid for uid in set(uids) if uid]
        if not uids:
            return {}
        catalog = api.portal.get_tool("portal_catalog")
        return {
            brain.UID: brain
            for brain in catalog.unrestrictedSearchResults(portal_type=portal_type, UID=uids)
        }

    def items(self):
        found = awaiting(api.user.get_current())
        cases = self._brains_by_uid(CASE_TYPE, [brain.bos_case_uid for brain, _r in found])
        grants = self._brains_by_uid(
            APPROPRIATION_TYPE, [brain.bos_appropriation_uid for brain, _r in found]
        )
        services = {}
        annual_by_grant = {}
        today = clock.today()
        rows = []
        seen = set()
        for brain, required in found:
            if brain.UID in seen:  # one row per activity, however many levels the user holds
                continue
            seen.add(brain.UID)
            activity = brain.getObject()
            appropriation_url = brain.getURL().rsplit("/", 1)[0]
            case = cases.get(brain.bos_case_uid)
            grant = grants.get(brain.bos_appropriation_uid)
            if brain.bos_service not in services:
                service = by_uid(brain.bos_service) if brain.bos_service else None
                services[brain.bos_service] = service.title if service is not None else ""
            grant_uid = brain.bos_appropriation_uid
            if grant_uid not in annual_by_grant:
                try:
                    annual_by_grant[grant_uid] = measure_annual_cost(
                        activity.__parent__, when=today
                    )
                except Exception:  # noqa: BLE001 - an incomplete plan has no annual cost
                    annual_by_grant[grant_uid] = None
            annual = annual_by_grant[grant_uid]
            submission = submission_of(activity)
            actor, moment, note = submission if submission else ("", None, "")
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "appropriation_url": appropriation_url,
                    "child": case.Title if case is not None else "",
                    "case_url": case.getURL() if case is not None else "",
                    "case_sbsys_id": (case.bos_sbsys_id or "") if case is not None else "",
                    "grant": (grant.bos_sbsys_id or grant.Title) if grant is not None else "",
                    "service": services[brain.bos_service],
                    "annual": format_money(annual) if annual is not None else "–",
                    "total": format_money(total_of(brain)),
                    "level": required.title,
                    "committee": required.committee,
                    "start": format_date(brain.bos_start_date) if brain.bos_start_date else "",
                    "case_worker": full_name(brain.bos_case_worker),
                    "submitted_by": full_name(actor),
                    "submitted": format_moment(moment),
                    "note": note,
                }
            )
        return rows
