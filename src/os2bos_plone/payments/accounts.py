"""Accounting on the site (spec 2.8): the rule of engine.accounts fed with the activity's
appropriation section, its main activity's service row, the settings and the regelmotor's
account aliases.

A paid payment keeps the account string and alias it was paid on (``saved_account_string``,
``saved_account_alias`` on the stored payment, set by :func:`freeze`); reads of a payment use
them, so a later change of the classification does not change what was paid. Whatever marks
a payment paid (payments.paid.mark_paid, the PRISME export, the nightly jobs) freezes it.
"""

import dataclasses
from dataclasses import dataclass

from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import main_activity_of
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.engine import accounts
from os2bos_plone.settings import read as read_settings


@dataclass(frozen=True)
class ActivityAccount:
    """An activity's live accounting: number (None when unknown), string and alias."""

    account_number: str | None
    account_string: str
    account_alias: str


def section_accounts(service, section_key):
    """The engine's SectionAccounts of a service's row for a section (None without one).

    A service may list a section twice (a main and a supplementary entry from older data): the
    main entry, which carries the accounts, wins."""
    if service is None or not section_key:
        return None
    rows = [
        row for row in getattr(service, "sections", None) or [] if row.get("section") == section_key
    ]
    if not rows:
        return None
    row = next((row for row in rows if row.get("main")), rows[0])
    return accounts.SectionAccounts(
        main_account_number=row.get("main_account_number") or "",
        supplementary_main_account_number=row.get("supplementary_main_account_number") or "",
        category_id=row.get("activity_category") or getattr(service, "activity_category", "") or "",
    )


def account_source(activity):
    """What an activity's engine Account is made of: (its appropriation's section UID, the
    service UID of its main activity (its own for a main activity), whether it is
    supplementary); None without an appropriation. The service UID is None without a main
    activity."""
    appropriation = appropriation_of(activity)
    if appropriation is None:
        return None
    supplementary = getattr(activity, "activity_type", None) == "supplementary"
    main = main_activity_of(appropriation) if supplementary else activity
    service_uid = getattr(main, "service", None) if main is not None else None
    return getattr(appropriation, "section", None), service_uid, supplementary


def account_from(section_uid, service_uid, supplementary, lookup=by_uid):
    """The engine Account of a section, a main activity's service and an activity type (spec
    2.8); None when a piece is missing. ``lookup``: by_uid, or a caller's memo of it."""
    service = lookup(service_uid) if service_uid else None
    if service is None:
        return None
    section = lookup(section_uid) if section_uid else None
    row = section_accounts(service, getattr(section, "key", None))
    return accounts.activity_account(row, supplementary)


def account_of(activity):
    """The engine Account of an activity: its own service's row for a main activity, the main
    activity's for a supplementary one (spec 2.8); None when a piece is missing."""
    source = account_source(activity)
    return account_from(*source) if source is not None else None


def alias_table():
    return accounts.alias_table(list_rows("account_aliases"))


#: ``activity_account`` without an ``account``: it looks the activity's up (None is an account
#: looked up and not found).
LOOK_UP = object()


def activity_account(activity, settings=None, aliases=None, account=LOOK_UP):
    """The activity's live :class:`ActivityAccount`. ``account``: its engine Account (or None)
    when the caller has it already, :func:`account_of` of this or an activity of the same
    section, main service and activity type (a page of many activities reads it once)."""
    settings = settings or read_settings()
    aliases = alias_table() if aliases is None else aliases
    if account is LOOK_UP:
        account = account_of(activity)
    return ActivityAccount(
        account_number=accounts.account_number(account),
        account_string=accounts.account_string(
            account,
            getattr(activity, "recipient_type", None),
            getattr(activity, "payment_method", None),
            settings.account_department,
            settings.account_kind,
            settings.account_unknown,
        ),
        account_alias=accounts.account_alias(account, aliases),
    )


def payment_account(payment, live):
    """(account string, alias) of a payment: the frozen values once paid, else ``live`` (the
    activity's :class:`ActivityAccount`)."""
    string = getattr(payment, "saved_account_string", None)
    alias = getattr(payment, "saved_account_alias", None)
    return (
        string if string is not None else live.account_string,
        alias if alias is not None else live.account_alias,
    )


def freeze(payment, live):
    """The payment with its account string and alias frozen (a new engine Payment); a payment
    frozen before keeps its values."""
    string, alias = payment_account(payment, live)
    return dataclasses.replace(payment, saved_account_string=string, saved_account_alias=alias)
