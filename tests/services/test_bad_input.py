"""Bad input gets a clear Danish answer and changes nothing (issue 12, item 3).

Each input that answered 500, an English message, or was accepted though absurd, answers 400
with a Danish message per field (REST field names) and leaves the site as it was."""

from datetime import date
from decimal import Decimal

import pytest

from os2bos_plone.engine.payments import CostType
from os2bos_plone.engine.payments import Frequency
from os2bos_plone.engine.payments import PaymentPlan
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.payments import generate_payments
from os2bos_plone.engine.payments import synchronize_granted
from tests.builders import case_fields
from tests.builders import create_activity
from tests.builders import create_case
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import new_appropriation
from tests.builders import payments

BAD_JSON = "Forespørgslen skal indeholde et gyldigt JSON-objekt."
INVALID_AMOUNT = "Ugyldigt beløb"
DATE_RANGE = "Datoen skal ligge mellem 01.01.2000 og 31.12.2099"
ENGLISH = (
    "Required input is missing",
    "Constraint not satisfied",
    "Value is too",
    "is a required field",
    "invalid literal",
    "No JSON object could be decoded",
    "Object is of wrong type",
    "arg is an empty sequence",
    "Traceback",
)


@pytest.fixture(autouse=True)
def decided_in_december_2026(frozen_today):
    frozen_today(date(2026, 12, 2))


