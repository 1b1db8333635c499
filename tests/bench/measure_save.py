"""How much one save costs: calls to the adapters that build engine input, and the time of 50
saves of a two-year daily activity (with two siblings). Not collected by the suite; run it by
path: ``PYTHONPATH=src .venv/bin/pytest -q -s tests/bench/measure_save.py``."""

import time
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from tests.browser.test_activity_form_views import edit_view
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import supplementary_fields
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone import adapters
from os2bos_plone.adapters import plans
from os2bos_plone.engine import clock

SAVES = 50


@pytest.fixture
def counted(monkeypatch):
    """Count the calls of every public function of adapters.plans, wherever it is imported."""
    import sys

    calls = Counter()
    names = [
        n for n in ("activity_input", "_build_input", "plan_of", "cost_input") if hasattr(plans, n)
    ]
    for name in names:
        original = getattr(plans, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        for module in list(sys.modules.values()):
            if (
                getattr(module, "__name__", "").startswith("os2bos_plone")
                and getattr(module, name, None) is original
            ):
                monkeypatch.setattr(module, name, wrapper)
    return calls


def _setup(manager):
    year = clock.today().year
    case = make_case(manager)
    appropriation = make_appropriation(case)
    main = make_activity(
        appropriation,
        **main_fields(
            start_date=date(year, 1, 1),
            end_date=date(year + 1, 12, 31),
            payment_frequency="daily",
            payment_day_of_month=None,
            payment_amount=Decimal("100.00"),
        ),
    )
    make_activity(appropriation, **supplementary_fields())
    make_activity(appropriation, **supplementary_fields(payment_day_of_month=20))
    return appropriation, main


def test_measure_saves(manager, counted):
    appropriation, main = _setup(manager)
    from tests.browser.test_activity_form_views import _request  # noqa: F401

    counted.clear()
    notify(ObjectModifiedEvent(main))
    print("\nevent save (api/script):", dict(counted))

    form = {
        "form.widgets.note": "x",
        "form.buttons.save": "Gem",
    }
    counted.clear()
    view = edit_view(manager, main)
    view.form_instance.update = view.form_instance.update
    view()
    print("edit form, GET render:", dict(counted))

    from tests.browser.test_activity_form_views import _request as request_of

    counted.clear()
    request = request_of(manager, _edit_data(main, note="eins"), "POST")
    from plone import api

    api.content.get_view("edit", main, request)()
    assert main.note == "eins", "form save did not go through"
    print("edit form save:", dict(counted))

    from plone.restapi.interfaces import IDeserializeFromJson
    from zope.component import getMultiAdapter

    counted.clear()
    request = request_of(manager, {}, "PATCH")
    getMultiAdapter((main, request), IDeserializeFromJson)(data={"note": "rest"})
    assert main.note == "rest"
    print("REST PATCH save:", dict(counted))

    from os2bos_plone.payments import figures

    counted.clear()
    figures.cost_preview(
        appropriation,
        {
            "service": supplementary_fields()["service"],
            "activity_type": "supplementary",
            "start_date": f"{clock.today().year}-03-01",
            "end_date": f"{clock.today().year}-12-31",
            "payment_type": "running",
            "payment_frequency": "monthly",
            "payment_day_of_month": 1,
            "payment_cost_type": "fixed",
            "payment_amount": "100",
            "recipient_type": "internal",
            "recipient_id": "x",
            "recipient_name": "X",
            "payment_method": "internal",
        },
    )
    print("cost preview:", dict(counted))

    started = time.perf_counter()
    counted.clear()
    for number in range(SAVES):
        request = request_of(manager, _edit_data(main, note=f"n{number}"), "POST")
        api.content.get_view("edit", main, request)()
    elapsed = time.perf_counter() - started
    assert main.note == f"n{SAVES - 1}"
    print(
        f"{SAVES} form saves of a two-year daily activity: {elapsed:.2f} s, calls {dict(counted)}"
    )
    _ = form, adapters

    from zope.annotation.interfaces import IAnnotations
    from zope.globalrequest import getRequest

    from os2bos_plone.adapters.lookup import activities_of
    from os2bos_plone.decisions.grant import grant

    # A grant is a request of its own: start with no engine input kept.
    IAnnotations(getRequest()).pop(getattr(plans, "MEMO_KEY", ""), None)
    counted.clear()
    result = grant(appropriation, [a.UID() for a in activities_of(appropriation)], "teamleder")
    print("grant of the three:", result.ok or result.errors, dict(counted))


def _edit_data(activity, **changes):
    def d(value):
        return value.isoformat() if value else ""

    data = {
        "form.widgets.service": [activity.service],
        "form.widgets.activity_type": [activity.activity_type],
        "form.widgets.start_date": d(activity.start_date),
        "form.widgets.end_date": d(activity.end_date),
        "form.widgets.payment_type": [activity.payment_type],
        "form.widgets.payment_frequency": [activity.payment_frequency],
        "form.widgets.payment_cost_type": [activity.payment_cost_type],
        "form.widgets.payment_amount": "100,00",
        "form.widgets.service_provider": [activity.service_provider],
        "form.widgets.recipient_type": [activity.recipient_type],
        "form.widgets.recipient_id": activity.recipient_id,
        "form.widgets.recipient_name": activity.recipient_name,
        "form.widgets.payment_method": [activity.payment_method],
        "form.widgets.note": changes.get("note", ""),
        "form.buttons.save": "Gem",
    }
    return data
