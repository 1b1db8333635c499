"""'Til godkendelse': what awaits the current user's decision (decisions.awaiting), one row per
activity, formatted for the screen, ``PAGE_SIZE`` rows a page with the total above them."""

from urllib.parse import urlencode

from plone import api

from os2bos_plone.browser.appropriation import format_moment
from os2bos_plone.browser.base import PagedView
from os2bos_plone.decisions.awaiting import PAGE_SIZE
from os2bos_plone.decisions.awaiting import awaiting_found
from os2bos_plone.decisions.awaiting import items_of
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.money import format_number


class MyApprovalsView(PagedView):
    page_size = PAGE_SIZE
    _page_found = None

    def update(self):
        """The requested page of what awaits the user (the competence filter runs over the
        brains; only the page's items are built)."""
        if self._page_found is None:
            self._page_found = self.paginate(awaiting_found(api.user.get_current()))

    def url(self, **changes):
        params = {name: value for name, value in changes.items() if value and value != "1"}
        base = f"{self.context.absolute_url()}/@@bos-my-approvals"
        return f"{base}?{urlencode(params)}" if params else base

    def total(self):
        self.update()
        return self.total_count

    def shown(self):
        """{first, last, total} of the page, numbers written the Danish way (1.266)."""
        self.update()
        first = (self.page - 1) * self.page_size
        return {
            "first": format_number(first + 1, 0),
            "last": format_number(first + len(self._page_found), 0),
            "total": format_number(self.total_count, 0),
        }

    def items(self):
        self.update()
        rows = []
        for item in items_of(self._page_found):
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
                    "case_worker": item.case_worker_name,
                    "submitted_by": item.submitted_by_name,
                    "submitted": format_moment(item.submitted),
                    "note": item.note,
                }
            )
        return rows
