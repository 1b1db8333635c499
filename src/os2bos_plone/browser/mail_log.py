"""@@bos-mail-log: every mail the product sent or could not send (the payment office's and the
decisions' mails), newest first, 50 a page, filtered by period."""

from datetime import datetime
from urllib.parse import urlencode

from os2bos_plone.browser.base import PagedView
from os2bos_plone.browser.journal import local_time
from os2bos_plone.browser.widgets import danish_dates
from os2bos_plone.outbox.log import entries
from os2bos_plone.outbox.log import parse_period

#: The period's date fields and their labels (the form's text fields, 01.12.2026).
DATE_FIELDS = (("since", "Fra dato"), ("until", "Til dato"))

KIND_TITLES = {
    "payment_office": "Til betalingskontoret",
    "decision": "Afgørelse",
    "expired": "Udgået ydelse",
}


class MailLogView(PagedView):
    missing = ""

    def __call__(self):
        self.request.set("disable_plone.leftcolumn", 1)
        self.update()
        return self.index()

    def update(self):
        form, date_errors = danish_dates(self.request.form, DATE_FIELDS)
        self.since, self.until, errors = parse_period(form)
        self.errors = date_errors + [error["message"] for error in errors]
        self.page_entries = self.paginate([] if self.errors else entries(self.since, self.until))

    def form_value(self, name):
        value = getattr(self, name, None)
        return value.isoformat() if value else ""

    def url(self, **changes):
        params = {name: self.form_value(name) for name in ("since", "until")}
        params.update(changes)
        params = {name: value for name, value in params.items() if value}
        base = f"{self.context.absolute_url()}/@@bos-mail-log"
        return f"{base}?{urlencode(params)}" if params else base

    def rows(self):
        return [
            {
                "time": local_time(datetime.fromisoformat(entry["time"])),
                "to": entry.get("to", ""),
                "subject": entry.get("subject", ""),
                "body": entry.get("body", ""),
                "sent": entry.get("sent"),
                "kind": KIND_TITLES.get(entry.get("kind"), entry.get("kind", "")),
                "error": entry.get("error", ""),
            }
            for entry in self.page_entries
        ]
