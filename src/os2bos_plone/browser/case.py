"""The case view (@@bos-case-view, the default view of a case): the child, the assessment with
its dated history and the family's grants with this and next year's cost.

Money comes from the yearly totals stored on every activity (catalog metadata, one query for the
whole case); status and granted period come from the case's own appropriations.
"""

from decimal import Decimal

from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api

from os2bos_plone import _
from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.adapters.lookup import appropriation_status
from os2bos_plone.adapters.lookup import granted_period
from os2bos_plone.audit.reads import case_read
from os2bos_plone.browser.appropriation import own_cost_in_year
from os2bos_plone.browser.appropriation import section_title as appropriation_section_title
from os2bos_plone.browser.base import BosView
from os2bos_plone.browser.containers import STATUS_TITLES as CASE_STATUS_TITLES
from os2bos_plone.browser.containers import list_titles
from os2bos_plone.browser.containers import user_names
from os2bos_plone.browser.journal import local_time
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.content.case import RELATIONS
from os2bos_plone.content.letter import LETTER_TYPE
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import format_date_short
from os2bos_plone.engine.money import format_money
from os2bos_plone.journal.history import case_history
from os2bos_plone.payments.totals import sum_totals

ZERO = Decimal("0")

APPROPRIATION_STATUS_TITLES = {
    "draft": _("appropriation_status_draft", default="Draft"),
    "expected": _("appropriation_status_expected", default="Expected"),
    "granted": _("appropriation_status_granted", default="Granted"),
}

#: The history fields' labels (the schema's titles).
HISTORY_LABELS = {
    "case_worker": _("Case worker"),
    "effort_step": _("Effort step"),
    "scaling_step": _("Scaling step (1-10)"),
    "assessment_comment": _("Assessment comment"),
    "acting_municipality": _("Acting municipality"),
}


def municipality_names():
    return {
        str(row.get("code")): row.get("name") or str(row.get("code"))
        for row in list_rows("municipalities")
    }


