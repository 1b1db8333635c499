"""Content POST and PATCH on the product's types: plone.restapi's services, with the product's
error shape.

plone.restapi answers a body that is not JSON with a 500 on POST and an English
{"error": {...}} on PATCH, and answers a few refusals in that second shape. On the product's
containers and types the body is read first (400 in Danish, nothing written) and those answers
come in the error shape of services/errors.py. Everything else is plone.restapi's.
"""

from plone.restapi.services.content.add import FolderPost
from plone.restapi.services.content.update import ContentPatch

from os2bos_plone.content.case import IAppropriation
from os2bos_plone.services.common import read_json
from os2bos_plone.services.errors import bad_json
from os2bos_plone.services.errors import from_restapi_error
from os2bos_plone.services.errors import validation_error
from os2bos_plone.validation.appropriation import section_errors


class ProductFolderPost(FolderPost):
    def reply(self):
        if read_json(self.request) is None:
            return bad_json(self.request)
        return from_restapi_error(self.request, super().reply())


class ProductContentPatch(ContentPatch):
    def reply(self):
        data = read_json(self.request)
        if data is None:
            return bad_json(self.request)
        if IAppropriation.providedBy(self.context) and "section" in data:
            errors = section_errors(self.context, data["section"])
            if errors:
                return validation_error(self.request, errors)
        return from_restapi_error(self.request, super().reply())
