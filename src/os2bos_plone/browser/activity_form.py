"""Add and edit forms of an activity (ydelse) with choices from the regelmotor and a cost preview.

The standard Dexterity forms offer every active service and provider. These forms offer the
services the appropriation's section allows (as main service, or as supplementary service after
the main activity's service), the service's preferred providers first (only those when the
service says so), group the fields as Ydelse / Betalingsplan / Modtager, and show the panel
"Hvad koster det?" that ``static/cost_preview.js`` fills from ``<appropriation>/@bos-cost-preview``
while the case worker types. The server still checks everything on save (the schema's
invariant), so the filtered choices are a help, not the rule.
"""

import copy
import json
from types import SimpleNamespace

from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api
from plone.dexterity.browser.add import DefaultAddForm
from plone.dexterity.browser.add import DefaultAddView
from plone.dexterity.browser.edit import DefaultEditForm
from plone.dexterity.interfaces import IDexterityEditForm
from plone.z3cform import layout
from plone.z3cform.fieldsets.group import GroupFactory
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from z3c.form import field as z3c_field
from z3c.form.interfaces import IErrorViewSnippet
from zope.component import getMultiAdapter
from zope.i18n import translate
from zope.interface import Invalid
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.schema.vocabulary import SimpleTerm

from os2bos_plone import _
from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import APPROPRIATION_TYPE
from os2bos_plone.adapters.lookup import main_activity_of
from os2bos_plone.classification.catalogue import offered_main_services
from os2bos_plone.classification.catalogue import offered_supplementary_services
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import find_classification
from os2bos_plone.engine import clock
from os2bos_plone.engine.activity_rules import ACTIVITY_FIELDS
from os2bos_plone.engine.activity_rules import PAYMENT_PLAN_FIELDS
from os2bos_plone.engine.activity_rules import RECIPIENT_FIELDS
from os2bos_plone.engine.activity_rules import plan_fields_in_use
from os2bos_plone.engine.formatting import MONTH_NAMES
from os2bos_plone.engine.payments import CostType
from os2bos_plone.engine.payments import Frequency
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.validation.activity import IValidatesWholeActivity
from os2bos_plone.validation.activity import field_errors
from os2bos_plone.vocabularies.classification import ClassificationVocabulary
from os2bos_plone.vocabularies.classification import service_providers
from os2bos_plone.vocabularies.classification import services as services_vocabulary

#: The form's fieldsets: (name, label, fields). The first is the form's default fieldset.
FIELDSETS = (
    ("default", _("Service"), ("service", "activity_type", "start_date", "end_date", "note")),
    ("payment", _("Payment plan"), (*PAYMENT_PLAN_FIELDS, "fictive")),
    (
        "recipient",
        _("Recipient"),
        ("service_provider", *RECIPIENT_FIELDS),
    ),
)
#: Set by the system: not shown on the add form.
SYSTEM_FIELDSET = "approval"
#: Not the case worker's to fill in: the journal records every change of an activity, so the
#: versioning behaviour's change note and its "Versioning enabled" box are left out of the forms.
OMITTED_FIELDS = ("IVersionable.changeNote", "IVersionable.versioning_enabled")

#: The preview panel's texts (msgid, default), translated into its data-texts attribute.
PREVIEW_TEXTS = {
    "waiting": _(
        "preview_waiting",
        default="Fill in the service, the dates and the payment plan to see the cost.",
    ),
    "failed": _("preview_failed", default="The cost could not be calculated."),
    "invalid": _("preview_invalid", default="Correct the following to see the cost:"),
    "none": _("preview_no_payments", default="No payments"),
    "individual": _("preview_individual", default="Individual payments"),
    "currency": _("preview_currency", default="kr."),
    "preferred": _("preferred provider"),
    "level": _("preview_level", default="Approval level needed"),
    "vat": _("preview_vat", default="VAT factor"),
}


def appropriation_for(context):
    """The appropriation an activity is (to be) added to: the context or its parent."""
    context = aq_inner(context)
    if getattr(context, "portal_type", None) == APPROPRIATION_TYPE:
        return context
    parent = aq_parent(context)
    return parent if getattr(parent, "portal_type", None) == APPROPRIATION_TYPE else None


def _title_of(brain):
    return brain.Title


