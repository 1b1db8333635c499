"""Payments, costs and the instant preview over REST, with exact figures."""

from os2bos_plone.engine import clock
from tests.builders import KOMPASROSEN
from tests.builders import costs
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import field_errors
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import monthly_supplementary
from tests.builders import new_appropriation
from tests.builders import payments
from tests.builders import provider_uid
from tests.builders import uid_at

ZERO_MONTHS = ["0.00"] * 12


def monthly_amounts(figures):
    assert [row["month"] for row in figures["monthly"]] == [
        f"{figures['year']}-{month:02d}" for month in range(1, 13)
    ]
    return [row["amount"] for row in figures["monthly"]]


def test_monthly_plan_payments_are_listed_by_date(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    activity = create_activity(
        admin,
        appropriation["@id"],
        **monthly_main(
            admin,
            start_date="2027-10-15",
            end_date="2028-03-31",
            payment_day_of_month=31,
            payment_amount="1234.5",
        ),
    )
    listing = payments(admin, activity["@id"])
    assert listing["items_total"] == 6
    assert [(item["date"], item["amount"]) for item in listing["items"]] == [
        ("2027-10-31", "1234.50"),
        ("2027-11-30", "1234.50"),
        ("2027-12-31", "1234.50"),
        ("2028-01-31", "1234.50"),
        ("2028-02-29", "1234.50"),
        ("2028-03-31", "1234.50"),
    ]
    first = listing["items"][0]
    assert first == {
        "payment_id": activity["payment_id"],
        "date": "2027-10-31",
        "amount": "1234.50",
        "paid": False,
        "paid_amount": None,
        "paid_date": None,
        "note": "",
        "account_string": "XXX-528211003-700105-XXX",
        "account_alias": "",
    }
    only_2028 = payments(admin, activity["@id"], year=2028)
    assert [item["date"] for item in only_2028["items"]] == [
        "2028-01-31",
        "2028-02-29",
        "2028-03-31",
    ]
    assert only_2028["items_total"] == 3


def test_costs_of_activity_appropriation_and_case_before_and_after_grant(http):
    admin = http()
    case, appropriation = new_appropriation(admin)
    main = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    supplementary = create_activity(admin, appropriation["@id"], **monthly_supplementary(admin))
    # A second appropriation of the case, left as a draft.
    other = create_appropriation(admin, case["@id"])
    create_activity(admin, other["@id"], **monthly_main(admin, payment_amount="999"))

    # Drafts count in neither total; an activity's own figures show what it would cost.
    draft = costs(admin, main["@id"], 2027)
    assert (draft["granted"], draft["expected"], draft["total_cost"]) == (
        "0.00",
        "0.00",
        "120000.00",
    )
    assert monthly_amounts(draft) == ["10000.00"] * 12
    for url in (appropriation["@id"], case["@id"]):
        figures = costs(admin, url, 2027)
        assert (figures["granted"], figures["expected"], figures["total_cost"]) == (
            "0.00",
            "0.00",
            "0.00",
        )
        assert monthly_amounts(figures) == ZERO_MONTHS

    # Submitted for approval: expected, not yet granted.
    submitted = admin.post(f"{supplementary['@id']}/@workflow/submit")
    assert submitted.status_code == 200, submitted.text
    figures = costs(admin, appropriation["@id"], 2027)
    assert (figures["granted"], figures["expected"]) == ("0.00", "5000.00")
    assert monthly_amounts(figures) == ["0.00", "0.00"] + ["500.00"] * 10

    assert grant(admin, appropriation["@id"], [main["UID"], supplementary["UID"]]) == {
        "granted": [main["UID"], supplementary["UID"]]
    }
    expected_months = ["10000.00", "10000.00"] + ["10500.00"] * 10
    for url in (appropriation["@id"], case["@id"]):
        figures = costs(admin, url, 2027)
        assert figures["year"] == 2027
        assert (figures["granted"], figures["expected"], figures["total_cost"]) == (
            "125000.00",
            "125000.00",
            "125000.00",
        )
        assert monthly_amounts(figures) == expected_months
    activity_figures = costs(admin, supplementary["@id"], 2027)
    assert (activity_figures["granted"], activity_figures["expected"]) == ("5000.00", "5000.00")
    assert costs(admin, case["@id"], 2028)["granted"] == "0.00"


def test_cost_preview_prices_an_unsaved_activity(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = f"{appropriation['@id']}/@bos-cost-preview"
    fields = monthly_main(
        admin,
        end_date="2028-06-30",
        payment_amount="1000",
        service_provider=provider_uid(admin, KOMPASROSEN),  # VAT factor 97.00
    )
    response = admin.post(url, json=fields)
    assert response.status_code == 200, response.text
    by_year = {2027: "11640.00", 2028: "5820.00"}
    this_year = clock.today().year
    assert response.json() == {
        "per_payment_amount": "970.00",
        "payments_count": 18,
        "first_payment": "2027-01-01",
        "last_payment": "2028-06-01",
        "this_year": by_year.get(this_year, "0.00"),
        "next_year": by_year.get(this_year + 1, "0.00"),
        "total_cost": "17460.00",
        "annual_cost": "11640.00",
        "vat": {"factor": "97.00", "text": "1.000,00 kr. × 97 % = 970,00 kr."},
        "approval_level": {
            "token": "egenkompetence",
            "title": "Egenkompetence",
            "committee": False,
        },
        "approval_rule": "",
        "measure_annual_cost": "11640.00",
    }

    # A central rate, priced on each payment's date: 2 x 216.00 a day in January 2027.
    rate = uid_at(admin, "regelmotor/takst-kost_logi_under_10")
    daily = monthly_main(
        admin,
        end_date="2027-01-31",
        payment_frequency="daily",
        payment_day_of_month=None,
        payment_cost_type="rate",
        payment_amount=None,
        payment_rate=rate,
        payment_units="2",
    )
    response = admin.post(url, json=daily)
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["per_payment_amount"], preview["payments_count"]) == ("432.00", 31)
    assert preview["total_cost"] == "13392.00"
    assert preview["vat"] is None  # Lindely has no VAT factor (100 %)

    refused = admin.post(url, json={**fields, "start_date": "2029-01-01"})
    assert field_errors(refused) == {
        "start_date": ["Startdatoen skal være før eller samme dag som slutdatoen"]
    }
    # Nothing was saved.
    assert admin.get(appropriation["@id"]).json()["items_total"] == 0


def test_marking_payments_paid(http):
    admin = http()
    finance = http("okonomi-rest", roles=["BOSFinance"])
    worker = http("sagsbehandler-betal", roles=["BOSCaseWorker"])
    _case, appropriation = new_appropriation(admin)
    main = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    salary = create_activity(
        admin,
        appropriation["@id"],
        **monthly_supplementary(
            admin,
            recipient_type="person",
            recipient_id="0101181234",
            recipient_name="Alma Andersen",
            payment_method="sd",
        ),
    )
    paid = {"paid_amount": "9800.00", "paid_date": "2027-02-03", "note": "Faktura 4711"}

    # Payments are registered on granted activities only (the permission is per workflow state).
    draft = finance.post(f"{main['@id']}/@bos-payments/2027-02-01", json=paid)
    assert draft.status_code == 403
    assert (
        draft.json()["message"]
        == "Du har ikke adgang til at registrere betalinger på denne ydelse."
    )

    grant(admin, appropriation["@id"], [main["UID"], salary["UID"]])

    assert worker.post(f"{main['@id']}/@bos-payments/2027-02-01", json=paid).status_code == 403
    assert finance.post(f"{main['@id']}/@bos-payments/2027-02-02", json=paid).status_code == 404
    assert finance.post(f"{main['@id']}/@bos-payments/2027-13-01", json=paid).status_code == 400
    missing = finance.post(f"{main['@id']}/@bos-payments/2027-02-01", json={"note": "x"})
    assert field_errors(missing) == {
        "paid_amount": ["Ved en betalt betaling skal beløb og dato angives"],
        "paid_date": ["Ved en betalt betaling skal beløb og dato angives"],
    }
    sd = finance.post(f"{salary['@id']}/@bos-payments/2027-03-15", json=paid)
    assert field_errors(sd) == {
        "paid": [
            "Kun betalinger med betalingsmåden faktura eller intern afregning kan markeres "
            "betalt manuelt"
        ]
    }

    response = finance.post(f"{main['@id']}/@bos-payments/2027-02-01", json=paid)
    assert response.status_code == 200, response.text
    item = response.json()
    assert (item["paid"], item["paid_amount"], item["paid_date"], item["note"]) == (
        True,
        "9800.00",
        "2027-02-03",
        "Faktura 4711",
    )
    assert (item["amount"], item["paid_by"]) == ("10000.00", "okonomi-rest")

    again = admin.post(
        f"{main['@id']}/@bos-payments/2027-02-01",
        json={"paid_amount": "1.00", "paid_date": "2027-02-04"},
    )
    assert field_errors(again) == {"paid": ["Betalingen er allerede markeret betalt"]}
    one = admin.get(f"{main['@id']}/@bos-payments/2027-02-01").json()
    assert one["paid_amount"] == "9800.00"
    assert [(h["user"], h["paid_amount"]) for h in one["history"]] == [("okonomi-rest", "9800.00")]

    figures = costs(admin, main["@id"], 2027)
    assert (figures["granted"], figures["expected"]) == ("119800.00", "119800.00")
    assert monthly_amounts(figures)[:3] == ["10000.00", "9800.00", "10000.00"]


def test_paid_payment_survives_a_shortened_end_date(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    main = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(admin, appropriation["@id"], [main["UID"]])
    response = admin.post(
        f"{main['@id']}/@bos-payments/2027-05-01",
        json={"paid_amount": "10000.00", "paid_date": "2027-04-28", "note": "Forud"},
    )
    assert response.status_code == 200, response.text

    ended = admin.patch(main["@id"], json={"end_date": "2027-02-28"})
    assert ended.status_code == 204, ended.text
    assert [(item["date"], item["paid"]) for item in payments(admin, main["@id"])["items"]] == [
        ("2027-01-01", False),
        ("2027-02-01", False),
        ("2027-05-01", True),
    ]
    figures = costs(admin, appropriation["@id"], 2027)
    assert (figures["granted"], figures["expected"]) == ("30000.00", "30000.00")
    assert monthly_amounts(figures)[:5] == ["10000.00", "10000.00", "0.00", "10000.00", "0.00"]

    # Extending it again is a new decision (an expected adjustment), refused here: nothing moves.
    extended = admin.patch(main["@id"], json={"end_date": "2027-06-30"})
    assert extended.status_code == 400, extended.text
    assert extended.json()["errors"] == [
        {
            "field": "end_date",
            "message": "Ændringer i en bevilget ydelse laves som en forventet justering",
        }
    ]
    assert [(item["date"], item["paid"]) for item in payments(admin, main["@id"])["items"]] == [
        ("2027-01-01", False),
        ("2027-02-01", False),
        ("2027-05-01", True),
    ]
