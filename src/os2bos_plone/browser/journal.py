"""The "Journal" tab of a case: the append-only journal and the dated history of the case's
responsibility and assessment fields (read-only; registered in journal.zcml)."""

from Products.Five.browser import BrowserView

from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.content.letter import LETTER_SHA256
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.money import display_money
from os2bos_plone.journal.entries import ACTION_TITLES
from os2bos_plone.journal.entries import AMOUNT_LABELS
from os2bos_plone.journal.entries import HISTORY_FIELD_TITLES
from os2bos_plone.journal.handlers import _describe_case_value
from os2bos_plone.journal.history import case_history
from os2bos_plone.journal.storage import LOCAL_TIMEZONE
from os2bos_plone.journal.storage import entries as journal_entries


def local_time(value):
    """ "1. december 2025 kl. 14.03" in Europe/Copenhagen."""
    moment = value.astimezone(LOCAL_TIMEZONE)
    return f"{format_date(moment.date())} kl. {moment:%H.%M}"


def amount_lines(amounts):
    """["Beløb pr. betaling: 10.000,00 kr. → 12.000,00 kr.", ...] from an entry's amounts."""
    grouped = {}
    for key, value in amounts.items():
        name, _sep, side = key.rpartition("_")
        if side not in ("before", "after"):
            name, side = key, "value"
        grouped.setdefault(name, {})[side] = value
    lines = []
    for name, values in grouped.items():
        label = AMOUNT_LABELS.get(name, name)
        if "value" in values:
            lines.append(f"{label}: {display_money(values['value'])}")
        else:
            before, after = values.get("before"), values.get("after")
            lines.append(f"{label}: {display_money(before)} → {display_money(after)}")
    return lines


class JournalView(BrowserView):
    def __call__(self):
        # The journal table is wide; the navigation portlet column would cut it off.
        self.request.set("disable_plone.leftcolumn", 1)
        return self.index()

    def entries(self):
        case_url = self.context.absolute_url()
        rows = []
        for entry in journal_entries(self.context):
            obj = entry.object
            letter = by_uid(entry.letter) if entry.letter else None
            path = obj.get("path")
            rows.append(
                {
                    "id": entry.id,
                    "time": local_time(entry.time),
                    "iso_time": entry.time.isoformat(),
                    "actor": entry.actor_name or entry.actor,
                    "action": ACTION_TITLES.get(entry.action)
                    or entry.data.get("transition_title")
                    or entry.action,
                    "title": entry.title,
                    "object_title": obj.get("title") or "",
                    "object_url": f"{case_url}/{path}" if path else case_url,
                    "comment": entry.comment,
                    "amounts": amount_lines(entry.amounts),
                    "letter_url": letter.absolute_url() if letter is not None else None,
                    "letter_title": letter.Title() if letter is not None else None,
                    "letter_missing": bool(entry.letter) and letter is None,
                    "letter_sha256": entry.data.get(LETTER_SHA256) or None,
                }
            )
        return rows

    def history(self):
        rows = []
        for record in reversed(case_history(self.context)):
            field = record["field"]
            rows.append(
                {
                    "time": local_time(record["time"]),
                    "actor": user_name(record["actor"]),
                    "field": HISTORY_FIELD_TITLES.get(field, field),
                    "old": _describe_case_value(field, record["old"]),
                    "new": _describe_case_value(field, record["new"]),
                }
            )
        return rows
