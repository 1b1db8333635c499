"""The one error shape of the product's REST answers, and the handlers that give every 4xx it.

Every 4xx the product answers is::

    {"type": "ValidationError" | "Unauthorized" | "Forbidden" | "NotFound" | "Conflict",
     "message": "<Danish>",
     "errors": [{"field": "<REST field name or ''>", "message": "<Danish>"}]}

The services build their answers with :func:`validation_error`, :func:`forbidden`,
:func:`not_found` and :func:`conflict`; exceptions that reach the publisher (plone.restapi's
content validation, Zope's Unauthorized/NotFound) are rendered in the same shape by
:class:`ProductErrorHandling` on sites with the add-on. Messages that zope.schema, z3c and
plone.restapi write in English are given in Danish by :func:`danish`.
"""

import json
import re

from plone import api
from plone.rest.errors import ErrorHandling
from plone.rest.interfaces import IAPIRequest
from zExceptions import BadRequest
from zExceptions import Forbidden
from zExceptions import NotFound
from zExceptions import Unauthorized
from ZODB.POSException import ConflictError
from zope.component import adapter
from zope.i18n import translate

from os2bos_plone.interfaces import IOs2BosPloneLayer

VALIDATION = "ValidationError"
UNAUTHORIZED = "Unauthorized"
FORBIDDEN = "Forbidden"
NOT_FOUND = "NotFound"
CONFLICT = "Conflict"
STATUS = {VALIDATION: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409}

FORBIDDEN_MESSAGE = "Du har ikke adgang til at udføre denne handling."
MSG_UNAUTHORIZED = "Du skal logge ind for at bruge denne funktion."
MSG_NOT_FOUND = "Det efterspurgte findes ikke."
MSG_CONFLICT = "Andre ændrede det samme samtidig. Prøv igen."
MSG_BAD_JSON = "Forespørgslen skal indeholde et gyldigt JSON-objekt."
MSG_REQUIRED = "Feltet skal udfyldes."
MSG_INTEGER = "Angiv et helt tal."
MSG_NUMBER = "Angiv et tal."
MSG_DATE = "Ugyldig dato. Angiv datoen som ÅÅÅÅ-MM-DD."

# Engine field names that differ from the REST field names (docs/api.md).
REST_FIELD_NAMES = {"payments": "individual_payments"}

# English messages of zope.schema, z3c.form and plone.restapi that reach product answers.
DANISH = {
    "Required input is missing.": MSG_REQUIRED,
    "Object is of wrong type.": "Værdien har en forkert type.",
    "Value is too big": "Værdien er for stor.",
    "Value is too small": "Værdien er for lille.",
    "Value is too long": "Værdien er for lang.",
    "Value is too short": "Værdien er for kort.",
    "Invalid value": "Ugyldig værdi.",
    "Constraint not satisfied": "Værdien opfylder ikke feltets krav.",
    "Not a container": "Værdien skal være en liste.",
    "Not an iterator": "Værdien skal være en liste.",
    "Wrong contained type": "En eller flere værdier i listen har en forkert type.",
    "An object failed schema or invariant validation.": "Værdien er ikke gyldig.",
    "One or more entries of sequence are not unique.": "Den samme værdi må kun forekomme én gang.",
    "The specified URI is not valid.": "Adressen er ikke gyldig.",
    "The specified id is not valid.": "Id'et er ikke gyldigt.",
    "The specified dotted name is not valid.": "Navnet er ikke gyldigt.",
    "Invalid decimal literal": MSG_NUMBER,
    "Invalid int literal.": MSG_INTEGER,
    "Invalid integer literal.": MSG_INTEGER,
    "Invalid float literal.": MSG_NUMBER,
    "No JSON object could be decoded": MSG_BAD_JSON,
    "Malformed body": MSG_BAD_JSON,
    "Resource is locked.": "Indholdet er låst af en anden bruger.",
    "Property '@type' is required": "Angiv indholdstypen i »@type«.",
    "Setting UID of an object requires Manage Portal permission": (
        "Kun administratorer kan angive et UID."
    ),
}
DANISH_PATTERNS = (
    (re.compile(r"^\S+ is a required field\."), MSG_REQUIRED),
    (re.compile(r"^invalid literal for int\(\)"), MSG_INTEGER),
    (re.compile(r"^could not convert string to float"), MSG_NUMBER),
    (re.compile(r"^\[<class 'decimal\.ConversionSyntax'>\]"), MSG_NUMBER),
    (re.compile(r"^Invalid (date|datetime|time)\b", re.IGNORECASE), MSG_DATE),
    (re.compile(r"^Invalid (\S+): Not an integer"), MSG_INTEGER),
    (
        re.compile(r"^Disallowed subobject type: (?P<type>\S+)"),
        "Indhold af typen »{type}« kan ikke oprettes her.",
    ),
    (re.compile(r"^Unknown type"), "Ukendt indholdstype."),
)


def danish(message, request=None):
    """The Danish text of a message; product messages (already Danish) come back unchanged."""
    if request is not None and hasattr(message, "domain"):
        message = translate(message, context=request)
    text = str(message or "").strip()
    if text in DANISH:
        return DANISH[text]
    for pattern, replacement in DANISH_PATTERNS:
        match = pattern.match(text)
        if match:
            return replacement.format(**match.groupdict())
    return text


def rest_field(name):
    name = str(name or "")
    return REST_FIELD_NAMES.get(name, name)