class CaseView(BosView):
    def __init__(self, context, request):
        super().__init__(context, request)
        self.year = clock.today().year
        self.next_year = self.year + 1
        self.names = user_names()

    def __call__(self):
        self.request.set("disable_plone.leftcolumn", 1)
        case_read(self.context, "case_view")
        return self.index()

    # -- header ------------------------------------------------------------------------------

    def facts(self):
        """(label, value) of the case's header, values as titles, never keys."""
        case = self.context
        municipalities = municipality_names()

        def municipality(code):
            return municipalities.get(str(code), str(code)) if code else ""

        def title(name, key):
            return list_titles(name).get(str(key), str(key)) if key not in (None, "") else ""

        rows = [
            (_("SBSYS id"), case.sbsys_id),
            (_("CPR number"), case.cpr_number),
            (_("Case worker"), self.names(case.case_worker)),
            (_("Team"), title("teams", case.team)),
            (_("Target group"), title("target_groups", case.target_group)),
            (_("School district"), title("school_districts", case.district)),
            (_("Paying municipality"), municipality(case.paying_municipality)),
            (_("Acting municipality"), municipality(case.acting_municipality)),
            (_("Residence municipality"), municipality(case.residence_municipality)),
            (_("Status"), self.case_status()),
        ]
        none = self.t(_("(none)"))
        return [{"label": self.t(label), "value": value or none} for label, value in rows]

    def case_state(self):
        return api.content.get_state(self.context, default="active")

    def case_status(self):
        state = self.case_state()
        title = CASE_STATUS_TITLES.get(state)
        return self.t(title) if title is not None else state

    # -- assessment --------------------------------------------------------------------------

    def assessment(self):
        case = self.context
        step = case.effort_step
        steps = list_titles("effort_steps")
        none = self.t(_("(none)"))
        return {
            "effort_step": steps.get(str(step), str(step)) if step not in (None, "") else none,
            "scaling_step": str(case.scaling_step) if case.scaling_step else none,
            "comment": case.assessment_comment or "",
        }

    def describe(self, field, value):
        if value in (None, ""):
            return self.t(_("(none)"))
        if field == "case_worker":
            return self.names(value)
        if field == "effort_step":
            return list_titles("effort_steps").get(str(value), str(value))
        if field == "acting_municipality":
            return municipality_names().get(str(value), str(value))
        return str(value)

    def history(self):
        """The dated history of the assessment and responsibility fields, newest first."""
        rows = []
        for record in reversed(case_history(self.context)):
            field = record["field"]
            label = HISTORY_LABELS.get(field)
            rows.append(
                {
                    "time": local_time(record["time"]),
                    "iso_time": record["time"].isoformat(),
                    "actor": self.names(record["actor"]),
                    "field": self.t(label) if label is not None else field,
                    "old": self.describe(field, record["old"]),
                    "new": self.describe(field, record["new"]),
                }
            )
        return rows

    # -- grants ------------------------------------------------------------------------------

    def appropriation_brains(self):
        catalog = api.portal.get_tool("portal_catalog")
        return catalog.searchResults(
            portal_type=APPROPRIATION_TYPE,
            path="/".join(self.context.getPhysicalPath()),
            sort_on="created",
        )

    def letters(self):
        """The case's appropriation letters, newest first: title, when, link to the PDF."""
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.searchResults(
            portal_type=LETTER_TYPE,
            path={"query": "/".join(self.context.getPhysicalPath()), "depth": 1},
        )
        # The created index counts minutes; the metadata column holds the exact moment.
        brains = sorted(brains, key=lambda brain: brain.created, reverse=True)
        return [
            {
                "title": brain.Title,
                "created": local_time(brain.created.asdatetime()),
                "url": f"{brain.getURL()}/@@download/file",
            }
            for brain in brains
        ]

    def activity_brains(self):
        """{appropriation uid: [activity brains]} of the case, one catalog query."""
        catalog = api.portal.get_tool("portal_catalog")
        grouped = {}
        for brain in catalog.unrestrictedSearchResults(
            portal_type=ACTIVITY_TYPE, bos_case_uid=self.context.UID()
        ):
            grouped.setdefault(brain.bos_appropriation_uid, []).append(brain)
        return grouped

    def grants(self):
        """The table of the family's grants: rows and the totals row (Decimals formatted)."""
        by_appropriation = self.activity_brains()
        rows = []
        sums = [ZERO, ZERO, ZERO, ZERO]
        for brain in self.appropriation_brains():
            appropriation = brain.getObject()
            brains = by_appropriation.get(brain.UID, [])
            figures = [
                *sum_totals(brains, self.year),
                *sum_totals(brains, self.next_year),
            ]
            for index, amount in enumerate(figures):
                sums[index] += amount
            status = appropriation_status(appropriation)
            drafts = [b for b in brains if b.review_state == "draft"]
            draft_cost = sum(
                (own_cost_in_year(b._unrestrictedGetObject(), self.year) for b in drafts), ZERO
            )
            rows.append(
                {
                    "sbsys_id": appropriation.sbsys_id or brain.getId,
                    "url": brain.getURL(),
                    "section": self.section_title(appropriation.section),
                    "main_service": self.main_service(brains),
                    "status": status,
                    "status_title": self.t(APPROPRIATION_STATUS_TITLES[status]),
                    "period": self.period(appropriation),
                    "amounts": [format_money(amount) for amount in figures],
                    # Not granted yet, so in neither column: what the drafts would cost this year.
                    "draft_cost": format_money(draft_cost) if drafts else None,
                }
            )
        return {"rows": rows, "totals": [format_money(amount) for amount in sums]}

    def section_title(self, uid):
        return appropriation_section_title(uid) or self.t(_("(none)"))

    def main_service(self, brains):
        """The title of the main activity's service (the original, not an adjustment)."""
        for brain in brains:
            if brain.bos_activity_type == "main" and not brain.bos_modifies:
                service = by_uid(brain.bos_service)
                return service.title if service is not None else ""
        return ""

    def period(self, appropriation):
        start, end = granted_period(appropriation)
        if start is None:
            return ""
        if end is None:
            return self.t(
                _(
                    "case_grant_period_from",
                    default="From ${start}",
                    mapping={"start": format_date_short(start)},
                )
            )
        return f"{format_date_short(start)} – {format_date_short(end)}"

    # -- family ------------------------------------------------------------------------------

    def family(self):
        """The related persons, each with a link to their own case when the reader may see it
        (a restricted search: a case the reader may not open is not linked)."""
        rows = []
        catalog = api.portal.get_tool("portal_catalog")
        for row in getattr(self.context, "related_persons", None) or []:
            uid = row.get("related_case") or ""
            brains = catalog(UID=uid, portal_type=CASE_TYPE) if uid else []
            rows.append(
                {
                    "relation": RELATIONS.get(row.get("relation"), row.get("relation") or ""),
                    "name": row.get("name") or "",
                    "cpr": row.get("cpr") or "",
                    "case_url": brains[0].getURL() if brains else "",
                    "case_title": (brains[0].bos_sbsys_id or brains[0].Title) if brains else "",
                }
            )
        return rows

    # -- links -------------------------------------------------------------------------------

    def can_add_appropriation(self):
        return any(fti.getId() == APPROPRIATION_TYPE for fti in self.context.allowedContentTypes())

    def add_appropriation_url(self):
        return f"{self.context.absolute_url()}/++add++{APPROPRIATION_TYPE}"

    def can_edit(self):
        return api.user.has_permission("Modify portal content", obj=self.context)

    def journal_url(self):
        return f"{self.context.absolute_url()}/@@bos-journal"

    def listing_url(self):
        return aq_parent(aq_inner(self.context)).absolute_url()
