"""The payment office screen: @@bos-payments (search across cases) and @@bos-payments-register,
rendered and posted as given users in-process (integration layer).

Three granted activities of this year, in three cases: an invoice of 9.700,00 kr. (10.000 kr. at
Kompasrosen's VAT factor of 97) on the 1st of each month, an internal settlement of 500,00 kr. on
the 15th (Familiehuset) and an SD payroll payment of 1.000,00 kr. on the 1st; and a draft activity
that never shows. The view's "today" is fixed at 10 June of this year.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs
from urllib.parse import urlparse

import pytest
from AccessControl import Unauthorized
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.protect.authenticator import createToken
from plone.uuid.interfaces import IUUID
from Products.statusmessages.interfaces import IStatusMessage
from zExceptions import BadRequest
from zExceptions import Forbidden
from zope.interface import alsoProvides

from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.browser import payments
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import MSG_DATE_FORMAT
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.payments.paid import find_payment
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.paid import paid_history
from os2bos_plone.payments.paid import paid_registrations
from os2bos_plone.payments.store import stored_payments
from tests.builders import internal_main_fields
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import text_of

YEAR = clock.today().year
TODAY = date(YEAR, 6, 10)
OFFICER = "ps-okonomi"
WORKER = "ps-worker"
PERSON_CPR = "0301201234"


def _user(user_id, roles=()):
    from os2bos_plone.security.users import create_user

    if api.user.get(userid=user_id) is None:
        create_user(user_id, "secret-pw-123", fullname=user_id)
        if roles:
            api.user.grant_roles(username=user_id, roles=list(roles))
    return user_id


def _granted(appropriation, **fields):
    activity = make_activity(appropriation, **fields)
    api.content.transition(obj=activity, transition="grant")
    assert status_of(activity) == "granted"
    return activity


@pytest.fixture
def office(manager, monkeypatch):
    portal = manager
    _user(OFFICER, ["BOSFinance"])
    _user(WORKER, ["BOSCaseWorker"])
    monkeypatch.setattr(payments.PaymentSearchView, "today", lambda self: TODAY)
    alma = make_case(portal, cpr_number="010118-1234", title="Alma Andersen")
    bo = make_case(portal, cpr_number="020219-4321", title="Bo Berg")
    carl = make_case(portal, cpr_number="030320-5555", title="Carl Carlsen")
    invoice = _granted(make_appropriation(alma), **main_fields())
    internal = _granted(
        make_appropriation(bo),
        **internal_main_fields(payment_day_of_month=15, payment_amount=Decimal("500.00")),
    )
    sd = _granted(
        make_appropriation(carl),
        **main_fields(
            service_provider=None,
            recipient_type="person",
            recipient_id=PERSON_CPR,
            recipient_name="Carl Carlsens mor",
            payment_method="sd",
            payment_amount=Decimal("1000.00"),
        ),
    )
    draft = make_activity(make_appropriation(alma), **main_fields(payment_amount=Decimal("7.00")))
    return {
        "portal": portal,
        "alma": alma,
        "bo": bo,
        "carl": carl,
        "invoice": invoice,
        "internal": internal,
        "sd": sd,
        "draft": draft,
    }


def _request(portal, method="GET", **form):
    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request.form.clear()
    for key in list(request.other):
        if key in payments.FILTERS or key in ("page", "_authenticator", "activity", "date"):
            del request.other[key]
    form = {key: str(value) for key, value in form.items()}
    request.form.update(form)
    for key, value in form.items():
        request.set(key, value)
    request.method = method
    request.environ["REQUEST_METHOD"] = method
    request.response.setStatus(200)
    request.response.headers.pop("location", None)
    return request


def search(portal, user=OFFICER, **form):
    """(view, html) of @@bos-payments as ``user`` with ``form``."""
    login(portal, user)
    request = _request(portal, **form)
    page = api.content.get_view(name="bos-payments", context=portal, request=request)
    return page, page()


def post(portal, user=OFFICER, token=True, **form):
    """POST ``form`` to @@bos-payments-register; (status messages, redirect location)."""
    login(portal, user)
    if token:
        form["_authenticator"] = createToken()
    request = _request(portal, method="POST", **form)
    IStatusMessage(request).show()
    api.content.get_view(name="bos-payments-register", context=portal, request=request)()
    messages = [message.message for message in IStatusMessage(request).show()]
    return messages, request.response.getHeader("location")


def found(page):
    """(date, activity) of every payment the search found, in the order shown."""
    return [(payment.date, activity) for payment, activity in page.rows_found]


def payment_on(activity, day):
    return find_payment(activity, day)


# -- quick periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "period", "expected"),
    [
        (date(2026, 3, 4), "previous_week", (date(2026, 2, 23), date(2026, 3, 1))),
        (date(2026, 3, 4), "this_week", (date(2026, 3, 2), date(2026, 3, 8))),
        (date(2026, 3, 4), "next_week", (date(2026, 3, 9), date(2026, 3, 15))),
        (date(2026, 3, 8), "this_week", (date(2026, 3, 2), date(2026, 3, 8))),
        (date(2026, 3, 4), "previous_month", (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 3, 4), "this_month", (date(2026, 3, 1), date(2026, 3, 31))),
        (date(2026, 3, 4), "next_month", (date(2026, 4, 1), date(2026, 4, 30))),
        (date(2026, 3, 4), "previous_year", (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2026, 3, 4), "this_year", (date(2026, 1, 1), date(2026, 12, 31))),
        (date(2026, 3, 4), "next_year", (date(2027, 1, 1), date(2027, 12, 31))),
        (date(2026, 1, 1), "previous_week", (date(2025, 12, 22), date(2025, 12, 28))),
        (date(2026, 1, 1), "this_week", (date(2025, 12, 29), date(2026, 1, 4))),
        (date(2026, 1, 15), "previous_month", (date(2025, 12, 1), date(2025, 12, 31))),
        (date(2025, 12, 31), "next_month", (date(2026, 1, 1), date(2026, 1, 31))),
        (date(2028, 2, 10), "this_month", (date(2028, 2, 1), date(2028, 2, 29))),
    ],
)
def test_period_range(today, period, expected):
    assert payments.period_range(period, today) == expected


def test_default_is_this_week(office):
    page, html = search(office["portal"])
    monday = TODAY - timedelta(days=TODAY.weekday())
    assert page.period == "this_week"
    assert (page.start, page.end) == (monday, monday + timedelta(days=6))
    assert '<option value="this_week" selected="selected"' in html
    expected = [
        day
        for day in (date(YEAR, 6, 1), date(YEAR, 6, 15))
        if monday <= day <= monday + timedelta(days=6)
    ]
    assert sorted({day for day, _activity in found(page)}) == expected


def test_this_month_finds_granted_payments_in_date_order(office):
    page, html = search(office["portal"], period="this_month")
    assert (page.start, page.end) == (date(YEAR, 6, 1), date(YEAR, 6, 30))
    rows = found(page)
    assert [day for day, _activity in rows] == [date(YEAR, 6, 1)] * 2 + [date(YEAR, 6, 15)]
    assert {activity for _day, activity in rows} == {
        office["invoice"],
        office["internal"],
        office["sd"],
    }
    assert office["draft"] not in {activity for _day, activity in rows}
    text = text_of(html)
    assert "Udbetalinger" in text
    assert "3 betalinger" in text
    assert f"1. juni {YEAR} – 30. juni {YEAR}" in text
    # the planned sum of all three, nothing paid yet
    assert page.sums() == {"planned": "11.200,00 kr.", "paid": "0,00 kr."}
    assert "11.200,00 kr." in text
    # what a row shows
    row = next(row for row in page.rows() if row["activity_uid"] == IUUID(office["invoice"]))
    assert row["date"] == f"01.06.{YEAR}"
    assert row["amount"] == "9.700,00 kr."
    assert row["method"] == "Faktura"
    assert row["recipient_name"] == "Kompasrosen"
    assert row["cpr"] == "010118-1234"
    assert row["sbsys_id"] == office["alma"].sbsys_id
    assert row["case_url"] == office["alma"].absolute_url()
    assert row["activity_url"] == office["invoice"].absolute_url()
    assert row["payment_id"] == office["invoice"].payment_id
    assert row["service"]
    assert f'href="{office["alma"].absolute_url()}"' in html


def test_filter_cpr(office):
    portal = office["portal"]
    for cpr in ("020219-4321", "0202194321", "020219"):
        page, _html = search(portal, period="this_year", cpr=cpr)
        assert {activity for _day, activity in found(page)} == {office["internal"]}
    page, html = search(portal, period="this_year", cpr="111111-1111")
    assert found(page) == []
    assert "Ingen betalinger passer til søgningen." in html


def test_filter_payment_id(office):
    payment_id = office["sd"].payment_id
    assert payment_id
    page, _html = search(office["portal"], period="this_year", payment_id=payment_id)
    assert {activity for _day, activity in found(page)} == {office["sd"]}
    assert len(found(page)) == 12


def test_filter_recipient_by_name_or_id(office):
    portal = office["portal"]
    for text, expected in (
        ("kompas", office["invoice"]),
        ("FAMILIEHUS", office["internal"]),
        ("97643024", office["invoice"]),
        ("030120-1234", office["sd"]),
        ("mor", office["sd"]),
    ):
        page, _html = search(portal, period="this_month", recipient=text)
        assert {activity for _day, activity in found(page)} == {expected}, text


def test_filter_payment_method(office):
    page, html = search(office["portal"], period="this_month", payment_method="internal")
    assert found(page) == [(date(YEAR, 6, 15), office["internal"])]
    assert '<option value="internal" selected="selected"' in html
    page, _html = search(office["portal"], period="this_month", payment_method="nonsense")
    assert len(found(page)) == 3


def test_filter_paid_and_unpaid(office):
    mark_paid(office["invoice"], date(YEAR, 6, 1), "9500.00", date(YEAR, 6, 2))
    portal = office["portal"]
    page, _html = search(portal, period="this_month", paid="paid")
    assert found(page) == [(date(YEAR, 6, 1), office["invoice"])]
    assert page.sums() == {"planned": "9.700,00 kr.", "paid": "9.500,00 kr."}
    page, _html = search(portal, period="this_month", paid="unpaid")
    assert {activity for _day, activity in found(page)} == {office["internal"], office["sd"]}
    page, html = search(portal, period="this_month")
    assert len(found(page)) == 3
    assert page.sums() == {"planned": "11.200,00 kr.", "paid": "9.500,00 kr."}
    assert f"02.06.{YEAR}" in html and "9.500,00 kr." in html


def test_date_range(office):
    page, html = search(
        office["portal"],
        date_from=f"{YEAR}-05-02",
        date_to=f"{YEAR}-06-14",
        payment_method="invoice",
    )
    assert page.period == "custom"
    assert [day for day, _activity in found(page)] == [date(YEAR, 6, 1)]
    assert '<option value="custom" selected="selected"' in html
    page, _html = search(office["portal"], date_from=f"{YEAR}-05-01", date_to=f"{YEAR}-06-15")
    assert len(found(page)) == 6
    # a quick period wins over dates left in the form
    page, _html = search(
        office["portal"], period="next_month", date_from=f"{YEAR}-01-01", date_to=f"{YEAR}-01-02"
    )
    assert (page.start, page.end) == (date(YEAR, 7, 1), date(YEAR, 7, 31))


def test_date_range_typed_in_the_danish_style(office):
    """The dates are text fields (no browser's English date message): 01.05.2026, 1.5.2026 and
    01052026 read as the ISO form does, and the fields show them as 01.05.2026."""
    for date_from, date_to in (
        (f"01.05.{YEAR}", f"15.06.{YEAR}"),
        (f"1.5.{YEAR}", f"1506{YEAR}"),
    ):
        page, html = search(office["portal"], date_from=date_from, date_to=date_to)
        assert page.errors == []
        assert (page.start, page.end) == (date(YEAR, 5, 1), date(YEAR, 6, 15))
        assert len(found(page)) == 6
        assert f'value="01.05.{YEAR}"' in html and f'value="15.06.{YEAR}"' in html
    assert 'type="date"' not in html
    # a wrong date is explained, stays in its field to be corrected, and nothing is read
    page, html = search(office["portal"], date_from=f"31.04.{YEAR}", date_to=f"15.06.{YEAR}")
    assert page.errors == [f"Fra dato: Datoen 31.04.{YEAR} findes ikke."]
    assert page.read_activities == 0 and found(page) == []
    assert f'value="31.04.{YEAR}"' in html


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"date_from": "2026-13-01", "date_to": "2026-12-01"},
            "Fra dato: Datoen 2026-13-01 findes ikke.",
        ),
        ({"date_from": "1. maj", "date_to": "01.12.2026"}, f"Fra dato: {MSG_DATE_FORMAT}"),
        ({"date_from": "2026-02-01"}, "Angiv både fra- og til-dato, eller vælg en periode."),
        (
            {"date_from": "2026-03-01", "date_to": "2026-02-01"},
            "Fra-datoen må ikke ligge efter til-datoen.",
        ),
        ({"period": "all"}, "Alle datoer kan kun søges med et betalings-ID eller et CPR-nummer."),
    ],
)
def test_bad_search_is_explained_and_reads_nothing(office, form, message):
    page, html = search(office["portal"], **form)
    assert message in html
    assert page.read_activities == 0
    assert found(page) == []


def test_all_dates_with_a_cpr_number(office):
    page, _html = search(office["portal"], period="all", cpr="010118-1234")
    assert len(found(page)) == 12
    assert {activity for _day, activity in found(page)} == {office["invoice"]}


def test_only_overlapping_activities_are_read(office):
    """An activity of next year is not woken for a search of this month."""
    later = _granted(
        make_appropriation(office["alma"]),
        **main_fields(start_date=date(YEAR + 1, 1, 1), end_date=date(YEAR + 1, 12, 31)),
    )
    earlier = _granted(
        make_appropriation(office["bo"]),
        **main_fields(start_date=date(YEAR, 1, 1), end_date=date(YEAR, 3, 31)),
    )
    page, _html = search(office["portal"], period="this_month")
    assert page.read_activities == 3
    page, _html = search(office["portal"], period="next_year")
    assert {activity for _day, activity in found(page)} == {later}
    page, _html = search(office["portal"], period="this_year", cpr="020219-4321")
    assert earlier in {activity for _day, activity in found(page)}


def test_paging_and_sums_over_all_pages(office, monkeypatch):
    monkeypatch.setattr(payments.PaymentSearchView, "page_size", 10)
    portal = office["portal"]
    page, html = search(portal, period="this_year")
    assert page.total_count == 36
    assert page.page_count == 4
    assert len(page.rows()) == 10
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert page.sums()["planned"] == "134.400,00 kr."
    assert "36 betalinger" in text_of(html)
    page, html = search(portal, period="this_year", page="4")
    assert len(page.rows()) == 6
    assert page.rows()[-1]["date"] == f"15.12.{YEAR}"
    assert 'rel="prev"' in html and 'rel="next"' not in html
    assert page.sums()["planned"] == "134.400,00 kr."
    next_url = page.previous_url()
    assert "period=this_year" in next_url and "page=3" in next_url
    page, _html = search(portal, period="this_year", page="99")
    assert page.page == 4
    page, _html = search(portal, period="this_year", page="x")
    assert page.page == 1


def test_too_big_a_search_asks_to_narrow_it(office, monkeypatch):
    monkeypatch.setattr(payments.PaymentSearchView, "max_rows", 5)
    page, html = search(office["portal"], period="this_year")
    assert "Søgningen gav mere end 5 betalinger; afgræns den" in html
    assert found(page) == []
    assert "betalinger" in html and "I alt" not in text_of(html)
    monkeypatch.setattr(payments.PaymentSearchView, "max_activities", 2)
    page, html = search(office["portal"], period="this_month")
    assert "Søgningen omfatter mere end 2 ydelser; afgræns den" in html
    assert page.read_activities == 0


# -- permission ----------------------------------------------------------------------------------


def test_finance_manager_and_site_administrator_may_open_it(office):
    portal = office["portal"]
    for user, roles in (("ps-site-admin", ["Site Administrator"]), (OFFICER, None)):
        if roles:
            _user(user, roles)
        login(portal, user)
        _request(portal, period="this_month")
        assert portal.restrictedTraverse("@@bos-payments") is not None
        assert portal["sager"].restrictedTraverse("@@bos-payments") is not None


def test_case_worker_and_anonymous_are_refused(office):
    portal = office["portal"]
    login(portal, WORKER)
    _request(portal)
    with pytest.raises(Unauthorized):
        portal.restrictedTraverse("@@bos-payments")
    with pytest.raises(Unauthorized):
        portal.restrictedTraverse("@@bos-payments-register")
    logout()
    with pytest.raises(Unauthorized):
        portal.restrictedTraverse("@@bos-payments")
    with pytest.raises(Unauthorized):
        portal["sager"].restrictedTraverse("@@bos-payments-register")


# -- registering paid ----------------------------------------------------------------------------


def _register(office, activity, day, token=True, user=OFFICER, **fields):
    form = {
        "activity": IUUID(activity),
        "date": day.isoformat(),
        "paid_amount": "10.000,00",
        "paid_date": f"{YEAR}-06-02",
        "note": "Faktura 4711",
        "search": "period=this_month&cpr=010118-1234&page=1&evil=https://example.org",
    }
    form.update(fields)
    return post(office["portal"], user=user, token=token, **form)


def test_unpaid_invoice_and_internal_rows_have_the_register_form(office):
    page, html = search(office["portal"], period="this_month")
    markable = {row["activity_uid"]: row["markable"] for row in page.rows()}
    assert markable == {
        IUUID(office["invoice"]): True,
        IUUID(office["internal"]): True,
        IUUID(office["sd"]): False,
    }
    # One form around the table (issue 15: select several, register them in one action): one
    # token, one action, and a selection checkbox for each of the two markable rows.
    assert html.count('name="_authenticator"') == 1
    register_url = f"{office['portal'].absolute_url()}/@@bos-payments-register"
    assert html.count(f'action="{register_url}"') == 1
    assert html.count('name="selected:list"') == 2
    assert 'value="9.700,00"' in html and 'value="500,00"' in html
    assert f'value="{TODAY:%d.%m.%Y}"' in html  # the paid date defaults to today, in Danish
    assert 'name="search" value="period=this_month"' in html
    assert "Registrér som betalt" in html
    for label in ("Betalt beløb", "Betalingsdato", "Bemærkning"):
        assert label in html


def test_register_paid_with_token(office):
    invoice = office["invoice"]
    messages, location = _register(office, invoice, date(YEAR, 6, 1))
    assert messages == [
        f"Betalingen den 1. juni {YEAR} (9.700,00 kr.) er registreret som betalt: "
        f"10.000,00 kr. den 2. juni {YEAR}."
    ]
    url = urlparse(location)
    assert url.path.endswith("/@@bos-payments")
    # the search comes back, but never the CPR number in a redirect (issue 12, item 5)
    assert parse_qs(url.query) == {
        "period": ["this_month"],
        "page": ["1"],
    }
    assert "010118" not in location
    payment = payment_on(invoice, date(YEAR, 6, 1))
    assert payment.paid and payment.paid_amount == Decimal("10000.00")
    assert payment.paid_date == date(YEAR, 6, 2)
    assert payment.note == "Faktura 4711"
    assert paid_registrations(invoice)[date(YEAR, 6, 1)]["user"] == OFFICER
    page, html = search(office["portal"], period="this_month", paid="paid")
    assert found(page) == [(date(YEAR, 6, 1), invoice)]
    assert page.rows()[0]["markable"] is False
    assert 'name="_authenticator"' not in html


@pytest.mark.parametrize("typed", [f"02.06.{YEAR}", f"2.6.{YEAR}", f"0206{YEAR}"])
def test_the_paid_date_is_typed_in_the_danish_style(office, typed):
    invoice = office["invoice"]
    messages, _location = _register(office, invoice, date(YEAR, 6, 1), paid_date=typed)
    assert messages[0].startswith("Betalingen den 1. juni"), messages
    assert payment_on(invoice, date(YEAR, 6, 1)).paid_date == date(YEAR, 6, 2)


def test_register_internal_payment_with_another_amount(office):
    internal = office["internal"]
    messages, _location = _register(
        office, internal, date(YEAR, 6, 15), paid_amount="450,5", paid_date=f"{YEAR}-06-16"
    )
    assert "450,50 kr." in messages[0]
    assert payment_on(internal, date(YEAR, 6, 15)).paid_amount == Decimal("450.50")


def test_a_danish_ten_thousand_registers_ten_thousand(office):
    """ "10.000" typed on the screen is ten thousand kroner, as the Danish reader reads it."""
    invoice = office["invoice"]
    messages, _location = _register(office, invoice, date(YEAR, 6, 1), paid_amount="10.000")
    assert "10.000,00 kr." in messages[0]
    assert payment_on(invoice, date(YEAR, 6, 1)).paid_amount == Decimal("10000.00")


def test_an_ambiguous_amount_is_refused_with_the_reason(office):
    invoice = office["invoice"]
    messages, _location = _register(office, invoice, date(YEAR, 6, 1), paid_amount="1,250")
    assert messages[0] == "Betalingen blev ikke registreret som betalt:"
    assert any("»1,250« kan læses på to måder" in message for message in messages)
    assert not payment_on(invoice, date(YEAR, 6, 1)).settled


def test_register_without_token_is_refused_and_changes_nothing(office):
    invoice = office["invoice"]
    with pytest.raises(Forbidden):
        _register(office, invoice, date(YEAR, 6, 1), token=False)
    assert not payment_on(invoice, date(YEAR, 6, 1)).settled


def test_register_by_get_is_refused(office):
    portal = office["portal"]
    login(portal, OFFICER)
    request = _request(
        portal,
        activity=IUUID(office["invoice"]),
        date=f"{YEAR}-06-01",
        paid_amount="1",
        paid_date=f"{YEAR}-06-02",
        _authenticator=createToken(),
    )
    with pytest.raises(BadRequest):
        api.content.get_view(name="bos-payments-register", context=portal, request=request)()
    assert not payment_on(office["invoice"], date(YEAR, 6, 1)).settled


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"paid_amount": "-5,00"}, "Det betalte beløb må ikke være negativt."),
        ({"paid_amount": "ti kroner"}, "Angiv det betalte beløb som et beløb, fx 1.234,50."),
        ({"paid_amount": ""}, "Angiv det betalte beløb som et beløb, fx 1.234,50."),
        ({"paid_date": "02-06-26"}, f"Betalingsdato: {MSG_DATE_FORMAT}"),
        ({"paid_date": "31.06.2026"}, "Betalingsdato: Datoen 31.06.2026 findes ikke."),
        ({"paid_date": ""}, f"Betalingsdato: {MSG_DATE_FORMAT}"),
        ({"date": "2026-06-02"}, "Betalingen findes ikke."),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(office, fields, message):
    invoice = office["invoice"]
    before = list(stored_payments(invoice))
    messages, location = _register(office, invoice, date(YEAR, 6, 1), **fields)
    assert messages[0] == "Betalingen blev ikke registreret som betalt:"
    assert message in messages
    assert "/@@bos-payments?" in location
    assert stored_payments(invoice) == before
    assert paid_history(invoice) == []


def test_sd_payment_is_not_markable(office):
    sd = office["sd"]
    messages, _location = _register(office, sd, date(YEAR, 6, 1))
    assert messages[0] == "Betalingen blev ikke registreret som betalt:"
    assert len(messages) == 2
    assert not payment_on(sd, date(YEAR, 6, 1)).settled


def test_a_paid_payment_is_never_changed(office):
    invoice = office["invoice"]
    _register(office, invoice, date(YEAR, 6, 1), paid_amount="9.000,00")
    messages, _location = _register(office, invoice, date(YEAR, 6, 1), paid_amount="1,00")
    assert messages[0] == "Betalingen blev ikke registreret som betalt:"
    payment = payment_on(invoice, date(YEAR, 6, 1))
    assert payment.paid_amount == Decimal("9000.00")
    assert len(paid_history(invoice)) == 1


def test_draft_payment_is_not_markable(office):
    """Nobody registers payments of a draft (the workflow gives no one the permission)."""
    draft = office["draft"]
    with pytest.raises(Forbidden):
        _register(office, draft, date(YEAR, 6, 1))
    assert not payment_on(draft, date(YEAR, 6, 1)).settled


def test_case_team_member_without_the_permission_is_refused(office):
    """The screen's own check: a user who may open it but not register on the activity."""
    _user("ps-reader", ["BOSManagement"])
    portal = office["portal"]
    api.user.grant_roles(username="ps-reader", roles=["BOSManagement"], obj=portal)
    with pytest.raises(Forbidden):
        _register(office, office["invoice"], date(YEAR, 6, 1), user="ps-reader")
    assert not payment_on(office["invoice"], date(YEAR, 6, 1)).settled


# -- registering several payments in one action (issue 15) ---------------------------------------


def post_selected(portal, selected, user=OFFICER, token=True, **form):
    """POST the table's form: ``selected`` ["<uid>:<date>", ...], one paid date; (messages,
    redirect location)."""
    login(portal, user)
    form.setdefault("paid_date", f"{YEAR}-06-02")
    form.setdefault("search", "period=this_month&page=1")
    form["register_selected"] = "1"
    if token:
        form["_authenticator"] = createToken()
    request = _request(portal, method="POST", **form)
    request.form["selected"] = list(selected)
    request.set("selected", list(selected))
    IStatusMessage(request).show()
    api.content.get_view(name="bos-payments-register", context=portal, request=request)()
    messages = [message.message for message in IStatusMessage(request).show()]
    return messages, request.response.getHeader("location")


def key(activity, day):
    return f"{IUUID(activity)}:{day.isoformat()}"


def amount_field(activity, day):
    return f"amount-{IUUID(activity)}-{day.isoformat()}"


@pytest.fixture
def june_tenth(office, frozen_today):
    """The product's today is the screen's today (10 June) for the register view too."""
    frozen_today(TODAY)
    return office


def test_several_payments_are_registered_with_one_date(june_tenth):
    office = june_tenth
    invoice, internal = office["invoice"], office["internal"]
    chosen = [
        (invoice, date(YEAR, 5, 1)),
        (invoice, date(YEAR, 6, 1)),
        (internal, date(YEAR, 5, 15)),
    ]
    messages, location = post_selected(
        office["portal"],
        [key(activity, day) for activity, day in chosen],
        note="Bunke 7",
        **{amount_field(invoice, date(YEAR, 6, 1)): "9.500,00"},
    )
    assert messages == [
        f"3 betalinger er registreret som betalt den 2. juni {YEAR}: 19.700,00 kr. i alt."
    ]
    assert urlparse(location).path.endswith("/@@bos-payments")
    for activity, day in chosen:
        payment = payment_on(activity, day)
        assert payment.paid and payment.paid_date == date(YEAR, 6, 2)
        assert payment.note == "Bunke 7"
        assert paid_registrations(activity)[day]["user"] == OFFICER
    assert payment_on(invoice, date(YEAR, 6, 1)).paid_amount == Decimal("9500.00")
    assert payment_on(invoice, date(YEAR, 5, 1)).paid_amount == Decimal("9700.00")
    assert payment_on(internal, date(YEAR, 5, 15)).paid_amount == Decimal("500.00")


def test_one_refused_payment_writes_nothing_and_says_which_and_why(june_tenth):
    office = june_tenth
    invoice, internal, sd = office["invoice"], office["internal"], office["sd"]
    mark_paid(internal, date(YEAR, 4, 15), "500.00", date(YEAR, 4, 16))
    chosen = [
        (invoice, date(YEAR, 6, 1)),
        (sd, date(YEAR, 6, 1)),
        (internal, date(YEAR, 5, 15)),
        (internal, date(YEAR, 4, 15)),
    ]
    before = {IUUID(a): list(stored_payments(a)) for a in (invoice, internal, sd)}
    history = {IUUID(a): paid_history(a) for a in (invoice, internal, sd)}
    messages, location = post_selected(
        office["portal"],
        [key(activity, day) for activity, day in chosen],
        **{amount_field(invoice, date(YEAR, 6, 1)): "-5,00"},
    )
    assert messages[0] == (
        "Ingen betalinger blev registreret som betalt: 3 af de 4 valgte betalinger blev "
        "afvist. Ret dem eller fravælg dem, og registrér igen."
    )
    carl = office["carl"]
    alma = office["alma"]
    assert (
        f"Betalingen den 1. juni {YEAR} (1.000,00 kr.) til Carl Carlsens mor, Carl Carlsen "
        f"({carl.sbsys_id}): Kun betalinger med betalingsmåden faktura eller intern afregning "
        "kan markeres betalt manuelt" in messages
    )
    assert (
        f"Betalingen den 1. juni {YEAR} (9.700,00 kr.) til Kompasrosen, Alma Andersen "
        f"({alma.sbsys_id}): Det betalte beløb må ikke være negativt." in messages
    )
    assert any(
        message.startswith(f"Betalingen den 15. april {YEAR} (500,00 kr.)")
        and message.endswith("Betalingen er allerede markeret betalt")
        for message in messages
    )
    assert len(messages) == 4
    assert "/@@bos-payments?" in location
    # all or nothing: the one that could be registered is not written either
    assert not payment_on(internal, date(YEAR, 5, 15)).settled
    for activity in (invoice, internal, sd):
        assert stored_payments(activity) == before[IUUID(activity)]
        assert paid_history(activity) == history[IUUID(activity)]


def test_a_refusal_by_the_rules_after_written_ones_rolls_them_back(june_tenth):
    """The rules refuse inside mark_paid (not in the screen's own checks) after two payments
    were written: the savepoint takes them back."""
    office = june_tenth
    invoice, sd = office["invoice"], office["sd"]
    messages, _location = post_selected(
        office["portal"],
        [key(invoice, date(YEAR, 5, 1)), key(invoice, date(YEAR, 6, 1)), key(sd, date(YEAR, 6, 1))],
    )
    assert messages[0].startswith("Ingen betalinger blev registreret som betalt: 1 af de 3")
    assert not payment_on(invoice, date(YEAR, 5, 1)).settled
    assert not payment_on(invoice, date(YEAR, 6, 1)).settled
    assert paid_history(invoice) == []


def test_registering_before_the_due_date_asks_for_confirmation(june_tenth):
    office = june_tenth
    internal = office["internal"]
    selected = [key(internal, date(YEAR, 6, 15)), key(internal, date(YEAR, 5, 15))]
    messages, _location = post_selected(office["portal"], selected, paid_date=TODAY.isoformat())
    assert messages == [
        "Intet blev registreret: 1 af de valgte betalinger er endnu ikke forfaldne "
        f"(15. juni {YEAR}). Bekræft, at de skal registreres som betalt før forfaldsdatoen."
    ]
    assert not payment_on(internal, date(YEAR, 6, 15)).settled
    assert not payment_on(internal, date(YEAR, 5, 15)).settled
    # a paid date before the due date asks too, even when the due date has passed
    messages, _location = post_selected(
        office["portal"], [key(internal, date(YEAR, 5, 15))], paid_date=f"{YEAR}-05-14"
    )
    assert messages[0].startswith("Intet blev registreret: 1 af de valgte")
    assert not payment_on(internal, date(YEAR, 5, 15)).settled
    # confirmed: registered
    messages, _location = post_selected(
        office["portal"], selected, paid_date=TODAY.isoformat(), confirm="1"
    )
    assert messages == [
        f"2 betalinger er registreret som betalt den 10. juni {YEAR}: 1.000,00 kr. i alt."
    ]
    assert payment_on(internal, date(YEAR, 6, 15)).paid_date == TODAY


def test_register_selected_needs_the_token_a_selection_and_a_date(june_tenth):
    office = june_tenth
    invoice = office["invoice"]
    with pytest.raises(Forbidden):
        post_selected(office["portal"], [key(invoice, date(YEAR, 6, 1))], token=False)
    messages, _location = post_selected(office["portal"], [])
    assert "Vælg mindst én betaling, der skal registreres." in messages
    messages, _location = post_selected(
        office["portal"], [key(invoice, date(YEAR, 6, 1))], paid_date="1. juni"
    )
    assert f"Betalingsdato: {MSG_DATE_FORMAT}" in messages
    assert not payment_on(invoice, date(YEAR, 6, 1)).settled


def test_a_user_without_the_permission_on_one_activity_registers_nothing(june_tenth):
    office = june_tenth
    _user("ps-reader2", ["BOSManagement"])
    messages, _location = post_selected(
        office["portal"], [key(office["invoice"], date(YEAR, 6, 1))], user="ps-reader2"
    )
    assert messages[0].startswith("Ingen betalinger blev registreret som betalt")
    assert any("Du har ikke adgang til at registrere betalinger" in message for message in messages)
    assert not payment_on(office["invoice"], date(YEAR, 6, 1)).settled


def test_overdue_payments_are_marked_and_the_case_is_the_childs_name(office):
    mark_paid(office["invoice"], date(YEAR, 6, 1), "9700.00", date(YEAR, 6, 2))
    page, html = search(office["portal"], period="this_month")
    rows = {(row["activity_uid"], row["iso_date"]): row for row in page.rows()}
    invoice = rows[(IUUID(office["invoice"]), f"{YEAR}-06-01")]
    sd = rows[(IUUID(office["sd"]), f"{YEAR}-06-01")]
    internal = rows[(IUUID(office["internal"]), f"{YEAR}-06-15")]
    assert (invoice["overdue"], sd["overdue"], internal["overdue"]) == (False, True, False)
    assert internal["early"] is True
    assert html.count("bos-unpaid bos-overdue") == 1
    assert "Forfalden" in text_of(html)
    assert invoice["child_name"] == "Alma Andersen"
    assert "Alma Andersen" in html and office["alma"].sbsys_id in html
    assert 'aria-sort="ascending"' in html


def test_a_page_reads_each_service_and_section_once(office, monkeypatch):
    """The rows' service titles and accounts come from one read of each service and section a
    page, not one a row: the three activities share their service and section."""
    from os2bos_plone.payments import accounts

    read = []
    original = payments.by_uid

    def counted(uid):
        read.append(uid)
        return original(uid)

    monkeypatch.setattr(payments, "by_uid", counted)
    monkeypatch.setattr(accounts, "by_uid", counted)
    page, html = search(office["portal"], period="this_year")
    assert len(page.rows()) == 36
    assert len(read) == len(set(read)) == 2
    assert html.count("XXX-528211003-700105-XXX") == 36


def test_the_rows_escape_what_they_show(office):
    """The rows are written by the view (payment_rows_html), each value escaped."""
    office["invoice"].recipient_name = 'Kompas & <b class="x">rosen</b>'
    page, html = search(office["portal"], period="this_month")
    assert "<b class" not in html
    assert ">Kompas &amp; &lt;b class=&quot;x&quot;&gt;rosen&lt;/b&gt;</span>" in html
    assert 'data-sort-value="Kompas &amp; &lt;b class=&quot;x&quot;&gt;rosen&lt;/b&gt;"' in html
    row = next(row for row in page.rows() if row["activity_uid"] == IUUID(office["invoice"]))
    assert f'<label class="visually-hidden" for="{row["key"]}-select"><span>Vælg</span>' in html
    assert f'<label class="visually-hidden" for="{row["key"]}-amount"><span>Betalt beløb' in html