def _activity_of(context):
    return context if getattr(context, "portal_type", None) == ACTIVITY_TYPE else None


def offered_services(context):
    """(main, supplementary): lists of service brains offered in ``context`` (an appropriation, or
    an activity in one): allowed by the section as main service, and as supplementary service after
    the service of the appropriation's main activity (classification.catalogue)."""
    appropriation = appropriation_for(context)
    section = by_uid(getattr(appropriation, "section", None))
    section_key = section.key if section is not None else None
    main_activity = main_activity_of(appropriation) if appropriation else None
    own = _activity_of(aq_inner(context))
    main_service_id = None
    if main_activity is not None and (own is None or own.UID() != main_activity.UID()):
        main_service = by_uid(main_activity.service)
        main_service_id = main_service.service_id if main_service is not None else None
    return (
        offered_main_services(section_key),
        offered_supplementary_services(section_key, main_service_id),
    )


def preferred_providers(service):
    """(preferred provider UIDs in title order, only preferred?) of a service object."""
    keys = set(getattr(service, "preferred_providers", None) or [])
    if not keys:
        return [], False
    brains = find_classification("bos_service_provider", active_only=True, sort_on="sortable_title")
    uids = [brain.UID for brain in brains if brain.bos_key in keys]
    return uids, bool(getattr(service, "only_preferred", False))


def _with_current(terms, vocabulary, value):
    """Keep a saved value that is no longer offered (inactive, other section) selectable."""
    if value and value not in {term.value for term in terms}:
        try:
            terms = [vocabulary.getTerm(value), *terms]
        except LookupError:
            pass
    return terms


