"""Accounting on the site (spec 2.8): an activity's account number, string and alias from its
appropriation's section, its main activity's service row, the settings and the regelmotor's
aliases; each payment's, frozen when it is paid.

Seed data: family treatment (100206) under BL-32-1.5 is booked on main account 528211003 with
activity category 700105; leisure activities (100108) follow it as a supplementary service.
"""

import dataclasses
from datetime import date

from plone import api
from zope.lifecycleevent import modified

from os2bos_plone import settings
from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import regelmotor
from os2bos_plone.payments import figures
from os2bos_plone.payments.accounts import LOOK_UP
from os2bos_plone.payments.accounts import account_from
from os2bos_plone.payments.accounts import account_of
from os2bos_plone.payments.accounts import account_source
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.accounts import freeze
from os2bos_plone.payments.accounts import payment_account
from os2bos_plone.payments.paid import find_payment
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import payment_store
from os2bos_plone.payments.store import stored_payments
from tests.builders import YEAR
from tests.builders import add_activity
from tests.builders import make_appropriation
from tests.builders import make_case

MAIN_ACCOUNT = "528211003-700105"


def _appropriation(portal, **fields):
    return make_appropriation(make_case(portal, team="familie_oest"), **fields)


def _set_row(service_id, section, **values):
    service = by_key("bos_service", service_id)
    rows = [dict(row) for row in service.sections]
    for row in rows:
        if row["section"] == section:
            row.update(values)
    service.sections = rows
    modified(service)


def _aliases(*rows):
    regelmotor().account_aliases = [
        {"alias": alias, "main_account_number": main, "category_id": category}
        for alias, main, category in rows
    ]


def test_main_activity_account(manager):
    activity = add_activity(_appropriation(manager), state="draft")
    account = activity_account(activity)
    assert account.account_number == MAIN_ACCOUNT
    assert account.account_string == f"XXX-{MAIN_ACCOUNT}-XXX"
    assert account.account_alias == ""
    _aliases(("BOS0000042", "528211003", "700105"), ("BOS0000043", "528211003", "700106"))
    assert activity_account(activity).account_alias == "BOS0000042"


def test_supplementary_activity_uses_the_main_activity_row(manager):
    appropriation = _appropriation(manager)
    add_activity(appropriation, state="draft")
    supplementary = add_activity(
        appropriation, state="draft", service="100108", activity_type="supplementary"
    )
    # Its own row (528211009, category 700102) is not what books it: the main activity's is.
    assert activity_account(supplementary).account_number == MAIN_ACCOUNT
    _set_row("100206", "BL-32-1.5", supplementary_main_account_number="528211099")
    assert activity_account(supplementary).account_number == "528211099-700105"


def test_supplementary_without_main_activity_has_no_account(manager):
    supplementary = add_activity(
        _appropriation(manager), state="draft", service="100108", activity_type="supplementary"
    )
    account = activity_account(supplementary)
    assert account.account_number is None
    assert account.account_string == "XXX-UKENDT-XXX"


def _person_cash(appropriation):
    """A draft activity paid in cash to a parent (the settings' department and kind)."""
    return add_activity(
        appropriation,
        state="draft",
        provider=None,
        recipient_type="person",
        recipient_id="0101181234",
        recipient_name="Forælder",
        payment_method="cash",
    )


def test_an_account_looked_up_once_serves_its_section_service_and_type(manager):
    """A page of many activities looks the engine Account up once per section, main service
    and activity type (account_source) and passes it on: the result is the one looked up."""
    appropriation = _appropriation(manager)
    invoice = add_activity(appropriation, state="draft")
    supplementary = add_activity(
        appropriation, state="draft", service="100108", activity_type="supplementary"
    )
    cash = _person_cash(_appropriation(manager))
    settings.reader.write(account_department="12345", account_kind="123")
    assert account_source(cash) == account_source(invoice)
    assert account_source(supplementary) == (*account_source(invoice)[:2], True)
    read = []

    def lookup(uid):
        read.append(uid)
        return by_uid(uid)

    for activity in (invoice, supplementary, cash):
        account = account_from(*account_source(activity), lookup=lookup)
        assert account == account_of(activity)
        assert activity_account(activity, account=account) == activity_account(activity)
    # the main activity's service and the section, for each of the three
    assert len(read) == 6 and len(set(read)) == 2
    assert activity_account(cash, account=account_of(invoice)).account_string == (
        f"12345-{MAIN_ACCOUNT}-123"
    )
    assert activity_account(invoice, account=LOOK_UP) == activity_account(invoice)
    # None is an account looked up and not found, not a request to look it up
    assert activity_account(invoice, account=None).account_string == "XXX-UKENDT-XXX"


