"""@bos-journal and @bos-history on a case (read-only; registered in journal.zcml).

GET <case>/@bos-journal[?limit=n]  -> {"@id", "items": [...], "items_total": n}, newest first.
    Each item: id, time (UTC, ISO 8601), local_time (Europe/Copenhagen), actor, actor_name,
    action, action_title, title, object ({uid, path, title, portal_type, @id}), comment,
    amounts ({key: "123.45"}), letter (UID or null), letter_url, letter_sha256 (the hex SHA-256
    of the letter's PDF as stored with the decision, or null), data.
GET <case>/@bos-history            -> {"@id", "items": [{time, actor, field, old, new}, ...]}.

There is no POST, PATCH or DELETE: the journal is append-only (see os2bos_plone.journal).
"""

from plone.restapi.services import Service

from os2bos_plone.classification.reader import by_uid
from os2bos_plone.content.letter import LETTER_SHA256
from os2bos_plone.journal.entries import ACTION_TITLES
from os2bos_plone.journal.history import case_history
from os2bos_plone.journal.storage import entries
from os2bos_plone.journal.storage import entries_total
from os2bos_plone.services.errors import validation_error

MSG_BAD_LIMIT = "limit skal være et positivt heltal."


def _url(case, path):
    return f"{case.absolute_url()}/{path}" if path else case.absolute_url()


def entry_json(case, entry):
    item = entry.as_dict()
    item["time"] = entry.time.isoformat()
    item["local_time"] = entry.local_time.isoformat()
    item["action_title"] = ACTION_TITLES.get(entry.action) or item["data"].get(
        "transition_title", entry.action
    )
    if item["object"]:
        item["object"]["@id"] = _url(case, item["object"].get("path"))
    letter = by_uid(entry.letter) if entry.letter else None
    item["letter_url"] = letter.absolute_url() if letter is not None else None
    item["letter_sha256"] = item["data"].get(LETTER_SHA256) or None
    return item


class JournalGet(Service):
    def reply(self):
        limit = self.request.form.get("limit")
        if limit not in (None, ""):
            try:
                limit = int(limit)
            except ValueError:
                limit = 0
            if limit < 1:
                return validation_error(self.request, [("limit", MSG_BAD_LIMIT)])
        else:
            limit = None
        items = [entry_json(self.context, entry) for entry in entries(self.context, limit)]
        return {
            "@id": f"{self.context.absolute_url()}/@bos-journal",
            "items": items,
            "items_total": entries_total(self.context),
        }


class HistoryGet(Service):
    def reply(self):
        items = [
            {**record, "time": record["time"].isoformat()} for record in case_history(self.context)
        ]
        return {
            "@id": f"{self.context.absolute_url()}/@bos-history",
            "items": items,
            "items_total": len(items),
        }
