"""@bos-payments: an activity's planned payments, and marking one paid.

GET  <activity>/@bos-payments[?year=YYYY]      -> {"items": [...], "items_total": n}
GET  <activity>/@bos-payments/<YYYY-MM-DD>     -> one payment with its paid history
POST <activity>/@bos-payments/<YYYY-MM-DD>     {"paid_amount", "paid_date", "note"} -> the payment

Who may mark paid: the payment office, BOS Økonomi (the "os2bos_plone: Register payments"
permission, which Manager and Site Administrator also have; the activity workflow gives it in
the granted state only). The POST is registered under that permission: the case team that
decides a measure does not also register its payments. Ordinary users only register invoice and
internal payments; Manager and Site Administrator may also register cash and SD payments. A paid
payment is never changed.
"""

from datetime import date

from plone import api

from os2bos_plone.payments import figures
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.paid import find_payment
from os2bos_plone.payments.paid import is_privileged
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.paid import may_register_payments
from os2bos_plone.payments.paid import paid_history
from os2bos_plone.payments.paid import paid_registrations
from os2bos_plone.services.common import SubpathService
from os2bos_plone.services.common import allow_write
from os2bos_plone.services.common import read_json
from os2bos_plone.services.costs import year_param
from os2bos_plone.services.errors import bad_json
from os2bos_plone.services.errors import forbidden
from os2bos_plone.services.errors import not_found
from os2bos_plone.services.errors import validation_error
from os2bos_plone.validation.activity import InvalidFields

MSG_FORBIDDEN = "Du har ikke adgang til at registrere betalinger på denne ydelse."
MSG_NO_PAYMENT = "Ydelsen har ingen betaling den {day}."
MSG_BAD_DATE = "Betalingens dato skal angives som ÅÅÅÅ-MM-DD."


def _parse_day(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class PaymentsService(SubpathService):
    def payment_day(self):
        if len(self.params) != 1:
            return None
        return _parse_day(self.params[0])


class PaymentsGet(PaymentsService):
    def reply(self):
        if self.params:
            return self.reply_one()
        year, errors = year_param(self.request)
        if errors:
            return validation_error(self.request, errors)
        items = figures.payments_for(self.context, year)
        return {
            "@id": f"{self.context.absolute_url()}/@bos-payments",
            "items": items,
            "items_total": len(items),
        }

    def reply_one(self):
        day = self.payment_day()
        if day is None:
            return validation_error(self.request, [("date", MSG_BAD_DATE)])
        payment = find_payment(self.context, day)
        if payment is None:
            return not_found(self.request, MSG_NO_PAYMENT.format(day=day.isoformat()))
        history = paid_registrations(self.context)
        item = figures.payment_item(payment, history.get(day), activity_account(self.context))
        item["history"] = [
            entry for entry in paid_history(self.context) if entry["date"] == day.isoformat()
        ]
        return item


class PaymentPost(PaymentsService):
    forbidden_message = MSG_FORBIDDEN

    def reply(self):
        day = self.payment_day()
        if day is None:
            return validation_error(self.request, [("date", MSG_BAD_DATE)])
        if not may_register_payments(self.context):
            return forbidden(self.request, MSG_FORBIDDEN)
        data = read_json(self.request)
        if data is None:
            return bad_json(self.request)
        allow_write(self.request)
        user = api.user.get_current()
        try:
            payment = mark_paid(
                self.context,
                day,
                data.get("paid_amount"),
                data.get("paid_date"),
                note=data.get("note"),
                user_id=user.getId() or user.getUserName(),
                privileged=is_privileged(self.context),
            )
        except KeyError:
            return not_found(self.request, MSG_NO_PAYMENT.format(day=day.isoformat()))
        except InvalidFields as error:
            return validation_error(self.request, error.errors)
        registration = paid_registrations(self.context).get(day)
        return figures.payment_item(payment, registration, activity_account(self.context))
