"""Reads of a case and of what a case holds, logged once the publisher has answered them.

REST: a GET on a case (any service, @bos-journal included) is "case_rest"; a GET on anything
inside a case (appropriation, activity, letter) is "child_rest", logged under its case.
Browser: the case view logs itself (browser/case.py); any other page or download of something
inside a case (appropriation, activity, the journal, a letter's PDF) is "child_view". Refused
and failed reads (4xx/5xx) are no reads; only GET (and HEAD) count.
"""

from plone.rest.interfaces import IAPIRequest

from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.audit.reads import case_read
from os2bos_plone.content.case import ICase

#: Browser answers that show data (pages and downloads), not the site's resources.
SHOWN_TYPES = ("text/html", "application/pdf", "application/json")
LETTER_TYPE = "bos_letter"
REST_PREFIX = "GET_application_json_"
#: The case's journal page: a read of the case's decisions, not the case view.
JOURNAL_VIEW = "bos-journal"


def _published_context(request):
    published = request.get("PUBLISHED")
    context = getattr(published, "context", None)
    if context is None:
        # A content object published itself (its default view, a file download).
        context = getattr(published, "im_self", None) or getattr(published, "__self__", None)
        if context is None and getattr(published, "portal_type", None):
            context = published
    return published, context


def _child_detail(context, name):
    portal_type = getattr(context, "portal_type", "") or ""
    uid = context.UID() if callable(getattr(context, "UID", None)) else ""
    return " ".join(part for part in (portal_type, uid, name) if part)


def rest_read(event):
    request = event.request
    if request.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
        return
    if request.response.getStatus() >= 400:
        return
    published, context = _published_context(request)
    if context is None:
        return
    name = getattr(published, "__name__", "") or ""
    if IAPIRequest.providedBy(request):
        # plone.rest names its services "GET_application_json_<name>": keep the name.
        name = name.removeprefix(REST_PREFIX)
        if ICase.providedBy(context):
            case_read(context, "case_rest", detail=name or "GET")
            return
        case = case_of(context)
        if case is not None:
            case_read(case, "child_rest", detail=_child_detail(context, name or "GET"))
        return
    _browser_read(request, published, context, name)


def _browser_read(request, published, context, name):
    case = case_of(context)
    if case is None:
        return
    if context is case and name.lstrip("@") != JOURNAL_VIEW:
        return  # the case view logs itself (browser/case.py)
    content_type = (request.response.getHeader("Content-Type") or "").split(";", 1)[0].strip()
    is_letter = getattr(context, "portal_type", None) == LETTER_TYPE
    if not is_letter and content_type not in SHOWN_TYPES:
        return
    case_read(case, "child_view", detail=_child_detail(context, name))
