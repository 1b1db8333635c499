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


def section_key(appropriation):
    """The key of the appropriation's section (the field holds the section's UID)."""
    section = by_uid(getattr(appropriation, "section", None))
    return getattr(section, "key", None)


def account_of(activity):
    """The engine Account of an activity: its own service's row for a main activity, the main
    activity's for a supplementary one (spec 2.8); None when a piece is missing."""
    appropriation = appropriation_of(activity)
    if appropriation is None:
        return None
    supplementary = getattr(activity, "activity_type", None) == "supplementary"
    main = main_activity_of(appropriation) if supplementary else activity
    if main is None:
        return None
    row = section_accounts(by_uid(getattr(main, "service", None)), section_key(appropriation))
    return accounts.activity_account(row, supplementary)


def alias_table():
    return accounts.alias_table(list_rows("account_aliases"))


def activity_account(activity, settings=None, aliases=None):
    """The activity's live :class:`ActivityAccount`."""
    settings = settings or read_settings()
    aliases = alias_table() if aliases is None else aliases
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
