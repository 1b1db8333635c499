"""Registering payments as paid is the payment office's job (BOS Økonomi, and Manager): every
door refuses the case worker and the team leader who granted (issue 12, item 2). A paid payment
is never edited: a second registration of the same payment is refused in Danish, by every door
and for everyone, Manager included; the one registration is journaled once."""

from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import payments
from tests.builders import team_users

DAY = "2027-01-01"
PAID = {"paid_amount": "9800.00", "paid_date": "2027-01-03", "note": "Faktura 4711"}
MSG_ALREADY_PAID = "Betalingen er allerede markeret betalt"


def _granted(http, suffix):
    admin = http()
    worker, leader = team_users(http, suffix=suffix)
    finance = http(f"okonomi{suffix}", roles=["BOSFinance"])
    case = create_case(admin, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"])
    main = create_activity(worker, appropriation["@id"], **monthly_main(worker))
    grant(leader, appropriation["@id"], [main["UID"]])
    return admin, worker, leader, finance, case, main


def _paid(session, main):
    return [item["date"] for item in payments(session, main["@id"])["items"] if item["paid"]]


def _journaled_payments(admin, case):
    items = admin.get(f"{case['@id']}/@bos-journal").json()["items"]
    return [item for item in items if item["action"] == "payment_paid"]


def test_case_worker_and_team_leader_find_every_door_closed(http):
    admin, worker, leader, _finance, case, main = _granted(http, "-doors")
    site = admin.base
    for session in (worker, leader):
        # REST: the payment itself
        response = session.post(f"{main['@id']}/@bos-payments/{DAY}", json=PAID)
        assert response.status_code == 403, response.text
        assert response.json()["message"] == (
            "Du har ikke adgang til at registrere betalinger på denne ydelse."
        )
        # the payment office screen and its register form (Classic UI)
        html = {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}
        for url in (f"{site}/@@bos-payments", f"{site}/sager/@@bos-payments"):
            page = session.get(url, headers=html, allow_redirects=False)
            assert page.status_code in (302, 401, 403), (url, page.status_code)
            if page.status_code == 302:
                assert "login" in page.headers["location"]
        for url in (f"{site}/@@bos-payments-register", f"{site}/sager/@@bos-payments-register"):
            form = {"activity": main["UID"], "date": DAY, "paid_amount": "9.800,00"}
            form["paid_date"] = "2027-01-03"
            posted = session.post(url, data=form, headers=html, allow_redirects=False)
            assert posted.status_code in (302, 401, 403), (url, posted.status_code)
            if posted.status_code == 302:
                assert "login" in posted.headers["location"]
        # the activity's own page shows the payments, with no way to register them
        view = session.get(main["@id"], headers={"Accept": "text/html"})
        assert view.status_code == 200
        assert "bos-payments-register" not in view.text
        assert "Registrér som betalt" not in view.text
    assert _paid(admin, main) == []
    assert _journaled_payments(admin, case) == []


def test_a_paid_payment_is_registered_once_and_never_again(http):
    admin, _worker, _leader, finance, case, main = _granted(http, "-once")
    response = finance.post(f"{main['@id']}/@bos-payments/{DAY}", json=PAID)
    assert response.status_code == 200, response.text
    # a correction is not an edit: no one registers the same payment again, Manager included
    for session in (finance, admin):
        again = session.post(
            f"{main['@id']}/@bos-payments/{DAY}",
            json={"paid_amount": "1.00", "paid_date": "2027-01-04", "note": "Rettelse"},
        )
        assert again.status_code == 400, again.text
        assert again.json()["errors"] == [{"field": "paid", "message": MSG_ALREADY_PAID}]
    one = admin.get(f"{main['@id']}/@bos-payments/{DAY}").json()
    assert (one["paid_amount"], one["paid_date"], one["note"]) == (
        "9800.00",
        "2027-01-03",
        "Faktura 4711",
    )
    assert [(h["user"], h["paid_amount"]) for h in one["history"]] == [("okonomi-once", "9800.00")]
    [entry] = _journaled_payments(admin, case)
    assert entry["actor"] == "okonomi-once"
    assert entry["amounts"]["paid_amount"] == "9800.00"


def test_the_payment_office_screen_refuses_a_second_registration_in_danish(manager):
    """The Classic UI door (@@bos-payments-register), as BOS Økonomi with a valid token."""
    from datetime import date

    from plone import api
    from plone.app.testing import login
    from plone.protect.authenticator import createToken
    from Products.statusmessages.interfaces import IStatusMessage
    from zope.interface import alsoProvides

    from os2bos_plone.interfaces import IOs2BosPloneLayer
    from os2bos_plone.payments.paid import paid_history
    from os2bos_plone.security.users import create_user
    from tests.builders import entries_with
    from tests.builders import main_fields
    from tests.builders import make_activity
    from tests.builders import make_appropriation
    from tests.builders import make_case

    create_user("okonomi-screen", "secret-pw-123", fullname="Økonomi")
    api.user.grant_roles(username="okonomi-screen", roles=["BOSFinance"])
    case = make_case(manager)
    activity = make_activity(make_appropriation(case), **main_fields())
    api.content.transition(obj=activity, transition="grant")
    first = min(payment.date for payment in payments_of(activity))

    def register(amount):
        login(manager, "okonomi-screen")
        request = manager.REQUEST
        alsoProvides(request, IOs2BosPloneLayer)
        form = {
            "activity": activity.UID(),
            "date": first.isoformat(),
            "paid_amount": amount,
            "paid_date": first.isoformat(),
            "_authenticator": createToken(),
        }
        request.form.clear()
        request.form.update(form)
        for key, value in form.items():
            request.set(key, value)
        request.method = "POST"
        request.environ["REQUEST_METHOD"] = "POST"
        IStatusMessage(request).show()
        api.content.get_view(name="bos-payments-register", context=manager, request=request)()
        return [(m.type, m.message) for m in IStatusMessage(request).show()]

    assert register("100,00")[0][0] == "info"
    messages = register("1,00")
    assert ("error", MSG_ALREADY_PAID) in messages
    # (the first registration's message is still in the request's cookie)
    assert ("error", "Betalingen blev ikke registreret som betalt:") in messages
    assert [entry["paid_amount"] for entry in paid_history(activity)] == ["100.00"]
    assert len(entries_with(case, "payment_paid")) == 1
    assert isinstance(first, date)


def payments_of(activity):
    from os2bos_plone.payments.store import stored_payments

    return stored_payments(activity)
