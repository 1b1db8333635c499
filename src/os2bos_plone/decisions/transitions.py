"""How a decision operation takes the DCWorkflow transition of an activity.

The operations (grant, submit, reject) check the rules, take the transition and record the
decision themselves. A transition they take carries ``OPERATION`` among its keyword arguments,
which DCWorkflow hands to the before- and after-transition events; the workflow's dispatcher
(os2bos_plone.workflows.actions) reads it there and leaves the decision to the operation. A
transition taken without it (the Classic UI state menu, ``api.content.transition`` in a script)
is completed by the dispatcher with the same operation's phases. The marker travels with the
call, so nothing is remembered between calls (no context variable) and nothing runs twice.
"""

from plone import api

#: Keyword argument of a transition taken by a decision operation.
OPERATION = "bos_decision_operation"

#: Keyword argument under which the dispatcher keeps a bare grant's checked decision from the
#: before-transition event to the after-transition event (DCWorkflow passes both events the
#: same keyword dict).
CHECKED = "bos_checked_decision"


def take_transition(obj, transition, comment=""):
    """Take ``transition`` on ``obj`` as part of a decision operation.

    The workflow is named, so the guard is evaluated once (by the transition itself) instead of
    also when the tool looks for a workflow offering the transition: a grant guard computes the
    measure's annual cost."""
    workflow_id = api.portal.get_tool("portal_workflow").getChainFor(obj)[0]
    api.content.transition(
        obj=obj,
        transition=transition,
        comment=comment or "",
        wf_id=workflow_id,
        **{OPERATION: True},
    )


def taken_by_operation(kwargs):
    return bool((kwargs or {}).get(OPERATION))


def transition_comment(kwargs):
    return ((kwargs or {}).get("comment") or "").strip()
