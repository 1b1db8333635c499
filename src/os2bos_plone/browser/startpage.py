"""The start page (@@bos-start, the site's default view): each role's work one click away.

One section per kind of work the user may do (a user with several roles sees each of them):

- case worker (role BOS Sagsbehandler): my cases with this year's cost, my drafts, what I
  submitted and its state, and what was granted since my last visit;
- approver (permission »Decide on activities« on the site): »Til godkendelse (n)«, counted with
  the query of the approvals screen (decisions.competence.awaiting);
- payment office (»Register payments«): the unpaid payments to register due this week and the
  overdue ones, found by the payment search itself (browser.payments.PaymentSearchView);
- management (»View management information«): the budget headline of this year
  (management.figures / management.budget) and a link to @@bos-overview;
- regelmotor (»Add Classification«): the regelmotor's recently changed items.

Everything but the payment office's figures is read from the catalog (brains and metadata); no
case or activity is woken. Anonymous gets a login prompt and nothing of the product.

The last visit is kept per user in one OOBTree in the site's annotations (a small bucket entry,
written at most every ``TOUCH_EVERY`` and never by another user's visit): an entry is
(last seen, the visit before this one), as POSIX seconds. A gap of ``NEW_VISIT_AFTER`` starts
a new visit, so reloading the page keeps showing what happened since the previous visit.
"""

from datetime import datetime
from datetime import timedelta
from decimal import Decimal

from BTrees.OOBTree import OOBTree
from DateTime import DateTime
from plone import api
from plone.protect.utils import safeWrite
from zope.annotation.interfaces import IAnnotations

from os2bos_plone import _
from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.browser.base import BosView
from os2bos_plone.browser.containers import case_totals
from os2bos_plone.browser.payments import MANUAL_METHODS
from os2bos_plone.browser.payments import PaymentSearchView
from os2bos_plone.classification.reader import approval_levels
from os2bos_plone.decisions.competence import awaiting
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import format_date_short
from os2bos_plone.engine.money import format_money
from os2bos_plone.management.budget import budget_for
from os2bos_plone.management.budget import budget_lines
from os2bos_plone.management.budget import budget_status
from os2bos_plone.management.budget import deviation
from os2bos_plone.management.figures import classification_titles
from os2bos_plone.management.figures import collect

ZERO = Decimal("0")
#: Site annotation key of the visits tree {user id: (last seen, previous visit)}.
VISITS_KEY = "os2bos_plone.startpage.visits"
NEW_VISIT_AFTER = timedelta(hours=1)
TOUCH_EVERY = timedelta(minutes=10)
#: Without a previous visit, "decided since" looks back this far.
FIRST_VISIT_WINDOW = timedelta(days=14)
#: Rows per list on the start page (the linked screens have them all).
LIST_SIZE = 10
#: "Overdue" looks back this many days (the payment search reads each running activity's
#: payments, so the window is bounded).
OVERDUE_DAYS = 30

CASE_WORKER_ROLE = "BOSCaseWorker"
DECIDE = "os2bos_plone: Decide on activities"
REGISTER_PAYMENTS = "os2bos_plone: Register payments"
MANAGEMENT = "os2bos_plone: View management information"
MAINTAIN_REGELMOTOR = "os2bos_plone: Add Classification"

CLASSIFICATION_TYPES = (
    "bos_regelmotor",
    "bos_section",
    "bos_service",
    "bos_rate",
    "bos_service_provider",
    "bos_approval_level",
)
TYPE_TITLES = {
    "bos_regelmotor": _("startpage_type_lists", default="Lists and rules"),
    "bos_section": _("startpage_type_section", default="Law section"),
    "bos_service": _("startpage_type_service", default="Service"),
    "bos_rate": _("startpage_type_rate", default="Rate"),
    "bos_service_provider": _("startpage_type_provider", default="Service provider"),
    "bos_approval_level": _("startpage_type_level", default="Approval level"),
}
STATUS_TITLES = {
    "over": _("startpage_budget_over", default="Over budget"),
    "near": _("startpage_budget_near", default="Close to the budget"),
    "under": _("startpage_budget_under", default="Within budget"),
    "none": _("startpage_budget_none", default="No budget"),
}


