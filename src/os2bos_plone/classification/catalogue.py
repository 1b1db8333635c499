"""The regelmotor's services as the engine's activity rules read them (engine.activity_rules),
the grant planner's catalogue (:class:`ContentCatalogueRules`), and the catalog queries that offer
the services those rules allow (vocabularies and the activity form ask these).

The catalog indexes ``bos_main_sections``, ``bos_supplementary_sections`` and ``bos_follows``
hold a :class:`ServiceEntry`'s ``main_sections``, ``supplementary_sections`` and ``follows``
(indexers/catalog.py reads them from :func:`service_entry`), so a query on them asks the same
rule as ``allowed_as_main`` / ``allowed_as_supplementary``."""

from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import find_classification
from os2bos_plone.engine.activity_rules import ServiceCatalogue
from os2bos_plone.engine.activity_rules import ServiceEntry


def service_entry(service):
    """The engine's view of a service object (None stays None)."""
    if service is None:
        return None
    return ServiceEntry.from_rows(
        service_id=getattr(service, "service_id", None) or getattr(service, "key", ""),
        title=getattr(service, "title", "") or "",
        sections=getattr(service, "sections", None) or [],
        follows=getattr(service, "follows_main_services", None) or [],
        preferred_providers=getattr(service, "preferred_providers", None) or [],
        only_preferred=getattr(service, "only_preferred", False),
    )


class ContentCatalogueRules(ServiceCatalogue):
    """The grant planner's CatalogueRules over the regelmotor's services (looked up by id)."""

    def __init__(self):
        super().__init__(lambda service_id: service_entry(by_key("bos_service", service_id)))


def offered_main_services(section_key):
    """Active service brains allowed as main service under ``section_key`` (all without one)."""
    query = {"sort_on": "sortable_title"}
    if section_key:
        query["bos_main_sections"] = section_key
    return list(find_classification("bos_service", active_only=True, **query))


def offered_supplementary_services(section_key, main_service_id=None):
    """Active service brains allowed as supplementary service under ``section_key`` after a
    main activity of ``main_service_id`` (None: no main activity yet)."""
    query = {"sort_on": "sortable_title"}
    if section_key:
        query["bos_supplementary_sections"] = section_key
    if main_service_id:
        query["bos_follows"] = main_service_id
    return list(find_classification("bos_service", active_only=True, **query))
