"""A REST write in a browser (cookie) session needs the CSRF token, before the service runs.

plone.restapi lifts plone.protect's check on its own write services (content POST, PATCH,
DELETE, @workflow, ...), and a browser sends a cross-site ``fetch`` with a text/plain body and
the session cookie without asking (no CORS preflight). So on a product site, a write through
any REST service (POST, PATCH, PUT, DELETE) by a user logged in with a cookie is refused with
403 in the product's error shape (services/errors.py) unless it carries a valid plone.protect
token (``X-CSRF-TOKEN`` header, as the intranet's scripts send it, or ``_authenticator``). It
is checked after traversal, before the service runs, so a refused write changes nothing.

Not checked: requests with an Authorization header (Basic or Bearer: another site cannot send
one), anonymous requests (nothing to forge; the service's permission answers), the login
services, and services marked :class:`IReadOnlyService` (a POST that only reads, such as the
cost preview).
"""

from plone import api
from plone.protect.authenticator import check
from plone.rest.interfaces import IAPIRequest
from plone.rest.service import Service
from plone.restapi.services.auth.login import Login
from plone.restapi.services.auth.logout import Logout
from plone.restapi.services.auth.renew import Renew
from plone.restapi.services.querystringsearch.get import QuerystringSearchPost
from zExceptions import Forbidden
from zope.component import adapter
from zope.interface import Interface
from ZPublisher.interfaces import IPubAfterTraversal

from os2bos_plone.interfaces import IOs2BosPloneLayer

MSG_CSRF = (
    "Ændringen er afvist: sikkerhedstokenet (X-CSRF-TOKEN) mangler eller er ugyldigt. "
    "Genindlæs siden og prøv igen."
)

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})

# plone.restapi services that take a POST but write no product data (or log in/out).
_READ_ONLY_SERVICES = (Login, Logout, Renew, QuerystringSearchPost)


class IReadOnlyService(Interface):
    """A REST service answering a write method that writes nothing: no CSRF token needed."""


def has_authorization_header(request) -> bool:
    # ZPublisher keeps the Authorization header in request._auth.
    return bool(getattr(request, "_auth", None) or request.getHeader("Authorization"))


def needs_token(request) -> bool:
    """Whether this request is a REST write in a cookie session on a product site."""
    if request.get("REQUEST_METHOD", "GET").upper() not in WRITE_METHODS:
        return False
    if not IOs2BosPloneLayer.providedBy(request):
        return False
    published = request.get("PUBLISHED")
    if not (IAPIRequest.providedBy(request) or isinstance(published, Service)):
        return False
    if IReadOnlyService.providedBy(published) or isinstance(published, _READ_ONLY_SERVICES):
        return False
    if has_authorization_header(request):
        return False
    return not api.user.is_anonymous()


def has_valid_token(request) -> bool:
    try:
        check(request)  # the form's _authenticator or the X-CSRF-TOKEN header
    except Forbidden:
        return False
    return True


@adapter(IPubAfterTraversal)
def check_rest_write(event):
    """Refuse (403, nothing written) a cookie-session REST write without a valid token."""
    request = event.request
    if needs_token(request) and not has_valid_token(request):
        raise Forbidden(MSG_CSRF)