def _signed(amount):
    """ "+1.000,00 kr." for an overrun, "-1.000,00 kr." below the budget; "" for None."""
    if amount is None:
        return ""
    return f"+{format_money(amount)}" if amount > 0 else format_money(amount)


# -- the last visit ---------------------------------------------------------------------------


def visits(portal, create=False):
    """The visits tree of the site (made by install and upgrade 1008; ``create`` makes it)."""
    annotations = IAnnotations(portal)
    tree = annotations.get(VISITS_KEY)
    if tree is None and create:
        tree = annotations[VISITS_KEY] = OOBTree()
    return tree


def _stamp(moment):
    """A moment as stored: POSIX seconds (a datetime's zone does not pickle in the ZODB)."""
    return None if moment is None else moment.timestamp()


def _moment(stamp):
    return None if stamp is None else datetime.fromtimestamp(stamp, clock.LOCAL_TIMEZONE)


def last_visit(portal, user_id):
    """(last seen, the previous visit) of ``user_id`` as datetimes; (None, None) if never."""
    tree = visits(portal)
    last_seen, previous = (tree.get(user_id) if tree is not None else None) or (None, None)
    return _moment(last_seen), _moment(previous)


def set_last_visit(portal, user_id, last_seen, previous=None):
    visits(portal, create=True)[user_id] = (_stamp(last_seen), _stamp(previous))


def record_visit(portal, user_id, request=None, now=None):
    """Record that ``user_id`` sees the start page now; returns the moment of the previous
    visit (None on the first)."""
    now = now or clock.now()
    last_seen, previous = last_visit(portal, user_id)
    if last_seen is None:
        entry = (now, None)
    elif now - last_seen >= NEW_VISIT_AFTER:
        entry = (now, last_seen)
        previous = last_seen
    elif now - last_seen >= TOUCH_EVERY:
        entry = (now, previous)
    else:
        return previous
    set_last_visit(portal, user_id, *entry)
    if request is not None:
        # A write on GET: only the visits tree and its buckets, so plone.protect lets it pass.
        tree = visits(portal)
        safeWrite(tree, request)
        jar = getattr(tree, "_p_jar", None)
        for obj in list(getattr(jar, "_registered_objects", None) or ()):
            if type(obj).__module__.startswith("BTrees."):
                safeWrite(obj, request)
    return previous


# -- the view ---------------------------------------------------------------------------------


