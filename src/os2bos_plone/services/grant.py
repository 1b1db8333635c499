"""@bos-grant on an appropriation and @bos-adjustment on a granted activity.

POST <appropriation>/@bos-grant {"activities": [UID, ...], ...decision parameters}
    The parameters (approval_level, approval_note, meeting_date, decision_reference,
    decision_text) are read by decisions.parameters, as for @workflow/grant.
    -> 200 {"granted": [UID, ...]} or 400 in the error shape of services/errors.py (nothing
    changed); 409 when another user granted the activities first (two at once: the publisher
    retries the loser after the ZODB conflict, and it finds them granted). The same user
    granting again is a no-op: 200 {"granted": []}. Registered under "os2bos_plone: Decide on
    activities" (the roles that hold an approval level); who may decide what is the approval
    rules' (competence), checked here: 403.

POST <activity>/@bos-adjustment {"start_date": "YYYY-MM-DD", ...changed plan fields}
    -> 201 with the new expected adjustment (state "expected"), or 400 with field errors.
    Who: whoever may add activities to the appropriation ("os2bos_plone: Add Case").
"""

from plone import api
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.services import Service
from zExceptions import Unauthorized
from zope.component import getMultiAdapter

from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.decisions.adjustment import create_adjustment
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import read_parameters
from os2bos_plone.decisions.submit import submit
from os2bos_plone.services.common import allow_write
from os2bos_plone.services.common import read_json
from os2bos_plone.services.errors import MSG_BAD_JSON
from os2bos_plone.services.errors import conflict
from os2bos_plone.services.errors import forbidden
from os2bos_plone.services.errors import validation_error
from os2bos_plone.validation.activity import InvalidFields

MSG_MAY_NOT_GRANT = "Du har ikke adgang til at bevilge ydelser på denne bevilling."
MSG_MAY_NOT_ADJUST = "Du har ikke adgang til at lave en forventet justering af denne ydelse."
MSG_MAY_NOT_SUBMIT = "Du har ikke adgang til at indstille ydelser på denne bevilling."
MSG_BODY = MSG_BAD_JSON
MSG_ACTIVITIES_LIST = "Angiv ydelserne som en liste af UID'er"


def read_decision(request):
    """The JSON body of a decision on several activities: (data, activity UIDs, errors)."""
    data = read_json(request)
    if data is None:
        return None, [], [MSG_BODY]
    uids = data.get("activities") or []
    if not isinstance(uids, list) or not all(isinstance(uid, str) for uid in uids):
        return data, [], [("activities", MSG_ACTIVITIES_LIST)]
    return data, uids, []


def require_view(context):
    """The services here are registered under permissions given by role on the whole site
    (deciding, adding); the case itself must also be readable by the user."""
    if not api.user.has_permission("View", obj=context):
        raise Unauthorized(context.absolute_url())


class GrantPost(Service):
    """Grant activities of the appropriation. The approval rules decide who may: lacking
    competence gives 403 naming the required level; a committee decision needs
    meeting_date and decision_reference."""

    forbidden_message = MSG_MAY_NOT_GRANT

    def reply(self):
        require_view(self.context)
        data, uids, errors = read_decision(self.request)
        if errors:
            return validation_error(self.request, errors)
        parameters, errors = read_parameters(data)
        if errors:  # each names its field (decisions.parameters.ParameterError)
            return validation_error(self.request, errors)
        allow_write(self.request)
        result = grant(self.context, uids, parameters, user=api.user.get_current())
        if result.forbidden:
            return forbidden(self.request, " ".join(result.errors))
        if result.conflict:
            return conflict(self.request, " ".join(result.errors))
        if not result.ok:
            return validation_error(self.request, result.errors)
        return {"granted": result.granted}


class SubmitPost(Service):
    """Submit (indstil) several draft activities at once:
    {"activities": [UID, ...], "comment": "..."} -> 200 {"submitted": [...], "required_level"}."""

    forbidden_message = MSG_MAY_NOT_SUBMIT

    def reply(self):
        data, uids, errors = read_decision(self.request)
        if errors:
            return validation_error(self.request, errors)
        parameters, errors = read_parameters(data)
        if errors:
            return validation_error(self.request, errors)
        allow_write(self.request)
        errors, required = submit(
            self.context, uids, comment=parameters.note, user=api.user.get_current()
        )
        if errors:
            return validation_error(self.request, errors)
        return {
            "submitted": uids,
            "required_level": {"token": required.key, "title": required.title},
        }


class AdjustmentPost(Service):
    forbidden_message = MSG_MAY_NOT_ADJUST

    def reply(self):
        appropriation = appropriation_of(self.context)
        if appropriation is None or not api.user.has_permission(
            "os2bos_plone: Add Case", obj=appropriation
        ):
            return forbidden(self.request, MSG_MAY_NOT_ADJUST)
        data = read_json(self.request)
        if data is None:
            return validation_error(self.request, [("", MSG_BODY)])
        allow_write(self.request)
        try:
            adjustment = create_adjustment(self.context, data)
        except InvalidFields as error:
            return validation_error(self.request, error.errors)
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", adjustment.absolute_url())
        return getMultiAdapter((adjustment, self.request), ISerializeToJson)()
