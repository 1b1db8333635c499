"""Named vocabularies of the classification, also served on plone.restapi's @vocabularies.

Choices offer active entries only (and, where the domain says so, only those allowed in context),
but any known entry can still be looked up, so old data keeps displaying an inactive provider or a
section that is no longer offered.

Filters come from the request (``?section=...``, useful over REST) or else from the context: a
case gives the target group and effort step, an appropriation its section, an activity its service.
"""

from Acquisition import aq_base
from Acquisition import aq_chain
from zope.globalrequest import getRequest
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from os2bos_plone.adapters.lookup import main_activity_of
from os2bos_plone.classification.catalogue import offered_main_services
from os2bos_plone.classification.catalogue import offered_supplementary_services
from os2bos_plone.classification.reader import LIST_KEYS
from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import find_classification
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.management.order import section_sort_key
from os2bos_plone.security.roles import PRODUCT_ROLES


class ClassificationVocabulary(SimpleVocabulary):
    """Iterates over the offered terms; resolves any known term through ``lookup``."""

    def __init__(self, terms, lookup=None):
        super().__init__(terms)
        self._lookup = lookup

    def _fallback(self, value=None, token=None):
        if self._lookup is None:
            return None
        return self._lookup(value=value, token=token)

    def __contains__(self, value):
        return super().__contains__(value) or self._fallback(value=value) is not None

    def getTerm(self, value):
        try:
            return super().getTerm(value)
        except LookupError:
            term = self._fallback(value=value)
            if term is None:
                raise
            return term

    def getTermByToken(self, token):
        try:
            return super().getTermByToken(token)
        except LookupError:
            term = self._fallback(token=token)
            if term is None:
                raise
            return term


def _request_value(name):
    request = getRequest()
    if request is None:
        return None
    value = request.form.get(name)
    return value or None


def _context_value(context, name):
    """The attribute on the context or its nearest parent that has it (no acquisition tricks)."""
    for obj in aq_chain(context) if context is not None else ():
        value = getattr(aq_base(obj), name, None)
        if value not in (None, "", []):
            return value
    return None


def _filter_value(context, name):
    return _request_value(name) or _context_value(context, name)


# -- catalog-backed classification ----------------------------------------------------------------


def _brain_terms(brains, value_of, title_of):
    terms, seen = [], set()
    for brain in brains:
        value = value_of(brain)
        if value in seen or not value:
            continue
        seen.add(value)
        terms.append(SimpleTerm(value=value, token=str(value), title=title_of(brain)))
    return terms


def _uid_lookup(portal_type):
    def lookup(value=None, token=None):
        uid = value or token
        brains = find_classification(portal_type, UID=uid) if uid else []
        if not brains:
            return None
        return SimpleTerm(value=brains[0].UID, token=brains[0].UID, title=brains[0].Title)

    return lookup


def _key_lookup(portal_type, title_of):
    def lookup(value=None, token=None):
        key = value or token
        brains = find_classification(portal_type, bos_key=key) if key else []
        if not brains:
            return None
        return SimpleTerm(
            value=brains[0].bos_key, token=brains[0].bos_key, title=title_of(brains[0])
        )

    return lookup


def _uid_vocabulary(portal_type, brains):
    terms = _brain_terms(brains, lambda b: b.UID, lambda b: b.Title)
    return ClassificationVocabulary(terms, _uid_lookup(portal_type))


def _keyed_title(brain):
    return f"{brain.bos_key} {brain.Title}"


def _key_vocabulary(portal_type, brains, title_of=_keyed_title):
    terms = _brain_terms(brains, lambda b: b.bos_key, title_of)
    return ClassificationVocabulary(terms, _key_lookup(portal_type, title_of))


def _section_key(value):
    """A section given as UID or key, as its key."""
    if not value:
        return None
    brains = find_classification("bos_section", UID=value)
    return brains[0].bos_key if brains else value


def _service_id(value):
    """A service given as UID or 6-digit id, as its id."""
    if not value:
        return None
    brains = find_classification("bos_service", UID=value)
    return brains[0].bos_key if brains else value


@provider(IVocabularyFactory)
def sections(context):
    """Active sections, filtered by target group and effort step (case or request)."""
    brains = find_classification("bos_section", active_only=True, sort_on="bos_key")
    target_group = _filter_value(context, "target_group")
    effort_step = _filter_value(context, "effort_step")
    if target_group or effort_step:
        offered = [
            brain
            for brain in brains
            if _allows(brain.bos_target_groups, target_group)
            and _allows(brain.bos_effort_steps, effort_step)
        ]
        # No section for this combination would leave the case worker stuck: offer them all.
        brains = offered or brains
    return _uid_vocabulary("bos_section", brains)


def _allows(allowed, value):
    return value in (None, "") or not allowed or str(value) in {str(item) for item in allowed}


