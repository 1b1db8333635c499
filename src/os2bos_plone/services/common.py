"""Small helpers shared by the os2bos REST services: JSON bodies and writes over REST.

Error answers are built in services/errors.py (one shape for every 4xx)."""

from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

MSG_DRY_RUN = "Angiv »dry_run« som true eller false."


@implementer(IPublishTraverse)
class SubpathService(Service):
    """A service that takes the rest of the URL as parameters: ``@bos-payments/2027-03-01``
    gives ``self.params == ["2027-03-01"]``."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self


def read_dry_run(body):
    """(dry_run, errors) of a JSON body: true unless it says false; anything else is an error."""
    dry_run = body.get("dry_run", True)
    if not isinstance(dry_run, bool):
        return True, [("dry_run", MSG_DRY_RUN)]
    return dry_run, []


def read_json(request):
    """The request body as a dict; None when it is not a JSON object (malformed, a list, too
    deeply nested to read)."""
    try:
        data = json_body(request)
    except Exception:  # noqa: BLE001 - a bare DeserializationError, or RecursionError
        return None
    return data if isinstance(data, dict) else None


def allow_write(request):
    """A write authenticated by an Authorization header (Basic or Bearer) cannot be forged by
    another site, so plone.protect's form-token check is lifted for it. A browser session
    (cookie) keeps the check: the intranet's scripts send the token as X-CSRF-TOKEN, and a REST
    write in a cookie session without a valid token is refused before any service runs
    (services/csrf.py), so it is a 403 and never a 200 with nothing saved."""
    # ZPublisher keeps the Authorization header in request._auth.
    if getattr(request, "_auth", None) or request.getHeader("Authorization"):
        alsoProvides(request, IDisableCSRFProtection)
