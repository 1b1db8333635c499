"""Mails to the payment office about the activities it pays (spec 3.5), and the mail log."""

from datetime import date

import pytest
import transaction
from plone import api
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone import settings
from os2bos_plone.outbox import log
from tests.builders import CHILD_NAME
from tests.builders import CPR
from tests.builders import grant_decision
from tests.builders import granted_main
from tests.builders import internal_main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import parsed
from tests.builders import this_year

OFFICE = "betalingskontoret@kommune.example"


@pytest.fixture
def office(portal):
    settings.reader.write(payment_office_email=OFFICE)
    return OFFICE


def _office_mails(mailhost):
    return [mail for mail in map(parsed, mailhost.messages) if mail[0] == OFFICE]


def test_a_granted_invoiced_plan_is_announced(manager, mailhost, office):
    _case, activity = granted_main(manager)
    mails = _office_mails(mailhost)
    assert len(mails) == 1
    _to, subject, body = mails[0]
    assert subject == f"Aktivitet oprettet - {CPR}"
    year = this_year()
    for line in (
        "Aktivitet: Familiebehandling",
        "Aktivitetstype: Hovedydelse",
        f"Barnets CPR nummer: {CPR}",
        f"Barnets navn: {CHILD_NAME}",
        f"Start dato: 1. januar {year}",
        f"Slut dato: 31. december {year}",
        "Beløb: 9.700,00 kr. (kan ændre sig over tid)",  # the provider's 97 % VAT factor
        "Betalingstype: Månedligt den 1.",
        "Afregningsenhed: Fast beløb",
        f"BetalingsID: {activity.payment_id}",
        "Fiktiv: Nej",
        "Navn: Kompasrosen",
        "Modtagertype: Firma",
        "Betalingsmåde: Faktura",
    ):
        assert line in body.splitlines(), line
    # and the mail is in the mail log
    logged = [entry for entry in log.entries() if entry["to"] == OFFICE]
    assert [(entry["subject"], entry["sent"], entry["kind"]) for entry in logged] == [
        (subject, True, "payment_office")
    ]


@pytest.mark.parametrize(
    ("fields", "announced"),
    [
        ({}, True),
        ({"fictive": True}, False),
        ({"payment_type": "one_time", "payment_date": date(2026, 3, 1)}, False),
        ({"payment_method": "sd", "recipient_type": "person", "recipient_id": CPR}, True),
    ],
)
def test_which_activities_concern_the_payment_office(manager, mailhost, office, fields, announced):
    if fields.get("payment_type") == "one_time":
        fields = dict(fields, payment_frequency=None, payment_day_of_month=None)
        fields["payment_date"] = date(this_year(), 3, 1)
    granted_main(manager, **fields)
    assert bool(_office_mails(mailhost)) is announced


def test_internal_payments_are_not_announced_but_sd_is(manager, mailhost, office):
    case = make_case(manager)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **internal_main_fields())
    grant_decision(appropriation, [activity])
    assert _office_mails(mailhost) == []


def test_ending_a_granted_activity_earlier_is_announced_once(manager, mailhost, office):
    _case, activity = granted_main(manager)
    activity.end_date = date(this_year(), 6, 30)
    notify(ObjectModifiedEvent(activity))
    notify(ObjectModifiedEvent(activity))  # a second event with nothing new tells nothing
    subjects = [subject for _to, subject, _body in _office_mails(mailhost)]
    assert subjects == [f"Aktivitet oprettet - {CPR}", f"Aktivitet opdateret - {CPR}"]
    body = _office_mails(mailhost)[-1][2]
    assert f"Slut dato: 30. juni {this_year()}" in body.splitlines()


def test_a_note_is_no_news_for_the_payment_office(manager, mailhost, office):
    _case, activity = granted_main(manager)
    activity.note = "Forældrene er orienteret"
    notify(ObjectModifiedEvent(activity))
    assert len(_office_mails(mailhost)) == 1


def test_no_address_no_mail(manager, mailhost):
    settings.reader.write(payment_office_email="")
    granted_main(manager)
    assert all("Aktivitet" not in subject for _to, subject, _body in map(parsed, mailhost.messages))


def test_a_refused_mail_is_logged_as_not_sent(manager, mailhost, office, monkeypatch):
    def refuse(**kwargs):
        raise ValueError("Mailserveren er ikke sat op")

    monkeypatch.setattr(api.portal, "send_email", refuse)
    granted_main(manager)
    logged = [entry for entry in log.entries() if entry["to"] == OFFICE]
    assert len(logged) == 1
    assert logged[0]["sent"] is False
    assert "ikke sat op" in logged[0]["error"]


def test_the_mail_log_rest_and_screen(http, functional_portal, monkeypatch):
    log.record(OFFICE, f"Aktivitet oprettet - {CPR}", "Sagsoplysninger", sent=True)
    transaction.commit()
    for username, role in (("mail-finance", "BOSFinance"), (None, None)):
        session = http(username, roles=[role] if role else [])
        response = session.get(f"{session.base}/@bos-mail-log", params={"since": "2000-01-01"})
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert items[0]["to"] == OFFICE and items[0]["sent"] is True
        assert items[0]["subject"] == f"Aktivitet oprettet - {CPR}"
        screen = session.get(f"{session.base}/@@bos-mail-log", headers={"Accept": "text/html"})
        assert screen.status_code == 200 and "Aktivitet oprettet" in screen.text
        payments_screen = session.get(
            f"{session.base}/@@bos-payments", headers={"Accept": "text/html"}
        )
        assert "@@bos-mail-log" in payments_screen.text  # linked from the payment office
    bad = http().get(f"{functional_portal.absolute_url()}/@bos-mail-log", params={"since": "x"})
    assert bad.status_code == 400 and "Ugyldig dato" in bad.text
    for username, role in (("mail-worker", "BOSCaseWorker"), ("mail-leader", "BOSManagement")):
        session = http(username, roles=[role])
        assert session.get(f"{session.base}/@bos-mail-log").status_code in (401, 403)
    import requests

    anonymous = requests.get(
        f"{functional_portal.absolute_url()}/@bos-mail-log", headers={"Accept": "application/json"}
    )
    assert anonymous.status_code == 401
    assert CPR not in anonymous.text


def test_the_period_filter(manager):
    log.record(OFFICE, "A", "", sent=True)
    assert [entry["subject"] for entry in log.entries(since=date(2000, 1, 1))] == ["A"]
    assert log.entries(until=date(2000, 1, 1)) == []
