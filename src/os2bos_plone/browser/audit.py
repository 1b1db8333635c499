"""@@bos-audit: who read which case (the read audit log), searched by case, user and period,
newest first, 100 a page, and exported as CSV (``?format=csv``)."""

from datetime import datetime
from urllib.parse import urlencode

from os2bos_plone.audit import log
from os2bos_plone.audit.search import parse_filters
from os2bos_plone.audit.search import search
from os2bos_plone.audit.search import to_csv
from os2bos_plone.browser.base import PagedView
from os2bos_plone.browser.containers import user_names
from os2bos_plone.browser.journal import local_time
from os2bos_plone.browser.widgets import danish_dates

#: The period's date fields and their labels (the form's text fields, 01.12.2026).
DATE_FIELDS = (("since", "Fra dato"), ("until", "Til dato"))


class AuditView(PagedView):
    page_size = 100
    missing = ""

    def __call__(self):
        self.request.set("disable_plone.leftcolumn", 1)
        self.update()
        if self.param("format") == "csv" and not self.errors:
            response = self.request.response
            data = to_csv(self.entries).encode("utf-8")
            response.setHeader("Content-Type", "text/csv; charset=utf-8")
            response.setHeader("Content-Disposition", 'attachment; filename="bos-audit.csv"')
            response.setHeader("Cache-Control", "private, no-store")
            return data
        return self.index()

    def update(self):
        form, date_errors = danish_dates(self.request.form, DATE_FIELDS)
        self.filters, errors = parse_filters(form)
        self.errors = date_errors + [error["message"] for error in errors]
        self.entries = [] if self.errors else search(self.filters)
        self.page_entries = self.paginate(self.entries)

    def form_value(self, name):
        value = self.filters.get(name)
        return value.isoformat() if hasattr(value, "isoformat") else (value or "")

    def url(self, **changes):
        params = {name: self.form_value(name) for name in ("case", "user", "since", "until")}
        params.update(changes)
        params = {name: value for name, value in params.items() if value}
        base = f"{self.context.absolute_url()}/@@bos-audit"
        return f"{base}?{urlencode(params)}" if params else base

    def csv_url(self):
        return self.url(format="csv", page=None)

    def rows(self):
        names = user_names()
        rows = []
        for entry in self.page_entries:
            rows.append(
                {
                    "time": local_time_text(entry.get("time")),
                    "user": names(entry.get("user")) if entry.get("user") else "",
                    "user_id": entry.get("user", ""),
                    "case_sbsys": entry.get("case_sbsys", ""),
                    "case": entry.get("case", ""),
                    "what": log.WHAT_TITLES.get(entry.get("what"), entry.get("what", "")),
                    "detail": entry.get("detail", ""),
                }
            )
        return rows


def local_time_text(value):
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return local_time(moment)
