"""400 answers with structured field errors.

plone.restapi reports validation errors as the text of a Python list in "message". On sites with
the add-on, such answers also carry the list itself in "errors", each item {"field", "message"}
("field" is empty for errors of the whole object), so clients need not parse text.
"""

from plone.rest.errors import ErrorHandling
from plone.rest.interfaces import IAPIRequest
from zExceptions import BadRequest
from zope.component import adapter

from os2bos_plone.interfaces import IOs2BosPloneLayer


def structured_errors(exception):
    errors = exception.args[0] if exception.args else None
    if not isinstance(errors, list) or not all(isinstance(item, dict) for item in errors):
        return None
    return [
        {"field": item.get("field") or "", "message": str(item.get("message") or "")}
        for item in errors
    ]


@adapter(BadRequest, IAPIRequest)
class BadRequestHandling(ErrorHandling):
    def render_exception(self, exception):
        result = super().render_exception(exception)
        if result is not None and IOs2BosPloneLayer.providedBy(self.request):
            errors = structured_errors(exception)
            if errors is not None:
                result["errors"] = errors
        return result
