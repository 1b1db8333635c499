"""Views of the top-level containers: the case list in /sager ("Mine sager").

The list is read from the catalog only: cases from their metadata (and the CPR index), their
costs from the yearly totals stored on every activity (``bos_yearly_totals``), grouped per case
through ``bos_case_uid``. No case and no activity is woken to list them.
"""

import re
from decimal import Decimal
from urllib.parse import urlencode

from plone import api

from os2bos_plone import _
from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.audit.reads import cpr_search
from os2bos_plone.browser.base import PagedView
from os2bos_plone.browser.base import format_cpr
from os2bos_plone.browser.base import prefix_query
from os2bos_plone.classification.reader import LIST_KEYS
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.engine import clock
from os2bos_plone.engine.money import format_money
from os2bos_plone.management.ledger import year_totals

ZERO = Decimal("0")
PAGE_SIZE = 50
#: The case worker filter's value for "the current user's cases" (no fallback to all cases).
MINE = "mine"
#: The GET parameters of the filters, in the order they are put in links.
FILTERS = ("case_worker", "team", "cpr", "sbsys", "status")
STATUS_TITLES = {
    "active": _("cases_status_active", default="Active"),
    "closed": _("cases_status_closed", default="Closed"),
}


def user_names():
    """A cached lookup of users' full names (the id when the user has none or is gone)."""
    cache = {}

    def name(user_id):
        if not user_id:
            return ""
        if user_id not in cache:
            cache[user_id] = user_name(user_id)
        return cache[user_id]

    return name


def list_titles(name):
    """{key: title} of a regelmotor list (inactive rows too: they still show on old cases)."""
    key_field = LIST_KEYS[name]
    return {
        str(row.get(key_field)): row.get("title") or str(row.get(key_field))
        for row in list_rows(name)
    }


def case_totals(case_uids, year):
    """{case uid: [granted, expected]} in ``year`` from the activities' stored yearly totals."""
    totals = {}
    if not case_uids:
        return totals
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type=ACTIVITY_TYPE, bos_case_uid=list(case_uids)
    )
    for brain in brains:
        values = (brain.bos_yearly_totals or {}).get(year)
        if not values:
            continue
        sums = totals.setdefault(brain.bos_case_uid, [ZERO, ZERO])
        sums[0] += Decimal(values[0])
        sums[1] += Decimal(values[1])
    return totals