class StartPageView(BosView):
    """The start page: the sections of the current user's work."""

    def __call__(self):
        self.request.set("disable_plone.leftcolumn", 1)
        self.request.set("disable_plone.rightcolumn", 1)
        self.portal = api.portal.get()
        self.anonymous = api.user.is_anonymous()
        self.today = clock.today()
        self.year = self.today.year
        if not self.anonymous:
            self.user = api.user.get_current()
            self.user_id = self.user.getId()
            self.roles = set(self.user.getRoles())
        return self.index()

    # -- what the user sees ------------------------------------------------------------------

    def may(self, permission):
        return bool(api.user.has_permission(permission, obj=self.portal))

    def show_case_worker(self):
        return not self.anonymous and CASE_WORKER_ROLE in self.roles

    def show_approver(self):
        return not self.anonymous and self.may(DECIDE)

    def show_payments(self):
        return not self.anonymous and self.may(REGISTER_PAYMENTS)

    def show_management(self):
        return not self.anonymous and self.may(MANAGEMENT)

    def show_regelmotor(self):
        return not self.anonymous and self.may(MAINTAIN_REGELMOTOR)

    def sections(self):
        """The ids of the sections shown, in page order (tests and the template)."""
        shown = (
            ("case_worker", self.show_case_worker),
            ("approver", self.show_approver),
            ("payments", self.show_payments),
            ("management", self.show_management),
            ("regelmotor", self.show_regelmotor),
        )
        return [name for name, show in shown if show()]

    def greeting(self):
        name = self.user.getProperty("fullname", "") or self.user_id
        return self.t(_("startpage_greeting", default="Welcome, ${name}", mapping={"name": name}))

    def login_url(self):
        return f"{self.portal.absolute_url()}/login"

    # -- case worker --------------------------------------------------------------------------

    def _catalog(self):
        return api.portal.get_tool("portal_catalog")

    def case_worker(self):
        """{cases, cases_total, cases_url, drafts, submitted, decided, since} for the user."""
        catalog = self._catalog()
        brains = catalog.searchResults(
            portal_type=CASE_TYPE,
            bos_case_worker=self.user_id,
            review_state="active",
            sort_on="sortable_title",
        )
        titles = {brain.UID: brain.Title or brain.getId for brain in brains}
        uids = list(titles)
        totals = case_totals(uids, self.year)
        cases = []
        for brain in brains[:LIST_SIZE]:
            granted, expected = totals.get(brain.UID, (ZERO, ZERO))
            cases.append(
                {
                    "title": titles[brain.UID],
                    "url": brain.getURL(),
                    "sbsys_id": brain.bos_sbsys_id or "",
                    "granted": format_money(granted),
                    "expected": format_money(expected),
                }
            )
        since = record_visit(self.portal, self.user_id, self.request)
        return {
            "cases": cases,
            "cases_total": len(brains),
            "cases_url": f"{self.portal.absolute_url()}/sager/@@bos-cases-listing?case_worker=mine",
            "drafts": self.activities(uids, titles, "draft"),
            "submitted": self.activities(uids, titles, "expected"),
            "decided": self.activities(uids, titles, "granted", since=self.since_moment(since)),
            "since": self.since_text(since),
        }

    def since_moment(self, since):
        return since if since is not None else clock.now() - FIRST_VISIT_WINDOW

    def since_text(self, since):
        if since is None:
            return self.t(
                _(
                    "startpage_decided_first",
                    default="Granted in the last ${days} days",
                    mapping={"days": FIRST_VISIT_WINDOW.days},
                )
            )
        return self.t(
            _(
                "startpage_decided_since",
                default="Granted since your last visit (${when})",
                mapping={"when": f"{format_date_short(since.date())} {since:%H.%M}"},
            )
        )

    def activities(self, case_uids, case_titles, state, since=None):
        """Activities of the cases in ``state`` (newest first), from their brains."""
        if not case_uids:
            return []
        query = {
            "portal_type": ACTIVITY_TYPE,
            "bos_case_uid": case_uids,
            "review_state": state,
            "sort_on": "modified",
            "sort_order": "reverse",
        }
        if since is not None:
            query["modified"] = {"query": DateTime(since.isoformat()), "range": "min"}
        if not hasattr(self, "_levels"):
            self._levels = {level.key: level.title for level in approval_levels()}
        levels = self._levels
        rows = []
        for brain in self._catalog().searchResults(**query)[:LIST_SIZE]:
            url = brain.getURL()
            rows.append(
                {
                    "title": brain.Title or brain.getId,
                    "url": url,
                    "grant_url": url.rsplit("/", 1)[0],
                    "case": case_titles.get(brain.bos_case_uid, ""),
                    "start": format_date(brain.bos_start_date) if brain.bos_start_date else "",
                    "level": levels.get(brain.bos_required_level, ""),
                    "modified": format_date_short(brain.modified.asdatetime().date()),
                }
            )
        return rows

    # -- approver -----------------------------------------------------------------------------

    def approvals_count(self):
        """What the approvals screen lists for this user (the same query)."""
        return len(awaiting(self.user))

    def approvals_url(self):
        return f"{self.portal.absolute_url()}/@@bos-my-approvals"

    def approvals_label(self):
        return self.t(
            _(
                "startpage_approvals",
                default="Awaiting approval (${count})",
                mapping={"count": self.approvals_count()},
            )
        )

    # -- payment office -----------------------------------------------------------------------

    def _payments(self, **params):
        """The unpaid payments the payment office registers by hand (invoice and internal) that
        the payment search finds with ``params``: (count, sum), None when the search is refused; the
        sum is None for a search too large to read every row (its count is read from the
        catalog's day indexes, fictive activities' payments included). One search per method,
        so the catalog leaves out SD and cash activities."""
        count, total = 0, ZERO
        for method in MANUAL_METHODS:
            search = PaymentSearchView(self.portal, self.request)
            values = {"paid": "unpaid", "payment_method": method, **params}
            # The search reads its filters with ``param``: given here instead of the request.
            search.param = lambda name, values=values: values.get(name, "")
            search.want_page = False  # the figures only: no page's activities woken
            search.update()
            if not search.has_result():
                return None
            found, amount = search.markable_figures()
            count += found
            # A large search counts from the catalog and has no sum (None).
            total = None if total is None or amount is None else total + amount
        return count, total

    def payments(self):
        base = f"{self.portal.absolute_url()}/@@bos-payments"
        week = self._payments(period="this_week")
        yesterday = self.today - timedelta(days=1)
        first = self.today - timedelta(days=OVERDUE_DAYS)
        overdue_params = {
            "period": "custom",
            "date_from": first.isoformat(),
            "date_to": yesterday.isoformat(),
        }
        overdue = self._payments(**overdue_params)
        return {
            "url": base,
            "week_url": f"{base}?period=this_week&paid=unpaid",
            "week_count": week[0] if week else None,
            "week_sum": format_money(week[1]) if week and week[1] is not None else "",
            "overdue_url": (
                f"{base}?period=custom&date_from={first.isoformat()}"
                f"&date_to={yesterday.isoformat()}&paid=unpaid"
            ),
            "overdue_count": overdue[0] if overdue else None,
            "overdue_sum": format_money(overdue[1]) if overdue and overdue[1] is not None else "",
            "overdue_days": OVERDUE_DAYS,
        }

    # -- management ---------------------------------------------------------------------------

    def management(self):
        """This year's budget headline: budget, forecast, deviation, status, lines over."""
        overview = collect(self.year, self.today)
        granted, expected = overview.totals[0], overview.totals[1]
        budget = budget_for(self.year)
        total_budget = None
        lines_over = 0
        if budget is not None:
            section_keys = {
                uid: key for uid, (key, _title) in classification_titles("bos_section").items()
            }
            lines, _unbudgeted = budget_lines(budget, overview, section_keys)
            total_budget = sum((line["budget"] for line in lines), ZERO)
            lines_over = sum(
                1 for line in lines if budget_status(line["budget"], line["expected"]) == "over"
            )
        status = budget_status(total_budget, expected)
        difference, _pct, usage = deviation(total_budget, expected)
        return {
            "granted": format_money(granted),
            "expected": format_money(expected),
            "budget": format_money(total_budget) if total_budget is not None else "",
            "difference": _signed(difference),
            "usage": f"{usage:.0f} %" if usage is not None else "",
            "status": status,
            "status_text": self.t(STATUS_TITLES[status]),
            "lines_over": lines_over,
            "overview_url": f"{self.portal.absolute_url()}/@@bos-overview",
            "budget_url": f"{self.portal.absolute_url()}/budget",
        }

    # -- regelmotor ---------------------------------------------------------------------------

    def regelmotor(self):
        brains = self._catalog().searchResults(
            portal_type=CLASSIFICATION_TYPES,
            sort_on="modified",
            sort_order="reverse",
            sort_limit=LIST_SIZE,
        )[:LIST_SIZE]
        return {
            "url": f"{self.portal.absolute_url()}/regelmotor",
            "rows": [
                {
                    "title": brain.Title or brain.getId,
                    "url": brain.getURL(),
                    "kind": self.t(TYPE_TITLES[brain.portal_type]),
                    "modified": format_date_short(brain.modified.asdatetime().date()),
                }
                for brain in brains
            ],
        }