def errors_of(response):
    """{field: [messages]} of a 400 in the product's error shape, with no English in it."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"type", "message", "errors"}, body
    assert body["type"] == "ValidationError", body
    result = {}
    for error in body["errors"]:
        assert set(error) == {"field", "message"}, body
        assert error["message"], body
        assert not any(english in error["message"] for english in ENGLISH), body
        result.setdefault(error["field"], []).append(error["message"])
    assert not any(english in body["message"] for english in ENGLISH), body
    return result


@pytest.fixture
def granted(http):
    """(admin, finance, case, appropriation, a granted monthly main activity)."""
    admin = http()
    finance = http("okonomi-input", roles=["BOSFinance"])
    case, appropriation = new_appropriation(admin)
    main = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(admin, appropriation["@id"], [main["UID"]])
    return admin, finance, case, appropriation, main


def snapshot(session, url):
    body = session.get(url).json()
    return {k: v for k, v in body.items() if k not in ("@components",)}


def test_malformed_json_to_a_content_post(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    for body in ('{"@type": "bos_activity", ', "nej", "[1, 2]", '"tekst"', "{]"):
        assert errors_of(admin.post(url, data=body)) == {"": [BAD_JSON]}
    assert errors_of(admin.post(f"{admin.base}/sager", data="{")) == {"": [BAD_JSON]}
    assert admin.get(url).json()["items_total"] == 0


def test_deeply_nested_json(granted):
    admin, finance, case, appropriation, main = granted
    nested = '{"a": ' * 50000 + "1" + "}" * 50000
    for url in (
        appropriation["@id"],
        f"{appropriation['@id']}/@bos-cost-preview",
        f"{admin.base}/sager",
        f"{main['@id']}/@bos-payments/2027-02-01",
    ):
        assert errors_of(admin.post(url, data=nested)) == {"": [BAD_JSON]}, url
    assert errors_of(admin.patch(case["@id"], data=nested)) == {"": [BAD_JSON]}
    # Nested, but not too deep for the reader: a value of the wrong type, per field.
    deep = {"x": [[[[{"y": [1, {"z": None}]}]]]]}
    response = admin.post(
        appropriation["@id"],
        json={"@type": "bos_activity", **monthly_main(admin, payment_amount=deep)},
    )
    assert errors_of(response) == {"payment_amount": [INVALID_AMOUNT]}
    assert payments(admin, main["@id"])["items_total"] == 12


@pytest.mark.parametrize("amount", ["1e30", "NaN", "Infinity", "1e3", "-1e30", 1e30, 10**15])
def test_absurd_amounts_on_create_patch_and_preview(http, amount):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    fields = monthly_main(admin, payment_amount=amount)
    assert errors_of(admin.post(url, json={"@type": "bos_activity", **fields})) == {
        "payment_amount": [INVALID_AMOUNT]
    }
    assert errors_of(admin.post(f"{url}/@bos-cost-preview", json=fields)) == {
        "payment_amount": [INVALID_AMOUNT]
    }
    draft = create_activity(admin, url, **monthly_main(admin))
    assert errors_of(admin.patch(draft["@id"], json={"payment_amount": amount})) == {
        "payment_amount": [INVALID_AMOUNT]
    }
    assert admin.get(draft["@id"]).json()["payment_amount"] == "10000.00"
    assert admin.get(url).json()["items_total"] == 1


@pytest.mark.parametrize("units", ["1e30", 10**15, "1000000000000000", "NaN"])
def test_absurd_units(http, units):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    fields = monthly_main(
        admin,
        payment_cost_type="per_unit",
        payment_amount=None,
        payment_units=units,
        payment_prices=[{"start_date": "2027-01-01", "amount": "100"}],
    )
    assert errors_of(admin.post(url, json={"@type": "bos_activity", **fields})) == {
        "payment_units": [INVALID_AMOUNT]
    }
    assert errors_of(admin.post(f"{url}/@bos-cost-preview", json=fields)) == {
        "payment_units": [INVALID_AMOUNT]
    }
    assert admin.get(url).json()["items_total"] == 0


@pytest.mark.parametrize("amount", ["1e30", "NaN", 1e30, 10**15, "-5.00", {"a": 1}, [1]])
def test_absurd_paid_amounts(granted, amount):
    admin, finance, _case, _appropriation, main = granted
    url = f"{main['@id']}/@bos-payments/2027-02-01"
    response = finance.post(url, json={"paid_amount": amount, "paid_date": "2027-02-03"})
    assert list(errors_of(response)) == ["paid_amount"]
    assert admin.get(url).json()["paid"] is False


@pytest.mark.parametrize("paid_date", ["0001-01-01", "9999-12-31", {"a": 1}, 20270203])
def test_absurd_paid_dates(granted, paid_date):
    admin, finance, _case, _appropriation, main = granted
    url = f"{main['@id']}/@bos-payments/2027-02-01"
    response = finance.post(url, json={"paid_amount": "100.00", "paid_date": paid_date})
    assert list(errors_of(response)) == ["paid_date"]
    assert admin.get(url).json()["paid"] is False


def test_payment_note_must_be_short_text(granted):
    admin, finance, _case, _appropriation, main = granted
    url = f"{main['@id']}/@bos-payments/2027-02-01"
    paid = {"paid_amount": "100.00", "paid_date": "2027-02-03"}
    assert list(errors_of(finance.post(url, json={**paid, "note": {"a": 1}}))) == ["note"]
    assert list(errors_of(finance.post(url, json={**paid, "note": "x" * 10001}))) == ["note"]
    assert admin.get(url).json()["paid"] is False


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"start_date": "9999-01-01", "end_date": "9999-12-31"}, "start_date"),
    ],
)
def test_dates_of_year_1_and_9999(http, changes, field):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    fields = monthly_main(admin, **changes)
    errors = errors_of(admin.post(url, json={"@type": "bos_activity", **fields}))
    assert DATE_RANGE in errors[field], errors
    errors = errors_of(admin.post(f"{url}/@bos-cost-preview", json=fields))
    assert DATE_RANGE in errors[field], errors
    draft = create_activity(admin, url, **monthly_main(admin))
    errors = errors_of(admin.patch(draft["@id"], json=changes))
    assert DATE_RANGE in errors[field], errors
    assert admin.get(draft["@id"]).json()["end_date"] == "2027-12-31"
    assert admin.get(url).json()["items_total"] == 1


def test_payment_prices_not_a_list(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    for prices in ("x", 5, {"a": 1}, ["x"], [{"start_date": "x", "amount": "1e30"}]):
        fields = monthly_main(
            admin,
            payment_cost_type="per_unit",
            payment_amount=None,
            payment_units="2",
            payment_prices=prices,
        )
        response = admin.post(url, json={"@type": "bos_activity", **fields})
        assert "payment_prices" in errors_of(response), prices
        response = admin.post(f"{url}/@bos-cost-preview", json=fields)
        assert "payment_prices" in errors_of(response), prices
    assert admin.get(url).json()["items_total"] == 0


def test_individual_payments_on_a_running_plan(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    rows = [{"date": "2027-05-01", "amount": "100.00"}]
    fields = monthly_main(admin, individual_payments=rows)
    errors = errors_of(admin.post(url, json={"@type": "bos_activity", **fields}))
    assert errors == {
        "individual_payments": [
            "Enkeltbetalinger kan kun angives ved betalingstypen individuel betalingsplan"
        ]
    }
    draft = create_activity(admin, url, **monthly_main(admin))
    errors = errors_of(admin.patch(draft["@id"], json={"individual_payments": rows}))
    assert list(errors) == ["individual_payments"]
    assert admin.get(draft["@id"]).json()["individual_payments"] in ([], None)
    assert admin.get(url).json()["items_total"] == 1
    # Sending none on a running plan is fine.
    assert admin.patch(draft["@id"], json={"individual_payments": []}).status_code == 204


def test_individual_payment_rows_must_be_readable(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    base = monthly_main(
        admin,
        activity_type="supplementary",
        payment_type="individual",
        payment_frequency=None,
        payment_day_of_month=None,
        payment_cost_type=None,
        payment_amount=None,
    )
    for rows in (
        "x",
        [{"date": "2027-05-01", "amount": "1e30"}],
        [{"date": "0001-05-01", "amount": "10"}],
        [{"date": "2027-05-01"}],
        [5],
    ):
        body = {"@type": "bos_activity", **base, "individual_payments": rows}
        response = admin.post(url, json=body)
        assert "individual_payments" in errors_of(response), rows
    assert admin.get(url).json()["items_total"] == 0


def test_long_texts_are_refused(http):
    admin = http()
    name = "Å" * 1_000_000
    errors = errors_of(admin.post(f"{admin.base}/sager", json=case_fields(title=name)))
    assert errors == {"title": ["Teksten er for lang (højst 200 tegn)."]}
    case = create_case(admin)
    response = admin.patch(case["@id"], json={"title": "x" * 201})
    assert errors_of(response) == {"title": ["Teksten er for lang (højst 200 tegn)."]}
    assert admin.get(case["@id"]).json()["title"] == "Alma Andersen"

    _case, appropriation = new_appropriation(admin)
    notes = "n" * 5_000_000
    fields = monthly_main(admin, note=notes)
    response = admin.post(appropriation["@id"], json={"@type": "bos_activity", **fields})
    assert errors_of(response) == {"note": ["Teksten er for lang (højst 10000 tegn)."]}
    fields = monthly_main(admin, recipient_name="r" * 201)
    response = admin.post(appropriation["@id"], json={"@type": "bos_activity", **fields})
    assert errors_of(response) == {"recipient_name": ["Teksten er for lang (højst 200 tegn)."]}
    assert admin.get(appropriation["@id"]).json()["items_total"] == 0
    response = admin.patch(appropriation["@id"], json={"note": "n" * 10001})
    assert errors_of(response) == {"note": ["Teksten er for lang (højst 10000 tegn)."]}
    # At the bound, it is accepted.
    create_activity(
        admin,
        appropriation["@id"],
        **monthly_main(admin, note="n" * 10000, recipient_name="r" * 200),
    )


@pytest.mark.parametrize("note", [{"tekst": "ok"}, ["a"], 5, "x" * 10001])
def test_approval_note_must_be_short_text(http, note):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    main = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    response = admin.post(
        f"{appropriation['@id']}/@bos-grant",
        json={"activities": [main["UID"]], "approval_level": "teamleder", "approval_note": note},
    )
    assert list(errors_of(response)) == ["approval_note"]
    response = admin.post(
        f"{appropriation['@id']}/@bos-submit", json={"activities": [main["UID"]], "comment": note}
    )
    assert list(errors_of(response)) == ["comment"]
    response = admin.post(f"{main['@id']}/@workflow/grant", json={"comment": note})
    assert list(errors_of(response)) == ["comment"]
    assert admin.get(main["@id"]).json()["review_state"] == "draft"


def test_negative_paid_amount(granted):
    admin, finance, _case, _appropriation, main = granted
    url = f"{main['@id']}/@bos-payments/2027-02-01"
    response = finance.post(url, json={"paid_amount": "-100.00", "paid_date": "2027-02-03"})
    assert errors_of(response) == {"paid_amount": ["Det betalte beløb må ikke være negativt"]}
    assert admin.get(url).json()["paid"] is False
    ok = finance.post(url, json={"paid_amount": "0.00", "paid_date": "2027-02-03"})
    assert ok.status_code == 200, ok.text


def test_adjustment_that_leaves_the_original_without_payments(http):
    """The original pays on the 15th from 1 January; an adjustment from 10 January leaves it
    running 1-9 January with no payment. Granting it answered 500 (max() of nothing)."""
    admin = http()
    _case, appropriation = new_appropriation(admin)
    main = create_activity(
        admin, appropriation["@id"], **monthly_main(admin, payment_day_of_month=15)
    )
    grant(admin, appropriation["@id"], [main["UID"]])
    response = admin.post(
        f"{main['@id']}/@bos-adjustment",
        json={"start_date": "2027-01-10", "payment_amount": "12000.00"},
    )
    assert response.status_code in (201, 400), response.text
    if response.status_code == 400:
        assert list(errors_of(response)) == ["start_date"]
        return
    adjustment = response.json()
    before = payments(admin, main["@id"])
    response = admin.post(
        f"{appropriation['@id']}/@bos-grant",
        json={"activities": [adjustment["UID"]], "approval_level": "teamleder"},
    )
    assert response.status_code == 400, response.text
    errors = errors_of(response)
    assert any("ingen betalinger" in message for message in sum(errors.values(), [])), errors
    assert payments(admin, main["@id"]) == before
    assert admin.get(adjustment["@id"]).json()["review_state"] == "expected"


def test_a_granted_plan_cut_before_its_first_payment_keeps_none():
    """The engine's side of the cut: a running plan whose new end lies before its first
    payment keeps no payment (it failed with max() of nothing)."""

    def plan(end):
        return PaymentPlan(
            payment_type=PaymentType.RUNNING,
            frequency=Frequency.MONTHLY,
            day_of_month=15,
            cost_type=CostType.FIXED,
            amount=Decimal("100"),
            start_date=date(2027, 1, 1),
            end_date=end,
        )

    existing = generate_payments(plan(date(2027, 12, 31)), date(2026, 12, 2))
    assert len(existing) == 12
    assert synchronize_granted(existing, plan(date(2027, 1, 9)), date(2026, 12, 2)) == []