class CasesListingView(PagedView):
    """The list of cases in /sager with filters kept in the URL (the CPR number posted, never in a
    URL), pages and this year's costs."""

    page_size = PAGE_SIZE

    # -- request -----------------------------------------------------------------------------

    def update(self):
        self.year = clock.today().year
        self.user_id = api.user.get_current().getId()
        self.names = user_names()
        self.filters = {name: self.param(name) for name in FILTERS}
        self.fallback = False
        worker = self.filters["case_worker"]
        if worker is None:
            # Default: my cases; someone without cases of their own (a manager) sees them all.
            self.worker = self.user_id
            if not self.search(case_worker=self.user_id, only_worker=True):
                self.worker = ""
                self.fallback = True
        elif worker == MINE:
            self.worker = self.user_id
        else:
            self.worker = worker
        self.brains = self.search(case_worker=self.worker)
        if self.filters["cpr"]:
            cpr_search(self.brains, "sagslisten")
        self.page_brains = list(self.paginate(self.brains))
        self.totals = case_totals([brain.UID for brain in self.page_brains], self.year)

    def search(self, case_worker="", only_worker=False):
        """The cases the user may see that match the filters (or only the case worker)."""
        query = {
            "portal_type": CASE_TYPE,
            "path": "/".join(self.context.getPhysicalPath()),
            "sort_on": "sortable_title",
        }
        if case_worker:
            query["bos_case_worker"] = case_worker
        if not only_worker:
            self.add_filters(query)
        catalog = api.portal.get_tool("portal_catalog")
        return catalog.searchResults(**query)

    def add_filters(self, query):
        team = self.filters["team"]
        if team:
            query["bos_team"] = team
        status = self.filters["status"]
        if status in STATUS_TITLES:
            query["review_state"] = status
        cpr = self.filters["cpr"]
        if cpr:
            digits = re.sub(r"\D", "", cpr)
            if len(digits) == 10 or not digits:
                query["bos_cpr"] = digits or cpr
            else:
                query["bos_cpr"] = prefix_query(digits)
        sbsys = self.filters["sbsys"]
        if sbsys:
            query["bos_sbsys_id"] = prefix_query(sbsys)

    # -- what the template shows -------------------------------------------------------------

    def heading(self):
        if not self.worker:
            return self.t(_("All cases"))
        if self.worker == self.user_id:
            return self.t(_("My cases"))
        return self.t(_("Cases of ${name}", mapping={"name": self.names(self.worker)}))

    def show_fallback_note(self):
        return self.fallback

    def is_filtered(self):
        return any(value not in (None, "") for value in self.filters.values())

    def url(self, **changes):
        """The listing's URL with the current filters, changed by ``changes`` (None: drop)."""
        params = {}
        for name in FILTERS:
            value = self.filters[name]
            if name == "cpr":
                continue  # never in a URL (GDPR): the form and the pager post it
            if name == "case_worker" and value == "" and name not in changes:
                params[name] = ""  # "all case workers" must stay in the link
            elif value:
                params[name] = value
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        base = f"{self.context.absolute_url()}/@@bos-cases-listing"
        return f"{base}?{urlencode(params)}" if params else base

    def reset_url(self):
        return self.context.absolute_url()

    def posted_filters(self):
        """The filters the pager posts when the CPR filter is set (the CPR stays out of URLs)."""
        return [
            {"name": name, "value": self.filters[name]}
            for name in FILTERS
            if self.filters[name] is not None
        ]

    def worker_options(self):
        catalog = api.portal.get_tool("portal_catalog")
        user_ids = set(catalog.uniqueValuesFor("bos_case_worker")) - {None, ""}
        options = [
            {"value": MINE, "title": self.t(_("My cases")), "selected": self.worker_selected(MINE)},
            {
                "value": "",
                "title": self.t(_("All case workers")),
                "selected": self.worker_selected(""),
            },
        ]
        others = sorted(
            ({"value": uid, "title": self.names(uid)} for uid in user_ids),
            key=lambda item: item["title"].lower(),
        )
        for item in others:
            item["selected"] = self.worker_selected(item["value"])
            options.append(item)
        return options

    def worker_selected(self, value):
        chosen = self.filters["case_worker"]
        if chosen is None:  # the default
            return value == (MINE if self.worker else "")
        return value == chosen

    def team_options(self):
        teams = sorted(list_titles("teams").items(), key=lambda item: item[1].lower())
        return [
            {"value": key, "title": title, "selected": key == self.filters["team"]}
            for key, title in teams
        ]

    def status_options(self):
        return [
            {"value": key, "title": self.t(title), "selected": key == self.filters["status"]}
            for key, title in STATUS_TITLES.items()
        ]

    def rows(self):
        teams = list_titles("teams")
        steps = list_titles("effort_steps")
        cpr_index = self.cpr_index()
        rows = []
        for brain in self.page_brains:
            granted, expected = self.totals.get(brain.UID, (ZERO, ZERO))
            step = brain.bos_effort_step
            state = brain.review_state
            rows.append(
                {
                    "sbsys_id": brain.bos_sbsys_id or "",
                    "title": brain.Title or brain.getId,
                    "url": brain.getURL(),
                    "cpr": format_cpr(cpr_index(brain)),
                    "case_worker": self.names(brain.bos_case_worker),
                    "team": teams.get(brain.bos_team or "", brain.bos_team or ""),
                    "effort_step": steps.get(str(step), str(step)) if step else "",
                    "granted": format_money(granted),
                    "expected": format_money(expected),
                    "state": state,
                    "status": self.t(STATUS_TITLES[state]) if state in STATUS_TITLES else state,
                }
            )
        return rows

    def cpr_index(self):
        """The indexed CPR of a brain (read from the index: CPR is no metadata column)."""
        catalog = api.portal.get_tool("portal_catalog")
        index = catalog.Indexes["bos_cpr"]

        def cpr(brain):
            value = index.getEntryForObject(brain.getRID(), default=None)
            return value if isinstance(value, str) else ""

        return cpr

    def total(self):
        """This year's figures of every listed case (not only the page's)."""
        granted, expected = self.listed_total()
        return {"granted": format_money(granted), "expected": format_money(expected)}

    def listed_total(self):
        if len(self.brains) == self.count_of_all_cases():
            # The list holds every case there is: their sum is the municipality's, which the
            # running sums keep (management.ledger), instead of reading every activity.
            totals = year_totals(self.year)
            if totals is not None:
                return totals
        totals = case_totals([brain.UID for brain in self.brains], self.year)
        return (
            sum((values[0] for values in totals.values()), ZERO),
            sum((values[1] for values in totals.values()), ZERO),
        )

    def count_of_all_cases(self):
        catalog = api.portal.get_tool("portal_catalog")
        return len(catalog.unrestrictedSearchResults(portal_type=CASE_TYPE))

    def count_text(self):
        if self.total_count == 1:
            return self.t(_("cases_count_one", default="1 case"))
        return self.t(_("${count} cases", mapping={"count": self.total_count}))

    def can_add_case(self):
        return any(fti.getId() == CASE_TYPE for fti in self.context.allowedContentTypes())

    def add_url(self):
        return f"{self.context.absolute_url()}/++add++{CASE_TYPE}"
