"""The nightly jobs (jobs.nightly, 'make jobs'): each does its work once, in order, and a
failing job is reported without stopping the others."""

from datetime import date
from decimal import Decimal

import pytest
import transaction
from plone import api

from os2bos_plone import settings
from os2bos_plone.jobs import nightly
from os2bos_plone.payments.store import stored_payments
from tests.builders import CPR
from tests.builders import entries_with
from tests.builders import granted_main
from tests.builders import parsed
from tests.builders import this_year

OFFICE = "betalingskontoret@kommune.example"


class Savepoints:
    """commit/abort for run(): savepoints, so the test's transaction is never ended."""

    def __init__(self):
        self.savepoint = transaction.savepoint()

    def commit(self):
        self.savepoint = transaction.savepoint()

    def abort(self):
        self.savepoint.rollback()


def run(names, when):
    points = Savepoints()
    lines = []
    results = nightly.run(
        names, when, progress=lines.append, commit=points.commit, abort=points.abort
    )
    return {name: (counts, error) for name, counts, error, _seconds in results}, lines


SD_PERSON = {
    "payment_method": "sd",
    "recipient_type": "person",
    "recipient_id": CPR,
    "recipient_name": "Plejefar",
    "service_provider": None,
}


def test_sd_payments_due_are_marked_paid_once(manager):
    case, activity = granted_main(manager, **SD_PERSON)
    when = date(this_year(), 6, 15)
    results, _lines = run(["mark_paid"], when)
    assert results["mark_paid"] == ({"activities": 1, "payments": 6}, None)
    paid = [p for p in stored_payments(activity) if p.paid]
    assert [p.date for p in paid] == [date(this_year(), month, 1) for month in range(1, 7)]
    assert all(p.paid_amount == p.amount and p.paid_date == p.date for p in paid)
    assert len(entries_with(case, "payment_paid")) == 6
    again, _lines = run(["mark_paid"], when)
    assert again["mark_paid"] == ({"activities": 0, "payments": 0}, None)


def test_invoiced_and_person_cash_payments_are_left_alone(manager):
    _case, invoiced = granted_main(manager)
    _case, person_cash = granted_main(manager, **dict(SD_PERSON, payment_method="cash"))
    results, _lines = run(["mark_paid"], date(this_year(), 6, 15))
    assert results["mark_paid"][0]["payments"] == 0
    assert not any(p.paid for p in stored_payments(invoiced) + stored_payments(person_cash))


def test_expired_activities_are_told_once(manager, mailhost):
    settings.reader.write(payment_office_email=OFFICE)
    _case, activity = granted_main(manager, end_date=date(this_year(), 6, 30))
    before = len(mailhost.messages)
    results, _lines = run(["expired"], date(this_year(), 7, 1))
    assert results["expired"][0]["mails"] == 1
    subjects = [parsed(message)[1] for message in mailhost.messages[before:]]
    assert subjects == [f"Aktivitet udgået - {CPR}"]
    again, _lines = run(["expired"], date(this_year(), 7, 2))
    assert again["expired"][0]["mails"] == 0
    # an activity still running is not told
    assert len(mailhost.messages) == before + 1


def _rate(portal, amount):
    brain = api.content.find(portal_type="bos_rate", bos_key="kost_logi_under_10")[0]
    rate = brain.getObject()
    rate.periods = [{"start_date": date(this_year(), 1, 1), "end_date": None, "amount": amount}]
    return rate


def test_a_changed_rate_reprices_unpaid_payments_and_journals_it(manager):
    rate = _rate(manager, Decimal("200.00"))
    case, activity = granted_main(
        manager,
        payment_cost_type="rate",
        payment_rate=rate.UID(),
        payment_units=Decimal("30"),
        payment_amount=None,
        service_provider=None,
        recipient_type="internal",
        recipient_id="familiehuset",
        payment_method="internal",
    )
    assert {p.amount for p in stored_payments(activity)} == {Decimal("6000.00")}
    first, _lines = run(["reprice"], date(this_year(), 3, 1))
    assert first["reprice"] == ({"rates": 0, "activities": 0, "repriced": 0}, None)
    year = this_year()
    rate.periods = [
        {"start_date": date(year, 1, 1), "end_date": date(year, 7, 1), "amount": Decimal("200")},
        {"start_date": date(year, 7, 1), "end_date": None, "amount": Decimal("210.50")},
    ]
    results, _lines = run(["reprice"], date(year, 3, 1))
    assert results["reprice"] == ({"rates": 1, "activities": 1, "repriced": 1}, None)
    amounts = {p.date.month: p.amount for p in stored_payments(activity)}
    assert amounts[6] == Decimal("6000.00") and amounts[7] == Decimal("6315.00")
    [entry] = entries_with(case, "payments_repriced")
    assert entry.data["before"] == {str(year): "72000.00"}
    assert entry.data["after"] == {str(year): "73890.00"}
    assert "72.000,00 kr. → 73.890,00 kr." in entry.title
    again, _lines = run(["reprice"], date(year, 3, 1))
    assert again["reprice"][0]["rates"] == 0


def test_a_failing_job_is_reported_and_the_others_run(manager, monkeypatch):
    def broken(when, progress, checkpoint):
        raise RuntimeError("disken er fuld")

    jobs = tuple(
        nightly.Job(job.name, job.title, broken) if job.name == "expired" else job
        for job in nightly.JOBS
    )
    monkeypatch.setattr(nightly, "JOBS", jobs)
    results, lines = run(["expired", "renew"], date(this_year(), 6, 15))
    assert results["expired"] == (None, "RuntimeError: disken er fuld")
    assert results["renew"][1] is None
    assert any("FEJL" in line for line in lines)


def test_unknown_jobs_are_refused():
    with pytest.raises(nightly.UnknownJob, match="Ukendt job: nope"):
        nightly.selected(["nope"])
