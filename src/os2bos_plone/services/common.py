"""Small helpers shared by the os2bos REST services: JSON bodies, 400/403/404 answers."""

from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from zope.interface import alsoProvides

FORBIDDEN_TYPE = "Forbidden"


def field_error_items(errors):
    """Engine FieldError values (or (field, message) pairs) as REST error dicts."""
    items = []
    for error in errors:
        field, message = (error.field, error.message) if hasattr(error, "field") else error
        items.append({"field": field, "message": message})
    return items


def read_json(request):
    """The request body as a dict (an empty or non-object body gives {})."""
    try:
        data = json_body(request)
    except Exception:  # noqa: BLE001 - plone.restapi raises a bare DeserializationError
        return None
    return data if isinstance(data, dict) else None


def allow_write(request):
    """A write authenticated by an Authorization header (Basic or Bearer) cannot be forged by
    another site, so plone.protect's form-token check is lifted for it. A browser session
    (cookie) keeps the check: the intranet's scripts send the token as X-CSRF-TOKEN."""
    # ZPublisher keeps the Authorization header in request._auth.
    if getattr(request, "_auth", None) or request.getHeader("Authorization"):
        alsoProvides(request, IDisableCSRFProtection)


def bad_request(request, errors):
    """400 with field errors: {"type", "message", "errors": [{"field", "message"}]}."""
    items = field_error_items(errors)
    request.response.setStatus(400)
    return {
        "type": "BadRequest",
        "message": " ".join(item["message"] for item in items),
        "errors": items,
    }


def bad_json(request):
    return bad_request(request, [("", "Forespørgslen skal indeholde et JSON-objekt")])


def forbidden(request, message):
    request.response.setStatus(403)
    return {"type": FORBIDDEN_TYPE, "message": message}


def not_found(request, message):
    request.response.setStatus(404)
    return {"type": "NotFound", "message": message}
