"""Catalog indexers: what vocabularies and overviews filter on, so they never wake objects."""

from Acquisition import aq_base
from plone.indexer import indexer

from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.classification.catalogue import service_entry
from os2bos_plone.content.activity import IActivity
from os2bos_plone.content.case import IAppropriation
from os2bos_plone.content.case import ICase
from os2bos_plone.content.classification import IApprovalLevel
from os2bos_plone.content.classification import IClassificationItem
from os2bos_plone.content.classification import IRate
from os2bos_plone.content.classification import ISection
from os2bos_plone.content.classification import IService
from os2bos_plone.content.classification import IServiceProvider
from os2bos_plone.decisions.submit import submission_of
from os2bos_plone.journal.history import effort_step_moves


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


# The three service indexes hold what engine.activity_rules reads (classification.catalogue).
@indexer(IService)
def service_main_sections(obj):
    return sorted(service_entry(obj).main_sections)


@indexer(IService)
def service_supplementary_sections(obj):
    return sorted(service_entry(obj).supplementary_sections)


@indexer(IService)
def service_follows(obj):
    return sorted(service_entry(obj).follows)


# -- cases, appropriations, activities ----------------------------------------------------------


@indexer(ICase)
def case_sbsys_id(obj):
    return obj.sbsys_id


@indexer(IAppropriation)
def appropriation_sbsys_id(obj):
    return obj.sbsys_id


@indexer(ICase)
def case_cpr(obj):
    return (obj.cpr_number or "").replace("-", "")


def _case_attribute(name):
    def index(obj):
        case = case_of(obj)
        return getattr(case, name, None) if case is not None else None

    return index


for _name in ("case_worker", "team", "target_group", "effort_step"):
    for _iface, _suffix in ((ICase, "case"), (IAppropriation, "appropriation"), (IActivity, "act")):
        globals()[f"{_suffix}_{_name}"] = indexer(_iface)(_case_attribute(_name))


@indexer(IAppropriation)
def appropriation_case_uid(obj):
    case = case_of(obj)
    return case.UID() if case is not None else None


@indexer(IActivity)
def activity_case_uid(obj):
    case = case_of(obj)
    return case.UID() if case is not None else None


@indexer(IActivity)
def activity_appropriation_uid(obj):
    appropriation = appropriation_of(obj)
    return appropriation.UID() if appropriation is not None else None


@indexer(IAppropriation)
def appropriation_section(obj):
    return obj.section


@indexer(IActivity)
def activity_section(obj):
    appropriation = appropriation_of(obj)
    return getattr(appropriation, "section", None)


@indexer(IActivity)
def activity_service(obj):
    return obj.service


@indexer(IActivity)
def activity_provider(obj):
    return obj.service_provider


@indexer(IActivity)
def activity_type(obj):
    return obj.activity_type


@indexer(IActivity)
def activity_payment_method(obj):
    return obj.payment_method


@indexer(IActivity)
def activity_payment_rate(obj):
    """The central rate an activity is priced by (its UID), so a changed rate finds the
    activities to reprice without waking the others."""
    if obj.payment_cost_type != "rate":
        return None
    return obj.payment_rate or None


@indexer(IActivity)
def activity_start(obj):
    return obj.start_date or obj.payment_date


@indexer(IActivity)
def activity_end(obj):
    return obj.end_date or obj.payment_date


@indexer(IActivity)
def activity_modifies(obj):
    return obj.modifies or None


@indexer(IActivity)
def activity_payment_id(obj):
    return getattr(aq_base(obj), "payment_id", None)


@indexer(IActivity)
def activity_yearly_totals(obj):
    return dict(getattr(aq_base(obj), "bos_yearly_totals", None) or {})


@indexer(IActivity)
def activity_monthly_totals(obj):
    """{"YYYY-MM": (granted, expected)} as stored by ``activities.refresh_totals``: the month by
    month forecast of the management overview reads it without waking the activity."""
    return dict(getattr(aq_base(obj), "bos_monthly_totals", None) or {})


@indexer(ICase)
def case_step_moves(obj):
    """The case's effort-step changes, dated (see ``journal.effort_step_moves``): the effect
    overview counts the moves on the indsatstrappe without waking any case."""
    return effort_step_moves(obj)


@indexer(IActivity)
def activity_required_level(obj):
    return getattr(aq_base(obj), "required_approval_level", None)


# -- the submission, for "Til godkendelse" (decisions.awaiting reads only these columns) --------


def _submission(obj):
    return submission_of(obj) or (None, None, None)


@indexer(IActivity)
def activity_submitted_by(obj):
    return _submission(obj)[0] or None


@indexer(IActivity)
def activity_submitted(obj):
    return _submission(obj)[1]


@indexer(IActivity)
def activity_submission_note(obj):
    return _submission(obj)[2] or ""


@indexer(IActivity)
def activity_submitted_annual_cost(obj):
    """The measure's annual cost the approval rule was given at the last submission (kept by
    decisions.submit.apply_submit), as a string like the other money columns."""
    cost = getattr(aq_base(obj), "bos_submitted_annual_cost", None)
    return str(cost) if cost is not None else None