@provider(IVocabularyFactory)
def section_keys(context):
    """The active sections by key, in law order (§ 30 before § 114), titled as a section titles
    itself (its key and title: the key is not repeated)."""
    brains = sorted(
        find_classification("bos_section", active_only=True),
        key=lambda brain: section_sort_key(brain.bos_key),
    )
    return _key_vocabulary("bos_section", brains, title_of=lambda brain: brain.Title)


@provider(IVocabularyFactory)
def services(context):
    brains = find_classification("bos_service", active_only=True, sort_on="sortable_title")
    return _uid_vocabulary("bos_service", brains)


@provider(IVocabularyFactory)
def service_ids(context):
    brains = find_classification("bos_service", active_only=True, sort_on="bos_key")
    return _key_vocabulary("bos_service", brains)


@provider(IVocabularyFactory)
def main_services(context):
    """Services allowed as main service under the section (request ?section= or context)."""
    section = _section_key(_filter_value(context, "section"))
    return _uid_vocabulary("bos_service", offered_main_services(section))


@provider(IVocabularyFactory)
def supplementary_services(context):
    """Services allowed as supplementary under the section and after the main service."""
    section = _section_key(_filter_value(context, "section"))
    main_service = _service_id(_request_value("main_service") or _main_service_of(context))
    return _uid_vocabulary("bos_service", offered_supplementary_services(section, main_service))


def _main_service_of(context):
    """The service of the main activity of the appropriation in context, if any."""
    for obj in aq_chain(context) if context is not None else ():
        if getattr(aq_base(obj), "portal_type", None) == "bos_appropriation":
            main_activity = main_activity_of(obj)
            return main_activity.service if main_activity is not None else None
    return None


@provider(IVocabularyFactory)
def service_providers(context):
    """Active providers; the service's preferred ones first, or only those when it says so."""
    brains = list(
        find_classification("bos_service_provider", active_only=True, sort_on="sortable_title")
    )
    service_value = _filter_value(context, "service")
    service = None
    if service_value:
        service = by_uid(service_value) or by_key("bos_service", service_value)
    preferred = set(getattr(service, "preferred_providers", None) or [])
    if preferred:
        first = [brain for brain in brains if brain.bos_key in preferred]
        rest = [] if service.only_preferred else [b for b in brains if b.bos_key not in preferred]
        brains = first + rest
    return _uid_vocabulary("bos_service_provider", brains)


@provider(IVocabularyFactory)
def provider_cvrs(context):
    brains = find_classification("bos_service_provider", active_only=True, sort_on="sortable_title")
    return _key_vocabulary("bos_service_provider", brains)


@provider(IVocabularyFactory)
def rates(context):
    brains = find_classification("bos_rate", active_only=True, sort_on="sortable_title")
    return _uid_vocabulary("bos_rate", brains)


@provider(IVocabularyFactory)
def approval_levels(context):
    """Approval levels by key, lowest rank first."""
    brains = find_classification("bos_approval_level", active_only=True, sort_on="bos_rank")
    return _key_vocabulary("bos_approval_level", brains, title_of=lambda brain: brain.Title)


@provider(IVocabularyFactory)
def deciding_roles(context):
    terms = [
        SimpleTerm(value=role.role_id, token=role.role_id, title=role.title)
        for role in PRODUCT_ROLES
    ]
    terms.append(SimpleTerm(value="Manager", token="Manager", title="Administrator"))
    return SimpleVocabulary(terms)


# -- the small lists on the regelmotor container --------------------------------------------------


def _list_vocabulary(name, title_of=lambda row: row.get("title")):
    key_field = LIST_KEYS[name]
    rows = list_rows(name)

    def term(row):
        value = row.get(key_field)
        return SimpleTerm(value=value, token=str(value), title=title_of(row))

    def lookup(value=None, token=None):
        for row in rows:
            if (value is not None and row.get(key_field) == value) or (
                token is not None and str(row.get(key_field)) == token
            ):
                return term(row)
        return None

    offered = [term(row) for row in rows if row.get("active", True)]
    return ClassificationVocabulary(offered, lookup)


def _list_factory(name, title_of=lambda row: row.get("title")):
    @provider(IVocabularyFactory)
    def factory(context):
        return _list_vocabulary(name, title_of)

    return factory


target_groups = _list_factory("target_groups")
effort_steps = _list_factory("effort_steps")
efforts = _list_factory("efforts")
school_districts = _list_factory("school_districts")
units = _list_factory("units")
teams = _list_factory("teams")
municipalities = _list_factory("municipalities", title_of=lambda row: row.get("name"))
activity_categories = _list_factory(
    "activity_categories", title_of=lambda row: f"{row.get('category_id')} {row.get('title')}"
)
internal_recipients = _list_factory("internal_recipients")
