"""The PRISME payment file run (spec 3.1): select, write, keep, mark paid.

A run for a first payment date D covers D and the closed days after it (engine.prisme
``covered_dates``, the regelmotor's bank calendar). It pays person payments in cash of granted,
not fictive activities that are not paid yet and are above 0 kr. A real run

1. builds the file's text (engine.prisme) for every payment that can be written; a payment
   that cannot (no account alias, a bad CPR) is left unpaid and reported;
2. keeps the file in the site (:mod:`os2bos_plone.payouts.files`, with who and when);
3. marks each payment paid, the amount as planned and the payment's own date as the paid date,
   which journals it in its case (payments.paid.mark_paid);
4. writes the file to the settings' folder once the transaction has committed, so a run that
   fails halfway writes no file and pays nothing twice. Should the disk refuse, the kept copy
   can be fetched (``@bos-prisme-files``) and the instance log says why.

A second run for the same D finds the payments paid and writes nothing. A dry run changes
nothing and answers what a real run would write.
"""

import logging
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal

import transaction
from plone import api

from os2bos_plone import settings as bos_settings
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.classification.reader import bank_calendar
from os2bos_plone.engine import clock
from os2bos_plone.engine.money import round_ore
from os2bos_plone.engine.prisme import PrismePayment
from os2bos_plone.engine.prisme import PrismeSettings
from os2bos_plone.engine.prisme import covered_dates
from os2bos_plone.engine.prisme import payment_problems
from os2bos_plone.engine.prisme import prisme_file
from os2bos_plone.engine.prisme import prisme_filename
from os2bos_plone.engine.prisme import settings_problems
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.accounts import alias_table
from os2bos_plone.payments.accounts import payment_account
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import release_every
from os2bos_plone.payments.store import spill_every
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payouts import files

logger = logging.getLogger("os2bos_plone.payouts")

ACTIVITY_TYPE = "bos_activity"
#: A real run moves its changes into a savepoint after every so many payments (spill_every).
SPILL_EVERY = 200
#: Field 17 is a number per payment: the plan's payment id and the payment's date.
DATE_DIGITS = 10**8


@dataclass
class Selected:
    activity: object
    payment: object
    record: PrismePayment


@dataclass
class RunResult:
    first_day: date
    dates: list
    selected: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # [{"activity", "date", "problems"}]
    content: str = ""
    filename: str = ""

    @property
    def total(self):
        return round_ore(sum((item.record.amount for item in self.selected), Decimal("0")))

    @property
    def case_count(self):
        return len({item.record.child_cpr for item in self.selected})

    def as_json(self):
        return {
            "date": self.first_day.isoformat(),
            "dates": [day.isoformat() for day in self.dates],
            "payments": len(self.selected),
            "total": str(self.total),
            "filename": self.filename,
            "content": self.content,
            "refused": self.refused,
        }


class PrismeSettingsMissing(ValueError):
    """The settings needed for a file are not (validly) set; ``problems`` are Danish."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def prisme_settings():
    values = bos_settings.read()
    prisme = PrismeSettings(
        org_unit=values.prisme_org_unit,
        machine_no=values.prisme_machine_number,
        municipality_name=values.municipality_name,
    )
    problems = []
    if not values.prisme_org_unit:
        problems.append("PRISME-organisationsenheden er ikke sat (indstillingerne).")
    if not values.prisme_machine_number:
        problems.append("PRISME-maskinnummeret er ikke sat (indstillingerne).")
    if not problems:
        problems = settings_problems(prisme)
    return prisme, problems


def default_first_day():
    """The nightly run pays tomorrow's payments (and the closed days after)."""
    return clock.today() + timedelta(days=1)


def _digits(value):
    return "".join(character for character in str(value or "") if character.isdigit())


def _candidates(dates):
    """Granted cash activities that may have a payment on one of ``dates`` (catalog only)."""
    catalog = api.portal.get_tool("portal_catalog")
    first, last = dates[0], dates[-1]
    brains = catalog.unrestrictedSearchResults(
        portal_type=ACTIVITY_TYPE,
        review_state="granted",
        bos_payment_method="cash",
        bos_start_date={"query": last, "range": "max"},
    )
    for number, brain in enumerate(brains, start=1):
        end = brain.bos_end_date
        if end is not None and _as_date(end) < first:
            continue
        activity = brain._unrestrictedGetObject()
        release_every(activity, number)
        yield activity


def _as_date(value):
    return value.asdatetime().date() if hasattr(value, "asdatetime") else value


def select(first_day):
    """The run for ``first_day``: what it pays and what it must leave (nothing changes)."""
    dates = covered_dates(first_day, bank_calendar())
    result = RunResult(first_day=first_day, dates=dates)
    wanted = set(dates)
    values, aliases = bos_settings.read(), alias_table()
    for activity in _candidates(dates):
        if activity.fictive or activity.recipient_type != "person":
            continue
        due = [
            payment
            for payment in stored_payments(activity)
            if payment.date in wanted and not payment.settled and payment.amount > 0
        ]
        if not due:
            continue
        case = case_of(activity)
        live = activity_account(activity, values, aliases)
        for payment in due:
            payment_id = payment.payment_id or getattr(activity, "payment_id", "") or ""
            record = PrismePayment(
                payment_id=payment_id,
                payment_key=_payment_key(payment_id, payment.date),
                amount=payment.amount,
                child_cpr=_digits(getattr(case, "cpr_number", "")),
                recipient_cpr=_digits(activity.recipient_id),
                account_alias=payment_account(payment, live)[1],
                date=payment.date,
            )
            problems = payment_problems(record)
            if problems:
                result.refused.append(
                    {
                        "activity": activity.absolute_url(),
                        "payment_id": payment_id,
                        "date": payment.date.isoformat(),
                        "problems": problems,
                    }
                )
                continue
            result.selected.append(Selected(activity, payment, record))
    result.selected.sort(key=lambda item: (item.record.date, item.record.payment_key))
    return result


def _payment_key(payment_id, day):
    digits = _digits(payment_id)
    if not digits:
        return ""
    return int(digits) * DATE_DIGITS + int(day.strftime("%Y%m%d"))


def run(first_day=None, dry_run=True, user_id=""):
    """Select, and unless ``dry_run`` write, keep and pay. Returns the :class:`RunResult`.

    Raises :class:`PrismeSettingsMissing` when the settings cannot make a file."""
    first_day = first_day or default_first_day()
    result = select(first_day)
    if not result.selected:
        return result
    prisme, problems = prisme_settings()
    if problems:
        raise PrismeSettingsMissing(problems)
    # The preamble's day of year: the first payment day (the nightly run's "tomorrow").
    result.content = prisme_file([item.record for item in result.selected], prisme, first_day)
    result.filename = prisme_filename(first_day, clock.now().microsecond)
    if dry_run:
        return result
    kept = files.keep(result, user_id)
    note = f"PRISME-fil {result.filename}"
    for number, item in enumerate(result.selected, start=1):
        mark_paid(
            item.activity,
            item.payment.date,
            str(item.payment.amount),
            item.payment.date.isoformat(),
            note=note,
            user_id=user_id,
            privileged=True,
        )
        spill_every(item.activity, number, SPILL_EVERY)
    target = bos_settings.read().payment_files_path
    transaction.get().addAfterCommitHook(files.write_after_commit, args=(kept, str(target)))
    return result
