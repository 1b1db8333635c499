"""Two instances on one storage (a real ZEO server, a real PostgreSQL 15 with RelStorage), over
real HTTP: what one instance writes the other serves, letters (blobs) included; the nightly jobs
run as one more client while both serve; parallel grants and parallel edits through both never
answer 500 and never lose an update."""

import csv
import hashlib
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import requests

from tests.builders import costs
from tests.builders import create_activity
from tests.builders import grant
from tests.builders import in_parallel
from tests.builders import journal_of
from tests.builders import letters_of
from tests.builders import monthly_main
from tests.builders import new_appropriation
from tests.builders import payments
from tests.builders import state_of


def draft_activity(session, **changes):
    """A case with an appropriation and one draft main activity (2027, monthly): its URLs."""
    case, appropriation = new_appropriation(session)
    activity = create_activity(session, appropriation["@id"], **monthly_main(session, **changes))
    return case["@id"], appropriation["@id"], activity["UID"], activity["@id"]


def test_what_one_instance_writes_the_other_serves(cluster):
    a, b = cluster.a.session(), cluster.b.session()
    case_url, appropriation_url, uid, activity_url = draft_activity(a)
    on_b = cluster.other(activity_url, cluster.b)
    assert state_of(b, on_b) == "draft"
    assert grant(a, appropriation_url, [uid]) == {"granted": [uid]}
    # The decision through the other instance: state, journal, the letter and its PDF (a blob).
    assert state_of(b, on_b) == "granted"
    (decision,) = journal_of(b, cluster.other(case_url, cluster.b), "activities_granted")
    (letter,) = letters_of(b, cluster.other(case_url, cluster.b))
    pdfs = [
        session.get(f"{cluster.other(letter['@id'], instance)}/@@download/file", timeout=60)
        for session, instance in ((b, cluster.b), (a, cluster.a))
    ]
    for pdf in pdfs:
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdfs[0].content == pdfs[1].content
    assert hashlib.sha256(pdfs[0].content).hexdigest() == decision["letter_sha256"]
    # A payment registered paid through B is paid through A, journaled in the case.
    response = b.post(
        f"{on_b}/@bos-payments/2027-01-01",
        json={"paid_amount": "9800.00", "paid_date": "2027-01-04", "note": "Faktura 4711"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    (paid,) = [p for p in payments(a, activity_url, 2027)["items"] if p["date"] == "2027-01-01"]
    assert (paid["paid"], paid["paid_amount"], paid["paid_date"]) == (True, "9800.00", "2027-01-04")
    assert paid["paid_by"] == "admin"
    assert len(journal_of(a, case_url, "payment_paid")) == 1


def test_the_nightly_jobs_run_as_one_more_client_while_both_serve(cluster):
    a, b = cluster.a.session(), cluster.b.session()
    # Through SD to a person: paid by the jobs (mark_paid) on its date.
    case_url, appropriation_url, uid, activity_url = draft_activity(
        a,
        payment_method="sd",
        recipient_type="person",
        recipient_id="0101181234",
        recipient_name="Plejefar",
        service_provider=None,
    )
    grant(a, appropriation_url, [uid])
    answers, stop = [], threading.Event()

    def browse(session, url):
        while not stop.is_set():
            answers.append(session.get(url, timeout=60).status_code)
            time.sleep(0.2)

    readers = [
        threading.Thread(target=browse, args=(a, activity_url)),
        threading.Thread(
            target=browse, args=(b, cluster.other(f"{case_url}/@bos-costs", cluster.b))
        ),
    ]
    for reader in readers:
        reader.start()
    try:
        result = cluster.jobs.zconsole("run_jobs.py", DATE="2027-01-02")
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mark_paid" in result.stdout
    assert answers and set(answers) == {200}, answers
    on_b = cluster.other(activity_url, cluster.b)
    (paid,) = [p for p in payments(b, on_b, 2027)["items"] if p["date"] == "2027-01-01"]
    assert paid["paid"] and paid["paid_amount"] == "10000.00"
    assert len(journal_of(b, cluster.other(case_url, cluster.b), "payment_paid")) == 1


def overview_total(instance, year=2027):
    """(granted, expected) of the manager overview's total row (its CSV export by section):
    read from the running sums every decision adds to (management.ledger)."""
    response = instance.session().get(
        f"{instance.base}/@@bos-overview-export",
        params={"table": "section", "format": "csv", "year": year},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, total = rows[0], rows[-1]
    columns = [header.index(f"Bevilget {year}"), header.index(f"Forventet {year}")]
    return tuple(Decimal(total[column].replace(",", ".") or "0") for column in columns)


def test_twenty_parallel_grants_through_both_instances_all_succeed(cluster):
    instances = [cluster.a, cluster.b]
    with ThreadPoolExecutor(4) as pool:  # two clients per instance build the cases
        built = list(pool.map(lambda i: draft_activity(instances[i % 2].session()), range(20)))
    before = overview_total(cluster.a)

    def post_grant(i):
        instance = instances[i % 2]
        _case, appropriation_url, uid, _activity = built[i]
        return instance.session().post(
            f"{cluster.other(appropriation_url, instance)}/@bos-grant",
            json={"activities": [uid], "approval_level": "teamleder", "approval_note": "Samtidig"},
            timeout=180,
        )

    responses = in_parallel([lambda i=i: post_grant(i) for i in range(20)])
    for response, (_case, _url, uid, _activity) in zip(responses, built, strict=True):
        assert isinstance(response, requests.Response), response
        assert response.status_code == 200, response.text
        assert response.json() == {"granted": [uid]}
    for i, (case_url, _url, _uid, activity_url) in enumerate(built):
        instance = instances[(i + 1) % 2]  # read through the instance that did not grant it
        session = instance.session()
        assert state_of(session, cluster.other(activity_url, instance)) == "granted"
        assert (
            len(journal_of(session, cluster.other(case_url, instance), "activities_granted")) == 1
        )
        assert len(letters_of(session, cluster.other(case_url, instance))) == 1
    # The overview's sums were written by all 20 decisions at once (merged by the storage's
    # conflict resolution, on the ZEO server or in the RelStorage client): none is lost.
    granted = sum(
        (
            Decimal(costs(instances[i % 2].session(), url, 2027)["granted"])
            for i, (url, *_rest) in enumerate(built)
        ),
        Decimal("0"),
    )
    assert granted > 0
    for instance in instances:
        after = overview_total(instance)
        assert after[0] - before[0] == granted
        assert after[1] - before[1] == granted


def test_parallel_edits_of_one_activity_never_lose_an_update(cluster):
    a = cluster.a.session()
    case_url, appropriation_url, uid, activity_url = draft_activity(a)
    grant(a, appropriation_url, [uid])
    instances = [cluster.a, cluster.b]

    def patch_all(values, field):
        def patch(i):
            instance = instances[i % 2]
            return instance.session().patch(
                cluster.other(activity_url, instance), json={field: values[i]}, timeout=180
            )

        responses = in_parallel([lambda i=i: patch(i) for i in range(len(values))])
        assert all(isinstance(r, requests.Response) for r in responses), responses
        for response in responses:
            assert response.status_code != 500, response.text
            if response.status_code == 409:
                assert response.json()["type"] == "Conflict", response.text
        return responses

    def current():
        response = cluster.b.session().get(cluster.other(activity_url, cluster.b), timeout=60)
        return response.json()

    # The note: each edit is saved or answers 409; the note left is one that was saved.
    notes = [f"Note {i}" for i in range(10)]
    responses = patch_all(notes, "note")
    codes = [r.status_code for r in responses]
    assert set(codes) <= {204, 409}, [(r.status_code, r.text) for r in responses]
    saved = {notes[i] for i, code in enumerate(codes) if code == 204}
    assert saved and current()["note"] in saved

    # The end date, moved earlier (journaled): a later date than the one already saved is
    # refused in Danish (a new decision), never a 500; the journal holds one entry per saved
    # date, each from the date before it, ending at the activity's end date.
    end_dates = [f"2027-{month:02d}-28" for month in range(2, 12)]
    responses = patch_all(end_dates, "end_date")
    final = current()["end_date"][:10]
    written = set()
    for end_date, response in zip(end_dates, responses, strict=True):
        if response.status_code == 204:
            written.add(end_date)
        elif response.status_code == 400:
            assert "forventet justering" in response.text, response.text
            assert final < end_date
        else:
            assert response.status_code == 409, response.text
    assert final in written and final == min(written)
    changes = [
        entry["data"]["changes"]["end_date"]
        for entry in journal_of(a, case_url, "activity_plan_changed")
    ]
    assert len(changes) == len(written), changes
    before = "2027-12-31"
    for old, new in reversed(changes):  # the journal lists the newest first
        assert str(old)[:10] == before, changes
        before = str(new)[:10]
    assert before == final
    assert {str(new)[:10] for _old, new in changes} == written
