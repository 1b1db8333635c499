"""@bos-costs and @bos-cost-preview: thin wrappers around os2bos_plone.payments.figures.

GET  <activity|appropriation|case>/@bos-costs?year=YYYY  -> figures.costs_for
POST <appropriation>/@bos-cost-preview  {activity fields}  -> figures.cost_preview, plus the
     approval level the measure will need (decisions.competence.planned_level)
"""

from plone.restapi.services import Service
from zope.interface import implementer

from os2bos_plone.decisions.competence import planned_level
from os2bos_plone.engine import clock
from os2bos_plone.engine.approval import UnknownApprovalLevel
from os2bos_plone.engine.approval import describe_rule
from os2bos_plone.engine.money import format_machine
from os2bos_plone.payments import figures
from os2bos_plone.services.common import read_json
from os2bos_plone.services.csrf import IReadOnlyService
from os2bos_plone.services.errors import bad_json
from os2bos_plone.services.errors import validation_error
from os2bos_plone.validation.activity import InvalidFields

MSG_BAD_YEAR = "Året skal angives som ÅÅÅÅ."
MSG_MAY_NOT_PREVIEW = "Du har ikke adgang til at beregne ydelser på denne bevilling."


def year_param(request, default=None):
    """The ``year`` query parameter: (year, errors)."""
    year = request.form.get("year")
    if year in (None, ""):
        return default, []
    try:
        year = int(year)
    except (TypeError, ValueError):
        return None, [("year", MSG_BAD_YEAR)]
    if not 1900 <= year <= 9999:
        return None, [("year", MSG_BAD_YEAR)]
    return year, []


def preview_level(appropriation, data, plan, today):
    """The approval keys of the preview: ``approval_level`` ({token, title, committee} or None
    when the rules name an unknown level), ``approval_rule`` (the matched rule in words, "" when
    none matched) and ``measure_annual_cost`` (what the rules were given: the measure as a
    whole, this plan included)."""
    try:
        match, cost = planned_level(
            appropriation, data.service, plan, modifies=data.modifies or None, when=today
        )
    except (UnknownApprovalLevel, ValueError):
        return {"approval_level": None, "approval_rule": "", "measure_annual_cost": None}
    level = match.level
    return {
        "approval_level": {"token": level.key, "title": level.title, "committee": level.committee},
        "approval_rule": describe_rule(match.rule) if match.rule is not None else "",
        "measure_annual_cost": format_machine(cost),
    }


class CostsGet(Service):
    def reply(self):
        year, errors = year_param(self.request, clock.today().year)
        if errors:
            return validation_error(self.request, errors)
        result = figures.costs_for(self.context, year)
        return {"@id": f"{self.context.absolute_url()}/@bos-costs?year={year}", **result}


@implementer(IReadOnlyService)
class CostPreviewPost(Service):
    """Read-only: computes figures, writes nothing, so a cookie session needs no CSRF token
    (services/csrf.py); were it to write, plone.protect would still refuse the write."""

    forbidden_message = MSG_MAY_NOT_PREVIEW

    def reply(self):
        data = read_json(self.request)
        if data is None:
            return bad_json(self.request)
        try:
            return figures.cost_preview(self.context, data, level=preview_level)
        except InvalidFields as error:
            return validation_error(self.request, error.errors)
