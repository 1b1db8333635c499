"""PATCH and DELETE of an appropriation letter (bos_letter): always 403 in Danish.

The letter's workflow grants Modify portal content and Delete objects to no one, so
plone.restapi's own services would refuse too, but the Zope root user would get Zope's English
401. These more specific services give everyone, Manager included, the same Danish 403 and
change nothing. (Registered in content/configure.zcml, next to the type.)
"""

from plone.restapi.services import Service

from os2bos_plone.services.errors import forbidden

MSG_LETTER_IMMUTABLE = (
    "En bevillingsskrivelse kan ikke ændres, erstattes eller slettes: den bevares uændret som "
    "dokumentation for afgørelsen."
)


class LetterRefused(Service):
    def reply(self):
        return forbidden(self.request, MSG_LETTER_IMMUTABLE)
