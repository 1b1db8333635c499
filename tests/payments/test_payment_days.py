"""The payment office's day indexes (bos_payment_days, bos_unpaid_days) hold exactly the days of
an activity's stored payments, and of its unpaid ones, after every door that changes them:
saving, granting, marking paid (the screen's door and the nightly SD/cash job), dropping the
unpaid payments of an adjusted activity, the renewal of open-ended plans and the repricing."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

from plone import api
from Products.CMFCore.indexing import processQueue
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.engine import clock
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.repricing import reprice_rate
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.sync import drop_unpaid_payments
from os2bos_plone.payments.sync import renew_all_open_ended
from os2bos_plone.payouts.due import mark_due_paid
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case

PAYMENT_DAYS = "bos_payment_days"
UNPAID_DAYS = "bos_unpaid_days"


def _key(day):
    return int(day.strftime("%Y%m%d"))


def indexed(activity, name):
    """What the catalog's index holds for the activity (after the indexing queue is done)."""
    processQueue()
    catalog = api.portal.get_tool("portal_catalog")
    rid = catalog.getrid("/".join(activity.getPhysicalPath()))
    assert rid is not None
    return sorted(catalog._catalog.getIndex(name).getEntryForObject(rid) or [])


def assert_indexed(activity):
    """The indexes equal the days read from the stored payments themselves."""
    payments = stored_payments(activity)
    assert indexed(activity, PAYMENT_DAYS) == sorted({_key(p.date) for p in payments})
    assert indexed(activity, UNPAID_DAYS) == sorted(
        {_key(p.date) for p in payments if not p.settled}
    )


def _granted(activity):
    api.content.transition(obj=activity, transition="grant")
    return activity


def test_saving_and_granting_index_the_days(manager, frozen_today):
    year = clock.today().year
    frozen_today(date(year, 6, 10))
    appropriation = make_appropriation(make_case(manager))
    monthly = make_activity(appropriation, **main_fields())
    assert len(indexed(monthly, PAYMENT_DAYS)) == 12
    assert_indexed(monthly)
    daily = make_activity(
        appropriation,
        **main_fields(
            activity_type="supplementary",
            service=monthly.service,
            payment_frequency="daily",
            payment_day_of_month=None,
            payment_amount=Decimal("100.00"),
            start_date=date(year, 3, 1),
            end_date=date(year, 3, 31),
        ),
    )
    assert len(indexed(daily, PAYMENT_DAYS)) == 31
    assert_indexed(daily)
    # A shorter plan: the days after the new end leave the indexes.
    monthly.end_date = date(year, 6, 30)
    notify(ObjectModifiedEvent(monthly))
    assert indexed(monthly, PAYMENT_DAYS)[-1] == _key(date(year, 6, 1))
    assert_indexed(monthly)
    _granted(monthly)
    assert_indexed(monthly)
    assert_indexed(daily)


def test_marking_paid_leaves_the_unpaid_days(manager, frozen_today):
    year = clock.today().year
    frozen_today(date(year, 6, 10))
    activity = _granted(make_activity(make_appropriation(make_case(manager)), **main_fields()))
    mark_paid(activity, date(year, 2, 1), "9700", date(year, 2, 3).isoformat(), privileged=True)
    assert _key(date(year, 2, 1)) in indexed(activity, PAYMENT_DAYS)
    assert _key(date(year, 2, 1)) not in indexed(activity, UNPAID_DAYS)
    assert len(indexed(activity, UNPAID_DAYS)) == 11
    assert_indexed(activity)


def test_the_nightly_sd_marking_leaves_the_unpaid_days(manager, frozen_today):
    year = clock.today().year
    frozen_today(date(year, 6, 10))
    activity = _granted(
        make_activity(
            make_appropriation(make_case(manager)),
            **main_fields(
                service_provider=None,
                recipient_type="person",
                recipient_id="0301201234",
                recipient_name="Mor",
                payment_method="sd",
                payment_amount=Decimal("1000.00"),
            ),
        )
    )
    result = mark_due_paid(when=date(year, 6, 10), progress=lambda *_: None)
    assert result["payments"] >= 6
    assert indexed(activity, UNPAID_DAYS)[0] == _key(date(year, 7, 1))
    assert_indexed(activity)


def test_dropping_the_unpaid_payments_of_an_adjusted_activity(manager, frozen_today):
    """What a merged adjustment does to its original (decisions.grant._apply_merges)."""
    year = clock.today().year
    frozen_today(date(year, 6, 10))
    activity = _granted(make_activity(make_appropriation(make_case(manager)), **main_fields()))
    mark_paid(activity, date(year, 1, 1), "9700", date(year, 1, 2).isoformat(), privileged=True)
    drop_unpaid_payments(activity, date(year, 7, 1))
    activity.end_date = date(year, 6, 30)
    notify(ObjectModifiedEvent(activity))
    assert indexed(activity, PAYMENT_DAYS)[-1] == _key(date(year, 6, 1))
    assert_indexed(activity)
    # Replaced entirely: the end before the first unpaid payment, the unpaid ones dropped.
    drop_unpaid_payments(activity)
    activity.end_date = date(year, 1, 31)
    notify(ObjectModifiedEvent(activity))
    assert indexed(activity, UNPAID_DAYS) == []
    assert indexed(activity, PAYMENT_DAYS) == [_key(date(year, 1, 1))]
    assert_indexed(activity)


def test_the_renewal_indexes_the_new_days(manager, frozen_today):
    year = clock.today().year
    frozen_today(date(year, 6, 10))
    activity = _granted(
        make_activity(
            make_appropriation(make_case(manager)),
            **main_fields(start_date=date(year + 1, 1, 1), end_date=None),
        )
    )
    assert indexed(activity, PAYMENT_DAYS)[-1] == _key(date(year + 1, 12, 1))
    renew_all_open_ended(when=date(year + 1, 9, 1), progress=lambda *_: None)
    assert indexed(activity, PAYMENT_DAYS)[-1] == _key(date(year + 2, 12, 1))
    assert_indexed(activity)


def test_the_repricing_keeps_the_days(manager, frozen_today):
    year = clock.today().year
    frozen_today(date(year, 6, 10))
    rate = api.content.find(portal_type="bos_rate", bos_key="kost_logi_under_10")[0].getObject()
    rate.periods = [{"start_date": date(year, 1, 1), "end_date": None, "amount": Decimal("200")}]
    activity = _granted(
        make_activity(
            make_appropriation(make_case(manager)),
            **main_fields(
                payment_cost_type="rate",
                payment_rate=rate.UID(),
                payment_units=Decimal("2"),
                payment_amount=None,
                payment_frequency="weekly",
                payment_day_of_month=None,
            ),
        )
    )
    before = indexed(activity, PAYMENT_DAYS)
    rate.periods = [{"start_date": date(year, 1, 1), "end_date": None, "amount": Decimal("300")}]
    looked_at, changed = reprice_rate(rate, date(year, 6, 10))
    assert changed == 1
    assert indexed(activity, PAYMENT_DAYS) == before  # only amounts changed
    assert_indexed(activity)
    assert all(
        (day - date(year, 1, 1)) % timedelta(days=7) == timedelta(0)
        for day in (p.date for p in stored_payments(activity))
    )
