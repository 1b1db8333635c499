"""Accounting (spec 2.8): account number, account string and alias."""

from os2bos_plone.engine.accounts import Account
from os2bos_plone.engine.accounts import SectionAccounts
from os2bos_plone.engine.accounts import account_alias
from os2bos_plone.engine.accounts import account_number
from os2bos_plone.engine.accounts import account_string
from os2bos_plone.engine.accounts import activity_account
from os2bos_plone.engine.accounts import alias_table

ROW = SectionAccounts(
    main_account_number="645511002",
    supplementary_main_account_number="528211002",
    category_id="015027",
)


def test_main_activity_uses_the_main_account():
    account = activity_account(ROW, supplementary=False)
    assert account_number(account) == "645511002-015027"


def test_supplementary_activity_uses_the_supplementary_main_account():
    account = activity_account(ROW, supplementary=True)
    assert account_number(account) == "528211002-015027"


def test_supplementary_activity_falls_back_to_the_main_account():
    row = SectionAccounts(main_account_number="645511002", category_id="015027")
    assert account_number(activity_account(row, supplementary=True)) == "645511002-015027"


def test_missing_pieces_give_none():
    assert activity_account(None, supplementary=False) is None
    assert activity_account(SectionAccounts("645511002", "", ""), supplementary=False) is None
    assert activity_account(SectionAccounts("", "528211002", "015027"), False) is None
    assert account_number(None) is None


def test_account_string_of_person_cash_uses_department_and_kind():
    account = Account("224466", "015027")
    assert (
        account_string(account, "person", "cash", department="12345", kind="123")
        == "12345-224466-015027-123"
    )


def test_account_string_of_everything_else_is_xxx():
    account = Account("12345", "224466")
    for recipient, method in (
        ("person", "invoice"),
        ("company", "cash"),
        ("company", "invoice"),
        ("internal", "internal"),
        ("person", "sd"),
    ):
        assert account_string(account, recipient, method, "999", "888") == "XXX-12345-224466-XXX"


def test_missing_account_number_is_ukendt():
    assert account_string(None, "person", "cash", "12345", "123") == "12345-UKENDT-123"
    assert account_string(None, "company", "invoice", "12345", "123") == "XXX-UKENDT-XXX"
    assert account_string(None, "person", "cash", "1", "2", unknown="UKENDT KONTO") == (
        "1-UKENDT KONTO-2"
    )


def test_alias_from_the_mappings():
    aliases = alias_table(
        [
            {"alias": "BOS0000001", "main_account_number": "645511002", "category_id": "015027"},
            {"alias": "", "main_account_number": "1", "category_id": "2"},
        ]
    )
    assert aliases == {("645511002", "015027"): "BOS0000001"}
    assert account_alias(Account("645511002", "015027"), aliases) == "BOS0000001"
    assert account_alias(Account("645511002", "015028"), aliases) == ""
    assert account_alias(None, aliases) == ""
