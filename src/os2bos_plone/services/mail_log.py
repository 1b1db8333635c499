"""GET @bos-mail-log?since=&until=: every mail the product sent or could not send, newest
first (Manager, BOS Økonomi)."""

from plone.restapi.services import Service

from os2bos_plone.outbox.log import entries
from os2bos_plone.outbox.log import parse_period
from os2bos_plone.services.errors import validation_error

FIELDS = ("time", "to", "subject", "body", "sent", "kind", "error")


class MailLogGet(Service):
    def reply(self):
        since, until, errors = parse_period(self.request.form)
        if errors:
            return validation_error(self.request, errors)
        items = [{name: entry.get(name) for name in FIELDS} for entry in entries(since, until)]
        return {"items": items, "items_total": len(items)}
