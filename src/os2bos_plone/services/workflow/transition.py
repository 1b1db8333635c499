"""POST <activity>/@workflow/<transition>: the decision operations behind plone.restapi's endpoint.

``grant``, ``submit`` and ``reject`` call decisions.grant / submit / reject for this one activity,
with the parameters read by decisions.parameters (the same as @bos-grant and @bos-submit read):
``comment``, ``approval_level`` (default: the level the user decides at), ``meeting_date``,
``decision_reference``, ``decision_text``. So the checks and the effects are the operation's:
approval data, merges, the letter, the journal and the mails, once.

200 answers as plone.restapi does (the new review_history entry with the state's title). A
refusal changes nothing and answers 400 in the product's error shape with Danish messages; 403
when the user lacks the competence to grant. Any other transition (one an administrator adds in
portal_workflow) is plone.restapi's.
"""

from plone import api
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services.workflow.transition import WorkflowTransition
from plone.restapi.services.workflow.utils import elevated_privileges
from plone.uuid.interfaces import IUUID

from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.decisions.grant import default_level
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import read_parameters
from os2bos_plone.decisions.reject import reject
from os2bos_plone.decisions.submit import submit
from os2bos_plone.services.common import allow_write
from os2bos_plone.services.common import read_json
from os2bos_plone.services.errors import CONFLICT
from os2bos_plone.services.errors import bad_json
from os2bos_plone.services.errors import conflict
from os2bos_plone.services.errors import forbidden
from os2bos_plone.services.errors import validation_error


def grant_activity(activity, parameters, user):
    if not parameters.approval_level:
        parameters = parameters.with_level(default_level(user, [activity]))
    result = grant(appropriation_of(activity), [IUUID(activity)], parameters, user=user)
    return result.errors, CONFLICT if result.conflict else result.forbidden


def submit_activity(activity, parameters, user):
    errors, _required = submit(
        appropriation_of(activity), [IUUID(activity)], comment=parameters.note, user=user
    )
    return errors, False


def reject_activity(activity, parameters, user):
    return reject(appropriation_of(activity), [IUUID(activity)], parameters.note, user=user), False


#: transition id -> the operation: (activity, DecisionParameters, user) -> (errors, refused);
#: refused is True (403) or CONFLICT (409).
OPERATIONS = {
    "grant": grant_activity,
    "submit": submit_activity,
    "reject": reject_activity,
}


class ActivityWorkflowTransition(WorkflowTransition):
    def reply(self):
        operation = OPERATIONS.get(self.transition)
        if operation is None:
            return super().reply()
        data = read_json(self.request)
        if data is None:
            return bad_json(self.request)
        parameters, errors = read_parameters(data)
        if errors:  # each names its field (decisions.parameters.ParameterError)
            return validation_error(self.request, errors)
        # Like every product write: the form token is lifted only for Authorization-header
        # requests; a cookie session must send it (plone.restapi's own @workflow lifts it always).
        allow_write(self.request)
        errors, refused = operation(self.context, parameters, api.user.get_current())
        if refused == CONFLICT:  # another decider was first (decisions.grant)
            return conflict(self.request, " ".join(errors))
        if refused:
            return forbidden(self.request, " ".join(errors))
        if errors:
            return validation_error(self.request, errors)
        return self.last_action()

    def last_action(self):
        """plone.restapi's answer: the transition's review_history entry, with the title of the
        state it led to."""
        with elevated_privileges(self.context):
            action = self.wftool.getInfoFor(self.context, "review_history")[-1]
            action["title"] = self.context.translate(
                self.wftool.getTitleForStateOnType(action["review_state"], self.context.portal_type)
            )
        return json_compatible(action)
