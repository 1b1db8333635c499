"""No input makes the activity, case and payment services answer 500 (issue 12, item 3).

Hypothesis sends JSON bodies that mix valid fields with random values (text, huge numbers,
floats, nested objects and lists, null, dates as text) to the activity's POST and PATCH, the
cost preview, the case's POST and PATCH and the payment registration. Every answer is below
500, and every 4xx is in the product's error shape."""

import json
from datetime import date

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.builders import case_fields
from tests.builders import create_activity
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import new_appropriation

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

ACTIVITY_FIELDS = (
    "service",
    "activity_type",
    "start_date",
    "end_date",
    "modifies",
    "note",
    "payment_type",
    "payment_frequency",
    "payment_day_of_month",
    "payment_date",
    "payment_cost_type",
    "payment_amount",
    "payment_units",
    "payment_rate",
    "payment_prices",
    "individual_payments",
    "recipient_type",
    "recipient_id",
    "recipient_name",
    "payment_method",
    "fictive",
)
CASE_FIELDS = (
    "sbsys_id",
    "cpr_number",
    "title",
    "case_worker",
    "team",
    "target_group",
    "district",
    "paying_municipality",
    "acting_municipality",
    "residence_municipality",
    "effort_step",
    "scaling_step",
    "assessment_comment",
    "efforts",
    "note",
)
PAYMENT_FIELDS = ("paid_amount", "paid_date", "note")

day_text = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "2027-02-30", "2027-13-01", "31.12.2027"]),
)
number_text = st.one_of(
    st.sampled_from(["1e30", "NaN", "-Infinity", "1e3", "-5", "10000000000", "1.234,50", "0"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=20),
    day_text,
    number_text,
    st.sampled_from(["main", "running", "monthly", "fixed", "per_unit", "individual", "company"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(["start_date", "end_date", "date", "amount", "x"]),
            children,
            max_size=3,
        ),
    ),
    max_leaves=6,
)


def changes_of(fields):
    return st.dictionaries(st.sampled_from(fields), json_values, max_size=5)


def post(session, url, body):
    # Python's JSON, not requests' (which refuses NaN and Infinity that a client may still send).
    return session.post(url, data=json.dumps(body))


def patch(session, url, body):
    return session.patch(url, data=json.dumps(body))


def no_500(response):
    assert response.status_code < 500, response.text
    if 400 <= response.status_code < 500:
        body = response.json()
        assert set(body) == {"type", "message", "errors"}, body
        assert isinstance(body["message"], str) and body["message"], body
        assert body["errors"], body
        for error in body["errors"]:
            assert set(error) == {"field", "message"}, body
            assert isinstance(error["field"], str) and error["message"], body


@pytest.fixture(autouse=True)
def decided_in_december_2026(frozen_today):
    frozen_today(date(2026, 12, 2))


@pytest.fixture
def site(http):
    """(admin, finance, case, appropriation, a draft activity, a granted activity)."""
    admin = http()
    finance = http("okonomi-fuzz", roles=["BOSFinance"])
    case, appropriation = new_appropriation(admin)
    granted = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(admin, appropriation["@id"], [granted["UID"]])
    _other_case, other = new_appropriation(admin)
    draft = create_activity(admin, other["@id"], **monthly_main(admin))
    return admin, finance, case, other, draft, granted


@FUZZ
@given(changes=changes_of(ACTIVITY_FIELDS), drop=st.sets(st.sampled_from(ACTIVITY_FIELDS)))
def test_activity_post_and_preview(site, changes, drop):
    admin, _finance, _case, appropriation, _draft, _granted = site
    fields = {k: v for k, v in monthly_main(admin).items() if k not in drop}
    fields.update(changes)
    no_500(post(admin, f"{appropriation['@id']}/@bos-cost-preview", fields))
    no_500(post(admin, appropriation["@id"], {"@type": "bos_activity", **fields}))


@FUZZ
@given(changes=changes_of(ACTIVITY_FIELDS))
def test_activity_patch(site, changes):
    admin, _finance, _case, _appropriation, draft, granted = site
    no_500(patch(admin, draft["@id"], changes))
    no_500(patch(admin, granted["@id"], changes))


@FUZZ
@given(changes=changes_of(CASE_FIELDS), drop=st.sets(st.sampled_from(CASE_FIELDS)))
def test_case_post_and_patch(site, changes, drop):
    admin, _finance, case, _appropriation, _draft, _granted = site
    fields = {k: v for k, v in case_fields().items() if k not in drop or k == "@type"}
    fields.update(changes)
    no_500(post(admin, f"{admin.base}/sager", fields))
    no_500(patch(admin, case["@id"], changes))


@FUZZ
@given(
    changes=changes_of(PAYMENT_FIELDS),
    day=st.one_of(
        st.sampled_from(["2027-02-01", "2027-03-01", "2027-02-02", "9999-12-31", "x"]), day_text
    ),
)
def test_payment_registration(site, changes, day):
    _admin, finance, _case, _appropriation, _draft, granted = site
    body = {"paid_amount": "100.00", "paid_date": "2027-02-03", **changes}
    no_500(post(finance, f"{granted['@id']}/@bos-payments/{day}", body))


def test_bodies_that_are_not_objects(site):
    admin, finance, case, appropriation, draft, granted = site
    for body in ("null", "5", '"x"', "[]", "[{}]", "{", "NaN"):
        no_500(admin.post(appropriation["@id"], data=body))
        no_500(admin.post(f"{appropriation['@id']}/@bos-cost-preview", data=body))
        no_500(admin.patch(draft["@id"], data=body))
        no_500(admin.post(f"{admin.base}/sager", data=body))
        no_500(admin.patch(case["@id"], data=body))
        no_500(finance.post(f"{granted['@id']}/@bos-payments/2027-02-01", data=body))