def error_items(errors, request=None):
    """Field errors as REST items {"field", "message"}.

    Accepts engine ``FieldError`` values, (field, message) pairs, plone.restapi's error dicts
    and plain messages (an error of the whole request, field "")."""
    items = []
    for error in errors or ():
        if isinstance(error, dict):
            field, message = error.get("field"), error.get("message")
        elif hasattr(error, "field") and hasattr(error, "message"):
            field, message = error.field, error.message
        elif isinstance(error, (tuple, list)) and len(error) == 2:
            field, message = error
        else:
            field, message = "", error
        items.append({"field": rest_field(field), "message": danish(message, request)})
    return items


def error_body(error_type, message="", errors=(), request=None):
    items = error_items(errors, request)
    if not message:
        message = " ".join(item["message"] for item in items)
    message = danish(message, request)
    if not items:
        items = [{"field": "", "message": message}]
    return {"type": error_type, "message": message, "errors": items}


def answer(request, error_type, message="", errors=()):
    """Set the status for ``error_type`` and return the body to reply."""
    request.response.setStatus(STATUS[error_type])
    return error_body(error_type, message, errors, request)


def validation_error(request, errors, message=""):
    """400: ``errors`` as FieldError values, (field, message) pairs or messages."""
    return answer(request, VALIDATION, message, errors)


def bad_json(request):
    return validation_error(request, [("", MSG_BAD_JSON)])


def forbidden(request, message=FORBIDDEN_MESSAGE):
    return answer(request, FORBIDDEN, message)


def not_found(request, message=MSG_NOT_FOUND):
    return answer(request, NOT_FOUND, message)


def conflict(request, message=MSG_CONFLICT):
    return answer(request, CONFLICT, message)


def from_restapi_error(request, result):
    """plone.restapi's own services answer some errors as {"error": {"type", "message"}} with
    the status already set; give them the product's shape and Danish."""
    if not isinstance(result, dict) or set(result) != {"error"}:
        return result
    error = result["error"] if isinstance(result["error"], dict) else {}
    status = request.response.getStatus()
    error_type = {401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}.get(
        status, VALIDATION if status == 400 else None
    )
    if error_type is None:
        return result
    return answer(request, error_type, error.get("message") or "")


def exception_errors(exception):
    """The field errors a BadRequest carries (plone.restapi raises it with a list of dicts)."""
    errors = exception.args[0] if exception.args else None
    if isinstance(errors, list):
        return [error for error in errors if isinstance(error, (dict, str))]
    return None


def body_too_deep(request):
    """Whether the request body is JSON nested too deep to read. plone.restapi's JWT plugin
    reads every JSON body while authenticating, before any service, and lets that error out."""
    try:
        json.loads(request.get("BODY") or "{}")
    except RecursionError:
        return True
    except ValueError:
        return False
    return False


@adapter(Exception, IAPIRequest)
class ProductErrorHandling(ErrorHandling):
    """Unauthorized, BadRequest, Forbidden and NotFound in the product's shape and Danish, a
    JSON body nested too deep as a 400, and a write conflict the publisher could not resolve by
    retrying as a 409.

    An authenticated user who may not do something gets 403, not plone.rest's 401 (which tells
    a logged-in case worker to log in again); the service may name the refusal in its
    ``forbidden_message``. Requests without the product layer keep plone.rest's answers."""

    def __call__(self):
        exception = self.context
        if not IOs2BosPloneLayer.providedBy(self.request):
            return super().__call__()
        if isinstance(exception, RecursionError) and not body_too_deep(self.request):
            return super().__call__()
        if isinstance(exception, NotFound) and self.attempt_redirect():
            self.request.response.setBody("", lock=1)
            return None
        error_type, message, errors = self.describe(exception)
        body = error_body(error_type, message, errors, self.request)
        response = self.request.response
        response.setHeader("Content-Type", "application/json")
        response.setStatus(STATUS[error_type], lock=1)
        response.setBody(json.dumps(body, indent=2, sort_keys=True), lock=1)
        # PAS must not challenge (redirect to the login form) after this answer.
        response._has_challenged = True
        return None

    def describe(self, exception):
        if isinstance(exception, Unauthorized):
            if not self._valid_credentials():
                return UNAUTHORIZED, MSG_UNAUTHORIZED, ()
            published = self.request.get("PUBLISHED")
            message = getattr(published, "forbidden_message", None) or FORBIDDEN_MESSAGE
            return FORBIDDEN, message, ()
        if isinstance(exception, RecursionError):
            return VALIDATION, MSG_BAD_JSON, ()
        if isinstance(exception, ConflictError):
            # Reached only when the publisher's retries are used up; nothing was written.
            return CONFLICT, MSG_CONFLICT, ()
        if isinstance(exception, Forbidden):
            return FORBIDDEN, str(exception) or FORBIDDEN_MESSAGE, ()
        if isinstance(exception, NotFound):
            return NOT_FOUND, MSG_NOT_FOUND, ()
        errors = exception_errors(exception)
        if errors is not None:
            return VALIDATION, "", errors
        return VALIDATION, str(exception), ()

    def _valid_credentials(self):
        """Whether the request logs in a real user. At this point the publisher has fallen back to
        Anonymous (the user was not authorized for the object), so ask PAS directly."""
        pas = api.portal.get_tool("acl_users")
        return bool(pas._extractUserIds(self.request, pas.plugins))


# The exception classes the handler is registered for (services/configure.zcml).
HANDLED = (Unauthorized, BadRequest, Forbidden, NotFound, RecursionError, ConflictError)