@implementer(IValidatesWholeActivity)
class ActivityFormMixin:
    """What the add and the edit form share: fieldsets and the regelmotor's choices."""

    enable_form_tabbing = False
    default_fieldset_label = _("Service")
    css_class = "bos-activity-form"
    omit_fieldsets = ()

    # -- fields ------------------------------------------------------------------------------

    def updateFields(self):
        super().updateFields()
        self._regroup()
        self._filter_choices()

    def _all_fields(self):
        fields = list(self.fields.values())
        for group in self.groups:
            if group.__name__ in self.omit_fieldsets:
                continue
            fields.extend(group.fields.values())
        return fields

    def _regroup(self):
        """Ydelse (the default fieldset), Betalingsplan, Modtager; other fields (hidden ones,
        behaviours') stay where they were, system fields are left out of the add form."""
        by_name = {field.__name__: field for field in self._all_fields()}
        placed = {name for _name, _label, names in FIELDSETS for name in names}
        placed.update(OMITTED_FIELDS)
        groups = []
        for name, label, names in FIELDSETS:
            chosen = [by_name[field_name] for field_name in names if field_name in by_name]
            if name == "default":
                rest = [field for field in self.fields.values() if field.__name__ not in placed]
                self.fields = z3c_field.Fields(*chosen, *rest)
            elif chosen:
                groups.append(GroupFactory(name, z3c_field.Fields(*chosen), label=label))
        for group in self.groups:
            if group.__name__ in self.omit_fieldsets:
                continue
            rest = [field for field in group.fields.values() if field.__name__ not in placed]
            if rest:
                groups.append(GroupFactory(group.__name__, z3c_field.Fields(*rest), group.label))
        self.groups = groups

    def _replace_vocabulary(self, name, terms):
        for fields in [self.fields, *(group.fields for group in self.groups)]:
            if name in fields:
                form_field = fields[name]
                schema_field = copy.copy(form_field.field)
                schema_field.vocabularyName = None
                schema_field.vocabulary = ClassificationVocabulary(
                    terms, _lookup_of(form_field.field, self.context)
                )
                form_field.field = schema_field
                return

    def _filter_choices(self):
        main, supplementary = self.offered_services()
        terms, seen = [], set()
        for brain in sorted([*main, *supplementary], key=lambda b: (b.Title or "").lower()):
            if brain.UID not in seen:
                seen.add(brain.UID)
                terms.append(SimpleTerm(brain.UID, brain.UID, _title_of(brain)))
        service_vocabulary = services_vocabulary(self.context)
        terms = _with_current(terms, service_vocabulary, self.current_value("service"))
        self._replace_vocabulary("service", terms)
        self._replace_vocabulary("service_provider", self.provider_terms())

    # -- validation -----------------------------------------------------------------------

    def updateActions(self):
        # The groups exist now; they judge nothing themselves (see extractData).
        for group in self.groups:
            alsoProvides(group, IValidatesWholeActivity)
        super().updateActions()

    def extractData(self, setErrors=True):
        """The rules on the whole activity at once (validation.activity.field_errors), before
        anything is set.

        The schema's invariant would run per fieldset, each with only its own fields, so it
        cannot see the whole plan; it is not run for these forms (IValidatesWholeActivity).
        Each error is shown at its field (or above the form)."""
        data, errors = super().extractData(setErrors=setErrors)
        if errors:
            return data, errors
        values = SimpleNamespace(
            **{
                name: data[name] if name in data else self.current_value(name)
                for name in ACTIVITY_FIELDS
            }
        )
        found = field_errors(values, aq_inner(self.context))
        views = tuple(self._error_view(error.field, error.message) for error in found)
        return data, views

    def _managers(self):
        return [self.widgets, *(group.widgets for group in self.groups)]

    def _error_view(self, field_name, message):
        widget, manager = None, self.widgets
        for candidate in self._managers():
            if field_name in candidate:
                widget, manager = candidate[field_name], candidate
                break
        view = getMultiAdapter(
            (
                Invalid(message),
                self.request,
                widget,
                getattr(widget, "field", None),
                self,
                self.context,
            ),
            IErrorViewSnippet,
        )
        view.update()
        if widget is not None:
            widget.error = view
        else:
            manager = self.widgets
        manager.errors = (*manager.errors, view)
        return view

    def current_value(self, name):
        activity = _activity_of(aq_inner(self.context))
        return getattr(activity, name, None) if activity is not None else None

    def chosen_service(self):
        """The service chosen in the submitted form, else the saved one."""
        value = self.request.form.get(f"{self.prefix}widgets.service")
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        return by_uid(value or self.current_value("service"))

    def provider_terms(self):
        brains = list(
            find_classification("bos_service_provider", active_only=True, sort_on="sortable_title")
        )
        preferred, only = preferred_providers(self.chosen_service())
        if preferred:
            first = [brain for brain in brains if brain.UID in preferred]
            rest = [] if only else [brain for brain in brains if brain.UID not in preferred]
            brains = first + rest
        suffix = translate(PREVIEW_TEXTS["preferred"], context=self.request)
        terms = [
            SimpleTerm(
                brain.UID,
                brain.UID,
                f"{brain.Title} ({suffix})" if brain.UID in preferred else brain.Title,
            )
            for brain in brains
        ]
        provider_vocabulary = service_providers(None)
        return _with_current(terms, provider_vocabulary, self.current_value("service_provider"))

    def offered_services(self):
        if not hasattr(self, "_offered"):
            self._offered = offered_services(self.context)
        return self._offered


def _lookup_of(schema_field, context):
    """The named vocabulary's lookup, so a saved value not offered any more still resolves."""
    vocabulary = schema_field.bind(context).vocabulary
    return getattr(vocabulary, "_lookup", None)


def grant_url(context):
    """Where Gem and Annullér lead: the grant (appropriation), where the decision is made."""
    appropriation = appropriation_for(context)
    return appropriation.absolute_url() if appropriation is not None else None


class ActivityAddForm(ActivityFormMixin, DefaultAddForm):
    portal_type = ACTIVITY_TYPE
    omit_fieldsets = (SYSTEM_FIELDSET,)

    def updateWidgets(self, prefix=None):
        super().updateWidgets(prefix)
        widget = self.widgets.get("activity_type")
        if widget is not None and f"{self.prefix}widgets.activity_type" not in self.request.form:
            # The grant's first activity is its main activity; once it has one, the next one
            # is supplementary.
            has_main = main_activity_of(self.context) is not None
            widget.value = ["supplementary" if has_main else "main"]

    def nextURL(self):
        return grant_url(self.context) or super().nextURL()


class ActivityEditForm(ActivityFormMixin, DefaultEditForm):
    def nextURL(self):
        return grant_url(self.context) or super().nextURL()


