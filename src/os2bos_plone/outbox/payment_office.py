"""Mails to the payment office (betalingskontoret) about granted activities it pays.

An activity concerns the payment office when it is granted, not fictive, and either paid through
SD (always) or paid to someone outside the municipality on a running or individual plan (a
one-time payment to a person or company is paid through the payment file alone). Subjects name the
child's CPR number, as the payment office files them by it:

* "Aktivitet oprettet - <CPR>": an activity was granted (also an expected adjustment);
* "Aktivitet opdateret - <CPR>": a granted activity's dates, plan or recipient changed (it was
  ended earlier, or an adjustment cut it);
* "Aktivitet udgået - <CPR>": the nightly job, for activities whose end date has passed.

Granted activities are never deleted (retention/), so no "slettet" mail is needed. The body lists
the case, the plan and the recipient in Danish formats. Nothing is sent, and nothing logged,
when no payment office address is set (the settings control panel).
"""

from datetime import timedelta

from Acquisition import aq_base
from plone import api
from zope.globalrequest import getRequest

from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.engine import clock
from os2bos_plone.engine.activity_rules import PAYMENT_PLAN_FIELDS
from os2bos_plone.engine.activity_rules import RECIPIENT_FIELDS
from os2bos_plone.engine.formatting import describe_plan
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import section_label
from os2bos_plone.engine.money import display_money
from os2bos_plone.engine.money import parse_machine
from os2bos_plone.outbox.send import send_mail
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.figures import activity_figures
from os2bos_plone.settings import read as read_settings

KIND = "payment_office"
CREATED = "Aktivitet oprettet"
UPDATED = "Aktivitet opdateret"
EXPIRED = "Aktivitet udgået"

#: The fields of a granted activity the payment office must hear of when they change.
PAYMENT_FIELDS = ("start_date", "end_date", "fictive", *PAYMENT_PLAN_FIELDS, *RECIPIENT_FIELDS)
#: What the payment office was last told, on the activity: a change is what differs from it.
_TOLD_ATTR = "_bos_payment_office_told"

ACTIVITY_TYPES = {"main": "Hovedydelse", "supplementary": "Følgeydelse"}
COST_TYPES = {"fixed": "Fast beløb", "per_unit": "Pris pr. enhed", "rate": "Takst"}
RECIPIENT_TYPES = {"person": "Person", "company": "Firma", "internal": "Intern"}
PAYMENT_METHODS = {
    "cash": "Kontant udbetaling",
    "sd": "SD-løn",
    "invoice": "Faktura",
    "internal": "Intern afregning",
}
SIGNATURE = "Venlig hilsen\nBevilling og Styring"
_SENT_KEY = "os2bos_plone.payment_office_mailed"


def payment_office_address():
    """The payment office's e-mail address from the settings ('' when none is set)."""
    return read_settings().payment_office_email


def account_string_of(activity):
    """The activity's account string as the payment office books it."""
    return activity_account(activity).account_string


def concerns_payment_office(activity):
    if status_of(activity) != "granted" or getattr(activity, "fictive", False):
        return False
    if activity.payment_method == "sd":
        return True
    return activity.recipient_type != "internal" and activity.payment_type != "one_time"


def _fingerprint(activity):
    return tuple(repr(getattr(activity, name, None)) for name in PAYMENT_FIELDS)


def _already_mailed(activity, subject):
    """One mail of a kind per activity and request: a grant that also ends an activity or
    merges an adjustment fires several events."""
    request = getRequest()
    if request is None:
        return False
    sent = request.other.setdefault(_SENT_KEY, set())
    key = (activity.UID(), subject)
    if key in sent:
        return True
    sent.add(key)
    return False


