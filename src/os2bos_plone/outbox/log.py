"""The mail log: every mail the product hands to the MailHost, sent or refused, kept in the site.

Entries live in an OOBTree on the portal's annotations, keyed by (ISO time, random id), so two
instances writing at the same moment add different keys and the BTree resolves the conflict; an
entry is written in the transaction that sends the mail, so a decision rolled back leaves neither
mail nor entry. "sent" means the MailHost accepted it (delivery happens at commit; an SMTP error
then is in the instance log), "not sent" that it refused it (no mail server, a bad address).
Entries are never changed or removed by the product.
"""

import uuid
from datetime import date

from BTrees.OOBTree import OOBTree

from os2bos_plone.adapters.site_records import site_record
from os2bos_plone.engine import clock

MAIL_LOG_KEY = "os2bos_plone.mail_log"


def now():
    # The real moment of sending, as the journal keeps it (not the product's clock).
    return clock.instant()


def record(to, subject, body, sent, kind="", error=""):
    """Keep one mail. ``kind`` says why it was sent (e.g. "payment_office", "decision")."""
    moment = now()
    entry = {
        "time": moment.isoformat(),
        "to": to or "",
        "subject": subject or "",
        "body": body or "",
        "sent": bool(sent),
        "kind": kind or "",
        "error": error or "",
    }
    site_record(MAIL_LOG_KEY, OOBTree)[(entry["time"], uuid.uuid4().hex)] = entry
    return entry


def entries(since=None, until=None):
    """The log's entries, newest first; ``since``/``until`` are dates (inclusive, UTC days)."""
    tree = site_record(MAIL_LOG_KEY)
    if tree is None:
        return []
    low = (since.isoformat(),) if since else None
    high = (until.isoformat() + "\uffff",) if until else None
    return [dict(entry) for entry in reversed(list(tree.values(min=low, max=high)))]


MSG_DATE = "Ugyldig dato. Angiv datoen som ÅÅÅÅ-MM-DD."


def parse_period(form):
    """(since, until, errors) from a request's form; dates as ÅÅÅÅ-MM-DD, both optional."""
    values, errors = {}, []
    for name in ("since", "until"):
        value = form.get(name)
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        value = value.strip() if isinstance(value, str) else ""
        values[name] = None
        if value:
            try:
                values[name] = date.fromisoformat(value)
            except ValueError:
                errors.append({"field": name, "message": MSG_DATE})
    return values["since"], values["until"], errors
