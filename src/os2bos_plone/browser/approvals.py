"""'Til godkendelse': what awaits the current user's decision, with each case's figures."""

from plone import api
from Products.Five.browser import BrowserView

from os2bos_plone.decisions.competence import awaiting
from os2bos_plone.engine.formatting import format_date


class MyApprovalsView(BrowserView):
    def items(self):
        rows = []
        for brain, required in awaiting(api.user.get_current()):
            appropriation_url = brain.getURL().rsplit("/", 1)[0]
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "appropriation_url": appropriation_url,
                    "level": required.title,
                    "committee": required.committee,
                    "start": format_date(brain.bos_start_date) if brain.bos_start_date else "",
                    "case_worker": brain.bos_case_worker or "",
                }
            )
        return rows
