"""The daily renewal job (jobs.nightly "renew", `make jobs JOB=renew`) on open-ended plans."""

from datetime import date
from decimal import Decimal

from plone import api

from os2bos_plone.engine import clock
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.sync import renew_all_open_ended
from os2bos_plone.payments.totals import yearly_totals_of


def _activity(appropriation, service, **fields):
    values = {
        "service": service,
        "activity_type": "main",
        "start_date": date(clock.today().year + 1, 1, 1),
        "end_date": None,
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 1,
        "payment_cost_type": "fixed",
        "payment_amount": Decimal("1000.00"),
        "recipient_type": "internal",
        "recipient_id": "x",
        "recipient_name": "Intern",
        "payment_method": "internal",
    }
    values.update(fields)
    return api.content.create(container=appropriation, type="bos_activity", id="ydelse", **values)


def _appropriation(portal, number):
    case = api.content.create(
        container=portal["sager"],
        type="bos_case",
        id=f"renew-case-{number}",
        sbsys_id=f"27.24.00-G01-RENEW-{number}",
        cpr_number="0101181234",
        title="Alma Andersen",
    )
    return api.content.create(
        container=case,
        type="bos_appropriation",
        id=f"renew-{number}",
        sbsys_id=f"27.24.00-G01-RENEW-{number}-01",
        section=portal["regelmotor"]["bl-32-1.5"].UID(),
    )


def test_renewal_extends_open_ended_granted_plans(manager):
    portal = manager
    service = portal["regelmotor"]["ydelse-100206"].UID()
    year = clock.today().year
    granted = _activity(_appropriation(portal, 1), service)
    api.content.transition(obj=granted, transition="grant")
    draft = _activity(_appropriation(portal, 2), service)
    ended = _activity(_appropriation(portal, 3), service, end_date=date(year + 1, 12, 31))
    api.content.transition(obj=ended, transition="grant")
    # Planned to 31 December of next year.
    assert [p.date for p in stored_payments(granted)][-1] == date(year + 1, 12, 1)
    assert len(stored_payments(granted)) == 12

    # Nine months on, the newest payment is less than six months away: extend a year.
    messages = []
    looked_at, extended, added = renew_all_open_ended(
        when=date(year + 1, 9, 1), progress=messages.append
    )
    assert (extended, added) == (1, 12)
    assert looked_at >= 1
    assert messages[0].startswith("Fornyer betalinger:")
    dates = [p.date for p in stored_payments(granted)]
    assert (len(dates), dates[-1]) == (24, date(year + 2, 12, 1))
    assert yearly_totals_of(granted)[year + 2] == (
        Decimal("12000.00"),
        Decimal("12000.00"),
    )
    brain = api.content.find(UID=granted.UID())[0]
    assert brain.bos_yearly_totals[year + 2] == ("12000.00", "12000.00")
    # Drafts and plans with an end are left alone; a second run the same day adds nothing.
    assert len(stored_payments(draft)) == 12
    assert len(stored_payments(ended)) == 12
    assert renew_all_open_ended(when=date(year + 1, 9, 1), progress=print)[1:] == (
        0,
        0,
    )


def test_a_plan_not_extended_is_left_untouched(manager):
    """The renewal does not rewrite a store it does not extend: a job over every activity
    could not let go of a store marked changed, and would write them all again."""
    import transaction

    from os2bos_plone.payments.sync import renew_open_ended

    portal = manager
    service = portal["regelmotor"]["ydelse-100206"].UID()
    granted = _activity(_appropriation(portal, 4), service)
    api.content.transition(obj=granted, transition="grant")
    transaction.savepoint(optimistic=True)
    store = granted._bos_payments
    store._p_changed = False
    assert renew_open_ended(granted, clock.today()) == 0
    assert not store._p_changed
