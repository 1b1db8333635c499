"""Accounting (kontering, spec 2.8): an activity's account number, account string and alias.

Pure rules; the caller passes the service's row for the appropriation's section, the settings'
department and kind, and the alias mappings.

* account number = "{main account}-{activity category}" of the section row of the *main*
  activity's service. A main activity uses the row's main account; a supplementary activity the
  row's supplementary main account, else its main account. A missing row, main account or
  category gives None.
* account string = "{DEPT}-{account number}-{KIND}": DEPT and KIND are the settings' values for
  person payments in cash only, else the literal "XXX"; a missing account number is written as
  the settings' unknown text ("UKENDT").
* account alias = the alias mapped to (main account, category), "" when none.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass

#: DEPT and KIND of every account string but those of person payments in cash.
NOT_PERSON_CASH = "XXX"
#: The default text for a missing account number.
UNKNOWN_ACCOUNT = "UKENDT"


@dataclass(frozen=True)
class SectionAccounts:
    """The accounts of a service under one section (the OS2BOS SectionInfo's account fields).

    ``category_id`` is the row's activity category, else the service's own."""

    main_account_number: str = ""
    supplementary_main_account_number: str = ""
    category_id: str = ""


@dataclass(frozen=True)
class Account:
    """A resolved account: main account number and activity category."""

    main_account_number: str
    category_id: str

    @property
    def number(self) -> str:
        return f"{self.main_account_number}-{self.category_id}"


def activity_account(row: SectionAccounts | None, supplementary: bool) -> Account | None:
    """The account of an activity from its main activity's section row (None when incomplete)."""
    if row is None:
        return None
    main = (row.main_account_number or "").strip()
    if supplementary:
        main = (row.supplementary_main_account_number or "").strip() or main
    category = (row.category_id or "").strip()
    if not main or not category:
        return None
    return Account(main, category)


def account_number(account: Account | None) -> str | None:
    return account.number if account is not None else None


def is_person_cash(recipient_type: str | None, payment_method: str | None) -> bool:
    return str(recipient_type or "") == "person" and str(payment_method or "") == "cash"


def account_string(
    account: Account | None,
    recipient_type: str | None,
    payment_method: str | None,
    department: str = "",
    kind: str = "",
    unknown: str = UNKNOWN_ACCOUNT,
) -> str:
    """ "{DEPT}-{account number or unknown}-{KIND}" (spec 2.8)."""
    if is_person_cash(recipient_type, payment_method):
        dept, tail = department or "", kind or ""
    else:
        dept = tail = NOT_PERSON_CASH
    number = account.number if account is not None else (unknown or UNKNOWN_ACCOUNT)
    return f"{dept}-{number}-{tail}"


def alias_table(rows: Iterable[Mapping]) -> dict[tuple[str, str], str]:
    """{(main account, category id): alias} from alias mapping rows."""
    table = {}
    for row in rows or ():
        main = str(row.get("main_account_number") or "").strip()
        category = str(row.get("category_id") or "").strip()
        alias = str(row.get("alias") or "").strip()
        if main and category and alias:
            table[(main, category)] = alias
    return table


def account_alias(account: Account | None, aliases: Mapping[tuple[str, str], str]) -> str:
    if account is None:
        return ""
    return aliases.get((account.main_account_number, account.category_id), "")