def body(activity):
    case = case_of(activity)
    appropriation = appropriation_of(activity)
    section = by_uid(getattr(appropriation, "section", None)) if appropriation else None
    service = by_uid(getattr(activity, "service", None))
    figures = activity_figures(activity)
    per_payment = figures.get("per_payment")
    amount = (
        f"{display_money(parse_machine(per_payment))} (kan ændre sig over tid)"
        if per_payment is not None
        else "Individuel betalingsplan"
    )
    try:
        plan_text = describe_plan(
            activity.payment_type, activity.payment_frequency, activity.payment_day_of_month
        )
    except ValueError:
        plan_text = ""
    units = getattr(activity, "payment_units", None)
    lines = [
        "Sagsoplysninger",
        "",
        f"Aktivitet: {service.title if service is not None else activity.Title()}",
        f"Aktivitetstype: {ACTIVITY_TYPES.get(activity.activity_type, '')}",
        "Bevillingsparagraf: "
        + (
            section_label(section.key, section.title, getattr(section, "law_name", None))
            if section is not None
            else ""
        ),
        f"Barnets CPR nummer: {getattr(case, 'cpr_number', '') or ''}",
        f"Barnets navn: {case.Title() if case is not None else ''}",
        f"Sagens sagsbehandler: {user_name(getattr(case, 'case_worker', None) or '')}",
        f"Bevilgende sagsbehandler: {user_name(getattr(activity, 'approval_user', None) or '')}",
        f"Start dato: {format_date(activity.start_date) or '–'}",
        f"Slut dato: {format_date(activity.end_date) or 'Løbende'}",
        f"Beløb: {amount}",
        f"Betalingstype: {plan_text}",
        f"Afregningsenhed: {COST_TYPES.get(activity.payment_cost_type, '')}",
        f"Afregningsenheder: {'' if units is None else str(units).replace('.', ',')}",
        f"Kontering: {account_string_of(activity) or 'Ingen'}",
        f"BetalingsID: {getattr(activity, 'payment_id', '') or ''}",
        f"Fiktiv: {'Ja' if getattr(activity, 'fictive', False) else 'Nej'}",
        "",
        "Betalingsmodtager",
        "",
        f"CPR/CVR: {activity.recipient_id or ''}",
        f"Navn: {activity.recipient_name or ''}",
        f"Modtagertype: {RECIPIENT_TYPES.get(activity.recipient_type, '')}",
        f"Betalingsmåde: {PAYMENT_METHODS.get(activity.payment_method, '')}",
        "",
        SIGNATURE,
    ]
    return "\n".join(lines)


def mail_payment_office(activity, subject):
    """Send ``subject`` about ``activity`` to the payment office when it concerns it; True when
    a mail was handed to the MailHost."""
    address = payment_office_address()
    if not address or not concerns_payment_office(activity):
        return False
    if _already_mailed(activity, subject):
        return False
    activity._bos_payment_office_told = _fingerprint(activity)
    case = case_of(activity)
    cpr = getattr(case, "cpr_number", "") or ""
    return send_mail(address, f"{subject} - {cpr}", body(activity), kind=KIND)


# -- subscribers ----------------------------------------------------------------------------------


def activities_granted(event):
    for activity in event.activities or []:
        mail_payment_office(activity, CREATED)


def activity_modified(activity, event):
    """A granted activity's payment changed (ended earlier, cut by an adjustment), through any
    door: what differs from what the payment office was told. An activity it was never told
    of (being granted in this request: the grant's mail follows) is left to that mail."""
    told = getattr(aq_base(activity), _TOLD_ATTR, None)
    if told is not None and told != _fingerprint(activity):
        mail_payment_office(activity, UPDATED)


# -- the nightly job ------------------------------------------------------------------------------

#: A night the job did not run is caught up for this many days.
EXPIRED_CATCH_UP_DAYS = 7
_EXPIRED_ATTR = "_bos_expired_told"


def mail_expired(when=None, progress=print, checkpoint=None):
    """ "Aktivitet udgået" for granted activities whose end date has passed (it was the day
    before ``when``, or one of the days before that the job did not run). Each end date is
    told once: running the job again sends nothing."""
    when = when or clock.today()
    catalog = api.portal.get_tool("portal_catalog")
    first = when - timedelta(days=EXPIRED_CATCH_UP_DAYS)
    brains = catalog.unrestrictedSearchResults(
        portal_type="bos_activity",
        review_state="granted",
        bos_end_date={"query": (first, when - timedelta(days=1)), "range": "min:max"},
    )
    sent = 0
    for brain in brains:
        activity = brain._unrestrictedGetObject()
        end = activity.end_date
        if end is None or not first <= end < when:
            continue
        if getattr(aq_base(activity), _EXPIRED_ATTR, None) == end:
            continue
        if mail_payment_office(activity, EXPIRED):
            sent += 1
        setattr(activity, _EXPIRED_ATTR, end)
    progress(f"Udgåede ydelser: {len(brains)} fundet, {sent} mails til betalingskontoret")
    return {"activities": len(brains), "mails": sent}
