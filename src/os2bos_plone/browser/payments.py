"""The payment office screen: @@bos-payments (search across cases) and @@bos-payments-register.

Payments are not catalogued one by one: each activity keeps its payments in one persistent store
(``activities.PaymentStore``), and the catalog keeps, per activity, the days of its payments and
of its unpaid ones (the KeywordIndexes ``bos_payment_days`` and ``bos_unpaid_days``, ints
YYYYMMDD: indexers.payment_days, kept up to date by payments.payment_days). A search by period
(this week by default) narrows with the catalog (granted activities, payment method, payment id,
the cases of a CPR number) and then, day by day, intersects those activities with the index's
activities of the day (payments.payment_days.PaymentDays): the count is the sum over the days,
as an activity has at most one payment a day. Nothing is woken to count. A small search (at most
``exact_rows`` payments of at most ``exact_activities`` activities) then reads the payment
stores of every activity found, so its sums are over all its payments; a larger one wakes only
the activities of the page's rows (:class:`DayRows`) and sums the page, labelled as such. The
recipient filter matches text on the activity, so it wakes the activities found (at most
``max_read``, else a message asks to narrow the search). A search of all dates (with a payment
id or CPR number) reads the payment stores of the few activities found, as before.

Registering a payment as paid follows the REST rules (``payments.paid``): the user must hold
"Register payments" on the activity (BOS Økonomi, Manager, Site Administrator; the activity
workflow gives it in the granted state only), never by being able to modify it: the case worker
and the team leader who decide a measure do not register its payments (segregation of duties).
``payments.paid.mark_paid`` refuses everything but invoice and internal payments of granted,
non-fictive activities. A paid payment is never changed: a second registration of the same
payment is refused ("Betalingen er allerede markeret betalt"), for everyone. Every text is an
English msgid of the os2bos_plone domain, translated to Danish.

The table is one form (issue 15): the officer selects several payments and registers them in
one POST with one paid date (``RegisterPaymentView.register_selected``). Each goes through
``mark_paid`` inside a savepoint, all or nothing: when one is refused nothing is written and the
message names each refused payment and why. Payments not due yet need the ``confirm`` flag (the
screen's script, static/payments.js, asks the question). Overdue payments (due before the
product's today, unpaid) are marked; the headers sort in the browser (aria-sort).
"""

import heapq
import re
from datetime import date
from datetime import timedelta
from decimal import Decimal
from html import escape
from urllib.parse import parse_qsl
from urllib.parse import urlencode

import transaction
from plone import api
from plone.protect import CheckAuthenticator
from Products.statusmessages.interfaces import IStatusMessage
from zExceptions import BadRequest
from zExceptions import Forbidden

from os2bos_plone import _
from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.audit.reads import cpr_search
from os2bos_plone.browser.base import BosView
from os2bos_plone.browser.base import PagedView
from os2bos_plone.browser.base import format_cpr
from os2bos_plone.browser.base import prefix_query
from os2bos_plone.browser.widgets import read_date_field
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import format_date_short
from os2bos_plone.engine.money import format_amount
from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.money import parse_danish
from os2bos_plone.engine.prices import parse_date
from os2bos_plone.payments.accounts import account_from
from os2bos_plone.payments.accounts import account_source
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.accounts import alias_table
from os2bos_plone.payments.accounts import payment_account
from os2bos_plone.payments.paid import find_payment
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.paid import may_register_payments
from os2bos_plone.payments.payment_days import MissingDayIndexes
from os2bos_plone.payments.payment_days import PaymentDays
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.settings import read as read_settings
from os2bos_plone.validation.activity import InvalidFields

ZERO = Decimal("0")
PAGE_SIZE = 50
#: A search may cover at most this many activities. A search by period counts them (and its
#: payments) from the day indexes without waking one, so this is only a guard, four times the
#: activities of a 10,000-case municipality.
MAX_ACTIVITIES = 200_000
#: A search may find at most this many payments (counted from the day indexes; a guard too).
MAX_ROWS = 10_000_000
#: Wake at most this many activities for one search: a search without a period (all dates, by
#: payment id or CPR number) reads their payment stores, the recipient filter reads their text.
MAX_READ = 5000
#: A search by period with at most this many payments of at most ``EXACT_ACTIVITIES``
#: activities reads every row found, so its sums are over all of them; a larger one wakes only
#: the activities of the page's rows and sums the page.
EXACT_ROWS = 5000
EXACT_ACTIVITIES = 300
#: ``cases`` when a CPR search found no case (so that a link to the search finds none either).
NO_CASES = "-"
UID = re.compile(r"^[0-9a-f]{32}$")
#: The payment methods the payment office registers by hand (cash and SD are paid by the system).
MANUAL_METHODS = ("invoice", "internal")

#: The GET parameters of the search, in the order they are put in links.
FILTERS = (
    "payment_id",
    "cpr",
    "recipient",
    "payment_method",
    "paid",
    "period",
    "date_from",
    "date_to",
    # The cases a CPR search found, by UID: what links and redirects carry instead of the CPR
    # number, which never goes into a URL (GDPR).
    "cases",
)

