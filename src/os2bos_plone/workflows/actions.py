"""What happens around a transition of an activity: one check before, one dispatcher after.

A decision (grant, submit, reject) is an operation in os2bos_plone.decisions; every door calls
it (@bos-grant, @bos-submit, @workflow/<transition>, the grant view, the demo loader). The
operation checks the rules, takes the DCWorkflow transition with the ``OPERATION`` keyword and
records the decision itself, so the two subscribers here leave its decision alone.

A transition taken without the operation (the Classic UI state menu, ``api.content.transition``
in a script) is routed to the same operation's phases, read with the same parameters
(decisions.parameters, from the transition's keywords):

* before the transition, :func:`activity_before_transition` runs the operation's check
  (``check_grant``, ``check_submit``, ``check_reject``) and refuses with its Danish messages;
* after it, :func:`activity_after_transition` calls the steps of :data:`AFTER_TRANSITION` in
  that order, for every transition (the operation's too): payments and totals first, because
  the journal and the mails read them; then the transition's journal entry; then the decision
  of a bare transition (``apply_grant`` / ``apply_submit``: approval data, merges, letter,
  journal entry, mails, once); last the mail about a rejection.

The order is this list's, not the order in which ZCML files are included.
"""

from dataclasses import dataclass
from dataclasses import field

from plone import api
from plone.uuid.interfaces import IUUID
from Products.CMFCore.WorkflowCore import WorkflowException

from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.decisions.grant import apply_grant
from os2bos_plone.decisions.grant import check_grant
from os2bos_plone.decisions.grant import default_level
from os2bos_plone.decisions.notifications import activity_rejected
from os2bos_plone.decisions.parameters import read_parameters
from os2bos_plone.decisions.reject import check_reject
from os2bos_plone.decisions.submit import apply_submit
from os2bos_plone.decisions.submit import check_submit
from os2bos_plone.decisions.transitions import CHECKED
from os2bos_plone.decisions.transitions import taken_by_operation
from os2bos_plone.decisions.transitions import transition_comment
from os2bos_plone.journal.handlers import transition_succeeded
from os2bos_plone.payments.handlers import activity_changed
from os2bos_plone.security.committee import activity_transition_taken


@dataclass(frozen=True)
class TransitionTaken:
    """A transition that has been taken, as the steps after it read it: ``workflow`` and
    ``action`` (the attributes of CMFCore's ActionSucceededEvent the journal and the mail
    read) and the keywords the transition was taken with."""

    workflow: object
    action: str
    kwargs: dict = field(default_factory=dict)


# -- before: a bare transition is checked as the operation checks it ------------------------------


def _refuse(errors):
    if errors:
        raise WorkflowException(" ".join(errors))


def check_bare_grant(activity, kwargs):
    """The grant operation's check, at the level the transition names or else the user's own
    deciding level; the checked decision waits in the keywords for the after-transition."""
    user = api.user.get_current()
    parameters, errors = read_parameters(kwargs)
    _refuse(errors)
    if not parameters.approval_level:
        parameters = parameters.with_level(default_level(user, [activity]))
    check = check_grant(appropriation_of(activity), [IUUID(activity)], parameters, user=user)
    _refuse(check.errors)
    kwargs[CHECKED] = check


def check_bare_submit(activity, kwargs):
    errors, _objs = check_submit(appropriation_of(activity), [IUUID(activity)])
    _refuse(errors)


def check_bare_reject(activity, kwargs):
    comment = transition_comment(kwargs)
    errors, _objs = check_reject(appropriation_of(activity), [IUUID(activity)], comment)
    _refuse(errors)


#: The check of each decision transition taken outside its operation.
BEFORE_TRANSITION = {
    "grant": check_bare_grant,
    "submit": check_bare_submit,
    "reject": check_bare_reject,
}


def activity_before_transition(activity, event):
    """Refuse a bare transition the decision rules do not allow, before anything changes."""
    if event.transition is None or taken_by_operation(event.kwargs):
        return
    check = BEFORE_TRANSITION.get(event.transition.id)
    if check is not None:
        check(activity, event.kwargs)


# -- after: one dispatcher, in a declared order ---------------------------------------------------


def refresh_payments(activity, taken):
    """Plans, payments, totals and catalog metadata follow the new state."""
    activity_changed(activity, taken)


def journal_transition(activity, taken):
    """The transition's own journal entry (who, from and to which state, the comment)."""
    transition_succeeded(activity, taken)


def complete_bare_decision(activity, taken):
    """A bare grant or submit is recorded as its operation records it (the operation records
    its own decision once, after all its transitions)."""
    if taken_by_operation(taken.kwargs):
        return
    if taken.action == "grant":
        apply_grant(taken.kwargs[CHECKED], taken={IUUID(activity)})
    elif taken.action == "submit":
        apply_submit(
            appropriation_of(activity),
            [activity],
            transition_comment(taken.kwargs),
            taken={IUUID(activity)},
        )


def mail_rejection(activity, taken):
    """The case worker hears that a submitted activity was sent back."""
    activity_rejected(activity, taken)


def committee_access(activity, taken):
    """Whether the case is before the committee (the committee secretaries read it), after the
    decision's levels are recorded (a bare transition's by ``complete_bare_decision``)."""
    activity_transition_taken(activity, taken)


#: The steps after every transition of an activity, in this order (see the module docstring).
AFTER_TRANSITION = (
    refresh_payments,
    journal_transition,
    complete_bare_decision,
    mail_rejection,
    committee_access,
)


def activity_after_transition(activity, event):
    if event.transition is None:  # the initial state of a new activity
        return
    taken = TransitionTaken(
        workflow=event.workflow,
        action=event.transition.id,
        kwargs=event.kwargs if event.kwargs is not None else {},
    )
    for step in AFTER_TRANSITION:
        step(activity, taken)
