"""Accounting over REST: account_number, account_string and account_alias on the activity (read
only) and on each payment of @bos-payments; a paid payment keeps the ones it was paid on."""

import transaction
from zope.lifecycleevent import modified

from os2bos_plone.classification.reader import by_key
from tests.builders import create_activity
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import new_appropriation
from tests.builders import payments

MAIN_ACCOUNT = "528211003-700105"


def test_activity_accounts_are_read_only(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    activity = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    assert activity["account_number"] == MAIN_ACCOUNT
    assert activity["account_string"] == f"XXX-{MAIN_ACCOUNT}-XXX"
    assert activity["account_alias"] == ""

    changed = admin.patch(
        activity["@id"],
        json={
            "account_number": "1-2",
            "account_string": "X-1-2-X",
            "account_alias": "BOS9",
            "payment_amount": "750",
        },
    )
    assert changed.status_code == 204, changed.text
    fetched = admin.get(activity["@id"]).json()
    assert fetched["payment_amount"] == "750.00"
    assert fetched["account_number"] == MAIN_ACCOUNT
    assert fetched["account_string"] == f"XXX-{MAIN_ACCOUNT}-XXX"
    assert fetched["account_alias"] == ""


def test_payments_carry_their_accounts_and_paid_ones_keep_them(http, functional_portal):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    activity = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(admin, appropriation["@id"], [activity["UID"]])
    items = payments(admin, activity["@id"])["items"]
    assert items and all(item["account_string"] == f"XXX-{MAIN_ACCOUNT}-XXX" for item in items)
    assert all(item["account_alias"] == "" for item in items)
    first = items[0]["date"]

    response = admin.post(
        f"{activity['@id']}/@bos-payments/{first}",
        json={"paid_amount": items[0]["amount"], "paid_date": first},
    )
    assert response.status_code == 200, response.text
    assert response.json()["account_string"] == f"XXX-{MAIN_ACCOUNT}-XXX"

    # The service is moved to another main account afterwards.
    transaction.begin()  # see what the server thread committed
    service = by_key("bos_service", "100206")
    rows = [dict(row) for row in service.sections]
    for row in rows:
        if row["section"] == "BL-32-1.5":
            row["main_account_number"] = "528211077"
    service.sections = rows
    modified(service)
    transaction.commit()

    assert admin.get(activity["@id"]).json()["account_number"] == "528211077-700105"
    by_date = {item["date"]: item for item in payments(admin, activity["@id"])["items"]}
    assert by_date[first]["account_string"] == f"XXX-{MAIN_ACCOUNT}-XXX"
    assert all(
        item["account_string"] == "XXX-528211077-700105-XXX"
        for day, item in by_date.items()
        if day != first
    )
    one = admin.get(f"{activity['@id']}/@bos-payments/{first}").json()
    assert one["account_string"] == f"XXX-{MAIN_ACCOUNT}-XXX"
    assert one["account_alias"] == ""
