"""The deliveries made to Danmarks Statistik (test=false): what, when, who, the period and the
file name, newest last, on the site's annotation. Deliveries are a few a month, so one small
persistent list is enough. The XML itself (CPR numbers) is not kept."""

from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

from os2bos_plone.adapters.site_records import site_record

KEY = "os2bos_plone.dst_deliveries"


def record(kind, time, user, from_date, to_date, filename, initial_load, count):
    """Keep one delivery."""
    site_record(KEY, PersistentList).append(
        PersistentMapping(
            {
                "kind": kind,
                "time": time.isoformat(),
                "user": user,
                "from_date": from_date.isoformat() if from_date else "",
                "to_date": to_date.isoformat() if to_date else "",
                "filename": filename,
                "initial_load": bool(initial_load),
                "count": count,
            }
        )
    )


def deliveries(kind=None):
    """The deliveries as plain dicts, newest first (of one kind, or all)."""
    items = [dict(item) for item in site_record(KEY) or ()]
    if kind:
        items = [item for item in items if item["kind"] == kind]
    return list(reversed(items))


def last_delivery(kind):
    found = deliveries(kind)
    return found[0] if found else None
