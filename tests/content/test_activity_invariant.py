"""The activity rules where forms meet them: the schema invariant and its (field, message) pairs."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from plone import api
from zope.interface import Invalid

from os2bos_plone.content.activity import ActivityInvalid
from os2bos_plone.content.activity import IActivity
from os2bos_plone.decisions.adjustment import create_adjustment
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import yearly_totals_of
from os2bos_plone.validation.activity import ACTIVITY_FIELDS
from os2bos_plone.validation.activity import MSG_GRANTED_CHANGE
from os2bos_plone.validation.activity import validation_errors

TEAM_LEADER = DecisionParameters(approval_level="teamleder")


@pytest.fixture(autouse=True)
def decided_in_december_2026(frozen_today):
    """The plans here run in 2027 and are decided on 2 December 2026 (an adjustment may not start
    in the past), whatever day the suite runs on."""
    frozen_today(date(2026, 12, 2))


@pytest.fixture
def granted(manager):
    portal = manager
    case = api.content.create(
        container=portal["sager"],
        type="bos_case",
        id="rules-case",
        sbsys_id="27.24.00-G01-RULES",
        cpr_number="0101181234",
        title="Alma Andersen",
    )
    appropriation = api.content.create(
        container=case,
        type="bos_appropriation",
        id="rules",
        sbsys_id="27.24.00-G01-RULES-01",
        section=portal["regelmotor"]["bl-32-1.5"].UID(),
    )
    activity = api.content.create(
        container=appropriation,
        type="bos_activity",
        id="ydelse",
        service=portal["regelmotor"]["ydelse-100206"].UID(),
        activity_type="main",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        payment_type="running",
        payment_frequency="monthly",
        payment_day_of_month=1,
        payment_cost_type="fixed",
        payment_amount=Decimal("1000.00"),
        recipient_type="internal",
        recipient_id="x",
        recipient_name="Intern",
        payment_method="internal",
    )
    api.content.transition(obj=activity, transition="grant")
    return activity


def form_data(activity, **changes):
    values = {name: getattr(activity, name, None) for name in ACTIVITY_FIELDS}
    values.update(changes)
    return SimpleNamespace(__context__=activity, **values)


def test_granted_activity_form_may_only_end_earlier_and_change_the_note(granted):
    assert validation_errors(form_data(granted, end_date=date(2027, 6, 30))) == []
    for change in ({"end_date": date(2028, 12, 31)}, {"recipient_id": "y"}):
        errors = validation_errors(form_data(granted, **change))
        assert [(error.field, error.message) for error in errors] == [
            (next(iter(change)), MSG_GRANTED_CHANGE)
        ], change
    assert validation_errors(form_data(granted, note="Aftalt")) == []
    errors = validation_errors(
        form_data(granted, payment_amount=Decimal("1200"), start_date=date(2027, 2, 1))
    )
    assert [(error.field, error.message) for error in errors] == [
        ("start_date", MSG_GRANTED_CHANGE),
        ("payment_amount", MSG_GRANTED_CHANGE),
    ]


def test_invariant_carries_field_message_pairs(granted):
    data = form_data(granted, start_date=date(2028, 1, 1))
    with pytest.raises(ActivityInvalid) as raised:
        IActivity.getTaggedValue("invariants")[0](data)
    assert isinstance(raised.value, Invalid)
    assert raised.value.errors == [
        ("start_date", "Startdatoen skal være før eller samme dag som slutdatoen"),
        ("start_date", MSG_GRANTED_CHANGE),
    ]
    assert str(raised.value).startswith("Startdatoen skal være før")


def test_individual_plan_adjustment_takes_the_payments_from_its_start(manager):

    portal = manager
    case = api.content.create(
        container=portal["sager"],
        type="bos_case",
        id="individual-case",
        sbsys_id="27.24.00-G01-IND",
        cpr_number="0101181234",
        title="Alma Andersen",
    )
    appropriation = api.content.create(
        container=case,
        type="bos_appropriation",
        id="individual",
        sbsys_id="27.24.00-G01-IND-01",
        section=portal["regelmotor"]["bl-32-1.5"].UID(),
    )
    rows = [
        {"date": date(2027, 1, 15), "amount": Decimal("100")},
        {"date": date(2027, 5, 15), "amount": Decimal("200")},
        {"date": date(2027, 9, 15), "amount": Decimal("300")},
    ]
    original = api.content.create(
        container=appropriation,
        type="bos_activity",
        id="ydelse",
        service=portal["regelmotor"]["ydelse-100206"].UID(),
        activity_type="main",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        payment_type="individual",
        individual_payments=rows,
        recipient_type="internal",
        recipient_id="x",
        recipient_name="Intern",
        payment_method="internal",
    )
    assert grant(appropriation, [original.UID()], TEAM_LEADER).ok
    adjustment = create_adjustment(original, {"start_date": "2027-04-01"})
    assert api.content.get_state(adjustment) == "expected"
    assert [row["date"] for row in adjustment.individual_payments] == [
        date(2027, 5, 15),
        date(2027, 9, 15),
    ]
    result = grant(appropriation, [adjustment.UID()], TEAM_LEADER)
    assert result.ok, result.errors
    assert original.end_date == date(2027, 3, 31)
    assert [(p.date, p.amount) for p in stored_payments(original)] == [
        (date(2027, 1, 15), Decimal("100.00"))
    ]
    assert [row["date"] for row in original.individual_payments] == [date(2027, 1, 15)]
    assert yearly_totals_of(adjustment)[2027] == (Decimal("500.00"), Decimal("500.00"))


def _form_post(activity, **changes):
    """The edit form's widgets for ``activity``'s stored values with ``changes`` (form names)."""

    def day(value):
        return value.isoformat() if value else ""

    data = {
        "form.widgets.service": [activity.service],
        "form.widgets.activity_type": [activity.activity_type],
        "form.widgets.start_date": day(activity.start_date),
        "form.widgets.end_date": day(activity.end_date),
        "form.widgets.payment_type": [activity.payment_type],
        "form.widgets.payment_frequency": [activity.payment_frequency],
        "form.widgets.payment_day_of_month": str(activity.payment_day_of_month),
        "form.widgets.payment_cost_type": [activity.payment_cost_type],
        "form.widgets.payment_amount": "1.000,00",
        "form.widgets.recipient_type": [activity.recipient_type],
        "form.widgets.recipient_id": activity.recipient_id,
        "form.widgets.recipient_name": activity.recipient_name,
        "form.widgets.payment_method": [activity.payment_method],
        "form.buttons.save": "Gem",
    }
    data.update(changes)
    return data


def _form_errors(portal, activity, form):
    from tests.browser.test_activity_form_views import edit_view

    view = edit_view(portal, activity, form, method="POST")
    view()
    instance = view.form_instance
    found = []
    for manager in [instance.widgets, *(group.widgets for group in instance.groups)]:
        for error in manager.errors:
            widget = error.widget
            found.append((widget.field.__name__ if widget is not None else "", error.message))
    return sorted(found)


def _rest_errors(portal, activity, data):
    from plone.restapi.interfaces import IDeserializeFromJson
    from zExceptions import BadRequest
    from zope.component import getMultiAdapter
    from zope.interface import alsoProvides

    from os2bos_plone.interfaces import IOs2BosPloneLayer

    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    try:
        getMultiAdapter((activity, request), IDeserializeFromJson)(data=data)
    except BadRequest as raised:
        return sorted((error["field"], error["message"]) for error in raised.args[0])
    return []


def test_form_and_rest_give_the_same_answer_for_a_change_to_a_granted_activity(manager, granted):
    """One rule (engine.activity_rules.granted_change_errors) for the edit form and REST PATCH."""
    changed = _form_errors(
        manager,
        granted,
        _form_post(
            granted,
            **{"form.widgets.payment_amount": "1.200,00", "form.widgets.start_date": "2027-02-01"},
        ),
    )
    assert changed == _rest_errors(
        manager, granted, {"payment_amount": "1200.00", "start_date": "2027-02-01"}
    )
    assert changed == [("payment_amount", MSG_GRANTED_CHANGE), ("start_date", MSG_GRANTED_CHANGE)]
    assert granted.payment_amount == Decimal("1000.00")
    # An allowed change passes both ways, and is saved.
    allowed = {"form.widgets.end_date": "2027-06-30", "form.widgets.note": "Aftalt"}
    assert _form_errors(manager, granted, _form_post(granted, **allowed)) == []
    assert granted.end_date == date(2027, 6, 30)
    assert _rest_errors(manager, granted, {"end_date": "2027-05-31", "note": "Igen"}) == []
    assert (granted.end_date, granted.note) == (date(2027, 5, 31), "Igen")