METHOD_TITLES = {
    "cash": _("Cash payment"),
    "sd": _("SD payroll"),
    "invoice": _("Invoice"),
    "internal": _("Internal settlement"),
}
PAID_TITLES = {
    "": _("payments_paid_all", default="Paid and unpaid"),
    "unpaid": _("payments_paid_unpaid", default="Unpaid"),
    "paid": _("payments_paid_paid", default="Paid"),
}
#: The words of the table's rows (payment_rows_html), translated once a page.
ROW_WORDS = {
    "select": _("payments_select", default="Select"),
    "paid": _("Paid"),
    "unpaid": PAID_TITLES["unpaid"],
    "overdue": _("payments_overdue", default="Overdue"),
    "fictive": _("payments_fictive", default="Fictive"),
    "paid_amount": _("payments_paid_amount", default="Paid amount"),
}
#: The labels of the date fields, which their messages name.
LABEL_FROM = _("payments_date_from", default="From date")
LABEL_TO = _("payments_date_to", default="To date")
LABEL_PAID_DATE = _("payments_paid_date", default="Paid date")
CUSTOM = "custom"
ALL = "all"
DEFAULT_PERIOD = "this_week"
PERIOD_TITLES = {
    "previous_week": _("payments_period_previous_week", default="Previous week"),
    "this_week": _("payments_period_this_week", default="This week"),
    "next_week": _("payments_period_next_week", default="Next week"),
    "previous_month": _("payments_period_previous_month", default="Previous month"),
    "this_month": _("payments_period_this_month", default="This month"),
    "next_month": _("payments_period_next_month", default="Next month"),
    "previous_year": _("payments_period_previous_year", default="Previous year"),
    "this_year": _("payments_period_this_year", default="This year"),
    "next_year": _("payments_period_next_year", default="Next year"),
    CUSTOM: _("payments_period_custom", default="The dates from and to"),
    ALL: _("payments_period_all", default="All dates (with a payment id or CPR number)"),
}