class PreviewPanelMixin:
    """The wrapper view's helpers for the preview panel (templates/activity_form_layout.pt)."""

    index = ViewPageTemplateFile("templates/activity_form_layout.pt")

    def appropriation(self):
        return appropriation_for(self.context)

    def preview_url(self):
        appropriation = self.appropriation()
        return f"{appropriation.absolute_url()}/@bos-cost-preview" if appropriation else ""

    def static_url(self, name):
        return f"{api.portal.get().absolute_url()}/++plone++os2bos_plone/{name}"

    def texts(self):
        this_year = clock.today().year
        texts = {
            key: translate(msgid, context=self.request) for key, msgid in PREVIEW_TEXTS.items()
        }
        texts["this_year"] = self.figure_label("this_year", this_year)
        texts["next_year"] = self.figure_label("next_year", this_year)
        # Money and dates are shown as engine/formatting.py writes them (1.234,50 kr.).
        texts.update(decimal=",", group=".", months=list(MONTH_NAMES))
        return json.dumps(texts, ensure_ascii=False)

    def waiting_text(self):
        return translate(PREVIEW_TEXTS["waiting"], context=self.request)

    def figure_label(self, name, this_year=None):
        this_year = this_year or clock.today().year
        labels = {
            "per_payment_amount": _("Per payment"),
            "payments_count": _("Number of payments"),
            "first_payment": _("First payment"),
            "last_payment": _("Last payment"),
            "this_year": _(
                "cost_this_year", default="This year (${year})", mapping={"year": this_year}
            ),
            "next_year": _(
                "cost_next_year", default="Next year (${year})", mapping={"year": this_year + 1}
            ),
            "total_cost": _("Total"),
            "annual_cost": _("Annual cost"),
        }
        return translate(labels[name], context=self.request)

    def figures(self):
        names = (
            "per_payment_amount",
            "payments_count",
            "first_payment",
            "last_payment",
            "this_year",
            "next_year",
            "total_cost",
            "annual_cost",
        )
        return [{"name": name, "label": self.figure_label(name)} for name in names]

    def services(self):
        """{"main": [UIDs], "supplementary": [UIDs]} offered (the script filters by type)."""
        form = self.form_instance
        main, supplementary = form.offered_services()
        return json.dumps(
            {
                "main": [brain.UID for brain in main],
                "supplementary": [brain.UID for brain in supplementary],
            }
        )

    def preferred(self):
        """{service UID: {"providers": [UIDs], "only": bool}} for the offered services."""
        main, supplementary = self.form_instance.offered_services()
        result = {}
        for brain in [*main, *supplementary]:
            if brain.UID in result:
                continue
            providers, only = preferred_providers(brain.getObject())
            if providers:
                result[brain.UID] = {"providers": providers, "only": only}
        return json.dumps(result)

    def plan_fields(self):
        """{"<payment type>|<cost type>|<frequency>": [plan fields in use]} for every choice
        (engine.activity_rules.plan_fields_in_use): the script shows only these."""
        table = {}
        for payment_type in ("", *PaymentType):
            for cost_type in ("", *CostType):
                for frequency in ("", *Frequency):
                    key = f"{payment_type}|{cost_type}|{frequency}"
                    fields = plan_fields_in_use(payment_type, cost_type, frequency)
                    table[key] = sorted(fields)
        return json.dumps(table)

    def providers(self):
        """{provider UID: {"name", "cvr"}}: choosing a provider fills in the recipient."""
        brains = find_classification("bos_service_provider", active_only=True)
        result = {}
        for brain in brains:
            provider = brain.getObject()
            result[brain.UID] = {"name": provider.title or "", "cvr": provider.cvr or ""}
        return json.dumps(result, ensure_ascii=False)

    def number_symbols(self):
        """The decimal and grouping symbols z3c.form parses amounts with (the request locale)."""
        symbols = self.request.locale.numbers.symbols
        return json.dumps({"decimal": symbols["decimal"], "group": symbols["group"]})


class ActivityAddView(PreviewPanelMixin, DefaultAddView):
    form = ActivityAddForm
    new_activity = "1"


@implementer(IDexterityEditForm)
class ActivityEditView(PreviewPanelMixin, layout.FormWrapper):
    form = ActivityEditForm
    new_activity = "0"
