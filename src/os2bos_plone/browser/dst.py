"""@@bos-dst: Danmarks Statistik's deliveries (Manager, BOS Ledelse).

The form makes a delivery's file (a POST with the form token; the download is written to the
read audit log) and lists the real deliveries made. ``?since_last=<kind>`` presets the form to
the changes since that kind's last delivery: from its day to today, a delta load."""

from datetime import datetime

from plone import api
from plone.protect.authenticator import check

from os2bos_plone.audit.reads import export
from os2bos_plone.browser.base import BosView
from os2bos_plone.browser.containers import user_names
from os2bos_plone.browser.journal import local_time
from os2bos_plone.browser.widgets import danish_dates
from os2bos_plone.dst.deliveries import deliveries
from os2bos_plone.dst.deliveries import last_delivery
from os2bos_plone.dst.export import KIND_TITLES
from os2bos_plone.dst.export import MSG_NOTHING
from os2bos_plone.dst.export import MSG_SETTINGS
from os2bos_plone.dst.export import DstSettingsMissing
from os2bos_plone.dst.export import read_parameters
from os2bos_plone.dst.export import run
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date

#: The period's date fields and their labels (the form's text fields, 01.12.2026).
DATE_FIELDS = (("from_date", "Fra dato"), ("to_date", "Til dato"))


class DstView(BosView):
    def __call__(self):
        self.request.set("disable_plone.leftcolumn", 1)
        self.errors = []
        self.values = self.preset()
        if self.request.get("REQUEST_METHOD", "GET").upper() == "POST":
            check(self.request)
            answer = self.make_file()
            if answer is not None:
                return answer
        return self.index()

    def preset(self):
        """The form's values: the request's, or "since the last delivery" of a kind."""
        form = self.request.form
        kind = form.get("since_last") or form.get("kind") or "preventive"
        values = {
            "kind": kind if kind in KIND_TITLES else "preventive",
            "from_date": form.get("from_date", ""),
            "to_date": form.get("to_date", ""),
            "test": bool(form.get("test")) if "submitted" in form else True,
            "initial_load": bool(form.get("initial_load")),
        }
        if form.get("since_last") in KIND_TITLES:
            last = last_delivery(form["since_last"])
            values["from_date"] = last["time"][:10] if last else ""
            values["to_date"] = clock.today().isoformat()
            values["initial_load"] = False
            values["test"] = True
            self.preset_from = last
        return values

    def make_file(self):
        form = {
            "kind": self.values["kind"],
            "from_date": self.values["from_date"],
            "to_date": self.values["to_date"],
            "test": "true" if self.values["test"] else "false",
            "initial_load": "true" if self.values["initial_load"] else "false",
        }
        form, date_errors = danish_dates(form, DATE_FIELDS)
        kind, from_date, to_date, test, initial_load, errors = read_parameters(form)
        if date_errors or errors:
            self.errors = date_errors + [message for _field, message in errors]
            return None
        user = api.user.get_current()
        try:
            result = run(kind, from_date, to_date, test, initial_load, user.getId() or "")
        except DstSettingsMissing as error:
            self.errors = [MSG_SETTINGS, *error.problems]
            return None
        if not result.records:
            self.errors = [MSG_NOTHING]
            return None
        response = self.request.response
        response.setHeader("Content-Type", "application/xml; charset=utf-8")
        response.setHeader("Content-Disposition", f'attachment; filename="{result.filename}"')
        response.setHeader("Cache-Control", "private, no-store")
        export(result.case_count, f"@@bos-dst {result.filename}")
        return result.content

    def kinds(self):
        return [{"key": key, "title": title} for key, title in KIND_TITLES.items()]

    def since_last_url(self, kind):
        return f"{self.context.absolute_url()}/@@bos-dst?since_last={kind}"

    def rows(self):
        names = user_names()
        return [
            {
                "time": local_time(datetime.fromisoformat(item["time"])),
                "kind": KIND_TITLES.get(item["kind"], item["kind"]),
                "user": names(item["user"]) if item.get("user") else "",
                "period": " – ".join(
                    format_date(datetime.fromisoformat(item[name]).date()) if item.get(name) else ""
                    for name in ("from_date", "to_date")
                ),
                "filename": item["filename"],
                "initial_load": "Første indberetning" if item.get("initial_load") else "Ændringer",
                "count": item.get("count", 0),
            }
            for item in deliveries()
        ]
