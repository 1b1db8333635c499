"""Registering planned payments as paid (the payment office's job)."""

import dataclasses

from Acquisition import aq_base
from plone import api

from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.engine import clock
from os2bos_plone.engine.money import parse_machine
from os2bos_plone.engine.money import round_ore
from os2bos_plone.engine.prices import parse_date
from os2bos_plone.engine.validation import MSG_ALREADY_PAID
from os2bos_plone.engine.validation import FieldError
from os2bos_plone.engine.validation import validate_mark_paid
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.accounts import freeze
from os2bos_plone.payments.events import notify_payment_paid
from os2bos_plone.payments.store import payment_store
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import refresh_totals
from os2bos_plone.validation.activity import MSG_INVALID_DATE
from os2bos_plone.validation.activity import InvalidFields

#: Who may register payments as paid: the payment office (BOS Økonomi); Manager and Site
#: Administrator have it too, and only they may also register cash and SD payments.
REGISTER_PAYMENTS = "os2bos_plone: Register payments"
PRIVILEGED_ROLES = {"Manager", "Site Administrator"}

MSG_PAID_AMOUNT = "Angiv det betalte beløb"


MSG_PAID_DATE = "Angiv betalingsdatoen (ÅÅÅÅ-MM-DD)"
MSG_NOTE_TEXT = "Angiv bemærkningen som tekst"
MSG_NOTE_LENGTH = "Teksten er for lang (højst {most} tegn)."
#: The most characters of a registration's note (as an activity's note).
NOTE_LENGTH = 10000


def may_register_payments(activity):
    """The screen and REST ask the same question before they register a payment."""
    return bool(api.user.has_permission(REGISTER_PAYMENTS, obj=activity))


def is_privileged(activity):
    user = api.user.get_current()
    return bool(set(user.getRolesInContext(activity)) & PRIVILEGED_ROLES)


def paid_registrations(activity):
    """{planned date: the last registration {user, time, ...}} of the activity's paid payments."""
    return {parse_date(entry["date"]): entry for entry in paid_history(activity)}


def paid_history(activity):
    """Every registration of a payment as paid on the activity, oldest first."""
    store = getattr(aq_base(activity), "_bos_payments", None)
    return list(getattr(store, "history", None) or [])


def find_payment(activity, day):
    for payment in stored_payments(activity):
        if payment.date == day:
            return payment
    return None


def mark_paid(activity, day, paid_amount, paid_date, note="", user_id="", privileged=False):
    """Register the payment planned on ``day`` as paid (spec 2.7) and keep who did it and when.

    Raises KeyError when there is no payment on ``day`` and :class:`InvalidFields` when the rules
    refuse it. A paid payment is never changed again, by anyone.
    """
    payment = find_payment(activity, day)
    if payment is None:
        raise KeyError(day)
    errors = []
    try:
        amount = None if paid_amount in (None, "") else round_ore(parse_machine(paid_amount))
    except ValueError:
        amount = None
        errors.append(FieldError("paid_amount", "Ugyldigt beløb"))
    try:
        when_paid = parse_date(paid_date)
    except (TypeError, ValueError):
        when_paid = None
        errors.append(FieldError("paid_date", MSG_INVALID_DATE))
    if note is not None and not isinstance(note, str):
        errors.append(FieldError("note", MSG_NOTE_TEXT))
    elif note and len(note) > NOTE_LENGTH:
        errors.append(FieldError("note", MSG_NOTE_LENGTH.format(most=NOTE_LENGTH)))
    rule_errors = validate_mark_paid(
        status_of(activity),
        bool(activity.fictive),
        activity.payment_method,
        amount,
        when_paid,
        privileged=privileged,
        already_paid=payment.settled,
    )
    reported = {error.field for error in errors}
    errors.extend(error for error in rule_errors if error.field not in reported)
    if payment.settled and not any(error.message == MSG_ALREADY_PAID for error in errors):
        errors.insert(0, FieldError("paid", MSG_ALREADY_PAID))
    if errors:
        raise InvalidFields(errors)
    store = payment_store(activity)
    paid = dataclasses.replace(
        freeze(payment, activity_account(activity)),
        paid=True,
        paid_amount=amount,
        paid_date=when_paid,
        note=note if note not in (None, "") else payment.note,
    )
    store.replace([paid if p is payment else p for p in store.payments])
    history = list(getattr(store, "history", None) or [])
    history.append(
        {
            "date": day.isoformat(),
            "paid_amount": str(amount),
            "paid_date": when_paid.isoformat(),
            "note": paid.note,
            "user": user_id,
            # Danish local time, naive as docs/api.md shows it (not the server's zone).
            "time": clock.now().replace(tzinfo=None).isoformat(timespec="seconds"),
        }
    )
    store.history = history
    appropriation = appropriation_of(activity)
    if appropriation is not None:
        refresh_totals(appropriation)
    notify_payment_paid(activity, paid)
    return paid
