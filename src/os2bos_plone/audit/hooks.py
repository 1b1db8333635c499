"""A REST read of a case (GET on a case, any service) is logged once the publisher has answered."""

from plone.rest.interfaces import IAPIRequest

from os2bos_plone.audit.reads import case_read
from os2bos_plone.content.case import ICase


def rest_read(event):
    request = event.request
    if request.get("REQUEST_METHOD", "GET") != "GET" or not IAPIRequest.providedBy(request):
        return
    if request.response.getStatus() >= 400:
        return
    published = request.get("PUBLISHED")
    context = getattr(published, "context", None)
    if context is None or not ICase.providedBy(context):
        return
    name = getattr(published, "__name__", "") or ""
    case_read(context, "case_rest", detail=name or "GET")
