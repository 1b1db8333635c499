"""The one object every workflow guard calls: ``@@bos-transition-guard``.

Guard expressions in profiles/default/workflows/*/definition.xml read
``python: here.restrictedTraverse('@@bos-transition-guard')('<guard id>')``. Guard ids are stable
names of rules, independent of transition ids and titles, so administrators can retitle or add
transitions in portal_workflow and keep the rules.
"""

from AccessControl import getSecurityManager
from Products.Five.browser import BrowserView
from zExceptions import NotFound

from os2bos_plone.workflows.controller import TransitionController


class TransitionGuardView(BrowserView):
    def __call__(self, guard_id=None):
        if self.request.get("PUBLISHED") is self or guard_id is None:
            # Reached as a URL, not from a guard expression: it would tell anyone which objects
            # exist and what may be done with them.
            raise NotFound()
        controller = TransitionController(self.context, getSecurityManager().getUser())
        return controller.allowed(guard_id)
