"""Builders for the overview tests: cases, grants and activities made in-process."""

import itertools
from datetime import date
from decimal import Decimal

from plone import api
from plone.dexterity.utils import createContentInContainer
from zope.interface import alsoProvides

from os2bos_plone.classification.reader import by_key
from os2bos_plone.engine import clock
from os2bos_plone.interfaces import IOs2BosPloneLayer

_serial = itertools.count(1)

YEAR = clock.today().year
KOMPASROSEN = "97643024"
SOLSIKKE = "93766989"


def uid(portal_type, key):
    obj = by_key(portal_type, key)
    assert obj is not None, (portal_type, key)
    return obj.UID()


def ensure_user(user_id, fullname, roles=()):
    from os2bos_plone.security.users import create_user

    if api.user.get(userid=user_id) is None:
        create_user(user_id, "secret-pw-123", fullname=fullname)
        if roles:
            api.user.grant_roles(username=user_id, roles=list(roles))
    return user_id


def make_case(portal, team="familie_oest", step=3, worker=None, target_group="familie"):
    number = next(_serial)
    return createContentInContainer(
        portal["sager"],
        "bos_case",
        sbsys_id=f"27.24.00-G01-{number}-OV{number:04d}",
        cpr_number="010118-1234",
        title=f"Barn {number}",
        case_worker=worker,
        team=team,
        target_group=target_group,
        district="nord",
        effort_step=step,
        scaling_step=5,
        paying_municipality="151",
        acting_municipality="151",
        residence_municipality="151",
    )


def make_appropriation(case, section="BL-32-1.5"):
    number = next(_serial)
    return createContentInContainer(
        case,
        "bos_appropriation",
        sbsys_id=f"27.24.00-G01-A-{number}-OV{number:04d}",
        section=uid("bos_section", section),
    )


def add_activity(
    appropriation,
    state="granted",
    amount="10000.00",
    start=None,
    end=None,
    service="100206",
    provider=KOMPASROSEN,
    activity_type="main",
    **changes,
):
    """A monthly plan (1st of the month) of ``amount``; this year by default."""
    fields = {
        "service": uid("bos_service", service),
        "activity_type": activity_type,
        "start_date": start or date(YEAR, 1, 1),
        "end_date": end or date(YEAR, 12, 31),
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 1,
        "payment_cost_type": "fixed",
        "payment_amount": Decimal(amount),
        "recipient_type": "company" if provider else "internal",
        "recipient_id": provider or "intern",
        "recipient_name": "Leverandør",
        "service_provider": uid("bos_service_provider", provider) if provider else None,
        "payment_method": "invoice" if provider else "internal",
    }
    fields.update(changes)
    activity = createContentInContainer(appropriation, "bos_activity", **fields)
    if state == "granted":
        api.content.transition(obj=activity, transition="grant")
    elif state == "expected":
        api.content.transition(obj=activity, transition="submit")
    return activity


def view(portal, name, context=None, **form):
    """A browser view of ``context`` (the site by default) with ``form`` on the request."""
    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request.form.clear()
    request.form.update({key: str(value) for key, value in form.items()})
    for key, value in form.items():
        request.set(key, str(value))
    return api.content.get_view(name=name, context=context or portal, request=request)
