"""The regelmotor's entry page: each kind of classification as a table read from the catalog."""

from plone import api
from Products.Five.browser import BrowserView

from os2bos_plone import _
from os2bos_plone.classification.reader import find_classification
from os2bos_plone.classification.reader import list_rows

KINDS = (
    ("sections", "bos_section", _("Law sections")),
    ("services", "bos_service", _("Services")),
    ("rates", "bos_rate", _("Rates")),
    ("service_providers", "bos_service_provider", _("Service providers")),
    ("approval_levels", "bos_approval_level", _("Approval levels")),
)

LISTS = (
    ("approval_rules", _("Approval rules"), "rules"),
    ("target_groups", _("Target groups"), "case_lists"),
    ("effort_steps", _("Effort steps (indsatstrappen)"), "case_lists"),
    ("efforts", _("Efforts"), "case_lists"),
    ("school_districts", _("School districts"), "case_lists"),
    ("units", _("Organisational units"), "case_lists"),
    ("teams", _("Teams"), "case_lists"),
    ("municipalities", _("Municipalities"), "payment_lists"),
    ("activity_categories", _("Activity categories"), "payment_lists"),
    ("account_aliases", _("Account aliases"), "payment_lists"),
    ("internal_recipients", _("Internal payment recipients"), "payment_lists"),
    ("payment_date_exclusions", _("Extra non-payment dates"), "payment_lists"),
)

# Each list is edited on its own form (regelmotor_forms.py), which keeps the other lists as
# they are; the full edit form stays reachable (it also holds the payment plan limits).
LIST_FORM_VIEW = "bos-regelmotor-edit"


def list_form_url(context, name):
    """The address of the form that edits the list ``name`` alone."""
    return f"{context.absolute_url()}/@@{LIST_FORM_VIEW}?list={name}"


class RegelmotorOverviewView(BrowserView):
    def current_kind(self):
        requested = self.request.form.get("kind")
        return requested if requested in {kind for kind, _type, _title in KINDS} else None

    def can_edit(self):
        return api.user.has_permission("Modify portal content", obj=self.context)

    def full_edit_url(self):
        return f"{self.context.absolute_url()}/edit"

    def can_add(self):
        return api.user.has_permission("os2bos_plone: Add Classification", obj=self.context)

    def kinds(self):
        current = self.current_kind()
        return [
            {
                "kind": kind,
                "title": title,
                "count": len(find_classification(portal_type)),
                "url": f"{self.context.absolute_url()}?kind={kind}",
                "add_url": f"{self.context.absolute_url()}/++add++{portal_type}",
                "current": kind == current,
            }
            for kind, portal_type, title in KINDS
        ]

    def lists(self):
        return [
            {
                "name": name,
                "title": title,
                "count": len(list_rows(name)),
                "edit_url": list_form_url(self.context, name),
            }
            for name, title, _fieldset in LISTS
        ]

    def rows(self):
        kind = self.current_kind()
        if kind is None:
            return []
        portal_type = dict((k, t) for k, t, _title in KINDS)[kind]
        query_text = (self.request.form.get("q") or "").strip().lower()
        rows = []
        for brain in find_classification(portal_type, sort_on="bos_key"):
            if query_text and query_text not in f"{brain.bos_key} {brain.Title}".lower():
                continue
            rows.append(
                {
                    "key": brain.bos_key,
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "active": brain.bos_active,
                }
            )
        return rows
