"""Builders for the journal tests: content made in-process, and a PDF text reader."""

import itertools
import re
import uuid
import zlib
from datetime import date
from decimal import Decimal

from plone import api
from plone.dexterity.utils import createContentInContainer
from plone.uuid.interfaces import IUUID
from zope.event import notify

from os2bos_plone.classification.reader import by_key
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.engine import clock
from os2bos_plone.journal.storage import entries

_serial = itertools.count(1)

CHILD_NAME = "Ærlige Øjvind Ågård"
CPR = "010118-1234"
PROVIDER_CVR = "97643024"  # a fictional provider of the seed


def sbsys(prefix="27.24.00-G01"):
    return f"{prefix}-{next(_serial)}-{uuid.uuid4().hex[:6]}"


def uid_of(portal_type, key):
    obj = by_key(portal_type, key)
    assert obj is not None, (portal_type, key)
    return IUUID(obj)


def make_case(portal, **fields):
    values = {
        "sbsys_id": sbsys(),
        "cpr_number": CPR,
        "title": CHILD_NAME,
        "target_group": "familie",
        "district": "nord",
        "effort_step": 3,
        "scaling_step": 5,
        "paying_municipality": "151",
        "acting_municipality": "151",
        "residence_municipality": "101",
    }
    values.update(fields)
    return createContentInContainer(portal["sager"], "bos_case", **values)


def make_appropriation(case, section="BL-32-1.5", **fields):
    return createContentInContainer(
        case,
        "bos_appropriation",
        sbsys_id=fields.pop("sbsys_id", None) or sbsys("27.24.00-G01-A"),
        section=uid_of("bos_section", section),
        **fields,
    )


def this_year():
    return clock.today().year


def main_fields(**changes):
    """Family treatment, 10.000,00 kr. on the 1st of each month of this year, invoiced."""
    year = this_year()
    fields = {
        "service": uid_of("bos_service", "100206"),
        "activity_type": "main",
        "start_date": date(year, 1, 1),
        "end_date": date(year, 12, 31),
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 1,
        "payment_cost_type": "fixed",
        "payment_amount": Decimal("10000.00"),
        "recipient_type": "company",
        "recipient_id": PROVIDER_CVR,
        "recipient_name": "Kompasrosen",
        "service_provider": uid_of("bos_service_provider", PROVIDER_CVR),
        "payment_method": "invoice",
    }
    fields.update(changes)
    return fields


def internal_main_fields(**changes):
    """The main activity paid internally (no provider, so no VAT factor): 10.000,00 kr."""
    values = {
        "service_provider": None,
        "recipient_type": "internal",
        "recipient_id": "familiehuset",
        "recipient_name": "Familiehuset",
        "payment_method": "internal",
    }
    values.update(changes)
    return main_fields(**values)


def supplementary_fields(**changes):
    """Leisure activities, 500 kr. on the 15th of each month from March, internal."""
    year = this_year()
    fields = {
        "service": uid_of("bos_service", "100108"),
        "activity_type": "supplementary",
        "start_date": date(year, 3, 1),
        "end_date": date(year, 12, 31),
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 15,
        "payment_cost_type": "fixed",
        "payment_amount": Decimal("500"),
        "recipient_type": "internal",
        "recipient_id": "fritid",
        "recipient_name": "Fritidsklubben",
        "payment_method": "internal",
    }
    fields.update(changes)
    return fields


def make_activity(appropriation, **fields):
    return createContentInContainer(appropriation, "bos_activity", **fields)


def entries_with(case, action):

    return [entry for entry in entries(case) if entry.action == action]


def grant_decision(
    appropriation, granted, level="teamleder", note="Bevilget på teammødet", merges=()
):
    """Grant through grants.grant and make sure the decision event is fired exactly once: the
    grant service fires IActivitiesGranted itself once the lead has wired it."""
    from os2bos_plone.adapters.lookup import case_of
    from os2bos_plone.decisions.events import ActivitiesGranted

    case = case_of(appropriation)
    before = len(entries_with(case, "activities_granted"))
    user = api.user.get_current()
    uids = [IUUID(a) for a in granted]
    parameters = DecisionParameters(approval_level=level, note=note)
    result = grant(appropriation, uids, parameters, user=user)
    assert result.ok, result.errors
    if len(entries_with(case, "activities_granted")) == before:
        level_obj = by_key("bos_approval_level", level)
        by_uid = {IUUID(a): a for a in appropriation.objectValues()}
        notify(
            ActivitiesGranted(
                appropriation,
                [by_uid[uid] for uid in result.granted if uid in by_uid],
                {
                    "approval_level": level,
                    "approval_level_title": level_obj.title,
                    "approval_note": note,
                    "approval_user": user.getId(),
                    "appropriation_date": clock.today(),
                    "meeting_date": None,
                    "decision_reference": "",
                    "decision_text": "",
                    "merges": list(merges),
                    "end_date_changes": {},
                },
            )
        )
    return result


# -- mails ---------------------------------------------------------------------------------------
def parsed(message):
    """(To, Subject, body text) of a message the MockMailHost kept."""
    import email
    from email.header import decode_header
    from email.header import make_header

    if isinstance(message, bytes):
        parsed_message = email.message_from_bytes(message)
    else:
        parsed_message = email.message_from_string(message)
    subject = str(make_header(decode_header(parsed_message["Subject"])))
    payload = parsed_message.get_payload(decode=True)
    charset = parsed_message.get_content_charset() or "utf-8"
    return parsed_message["To"], subject, payload.decode(charset)


# -- reading a PDF without a PDF library -------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw):
    out = bytearray()
    index = 0
    while index < len(raw):
        char = raw[index : index + 1]
        if char == b"\\":
            nxt = raw[index + 1 : index + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[index + 1 : index + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                index += 1 + len(octal.group(0))
                continue
            out += _ESCAPES.get(nxt, nxt)
            index += 2
            continue
        out += char
        index += 1
    return bytes(out)


def pdf_text(data):
    """The text shown by a PDF's content streams (Tj strings in the Windows-1252 encoding of
    the standard fonts), one line per string. Flate-compressed streams are inflated."""
    lines = []
    for match in _STREAM.finditer(data):
        body = match.group(1)
        try:
            body = zlib.decompress(body)
        except zlib.error:
            pass
        for string in _STRING.finditer(body):
            lines.append(_unescape(string.group(1)).decode("cp1252"))
    return "\n".join(lines)
