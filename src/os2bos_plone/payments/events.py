"""Events of the payments: the journal subscribes to these."""

from zope.event import notify
from zope.interface import Attribute
from zope.interface import implementer
from zope.interface.interfaces import IObjectEvent
from zope.interface.interfaces import ObjectEvent


class IPaymentPaid(IObjectEvent):
    """A payment of an activity (the event's object) was registered as paid."""

    payment = Attribute("The engine Payment, as stored after marking it paid")


@implementer(IPaymentPaid)
class PaymentPaid(ObjectEvent):
    def __init__(self, activity, payment):
        super().__init__(activity)
        self.payment = payment


def notify_payment_paid(activity, payment):
    """Tell the journal that ``payment`` (the stored, paid engine Payment) of ``activity`` was
    marked paid. Called by the paid-marking code after the payment is stored."""
    notify(PaymentPaid(activity, payment))


class IPaymentsRepriced(IObjectEvent):
    """A changed central rate repriced the unpaid payments of an activity (the object)."""

    rate = Attribute("The rate (content) whose amounts changed")
    before = Attribute("{year: Decimal} the activity's yearly totals before")
    after = Attribute("{year: Decimal} the activity's yearly totals after")


@implementer(IPaymentsRepriced)
class PaymentsRepriced(ObjectEvent):
    def __init__(self, activity, rate, before, after):
        super().__init__(activity)
        self.rate = rate
        self.before = before
        self.after = after


class IFiguresRefreshed(IObjectEvent):
    """The stored figures of an appropriation's activities (the object) were recomputed
    (payments.totals.refresh_totals): the manager overview's running sums follow."""


@implementer(IFiguresRefreshed)
class FiguresRefreshed(ObjectEvent):
    pass
