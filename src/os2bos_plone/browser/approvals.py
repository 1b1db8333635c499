"""'Til godkendelse': what awaits the current user's decision (decisions.awaiting), one row per
activity, formatted for the screen."""

from plone import api
from Products.Five.browser import BrowserView

from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.browser.appropriation import format_moment
from os2bos_plone.decisions.awaiting import awaiting_items
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.money import format_money


class MyApprovalsView(BrowserView):
    def items(self):
        rows = []
        for item in awaiting_items(api.user.get_current()):
            brain, case, grant = item.brain, item.case, item.grant
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "appropriation_url": brain.getURL().rsplit("/", 1)[0],
                    "child": case.Title if case is not None else "",
                    "case_url": case.getURL() if case is not None else "",
                    "case_sbsys_id": (case.bos_sbsys_id or "") if case is not None else "",
                    "grant": (grant.bos_sbsys_id or grant.Title) if grant is not None else "",
                    "service": item.service,
                    "annual": format_money(item.annual) if item.annual is not None else "–",
                    "total": format_money(item.total),
                    "level": item.required.title,
                    "committee": item.required.committee,
                    "start": format_date(item.start) if item.start else "",
                    "case_worker": user_name(brain.bos_case_worker),
                    "submitted_by": user_name(item.submitted_by),
                    "submitted": format_moment(item.submitted),
                    "note": item.note,
                }
            )
        return rows