def _month_start(year, month):
    """The first day of ``month`` of ``year``; months outside 1..12 roll over the year."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1)


def period_range(period, today):
    """(first day, last day) of a quick period around ``today``; weeks run Monday to Sunday."""
    if period.endswith("_week"):
        monday = today - timedelta(days=today.weekday())
        shift = {"previous_week": -7, "this_week": 0, "next_week": 7}[period]
        start = monday + timedelta(days=shift)
        return start, start + timedelta(days=6)
    if period.endswith("_month"):
        shift = {"previous_month": -1, "this_month": 0, "next_month": 1}[period]
        start = _month_start(today.year, today.month + shift)
        return start, _month_start(start.year, start.month + 1) - timedelta(days=1)
    if period.endswith("_year"):
        year = today.year + {"previous_year": -1, "this_year": 0, "next_year": 1}[period]
        return date(year, 1, 1), date(year, 12, 31)
    raise ValueError(period)


def recipient_matches(activity, text):
    """Does the recipient id or name of ``activity`` contain ``text`` (any case; a CPR number
    with or without its dash)?"""
    needle = text.lower()
    haystack = [activity.recipient_id or "", activity.recipient_name or ""]
    if any(needle in value.lower() for value in haystack):
        return True
    digits = "".join(char for char in text if char.isdigit())
    if digits and len(digits) == len(text.replace("-", "").replace(" ", "")):
        recipient_digits = "".join(char for char in haystack[0] if char.isdigit())
        return digits in recipient_digits
    return False


def account_key(activity):
    """What an activity's live account (payments.accounts.activity_account) is made of: its
    account_source (its appropriation's section, its main activity's service, whether it is
    supplementary), its recipient type and payment method; None without an appropriation."""
    source = account_source(activity)
    if source is None:
        return None
    return (
        *source,
        getattr(activity, "recipient_type", None),
        getattr(activity, "payment_method", None),
    )


def is_overdue(activity, payment, today):
    """Is the payment past its due date and still unpaid (the office's backlog)? A fictive
    activity's payments are never paid, so they are never overdue."""
    return not payment.settled and payment.date < today and not activity.fictive


def is_early(payment, paid_date, today):
    """Would registering the payment paid on ``paid_date`` be before its due date? (The date it
    is due comes after the day it is said to be paid, or after today.)"""
    return payment.date > min(paid_date, today)


def is_markable(activity, payment, granted=None):
    """May the payment office register this payment as paid (the rules of mark_paid for an
    ordinary user)? The user's permission is checked separately. ``granted``: the activity's
    state is known to be granted (the search finds granted activities only)."""
    return (
        not payment.settled
        and (granted if granted is not None else status_of(activity) == "granted")
        and not activity.fictive
        and activity.payment_method in MANUAL_METHODS
    )


class DayRows:
    """The rows of a large search by period as a sequence ``paginate`` slices: its length is
    the count of payments, and a slice wakes only the activities of its own rows (in date
    order, then by path, as the rows of a small search are sorted)."""

    def __init__(self, days, view):
        self.days = days
        self.view = view
        self.length = days.count()

    def __len__(self):
        return self.length

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step not in (None, 1):
            raise TypeError("DayRows are read by slices")
        first, stop, _step = item.indices(self.length)
        rows = []
        offset = 0
        woken = set()
        for day, rids in self.days.by_day:
            number = len(rids)
            if offset >= stop:
                break
            if offset + number > first:
                # Only the first rows of the day up to the page's end are sorted out.
                ordered = heapq.nsmallest(stop - offset, rids, key=self.days.path_key)
                for rid in ordered[max(0, first - offset) :]:
                    activity = self.days.activity(rid)
                    woken.add(rid)
                    payment = next(
                        (
                            payment
                            for payment in stored_payments(activity)
                            if payment.date == day and self.view.wanted(payment)
                        ),
                        None,
                    )
                    if payment is not None:
                        rows.append((payment, activity))
            offset += number
        self.view.read_activities += len(woken)
        return rows


class PaymentSearchView(PagedView):
    """Search payments across cases; every filter kept in the URL but the CPR number, which the
    form posts; links and redirects carry the UIDs of the cases it found instead (GDPR)."""

    page_size = PAGE_SIZE
    max_activities = MAX_ACTIVITIES
    max_rows = MAX_ROWS
    max_read = MAX_READ
    exact_rows = EXACT_ROWS
    exact_activities = EXACT_ACTIVITIES
    #: False: only the count and sums are wanted (the start page), no page of a large search.
    want_page = True

    #: A filter that is not in the request reads as "".
    missing = ""

    # -- request -----------------------------------------------------------------------------

    def today(self):
        return clock.today()

    def update(self):
        self.filters = {name: self.param(name) for name in FILTERS}
        self._rows = None
        self.errors = []
        self.too_many = None
        self.rows_found = []
        #: The rows of a large search by period, read page by page (DayRows), else None.
        self.day_rows = None
        self.start = self.end = None
        self.read_activities = 0
        if self.filters["payment_method"] not in METHOD_TITLES:
            self.filters["payment_method"] = ""
        if self.filters["paid"] not in PAID_TITLES:
            self.filters["paid"] = ""
        self.resolve_period()
        if not self.errors:
            self.search()
        if self.day_rows is not None:
            if self.want_page:
                self.page_rows = self.paginate(self.day_rows)
            else:
                self.total_count, self.page_rows = len(self.day_rows), []
            return
        self.rows_found.sort(key=lambda row: (row[0].date, row[1].getPhysicalPath()))
        self.page_rows = self.paginate(self.rows_found)

    def resolve_period(self):
        """Sets ``self.period``, ``self.start`` and ``self.end`` from the filters (or errors)."""
        period = self.filters["period"]
        date_from, date_to = self.filters["date_from"], self.filters["date_to"]
        if period not in PERIOD_TITLES:
            period = CUSTOM if (date_from or date_to) else DEFAULT_PERIOD
        self.period = period
        self.filters["period"] = period
        if period == ALL:
            if not (self.filters["payment_id"] or self.filters["cpr"] or self.filters["cases"]):
                self.errors.append(
                    self.t(
                        _(
                            "payments_error_all_dates",
                            default="All dates may only be searched with a payment id or a "
                            "CPR number. Choose a period or give one of them.",
                        )
                    )
                )
            return
        if period != CUSTOM:
            self.start, self.end = period_range(period, self.today())
            self.filters["date_from"] = self.filters["date_to"] = ""
            return
        if not (date_from and date_to):
            self.errors.append(
                self.t(
                    _(
                        "payments_error_both_dates",
                        default="Give both the from and the to date, or choose a period.",
                    )
                )
            )
            return
        self.start, error_from = read_date_field(self.filters, "date_from", self.t(LABEL_FROM))
        self.end, error_to = read_date_field(self.filters, "date_to", self.t(LABEL_TO))
        if error_from or error_to:
            self.start = self.end = None
            self.errors.extend(error for error in (error_from, error_to) if error)
            return
        if self.start > self.end:
            self.errors.append(
                self.t(
                    _(
                        "payments_error_from_after_to",
                        default="The from date must not be after the to date.",
                    )
                )
            )
            self.start = self.end = None

    # -- the search --------------------------------------------------------------------------

    def activity_query(self):
        """The catalog query narrowing the activities, or None when nothing can match."""
        query = {"portal_type": ACTIVITY_TYPE, "review_state": "granted"}
        if self.filters["payment_method"]:
            query["bos_payment_method"] = self.filters["payment_method"]
        if self.filters["payment_id"]:
            query["bos_payment_id"] = self.filters["payment_id"]
        if self.filters["cpr"]:
            case_uids = self.case_uids_of_cpr(self.filters["cpr"])
            self.filters["cases"] = ",".join(case_uids) or NO_CASES
            if not case_uids:
                return None
            query["bos_case_uid"] = case_uids
        elif self.filters["cases"]:
            case_uids = [uid for uid in self.filters["cases"].split(",") if UID.match(uid)]
            if not case_uids:
                return None
            query["bos_case_uid"] = case_uids
        return query

    def case_uids_of_cpr(self, cpr):
        digits = "".join(char for char in cpr if char.isdigit())
        if len(digits) == 10 or not digits:
            value = digits or cpr
        else:
            value = prefix_query(digits)
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.searchResults(portal_type=CASE_TYPE, bos_cpr=value)
        cpr_search(brains, "betalinger")
        return [brain.UID for brain in brains]

    def search(self):
        query = self.activity_query()
        if query is None:
            return
        if self.start is None:
            self.search_all_dates(query)
        else:
            self.search_period(query)

    def refuse_activities(self, count):
        self.too_many = self.t(
            _(
                "payments_too_many_activities",
                default="The search covers more than ${count} activities; narrow it "
                "(a shorter period, a payment method, a CPR number or a payment id).",
                mapping={"count": count},
            )
        )

    def refuse_payments(self):
        self.too_many = self.t(
            _(
                "payments_too_many_payments",
                default="The search found more than ${count} payments; narrow it "
                "(a shorter period, a payment method, a CPR number or a payment id).",
                mapping={"count": self.max_rows},
            )
        )

    def wanted(self, payment):
        """Is ``payment`` in the period and of the paid state searched for?"""
        if self.start is not None and payment.date < self.start:
            return False
        if self.end is not None and payment.date > self.end:
            return False
        paid = self.filters["paid"]
        if paid == "paid" and not payment.settled:
            return False
        return not (paid == "unpaid" and payment.settled)

    def read_rows(self, activities):
        """Every wanted payment of ``activities`` as (payment, activity) rows; None (and the
        message) when there are more than ``max_rows``."""
        rows = []
        for activity in activities:
            self.read_activities += 1
            rows.extend(
                (payment, activity) for payment in stored_payments(activity) if self.wanted(payment)
            )
            if len(rows) > self.max_rows:
                self.refuse_payments()
                return None
        return rows

    def search_all_dates(self, query):
        """All dates (with a payment id or a CPR number): the few activities found are read."""
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.searchResults(**query)
        if len(brains) > self.max_read:
            self.refuse_activities(self.max_read)
            return
        recipient = self.filters["recipient"]
        activities = (brain.getObject() for brain in brains)
        if recipient:
            activities = (a for a in activities if recipient_matches(a, recipient))
        rows = self.read_rows(activities)
        if rows is not None:
            self.rows_found = rows

    def search_period(self, query):
        """A period: the day indexes say, day by day, which of the activities the catalog query
        finds have a (paid, unpaid) payment that day; nothing is woken to count them."""
        try:
            days = PaymentDays(query, self.start, self.end, self.filters["paid"])
        except MissingDayIndexes:
            self.errors.append(
                self.t(
                    _(
                        "payments_error_upgrade",
                        default="The search by period needs the site upgraded (step 1011 adds "
                        "the payment days to the catalog). Ask the site administrator to run "
                        "the upgrade steps of os2bos_plone.",
                    )
                )
            )
            return
        covered = days.activities()
        if len(covered) > self.max_activities:
            self.refuse_activities(self.max_activities)
            return
        recipient = self.filters["recipient"]
        if recipient:
            # The recipient's text is on the activity: read them, within a bound.
            if len(covered) > self.max_read:
                self.too_many = self.t(
                    _(
                        "payments_too_many_recipient",
                        default="A search by recipient may cover at most ${count} "
                        "activities, and this one covers ${found}; narrow it (a shorter "
                        "period, a payment method, a CPR number or a payment id).",
                        mapping={"count": self.max_read, "found": len(covered)},
                    )
                )
                return
            matching = [rid for rid in covered if recipient_matches(days.activity(rid), recipient)]
            days.keep(matching)
            covered = days.activities()
        count = days.count()
        if count > self.max_rows:
            self.refuse_payments()
            return
        if count <= self.exact_rows and len(covered) <= self.exact_activities:
            rows = self.read_rows(days.activity(rid) for rid in covered)
            if rows is not None:
                self.rows_found = rows
            return
        self.day_rows = DayRows(days, self)

    # -- what the template shows -------------------------------------------------------------

    def may_read_mail_log(self):
        return bool(api.user.has_permission("os2bos_plone: View mail log", obj=self.context))

    def base_url(self):
        return f"{self.context.absolute_url()}/@@bos-payments"

    def register_url(self):
        return f"{self.context.absolute_url()}/@@bos-payments-register"

    def search_params(self, **changes):
        # Never the CPR number in a URL or a redirect (GDPR): the forms and the pager post it.
        params = {name: value for name, value in self.filters.items() if value and name != "cpr"}
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        return params

    def url(self, **changes):
        params = self.search_params(**changes)
        return f"{self.base_url()}?{urlencode(params)}" if params else self.base_url()

    def query_string(self):
        """The current search (with the page), kept by the register forms."""
        page = str(self.page) if self.page > 1 else None
        return urlencode(self.search_params(page=page))

    def reset_url(self):
        return self.base_url()

    def method_options(self):
        return [
            {
                "value": key,
                "title": self.t(title),
                "selected": key == self.filters["payment_method"],
            }
            for key, title in METHOD_TITLES.items()
        ]

    def paid_options(self):
        return [
            {"value": key, "title": self.t(title), "selected": key == self.filters["paid"]}
            for key, title in PAID_TITLES.items()
        ]

    def period_options(self):
        return [
            {"value": key, "title": self.t(title), "selected": key == self.period}
            for key, title in PERIOD_TITLES.items()
        ]

    def period_text(self):
        if self.start is None or self.end is None:
            if self.period == ALL and not self.errors:
                return self.t(PERIOD_TITLES[ALL])
            return ""
        return f"{format_date(self.start)} – {format_date(self.end)}"

    def has_result(self):
        return not self.errors and self.too_many is None

    def count_text(self):
        if self.total_count == 1:
            return self.t(_("payments_count_one", default="1 payment"))
        return self.t(
            _("payments_count", default="${count} payments", mapping={"count": self.total_count})
        )

    def sums_exact(self):
        """Are the sums over every payment found (a small search), or over the page's?"""
        return self.day_rows is None

    def page_count_text(self):
        count = len(self.page_rows)
        if count == 1:
            return self.t(_("payments_count_one", default="1 payment"))
        return self.t(_("payments_count", default="${count} payments", mapping={"count": count}))

    def sums(self):
        """Planned and paid over every payment found, or over the page's payments when the
        search is too large to read every row (``sums_exact`` says which)."""
        rows = self.rows_found if self.sums_exact() else self.page_rows
        planned = sum((payment.amount for payment, _activity in rows), ZERO)
        paid = sum(
            (
                payment.paid_amount
                for payment, _activity in rows
                if payment.settled and payment.paid_amount is not None
            ),
            ZERO,
        )
        return {"planned": format_money(planned), "paid": format_money(paid)}

    def markable_figures(self):
        """(count, sum) of the markable payments found (the start page's figures): exact for a
        small search; for a large one the count of payments found and no sum (None)."""
        if self.sums_exact():
            rows = [(p, a) for p, a in self.rows_found if is_markable(a, p)]
            return len(rows), sum((payment.amount for payment, _a in rows), ZERO)
        return self.total_count, None

    def rows(self):
        """The rows of the page, computed once per request (the template asks twice)."""
        if self.__dict__.get("_rows") is None:
            self._rows = self.compute_rows()
        return self._rows

    def compute_rows(self):
        # The services and sections of the page, each read once (by_uid costs some 0.2 ms).
        objects = {}

        def lookup(uid):
            if uid not in objects:
                objects[uid] = by_uid(uid)
            return objects[uid]

        services = {}
        permitted = {}
        accounts = {}
        # The engine Account of a section, main service and activity type is looked up once a
        # page; the account of each recipient type and payment method is made from it (by_key).
        engine_accounts = {}
        by_key = {}
        # One settings read, one alias table and the method titles once for the page, not per row.
        current_settings = read_settings()
        aliases = alias_table()
        methods = {key: self.t(title) for key, title in METHOD_TITLES.items()}
        today_date = self.today()
        today = today_date.isoformat()
        result = []
        for number, (payment, activity) in enumerate(self.page_rows):
            case = case_of(activity)
            service_uid = activity.service
            if service_uid not in services:
                service = lookup(service_uid)
                services[service_uid] = service.title if service is not None else ""
            uid = activity.UID()
            if uid not in permitted:
                permitted[uid] = may_register_payments(activity)
                key = account_key(activity)
                if key is None:
                    accounts[uid] = activity_account(activity, current_settings, aliases)
                else:
                    if key not in by_key:
                        source = key[:3]
                        if source not in engine_accounts:
                            engine_accounts[source] = account_from(*source, lookup=lookup)
                        by_key[key] = activity_account(
                            activity, current_settings, aliases, account=engine_accounts[source]
                        )
                    accounts[uid] = by_key[key]
            account_string, account_alias = payment_account(payment, accounts[uid])
            method = activity.payment_method or ""
            result.append(
                {
                    "key": f"bos-pay-{number}",
                    "date": format_date_short(payment.date),
                    "iso_date": payment.date.isoformat(),
                    "amount": format_money(payment.amount),
                    "paid": payment.settled,
                    "paid_amount": format_money(payment.paid_amount),
                    "paid_date": format_date_short(payment.paid_date),
                    "note": payment.note or "",
                    "method": methods.get(method, method),
                    "recipient_name": activity.recipient_name or "",
                    "recipient_id": activity.recipient_id or "",
                    "cpr": format_cpr((getattr(case, "cpr_number", "") or "").replace("-", "")),
                    "sbsys_id": getattr(case, "sbsys_id", "") or "",
                    # The case is shown by the child's name (the case's title) and SBSYS id.
                    "child_name": case.Title() if case is not None else "",
                    "overdue": is_overdue(activity, payment, today_date),
                    "early": payment.date > today_date,
                    "amount_value": f"{payment.amount:f}",
                    "select_value": f"{uid}:{payment.date.isoformat()}",
                    "amount_name": f"amount-{uid}-{payment.date.isoformat()}",
                    "case_url": case.absolute_url() if case is not None else "",
                    "service": services[service_uid] or activity.Title(),
                    "activity_url": activity.absolute_url(),
                    "payment_id": payment.payment_id or getattr(activity, "payment_id", "") or "",
                    "account_string": account_string,
                    "account_alias": account_alias,
                    "fictive": bool(activity.fictive),
                    # The search finds granted activities only (activity_query).
                    "markable": permitted[uid] and is_markable(activity, payment, granted=True),
                    "activity_uid": uid,
                    "default_amount": format_amount(payment.amount),
                    "today": today,
                }
            )
        return result

    def rows_html(self):
        """The page's <tr>s (payment_rows_html), their words translated once."""
        words = {name: self.t(msgid) for name, msgid in ROW_WORDS.items()}
        return payment_rows_html(self.rows(), words)

    def authenticator(self):
        return api.content.get_view("authenticator", self.context, self.request).token()

    def any_markable(self):
        """Does the page have a payment the user may register (then the register bar shows)?"""
        return any(row["markable"] for row in self.rows())


def payment_rows_html(rows, words):
    """The <tr>s of the search's rows (PaymentSearchView.compute_rows), written here rather than
    in the template: a page-template expression per cell cost more than the rows' figures (as
    the activity view's payment_rows_html). ``words``: ROW_WORDS translated. Every value is
    escaped; ids, names, classes and sort values are what the screen's script, the sorting of
    the headers and the tests read."""
    words = {name: escape(text) for name, text in words.items()}
    out = []
    for row in rows:
        if row["paid"]:
            css, status_order = "bos-paid", "1"
        elif row["overdue"]:
            css, status_order = "bos-unpaid bos-overdue", "3"
        else:
            css, status_order = "bos-unpaid", "2"
        key = escape(str(row["key"]))
        day = escape(str(row["date"]))
        child = escape(str(row["child_name"]))
        out.append(
            f'<tr class="{css}" data-due="{escape(str(row["iso_date"]))}">\n<td class="bos-select">'
        )
        if row["markable"]:
            out.append(
                '\n<input type="checkbox" name="selected:list" '
                f'class="form-check-input bos-select-row" id="{key}-select" '
                f'value="{escape(str(row["select_value"]))}" />'
                f'\n<label class="visually-hidden" for="{key}-select"><span>{words["select"]}'
                f"</span> {day}, {escape(str(row['amount']))}, {child}</label>\n"
            )
        out.append(
            f'</td>\n<th scope="row" class="bos-nowrap" '
            f'data-sort-value="{escape(str(row["iso_date"]))}">{day}</th>'
            f'\n<td class="bos-money" data-sort-value="{escape(str(row["amount_value"]))}">'
            f"{escape(str(row['amount']))}</td>"
            f'\n<td data-sort-value="{status_order}">'
        )
        badges = []
        if row["paid"]:
            badges.append(f'<span class="bos-badge bos-badge-paid">{words["paid"]}</span>')
            badges.append(f'<span class="bos-nowrap">{escape(str(row["paid_amount"]))}</span>')
            badges.append(f'<span class="bos-nowrap">{escape(str(row["paid_date"]))}</span>')
            if row["note"]:
                badges.append(f'<span class="bos-note">{escape(str(row["note"]))}</span>')
        else:
            badges.append(f'<span class="bos-badge bos-badge-unpaid">{words["unpaid"]}</span>')
        if row["overdue"]:
            badges.append(f'<span class="bos-badge bos-badge-overdue">{words["overdue"]}</span>')
        if row["fictive"]:
            badges.append(f'<span class="bos-badge">{words["fictive"]}</span>')
        out.append("\n" + "\n".join(badges) + "\n</td>")
        out.append(f'\n<td data-sort-value="{child}">\n')
        if row["case_url"]:
            out.append(f'<a href="{escape(str(row["case_url"]))}">{child}</a>\n')
        sbsys_id = escape(str(row["sbsys_id"]))
        out.append(f'<span class="bos-small bos-nowrap">{sbsys_id}</span>\n</td>')
        recipient = escape(str(row["recipient_name"]))
        out.append(f'\n<td data-sort-value="{recipient}">\n<span>{recipient}</span>\n')
        if row["recipient_id"]:
            out.append(f'<span class="bos-small">{escape(str(row["recipient_id"]))}</span>\n')
        service = escape(str(row["service"]))
        out.append(
            f'</td>\n<td data-sort-value="{service}">'
            f'\n<a href="{escape(str(row["activity_url"]))}">{service}</a>'
            f'\n<span class="bos-small">{escape(str(row["method"]))}</span>\n</td>'
        )
        payment_id = escape(str(row["payment_id"]))
        out.append(
            f'\n<td data-sort-value="{payment_id}">\n<span>{payment_id}</span>'
            f'\n<span class="bos-small bos-account">{escape(str(row["account_string"]))}</span>\n'
        )
        if row["account_alias"]:
            out.append(f'<span class="bos-small">{escape(str(row["account_alias"]))}</span>\n')
        out.append('</td>\n<td class="bos-register-col">')
        if row["markable"]:
            out.append(
                f'\n<label class="visually-hidden" for="{key}-amount"><span>'
                f"{words['paid_amount']}</span> {day}</label>"
                '\n<input type="text" class="form-control form-control-sm bos-paid-amount" '
                f'inputmode="decimal" size="9" id="{key}-amount" '
                f'value="{escape(str(row["default_amount"]))}" '
                f'name="{escape(str(row["amount_name"]))}" />\n'
            )
        out.append("</td>\n</tr>\n")
    return "".join(out)


class RegisterPaymentView(BosView):
    """POST: register one payment as paid, then back to the search it was made from."""

    def __call__(self):
        if self.request.get("REQUEST_METHOD", "GET").upper() != "POST":
            raise BadRequest("POST only")
        CheckAuthenticator(self.request)
        form = self.request.form
        if "selected" in form or "register_selected" in form:
            return self.register_selected()
        messages = IStatusMessage(self.request)
        activity = self.find_activity(form.get("activity"))
        if activity is None or not may_register_payments(activity):
            raise Forbidden(
                self.t(
                    _(
                        "payments_forbidden",
                        default="You may not register payments of this activity.",
                    )
                )
            )
        errors = []
        day = self.parse_day(form.get("date"))
        payment = find_payment(activity, day) if day is not None else None
        if payment is None:
            errors.append(self.t(_("payments_error_no_payment", default="No such payment.")))
        amount = None
        try:
            amount = parse_danish(form.get("paid_amount") or "")  # "10.000" is ten thousand
        except ValueError as error:
            explained = getattr(error, "kind", "unreadable") != "unreadable"
            errors.append(
                str(error)
                if explained
                else self.t(
                    _(
                        "payments_error_bad_amount",
                        default="Give the paid amount as an amount, e.g. 1.234,50.",
                    )
                )
            )
        if amount is not None and amount < ZERO:
            errors.append(
                self.t(
                    _("payments_error_negative", default="The paid amount must not be negative.")
                )
            )
        paid_date, error = self.paid_date(form)
        if error:
            errors.append(error)
        if not errors:
            user = api.user.get_current()
            try:
                mark_paid(
                    activity,
                    day,
                    amount,
                    paid_date.isoformat(),
                    note=(form.get("note") or "").strip(),
                    user_id=user.getId() or user.getUserName(),
                    privileged=False,
                )
            except KeyError:
                errors.append(self.t(_("payments_error_no_payment", default="No such payment.")))
            except InvalidFields as error:
                errors.extend(item.message for item in error.errors)
        if errors:
            messages.add(
                self.t(
                    _(
                        "payments_not_registered",
                        default="The payment was not registered as paid:",
                    )
                ),
                "error",
            )
            for error in dict.fromkeys(errors):
                messages.add(error, "error")
        else:
            messages.add(
                self.t(
                    _(
                        "payments_registered",
                        default="The payment of ${date} (${amount}) is registered as paid: "
                        "${paid_amount} on ${paid_date}.",
                        mapping={
                            "date": format_date(day),
                            "amount": format_money(payment.amount),
                            "paid_amount": format_money(amount),
                            "paid_date": format_date(paid_date),
                        },
                    )
                ),
                "info",
            )
        self.request.response.redirect(self.back_url(form.get("search")))
        return ""

    # -- several payments in one action -------------------------------------------------------

    def register_selected(self):
        """Register the selected payments paid on one date: all or nothing.

        Each goes through ``mark_paid`` (the one door and its rules) inside a savepoint; when
        one is refused the savepoint is rolled back, so nothing is written, and the message
        names every refused payment and why. Payments not due yet are registered only with the
        ``confirm`` flag (the screen's script asks the question; without it the server does).
        """
        form = self.request.form
        messages = IStatusMessage(self.request)
        back = self.back_url(form.get("search"))
        selected = form.get("selected") or []
        if isinstance(selected, str):
            selected = [selected]
        selected = list(dict.fromkeys(value for value in selected if isinstance(value, str)))
        paid_date, date_error = self.paid_date(form)
        errors = []
        if not selected:
            errors.append(
                self.t(
                    _(
                        "payments_error_none_selected",
                        default="Select at least one payment to register.",
                    )
                )
            )
        if date_error:
            errors.append(date_error)
        if errors:
            return self.refuse(messages, errors, back)
        items = []
        refused = []
        for value in selected:
            item = self.selected_item(value, form)
            if item.get("error"):
                refused.append(item)
            else:
                items.append(item)
        today = clock.today()
        early = [item for item in items if is_early(item["payment"], paid_date, today)]
        if early and not refused and form.get("confirm") not in ("1", "on", "true"):
            messages.add(
                self.t(
                    _(
                        "payments_confirm_early",
                        default="Nothing was registered: ${count} of the selected payments are "
                        "not due yet (${dates}). Confirm that they are to be registered as paid "
                        "before their due date.",
                        mapping={
                            "count": len(early),
                            "dates": ", ".join(format_date(item["day"]) for item in early),
                        },
                    )
                ),
                "warning",
            )
            self.request.response.redirect(back)
            return ""
        user = api.user.get_current()
        user_id = user.getId() or user.getUserName()
        note = (form.get("note") or "").strip() if isinstance(form.get("note"), str) else ""
        savepoint = transaction.savepoint()
        registered = []
        for item in items:
            try:
                mark_paid(
                    item["activity"],
                    item["day"],
                    item["amount"],
                    paid_date.isoformat(),
                    note=note,
                    user_id=user_id,
                    privileged=False,
                )
            except KeyError:
                item["error"] = [self.t(_("payments_error_no_payment", default="No such payment."))]
                refused.append(item)
            except InvalidFields as error:
                item["error"] = list(dict.fromkeys(entry.message for entry in error.errors))
                refused.append(item)
            else:
                registered.append(item)
        if refused:
            savepoint.rollback()  # all or nothing: not one of them is written
            messages.add(
                self.t(
                    _(
                        "payments_none_registered",
                        default="No payment was registered as paid: ${refused} of the "
                        "${count} selected payments were refused. Correct them or leave them "
                        "out, and register again.",
                        mapping={"refused": len(refused), "count": len(selected)},
                    )
                ),
                "error",
            )
            for item in refused:
                messages.add(f"{item['label']}: {' '.join(item['error'])}", "error")
            self.request.response.redirect(back)
            return ""
        total = sum((item["amount"] for item in registered), ZERO)
        messages.add(
            self.t(
                _(
                    "payments_registered_many",
                    default="${count} payments are registered as paid on ${paid_date}: "
                    "${total} in all.",
                    mapping={
                        "count": len(registered),
                        "paid_date": format_date(paid_date),
                        "total": format_money(total),
                    },
                )
            )
            if len(registered) > 1
            else self.t(
                _(
                    "payments_registered",
                    default="The payment of ${date} (${amount}) is registered as paid: "
                    "${paid_amount} on ${paid_date}.",
                    mapping={
                        "date": format_date(registered[0]["day"]),
                        "amount": format_money(registered[0]["payment"].amount),
                        "paid_amount": format_money(registered[0]["amount"]),
                        "paid_date": format_date(paid_date),
                    },
                )
            ),
            "info",
        )
        self.request.response.redirect(back)
        return ""

    def refuse(self, messages, errors, back):
        messages.add(
            self.t(_("payments_not_registered", default="The payment was not registered as paid:")),
            "error",
        )
        for error in dict.fromkeys(errors):
            messages.add(error, "error")
        self.request.response.redirect(back)
        return ""

    def selected_item(self, value, form):
        """{activity, day, payment, amount, label} of a selected "<activity uid>:<date>", or
        with ``error`` (a list of reasons) when it cannot be registered as it stands."""
        uid, _sep, iso = value.partition(":")
        day = self.parse_day(iso)
        activity = self.find_activity(uid) if UID.match(uid or "") else None
        item = {"activity": activity, "day": day, "payment": None, "amount": None}
        payment = find_payment(activity, day) if activity is not None and day else None
        item["label"] = self.item_label(activity, day, payment)
        if activity is None or payment is None:
            item["error"] = [self.t(_("payments_error_no_payment", default="No such payment."))]
            return item
        item["payment"] = payment
        if not may_register_payments(activity):
            item["error"] = [
                self.t(
                    _(
                        "payments_forbidden",
                        default="You may not register payments of this activity.",
                    )
                )
            ]
            return item
        typed = form.get(f"amount-{uid}-{iso}")
        if typed is None:
            item["amount"] = payment.amount  # the planned amount, as the screen proposes
            return item
        try:
            amount = parse_danish(typed if isinstance(typed, str) else "")
        except ValueError as error:
            explained = getattr(error, "kind", "unreadable") != "unreadable"
            item["error"] = [
                str(error)
                if explained
                else self.t(
                    _(
                        "payments_error_bad_amount",
                        default="Give the paid amount as an amount, e.g. 1.234,50.",
                    )
                )
            ]
            return item
        if amount is None:
            item["error"] = [
                self.t(
                    _(
                        "payments_error_bad_amount",
                        default="Give the paid amount as an amount, e.g. 1.234,50.",
                    )
                )
            ]
        elif amount < ZERO:
            item["error"] = [
                self.t(
                    _("payments_error_negative", default="The paid amount must not be negative.")
                )
            ]
        item["amount"] = amount
        return item

    def item_label(self, activity, day, payment):
        """ "Betalingen den 1. juni 2026 (9.700,00 kr.) til Kompasrosen, Alma Andersen
        (27.24.00-G01-1)": which payment a message is about."""
        if activity is None or day is None:
            return self.t(_("payments_item_unknown", default="A selected payment"))
        case = case_of(activity)
        return self.t(
            _(
                "payments_item",
                default="The payment of ${date} (${amount}) to ${recipient}, ${child} "
                "(${sbsys_id})",
                mapping={
                    "date": format_date(day),
                    "amount": format_money(payment.amount) if payment is not None else "–",
                    "recipient": activity.recipient_name or activity.recipient_id or "",
                    "child": case.Title() if case is not None else "",
                    "sbsys_id": getattr(case, "sbsys_id", "") or "",
                },
            )
        )

    @staticmethod
    def parse_day(value):
        """A machine date (the payment's key, ISO) or None."""
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            return parse_date(value.strip())
        except (TypeError, ValueError):
            return None

    def paid_date(self, form):
        """(the paid date, None) or (None, its Danish message): 01.12.2026 or ISO, required."""
        return read_date_field(form, "paid_date", self.t(LABEL_PAID_DATE), required=True)

    def find_activity(self, uid):
        if not isinstance(uid, str) or not uid:
            return None
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.searchResults(UID=uid, portal_type=ACTIVITY_TYPE)
        return brains[0].getObject() if len(brains) == 1 else None

    def back_url(self, search):
        """The search page with the search the form was posted from (known parameters only)."""
        allowed = (set(FILTERS) - {"cpr"}) | {"page"}  # never the CPR number in a redirect
        params = [
            (name, value)
            for name, value in parse_qsl(search if isinstance(search, str) else "")
            if name in allowed
        ]
        base = f"{self.context.absolute_url()}/@@bos-payments"
        return f"{base}?{urlencode(params)}" if params else base
