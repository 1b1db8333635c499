"""Catalog indexers: what vocabularies and overviews filter on, so they never wake objects."""

from plone.indexer import indexer

from os2bos_plone.content.classification import IApprovalLevel
from os2bos_plone.content.classification import IClassificationItem
from os2bos_plone.content.classification import IRate
from os2bos_plone.content.classification import ISection
from os2bos_plone.content.classification import IService
from os2bos_plone.content.classification import IServiceProvider


@indexer(ISection)
def section_key(obj):
    return obj.key


@indexer(IService)
def service_key(obj):
    return obj.service_id


@indexer(IServiceProvider)
def provider_key(obj):
    return obj.cvr


@indexer(IRate)
def rate_key(obj):
    return obj.key


@indexer(IApprovalLevel)
def level_key(obj):
    return obj.key


@indexer(IApprovalLevel)
def level_rank(obj):
    return obj.rank


@indexer(IClassificationItem)
def active(obj):
    return bool(getattr(obj, "active", True))


@indexer(ISection)
def section_target_groups(obj):
    return list(obj.target_groups or [])


@indexer(ISection)
def section_effort_steps(obj):
    return [str(step) for step in obj.effort_steps or []]


@indexer(IService)
def service_main_sections(obj):
    return [row["section"] for row in obj.sections or [] if row.get("main")]


@indexer(IService)
def service_supplementary_sections(obj):
    return [row["section"] for row in obj.sections or [] if row.get("supplementary")]


@indexer(IService)
def service_follows(obj):
    return list(obj.follows_main_services or [])
