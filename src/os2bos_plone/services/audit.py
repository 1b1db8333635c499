"""GET @bos-audit?case=&user=&since=&until=: the read audit log, newest first (the
data-protection role, management, site administrators)."""

from plone.restapi.services import Service

from os2bos_plone.audit.search import parse_filters
from os2bos_plone.audit.search import search
from os2bos_plone.services.errors import validation_error

#: At most this many entries a page (``b_start`` pages on).
PAGE_SIZE = 100


class AuditGet(Service):
    def reply(self):
        filters, errors = parse_filters(self.request.form)
        if errors:
            return validation_error(self.request, errors)
        entries = search(filters)
        try:
            start = max(0, int(self.request.form.get("b_start") or 0))
        except (TypeError, ValueError):
            start = 0
        return {
            "items": entries[start : start + PAGE_SIZE],
            "items_total": len(entries),
            "b_start": start,
            "b_size": PAGE_SIZE,
        }