def test_person_cash_uses_the_settings(manager):
    settings.reader.write(account_department="12345", account_kind="123")
    activity = _person_cash(_appropriation(manager))
    assert activity_account(activity).account_string == f"12345-{MAIN_ACCOUNT}-123"
    # No section on the appropriation: the settings' text for an unknown account.
    appropriation = _appropriation(manager)
    appropriation.section = None
    unknown = _person_cash(appropriation)
    assert activity_account(unknown).account_number is None
    assert activity_account(unknown).account_string == "12345-UKENDT-123"
    settings.reader.write(account_unknown="UKENDT KONTO")
    assert activity_account(unknown).account_string == "12345-UKENDT KONTO-123"


def test_missing_category_or_main_account_gives_none(manager):
    activity = add_activity(_appropriation(manager), state="draft")
    _set_row("100206", "BL-32-1.5", main_account_number="")
    assert activity_account(activity).account_number is None
    _set_row("100206", "BL-32-1.5", main_account_number="528211003")
    service = by_key("bos_service", "100206")
    service.activity_category = None
    assert activity_account(activity).account_number is None
    _set_row("100206", "BL-32-1.5", activity_category="700101")
    assert activity_account(activity).account_number == "528211003-700101"


def test_payments_listing_carries_the_accounts(manager):
    _aliases(("BOS0000042", "528211003", "700105"))
    activity = add_activity(_appropriation(manager))
    items = figures.payments_for(activity, YEAR)
    assert len(items) == 12
    assert {(item["account_string"], item["account_alias"]) for item in items} == {
        (f"XXX-{MAIN_ACCOUNT}-XXX", "BOS0000042")
    }


def test_paid_payment_keeps_its_account_after_a_classification_change(manager):
    _aliases(("BOS0000042", "528211003", "700105"))
    activity = add_activity(_appropriation(manager))
    day = date(YEAR, 2, 1)
    paid = mark_paid(activity, day, "9700.00", date(YEAR, 2, 3).isoformat(), privileged=True)
    assert paid.saved_account_string == f"XXX-{MAIN_ACCOUNT}-XXX"
    assert paid.saved_account_alias == "BOS0000042"
    assert find_payment(activity, day).saved_account_string == f"XXX-{MAIN_ACCOUNT}-XXX"

    # The finance department moves the service to another main account, and the alias goes.
    _set_row("100206", "BL-32-1.5", main_account_number="528211077")
    _aliases()

    assert activity_account(activity).account_number == "528211077-700105"
    by_date = {item["date"]: item for item in figures.payments_for(activity, YEAR)}
    assert by_date[day.isoformat()]["account_string"] == f"XXX-{MAIN_ACCOUNT}-XXX"
    assert by_date[day.isoformat()]["account_alias"] == "BOS0000042"
    unpaid = by_date[date(YEAR, 3, 1).isoformat()]
    assert unpaid["account_string"] == "XXX-528211077-700105-XXX"
    assert unpaid["account_alias"] == ""


def test_an_empty_alias_is_frozen_too(manager):
    activity = add_activity(_appropriation(manager))
    day = date(YEAR, 2, 1)
    paid = mark_paid(activity, day, "9700.00", date(YEAR, 2, 3).isoformat(), privileged=True)
    assert paid.saved_account_alias == ""
    _aliases(("BOS0000042", "528211003", "700105"))
    by_date = {item["date"]: item for item in figures.payments_for(activity, YEAR)}
    assert by_date[day.isoformat()]["account_alias"] == ""
    assert by_date[date(YEAR, 3, 1).isoformat()]["account_alias"] == "BOS0000042"


def test_a_payment_stored_before_the_fields_existed_reads_the_live_values(manager):
    activity = add_activity(_appropriation(manager))
    store = payment_store(activity)
    old = store.payments[0]
    # An unpickled old payment has no such attributes of its own: the class defaults answer.
    del old.__dict__["saved_account_string"]
    del old.__dict__["saved_account_alias"]
    assert old.saved_account_string is None
    live = activity_account(activity)
    assert payment_account(old, live) == (live.account_string, "")
    frozen = freeze(old, live)
    assert frozen.saved_account_string == live.account_string
    assert dataclasses.replace(old, paid=True).saved_account_alias is None
    assert stored_payments(activity)[0] is old
    assert api.content.get_state(activity) == "granted"


def test_the_activity_view_and_the_payments_screen_show_the_accounts(manager):
    from tests.builders import text_of
    from tests.builders import view

    _aliases(("BOS0000042", "528211003", "700105"))
    activity = add_activity(_appropriation(manager))
    manager.REQUEST["LANGUAGE"] = "da"
    text = text_of(view(manager, "bos-activity-view", activity)())
    assert "Kontonummer" in text and MAIN_ACCOUNT in text
    assert "Kontostreng" in text and f"XXX-{MAIN_ACCOUNT}-XXX" in text
    assert "Kontoalias" in text and "BOS0000042" in text
    page = text_of(view(manager, "bos-payments", period="this_year", recipient="Leverandør")())
    assert "Kontostreng" in page
    assert f"XXX-{MAIN_ACCOUNT}-XXX" in page and "BOS0000042" in page
