"""API errors: an authenticated user who may not do something gets 403, not 401.

plone.rest answers every Unauthorized with 401, which tells a logged-in case worker to log in again.
On sites with the add-on, a refusal of an authenticated user is a 403 with a Danish message.
"""

import json

from plone import api
from plone.rest.errors import ErrorHandling
from plone.rest.interfaces import IAPIRequest
from zExceptions import Unauthorized
from zope.component import adapter

from os2bos_plone.interfaces import IOs2BosPloneLayer

FORBIDDEN_MESSAGE = "Du har ikke adgang til at udføre denne handling."


@adapter(Unauthorized, IAPIRequest)
class UnauthorizedHandling(ErrorHandling):
    def __call__(self):
        if not IOs2BosPloneLayer.providedBy(self.request) or not self._valid_credentials():
            return super().__call__()
        data = self.render_exception(self.context)
        data.update({"type": "Forbidden", "message": FORBIDDEN_MESSAGE})
        response = self.request.response
        response.setHeader("Content-Type", "application/json")
        response.setStatus(403, lock=1)
        response.setBody(json.dumps(data, indent=2, sort_keys=True), lock=1)
        response._has_challenged = True

    def _valid_credentials(self):
        """Whether the request logs in a real user. At this point the publisher has fallen back to
        Anonymous (the user was not authorized for the object), so ask PAS directly."""
        pas = api.portal.get_tool("acl_users")
        return bool(pas._extractUserIds(self.request, pas.plugins))
